"""``nq57 verify``, ``backup`` and ``restore``: a home checked, copied whole, brought back."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dagster_project.console import EXIT_FAILED, EXIT_OK
from dagster_project.console import say as _say
from dagster_project.lib.home.paths import Home
from dagster_project.lib.text.terminal import json_text, printable


def cmd_verify(args: argparse.Namespace) -> int:
    """Check the home against its own records; exit 1 naming each mismatch."""
    from dagster_project.lib.home.verify import verify_home

    home = Home.from_env()
    if not home.root.is_dir():
        raise ValueError(f"không có thư mục / no home at {home.root}")
    progress = (lambda _message: None) if args.json else (
        lambda part: _say(f"  … {part}"))
    findings = verify_home(home, args.period, progress=progress)
    if args.json:
        _say(json_text({"home": str(home.root), "ok": not findings,
                        "findings": [f.as_dict() for f in findings]}))
    else:
        for finding in findings:
            _say(f"  ✗ [{finding.area}] {printable(finding.line())}")
        _say(f"{home.root}: " + ("OK — releases, pointers, review logs, archive and warehouse "
                                  "match their records / khớp hồ sơ" if not findings else
                                  f"{len(findings)} mismatch(es) / điểm không khớp"))
    return EXIT_OK if not findings else EXIT_FAILED


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the home, under its writer lock, with a checksum listing."""
    from dagster_project.lib.home.backup import backup_home

    home = Home.from_env()
    destination = Path(args.destination).resolve()
    _say(f"Sao lưu / backing up {home.root} → {destination} …")
    summary = backup_home(home, destination, progress=lambda line: _say(f"  {line}"))
    _say(f"Đã sao lưu / backed up: {summary.files} files, {summary.links} links, "
         f"{summary.bytes / 1e6:.1f} MB, listed with their SHA-256 in "
         f"{summary.folder / 'backup.json'}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Check a backup, restore it into an empty home, and verify the result."""
    from dagster_project.lib.home.backup import restore_home
    from dagster_project.lib.home.verify import verify_home

    home = Home.from_env()
    source = Path(args.source).resolve()
    summary = restore_home(source, home, progress=lambda line: _say(f"  {line}"))
    home.ensure()
    _say(f"Đã khôi phục / restored {summary.files} files and {summary.links} links into "
         f"{home.root}; verifying …")
    findings = verify_home(home)
    for finding in findings:
        _say(f"  ✗ [{finding.area}] {printable(finding.line())}")
    _say("nq57 verify: OK" if not findings else
         f"nq57 verify: {len(findings)} mismatch(es) / điểm không khớp")
    return EXIT_OK if not findings else EXIT_FAILED


def add_home_commands(commands: Any) -> None:
    """Add ``verify``, ``backup`` and ``restore`` to the ``nq57`` sub-command parser."""
    verify = commands.add_parser(
        "verify", help="check the home against its own records (releases, pointers, review "
                       "logs, archive, warehouse)",
        description="Check every release against its manifest, each quarter's latest "
                    "pointer and the links readers follow, each review log's hash chain "
                    "against the heads the releases recorded, every archived file against "
                    "its SHA-256, and that the warehouse opens and reads cleanly. Exit 1 "
                    "naming each mismatch. `nq57 run` runs the same checks first. A reader: "
                    "it never waits for the writer lock.")
    verify.add_argument("--period", help="only this quarter's releases and review log")
    verify.add_argument("--json", action="store_true", help="machine-readable output")
    verify.set_defaults(func=cmd_verify)

    backup = commands.add_parser(
        "backup", help="copy the home (warehouse, archive, landing, releases, review logs) "
                       "with a checksum listing",
        description="Copy everything needed to verify the home and publish again — the "
                    "working warehouse, the archive of received files, the landing zone, the "
                    "releases and their pointers, the review logs and the runs' audits — into "
                    "DEST (new or empty), with backup.json listing every file's SHA-256. "
                    "Taken under the writer lock, so it is one consistent state. Staging "
                    "builds, the inbox, Dagster's run history and logs are left out.")
    backup.add_argument("destination", metavar="DEST", help="new or empty folder")
    backup.set_defaults(func=cmd_backup)

    restore = commands.add_parser(
        "restore", help="restore a backup into an empty home, then verify it",
        description="Check every file of the backup against backup.json (refusing a damaged "
                    "backup before anything is copied), copy it into NQ57_HOME, which must be "
                    "empty, and run `nq57 verify` on the result. The next `nq57 run` "
                    "publishes the same figures from the restored archive.")
    restore.add_argument("source", metavar="SRC", help="a folder written by `nq57 backup`")
    restore.set_defaults(func=cmd_restore)


__all__ = ["add_home_commands"]

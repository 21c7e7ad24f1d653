"""Backup and restore of a home: everything needed to verify it and to publish again.

A backup holds the archive (every file received), the landing zone, the releases with
their pointers, the review logs, the runs' audits and the working warehouse, with
``backup.json`` listing the SHA-256 of every file and the target of every link (and
``backup.sha256``, the checksum of that list). It is taken under the home's writer lock,
so no run changes the warehouse or a release while it is copied. The staging builds,
the inbox (the archive has every file of it), Dagster's run history and the logs are
left out: they are either rebuilt or not needed to trust the data.

A restore checks the whole backup against its list before copying anything, and only into
an empty home; ``nq57 verify`` then passes on it and the next run publishes the same
figures from the same archive.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.regular_files import file_sha256
from dagster_project.lib.publish.release import checksum_state, code_version, write_checksum
from dagster_project.lib.reference.periods import VIETNAM_TIME

__all__ = ["BackupError", "BackupSummary", "backup_home", "restore_home"]

PARTS = ("archive", "landing", "releases", "published", "reviews", "runs")
WAREHOUSE_FILES = ("warehouse.duckdb", "warehouse.duckdb.wal")
LISTING = "backup.json"
LISTING_SUM = "backup.sha256"  # written by release.write_checksum


class BackupError(ValueError):
    """A backup that cannot be taken or restored, with the reason in both languages."""


@dataclass(frozen=True)
class BackupSummary:
    """What was copied: files, links and bytes."""

    folder: Path
    files: int
    links: int
    bytes: int


def _entries(root: Path) -> Iterator[Path]:
    """Every file and link under the backed-up parts of ``root``, links never followed."""
    for name in WAREHOUSE_FILES:
        if (root / name).is_file():
            yield root / name
    for part in PARTS:
        for folder, dirs, files in os.walk(root / part):
            here = Path(folder)
            dirs.sort()
            for name in [*sorted(files), *(d for d in dirs if (here / d).is_symlink())]:
                path = here / name
                if not path.name.startswith(".building-") and not path.name.endswith(".tmp"):
                    yield path


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    else:
        shutil.copy2(source, target)


def _listing(root: Path) -> dict[str, Any]:
    files: dict[str, str] = {}
    links: dict[str, str] = {}
    for path in _entries(root):
        name = str(path.relative_to(root))
        if path.is_symlink():
            links[name] = os.readlink(path)
        else:
            files[name] = file_sha256(path)
    return {"files": files, "links": links}


def backup_home(home: Home, destination: Path,
                progress: Callable[[str], None] = lambda _message: None) -> BackupSummary:
    """Copy the home into ``destination`` (new or empty) with a checksum listing.

    The caller holds the home's writer lock, so the copy is one consistent state.
    """
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"Thư mục sao lưu phải trống / the backup folder must be empty: "
                          f"{destination}")
    if destination.resolve().is_relative_to(home.root.resolve()):
        raise BackupError(f"Không sao lưu vào trong chính thư mục nq57 / a backup cannot go "
                          f"inside the home: {destination}")
    destination.mkdir(parents=True, exist_ok=True)
    copied = 0
    for number, path in enumerate(_entries(home.root), 1):
        _copy(path, destination / path.relative_to(home.root))
        copied += 0 if path.is_symlink() else path.stat().st_size
        if number % 1000 == 0:
            progress(f"{number} files copied")
    listing = _listing(destination)
    payload = {"created_at": datetime.now(VIETNAM_TIME).isoformat(timespec="seconds"),
               "home": str(home.root), "code_version": code_version(), **listing}
    (destination / LISTING).write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    write_checksum(destination / LISTING)
    return BackupSummary(destination, len(listing["files"]), len(listing["links"]), copied)


def check_backup(source: Path) -> list[str]:
    """Every file of the backup that is missing, extra or changed against its listing."""
    state = checksum_state(source / LISTING)
    if state == "changed":
        return [f"{LISTING}: changed"]
    try:
        listing = json.loads((source / LISTING).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = "missing"
    if state != "ok":
        return [f"{source}: not an nq57 backup (no readable {LISTING} and {LISTING_SUM})"]
    found = _listing(source)
    problems = [f"{name}: missing" for name in sorted(set(listing["files"]) - set(found["files"]))]
    problems += [f"{name}: extra" for name in sorted(set(found["files"]) - set(listing["files"]))]
    problems += [f"{name}: changed" for name, digest in sorted(listing["files"].items())
                 if name in found["files"] and found["files"][name] != digest]
    problems += [f"{name}: link changed" for name, target in sorted(listing["links"].items())
                 if found["links"].get(name) != target]
    problems += [f"{name}: link points outside the home" for name, target
                 in sorted(found["links"].items()) if not _inside(source, name, target)]
    return problems


def _inside(root: Path, name: str, target: str) -> bool:
    """A link restored from a backup may only point within the home."""
    if os.path.isabs(target):
        return False
    resolved = os.path.normpath(os.path.join(root, os.path.dirname(name), target))
    return Path(resolved).is_relative_to(root)


def restore_home(source: Path, home: Home,
                 progress: Callable[[str], None] = lambda _message: None) -> BackupSummary:
    """Check the backup whole, then copy it into ``home``, which must be empty."""
    if home.root.exists() and any(p for p in home.root.iterdir()
                                  if not p.name.startswith("nq57.lock")):
        raise BackupError(f"Chỉ khôi phục vào thư mục trống / restore only into an empty "
                          f"home: {home.root} is not empty")
    progress("checking the backup / kiểm tra bản sao lưu")
    problems = check_backup(source)
    if problems:
        raise BackupError("Bản sao lưu không khớp danh sách, không khôi phục / the backup "
                          "does not match its listing, nothing restored: "
                          + "; ".join(problems[:20]))
    listing = json.loads((source / LISTING).read_text(encoding="utf-8"))
    names = [*listing["files"], *listing["links"]]
    for number, name in enumerate(sorted(names), 1):
        _copy(source / name, home.root / name)
        if number % 1000 == 0:
            progress(f"{number} files restored")
    size = sum((source / name).stat().st_size for name in listing["files"])
    return BackupSummary(home.root, len(listing["files"]), len(listing["links"]), size)

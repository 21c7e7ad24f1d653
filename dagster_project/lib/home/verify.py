"""``nq57 verify``: is the home what its own records say it is?

Every release against its manifest (and the manifest against its checksum), each quarter's
``latest`` pointer and the links readers follow, each review log's hash chain against the
heads the releases recorded, every archived file against the SHA-256 it is filed under,
and the working warehouse opening and reading cleanly. ``nq57 run`` runs the same checks
before anything else and refuses to publish from a home that fails them.

Half-built folders that a killed process left (``.building-*``, an archive folder without
its receipt) are not findings: no reader sees them and the next writer replaces them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.regular_files import file_sha256
from dagster_project.lib.publish.release import (
    LATEST,
    LATEST_LINK,
    release_versions,
    verify_release,
)
from dagster_project.lib.quality.review import verify_log

__all__ = ["Finding", "verify_home", "verify_period"]


@dataclass(frozen=True)
class Finding:
    """One thing in the home that does not match its record."""

    area: str  # release | pointer | review_log | archive | warehouse
    path: str  # relative to the home
    problem: str

    def line(self) -> str:
        """``path: problem`` for the terminal."""
        return f"{self.path}: {self.problem}"

    def as_dict(self) -> dict[str, str]:
        """For ``--json``."""
        return asdict(self)


def _periods(home: Home, period_key: str | None) -> list[str]:
    found = {p.name for p in home.releases.glob("*") if p.is_dir() and not p.name.startswith(".")}
    found |= {p.stem for p in (home.root / "reviews").glob("*.jsonl")}
    return sorted(p for p in found if period_key is None or p == period_key)


def _releases(home: Home, period_key: str) -> Iterable[Finding]:
    period_dir = home.releases / period_key
    for version in release_versions(period_dir):
        folder = period_dir / f"v{version}"
        for problem in verify_release(folder):
            kind, _, name = problem.partition(": ")
            yield Finding("release", str((folder / name).relative_to(home.root)), kind)


def _pointer(home: Home, period_key: str) -> Iterable[Finding]:
    """``latest`` names a published version; ``latest.json`` and ``published/`` follow it."""
    period_dir = home.releases / period_key
    versions = release_versions(period_dir)
    pointer = period_dir / LATEST
    where = str(pointer.relative_to(home.root))
    if not versions:
        return
    try:
        version = int(json.loads(pointer.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        yield Finding("pointer", where, "unreadable or missing / không đọc được")
        return
    if version not in versions:
        yield Finding("pointer", where, f"names v{version}, which does not exist")
        return
    link = period_dir / LATEST_LINK
    if link.is_symlink() and os.readlink(link) != f"v{version}":
        yield Finding("pointer", str(link.relative_to(home.root)),
                      f"points to {os.readlink(link)}, latest.json says v{version}")
    published = home.published / period_key
    expected = (period_dir / f"v{version}" / "scorecard").resolve()
    if published.is_symlink() and published.resolve() != expected:
        yield Finding("pointer", str(published.relative_to(home.root)),
                      f"shows {published.resolve()}, not the latest release v{version}")
    elif published.is_dir() and not published.is_symlink():
        yield from _same_files(home, published, expected)


def _same_files(home: Home, shown: Path, release: Path) -> Iterable[Finding]:
    """A ``published/<period>`` folder of the older layout must equal the latest release."""
    def digests(root: Path) -> dict[str, str]:
        return {str(p.relative_to(root)): file_sha256(p) for p in root.rglob("*") if p.is_file()}

    theirs, ours = digests(shown), digests(release)
    for name in sorted(set(theirs) | set(ours)):
        if theirs.get(name) != ours.get(name):
            yield Finding("pointer", str((shown / name).relative_to(home.root)),
                          "differs from the latest release")


def _review_log(home: Home, period_key: str) -> Iterable[Finding]:
    where = f"reviews/{period_key}.jsonl"
    for problem in verify_log(home, period_key):
        yield Finding("review_log", where, problem)


def _archive(home: Home) -> Iterable[Finding]:
    """Every archived file whose receipt exists still has the bytes of its SHA-256."""
    for receipt_path in sorted(home.archive.glob("*/*/receipt.json")):
        folder = receipt_path.parent
        where = str(folder.relative_to(home.root))
        try:
            receipt = json.loads(receipt_path.read_text(encoding="utf-8"))
            stored = folder / receipt["original_name"]
            actual = file_sha256(stored)
        except (OSError, ValueError, KeyError) as error:
            yield Finding("archive", where, f"unreadable / không đọc được: {error}")
            continue
        if actual != folder.name:
            yield Finding("archive", str(stored.relative_to(home.root)),
                          f"content changed: SHA-256 {actual[:12]}…, filed as {folder.name[:12]}…")


def _warehouse(home: Home) -> Iterable[Finding]:
    """The working warehouse opens, and every table of it reads to the end."""
    if not home.warehouse.exists():
        return
    where = str(home.warehouse.relative_to(home.root))
    try:
        with duckdb.connect(str(home.warehouse), read_only=True) as con:
            tables = con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_type = 'BASE TABLE' order by all").fetchall()
            for schema, table in tables:
                con.execute(f'select count(*), bit_xor(hash(t)) from "{schema}"."{table}" t'
                            ).fetchone()
    except duckdb.Error as error:
        yield Finding("warehouse", where, str(error).splitlines()[0])


def verify_period(home: Home, period_key: str) -> list[Finding]:
    """The quarter's own records: its releases, its pointer and links, its review log.

    What the release gate checks before it judges (the archive and the warehouse are
    checked by ``nq57 run`` before the build, and by ``nq57 verify``).
    """
    return [*_releases(home, period_key), *_pointer(home, period_key),
            *_review_log(home, period_key)]


def verify_home(home: Home, period_key: str | None = None, *,
                progress: Callable[[str], None] = lambda _message: None) -> list[Finding]:
    """Every mismatch in the home; empty when it verifies.

    ``period_key`` limits releases and review logs to one quarter; the archive and the
    warehouse are always checked.
    """
    findings: list[Finding] = []
    for period in _periods(home, period_key):
        progress(f"releases/{period}")
        findings += verify_period(home, period)
    progress("archive")
    findings += _archive(home)
    progress("warehouse")
    findings += _warehouse(home)
    return findings


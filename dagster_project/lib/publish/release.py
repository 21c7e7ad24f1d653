"""Immutable, versioned releases of a quarter: ``NQ57_HOME/releases/<period>/v<N>/``.

A release holds everything a reader or an auditor needs without the working warehouse: a
Parquet snapshot of every mart, the scorecard files, the gate's results, and a
``manifest.json`` with the input files' hashes, the code and rule-catalogue versions, the
time of publication and the SHA-256 of every file in the release.

Publishing is crash-safe and has one commit point. The release is written into a hidden
folder beside the versions, flushed to disk, and renamed to ``v<N>`` in one step; then the
``latest`` link of the period (``latest -> v<N>``) is replaced in one rename. Everything a
reader sees goes through that link: ``latest.json`` is a link to ``latest/release.json``
and ``published/<period>`` a link to ``releases/<period>/latest/scorecard``. A process
killed at any moment therefore leaves readers the previous release or the new one, whole,
never a mixture; a half-written folder is never named ``v<N>`` and is swept away by the
next publication. Earlier versions are never written to again; a re-publication is a new
version with a summary of what changed against the one before.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.lib.home.paths import REPO_ROOT, Home
from dagster_project.lib.ingest.regular_files import file_sha256
from dagster_project.lib.quality.audit import mart_fingerprints
from dagster_project.lib.quality.gate import catalogue_sha256

__all__ = ["Release", "ReleaseInputs", "latest_release", "next_version", "pending_changes",
           "publish_release", "release_versions", "verify_release"]

MANIFEST = "manifest.json"
LATEST = "latest.json"
LATEST_LINK = "latest"  # the one pointer that moves: latest -> v<N>
MANIFEST_SUM = "manifest.sha256"  # `sha256sum -c` format: the manifest's own checksum
POINTER = "release.json"  # in every version; latest.json links to latest/release.json
CHANGES = "changes.json"
VERSION = re.compile(r"^v(\d+)$")
# The national headline of the quarter, compared between versions in the change summary.
HEADLINE_SQL = """
    select tasks_assigned, tasks_recurring, tasks_with_deadline, tasks_done,
           tasks_in_progress, tasks_overdue
    from marts.agg_task_completion where scope = 'national' and period_key = ?
"""


@dataclass(frozen=True)
class ReleaseInputs:
    """What a release is made of, besides the warehouse it snapshots."""

    period_key: str
    scorecard_dir: Path  # the rendered scorecard files, copied under scorecard/
    gate_dir: Path | None  # the run's gate results (JSON per suite), copied under checks/
    run_id: str
    published_at: datetime
    notes: dict[str, Any] | None = None  # e.g. approvals and waivers, recorded as given
    # The review log's head when published ({"lines", "last_sha256"}): a log rewritten
    # later, even with recomputed hashes, no longer matches it.
    review_log_head: dict[str, Any] | None = None
    # Further folders of the release by name, e.g. {"quality": annex, "data_docs": site}.
    folders: dict[str, Path] = field(default_factory=dict)
    # The version the scorecard pages were rendered as ("v2, published ..."); publishing
    # refuses to write it under another number.
    version: int | None = None


@dataclass(frozen=True)
class Release:
    """A published release: its folder, version number and manifest."""

    path: Path
    version: int
    manifest: dict[str, Any]


def write_checksum(path: Path) -> Path:
    """Write ``<stem>.sha256`` beside ``path`` (``sha256sum -c`` format): its own checksum."""
    target = path.with_suffix(".sha256")
    target.write_text(f"{file_sha256(path)}  {path.name}\n", encoding="utf-8")
    return target


def checksum_state(path: Path) -> str:
    """Whether ``path`` still matches the checksum :func:`write_checksum` wrote for it.

    Returns ``ok``, ``changed``, ``missing`` (the file is gone) or ``no checksum``
    (``<stem>.sha256`` is missing or empty).
    """
    try:
        recorded = path.with_suffix(".sha256").read_text(encoding="utf-8").split()[0]
    except (OSError, IndexError):
        return "no checksum"
    try:
        return "ok" if file_sha256(path) == recorded else "changed"
    except OSError:
        return "missing"


def release_versions(period_dir: Path) -> list[int]:
    """The version numbers published in a period's folder, oldest first."""
    if not period_dir.is_dir():
        return []
    return sorted(int(m[1]) for child in period_dir.iterdir()
                  if child.is_dir() and (m := VERSION.match(child.name)))


def latest_release(home: Home, period_key: str) -> Release | None:
    """The release ``latest.json`` points to for the period, or None if none was published."""
    pointer = home.releases / period_key / LATEST
    if not pointer.exists():  # also a link to a missing version: nothing was published
        return None
    version = json.loads(pointer.read_text(encoding="utf-8"))["version"]
    path = home.releases / period_key / f"v{version}"
    return Release(path, version, json.loads((path / MANIFEST).read_text(encoding="utf-8")))


def code_version() -> dict[str, Any]:
    """The commit the code was run from, and whether the working tree had changes."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, text=True,
                                capture_output=True, check=True, timeout=10).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                    cwd=REPO_ROOT, text=True, capture_output=True, check=True,
                                    timeout=10).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty}


def _snapshot_marts(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, dict[str, Any]]:
    """Every mart to ``folder/<mart>.parquet``; row count and content fingerprint per mart."""
    folder.mkdir(parents=True)
    summary = mart_fingerprints(con)
    for table in summary:
        target = folder / f"{table}.parquet"
        con.execute(f"copy (select * from marts.{table}) to '{target}' (format parquet)")
    return summary


def _inputs(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every received file the marts were built from, with its hash and verdict."""
    cursor = con.execute("""
        select file_sha256, file_name, source_name, reporting_agency_id,
               cast(reporting_month as varchar), cast(received_at as varchar),
               is_accepted, is_current
        from marts.fct_submission order by received_at, file_sha256
    """)
    names = ["sha256", "file_name", "source", "reporting_agency_id", "reporting_month",
             "received_at", "accepted", "current"]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _headline(con: duckdb.DuckDBPyConnection, period_key: str) -> dict[str, Any]:
    cursor = con.execute(HEADLINE_SQL, [period_key])
    row = cursor.fetchone()
    return {} if row is None else dict(zip([c[0] for c in cursor.description], row,
                                           strict=True))


def _changes(previous: Release | None, marts: dict[str, dict[str, Any]],
             headline: dict[str, Any], inputs: list[dict[str, Any]]) -> dict[str, Any]:
    """What differs from the previous version: marts, headline figures and input files."""
    if previous is None:
        return {"previous_version": None, "summary": "Bản công bố đầu tiên / first release"}
    before = previous.manifest
    changed = {
        table: {"rows_before": before["marts"].get(table, {}).get("rows"),
                "rows_after": facts["rows"]}
        for table, facts in marts.items()
        if before["marts"].get(table) != facts
    }
    figures = {key: {"before": before["headline"].get(key), "after": value}
               for key, value in headline.items() if before["headline"].get(key) != value}
    old_files = {item["sha256"] for item in before["inputs"]}
    new_files = [item["file_name"] for item in inputs if item["sha256"] not in old_files]
    summary = (f"So với v{previous.version}: {len(changed)} bảng thay đổi, "
               f"{len(figures)} số liệu chính thay đổi, {len(new_files)} tệp mới / "
               f"against v{previous.version}: {len(changed)} marts changed, "
               f"{len(figures)} headline figures changed, {len(new_files)} new files")
    return {"previous_version": previous.version, "summary": summary, "marts": changed,
            "headline": figures, "new_input_files": new_files}


def next_version(home: Home, period_key: str) -> int:
    """The number the period's next release will have."""
    return max(release_versions(home.releases / period_key), default=0) + 1


def pending_changes(home: Home, warehouse: Path, period_key: str) -> dict[str, Any]:
    """What the next release will differ in from the latest one, before it is written.

    The same comparison :func:`publish_release` records in ``changes.json``, made early so
    the scorecard pages can say what changed in the version they belong to.
    """
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return _changes(latest_release(home, period_key), mart_fingerprints(con),
                        _headline(con, period_key), _inputs(con))


def _copy_tree(source: Path | None, target: Path) -> None:
    if source is not None and source.is_dir():
        shutil.copytree(source, target)
    else:
        target.mkdir(parents=True)


def _files(root: Path) -> Iterable[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n",
                    encoding="utf-8")


def _fsync_tree(root: Path) -> None:
    """Flush every file and folder of ``root`` to disk before it is renamed into place."""
    for path in [*_files(root), *sorted(p for p in root.rglob("*") if p.is_dir()), root]:
        _fsync_dir(path)  # a file's descriptor is flushed the same way


def _link(target: str, link: Path) -> None:
    """Point ``link`` at ``target`` in one rename (``ln -sfn`` is not atomic)."""
    temporary = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    if link.is_dir() and not link.is_symlink():  # a folder left by an older layout
        stale = link.with_name(f".{link.name}.stale-{os.getpid()}")
        os.replace(link, stale)
        os.replace(temporary, link)
        shutil.rmtree(stale, ignore_errors=True)
    else:
        os.replace(temporary, link)


def _fsync_dir(folder: Path) -> None:
    """Flush a folder (or a file) to disk: a rename is durable once its folder is."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _move_latest(home: Home, period_key: str, version: int) -> None:
    """The commit point: ``latest -> v<N>``; the reader-facing links follow it."""
    period_dir = home.releases / period_key
    _link(f"v{version}", period_dir / LATEST_LINK)
    _fsync_dir(period_dir)
    ensure_reader_links(home, period_key)


def ensure_reader_links(home: Home, period_key: str) -> None:
    """``latest.json`` and ``published/<period>`` as links through ``latest`` (made once).

    They never change afterwards: moving ``latest`` moves what both show. A home of the
    older layout (a ``latest.json`` file, a ``published/<period>`` folder) is converted.
    """
    period_dir = home.releases / period_key
    if not (period_dir / LATEST_LINK).is_symlink():
        return
    if not (period_dir / LATEST).is_symlink():
        _link(f"{LATEST_LINK}/{POINTER}", period_dir / LATEST)
        _fsync_dir(period_dir)
    published = home.published / period_key
    if not published.is_symlink():
        home.published.mkdir(parents=True, exist_ok=True)
        _link(f"../releases/{period_key}/{LATEST_LINK}/scorecard", published)
        _fsync_dir(home.published)


def publish_release(home: Home, warehouse: Path, inputs: ReleaseInputs) -> Release:
    """Write the next version of the period's release and move ``latest`` to it.

    Args:
        home: The nq57 home (releases go under ``home.releases``).
        warehouse: The audited warehouse to snapshot (opened read-only).
        inputs: Scorecard files, gate results and facts of the publication.

    Returns:
        The new release.
    """
    period_dir = home.releases / inputs.period_key
    period_dir.mkdir(parents=True, exist_ok=True)
    for stale in period_dir.glob(".building-*"):  # left by a killed publication
        shutil.rmtree(stale, ignore_errors=True)
    version = max(release_versions(period_dir), default=0) + 1
    if inputs.version is not None and inputs.version != version:
        raise RuntimeError(f"the scorecard was rendered as v{inputs.version} but the next "
                           f"release of {inputs.period_key} is v{version}: render it again")
    previous = latest_release(home, inputs.period_key)
    build = period_dir / f".building-v{version}-{os.getpid()}"
    build.mkdir()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = _snapshot_marts(con, build / "marts")
        files_in = _inputs(con)
        headline = _headline(con, inputs.period_key)
    _copy_tree(inputs.scorecard_dir, build / "scorecard")
    _copy_tree(inputs.gate_dir, build / "checks")
    for name, source in sorted(inputs.folders.items()):
        _copy_tree(source, build / name)
    changes = _changes(previous, marts, headline, files_in)
    _write_json(build / CHANGES, changes)
    _write_json(build / POINTER, {"version": version, "path": f"v{version}",
                                  "published_at": inputs.published_at.isoformat()})
    manifest = {
        "period": inputs.period_key,
        "version": version,
        "published_at": inputs.published_at.isoformat(),
        "run_id": inputs.run_id,
        "code_version": code_version(),
        "rule_catalogue_sha256": catalogue_sha256(),
        "headline": headline,
        "marts": marts,
        "inputs": files_in,
        "notes": inputs.notes or {},
        "changes_summary": changes["summary"],
        "review_log_head": inputs.review_log_head,
        "files": {str(path.relative_to(build)): file_sha256(path) for path in _files(build)},
    }
    _write_json(build / MANIFEST, manifest)
    write_checksum(build / MANIFEST)
    _fsync_tree(build)
    target = period_dir / f"v{version}"
    os.rename(build, target)  # the release appears complete, or not at all
    _fsync_dir(period_dir)
    _move_latest(home, inputs.period_key, version)
    return Release(target, version, manifest)


def verify_release(path: Path) -> list[str]:
    """Files of a release that are missing, extra or changed against its manifest.

    The manifest is checked against its own checksum first, so a changed figure in the
    manifest is found as surely as a changed byte in a scorecard page.
    """
    state = checksum_state(path / MANIFEST)
    if state != "ok":
        return [f"missing: {MANIFEST_SUM}" if state == "no checksum" else f"{state}: {MANIFEST}"]
    manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    expected: dict[str, str] = manifest["files"]
    found = {name: p for p in _files(path)
             if (name := str(p.relative_to(path))) not in (MANIFEST, MANIFEST_SUM)}
    problems = [f"missing: {name}" for name in sorted(set(expected) - set(found))]
    problems += [f"extra: {name}" for name in sorted(set(found) - set(expected))]
    problems += [f"changed: {name}" for name in sorted(set(expected) & set(found))
                 if file_sha256(found[name]) != expected[name]]
    return problems

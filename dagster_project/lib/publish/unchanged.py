"""Know, before building anything, that a run would publish nothing new.

A monthly run with nothing new used to rebuild the whole warehouse, re-run every suite and
render both scorecards only to find the release unchanged: minutes of work for "v3 stands".
A run's outcome depends on the landed data, the code and project files that build, check
and render it, the quarter's review log and the approval mode, and nothing else. After a
run that ends with a release (new or unchanged), the fingerprint of those inputs is kept
in ``run_inputs/<period>.json`` with the release's version; the next run for the quarter
computes it again and, when nothing differs and no new file waits in the inbox, stops at
once and says that the release stands.

The record is a shortcut, not a decision: it can only make a run say "unchanged" for a
release that exists, verifies and was published from exactly these inputs. A missing or
altered record just means a full run.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from dagster_project.lib.home.paths import REPO_ROOT, Home
from dagster_project.lib.ingest.regular_files import file_sha256
from dagster_project.lib.publish.release import Release, latest_release
from dagster_project.lib.quality.review import review_log_path

PROJECT_FOLDERS = ("dagster_project", "dbt", "expectations", "reports", "sources")
"""Everything in the checkout a run reads: code, dbt project, rules, method, templates."""

SKIPPED_PARTS = frozenset({"target", "logs", "dbt_packages", "__pycache__", ".user.yml"})
"""Build output and caches inside those folders: they follow from the rest."""


def _files(root: Path, skip: frozenset[str] = frozenset()) -> list[Path]:
    """Every regular file under ``root`` in a stable order, leaving out ``skip`` names."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip)
        found += [Path(folder) / n for n in sorted(names) if n not in skip
                  and not n.endswith(".pyc")]
    return found


def project_digest(repo: Path = REPO_ROOT) -> str:
    """The SHA-256 over the content of every file a run reads from the checkout."""
    digest = hashlib.sha256()
    for folder in PROJECT_FOLDERS:
        for path in _files(repo / folder, SKIPPED_PARTS):
            digest.update(f"{path.relative_to(repo).as_posix()}\0".encode())
            digest.update(file_sha256(path).encode())
    return digest.hexdigest()


def landing_digest(home: Home) -> str:
    """The SHA-256 over the landing zone's listing, names and sizes.

    A committed landing batch is never rewritten (a new ingest writes new batches), so
    names and sizes say what was landed without reading the files.
    """
    digest = hashlib.sha256()
    for path in _files(home.landing):
        digest.update(f"{path.relative_to(home.landing).as_posix()}\0{path.stat().st_size}\n"
                      .encode())
    return digest.hexdigest()


def inputs_fingerprint(home: Home, period_key: str, auto_approve: bool) -> str:
    """One SHA-256 over everything a run for the quarter depends on."""
    log = review_log_path(home, period_key)
    reviews = file_sha256(log) if log.exists() else "none"
    parts = {"period": period_key, "auto_approve": auto_approve, "landing": landing_digest(home),
             "project": project_digest(), "reviews": reviews}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _record_path(home: Home, period_key: str) -> Path:
    return home.run_inputs / f"{period_key}.json"


def record_inputs(home: Home, period_key: str, fingerprint: str, release: Release) -> None:
    """Remember that these inputs gave this release (after a run that ended with one)."""
    path = _record_path(home, period_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"inputs": fingerprint, "version": release.version}),
                         encoding="utf-8")
    temporary.replace(path)


@dataclass(frozen=True)
class Unchanged:
    """The release that stands, because nothing a run reads has changed since it."""

    release: Release
    fingerprint: str


def unchanged_release(home: Home, period_key: str, fingerprint: str) -> Unchanged | None:
    """The quarter's latest release when it was published from exactly ``fingerprint``."""
    path = _record_path(home, period_key)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    release = latest_release(home, period_key)
    if (release is None or not isinstance(record, dict) or record.get("inputs") != fingerprint
            or record.get("version") != release.version):
        return None
    return Unchanged(release, fingerprint)

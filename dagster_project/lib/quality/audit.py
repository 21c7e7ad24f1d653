"""The audit of a run: what it built, what the rules said, and whether it may be published.

Write-audit-publish: a run builds into its own staging warehouse and records the build
(``runs/<run_id>/build.json``: the warehouse and a fingerprint of every mart's content). The
checks record their results beside it (``runs/<run_id>/gate/``). The gate then judges the
audit (``runs/<run_id>/audit.json``): publishable only when every rule ran, no blocking rule
failed unless waived, and a reviewer approved exactly this data — an approval names the
fingerprint of the build it approved, so new or corrected files need a new approval. A flag
may approve automatically (the demo); the audit and the release manifest then say so.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.lib.home.paths import Home
from dagster_project.lib.quality.gate import GateVerdict, read_verdict
from dagster_project.lib.quality.review import ReviewLog, read_log, verify_log

__all__ = ["Audit", "Build", "approval_for", "judge", "mart_fingerprints", "read_audit",
           "read_build", "record_build"]

BUILD = "build.json"
AUDIT = "audit.json"


def mart_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Row count and an order-independent content hash of every mart."""
    tables = [name for (name,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' "
        "order by table_name").fetchall()]
    summary = {}
    for table in tables:
        rows, fingerprint = con.execute(
            f"select count(*), coalesce(bit_xor(hash(t)), 0) from marts.{table} as t"
        ).fetchone()
        summary[table] = {"rows": rows, "fingerprint": str(fingerprint)}
    return summary


@dataclass(frozen=True)
class Build:
    """A run's staging warehouse and the fingerprint of the data it holds."""

    run_id: str
    warehouse: str
    data_fingerprint: str
    marts: dict[str, dict[str, Any]]
    built_at: str


def record_build(home: Home, run_id: str, warehouse: Path, built_at: datetime) -> Build:
    """Fingerprint the run's marts and record the build for the gate and reviewers."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = mart_fingerprints(con)
    digest = hashlib.sha256(json.dumps(marts, sort_keys=True).encode()).hexdigest()
    build = Build(run_id, str(warehouse), digest, marts, built_at.isoformat())
    folder = home.runs / run_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / BUILD).write_text(json.dumps(asdict(build), indent=2), encoding="utf-8")
    return build


def read_build(home: Home, run_id: str) -> Build | None:
    """The run's recorded build, if it built one."""
    path = home.runs / run_id / BUILD
    return Build(**json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None


@dataclass(frozen=True)
class Audit:
    """The gate's judgement of one run for one period."""

    period_key: str
    run_id: str
    data_fingerprint: str | None
    rules_passed: bool  # every suite ran, no unwaived blocking failure
    approval: dict[str, Any] | None  # the review-log entry that approves this data
    auto_approved: bool
    failed_blocking: list[str] = field(default_factory=list)
    waived: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing_suites: list[str] = field(default_factory=list)
    # Where the quarter's records (review log, releases, pointer) do not verify: decisions
    # or earlier publications cannot be trusted, so nothing publishes.
    record_problems: list[str] = field(default_factory=list)

    @property
    def publishable(self) -> bool:
        """The review log holds, rules passed (or were waived), and someone approved."""
        return (not self.record_problems and self.rules_passed
                and (self.approval is not None or self.auto_approved))

    def reason(self) -> str:
        """Why the period may or may not be published, in Vietnamese and English."""
        if self.record_problems:
            return (f"hồ sơ của kỳ {self.period_key} không khớp (nhật ký quyết định, bản công "
                    f"bố) / the quarter's records do not verify: "
                    f"{'; '.join(self.record_problems)}")
        if not self.rules_passed:
            parts = [f"quy tắc chặn không đạt / blocking rules failed: "
                     f"{', '.join(self.failed_blocking)}"] if self.failed_blocking else []
            if self.missing_suites:
                parts.append(f"chưa chạy / not run: {', '.join(self.missing_suites)}")
            return "; ".join(parts)
        if self.publishable and self.approval is None:
            return ("đủ điều kiện công bố, phê duyệt tự động (chế độ trình diễn) / publishable, "
                    "approved automatically (demo flag)")
        if self.publishable:
            who = f"{self.approval['by']} ({self.approval['at']})"
            return f"đủ điều kiện công bố, phê duyệt: {who} / publishable, approved by {who}"
        return (f"chờ phê duyệt: chạy `nq57 review --period {self.period_key}` rồi `nq57 "
                f"approve --period {self.period_key} --by <tên>` / awaiting approval: review, "
                f"approve, then run again")


def approval_for(log: ReviewLog, fingerprint: str | None) -> dict[str, Any] | None:
    """The latest approval in the log that names this data."""
    matching = [entry for entry in log.approvals
                if fingerprint is not None and entry.get("data_fingerprint") == fingerprint]
    return matching[-1] if matching else None


def judge(home: Home, run_id: str, period_key: str, auto_approve: bool = False,
          record_problems: list[str] | None = None) -> tuple[Audit, GateVerdict]:
    """Judge the run's audit against the period's review log and record it.

    ``record_problems`` are the findings of ``nq57 verify`` on the quarter's records; the
    review log is verified here in any case, so no caller can skip it.
    """
    build = read_build(home, run_id)
    fingerprint = build.data_fingerprint if build else None
    log = read_log(home, period_key, fingerprint)
    verdict = read_verdict(home, run_id, period_key, waived_rules=set(log.waivers))
    audit = Audit(
        period_key=period_key, run_id=run_id, data_fingerprint=fingerprint,
        rules_passed=verdict.passed, approval=approval_for(log, fingerprint),
        auto_approved=auto_approve and verdict.passed,
        failed_blocking=[r.rule_id for r in verdict.failed_blocking],
        waived=[r.rule_id for r in verdict.waived],
        warnings=[r.rule_id for r in verdict.warnings],
        missing_suites=list(verdict.missing_suites),
        record_problems=record_problems if record_problems is not None
        else verify_log(home, period_key),
    )
    (home.runs / run_id / AUDIT).write_text(
        json.dumps({**asdict(audit), "publishable": audit.publishable,
                    "reason": audit.reason()}, ensure_ascii=False, indent=2),
        encoding="utf-8")
    return audit, verdict


def read_audit(home: Home, run_id: str) -> Audit | None:
    """The gate's recorded judgement of a run, if the gate ran."""
    path = home.runs / run_id / AUDIT
    if not path.exists():
        return None
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload.pop("publishable", None)
    payload.pop("reason", None)
    return Audit(**payload)

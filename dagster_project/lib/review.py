"""Reviewers' decisions on a period: approvals and waivers, in an append-only log.

Each period has one log, ``NQ57_HOME/reviews/<period>.jsonl``: one JSON line per decision,
never rewritten. Every entry carries the SHA-256 of the one before it, so an edited or
deleted line breaks the chain and :func:`verify_log` says where. A waiver names a blocking
rule of the catalogue and must give its reason: it lets the period publish despite that
rule's failure, and goes into the release manifest (and the scorecard's footnotes) with who
decided and why. Warnings need no waiver, so waiving one is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dagster_project.lib.dbt_rules import all_rules
from dagster_project.lib.gate import PERIOD_KEY
from dagster_project.lib.paths import Home

__all__ = ["ReviewError", "ReviewLog", "approve", "read_log", "verify_log", "waive"]

MIN_REASON = 15  # characters: a reason a later reader can act on, not "ok"


class ReviewError(ValueError):
    """A decision that cannot be recorded (unknown rule, missing reason, bad period)."""


@dataclass(frozen=True)
class ReviewLog:
    """A period's decisions, oldest first."""

    period_key: str
    entries: tuple[dict[str, Any], ...]

    @property
    def approvals(self) -> tuple[dict[str, Any], ...]:
        """Sign-offs of the period."""
        return tuple(entry for entry in self.entries if entry["action"] == "approve")

    @property
    def waivers(self) -> dict[str, dict[str, Any]]:
        """The latest waiver per rule id."""
        return {entry["rule_id"]: entry for entry in self.entries if entry["action"] == "waive"}


def _path(home: Home, period_key: str) -> Any:
    if PERIOD_KEY.match(period_key) is None:
        raise ReviewError(f"Kỳ không hợp lệ '{period_key}' (ví dụ: 2026-Q2) / invalid period "
                          f"'{period_key}' (e.g. 2026-Q2)")
    return home.root / "reviews" / f"{period_key}.jsonl"


def _digest(entry: dict[str, Any]) -> str:
    body = {key: value for key, value in entry.items() if key != "sha256"}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
                          ).hexdigest()


def read_log(home: Home, period_key: str) -> ReviewLog:
    """The period's decisions (empty when nobody has decided anything yet)."""
    path = _path(home, period_key)
    if not path.exists():
        return ReviewLog(period_key, ())
    lines = path.read_text(encoding="utf-8").splitlines()
    return ReviewLog(period_key, tuple(json.loads(line) for line in lines if line.strip()))


def verify_log(home: Home, period_key: str) -> list[str]:
    """Entries whose hash or link to the previous entry does not hold (edited or removed)."""
    problems, previous = [], None
    for number, entry in enumerate(read_log(home, period_key).entries, 1):
        if entry.get("previous_sha256") != previous:
            problems.append(f"entry {number}: does not follow entry {number - 1}")
        if entry.get("sha256") != _digest(entry):
            problems.append(f"entry {number}: content changed after it was written")
        previous = entry.get("sha256")
    return problems


def _append(home: Home, period_key: str, entry: dict[str, Any]) -> dict[str, Any]:
    path = _path(home, period_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    log = read_log(home, period_key)
    entry = {"period": period_key, **entry,
             "previous_sha256": log.entries[-1]["sha256"] if log.entries else None}
    entry["sha256"] = _digest(entry)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return entry


def approve(home: Home, period_key: str, by: str, at: datetime, data_fingerprint: str,
            run_id: str, note: str = "") -> dict[str, Any]:
    """Record a reviewer's sign-off of the data a run built for the period.

    The approval names the build's fingerprint: it lets exactly that data be published, and
    a run on new or corrected files needs a new approval.
    """
    if not by.strip():
        raise ReviewError("Cần ghi tên người phê duyệt (--by) / the approver's name is needed")
    return _append(home, period_key, {"action": "approve", "by": by.strip(),
                                      "at": at.isoformat(), "note": note.strip(),
                                      "run_id": run_id, "data_fingerprint": data_fingerprint})


def waive(home: Home, period_key: str, rule_id: str, by: str, reason: str,
          at: datetime) -> dict[str, Any]:
    """Record a justified exception to a blocking rule for the period."""
    rule = all_rules().get(rule_id)
    if rule is None:
        raise ReviewError(f"Không có quy tắc '{rule_id}' trong danh mục / no rule '{rule_id}' "
                          "in the catalogue")
    if not rule.blocking:
        raise ReviewError(f"{rule_id} là cảnh báo, không chặn công bố nên không cần miễn trừ / "
                          f"{rule_id} is a warning: it does not block, so it needs no waiver")
    if not by.strip():
        raise ReviewError("Cần ghi tên người quyết định (--by) / the decider's name is needed")
    if len(reason.strip()) < MIN_REASON:
        raise ReviewError(f"Lý do miễn trừ cần cụ thể (ít nhất {MIN_REASON} ký tự) / the reason "
                          f"must be specific (at least {MIN_REASON} characters)")
    return _append(home, period_key, {"action": "waive", "rule_id": rule_id, "by": by.strip(),
                                      "reason": reason.strip(), "at": at.isoformat()})

"""Reviewers' decisions on a period: approvals and waivers, in an append-only log.

Each period has one log, ``NQ57_HOME/reviews/<period>.jsonl``: one JSON line per decision,
never rewritten. Every entry carries the SHA-256 of the one before it, so an edited,
inserted, reordered or deleted line breaks the chain and :func:`verify_log` names the line.
A chain alone does not stop a rewrite with recomputed hashes, or the removal of the last
lines; so every release records the log's head (line count and last hash) in its manifest,
and the log must still contain each recorded head. Each decision records the operating
system's user and host besides the name the reviewer gave. A waiver names a blocking
rule of the catalogue and must give its reason: it lets the period publish despite that
rule's failure, and goes into the release manifest (and the scorecard's footnotes) with who
decided and why. Warnings need no waiver, so waiving one is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dagster_project.lib.home.home_lock import os_user
from dagster_project.lib.home.paths import Home
from dagster_project.lib.quality.dbt_rules import all_rules
from dagster_project.lib.reference.periods import PERIOD_KEY

__all__ = ["ReviewError", "ReviewLog", "append_decision", "approve", "log_head", "read_log",
           "recorded_heads", "review_log_path", "verify_log", "waive"]

MIN_REASON = 15  # characters: a reason a later reader can act on, not "ok"


class ReviewError(ValueError):
    """A decision that cannot be recorded (unknown rule, missing reason, bad period)."""


@dataclass(frozen=True)
class ReviewLog:
    """A period's decisions, oldest first."""

    period_key: str
    entries: tuple[dict[str, Any], ...]
    # The data the log is read for (a build's fingerprint): only waivers given for exactly
    # this data count. None: no waiver counts.
    data_fingerprint: str | None = None

    @property
    def approvals(self) -> tuple[dict[str, Any], ...]:
        """Sign-offs of the period."""
        return tuple(entry for entry in self.entries if entry["action"] == "approve")

    @property
    def waivers(self) -> dict[str, dict[str, Any]]:
        """The latest waiver per rule id given for this data: the waivers in force.

        A waiver excuses the failing rows a reviewer saw; new or corrected files are other
        rows, so it lapses when the data changes, as an approval does.
        """
        return {entry["rule_id"]: entry for entry in self.entries
                if entry["action"] == "waive" and self.data_fingerprint is not None
                and entry.get("data_fingerprint") == self.data_fingerprint}

    @property
    def lapsed_waivers(self) -> dict[str, dict[str, Any]]:
        """The latest waiver per rule given for other data, for rules with none in force."""
        return {entry["rule_id"]: entry for entry in self.entries
                if entry["action"] == "waive" and entry["rule_id"] not in self.waivers}


def review_log_path(home: Home, period_key: str) -> Path:
    """``NQ57_HOME/reviews/<period>.jsonl``; a key that is not a quarter is refused."""
    if PERIOD_KEY.match(period_key) is None:
        raise ReviewError(f"Kỳ không hợp lệ '{period_key}' (ví dụ: 2026-Q2) / invalid period "
                          f"'{period_key}' (e.g. 2026-Q2)")
    return home.root / "reviews" / f"{period_key}.jsonl"


def _digest(entry: dict[str, Any]) -> str:
    body = {key: value for key, value in entry.items() if key != "sha256"}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
                          ).hexdigest()


def _lines(home: Home, period_key: str) -> tuple[list[str], bool]:
    """The log's raw lines, and whether the file ends where a line ends (not truncated)."""
    path = review_log_path(home, period_key)
    if not path.exists():
        return [], True
    text = path.read_text(encoding="utf-8", errors="replace")
    return text.splitlines(), text == "" or text.endswith("\n")


def _parse(line: str) -> dict[str, Any] | None:
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) and "sha256" in entry else None


def read_log(home: Home, period_key: str, data_fingerprint: str | None = None) -> ReviewLog:
    """The period's decisions (empty when nobody has decided anything yet).

    ``data_fingerprint`` names the build the decisions are read for: its waivers are those
    given for it (see ``ReviewLog.waivers``).

    Lines that are not whole entries are left out here; :func:`verify_log` names them, and
    the release gate refuses to publish while it names anything.
    """
    entries = (_parse(line) for line in _lines(home, period_key)[0])
    return ReviewLog(period_key, tuple(entry for entry in entries if entry is not None),
                     data_fingerprint)


def log_head(home: Home, period_key: str) -> dict[str, Any]:
    """What a release records of the log: how many lines, and the last line's hash."""
    lines, _ = _lines(home, period_key)
    last = _parse(lines[-1]) if lines else None
    return {"lines": len(lines), "last_sha256": last["sha256"] if last else None}


def recorded_heads(home: Home, period_key: str) -> list[tuple[int, dict[str, Any]]]:
    """``(version, head)`` recorded by each release of the period, oldest first."""
    heads = []
    for manifest in (home.releases / period_key).glob("v*/manifest.json"):
        try:
            payload = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a damaged manifest is reported by `nq57 verify`
        if isinstance(payload.get("review_log_head"), dict):
            heads.append((int(payload.get("version", 0)), payload["review_log_head"]))
    return sorted(heads, key=lambda item: item[0])


def _chain_problems(lines: list[str], whole: bool) -> list[str]:
    problems, previous = [], None
    for number, line in enumerate(lines, 1):
        entry = _parse(line)
        if entry is None:
            problems.append(f"dòng {number}: không phải một quyết định hoàn chỉnh / line "
                            f"{number}: not a whole entry (edited or truncated)")
            previous = None
            continue
        if entry.get("previous_sha256") != previous:
            after = f"line {number - 1}" if number > 1 else "the start of the log"
            problems.append(f"dòng {number}: không nối tiếp dòng trước / line {number}: does "
                            f"not follow {after} (inserted, reordered or deleted lines)")
        if entry["sha256"] != _digest(entry):
            problems.append(f"dòng {number}: nội dung đã bị sửa / line {number}: content "
                            "changed after it was written")
        previous = entry["sha256"]
    if lines and not whole:
        problems.append(f"dòng {len(lines)}: tệp bị cắt cụt / line {len(lines)}: the file "
                        "ends inside a line (truncated)")
    return problems


def _head_problems(lines: list[str], heads: list[tuple[int, dict[str, Any]]]) -> list[str]:
    problems = []
    for version, head in heads:
        count, last = int(head.get("lines") or 0), head.get("last_sha256")
        if count == 0:
            continue
        if len(lines) < count:
            problems.append(f"dòng {len(lines) + 1}–{count}: đã bị xoá, bản công bố v{version} "
                            f"ghi nhận {count} dòng / lines {len(lines) + 1}–{count}: deleted; "
                            f"release v{version} recorded {count} lines")
            continue
        entry = _parse(lines[count - 1])
        if entry is None or entry["sha256"] != last:
            problems.append(f"dòng {count}: khác với dòng bản công bố v{version} đã ghi nhận "
                            f"(nhật ký bị viết lại) / line {count}: not the entry release "
                            f"v{version} recorded (the log was rewritten)")
    return problems


def verify_log(home: Home, period_key: str) -> list[str]:
    """Every break in the period's log, each naming its line; empty when the log holds.

    Checks the hash chain line by line, a file cut inside a line, and the heads recorded
    by the period's releases (which catch deleted last lines and recomputed chains).
    """
    lines, whole = _lines(home, period_key)
    return [*_chain_problems(lines, whole),
            *_head_problems(lines, recorded_heads(home, period_key))]


def _append(home: Home, period_key: str, entry: dict[str, Any]) -> dict[str, Any]:
    path = review_log_path(home, period_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    log = read_log(home, period_key)
    problems = verify_log(home, period_key)
    if problems:
        raise ReviewError(f"Nhật ký quyết định {path} bị hỏng, không ghi thêm / the review log "
                          f"is damaged, nothing appended: {'; '.join(problems)}")
    entry = {"period": period_key, **entry, "os_user": os_user(),
             "host": socket.gethostname(),
             "previous_sha256": log.entries[-1]["sha256"] if log.entries else None}
    entry["sha256"] = _digest(entry)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return entry


def append_decision(home: Home, period_key: str, entry: dict[str, Any]) -> dict[str, Any]:
    """Append a decision of another kind (e.g. setting a file aside) to the period's log."""
    return _append(home, period_key, entry)


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


@dataclass(frozen=True)
class AuditedData:
    """What a decision is given for: a run's build, its fingerprint and the rules it failed."""

    run_id: str
    data_fingerprint: str
    failed_rules: frozenset[str]


def waive(home: Home, period_key: str, rule_id: str, by: str, reason: str,
          at: datetime, data: AuditedData) -> dict[str, Any]:
    """Record a justified exception to a blocking rule, for the data of the latest audit.

    Only a rule that fails in that audit can be waived, and only for that data: a waiver
    given ahead of time, or kept after the data changed, would excuse rows nobody saw.
    """
    rule = all_rules().get(rule_id)
    if rule is None:
        raise ReviewError(f"Không có quy tắc '{rule_id}' trong danh mục / no rule '{rule_id}' "
                          "in the catalogue")
    if not rule.blocking:
        raise ReviewError(f"{rule_id} là cảnh báo, không chặn công bố nên không cần miễn trừ / "
                          f"{rule_id} is a warning: it does not block, so it needs no waiver")
    if rule_id not in data.failed_rules:
        raise ReviewError(f"{rule_id} đang đạt trong lần kiểm tra gần nhất (chạy {data.run_id}) "
                          f"nên không có gì để miễn trừ / {rule_id} passes in the latest audit "
                          f"(run {data.run_id}): there is nothing to waive")
    if not by.strip():
        raise ReviewError("Cần ghi tên người quyết định (--by) / the decider's name is needed")
    if len(reason.strip()) < MIN_REASON:
        raise ReviewError(f"Lý do miễn trừ cần cụ thể (ít nhất {MIN_REASON} ký tự) / the reason "
                          f"must be specific (at least {MIN_REASON} characters)")
    return _append(home, period_key, {"action": "waive", "rule_id": rule_id, "by": by.strip(),
                                      "reason": reason.strip(), "at": at.isoformat(),
                                      "run_id": data.run_id,
                                      "data_fingerprint": data.data_fingerprint})

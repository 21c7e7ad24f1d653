"""The review log: approvals and waivers, append-only and hash-chained."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dagster_project.lib.home.paths import Home
from dagster_project.lib.quality.audit import Audit
from dagster_project.lib.quality.review import (
    AuditedData,
    ReviewError,
    _digest,
    approve,
    log_head,
    read_log,
    verify_log,
    waive,
)

AT = datetime(2026, 7, 3, 10, 0, tzinfo=timezone(timedelta(hours=7)))
REASON = "Bộ Tài chính đã gửi giải trình bằng văn bản số 123/BTC-HCSN"
# The latest audit the waivers below are given for: its data and the rules it failed.
DATA = AuditedData("run-1", "f" * 64, frozenset({
    "BUD-002", "TASK-040", "XYZ-999", "dbt.fct_task.task_id.unique",
    "dbt.int_indicator_actuals.unit_matches_target.accepted_values"}))


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def test_decisions_are_kept_in_order_and_chained(home: Home) -> None:
    waive(home, "2026-Q2", "BUD-002", "Trần Thị B", REASON, AT, DATA)
    approve(home, "2026-Q2", "Nguyễn Văn A", AT, "f" * 64, "run-1", "Đã xem phụ lục chất lượng")
    log = read_log(home, "2026-Q2", DATA.data_fingerprint)
    assert [entry["action"] for entry in log.entries] == ["waive", "approve"]
    assert log.waivers["BUD-002"]["reason"] == REASON
    assert log.entries[1]["previous_sha256"] == log.entries[0]["sha256"]
    assert verify_log(home, "2026-Q2") == []
    assert read_log(home, "2026-Q3").entries == ()


def test_an_edited_or_removed_entry_breaks_the_chain(home: Home) -> None:
    for by in ("A", "B", "C"):
        approve(home, "2026-Q2", by, AT, "f" * 64, "run-1")
    path = home.root / "reviews" / "2026-Q2.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    edited = json.loads(lines[0]) | {"by": "Z"}
    path.write_text("\n".join([json.dumps(edited), lines[2]]) + "\n", encoding="utf-8")
    assert verify_log(home, "2026-Q2") == [
        "dòng 1: nội dung đã bị sửa / line 1: content changed after it was written",
        "dòng 2: không nối tiếp dòng trước / line 2: does not follow line 1 (inserted, "
        "reordered or deleted lines)",
    ]


def test_each_decision_records_the_os_user_and_host(home: Home) -> None:
    import getpass
    import socket

    entry = approve(home, "2026-Q2", "Nguyễn Văn A", AT, "f" * 64, "run-1")
    assert (entry["os_user"], entry["host"]) == (getpass.getuser(), socket.gethostname())
    assert entry["by"] == "Nguyễn Văn A"


def _published_log(home: Home) -> list[str]:
    """Three decisions, then a release that recorded the log's head, as publication does."""
    waive(home, "2026-Q2", "BUD-002", "Trần Thị B", REASON, AT, DATA)
    approve(home, "2026-Q2", "Nguyễn Văn A", AT, "f" * 64, "run-1")
    approve(home, "2026-Q2", "Lê Văn C", AT, "e" * 64, "run-2")
    release = home.releases / "2026-Q2" / "v1"
    release.mkdir(parents=True)
    (release / "manifest.json").write_text(json.dumps(
        {"version": 1, "review_log_head": log_head(home, "2026-Q2")}), encoding="utf-8")
    return _log(home).read_text(encoding="utf-8").splitlines(keepends=True)


def _log(home: Home) -> Path:
    return home.root / "reviews" / "2026-Q2.jsonl"


def _forged(lines: list[str]) -> list[str]:
    """The approver renamed, and every hash after it recomputed: a consistent chain."""
    entries = [json.loads(line) for line in lines]
    entries[1]["by"] = "Người Khác"
    previous = None
    for entry in entries:
        entry["previous_sha256"] = previous
        entry["sha256"] = _digest(entry)
        previous = entry["sha256"]
    return [json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n" for entry in entries]


def _edited(lines: list[str]) -> list[str]:
    entry = json.loads(lines[1]) | {"by": "Người Khác"}
    return [lines[0], json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n", lines[2]]


def _inserted(lines: list[str]) -> list[str]:
    extra = json.loads(lines[1]) | {"by": "Người Khác", "at": "2026-07-04T10:00:00+07:00"}
    extra["sha256"] = _digest(extra)
    return [lines[0], lines[1], json.dumps(extra, sort_keys=True) + "\n", lines[2]]


TAMPERING = {
    "edit": (_edited, "line 2: content changed"),
    "insert": (_inserted, "line 4: does not follow line 3"),
    "reorder": (lambda lines: [lines[1], lines[0], lines[2]], "line 1: does not follow the start"),
    "delete first": (lambda lines: lines[1:], "line 1: does not follow the start"),
    "delete last": (lambda lines: lines[:-1], "lines 3–3: deleted; release v1 recorded 3 lines"),
    "truncate": (lambda lines: [*lines[:2], lines[2][:40]], "line 3: the file ends inside a line"),
    "forged chain": (_forged, "line 3: not the entry release v1 recorded (the log was "
                              "rewritten)"),
}


@pytest.mark.parametrize("variant", TAMPERING)
def test_every_kind_of_tampering_is_found_and_named(home: Home, variant: str) -> None:
    lines = _published_log(home)
    assert verify_log(home, "2026-Q2") == []
    tamper, says = TAMPERING[variant]
    _log(home).write_text("".join(tamper(lines)), encoding="utf-8")

    problems = verify_log(home, "2026-Q2")

    assert any(says in problem for problem in problems), problems
    audit = Audit("2026-Q2", "run-3", "f" * 64, rules_passed=True, approval=None,
                  auto_approved=True, record_problems=problems)
    assert not audit.publishable and says in audit.reason()
    with pytest.raises(ReviewError, match="damaged"):  # nothing is appended to a broken log
        approve(home, "2026-Q2", "Nguyễn Văn A", AT, "f" * 64, "run-3")


@pytest.mark.parametrize(("rule", "by", "reason", "says"), [
    ("XYZ-999", "A", REASON, "no rule"),
    ("TASK-040", "A", REASON, "is a warning"),
    ("BUD-002", " ", REASON, "name is needed"),
    ("BUD-002", "A", "ok", "must be specific"),
    ("dbt.int_indicator_actuals.unit_matches_target.accepted_values", "A", REASON,
     "is a warning"),
])
def test_a_waiver_needs_a_blocking_rule_a_name_and_a_reason(home: Home, rule: str, by: str,
                                                            reason: str, says: str) -> None:
    with pytest.raises(ReviewError, match=says):
        waive(home, "2026-Q2", rule, by, reason, AT, DATA)
    assert read_log(home, "2026-Q2").entries == ()


def test_a_bad_period_is_refused(home: Home) -> None:
    with pytest.raises(ReviewError, match="invalid period"):
        approve(home, "2026-Q5", "A", AT, "f" * 64, "run-1")


def test_a_blocking_dbt_test_can_be_waived(home: Home) -> None:
    entry = waive(home, "2026-Q2", "dbt.fct_task.task_id.unique", "Trần Thị B", REASON, AT,
                  DATA)
    assert read_log(home, "2026-Q2", DATA.data_fingerprint).waivers == {entry["rule_id"]: entry}


def test_a_rule_that_passes_in_the_latest_audit_cannot_be_waived(home: Home) -> None:
    with pytest.raises(ReviewError, match="passes in the latest audit"):
        waive(home, "2026-Q2", "BUD-001", "Trần Thị B", REASON, AT, DATA)
    assert read_log(home, "2026-Q2").entries == ()


def test_a_waiver_holds_for_its_data_and_lapses_when_the_data_changes(home: Home) -> None:
    entry = waive(home, "2026-Q2", "BUD-002", "Trần Thị B", REASON, AT, DATA)
    assert (entry["data_fingerprint"], entry["run_id"]) == ("f" * 64, "run-1")

    same = read_log(home, "2026-Q2", "f" * 64)
    assert same.waivers == {"BUD-002": entry} and same.lapsed_waivers == {}
    changed = read_log(home, "2026-Q2", "e" * 64)
    assert changed.waivers == {} and changed.lapsed_waivers == {"BUD-002": entry}
    assert read_log(home, "2026-Q2").waivers == {}  # no data named: no waiver counts

"""The review log: approvals and waivers, append-only and hash-chained."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dagster_project.lib.paths import Home
from dagster_project.lib.review import ReviewError, approve, read_log, verify_log, waive

AT = datetime(2026, 7, 3, 10, 0, tzinfo=timezone(timedelta(hours=7)))
REASON = "Bộ Tài chính đã gửi giải trình bằng văn bản số 123/BTC-HCSN"


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def test_decisions_are_kept_in_order_and_chained(home: Home) -> None:
    waive(home, "2026-Q2", "BUD-002", "Trần Thị B", REASON, AT)
    approve(home, "2026-Q2", "Nguyễn Văn A", AT, "f" * 64, "run-1", "Đã xem phụ lục chất lượng")
    log = read_log(home, "2026-Q2")
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
        "entry 1: content changed after it was written",
        "entry 2: does not follow entry 1",
    ]


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
        waive(home, "2026-Q2", rule, by, reason, AT)
    assert read_log(home, "2026-Q2").entries == ()


def test_a_bad_period_is_refused(home: Home) -> None:
    with pytest.raises(ReviewError, match="invalid period"):
        approve(home, "2026-Q5", "A", AT, "f" * 64, "run-1")


def test_a_blocking_dbt_test_can_be_waived(home: Home) -> None:
    entry = waive(home, "2026-Q2", "dbt.fct_task.task_id.unique", "Trần Thị B", REASON, AT)
    assert read_log(home, "2026-Q2").waivers == {entry["rule_id"]: entry}

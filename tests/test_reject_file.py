"""The monthly loop with one bad resubmission, end to end.

Cao Bằng resubmits its June 2026 report with a task marked done on 15/7/2026, after the
report's own as-of date (29/6/2026). `nq57 check` rejects it under the gate's rule id. Put
into the inbox anyway, it blocks the quarter; `nq57 review --json` names its file, SHA-256,
sheet and row; `nq57 reject` sets it aside (with a feedback workbook for the office) and the
next run publishes with the body's previous June file. `reject --undo` restores it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest

from dagster_project.cli import main
from tests.conftest import copy_home
from tests.test_file_rules import REPORT, _done_after_as_of

PERIOD = "2026-Q2"
BAD_NAME = "BC_P_CAO_BANG_2026-06_bo_sung.xlsx"
REASON = "Ngày hoàn thành 15/7/2026 sau ngày chốt 29/6/2026; tỉnh gửi lại"


def _current_june_file(home: Path) -> tuple[str, bool]:
    """The Cao Bằng June report the working warehouse counts, and whether the bad one is out."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select file_name, is_current from intermediate.int_submissions_current"
            " where reporting_agency_id = 'P_CAO_BANG' and source_name = 'progress_report'"
            " and reporting_month = date '2026-06-01'").fetchall()
    current = [name for name, is_current in rows if is_current]
    assert len(current) == 1, rows
    return current[0], dict(rows).get(BAD_NAME) is False


@pytest.fixture(scope="module")
def loop(published_home: Path, demo_inbox: Path, tmp_path_factory: pytest.TempPathFactory,
         ) -> dict:
    """Run the loop once; each test reads one step's outcome."""
    root = tmp_path_factory.mktemp("reject")
    home = copy_home(published_home, root / "home")
    bad = root / BAD_NAME
    workbook = openpyxl.load_workbook(demo_inbox / REPORT)
    row = _done_after_as_of(workbook.active)
    workbook.save(bad)
    steps: dict = {"home": home, "bad": bad, "row": row,
                   "sha256": hashlib.sha256(bad.read_bytes()).hexdigest()}
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("NQ57_HOME", str(home))
        out = root / "out.json"
        steps["check"] = _json_of(["check", "--json", str(bad)], out)
        inbox = root / "inbox"
        (inbox / "reports").mkdir(parents=True)
        shutil.copy(bad, inbox / "reports" / BAD_NAME)
        steps["blocked_run"] = main(["run", "--inbox", str(inbox), "--period", PERIOD,
                                     "--auto-approve"])
        steps["review"] = _json_of(["review", "--period", PERIOD, "--json"], out)
        steps["reject"] = _json_of(["reject", str(bad), "--period", PERIOD,
                                    "--by", "Trần Thị B", "--reason", REASON, "--json"], out)
        steps["status"] = _json_of(["status", "--json", "--inbox", str(inbox)], out)
        steps["rerun"] = main(["run", "--inbox", str(inbox), "--period", PERIOD,
                               "--auto-approve"])
        steps["after_reject"] = _current_june_file(home)
        steps["undo"] = _json_of(["reject", steps["sha256"][:12], "--period", PERIOD, "--undo",
                                  "--by", "Trần Thị B", "--reason", REASON, "--json"], out)
    return steps


def _json_of(argv: list[str], out: Path) -> tuple[int, dict]:
    """Exit code and JSON output of a command, its stdout sent to ``out``."""
    with out.open("w", encoding="utf-8") as handle, contextlib.redirect_stdout(handle):
        code = main(argv)
    return code, json.loads(out.read_text(encoding="utf-8"))


def test_check_rejects_the_resubmission_with_the_gates_rule(loop: dict) -> None:
    code, report = loop["check"]
    assert code == 1 and report["files"][0]["status"] == "rejected"
    assert [(p["rule"], p["row"]) for p in report["files"][0]["problems"]] == [
        ("TASK-021", loop["row"])]


def test_forced_into_the_inbox_it_blocks_and_review_names_its_row(loop: dict) -> None:
    assert loop["blocked_run"] == 1
    code, review = loop["review"]
    assert code == 1 and review["verdict"] == "blocked"
    failure = next(f for f in review["failures"] if f["rule_id"] == "TASK-021")
    rows = [(r["file_name"], r["file_sha256"], r["sheet_name"], r["row_number"])
            for r in failure["rows"]]
    assert rows == [(BAD_NAME, loop["sha256"], "Báo cáo", loop["row"])]


def test_reject_sets_it_aside_and_the_next_run_publishes_the_previous_file(loop: dict) -> None:
    code, decision = loop["reject"]
    assert code == 0 and decision["decision"]["action"] == "set_aside"
    assert decision["decision"]["file_sha256"] == loop["sha256"]
    feedback = Path(decision["feedback"])
    assert feedback.is_file() and feedback.parent == loop["home"] / "feedback" / PERIOD
    _, status = loop["status"]
    (quarter,) = [q for q in status["quarters"] if q["period"] == PERIOD]
    assert [(f["file_name"], f["by"]) for f in quarter["files_set_aside"]] == [
        (BAD_NAME, "Trần Thị B")]
    assert loop["rerun"] == 0
    assert loop["after_reject"] == (REPORT.name, True)


def test_undo_restores_the_file(loop: dict) -> None:
    code, decision = loop["undo"]
    assert code == 0 and decision["decision"]["action"] == "restore"
    log = (loop["home"] / "reviews" / f"{PERIOD}.jsonl").read_text(encoding="utf-8")
    actions = [json.loads(line)["action"] for line in log.splitlines()]
    assert actions[-2:] == ["set_aside", "restore"]
    with duckdb.connect() as con:
        (count,) = con.execute("select count(*) from read_parquet(?)", [
            str(loop["home"] / "reviews" / "set_aside.parquet")]).fetchone()
    assert count == 0

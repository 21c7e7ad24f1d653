"""The inbox sensor: new bytes start one run for the quarter they report on; copies do not."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from dagster import (
    DagsterInstance,
    RunRequest,
    SensorResult,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
)

from dagster_project.defs.automation import inbox_sensor
from dagster_project.lib.reference.periods import VIETNAM_TIME
from demo.timing import MISSING_REPORTS


def _resaved(source: Path, target: Path) -> Path:
    """The same report saved again by a spreadsheet program: same content, new bytes."""
    workbook = openpyxl.load_workbook(source)
    workbook.properties.title = "bổ sung"
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


def _evaluate(cursor: str | None = None) -> SensorResult | SkipReason:
    with DagsterInstance.ephemeral() as instance:
        return inbox_sensor(build_sensor_context(instance=instance, cursor=cursor))


@pytest.fixture
def inbox(published_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    monkeypatch.setenv("NQ57_HOME", str(published_home))
    monkeypatch.setenv("NQ57_INBOX", str(folder))
    return folder


def test_files_already_landed_start_nothing(inbox: Path, demo_inbox: Path) -> None:
    report = demo_inbox / "reports" / "2026-06" / "BC_BKHCN_2026-06.xlsx"
    shutil.copy(report, inbox / "ban_sao.xlsx")  # a renamed copy of a landed file

    result = _evaluate()

    assert isinstance(result, SkipReason)
    assert "no new file" in result.skip_message


def test_a_new_file_starts_one_run_for_its_quarter_once(inbox: Path, demo_inbox: Path) -> None:
    _resaved(demo_inbox / "reports" / "2026-06" / "BC_BKHCN_2026-06.xlsx",
             inbox / "BC_BKHCN_2026-06_bo_sung.xlsx")

    first = _evaluate()

    assert isinstance(first, SensorResult)
    (request,) = first.run_requests
    assert isinstance(request, RunRequest)
    assert request.partition_key == "2026-Q2"
    assert request.tags["nq57/new_files"] == "1"
    # Evaluated again with the cursor Dagster kept, or with a renamed copy beside it: nothing.
    shutil.copy(inbox / "BC_BKHCN_2026-06_bo_sung.xlsx", inbox / "ban_sao_bo_sung.xlsx")
    again = _evaluate(first.cursor)
    assert isinstance(again, SkipReason)
    assert "already requested" in again.skip_message


def test_files_of_two_quarters_start_one_run_each(inbox: Path, demo_inbox: Path) -> None:
    _resaved(demo_inbox / "reports" / "2026-06" / "BC_BKHCN_2026-06.xlsx",
             inbox / "a" / "BC_BKHCN_2026-06_bo_sung.xlsx")
    _resaved(demo_inbox / "reports" / "2026-03" / "BC_BKHCN_2026-03.xlsx",
             inbox / "b" / "BC_BKHCN_2026-03_bo_sung.xlsx")

    result = _evaluate()

    assert isinstance(result, SensorResult)
    assert sorted(r.partition_key for r in result.run_requests) == ["2026-Q1", "2026-Q2"]
    assert len({r.run_key for r in result.run_requests}) == 2


def _rejected_may_report(demo_inbox: Path, inbox: Path) -> Path:
    """VHLKHXH's April report re-dated to May with an impossible status: rejected."""
    source = demo_inbox / "reports" / "2026-04" / "BC_VHLKHXH_2026-04.xlsx"
    workbook = openpyxl.load_workbook(source)
    sheet = workbook.active
    sheet["A5"] = "Kỳ báo cáo: Tháng 5/2026 - Số liệu tính đến ngày 29/5/2026"
    row = next(r for r in range(10, sheet.max_row + 1) if sheet.cell(r, 4).value)
    sheet.cell(row, 4).value = "đang xem xét lại"
    path = inbox / "BC_VHLKHXH_2026-05.xlsx"
    workbook.save(path)
    return path


def test_the_chase_list_names_missing_and_rejected_reports(published_home: Path,
                                                           demo_inbox: Path,
                                                           tmp_path: Path) -> None:
    from dagster_project.lib.home.paths import Home
    from dagster_project.lib.ingest.inbox import ingest_inbox
    from dagster_project.lib.quality.chase import NOT_RECEIVED, REJECTED, reporting_gaps
    from tests.conftest import copy_home

    home = Home(copy_home(published_home, tmp_path / "home"))
    expected = sorted(a for a, month in MISSING_REPORTS if month == date(2026, 5, 1))
    gaps = reporting_gaps(home, date(2026, 5, 1))
    assert [(g.agency_id, g.reason) for g in gaps] == [(a, NOT_RECEIVED) for a in expected]

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bad = _rejected_may_report(demo_inbox, inbox)
    summary = ingest_inbox(home, inbox)
    assert summary.files_rejected == 1

    (gap,) = [g for g in reporting_gaps(home, date(2026, 5, 1)) if g.agency_id == "VHLKHXH"]
    assert (gap.reason, gap.files) == (REJECTED, bad.name) and gap.errors >= 1


def test_the_monthly_schedule_writes_the_chase_workbook(published_home: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster_project.defs.automation import monthly_chase, nq57_chase
    from dagster_project.defs.resources import Nq57Settings
    from tests.conftest import copy_home

    home = copy_home(published_home, tmp_path / "home")
    context = build_schedule_context(
        scheduled_execution_time=datetime(2026, 6, 26, 7, tzinfo=VIETNAM_TIME))
    request = monthly_chase(context)
    assert request.run_key == "chase-2026-05"

    result = nq57_chase.execute_in_process(
        run_config=request.run_config, resources={"nq57": Nq57Settings(home=str(home))})

    assert result.success
    workbook = openpyxl.load_workbook(home / "chase" / "2026-05.xlsx")
    sheet = workbook.active
    bodies = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert bodies == sorted(a for a, month in MISSING_REPORTS if month == date(2026, 5, 1))
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"


def test_the_quarterly_schedule_prepares_the_quarter_just_ended() -> None:
    from dagster_project.defs.automation import quarterly_review

    context = build_schedule_context(
        scheduled_execution_time=datetime(2026, 7, 26, 8, tzinfo=VIETNAM_TIME))
    request = quarterly_review(context)

    assert (request.partition_key, request.run_key) == ("2026-Q2", "review-2026-Q2")

"""The inbox sensor: new bytes start one run for the quarter they report on; copies do not."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from dagster import DagsterInstance, RunRequest, SensorResult, SkipReason, build_sensor_context

from dagster_project.defs.automation import inbox_sensor


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

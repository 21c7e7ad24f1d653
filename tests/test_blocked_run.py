"""A run the gate blocks still leaves its records, and `nq57 review` drills down to the row.

A copy of the published home receives a June resubmission from the Ministry of Science and
Technology in which one completed task is dated after the report's as-of date (29/6/2026), so
blocking rule TASK-021 fails. The run must publish nothing, leave its audit, quality annex and
Data Docs under runs/<run_id>/ and say where; the annex and `nq57 review --json` must name the
file, its SHA-256, the sheet and the row to correct.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest

from dagster_project.lib.home.paths import Home
from dagster_project.lib.quality.gate import latest_gate_results
from dagster_project.lib.quality.lineage import LineageFinder
from tests.conftest import copy_home

pytestmark = pytest.mark.e2e

PERIOD = "2026-Q2"
BODY = "BKHCN"
LATE_COMPLETION = datetime(2026, 7, 5)  # the report counts to 29/6/2026


def _tree(folder: Path) -> dict[str, str]:
    """Every file under a folder (links followed) with its SHA-256, and every link's target."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name + " ->"] = str(path.readlink())
        if path.is_file():
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _date_after_as_of(report: Path) -> tuple[str, int, str]:
    """Move the first completion date past the as-of date: (sheet, row, task code)."""
    workbook = openpyxl.load_workbook(report)
    sheet = workbook.active
    header = next(row for row in sheet.iter_rows(max_row=30)
                  if any(cell.value == "Ngày hoàn thành" for cell in row))
    columns = {cell.value: cell.column for cell in header}
    row = next(row for row in range(header[0].row + 1, sheet.max_row + 1)
               if sheet.cell(row, columns["Ngày hoàn thành"]).value)
    sheet.cell(row, columns["Ngày hoàn thành"]).value = LATE_COMPLETION
    workbook.save(report)
    return sheet.title, row, str(sheet.cell(row, columns["Mã nhiệm vụ"]).value)


@pytest.fixture(scope="module")
def blocked(published_home: Path, demo_inbox: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> dict:
    """The published home after the bad resubmission was run (exit code, output, files)."""
    from dagster_project.cli import main

    root = tmp_path_factory.mktemp("blocked")
    home = copy_home(published_home, root / "home")
    before = {name: _tree(home / name) for name in ("published", "releases")}
    inbox = root / "inbox"
    inbox.mkdir()
    bad = inbox / f"BC_{BODY}_2026-06_bo_sung.xlsx"
    shutil.copy(demo_inbox / "reports" / "2026-06" / f"BC_{BODY}_2026-06.xlsx", bad)
    sheet, row, task = _date_after_as_of(bad)
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as monkeypatch, contextlib.redirect_stdout(out):
        monkeypatch.setenv("NQ57_HOME", str(home))
        code = main(["run", "--inbox", str(inbox), "--period", PERIOD])
    run_id = latest_gate_results(Home(home), PERIOD)[0]
    return {"home": home, "code": code, "out": out.getvalue(), "run": home / "runs" / run_id,
            "before": before, "file": bad.name, "sheet": sheet, "row": row, "task": task,
            "sha256": hashlib.sha256(bad.read_bytes()).hexdigest()}


def test_the_blocked_run_leaves_audit_annex_and_data_docs(blocked: dict) -> None:
    out, run = blocked["out"], blocked["run"]
    assert blocked["code"] == 1, out
    assert "NOT published" in out and "TASK-021" in out
    audit = json.loads((run / "audit.json").read_text(encoding="utf-8"))
    assert audit["publishable"] is False and "TASK-021" in audit["failed_blocking"]
    for record in (run / "audit.json", run / "quality" / "index.html",
                   run / "data_docs" / "index.html"):
        assert record.is_file()
        assert str(record) in out  # the run says where each is
    assert "phụ lục chất lượng / quality annex" in out
    assert f"nq57 review --period {PERIOD}" in out


def test_nothing_is_published(blocked: dict) -> None:
    home = blocked["home"]
    assert {name: _tree(home / name) for name in ("published", "releases")} == blocked["before"]
    assert sorted(p.name for p in (home / "releases" / PERIOD).iterdir()) == [
        "latest", "latest.json", "v1"]


def test_the_annex_lists_the_failure_first_linked_to_its_row(blocked: dict) -> None:
    annex = blocked["run"] / "quality" / "index.html"
    page = annex.read_text(encoding="utf-8")
    findings = re.findall(r'<tr data-finding="([^"]+)" data-status="(\w+)"', page)
    assert findings[0] == ("TASK-021", "failed")
    assert page.index('id="loi"') < page.index('id="quy-tac"')  # before the rule tables
    rows = re.search(r'<table class="failing-rows" id="(dong-TASK-021)".*?</table>', page,
                     re.DOTALL)
    assert rows and 'href="#dong-TASK-021"' in page
    assert (f'data-file-sha256="{blocked["sha256"]}" data-sheet="{blocked["sheet"]}" '
            f'data-row="{blocked["row"]}"') in rows.group(0)
    assert blocked["file"] in rows.group(0)
    finding = re.search(r'<tr data-finding="TASK-021".*?</tr>', page, re.DOTALL).group(0)
    links = {kind: href for href, kind in re.findall(r'<a href="([^"]+)" data-link="([\w-]+)"',
                                                     finding)}
    docs = (annex.parent / links["data-docs"]).resolve()
    assert docs.is_file() and docs.is_relative_to((blocked["run"] / "data_docs").resolve())
    assert "TASK-021" in docs.read_text(encoding="utf-8")
    scorecard = annex.parent / urlsplit(links["scorecard"]).path
    assert scorecard.resolve() == (blocked["home"] / "published" / PERIOD / "index.html").resolve()
    assert not re.search(r"https?://", page)


def test_the_data_docs_carry_no_third_party_footer(blocked: dict) -> None:
    index = (blocked["run"] / "data_docs" / "index.html").read_text(encoding="utf-8")
    assert "greatexpectations.io" not in index and "newsletter" not in index
    assert "nq57 publication gate" in index


def test_review_json_names_the_file_its_sha256_sheet_and_row(blocked: dict, monkeypatch,
                                                            capsys) -> None:
    from dagster_project.cli import main

    monkeypatch.setenv("NQ57_HOME", str(blocked["home"]))
    assert main(["review", "--period", PERIOD, "--json"]) == 1
    review = json.loads(capsys.readouterr().out)
    assert review["period"] == PERIOD and review["verdict"] == "blocked"
    assert "blocked by TASK-021" in review["state"] and "published v1" in review["state"]
    assert review["failures"][0]["rule_id"] == "TASK-021"
    assert review["failures"][0]["status"] == "failed"
    assert review["failures"][0]["waived_by"] is None
    (row,) = [row for row in review["failures"][0]["rows"]
              if row["file_sha256"] == blocked["sha256"]]
    assert (row["file_name"], row["sheet_name"], row["row_number"]) == (
        blocked["file"], blocked["sheet"], blocked["row"])
    assert row["agency"] == BODY and row["value"]["completion_date"] == "2026-07-05"
    assert blocked["task"] in row["key"].values()
    assert review["waivers"] == [] and review["approval"] is None
    assert set(review["records"]) == {"audit", "annex", "data_docs"}

    assert main(["review", "--period", PERIOD]) == 1
    text = capsys.readouterr().out
    assert "blocked by TASK-021" in text
    assert f"{blocked['file']} [sheet '{blocked['sheet']}', row {blocked['row']}]" in text
    assert blocked["sha256"] in text


def test_lineage_is_found_by_key_in_the_runs_build(blocked: dict) -> None:
    """A failing row with no file columns is traced through the staging model it came from."""
    import duckdb

    from dagster_project.lib.quality.findings import lineage_manifest

    staged = blocked["home"] / "staging" / blocked["run"].name / "warehouse.duckdb"
    with duckdb.connect(str(staged), read_only=True) as con:
        finder = LineageFinder(con, lineage_manifest())
        row = finder.resolve(
            {"task_id": blocked["task"], "reporting_agency_id": BODY,
             "reporting_month": "2026-06-01T00:00:00.000", "as_of_date": "2026-06-29",
             "completion_date": "2026-07-05"},
            "marts/fct_task_status", ["as_of_date", "completion_date"], "reporting_agency_id")
        # The first June report has the same task, body and month: the current one is meant.
        assert (row.file_name, row.file_sha256, row.sheet_name, row.row_number) == (
            blocked["file"], blocked["sha256"], blocked["sheet"], blocked["row"])
        assert row.lineage == "staging.stg_tasks__progress_reports" and row.agency == BODY
        # A hash alone names the file; a body and month alone name no row.
        named = finder.resolve({"reporting_agency_id": BODY, "reporting_month": "2026-06-01",
                                "source_file_sha256": blocked["sha256"]},
                               "marts/fct_task_status")
        assert (named.file_name, named.row_number) == (blocked["file"], None)
        assert finder.resolve({"reporting_agency_id": BODY}, "marts/fct_task_status"
                              ).file_name is None

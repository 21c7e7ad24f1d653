"""Report templates: the body's lead tasks, Excel-side validation, and accepted once filled.

The warehouse-backed tests build one warehouse from the demo inbox (a full ``nq57 run``,
about half a minute) and write templates for the Ministry of Science and Technology.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest

from dagster_project.cli import main
from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.submission import parse_submission
from dagster_project.lib.ingest.template import GUIDE_SHEET, REPORT_SHEET, reporting_month
from dagster_project.lib.reference.agencies import AgencyDirectory

STATUS_WORDS = ("Đã hoàn thành", "Đang thực hiện", "Chưa triển khai")
# The groups a ministry belongs to (dbt/seeds/agency_groups.csv): their tasks are its tasks.
MINISTRY_GROUPS = ("GRP_BO_NGANH_DIA_PHUONG", "GRP_BO_NGANH", "GRP_BO_CQNB")


@pytest.fixture(scope="module")
def warehouse_home(published_home: Path) -> Path:
    """The session's demo warehouse (templates only read it)."""
    return published_home


@pytest.fixture(scope="module")
def bkhcn_template(warehouse_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2026-Q3 template of BKHCN, written to the default path in a fresh folder."""
    folder = tmp_path_factory.mktemp("template")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("NQ57_HOME", str(warehouse_home))
        monkeypatch.chdir(folder)
        assert main(["template", "BKHCN", "--period", "2026-Q3"]) == 0
    path = folder / "BKHCN_2026-Q3_bao_cao_tien_do.xlsx"
    assert path.is_file()
    return path


def _task_rows(ws) -> dict[str, int]:
    """Task code -> Excel row, read from the "Mã nhiệm vụ" column under the header."""
    header = next(cell for row in ws.iter_rows(max_row=30) for cell in row
                  if cell.value == "Mã nhiệm vụ")
    return {ws.cell(row=r, column=header.column).value: r
            for r in range(header.row + 1, ws.max_row + 1)
            if str(ws.cell(row=r, column=header.column).value or "").count("-") == 1}


def _validations(ws, coordinate: str) -> list:
    return [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]


def _fill(template: Path, out: Path, status_for) -> dict[str, str]:
    """Fill every task row with ``status_for(index)``; done tasks get a completion date."""
    workbook = openpyxl.load_workbook(template)
    ws = workbook[REPORT_SHEET]
    statuses = {}
    for index, (code, row) in enumerate(sorted(_task_rows(ws).items())):
        status = status_for(index)
        statuses[code] = status
        ws.cell(row=row, column=4).value = status
        if status == "Đã hoàn thành":
            ws.cell(row=row, column=5).value = datetime(2026, 7, 15)
            ws.cell(row=row, column=6).value = "Báo cáo tổng kết"
            ws.cell(row=row, column=7).value = "Văn bản số 123/BC-BKHCN"
    workbook.save(out)
    return statuses


@pytest.mark.e2e
def test_template_lists_exactly_the_bodys_lead_tasks(bkhcn_template: Path,
                                                     warehouse_home: Path) -> None:
    with duckdb.connect(str(warehouse_home / "warehouse.duckdb"), read_only=True) as con:
        expected = dict(con.execute(
            "select t.task_id, t.task_name from marts.fct_task t where t.task_id in ("
            " select task_id from marts.bridge_task_agency"
            " where agency_role = 'lead' and current_agency_id in ('BKHCN', "
            + ", ".join(f"'{group}'" for group in MINISTRY_GROUPS) + "))"
            " and (t.assigned_date is null or t.assigned_date <= date '2026-07-31')").fetchall())
    ws = openpyxl.load_workbook(bkhcn_template)[REPORT_SHEET]
    rows = _task_rows(ws)

    assert expected and set(rows) == set(expected)
    assert len(rows) == len(expected)  # each task once
    assert all(ws.cell(row=r, column=3).value == expected[code] for code, r in rows.items())
    titles = [ws.cell(row=r, column=1).value for r in range(1, 8)]
    assert "Kỳ báo cáo: Tháng 07/2026" in titles
    assert "Số liệu tính đến ngày 31/07/2026" in titles
    assert "Cơ quan báo cáo: Bộ Khoa học và Công nghệ" in titles
    # Long task names wrap in rows tall enough to hold them, and the sheet prints one page
    # wide with the header on every page.
    longest = max(rows, key=lambda code: len(expected[code]))
    assert ws.row_dimensions[rows[longest]].height > 15
    assert (ws.page_setup.orientation, ws.page_setup.fitToWidth) == ("landscape", 1)
    assert ws.print_title_rows.startswith("$")


@pytest.mark.e2e
def test_a_group_task_is_in_each_members_template_under_the_groups_heading(
        warehouse_home: Path, tmp_path: Path) -> None:
    """Tasks led by "Các tỉnh, thành phố trực thuộc Trung ương" reach every province."""
    with duckdb.connect(str(warehouse_home / "warehouse.duckdb"), read_only=True) as con:
        group_tasks = {code for (code,) in con.execute(
            "select b.task_id from marts.bridge_task_agency b join marts.fct_task t"
            " using (task_id) where b.agency_role = 'lead'"
            " and b.current_agency_id = 'GRP_DIA_PHUONG'"
            " and t.assigned_date <= date '2026-07-31'").fetchall()}
    assert group_tasks
    for province in ("P_HA_NOI", "P_CAO_BANG"):
        out = tmp_path / f"{province}.xlsx"
        with pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.setenv("NQ57_HOME", str(warehouse_home))
            assert main(["template", province, "--period", "2026-Q3", "--out", str(out)]) == 0
        ws = openpyxl.load_workbook(out)[REPORT_SHEET]
        rows = _task_rows(ws)
        assert group_tasks <= set(rows), province
        headings = [r for r in range(1, ws.max_row + 1)
                    if str(ws.cell(row=r, column=2).value or "").startswith(
                        "Nhiệm vụ giao chung cho ")]
        # Group tasks follow the body's own tasks, under headings naming their group.
        assert headings and any(rows[code] > headings[0] for code in group_tasks)


@pytest.mark.e2e
def test_template_validates_status_and_dates_and_locks_the_task(bkhcn_template: Path) -> None:
    workbook = openpyxl.load_workbook(bkhcn_template)
    assert workbook.sheetnames == [REPORT_SHEET, GUIDE_SHEET]
    ws = workbook[REPORT_SHEET]
    header = [cell.value for cell in ws[9]]
    assert header == [column.label_vi for column in load_contracts()["progress_report"].columns]
    assert ws.protection.sheet and not ws.protection.password

    for row in _task_rows(ws).values():
        status = _validations(ws, f"D{row}")
        assert len(status) == 1 and status[0].type == "list"
        assert status[0].formula1 == '"' + ",".join(STATUS_WORDS) + '"'
        assert status[0].showErrorMessage
        completion = _validations(ws, f"E{row}")
        assert len(completion) == 1 and completion[0].type == "date"
        assert completion[0].formula2 == "DATE(2026,7,31)"
        assert ws.cell(row=row, column=5).number_format == "dd/mm/yyyy"
        assert ws.cell(row=row, column=2).protection.locked
        assert ws.cell(row=row, column=3).protection.locked
        assert not any(ws.cell(row=row, column=c).protection.locked for c in range(4, 9))


@pytest.mark.e2e
def test_filled_template_passes_the_check(bkhcn_template: Path, tmp_path: Path) -> None:
    filled = tmp_path / "BKHCN_2026-07.xlsx"
    statuses = _fill(bkhcn_template, filled, lambda i: STATUS_WORDS[i % 3])

    submission = parse_submission(filled, load_contracts(), AgencyDirectory.from_seeds())

    assert submission.errors == []
    assert submission.problems == []  # not even a warning: the guide sheet is not read
    assert submission.accepted
    assert submission.metadata["reporting_agency"] == "BKHCN"
    assert submission.metadata["reporting_month"] == date(2026, 7, 1)
    assert submission.metadata["as_of_date"] == date(2026, 7, 31)
    assert {row["task_code"] for row in submission.rows} == set(statuses)
    done = [row for row in submission.rows if row["status"] == "done"]
    assert done and all(row["completion_date"] == date(2026, 7, 15) for row in done)


@pytest.mark.e2e
def test_status_outside_the_list_is_rejected(bkhcn_template: Path, warehouse_home: Path,
                                             tmp_path: Path, capsys,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NQ57_HOME", str(warehouse_home))  # where its task codes are registered
    filled = tmp_path / "BKHCN_2026-07_sai.xlsx"
    _fill(bkhcn_template, filled, lambda i: "Gần xong" if i == 0 else "Đang thực hiện")

    assert main(["check", str(filled), "--json"]) == 1

    problems = json.loads(capsys.readouterr().out)["files"][0]["problems"]
    assert [(p["rule"], p["value"], p["column"]) for p in problems] == [
        ("status_unknown", "Gần xong", "Tình trạng")]


@pytest.mark.e2e
def test_agency_by_name_and_month(warehouse_home: Path, tmp_path: Path, monkeypatch,
                                  capsys) -> None:
    monkeypatch.setenv("NQ57_HOME", str(warehouse_home))
    out = tmp_path / "bkhcn_thang8.xlsx"

    assert main(["template", "Bộ KH&CN", "--period", "2026-Q3", "--month", "8",
                 "--out", str(out)]) == 0

    ws = openpyxl.load_workbook(out)[REPORT_SHEET]
    assert ws["A5"].value == "Kỳ báo cáo: Tháng 08/2026"
    assert "BKHCN" in capsys.readouterr().out


def test_unknown_agency_exits_2_with_suggestions(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NQ57_HOME", str(tmp_path))
    assert main(["template", "Bộ Khoa hoc Cong ngeh", "--period", "2026-Q3"]) == 2
    out = capsys.readouterr().out
    assert "Không nhận ra cơ quan" in out and "Unknown agency" in out
    assert "Bộ Khoa học và Công nghệ" in out


def test_dissolved_body_points_to_its_successor(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NQ57_HOME", str(tmp_path))
    assert main(["template", "BTTTT", "--period", "2026-Q3"]) == 2
    assert "BKHCN" in capsys.readouterr().out


@pytest.mark.parametrize(("name", "kind_vi"), [
    ("Thành ủy Hà Nội", "Cấp ủy Đảng"),
    ("Ngân hàng Chính sách xã hội", "Ngân hàng thuộc sở hữu nhà nước"),
    ("Ủy ban Khoa học, Công nghệ và Môi trường của Quốc hội", "Ủy ban của Quốc hội"),
])
def test_body_that_owes_no_report_gets_no_template(name: str, kind_vi: str, tmp_path: Path,
                                                   monkeypatch, capsys) -> None:
    monkeypatch.setenv("NQ57_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["template", name, "--period", "2026-Q3"]) == 2
    out = capsys.readouterr().out
    assert f"({kind_vi}) không phải cơ quan gửi báo cáo tiến độ hằng tháng" in out
    assert "does not send monthly progress reports" in out
    assert not list(tmp_path.glob("*.xlsx"))


def test_missing_warehouse_exits_2(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NQ57_HOME", str(tmp_path / "empty"))
    monkeypatch.chdir(tmp_path)
    assert main(["template", "BKHCN", "--period", "2026-Q3"]) == 2
    out = capsys.readouterr().out
    assert "nq57 run" in out and "Chưa có kho dữ liệu" in out
    assert not list(tmp_path.glob("*.xlsx"))


def test_reporting_month() -> None:
    assert reporting_month("2026-Q3") == date(2026, 7, 1)
    assert reporting_month("2026-Q3", 9) == date(2026, 9, 1)
    with pytest.raises(ValueError, match="2026-Q3"):
        reporting_month("2026-Q3", 10)
    with pytest.raises(ValueError):
        reporting_month("2026-3")

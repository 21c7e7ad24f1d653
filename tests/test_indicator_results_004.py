"""Seed 004's indicator results table, sent as the document prints it, lands every row.

The workbook is rendered from the seed's own text (tests/fixtures/indicators_004.py): the
number in "STT", name and target in one cell, the as-of date in the results header, results
as prose. Each row must land with its indicator, and a figure (value, unit, period) where
the result states one in the target's unit, else as no data with its text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.families import read_submission
from dagster_project.lib.ingest.header import header_suffix
from dagster_project.lib.ingest.submission import ParsedSubmission
from dagster_project.lib.reference.agencies import AgencyDirectory
from tests.fixtures.indicators_004 import render_results_004, results_table

AS_OF = date(2025, 9, 23)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> ParsedSubmission:
    path = render_results_004(tmp_path_factory.mktemp("r004") / "KetQua_ChiTieu_DA06.xlsx")
    return read_submission(path, load_contracts(), AgencyDirectory.from_seeds())


def _by_id(submission: ParsedSubmission) -> dict[str, dict]:
    return {row["indicator_id"]: row for row in submission.rows}


def test_the_fixture_is_the_seed_table_as_printed() -> None:
    header, *rows = results_table()
    assert header[:2] == ["STT", "Nội dung chỉ tiêu"]
    assert header[2].startswith("Kết quả thực hiện Đề án 06 (tính đến 23/9/2025)")
    assert len(rows) == 52 and rows[12][0] == "11.3"
    assert rows[12][1] == "Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC: 100%"


def test_all_52_rows_are_accepted_dated_by_the_header(printed: ParsedSubmission) -> None:
    assert printed.source == "indicator_result_table" and printed.table == "indicator_actual"
    assert printed.accepted, printed.errors[:3]
    assert len(printed.rows) == 52 and len(_by_id(printed)) == 52
    assert printed.metadata["as_of_date"] == AS_OF
    assert printed.header_dates["Chỉ tiêu"] == {"actual_text": AS_OF}
    assert {row["as_of_date"] for row in printed.rows} == {AS_OF}
    assert {row["reporting_month"] for row in printed.rows} == {date(2025, 9, 1)}
    assert {row["data_source"] for row in printed.rows} == {
        "Kết quả thực hiện Đề án 06 (tính đến 23/9/2025)"}


def test_name_and_target_are_split_from_one_cell(printed: ParsedSubmission) -> None:
    rows = _by_id(printed)
    assert (rows["11.3"]["indicator_name"], rows["11.3"]["target_text"]) == (
        "Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC", "100%")
    assert rows["4"]["target_text"] == "thuộc top 3 Đông Nam Á, top 50 thế giới"
    assert (rows["36"]["indicator_name"], rows["36"]["target_text"]) == (
        "Quy mô kinh tế số", "(Đến năm 2045) ≥ 50% GDP.")


@pytest.mark.parametrize(("indicator", "figure"), [
    ("11.2", ("2025-08", 39.71, "%", None, False)),
    ("17", ("2025", 3, "%", None, False)),
    ("23.3", ("2023", 150, "Tbps", None, True)),
    ("30", ("2025", 86.97, "%", None, False)),
    ("31", ("2025-06", 33, "%", None, True)),
    ("33", ("2024", 16, "rank", None, False)),
    ("37", ("2024", 44, "rank", 132, False)),
    ("11.8", ("2025-09", 100, "%", None, False)),
])
def test_a_stated_figure_lands_with_unit_and_period(printed: ParsedSubmission, indicator: str,
                                                    figure: tuple) -> None:
    row = _by_id(printed)[indicator]
    assert row["has_data"] is True
    assert (row["period_label"], row["actual_value"], row["actual_unit"],
            row["actual_denominator"], row["is_approximate"]) == figure


@pytest.mark.parametrize("indicator", ["1", "5", "10", "11.3", "11.4", "14", "23.4", "28",
                                       "34", "36"])
def test_prose_without_one_figure_lands_as_no_data_text(printed: ParsedSubmission,
                                                        indicator: str) -> None:
    row = _by_id(printed)[indicator]
    assert (row["has_data"], row["actual_value"], row["period_label"]) == (False, None,
                                                                          "2025-09")
    source = next(cells[2] for cells in results_table() if cells[0] == indicator)
    # as written, less the reviewer's margin comment (a cell comment in the workbook)
    assert row["actual_text"] == (source.partition("\tComment by unknown:")[0] or None)


def test_no_data_prose_is_told_to_the_sender_as_a_warning(printed: ParsedSubmission) -> None:
    warned = {p.row: p for p in printed.warnings if p.rule == "actual_kept_as_text"}
    assert set(warned) >= {12, 15, 16, 23, 35}  # 11.1, 11.4, 11.5, 14 (HDI "0766"), 23.4
    problem = warned[15]
    assert problem.column == "Kết quả thực hiện Đề án 06 (tính đến 23/9/2025)"
    assert "2" in problem.message_vi and "chưa có số liệu" in problem.message_vi
    assert "no data" in problem.message_en
    # "Chưa có số liệu …" is no data as written, not a problem
    assert 2 not in warned and 47 not in warned


def test_header_suffixes_are_stripped_for_any_contract() -> None:
    assert header_suffix("Kết quả thực hiện Đề án 06 (tính đến 23/9/2025)") == (
        "Kết quả thực hiện", AS_OF)
    assert header_suffix("Tên nhiệm vụ (theo Nghị quyết 71/NQ-CP)") == ("Tên nhiệm vụ", None)
    assert header_suffix("Kết quả thực hiện đến tháng 9/2025") == (
        "Kết quả thực hiện", date(2025, 9, 30))
    # a unit in brackets and a year that is part of a name are not suffixes
    assert header_suffix("Đã phân bổ (tỷ đồng)")[0] == "Đã phân bổ (tỷ đồng)"
    assert header_suffix("Kinh phí kế hoạch 2025")[0] == "Kinh phí kế hoạch 2025"


def test_an_unknown_layout_is_refused_with_a_bilingual_reason(tmp_path: Path) -> None:
    path = tmp_path / "bang_la.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Chỉ tiêu"
    sheet.append(["STT", "Nội dung chỉ tiêu", "Kết quả thực hiện (tính đến 23/9/2025)"])
    sheet.append(["11-3", "Tỷ lệ số hóa hồ sơ: 100%", "đạt 91,9%"])
    workbook.save(path)
    submission = read_submission(path, load_contracts(), AgencyDirectory.from_seeds())
    (problem,) = submission.errors
    assert (problem.file, problem.sheet, problem.row, problem.column, problem.value,
            problem.rule) == ("bang_la.xlsx", "Chỉ tiêu", 2, "STT", "11-3", "code_format")
    assert problem.message_vi and problem.message_en and problem.message_vi != problem.message_en


# --- in the warehouse: the printed rows reach the indicator mart ---------------------------


@pytest.fixture(scope="module")
def mart_with_printed(published_home: Path, tmp_path_factory: pytest.TempPathFactory
                      ) -> list[tuple]:
    """The demo warehouse rebuilt after the printed table was received."""
    from dagster_project.lib.home.paths import Home
    from dagster_project.lib.ingest.inbox import ingest_inbox
    from tests.conftest import copy_home
    from tests.fixtures.warehouse import dbt_build, query

    work = tmp_path_factory.mktemp("r004_mart")
    home = Home(copy_home(published_home, work / "home"))
    inbox = work / "inbox"
    inbox.mkdir()
    render_results_004(inbox / "KetQua_ChiTieu_DA06.xlsx")
    summary = ingest_inbox(home, inbox)
    assert summary.files_accepted == 1, [p.message_en for s in summary.rejected for p in s.errors]
    dbt_build(home.root, work, ["+fct_indicator_progress"])
    return query(home.warehouse,
                 "select indicator_id, period_label, has_data, actual_value, actual_unit, "
                 "actual_text from intermediate.int_indicator_actuals "
                 "where data_source like 'Kết quả thực hiện%'")


def test_a_printed_figure_reaches_the_indicator_actuals(mart_with_printed: list[tuple]) -> None:
    figures = {(row[0], row[1]): row for row in mart_with_printed if row[2]}
    (indicator, _, _, value, unit, _) = figures[("11.2", "2025-08")]
    assert (indicator, float(value), unit) == ("11.2", 39.71, "%")


def test_printed_prose_reaches_the_warehouse_as_no_data(mart_with_printed: list[tuple]) -> None:
    no_data = {row[0]: row for row in mart_with_printed if not row[2]}
    assert all(row[3] is None for row in no_data.values())
    assert no_data["13"][5].startswith("Chưa có số liệu")

"""Public services: the portal export and feedback-system contracts, checks, demo and marts.

The demo must give the report's rates for the first five months of 2026 (provinces 93,54%
online, 88,56% digitised, 96,04% data reuse; ministries 34,24%, 19,23%, 5,29%), file 004's
August 2025 ratios with their numerators and bases (digitisation 144.857/275.571 and
1.597.570/2.457.423; reuse 11.520/275.598 and 1.254.728/3.082.112), and the feedback
system's 1.009/1.071 items handled (94,2%) on 29/6/2026.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.families import read_submission
from dagster_project.lib.ingest.inbox import ingest_inbox
from dagster_project.lib.ingest.public_services import RATES
from dagster_project.lib.ingest.submission import ParsedSubmission
from dagster_project.lib.reference.agencies import AgencyDirectory
from demo.public_services import (
    portal_bodies,
    split_capped,
    write_feedback_demo,
    write_portal_demo,
)
from tests.fixtures.warehouse import dbt_build, query, sheet_workbook

Parse = Callable[[Path], ParsedSubmission]
PORTAL_HEADER = ["TT", "Bộ, ngành, địa phương", "Tổng số hồ sơ tiếp nhận", "Hồ sơ trực tuyến",
                 "Hồ sơ thuộc diện số hóa", "Hồ sơ đã số hóa", "Hồ sơ phải nộp phí, lệ phí",
                 "Hồ sơ thanh toán trực tuyến"]
PORTAL_TITLE = ["BỘ CÔNG AN", "Cơ quan báo cáo: Bộ Công an", "Kỳ báo cáo: tháng 5/2026"]
FIRST_ROW = len(PORTAL_TITLE) + 3
FEEDBACK_HEADER = ["TT", "Mã phản ánh", "Ngày tiếp nhận", "Lĩnh vực", "Cơ quan xử lý",
                   "Tình trạng xử lý", "Ngày xử lý xong"]
FEEDBACK_TITLE = ["Cơ quan báo cáo: Ban Chính sách, chiến lược Trung ương",
                  "Số liệu tính đến ngày 29/6/2026"]


@pytest.fixture(scope="module")
def parse() -> Parse:
    contracts = load_contracts()
    directory = AgencyDirectory.from_seeds()
    return lambda path: read_submission(path, contracts, directory)


def _workbook(path: Path, title: list[str], header: list[str], rows: list[list]) -> Path:
    return sheet_workbook(path, title, header, rows, sheet="Bộ chỉ số")


def _errors(submission: ParsedSubmission) -> list[tuple[int | None, str | None, str | None, str]]:
    return [(p.row, p.column, p.value, p.rule) for p in submission.errors]


# --- contract and checks -------------------------------------------------------------------


def test_portal_rows_are_read_with_vietnamese_numbers(parse: Parse, tmp_path: Path) -> None:
    submission = parse(_workbook(tmp_path / "p.xlsx", PORTAL_TITLE, PORTAL_HEADER, [
        ["1", "Bộ Tư pháp", "12.345", "4.001", "10.000", "1.923", None, None],
        ["2", "TP. Hà Nội", "310.200", "290.101", "300.000", "265.700", "90.000", "60.012"],
    ]))
    assert submission.accepted, submission.problems
    assert submission.source == "public_service"
    assert submission.metadata["reporting_month"] == date(2026, 5, 1)
    by_agency = {row["agency"]: row for row in submission.rows}
    assert by_agency["BTP"]["dossiers_received"] == 12345
    assert by_agency["BTP"]["payment_base"] is None  # a blank pair: no figure, not 0
    assert by_agency["P_HA_NOI"]["dossiers_paid_online"] == 60012


def test_numerator_above_base_is_quarantined_with_both_figures(parse: Parse,
                                                               tmp_path: Path) -> None:
    submission = parse(_workbook(tmp_path / "p.xlsx", PORTAL_TITLE, PORTAL_HEADER, [
        ["1", "Bộ Tư pháp", "12.345", "12.346", "10.000", "1.923", None, None],
        ["2", "Bộ Y tế", "20.000", "5.000", "9.000", "9.000", None, None],
    ]))
    assert not submission.accepted
    assert _errors(submission) == [
        (FIRST_ROW, "Hồ sơ trực tuyến", "12.346", "numerator_exceeds_base")]
    (problem,) = submission.errors
    assert "12.346" in problem.message_vi and "12.345" in problem.message_vi
    assert "12,346" in problem.message_en and "Online dossier rate" in problem.message_en
    assert [row["agency"] for row in submission.rows] == ["BYT"]  # 100% is allowed


def test_negative_count_and_half_a_pair_are_quarantined(parse: Parse, tmp_path: Path) -> None:
    submission = parse(_workbook(tmp_path / "p.xlsx", PORTAL_TITLE, PORTAL_HEADER, [
        ["1", "Bộ Tư pháp", "-5", "0", None, None, None, None],
        ["2", "Bộ Y tế", "20.000", "5.000", "9.000", None, None, None],
        ["3", "Bộ Xây dựng", "20.000", "5.000", None, None, None, "7"],
    ]))
    assert _errors(submission) == [
        (FIRST_ROW, "Tổng số hồ sơ tiếp nhận", "-5", "count_negative"),
        (FIRST_ROW + 1, "Hồ sơ đã số hóa", None, "rate_half_missing"),
        (FIRST_ROW + 2, "Hồ sơ phải nộp phí, lệ phí", None, "rate_half_missing"),
    ]
    assert submission.rows == []


def test_a_body_twice_in_one_month_is_rejected(parse: Parse, tmp_path: Path) -> None:
    submission = parse(_workbook(tmp_path / "p.xlsx", PORTAL_TITLE, PORTAL_HEADER, [
        ["1", "Bộ Tư pháp", "10", "5", None, None, None, None],
        ["2", "Bộ Tư Pháp", "11", "5", None, None, None, None],
    ]))
    assert [p.rule for p in submission.errors] == ["duplicate_key"]


def test_handled_item_needs_its_handled_date(parse: Parse, tmp_path: Path) -> None:
    submission = parse(_workbook(tmp_path / "f.xlsx", FEEDBACK_TITLE, FEEDBACK_HEADER, [
        ["1", "PAKN-2026-00001", "02/01/2026", "Hạ tầng số", "Bộ Công an", "Đã xử lý", None],
        ["2", "PAKN-2026-00002", "03/01/2026", "Thể chế", "Bộ Tư pháp", "Đang xử lý", None],
        ["3", "PAKN-26-3", "03/01/2026", "Thể chế", "Bộ Tư pháp", "Đã trả lời", "05/01/2026"],
    ]))
    assert submission.source == "feedback_item"
    assert [(p.row, p.column, p.rule) for p in submission.errors] == [
        (FIRST_ROW - 1, "Ngày xử lý xong", "handled_date_required_when_handled"),
        (FIRST_ROW + 1, "Mã phản ánh", "code_format"),
    ]
    assert "Nội dung đã xử lý phải có 'Ngày xử lý xong'" in submission.errors[0].message_vi
    assert [row["item_code"] for row in submission.rows] == ["PAKN-2026-00002"]


def test_split_capped_adds_up_and_respects_caps() -> None:
    parts = split_capped(960, [10, 10, 80], [500, 300, 200])
    assert sum(parts) == 960 and parts[2] == 200
    assert all(part <= cap for part, cap in zip(parts, [500, 300, 200], strict=True))
    with pytest.raises(ValueError, match="exceeds"):
        split_capped(1001, [1, 1], [500, 500])


# --- the demo files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    inbox = tmp_path_factory.mktemp("ps-demo")
    return write_portal_demo(inbox) + write_feedback_demo(inbox)


def test_demo_files_are_accepted_with_every_row(demo_files: list[Path], parse: Parse) -> None:
    bodies = portal_bodies()
    assert sum(body.level == "ministry" for body in bodies) == 15
    assert sum(body.level == "province" for body in bodies) == 34
    for path in demo_files:
        submission = parse(path)
        assert submission.accepted, (path.name, submission.problems[:3])
        assert submission.rows_read == len(submission.rows)
        expected = 49 if submission.source == "public_service" else None
        if expected is not None:
            assert len(submission.rows) == expected, path.name


def test_demo_is_the_same_bytes_every_time(demo_files: list[Path], tmp_path: Path) -> None:
    again = write_portal_demo(tmp_path) + write_feedback_demo(tmp_path)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in demo_files]


# --- end to end: inbox → landing → dbt → marts ---------------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ingest the demo into a fresh home and build the public-service marts with dbt."""
    root = tmp_path_factory.mktemp("ps-home")
    home = Home(root / "home").ensure()
    inbox = root / "inbox"
    write_portal_demo(inbox)
    write_feedback_demo(inbox)
    summary = ingest_inbox(home, inbox)
    assert summary.files_accepted == 14 and summary.files_rejected == 0
    assert summary.rows_landed["public_service"] == 12 * 49
    assert summary.rows_landed["feedback_item"] > 1071
    dbt_build(home.root, root,
              ["+agg_public_service_rates", "+agg_feedback_handling", "+fct_submission"])
    return home.warehouse


def _level(warehouse: Path, level: str, month: date, window: str) -> dict[str, object]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute("""
            select * from marts.agg_public_service_rates
            where scope = 'level' and scope_id = ? and reporting_month = ?
              and period_window = ?
        """, [level, month, window])
        names = [column[0] for column in cursor.description]
        (row,) = cursor.fetchall()
    return dict(zip(names, row, strict=True))


@pytest.mark.parametrize(("level", "online", "digitisation", "reuse"), [
    ("province", 93.54, 88.56, 96.04),
    ("ministry", 34.24, 19.23, 5.29),
])
def test_first_five_months_of_2026(warehouse: Path, level: str, online: float,
                                   digitisation: float, reuse: float) -> None:
    row = _level(warehouse, level, date(2026, 5, 1), "year_to_date")
    assert row["months_covered"] == 5
    assert row["bodies_reporting"] == (34 if level == "province" else 15)
    assert round(row["online_rate"] * 100, 2) == online
    assert round(row["digitisation_rate"] * 100, 2) == digitisation
    assert round(row["reuse_rate"] * 100, 2) == reuse


@pytest.mark.parametrize(("level", "rate", "numerator", "base", "percent"), [
    ("ministry", "digitisation", 144_857, 275_571, 52.57),
    ("province", "digitisation", 1_597_570, 2_457_423, 65.01),
    ("ministry", "reuse", 11_520, 275_598, 4.18),
    ("province", "reuse", 1_254_728, 3_082_112, 40.71),
])
def test_august_2025_as_file_004_gives_it(warehouse: Path, level: str, rate: str,
                                          numerator: int, base: int, percent: float) -> None:
    row = _level(warehouse, level, date(2025, 8, 1), "month")
    assert (row[f"{rate}_numerator"], row[f"{rate}_base"]) == (numerator, base)
    assert round(row[f"{rate}_rate"] * 100, 2) == percent


def test_corrected_march_export_supersedes_the_first(warehouse: Path) -> None:
    files = query(warehouse, """
        select file_name, is_current from marts.fct_submission
        where source_name = 'public_service' and reporting_month = date '2026-03-01'
        order by received_at, file_name
    """)
    assert files == [("DVCQG_bo_chi_so_2026-03.xlsx", False),
                     ("DVCQG_bo_chi_so_2026-03_dinh_chinh.xlsx", True)]
    ((rows, from_correction),) = query(warehouse, """
        select count(*), count(case when submission.file_name like '%dinh_chinh%' then 1 end)
        from marts.fct_public_service as facts
        inner join marts.fct_submission as submission using (file_sha256)
        where facts.reporting_month = date '2026-03-01'
    """)
    assert rows == from_correction == 49


def test_no_fee_bodies_have_no_payment_rate_rather_than_zero(warehouse: Path) -> None:
    rows = query(warehouse, """
        select agency_id, count(*), count(online_payment_rate), min(online_rate)
        from marts.fct_public_service where agency_id in ('BQP', 'BNG')
        group by agency_id order by agency_id
    """)
    assert [(agency, n, rated) for agency, n, rated, _ in rows] == [("BNG", 11, 0),
                                                                   ("BQP", 11, 0)]
    assert all(online > 0 for *_, online in rows)


def test_levels_add_up_to_the_nation(warehouse: Path) -> None:
    mismatches = query(warehouse, """
        with levels as (
            select reporting_month, period_window, sum(online_numerator) as online,
                   sum(reuse_base) as reuse_base
            from marts.agg_public_service_rates where scope = 'level'
            group by reporting_month, period_window
        )
        select levels.reporting_month from levels
        inner join marts.agg_public_service_rates as nation
            on nation.scope = 'national' and nation.reporting_month = levels.reporting_month
            and nation.period_window = levels.period_window
        where nation.online_numerator <> levels.online or nation.reuse_base <> levels.reuse_base
    """)
    assert mismatches == []


def test_marts_carry_every_rate_of_the_library(warehouse: Path) -> None:
    columns = {name for (name,) in query(warehouse, """
        select column_name from information_schema.columns
        where table_schema = 'marts' and table_name = 'agg_public_service_rates'
    """)}
    for rate in RATES:
        assert {f"{rate.name}_numerator", f"{rate.name}_base", f"{rate.name}_rate"} <= columns


def test_feedback_handled_on_29_6_2026(warehouse: Path) -> None:
    ((received, handled, in_progress, pending, rate),) = query(warehouse, """
        select items_received, items_handled, items_in_progress, items_pending, handled_rate
        from marts.agg_feedback_handling
        where scope = 'national' and as_of_date = date '2026-06-29'
    """)
    assert (received, handled) == (1071, 1009)
    assert round(rate * 100, 1) == 94.2
    assert in_progress + pending == 62
    ((agency_total,),) = query(warehouse, """
        select sum(items_handled) from marts.agg_feedback_handling
        where scope = 'agency' and as_of_date = date '2026-06-29'
    """)
    assert agency_total == 1009


def test_earlier_feedback_export_shows_items_as_they_stood(warehouse: Path) -> None:
    ((received, handled, late),) = query(warehouse, """
        select count(*), count(case when is_handled then 1 end),
               count(case when handled_date > as_of_date then 1 end)
        from marts.fct_feedback_item where as_of_date = date '2026-03-31'
    """)
    assert received < 1071 and handled < received and late == 0

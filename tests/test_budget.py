"""Budget family: the allocation and disbursement contracts, the demo, checks and the marts.

The demo must give, for fiscal year 2026 as of 17/6/2026, the report's figures: a total of
103,43 nghìn tỷ đồng, 84,86 allocated, an assigned estimate of 41,058 (39,7% of the total),
23,35% of it disbursed (KHCN 30,8%: 7.583/24.616 tỷ; ĐMST 12,29%: 76,5/622,5; CDS 12,17%:
1.925/15.818), and of the 2.032 communes reporting, 29 with nothing disbursed on all three
pillars, 569 with nothing for KHCN, 167 with nothing for ĐMST and 445 with no CDS figure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.budget_checks import complete_budget_submission
from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.families import read_submission
from dagster_project.lib.ingest.inbox import ingest_inbox
from dagster_project.lib.ingest.submission import ParsedSubmission
from dagster_project.lib.reference.agencies import AgencyDirectory
from demo.budget import write_budget_demo
from tests.fixtures.warehouse import dbt_build, query, sheet_workbook

REPORT_DATE = date(2026, 6, 17)
BODIES = 73  # current central bodies, ministries and provinces
REPORTING_COMMUNES = {date(2025, 12, 31): 1650, date(2026, 5, 20): 1874, REPORT_DATE: 2032}

ALLOCATION_HEADER = ["TT", "Cơ quan, địa phương", "Trụ cột", "Tổng kinh phí (tỷ đồng)",
                     "Đã phân bổ (tỷ đồng)", "Dự toán giao (tỷ đồng)", "Ghi chú"]
DISBURSEMENT_HEADER = ["TT", "Cơ quan, địa phương", "Mã xã", "Tên xã", "Trụ cột",
                       "Giải ngân (tỷ đồng)", "Ghi chú, giải trình"]
TITLE = ["BỘ TÀI CHÍNH", "TÌNH HÌNH PHÂN BỔ, GIAO DỰ TOÁN KINH PHÍ CHO KHCN, ĐMST, CDS",
         "Cơ quan báo cáo: Bộ Tài chính", "Năm ngân sách: 2026",
         "Số liệu tính đến ngày 17/6/2026"]
FIRST_DATA_ROW = len(TITLE) + 3  # title block, a blank line, the header

Parse = Callable[[Path], ParsedSubmission]


@pytest.fixture(scope="module")
def parse() -> Parse:
    contracts = load_contracts()
    directory = AgencyDirectory.from_seeds()
    return lambda path: read_submission(path, contracts, directory)


def _workbook(path: Path, header: list[str], rows: list[list], title: list[str] = TITLE) -> Path:
    return sheet_workbook(path, title, header, rows)


def _rules(submission: ParsedSubmission) -> dict[int | None, str]:
    return {problem.row: problem.rule for problem in submission.errors}


# --- the demo files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, parse: Parse) -> list[ParsedSubmission]:
    return [parse(path) for path in write_budget_demo(tmp_path_factory.mktemp("budget-demo"))]


def test_demo_files_are_accepted_with_every_row(demo: list[ParsedSubmission]) -> None:
    for submission in demo:
        assert submission.accepted, (submission.path.name, submission.problems[:3])
        assert submission.family == "budget"
    allocations, disbursements = demo[:3], demo[3:]
    assert [s.source for s in allocations] == ["budget_allocation"] * 3
    assert [s.source for s in disbursements] == ["budget_disbursement"] * 3
    assert [len(s.rows) for s in allocations] == [3 * BODIES] * 3
    assert [len(s.rows) for s in disbursements] == [
        3 * (BODIES + communes) for communes in REPORTING_COMMUNES.values()]
    assert [s.metadata["as_of_date"] for s in disbursements] == list(REPORTING_COMMUNES)
    june = allocations[-1].metadata
    assert (june["fiscal_year"], june["as_of_date"]) == (2026, REPORT_DATE)
    assert (june["national_total_text"], june["national_allocated_text"],
            june["national_estimate_text"]) == ("103.430,00", "84.860,00", "41.057,52")
    # The 2025 export writes pillars in full; the contract reads them to the same codes.
    assert {row["pillar"] for row in allocations[0].rows} == {"KHCN", "DMST", "CDS"}
    assert {row["pillar_text"] for row in allocations[0].rows} == {
        "Khoa học, công nghệ", "Đổi mới sáng tạo", "Chuyển đổi số"}


def test_demo_disbursement_keeps_blank_apart_from_zero(demo: list[ParsedSubmission]) -> None:
    june = demo[-1]
    communes = [row for row in june.rows if row["commune_code"]]
    blank = {row["pillar"] for row in communes if row["disbursed"] is None}
    zero = [row["pillar"] for row in communes if row["disbursed"] == 0]
    assert blank == {"CDS"}
    assert sum(row["disbursed"] is None for row in communes) == 445
    assert (zero.count("KHCN"), zero.count("DMST"), zero.count("CDS")) == (569, 167, 0)
    total = sum(Decimal(str(row["disbursed"] or 0)) for row in june.rows)
    assert total == Decimal("9585.34")


def test_demo_passes_the_budget_checks(demo: list[ParsedSubmission]) -> None:
    for submission in demo:
        rows = len(submission.rows)
        complete_budget_submission(submission)
        assert submission.accepted and len(submission.rows) == rows


# --- malformed files -----------------------------------------------------------------------


def test_unknown_agency_is_rejected_with_a_suggestion(parse: Parse, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "agency.xlsx", ALLOCATION_HEADER, [
        [1, "Bộ Tài chánh", "KHCN", "100,00", "80,00", "40,00"],
        [2, "Bộ Y tế", "KHCN", "50,00", "40,00", "20,00"],
    ])
    submission = parse(path)
    assert submission.source == "budget_allocation" and not submission.accepted
    (problem,) = submission.errors
    assert problem.rule == "agency_unknown" and problem.row == FIRST_DATA_ROW
    assert problem.column == "Cơ quan, địa phương" and problem.value == "Bộ Tài chánh"
    assert "Bộ Tài chính" in problem.message_vi and "Bộ Tài chính" in problem.message_en
    assert [(row["agency"], row["total_budget"]) for row in submission.rows] == [("BYT", 50.0)]


def test_unknown_pillar_is_rejected_with_the_allowed_words(parse: Parse,
                                                           tmp_path: Path) -> None:
    path = _workbook(tmp_path / "pillar.xlsx", ALLOCATION_HEADER, [
        [1, "Bộ Y tế", "Quốc phòng", "50,00", "40,00", "20,00"],
        [2, "Bộ Y tế", "KH&CN", "50,00", "40,00", "20,00"],
    ])
    submission = parse(path)
    (problem,) = submission.errors
    assert problem.rule == "status_unknown" and problem.value == "Quốc phòng"
    assert problem.row == FIRST_DATA_ROW and problem.column == "Trụ cột"
    # The message speaks of a pillar, named by the contract's column label, not of a status.
    assert problem.message_vi.startswith("Trụ cột 'Quốc phòng' không hợp lệ")
    assert problem.message_en.startswith("Unknown budget pillar 'Quốc phòng'")
    assert "Tình trạng" not in problem.message_vi and "status" not in problem.message_en
    assert "KHCN; ĐMST; CDS" in problem.message_vi
    assert "KHCN; ĐMST; CDS" in problem.message_en
    assert [row["pillar"] for row in submission.rows] == ["KHCN"]


def test_number_with_two_decimal_commas_is_rejected(parse: Parse, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "number.xlsx", DISBURSEMENT_HEADER, [
        [1, "Bộ Y tế", None, None, "KHCN", "12,5,3"],
        [2, "Bộ Y tế", None, None, "CDS", "1.234,50"],
    ])
    submission = parse(path)
    assert submission.source == "budget_disbursement"
    (problem,) = submission.errors
    assert problem.rule == "number_unparseable" and problem.value == "12,5,3"
    assert problem.row == FIRST_DATA_ROW and problem.column == "Giải ngân (tỷ đồng)"
    assert [(row["pillar"], row["disbursed"]) for row in submission.rows] == [("CDS", 1234.5)]


def test_missing_pillar_column_rejects_the_file(parse: Parse, tmp_path: Path) -> None:
    header = [label for label in ALLOCATION_HEADER if label != "Trụ cột"]
    path = _workbook(tmp_path / "nopillar.xlsx", header, [
        [1, "Bộ Y tế", "50,00", "40,00", "20,00"]])
    submission = parse(path)
    assert submission.source == "budget_allocation"
    assert not submission.accepted and submission.rows == []
    (problem,) = submission.errors
    assert problem.rule == "required_column_missing" and problem.column == "Trụ cột"
    assert problem.row == FIRST_DATA_ROW - 1


def test_missing_as_of_date_rejects_the_file(parse: Parse, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "nodate.xlsx", DISBURSEMENT_HEADER, [
        [1, "Bộ Y tế", None, None, "KHCN", "12,50"]], title=TITLE[:-1])
    submission = parse(path)
    assert submission.source == "budget_disbursement" and not submission.accepted
    (problem,) = submission.errors
    assert problem.rule == "metadata_missing" and problem.column == "as_of_date"


# --- checks beyond the contract: negative amounts, unknown communes -------------------------


def test_negative_amounts_and_unknown_communes_are_quarantined(parse: Parse,
                                                               tmp_path: Path) -> None:
    path = _workbook(tmp_path / "checks.xlsx", DISBURSEMENT_HEADER, [
        [1, "Bộ Y tế", None, None, "KHCN", "-12,50", "Thu hồi"],
        [2, "Thành phố Hà Nội", "99999", "Xã Không Có", "KHCN", "0,50"],
        [3, "Thành phố Hà Nội", 4, "Phường Ba Đình", "KHCN", "0,75"],  # typed as a number
        [4, "Thành phố Hà Nội", "00008", "Phường Ngọc Hà", "CDS", None, "Chưa có số liệu"],
    ])
    submission = parse(path)  # the family's completion step runs after the contract
    assert not submission.accepted
    assert _rules(submission) == {FIRST_DATA_ROW: "amount_negative",
                                  FIRST_DATA_ROW + 1: "commune_unknown"}
    negative, unknown = submission.errors
    assert (negative.column, negative.value) == ("Giải ngân (tỷ đồng)", "-12,50")
    assert "-12,50" in negative.message_vi and "âm" in negative.message_vi
    assert "negative" in negative.message_en
    assert (unknown.column, unknown.value) == ("Mã xã", "99999")
    assert "99999" in unknown.message_vi and "99999" in unknown.message_en
    assert submission.rows_quarantined == 2
    assert [(row["commune_code"], row["disbursed"]) for row in submission.rows] == [
        ("4", 0.75), ("00008", None)]


def test_negative_allocation_is_quarantined(parse: Parse, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "allocation.xlsx", ALLOCATION_HEADER, [
        [1, "Bộ Y tế", "KHCN", "50,00", "-40,00", "20,00"],
        [2, "Bộ Y tế", "CDS", "50,00", "40,00", "20,00"],
    ])
    submission = complete_budget_submission(parse(path))
    (problem,) = submission.errors
    assert (problem.rule, problem.row, problem.column) == (
        "amount_negative", FIRST_DATA_ROW, "Đã phân bổ (tỷ đồng)")
    assert [row["pillar"] for row in submission.rows] == ["CDS"]


def test_other_families_are_left_alone(tmp_path: Path) -> None:
    submission = ParsedSubmission(tmp_path / "x.xlsx", "0" * 64, source="csdl_status",
                                  family="csdl", table="csdl_status",
                                  rows=[{"commune_code": "99999", "disbursed": -1.0}])
    assert complete_budget_submission(submission).rows == submission.rows
    assert submission.problems == []


# --- end to end: inbox → landing → dbt → marts ---------------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ingest the demo into a fresh home and build the budget marts with dbt."""
    root = tmp_path_factory.mktemp("budget-home")
    home = Home(root / "home").ensure()
    inbox = root / "inbox"
    write_budget_demo(inbox)
    summary = ingest_inbox(home, inbox)
    assert summary.files_accepted == 6 and summary.files_rejected == 0
    assert summary.rows_landed["budget_allocation"] == 3 * 3 * BODIES
    assert summary.rows_landed["budget_disbursement"] == sum(
        3 * (BODIES + communes) for communes in REPORTING_COMMUNES.values())
    output = dbt_build(home.root, root, ["+fct_budget", "+agg_budget_disbursement",
                                         "+dim_agency", "+dim_commune",
                                         "int_budget_allocation_reconciliation"])
    assert "int_budget_allocation_reconciliation" in output
    return home.warehouse


def _national(warehouse: Path, pillar: str) -> tuple:
    (row,) = query(warehouse, """
        select total_budget, allocated_budget, assigned_estimate, disbursed,
               estimate_share_of_total, disbursement_rate
        from marts.agg_budget_disbursement
        where fiscal_year = 2026 and as_of_date = ? and scope = 'national' and pillar = ?
    """, REPORT_DATE, pillar)
    return row


def test_national_figures_on_17_6_2026(warehouse: Path) -> None:
    total, allocated, estimate, disbursed, estimate_share, rate = _national(warehouse, "ALL")
    # nghìn tỷ đồng, as the report writes them
    assert round(total / 1000, 2) == Decimal("103.43")
    assert round(allocated / 1000, 2) == Decimal("84.86")
    assert round(estimate / 1000, 3) == Decimal("41.058")
    assert round(estimate_share * 100, 1) == 39.7
    assert round(rate * 100, 2) == 23.35
    assert disbursed == Decimal("9585.34")


@pytest.mark.parametrize(("pillar", "rate_digits", "rate", "disbursed", "estimate", "digits"), [
    ("KHCN", 1, 30.8, Decimal("7583"), Decimal("24616"), 0),
    ("DMST", 2, 12.29, Decimal("76.5"), Decimal("622.5"), 1),
    ("CDS", 2, 12.17, Decimal("1925"), Decimal("15818"), 0),
])
def test_pillar_figures_on_17_6_2026(warehouse: Path, pillar: str, rate_digits: int,
                                     rate: float, disbursed: Decimal, estimate: Decimal,
                                     digits: int) -> None:
    _, _, pillar_estimate, pillar_disbursed, _, pillar_rate = _national(warehouse, pillar)
    assert round(pillar_rate * 100, rate_digits) == rate
    assert round(pillar_disbursed, digits) == disbursed
    assert round(pillar_estimate, digits) == estimate


def test_commune_counts_on_17_6_2026(warehouse: Path) -> None:
    rows = query(warehouse, """
        select pillar, communes_total, communes_reporting, communes_zero_disbursed,
               communes_no_figure, communes_not_disbursed
        from marts.agg_budget_disbursement
        where fiscal_year = 2026 and as_of_date = ? and scope = 'national'
        order by pillar
    """, REPORT_DATE)
    assert rows == [
        ("ALL", 3321, 2032, 0, 0, 29),
        ("CDS", 3321, 2032, 0, 445, 445),
        ("DMST", 3321, 2032, 167, 0, 167),
        ("KHCN", 3321, 2032, 569, 0, 569),
    ]
    (communes,) = query(warehouse, """
        select count(distinct commune_code) from marts.fct_budget
        where as_of_date = ? and budget_level = 'commune'
    """, REPORT_DATE)
    assert communes == (2032,)


def test_provinces_count_their_communes(warehouse: Path) -> None:
    (row,) = query(warehouse, """
        with provinces as (
            select sum(disbursed) as disbursed, sum(communes_reporting) as communes
            from marts.agg_budget_disbursement
            where as_of_date = ? and scope = 'agency' and budget_level = 'province'
                and pillar = 'ALL'
        ),
        levels as (
            select
                sum(case when budget_level = 'province' then disbursed end) as province,
                sum(case when budget_level = 'central' then disbursed end) as central
            from marts.agg_budget_disbursement
            where as_of_date = ? and scope = 'level' and pillar = 'ALL'
        )
        select provinces.disbursed, levels.province, levels.central, provinces.communes
        from provinces cross join levels
    """, REPORT_DATE, REPORT_DATE)
    province_agencies, province_level, central_level, communes = row
    assert province_agencies == province_level
    assert province_level + central_level == Decimal("9585.34")
    assert communes == 2032


def test_agency_allocations_add_up_to_the_national_totals(warehouse: Path) -> None:
    rows = query(warehouse, """
        select as_of_date, national_total_budget, sum_total_budget,
               national_allocated_budget, sum_allocated_budget,
               national_assigned_estimate, sum_assigned_estimate, is_reconciled
        from intermediate.int_budget_allocation_reconciliation
        order by as_of_date
    """)
    assert [row[0] for row in rows] == [date(2025, 12, 31), date(2026, 5, 20), REPORT_DATE]
    for _, total, total_sum, allocated, allocated_sum, estimate, estimate_sum, ok in rows:
        assert ok and total == total_sum and allocated == allocated_sum
        assert estimate == estimate_sum
    assert rows[-1][1:7:2] == (Decimal("103430.00"), Decimal("84860.00"), Decimal("41057.52"))
    # The fact table carries the same agency figures as the export in force.
    (fct,) = query(warehouse, """
        select sum(total_budget), sum(allocated_budget), sum(assigned_estimate)
        from marts.fct_budget where as_of_date = ? and budget_level <> 'commune'
    """, REPORT_DATE)
    assert fct == (Decimal("103430.00"), Decimal("84860.00"), Decimal("41057.52"))


def test_may_estimate_is_3_23_thousand_billion_lower(warehouse: Path) -> None:
    rows = query(warehouse, """
        select as_of_date, assigned_estimate from marts.agg_budget_disbursement
        where fiscal_year = 2026 and scope = 'national' and pillar = 'ALL'
        order by as_of_date
    """)
    (may, may_estimate), (june, june_estimate) = rows
    assert (may, june) == (date(2026, 5, 20), REPORT_DATE)
    assert round((june_estimate - may_estimate) / 1000, 2) == Decimal("3.23")

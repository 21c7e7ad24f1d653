"""National databases (CSDL): the registry and status contracts, the demo, and the marts.

The demo must give, on 29/6/2026, the report's figures: 8 of the 12 Plan-02 databases and 65
of the 104 Resolution-11 databases reconciled with the population database and synced to the
National Data Center, four of the eight meeting all 19 criteria.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.inbox import ingest_inbox
from dagster_project.lib.ingest.submission import ParsedSubmission, parse_submission
from dagster_project.lib.reference.agencies import AgencyDirectory
from demo.csdl import write_csdl_demo
from tests.fixtures.warehouse import dbt_build, query

REGISTRY_HEADER = ["TT", "Mã CSDL", "Tên cơ sở dữ liệu", "Chương trình", "Cơ quan chủ quản",
                   "Căn cứ pháp lý", "Ghi chú"]
STATUS_HEADER = ["TT", "Mã CSDL", "Tên cơ sở dữ liệu", "Số tiêu chí đạt (/19)",
                 "Đã đối soát với CSDL quốc gia về dân cư",
                 "Đã đồng bộ về Trung tâm dữ liệu quốc gia", "Ghi chú"]

# Footnotes 23 and 24 of the report of 30/6/2026: the twelve Plan-02 databases, their
# owners, and the criteria met by the eight that are connected.
PLAN_02_CONNECTED = {
    "CSDL quốc gia về tài chính": ("BTC", 19),
    "CSDL hộ tịch điện tử": ("BTP", 19),
    "CSDL bản án, quyết định Tòa án": ("TANDTC", 19),
    "CSDL quốc gia về đất đai": ("BNNMT", 19),
    "CSDL ngành giáo dục và đào tạo": ("BGDDT", 17),
    "CSDL quốc gia về hoạt động xây dựng": ("BXD", 17),
    "CSDL ngành nông nghiệp": ("BNNMT", 16),
    "CSDL hàng hóa (hóa chất, tiền chất)": ("BCT", 18),
}
PLAN_02_NOT_CONNECTED = {
    "CSDL quốc gia về kiểm soát tài sản, thu nhập": "TTCP",
    "CSDL quốc gia về an sinh xã hội": "BNV",
    "CSDL ngành Y tế": "BYT",
    "CSDL xử lý vi phạm hành chính": "BCA",
}
REPORT_DATE = date(2026, 6, 29)


@pytest.fixture(scope="module")
def parse():
    contracts = load_contracts()
    directory = AgencyDirectory.from_seeds()
    return lambda path: parse_submission(path, contracts, directory)


def _registry(path: Path, rows: list[list], header: list[str] = REGISTRY_HEADER) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh mục CSDL"
    sheet.append(["DANH MỤC CƠ SỞ DỮ LIỆU QUỐC GIA, CƠ SỞ DỮ LIỆU CHUYÊN NGÀNH"])
    sheet.append(["Cập nhật đến ngày 31/3/2026"])
    sheet.append([])
    sheet.append(header)
    sheet.append(["I", "CSDL THEO KẾ HOẠCH SỐ 02-KH/BCĐTW"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _status(path: Path, rows: list[list], header: list[str] = STATUS_HEADER) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Tình hình CSDL"
    sheet.append(["BỘ CÔNG AN", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    sheet.append([])
    sheet.append(["TÌNH HÌNH KẾT NỐI, ĐỒNG BỘ CƠ SỞ DỮ LIỆU"])
    sheet.append(["Kỳ báo cáo: Tháng 6/2026 - Số liệu tính đến ngày 29/6/2026"])
    sheet.append(["Cơ quan báo cáo: Bộ Công an"])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["Nơi nhận:"])
    workbook.save(path)
    return path


def _rules(submission: ParsedSubmission) -> dict[int | None, str]:
    return {problem.row: problem.rule for problem in submission.errors}


# --- the demo files ------------------------------------------------------------------------


def test_demo_files_are_accepted_with_the_report_figures(parse, tmp_path: Path) -> None:
    paths = write_csdl_demo(tmp_path / "inbox")
    assert [path.parent.name for path in paths] == ["csdl"] * 6
    parsed = [parse(path) for path in paths]
    for submission in parsed:
        assert submission.accepted, (submission.path.name, submission.problems[:3])
    registry, *exports = parsed
    assert registry.source == "csdl_registry" and len(registry.rows) == 116
    programs = [row["program"] for row in registry.rows]
    assert programs.count("plan_02") == 12 and programs.count("resolution_11") == 104
    owners = {row["database_name"]: row["owner_agency"] for row in registry.rows
              if row["database_code"].startswith("KH02-")}
    assert owners == {**{name: owner for name, (owner, _) in PLAN_02_CONNECTED.items()},
                      **PLAN_02_NOT_CONNECTED}
    assert all(export.source == "csdl_status" and len(export.rows) == 116 for export in exports)
    assert exports[-1].metadata == {"reporting_agency": "BCA", "reporting_month": date(2026, 6, 1),
                                    "as_of_date": REPORT_DATE}
    assert exports[0].rows[0]["criteria_met"] == "16/19"  # March writes "n/19"

    def connected(export: ParsedSubmission, prefix: str) -> int:
        return sum(row["is_reconciled"] and row["is_synced"] for row in export.rows
                   if row["database_code"].startswith(prefix))

    assert [connected(e, "KH02-") for e in exports] == [5, 6, 7, 8, 8]
    # The first June file under-reports one database; its correction gives the report's 65.
    assert [connected(e, "NQ11-") for e in exports] == [48, 54, 60, 64, 65]


def test_demo_is_deterministic(tmp_path: Path) -> None:
    first = [path.read_bytes() for path in write_csdl_demo(tmp_path / "a")]
    second = [path.read_bytes() for path in write_csdl_demo(tmp_path / "b")]
    assert first == second


# --- malformed files -----------------------------------------------------------------------


def test_criteria_above_19_are_rejected_and_n_of_19_accepted(parse, tmp_path: Path) -> None:
    path = _status(tmp_path / "criteria.xlsx", [
        [1, "KH02-01", "CSDL quốc gia về tài chính", "20/19", "Có", "Có", None],
        [2, "KH02-02", "CSDL hộ tịch điện tử", 25, "Có", "Có", None],
        [3, "KH02-03", "CSDL bản án, quyết định Tòa án", "17/19", "Có", "Có", None],
        [4, "KH02-04", "CSDL quốc gia về đất đai", 19, "Có", "Có", None],
        [5, "KH02-05", "CSDL ngành giáo dục và đào tạo", "17/20", "Có", "Có", None],
    ])
    submission = parse(path)
    assert not submission.accepted
    assert _rules(submission) == {8: "code_format", 9: "code_format", 12: "code_format"}
    assert {p.value for p in submission.errors} == {"20/19", "25", "17/20"}
    assert all(p.column == "Số tiêu chí đạt (/19)" for p in submission.errors)
    assert [(r["database_code"], r["criteria_met"]) for r in submission.rows] == [
        ("KH02-03", "17/19"), ("KH02-04", "19")]


def test_unknown_owner_is_rejected_with_suggestions(parse, tmp_path: Path) -> None:
    path = _registry(tmp_path / "owner.xlsx", [
        [1, "KH02-01", "CSDL quốc gia về tài chính", "Kế hoạch 02-KH/BCĐTW", "Bộ Tài chánh"],
        [2, "KH02-02", "CSDL hộ tịch điện tử", "KH 02", "Bộ Tư pháp"],
    ])
    submission = parse(path)
    assert submission.source == "csdl_registry" and not submission.accepted
    (problem,) = submission.errors
    assert problem.rule == "agency_unknown" and problem.row == 6
    assert problem.column == "Cơ quan chủ quản" and problem.value == "Bộ Tài chánh"
    assert "Bộ Tài chính" in problem.message_vi and "Bộ Tài chính" in problem.message_en
    assert [(r["database_code"], r["program"], r["owner_agency"]) for r in submission.rows] == [
        ("KH02-02", "plan_02", "BTP")]


def test_unknown_programme_is_rejected_with_the_allowed_words(parse, tmp_path: Path) -> None:
    path = _registry(tmp_path / "program.xlsx", [
        [1, "KH02-01", "CSDL quốc gia về tài chính", "Đề án 06", "Bộ Tài chính"],
    ])
    (problem,) = parse(path).errors
    assert problem.rule == "status_unknown" and problem.value == "Đề án 06"
    assert problem.message_vi.startswith("Chương trình 'Đề án 06' không hợp lệ")
    assert problem.message_en.startswith("Unknown programme 'Đề án 06'")
    assert "Kế hoạch 02-KH/BCĐTW" in problem.message_vi
    assert "Nghị quyết 11/NQ-CP" in problem.message_en


def test_missing_database_code_column_rejects_the_file(parse, tmp_path: Path) -> None:
    header = [label for label in STATUS_HEADER if label != "Mã CSDL"]
    path = _status(tmp_path / "nocode.xlsx", [
        [1, "CSDL quốc gia về tài chính", 19, "Có", "Có", None]], header=header)
    submission = parse(path)
    assert submission.source == "csdl_status"
    assert not submission.accepted and submission.rows == []
    (problem,) = submission.errors
    assert problem.rule == "required_column_missing" and problem.column == "Mã CSDL"
    assert problem.row == 7


def test_duplicate_database_code_is_rejected(parse, tmp_path: Path) -> None:
    path = _status(tmp_path / "dup.xlsx", [
        [1, "NQ11-001", "CSDL quốc gia về dân cư", 19, "Có", "Có", None],
        [2, "NQ11-001", "CSDL quốc gia về dân cư", 18, "Có", "Không", None],
    ])
    submission = parse(path)
    assert _rules(submission) == {9: "duplicate_key"}
    assert "Tình hình CSDL" in submission.errors[0].message_vi
    assert len(submission.rows) == 1


def test_yes_no_cell_that_is_neither_is_rejected(parse, tmp_path: Path) -> None:
    path = _status(tmp_path / "bool.xlsx", [
        [1, "KH02-01", "CSDL quốc gia về tài chính", 19, "có lẽ", "Có", None],
        [2, "KH02-02", "CSDL hộ tịch điện tử", 19, "x", "Không", None],
        [3, "KH02-03", "CSDL bản án, quyết định Tòa án", 19, "Có", None, None],
    ])
    submission = parse(path)
    assert _rules(submission) == {8: "boolean_unparseable", 10: "required_value_missing"}
    assert submission.errors[0].value == "có lẽ"
    assert [(r["is_reconciled"], r["is_synced"]) for r in submission.rows] == [(True, False)]


def test_bad_database_code_and_missing_as_of_date(parse, tmp_path: Path) -> None:
    path = _status(tmp_path / "code.xlsx", [
        [1, "KH2-1", "CSDL quốc gia về tài chính", 19, "Có", "Có", None]])
    assert _rules(parse(path)) == {8: "code_format"}
    workbook = openpyxl.load_workbook(path)
    workbook.active["A4"] = "Kỳ báo cáo: Tháng 6/2026"
    workbook.save(path)
    (problem,) = parse(path).errors
    assert problem.rule == "metadata_missing" and problem.column == "as_of_date"


# --- end to end: inbox → landing → dbt → marts ---------------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ingest the demo into a fresh home and build the CSDL marts with dbt."""
    root = tmp_path_factory.mktemp("csdl-home")
    home = Home(root / "home").ensure()
    inbox = root / "inbox"
    write_csdl_demo(inbox)
    summary = ingest_inbox(home, inbox)
    assert summary.files_accepted == 6 and summary.files_rejected == 0
    assert summary.rows_landed["csdl_registry"] == 116
    assert summary.rows_landed["csdl_status"] == 6 * 116 - 116  # five exports
    dbt_build(home.root, root, ["+fct_csdl_readiness", "+agg_csdl_readiness", "+dim_agency"])
    return home.warehouse


def test_report_figures_on_29_6_2026(warehouse: Path) -> None:
    rows = query(warehouse, """
        select program_code, databases_total, databases_connected, databases_not_connected,
               databases_meeting_all_criteria, databases_connected_meeting_all_criteria
        from marts.agg_csdl_readiness where as_of_date = ? order by program_code
    """, REPORT_DATE)
    assert rows == [("plan_02", 12, 8, 4, 4, 4), ("resolution_11", 104, 65, 39, 8, 8)]


def test_plan_02_databases_have_the_report_names_owners_and_scores(warehouse: Path) -> None:
    rows = query(warehouse, """
        select database_name, owner_agency_id, criteria_met, is_connected, meets_all_criteria
        from marts.fct_csdl_readiness
        where program_code = 'plan_02' and as_of_date = ?
    """, REPORT_DATE)
    connected = {name: (owner, criteria) for name, owner, criteria, is_connected, _ in rows
                 if is_connected}
    assert connected == PLAN_02_CONNECTED
    not_connected = {name: owner for name, owner, _, is_connected, _ in rows if not is_connected}
    assert not_connected == PLAN_02_NOT_CONNECTED
    meeting_all = sorted(name for name, _, _, _, meets in rows if meets)
    assert meeting_all == sorted(["CSDL quốc gia về tài chính", "CSDL hộ tịch điện tử",
                                  "CSDL bản án, quyết định Tòa án", "CSDL quốc gia về đất đai"])


def test_history_and_superseded_june_export(warehouse: Path) -> None:
    rows = query(warehouse, """
        select as_of_date, program_code, databases_connected from marts.agg_csdl_readiness
        order by as_of_date, program_code
    """)
    assert rows == [
        (date(2026, 3, 31), "plan_02", 5), (date(2026, 3, 31), "resolution_11", 48),
        (date(2026, 4, 29), "plan_02", 6), (date(2026, 4, 29), "resolution_11", 54),
        (date(2026, 5, 29), "plan_02", 7), (date(2026, 5, 29), "resolution_11", 60),
        (date(2026, 6, 29), "plan_02", 8), (date(2026, 6, 29), "resolution_11", 65),
    ]
    files = query(warehouse, """
        select distinct sub.file_name
        from marts.fct_csdl_readiness as fct
        inner join intermediate.int_submissions_current as sub
            on fct.source_file_sha256 = sub.file_sha256
        where fct.as_of_date = ?
    """, REPORT_DATE)
    assert files == [("BCA_2026-06_tinh_hinh_csdl_dinh_chinh.xlsx",)]
    superseded = query(warehouse, """
        select file_name from intermediate.int_submissions_current where not is_current
    """)
    assert superseded == [("BCA_2026-06_tinh_hinh_csdl.xlsx",)]


def test_owners_roll_up_to_current_bodies(warehouse: Path) -> None:
    rows = query(warehouse, """
        select count(*), count(distinct owner_current_agency_id),
               count(case when owner_current_agency_id <> owner_agency_id then 1 end)
        from marts.fct_csdl_readiness where as_of_date = ?
    """, REPORT_DATE)
    assert rows == [(116, 19, 0)]


"""Seed extraction helpers, on real strings from the seed documents (no seed files read)."""

from __future__ import annotations

from datetime import date

import pytest

from dagster_project.lib.reference.agencies import AgencyDirectory
from demo.catalog import document_for
from scripts.seeds.seed_tables import is_roman, split_rows
from scripts.seeds.seed_tasks import (
    SeedTask,
    _nq71_items,
    infer_nq71_lead,
    parse_plan_2025,
    resolve_agency_cells,
)


@pytest.fixture(scope="module")
def directory() -> AgencyDirectory:
    return AgencyDirectory.from_seeds()


def test_tab_only_lines_are_empty_cells_and_empty_lines_end_rows() -> None:
    lines = ["\t1.", "\tTổ chức các phiên họp", "\tBộ Nội vụ, ", "Bộ Y tế", "\t", "", "\tII."]
    assert list(split_rows(lines)) == [
        ["1.", "Tổ chức các phiên họp", "Bộ Nội vụ,\nBộ Y tế", ""],
        ["II."],
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("I.", True), ("VIII", True), ("1.", False), ("", False), ("Quý IV", False)],
)
def test_roman_group_markers(text: str, expected: bool) -> None:
    assert is_roman(text) is expected


def test_plan_rows_take_group_titles_and_cited_notices() -> None:
    text = "\n".join(
        [
            "III. NHIỆM VỤ TRỌNG TÂM",
            "\tTT",
            "\tTên nhiệm vụ",
            "\tCơ quan",
            "\tCơ quan phối hợp",
            "\tDự kiến kết quả",
            "\tThời gian hoàn thành",
            "\tLưu ý",
            "",
            "\tI.",
            "\tNâng cao nhận thức",
            "",
            "\t\xa0",
            "\tXây dựng chương trình chuyên biệt",
            "\tVTV, VOV, TTXVN, các địa phương",
            "\tBộ Khoa học và Công nghệ",
            "\tChương trình",
            "\tThường xuyên",
            "\t03-TB/BCĐTW ngày 06/3/2025",
            "",
            "VI. TỔ CHỨC THỰC HIỆN",
        ]
    )
    (task,) = parse_plan_2025(text)
    assert task.origin == "003:III:1"
    assert task.task_group == "Nâng cao nhận thức"
    assert task.source_document == "Thông báo số 03-TB/BCĐTW ngày 06/3/2025"
    assert task.assigned_date == date(2025, 3, 6)
    assert task.deadline == "Thường xuyên"


def test_nq71_rows_that_lost_their_breaks_are_split_again() -> None:
    rows = [
        ["V", "Thúc đẩy chuyển đổi số (Nhóm nhiệm vụ 73–106)"],
        ["83", "Thúc đẩy chính phủ số", "Cổng DVCQG nâng cấp", "Phát triển xã hội số", "Y tế số"],
        ["106", "Phát triển định danh", "VNeID", "Doanh nghiệp (Nhóm nhiệm vụ 107–128)", ""],
        ["107", "Hỗ trợ doanh nghiệp", "SMEdx"],
        ["(164–172)", "(Các nhiệm vụ 164–172 …)", "(Xem Mục V)"],
    ]
    items = [(numeral, stt, name) for numeral, stt, _, name, _ in _nq71_items(rows)]
    assert items == [
        ("V", 83, "Thúc đẩy chính phủ số"),
        ("V", 84, "Phát triển xã hội số"),
        ("V", 106, "Phát triển định danh"),
        ("VI", 107, "Hỗ trợ doanh nghiệp"),
    ]


@pytest.mark.parametrize(
    ("result", "lead"),
    [
        ("Bộ GD&ĐT đã phối hợp Bộ KHCN ra mắt Nền tảng", "Bộ Giáo dục và Đào tạo"),
        ("Bộ NN&PTNT triển khai 200 mô hình", "Bộ Nông nghiệp và Môi trường"),
        ("Đến 2025, 41/63 tỉnh, thành đã triển khai", None),
    ],
)
def test_nq71_lead_is_the_first_ministry_named(
    directory: AgencyDirectory, result: str, lead: str | None
) -> None:
    assert infer_nq71_lead(result, directory, date(2025, 4, 1)) == lead


def _task(lead: str, coord: str) -> SeedTask:
    return SeedTask(
        "003:IV:1",
        "Thông báo số 12-TB/TGV ngày 14/4/2025",
        date(2025, 4, 14),
        "",
        "Nhiệm vụ",
        lead,
        coord,
        "",
        "2025",
        "12-TB/TGV ngày 14/4/2025",
    )


def test_non_reporting_units_are_dropped_and_noted(directory: AgencyDirectory) -> None:
    task = resolve_agency_cells(
        _task("Ban Cơ yếu Chính phủ", "Bộ Khoa học và Công nghệ cùng 7 tập đoàn, doanh nghiệp"),
        directory,
    )
    # "Ban Cơ yếu Chính phủ" resolves through its explicit alias to the defence ministry.
    assert task.lead_agencies == "Ban Cơ yếu Chính phủ"
    assert task.coordinating_agencies == "Bộ Khoa học và Công nghệ"
    assert "cùng 7 tập đoàn" in task.note


def test_resolvable_cells_are_kept_as_written(directory: AgencyDirectory) -> None:
    task = _task("Bộ Nội vụ, \nBộ Giáo dục và Đào tạo", "Các bộ, ngành, địa phương")
    assert resolve_agency_cells(task, directory) == task


@pytest.mark.parametrize(
    ("title", "prefix", "sheet"),
    [
        ("Thông báo số 03-TB/BCĐTW ngày 06/3/2025", "TB03", "03-TB-BCĐTW"),
        ("Thông báo số 08-TB/TGV ngày 01/4/2025", "TGV08", "08-TB-TGV"),
        ("Nghị quyết số 71/NQ-CP ngày 01/4/2025", "NQ71", "71-NQ-CP"),
        ("Quyết định số 2618/QĐ-BKHCN ngày 11/9/2025", "QD2618", "2618-QĐ-BKHCN"),
        ("Kế hoạch hoạt động năm 2025 của Ban Chỉ đạo của Chính phủ", "KH2025", "KH 2025 BCĐCP"),
    ],
)
def test_documents_get_ascii_prefixes_and_valid_sheet_names(
    title: str, prefix: str, sheet: str
) -> None:
    document = document_for(title, date(2025, 4, 15))
    assert (document.prefix, document.sheet) == (prefix, sheet)

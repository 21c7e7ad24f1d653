from datetime import date

import pytest

from dagster_project.lib.text.deadlines import Deadline, parse_deadline
from dagster_project.lib.text.values import ValueParseError

# Real strings from the seed documents (001, 003, 004); plan year 2025 for file 003's plan.
DUE_DATES = [
    ("Tháng 9/2025", None, date(2025, 9, 30)),
    ("Tháng 12/2025", None, date(2025, 12, 31)),
    ("7/2025", None, date(2025, 7, 31)),
    ("15/7/2025", None, date(2025, 7, 15)),
    ("30/09/2025", None, date(2025, 9, 30)),
    ("Quý II", 2025, date(2025, 6, 30)),
    ("Quý IV", 2025, date(2025, 12, 31)),
    ("Quý I", 2026, date(2026, 3, 31)),
    ("Quý 3", 2025, date(2025, 9, 30)),
    ("Quý III/2025", None, date(2025, 9, 30)),
    ("Quý III/2025", 2024, date(2025, 9, 30)),
    ("quý II/2026", None, date(2026, 6, 30)),
    ("quý 2/2026", None, date(2026, 6, 30)),
    ("2025", None, date(2025, 12, 31)),
    ("trước ngày 01/5/2026", None, date(2026, 4, 30)),
    ("trước ngày 15/6/2025", None, date(2025, 6, 14)),
    ("chậm nhất trong tháng 3/2026", None, date(2026, 3, 31)),
    ("Hoàn thành trong tháng 4/2026", None, date(2026, 4, 30)),
    ("Hoàn thành trong quý II/2026", None, date(2026, 6, 30)),
    ("Tháng 12/2025 và năm 2026", None, date(2026, 12, 31)),
    ("THÁNG 9/2025", None, date(2025, 9, 30)),
    ("Thang 2/2028", None, date(2028, 2, 29)),
    ("tháng 6 năm 2026", None, date(2026, 6, 30)),
    ("ngày 15 tháng 7 năm 2025", None, date(2025, 7, 15)),
]


@pytest.mark.parametrize(("text", "plan_year", "due"), DUE_DATES)
def test_due_dates(text, plan_year, due):
    assert parse_deadline(text, plan_year) == Deadline(text, due, None)


RECURRING = [
    ("Hằng tháng", "monthly"),
    ("Hàng tháng", "monthly"),
    ("Hàng tuần", "weekly"),
    ("Hằng năm", "yearly"),
    ("hằng năm", "yearly"),
    ("Hàng năm", "yearly"),
    ("Thường xuyên", "continuous"),
    ("Thực hiện thường xuyên", "continuous"),
    ("Nhiệm vụ thường xuyên", "continuous"),
    ("2025 và những năm tiếp theo", "yearly"),
    ("Hoàn thành theo lộ trình", "roadmap"),
    ("Tháng 9/2025 xong thí điểm; phát triển 2025 và những năm tiếp theo", "yearly"),
    ("HẰNG THÁNG", "monthly"),
]


@pytest.mark.parametrize(("text", "recurrence"), RECURRING)
def test_recurrences(text, recurrence):
    assert parse_deadline(text) == Deadline(text, None, recurrence)


def test_original_text_is_normalised_not_rewritten():
    import unicodedata

    raw = unicodedata.normalize("NFD", "  Tháng\u00a09/2025 ")
    result = parse_deadline(raw)
    assert result.original == "Tháng 9/2025"
    assert result.due_date == date(2025, 9, 30)


def test_date_cell_is_a_fixed_due_date():
    assert parse_deadline(date(2025, 7, 15)).due_date == date(2025, 7, 15)


def test_quarter_without_year_needs_plan_year():
    with pytest.raises(ValueParseError) as info:
        parse_deadline("Quý II")
    assert info.value.rule == "quarter_without_year"


@pytest.mark.parametrize("text", ["", "   ", "\u00a0", None])
def test_missing(text):
    with pytest.raises(ValueParseError) as info:
        parse_deadline(text)
    assert info.value.rule == "deadline_missing"


@pytest.mark.parametrize(
    "text",
    [
        "Trước ngày 25",
        "31/02/2025",
        "Tháng 13/2025",
        "Quý V/2025",
        "Báo cáo kết quả năm 2025",
        "Trình Quốc hội tại Kỳ họp thứ 10",
        "15/7/25",
        "sớm",
    ],
)
def test_unparseable(text):
    with pytest.raises(ValueParseError) as info:
        parse_deadline(text, 2025)
    assert info.value.rule == "deadline_unparseable"
    assert text in info.value.message_vi
    assert text in info.value.message_en

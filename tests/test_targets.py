"""Indicator targets and actuals as the resolutions write them, read into exact parts.

The targets are the 52 rows of seed 004's indicator table, read from the seed itself, so a
change to the parser that misreads any real target fails here with that target's id.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from dagster_project.lib.text.targets import Target, parse_actual, parse_targets, parse_value_period
from dagster_project.lib.text.values import ValueParseError
from demo.indicators import SEED_INDICATORS
from scripts.seeds.seed_tables import nfc, split_rows

# A copy of seed 004 (indicator table, then the Resolution 71 task list), as the office sent it.
SEED_004 = Path(__file__).parent / "fixtures" / "data" / "004_chi_tieu_va_nhiem_vu_nq71.txt"
ID_PATTERN = re.compile(r"\d+(\.\d+)*")
YEAR_PREFIX = re.compile(r"^\(Đến năm \d{4}\)\s*")


def _seed_indicator_rows() -> list[tuple[str, str]]:
    """``(STT, "Nội dung chỉ tiêu")`` of the first table of seed 004, as the seed writes it.

    The table runs from the top of the file to the second table's "STT" header; its rows
    are the ones numbered like the resolutions (1, 11.3, 23.4).
    """
    lines = nfc(SEED_004.read_text(encoding="utf-8")).split("\n")
    end = next(i for i, line in enumerate(lines) if i > 0 and line.strip() == "STT")
    return [(cells[0], cells[1]) for cells in split_rows(lines[:end])
            if ID_PATTERN.fullmatch(cells[0])]


SEED_ROWS = _seed_indicator_rows()


def _target_text(content: str) -> str:
    """The target after the last ": "; a leading "(Đến năm 2045)" belongs to the target."""
    name, _, target = content.rpartition(": ")
    year = YEAR_PREFIX.match(name)
    return f"{year.group(0)}{target}" if year else target


# Targets with no figure at all: only a manual status override can rate them.
QUALITATIVE = {"1", "2", "3"}

# (comparator, value, value_high, unit, scope, qualifier, target_year) per target part.
P = tuple[str, float, float | None, str, str | None, str | None, int]
EXPECTED: dict[str, list[P]] = {
    "4": [("rank_top", 3, None, "rank", "Đông Nam Á", None, 2030),
          ("rank_top", 50, None, "rank", "thế giới", None, 2030)],
    "5": [("rank_top", 3, None, "rank", "Đông Nam Á", None, 2030),
          ("rank_top", 50, None, "rank", "thế giới", None, 2030)],
    "6": [("rank_top", 3, None, "rank", "Đông Nam Á", None, 2030)],
    "7": [(">=", 5, None, "doanh nghiệp", None, None, 2030)],
    "8": [(">=", 55, None, "%", None, None, 2030)],
    "9": [(">=", 50, None, "%", None, None, 2030)],
    "10": [(">=", 30, None, "%", None, None, 2030)],
    "11.1": [(">=", 80, None, "%", None, None, 2030)],
    "11.2": [("=", 90, None, "%", None, None, 2030)],
    "11.3": [("=", 100, None, "%", None, None, 2030)],
    "11.4": [("=", 100, None, "%", None, None, 2030)],
    "11.5": [("=", 80, None, "%", None, None, 2030)],
    "11.6": [("=", 80, None, "%", None, None, 2030)],
    "11.7": [("=", 100, None, "%", None, None, 2030)],
    "11.8": [("=", 100, None, "%", None, None, 2030)],
    "11.9": [("=", 100, None, "%", None, None, 2030)],
    "12": [(">=", 80, None, "%", None, None, 2030)],
    "13": [(">=", 40, None, "%", None, None, 2030)],
    "14": [(">", 0.7, None, "index", None, "HDI", 2030)],
    "15": [("=", 2, None, "%", None, "GDP", 2030)],
    "16": [(">", 60, None, "%", None, None, 2030)],
    "17": [(">=", 3, None, "%", None, "tổng chi NSNN; và tăng dần", 2030)],
    "18": [("=", 12, None, "người/1 vạn dân", None, None, 2030)],
    "19": [("between", 40, 50, "tổ chức", None, None, 2030)],
    "20": [("=", 10, None, "%/năm", None, None, 2030)],
    "21": [("between", 16, 18, "%/năm", None, None, 2030)],
    "22": [("between", 8, 10, "%", None, None, 2030)],
    "23.1": [("=", 100, None, "%", None, None, 2030)],
    "23.2": [("=", 9, None, "tuyến", None, None, 2030)],
    "23.3": [(">=", 350, None, "Tbps", None, None, 2030)],
    "23.4": [("=", 99, None, "%", None, "dân số", 2030)],
    "24": [(">=", 6, None, "đô thị", None, None, 2030)],
    "25": [(">=", 3, None, "đơn vị", None, None, 2030)],
    "26": [("=", 100, None, "%", None, None, 2030)],
    "27": [("=", 100, None, "%", None, None, 2030)],
    "28": [("=", 5, None, "sàn dữ liệu", None, None, 2030)],
    "29": [(">=", 3, None, "trung tâm", None, None, 2030)],
    "30": [(">=", 95, None, "%", None, None, 2030)],
    "31": [(">=", 70, None, "%", None, None, 2030)],
    "32": [(">=", 95, None, "%", None, None, 2030)],
    "33": [("<=", 10, None, "rank", "toàn cầu", None, 2030)],
    "34": [("=", 1, None, "cơ sở", None, None, 2030)],
    "35": [("=", 50, None, "%", None, None, 2030)],
    "36": [(">=", 50, None, "%", None, "GDP", 2045)],
    "37": [("rank_top", 30, None, "rank", "thế giới", None, 2030)],
    "38": [("=", 1, None, "doanh nghiệp/1.000 dân", None, None, 2030)],
    "39": [(">=", 10, None, "doanh nghiệp", None, None, 2030)],
    "40": [(">=", 5, None, "đơn vị", None, None, 2030)],
    "41": [("between", 20, 50, "%", None, "mức độ làm chủ", 2030)],
}


def _parts(targets: list[Target]) -> list[P]:
    return [(t.comparator, t.value, t.value_high, t.unit, t.scope, t.qualifier, t.target_year)
            for t in targets]


def test_the_seed_table_has_52_indicators_each_expected_or_qualitative() -> None:
    ids = [indicator_id for indicator_id, _ in SEED_ROWS]
    assert len(ids) == 52
    assert ids[:3] == ["1", "2", "3"] and "11.3" in ids and "23.4" in ids and ids[-1] == "41"
    assert set(ids) == set(EXPECTED) | QUALITATIVE
    assert not set(EXPECTED) & QUALITATIVE


def test_the_demo_register_copies_the_seed_word_for_word() -> None:
    assert list(SEED_INDICATORS) == SEED_ROWS


@pytest.mark.parametrize(("indicator_id", "content"), SEED_ROWS,
                         ids=[row[0] for row in SEED_ROWS])
def test_every_seed_target_parses_or_is_qualitative_by_design(indicator_id: str,
                                                              content: str) -> None:
    text = _target_text(content)
    if indicator_id in QUALITATIVE:
        with pytest.raises(ValueParseError) as raised:
            parse_targets(text, 2030)
        assert raised.value.rule == "target_qualitative"
        return
    targets = parse_targets(text, 2030)
    assert _parts(targets) == EXPECTED[indicator_id]
    assert [t.part for t in targets] == list(range(1, len(targets) + 1))
    assert {t.original for t in targets} == {text.rstrip(".")}


def test_a_year_in_the_text_wins_over_the_register_year() -> None:
    (target,) = parse_targets("(Đến năm 2045) ≥ 50% GDP.", 2030)
    assert (target.target_year, target.comparator, target.value, target.unit) == (
        2045, ">=", 50, "%")


def test_ranks_and_upper_bounds_improve_downwards() -> None:
    assert parse_targets("≤ 10 (toàn cầu)", 2030)[0].lower_is_better
    assert parse_targets("top 3 Đông Nam Á", 2030)[0].lower_is_better
    assert not parse_targets("≥ 40%", 2030)[0].lower_is_better


@pytest.mark.parametrize(("text", "year", "rule"), [
    ("", 2030, "target_missing"),
    ("≥ 40%", None, "target_year_missing"),
    ("≥ 40", 2030, "target_unit_missing"),
    ("top 3 sao Hỏa", 2030, "target_scope_unknown"),
    ("50–40 tổ chức", 2030, "target_unparseable"),
    ("khoảng chừng 40%", 2030, "target_unparseable"),
])
def test_targets_that_cannot_be_read_without_guessing_are_refused(text: str, year: int | None,
                                                                  rule: str) -> None:
    with pytest.raises(ValueParseError) as raised:
        parse_targets(text, year)
    assert raised.value.rule == rule
    assert raised.value.message_vi and raised.value.message_en


# --------------------------------------------------------------------------------------------
# Actuals


def test_a_rate_with_its_counts_keeps_both() -> None:
    actual = parse_actual("52,57% (144.857/275.571 hồ sơ)")
    assert actual is not None
    assert (actual.value, actual.unit, actual.numerator, actual.denominator) == (
        52.57, "%", 144857, 275571)
    assert not actual.approximate


@pytest.mark.parametrize("text", ["60% (144.857/275.571 hồ sơ)", "52,5% (144.857/275.571 hồ sơ)"])
def test_a_rate_that_contradicts_its_counts_is_rejected(text: str) -> None:
    with pytest.raises(ValueParseError) as raised:
        parse_actual(text)
    assert raised.value.rule == "actual_ratio_mismatch"
    assert "144,857/275,571" in raised.value.message_en


@pytest.mark.parametrize("text", ["Chưa có số liệu", "chưa có số liệu.",
                                  "Chưa có số liệu trực tiếp trong báo cáo Đề án 06."])
def test_no_data_is_none_not_zero(text: str) -> None:
    assert parse_actual(text) is None
    zero = parse_actual("0%")
    assert zero is not None and zero.value == 0


def test_a_rank_keeps_how_many_were_ranked() -> None:
    actual = parse_actual("hạng 44/132")
    assert actual is not None
    assert (actual.value, actual.unit, actual.denominator, actual.scope) == (44, "rank", 132, None)
    world = parse_actual("thứ 16 toàn cầu")
    assert world is not None and (world.value, world.unit, world.scope) == (16, "rank", "toàn cầu")


@pytest.mark.parametrize(("text", "value", "unit", "approximate"), [
    ("86,97%", 86.97, "%", False),
    ("~18% GDP", 18, "%", True),
    ("HDI 0,766", 0.766, "index", False),
    ("0,77 doanh nghiệp/1.000 dân", 0.77, "doanh nghiệp/1.000 dân", False),
    ("Đạt 3% tổng chi ngân sách nhà nước năm 2025", 3, "%", False),
])
def test_figures_in_their_units(text: str, value: float, unit: str, approximate: bool) -> None:
    actual = parse_actual(text)
    assert actual is not None
    assert (actual.value, actual.unit, actual.approximate) == (value, unit, approximate)


@pytest.mark.parametrize(("text", "rule"), [
    ("Khối bộ 52,45%, khối tỉnh 15,79%", "actual_ambiguous"),
    ("", "actual_missing"),
    ("đang tổng hợp", "actual_unparseable"),
])
def test_actuals_that_cannot_be_read_are_refused(text: str, rule: str) -> None:
    with pytest.raises(ValueParseError) as raised:
        parse_actual(text)
    assert raised.value.rule == rule


@pytest.mark.parametrize(("text", "grain", "start", "end", "label"), [
    ("8/2025", "month", date(2025, 8, 1), date(2025, 8, 31), "2025-08"),
    ("Tháng 2/2024", "month", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
    ("Quý III/2025", "quarter", date(2025, 7, 1), date(2025, 9, 30), "2025-Q3"),
    ("2024", "year", date(2024, 1, 1), date(2024, 12, 31), "2024"),
    (date(2025, 8, 1), "month", date(2025, 8, 1), date(2025, 8, 31), "2025-08"),
])
def test_periods(text: object, grain: str, start: date, end: date, label: str) -> None:
    period = parse_value_period(text)
    assert (period.grain, period.start, period.end, period.label) == (grain, start, end, label)


def test_a_date_is_not_a_period() -> None:
    with pytest.raises(ValueParseError) as raised:
        parse_value_period("1/8/2025")
    assert raised.value.rule == "period_unparseable"

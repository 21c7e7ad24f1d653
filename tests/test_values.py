from datetime import date, datetime

import pytest

from dagster_project.lib.text.values import (
    ValueParseError,
    excel_serial_to_date,
    parse_date,
    parse_month,
    parse_number,
    parse_percent,
    parse_ratio,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15/7/2025", date(2025, 7, 15)),
        ("30/09/2025", date(2025, 9, 30)),
        ("01/5/2026", date(2026, 5, 1)),
        ("2025-07-15", date(2025, 7, 15)),
        ("ngày 15/7/2025", date(2025, 7, 15)),
        ("đến 23/9/2025", date(2025, 9, 23)),
        ("Hà Nội, ngày 16 tháng 3 năm 2026", date(2026, 3, 16)),
        ("15.7.2025", date(2025, 7, 15)),
        (date(2026, 6, 30), date(2026, 6, 30)),
        (datetime(2026, 6, 17, 8, 30), date(2026, 6, 17)),
        (45853, date(2025, 7, 15)),
        (45853.75, date(2025, 7, 15)),
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (2958465, date(9999, 12, 31)),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


def test_day_first_always():
    assert parse_date("01/05/2026") == date(2026, 5, 1)
    assert parse_date("5/1/2026") == date(2026, 1, 5)


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("31/02/2025", "date_invalid"),
        ("15/13/2025", "date_invalid"),
        ("15/7/25", "date_unparseable"),
        ("Quý II", "date_unparseable"),
        ("15/7/2025 - 30/7/2025", "date_ambiguous"),
        ("", "date_missing"),
        (None, "date_missing"),
        (float("nan"), "date_missing"),
        (0, "date_serial_out_of_range"),
        (60, "date_serial_out_of_range"),
        (2958466, "date_serial_out_of_range"),
        (True, "date_unparseable"),
    ],
)
def test_parse_date_rejects(raw, rule):
    with pytest.raises(ValueParseError) as info:
        parse_date(raw)
    assert info.value.rule == rule
    assert info.value.message_vi and info.value.message_en


def test_value_parse_error_is_value_error_and_picklable():
    import pickle

    error = ValueParseError("r", "vi", "en")
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.rule, copy.message_vi, copy.message_en) == ("r", "vi", "en")


def test_excel_serial_matches_excel():
    assert excel_serial_to_date(46202) == date(2026, 6, 29)


@pytest.mark.parametrize(
    "raw",
    ["6/2026", "06/2026", "Tháng 6/2026", "tháng 06 / 2026", "2026-06", "tháng 6 năm 2026",
     "THÁNG 6/2026", date(2026, 6, 17), datetime(2026, 6, 30, 23, 59)],
)
def test_parse_month(raw):
    assert parse_month(raw) == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("13/2026", "month_invalid"),
        ("15/6/2026", "month_unparseable"),
        ("6/2026 và 7/2026", "month_unparseable"),
        ("Quý II/2026", "month_unparseable"),
        ("", "month_missing"),
        (6, "month_unparseable"),
    ],
)
def test_parse_month_rejects(raw, rule):
    with pytest.raises(ValueParseError) as info:
        parse_month(raw)
    assert info.value.rule == rule


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.245", 1245.0),
        ("1.469", 1469.0),
        ("84,8", 84.8),
        ("103,43", 103.43),
        ("1.245.000", 1245000.0),
        ("1.597.570", 1597570.0),
        ("84,8%", 84.8),
        ("23,35 %", 23.35),
        ("41,058", 41.058),
        ("7.583", 7583.0),
        ("1.245,5", 1245.5),
        ("1 245 000", 1245000.0),
        ("-12,5", -12.5),
        ("0", 0.0),
        ("103,43 nghìn tỷ", 1.0343e14),
        ("103,43 nghìn tỷ đồng", 1.0343e14),
        ("7.583 tỷ đồng", 7.583e12),
        ("76,5 tỷ", 76.5e9),
        ("2 triệu", 2e6),
        ("12 nghìn", 12e3),
        (1245, 1245.0),
        (84.8, 84.8),
    ],
)
def test_parse_number(raw, expected):
    assert parse_number(raw) == pytest.approx(expected, rel=1e-15)


def test_scaled_number_is_exact():
    assert parse_number("103,43 nghìn tỷ") == 103_430_000_000_000.0


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("1.5", "number_unparseable"),
        ("1,245,000", "number_unparseable"),
        ("1.24.5", "number_unparseable"),
        ("Chưa có số liệu", "number_unparseable"),
        ("~150", "number_unparseable"),
        ("12 người", "number_unparseable"),
        ("", "number_missing"),
        (None, "number_missing"),
        (float("nan"), "number_missing"),
        (True, "number_unparseable"),
        (float("inf"), "number_unparseable"),
    ],
)
def test_parse_number_rejects(raw, rule):
    with pytest.raises(ValueParseError) as info:
        parse_number(raw)
    assert info.value.rule == rule


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("84,8%", 0.848), ("52,57%", 0.5257), ("100%", 1.0), ("3,8 %", 0.038), (0.848, 0.848)],
)
def test_parse_percent(raw, expected):
    assert parse_percent(raw) == pytest.approx(expected, rel=1e-15)


def test_parse_percent_requires_sign_on_text():
    with pytest.raises(ValueParseError) as info:
        parse_percent("84,8")
    assert info.value.rule == "percent_sign_missing"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.245/1.469", (1245.0, 1469.0)),
        ("1.009/1.071", (1009.0, 1071.0)),
        ("144.857/275.571", (144857.0, 275571.0)),
        ("(144.857/275.571 hồ sơ)", (144857.0, 275571.0)),
        ("76,5/622,5", (76.5, 622.5)),
        (" 8 / 12 ", (8.0, 12.0)),
    ],
)
def test_parse_ratio(raw, expected):
    assert parse_ratio(raw) == expected


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("15/7/2025", "ratio_unparseable"),
        ("12 người/1 vạn dân", "ratio_unparseable"),
        ("1.245", "ratio_unparseable"),
        ("", "ratio_missing"),
    ],
)
def test_parse_ratio_rejects(raw, rule):
    with pytest.raises(ValueParseError) as info:
        parse_ratio(raw)
    assert info.value.rule == rule

"""Vietnamese formatting helpers, checked against strings written in the seed documents."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from dagster_project.lib.reference.periods import parse_period, previous_period
from dagster_project.lib.text.vnformat import (
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_period,
    fmt_pp_change,
    fmt_signed_int,
    vi_sort_key,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1245, "1.245"),
        (1937, "1.937"),
        (468, "468"),
        (0, "0"),
        (999, "999"),
        (1000, "1.000"),
        (1597570, "1.597.570"),  # file 004: 1.597.570/2.457.423 hồ sơ
        (-1245, "-1.245"),
        (None, "–"),
        (12.5, "13"),  # half-up, not banker's rounding
    ],
)
def test_fmt_int(value, expected):
    assert fmt_int(value) == expected


@pytest.mark.parametrize(
    ("ratio", "digits", "expected"),
    [
        (0.848, 1, "84,8%"),
        (1245 / 1469, 1, "84,8%"),  # file 002: 1.245/1.469 (đạt 84,8%)
        (168 / 1469, 1, "11,4%"),
        (56 / 1469, 1, "3,8%"),
        (1009 / 1071, 1, "94,2%"),  # file 002: 1.009/1.071 (94,2%)
        (0.2335, 2, "23,35%"),
        (0.5257, 2, "52,57%"),
        (0.0125, 1, "1,3%"),  # half-up on the written decimal
        (1, 0, "100%"),
        (0, 1, "0,0%"),
        (Decimal("0.4071"), 2, "40,71%"),
        (None, 1, "–"),
    ],
)
def test_fmt_pct(ratio, digits, expected):
    assert fmt_pct(ratio, digits=digits) == expected


def test_fmt_number_decimals():
    assert fmt_number(103.43, 2) == "103,43"  # "103,43 nghìn tỷ đồng"
    assert fmt_number(41.058, 3) == "41,058"
    assert fmt_number(24616.0, 0) == "24.616"
    assert fmt_number(-0.04, 1) == "0,0"  # no negative zero
    with pytest.raises(TypeError):
        fmt_number(True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 6, 29), "29/6/2026"),
        (date(2026, 5, 1), "1/5/2026"),
        (date(2025, 9, 30), "30/9/2025"),
        (date(2026, 12, 31), "31/12/2026"),
        (None, "–"),
    ],
)
def test_fmt_date(value, expected):
    assert fmt_date(value) == expected


def test_fmt_datetime():
    assert fmt_datetime(datetime(2026, 6, 30, 9, 5)) == "09:05 ngày 30/6/2026"
    aware = datetime(2026, 6, 30, 14, 5, tzinfo=timezone(timedelta(hours=7)))
    assert fmt_datetime(aware) == "14:05 ngày 30/6/2026 (UTC+07:00)"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("2026-Q1", "Quý I/2026"),
        ("2026-Q2", "Quý II/2026"),
        ("2025-Q3", "Quý III/2025"),
        ("2025-Q4", "Quý IV/2025"),
    ],
)
def test_fmt_period(key, expected):
    assert fmt_period(key) == expected


@pytest.mark.parametrize("key", ["2026Q2", "2026-Q5", "2026-q2", "Quý II/2026", "", "26-Q2"])
def test_bad_period_key(key):
    with pytest.raises(ValueError, match="period key"):
        parse_period(key)


def test_previous_period():
    assert previous_period("2026-Q2") == "2026-Q1"
    assert previous_period("2026-Q1") == "2025-Q4"


def test_signed_changes():
    assert fmt_signed_int(45) == "+45"
    assert fmt_signed_int(-1245) == "-1.245"
    assert fmt_signed_int(0) == "0"
    assert fmt_signed_int(None) == "–"
    assert fmt_pp_change(1245 / 1469 - 1120 / 1390) == "+4,2 điểm %"
    assert fmt_pp_change(-0.013) == "-1,3 điểm %"
    assert fmt_pp_change(0.0) == "0,0 điểm %"
    assert fmt_pp_change(None) == "–"


def test_vi_sort_key_orders_the_vietnamese_alphabet():
    names = ["Yên Bái", "Đà Nẵng", "Điện Biên", "An Giang", "Bắc Ninh", "Bạc Liêu", "Cà Mau"]
    assert sorted(names, key=vi_sort_key) == [
        "An Giang",
        "Bạc Liêu",
        "Bắc Ninh",
        "Cà Mau",
        "Đà Nẵng",
        "Điện Biên",
        "Yên Bái",
    ]


def test_vi_sort_key_ignores_normalisation_form():
    name = "Bộ Khoa học và Công nghệ"
    nfd = unicodedata.normalize("NFD", name)
    assert vi_sort_key(nfd) == vi_sort_key(name)

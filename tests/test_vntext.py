import math
import unicodedata

import pytest

from dagster_project.lib.vntext import fold_diacritics, is_blank, match_key, normalize_text

MINISTRY = "Bộ Khoa học và Công nghệ"


def test_nfd_comes_back_byte_identical_to_nfc():
    nfd = unicodedata.normalize("NFD", MINISTRY)
    assert nfd != MINISTRY
    assert normalize_text(nfd).encode("utf-8") == MINISTRY.encode("utf-8")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Bộ\u00a0Tài   chính\t ", "Bộ Tài chính"),
        ("Bộ\u202fNội vụ", "Bộ Nội vụ"),
        ("Bộ\u200b Y\u200d tế\ufeff", "Bộ Y tế"),
        ("Bộ Nội vụ,\r\n\r\n  Bộ Giáo dục và Đào tạo  \n", "Bộ Nội vụ,\nBộ Giáo dục và Đào tạo"),
        ("\n\n \u00a0\n", ""),
        ("a\rb", "a\nb"),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["Bộ KH&CN", "Bộ KHCN", "BỘ KH & CN", "bo kh-cn", unicodedata.normalize("NFD", "Bộ KH&CN")],
)
def test_match_key_collapses_spellings(raw):
    assert match_key(raw) == "bokhcn"


def test_match_key_handles_d_with_stroke_and_missing_diacritics():
    assert match_key("Bộ Giáo dục và Đào tạo") == match_key("Bo Giao duc va Dao tao")
    assert match_key("ĐHQG Hà Nội") == "dhqghanoi"
    assert match_key("Bộ Khoa học và Công nghệ") == match_key("BỘ KHOA HỌC VÀ CÔNG NGHỆ")


def test_fold_diacritics_keeps_separators():
    assert fold_diacritics("Tháng 06 / 2026") == "thang 06 / 2026"
    assert fold_diacritics("Hằng năm; Đ") == "hang nam; d"


@pytest.mark.parametrize("value", [None, float("nan"), "", "   ", "\u00a0\n\t", "\u200b"])
def test_is_blank_true(value):
    assert is_blank(value)


@pytest.mark.parametrize("value", [0, 0.0, False, "0", "-", "x", math.inf])
def test_is_blank_false(value):
    assert not is_blank(value)


def test_is_blank_pandas_missing_values():
    pd = pytest.importorskip("pandas")
    assert is_blank(pd.NA)
    assert is_blank(pd.NaT)

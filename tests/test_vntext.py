import math
import unicodedata

import pytest

from dagster_project.lib.text.vntext import fold_diacritics, is_blank, match_key, normalize_text

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


# --- legacy encodings --------------------------------------------------------------------
TCVN3_CELLS = ["B¸o c¸o tiÕn ®é thùc hiÖn nhiÖm vô", "Bé Khoa häc vµ C«ng nghÖ", "§· hoµn thµnh"]
VNI_CELLS = ["Boä Khoa hoïc vaø Coâng ngheä", "Ñaõ hoaøn thaønh", "Ñang thöïc hieän"]


def test_tcvn3_and_vni_are_detected_and_converted() -> None:
    from dagster_project.lib.text.vntext import convert_legacy, detect_legacy_encoding

    assert detect_legacy_encoding(TCVN3_CELLS) == "tcvn3"
    assert convert_legacy("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3") == \
        "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert detect_legacy_encoding(VNI_CELLS) == "vni"
    assert convert_legacy(VNI_CELLS[0], "vni") == "Bộ Khoa học và Công nghệ"


def test_unicode_text_is_never_taken_for_a_legacy_encoding() -> None:
    from dagster_project.lib.text.vntext import detect_legacy_encoding, legacy_candidate

    # Cells with Unicode-only letters are not even candidates; the Latin-1-only Unicode words
    # that remain ("Cà Mau", "Tháng") must not read as TCVN3 together.
    assert not legacy_candidate("Bộ Khoa học và Công nghệ")
    assert not legacy_candidate("TB20-0001")
    words = ["Cà Mau", "Lào Cai", "Tháng 6/2026", "Quý IV", "Thành phố Huế", "Chính phủ",
             "Hoàn thành", "Sáng kiến", "Kinh tế"]
    assert detect_legacy_encoding([w for w in words if legacy_candidate(w)]) is None


def test_a_short_unicode_sheet_is_no_evidence_of_a_legacy_encoding() -> None:
    from dagster_project.lib.text.vntext import detect_legacy_encoding, legacy_candidate

    # "Mã" alone reads as TCVN3 for "Mó" to a frequency detector; it holds only letters of
    # the Vietnamese alphabet, so it is no evidence.
    cells = ["Đơn vị", "Mã", "Vụ Kế hoạch - Tài chính", "Văn phòng Bộ", "25°C"]
    assert detect_legacy_encoding([c for c in cells if legacy_candidate(c)]) is None
    # One cell with TCVN3-only symbols is enough for the sheet; "Bé" is then converted too.
    assert detect_legacy_encoding(["Mã", "Bé", "Tµi chÝnh"]) == "tcvn3"

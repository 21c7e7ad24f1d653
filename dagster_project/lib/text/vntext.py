"""Vietnamese text normalisation and matching keys.

Agency spreadsheets mix NFC and NFD byte forms of the same word (file 003 spells "Bộ Khoa học
và Công nghệ" both ways), sprinkle non-breaking and zero-width spaces, and headings converted
from TCVN3 fonts lose their capitals. Everything that compares or groups Vietnamese text goes
through this module so that one ministry never becomes two rows.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

import viparse

__all__ = [
    "LEGACY_ENCODING_NAMES",
    "convert_legacy",
    "detect_legacy_encoding",
    "fold_diacritics",
    "is_blank",
    "legacy_candidate",
    "match_key",
    "normalize_text",
]

# Pre-Unicode Vietnamese encodings still found in older offices' files, as users know them.
LEGACY_ENCODING_NAMES = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI", "viscii": "VISCII"}
# The Latin-1 letters of the Vietnamese alphabet, the non-breaking space, and symbols common
# in Unicode documents (degrees, plus-minus, multiplication, division).
_VIETNAMESE_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ\xa0°±×÷")
# Letters that exist only in Unicode Vietnamese (ă â đ ơ ư, the precomposed tone letters) and
# the combining marks of NFD text: a cell holding one of them is already Unicode.
_UNICODE_VIETNAMESE = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0"
    "\u0300-\u036f\u1ea0-\u1ef9]")

# Spaces that Word/Excel put into Vietnamese documents: NBSP (U+00A0), the typographic spaces
# U+2000..U+200A, narrow NBSP (U+202F), medium math space (U+205F), ideographic space (U+3000).
_SPACE_LIKE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters that would split a key in two: zero-width space/joiners, word joiner,
# the byte-order mark left by some CSV exports, and the soft hyphen.
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HSPACE_RUN = re.compile(r"[ \t\f\v]+")
_NOT_KEY_CHAR = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def normalize_text(value: str) -> str:
    """Return ``value`` in one canonical form for storage and display.

    Cached: the same headings, title blocks and names recur in every file of an inbox, and
    normalising them again was the largest cost of telling which table a sheet holds.

    NFC composition makes NFD and NFC inputs byte-identical; odd spaces become plain spaces and
    invisible characters are removed; each line is stripped with inner runs of blanks collapsed
    to one space; blank lines are dropped but line breaks between non-empty lines are kept,
    because multi-line cells often list one agency or product per line.

    Args:
        value: Any text as read from a cell, CSV field or document.

    Returns:
        The normalised text, possibly empty.
    """
    # Invisible characters go before composing: "A\u200b\u0323" must become "Ạ", not stay
    # a decomposed "A\u0323" that no longer equals the same word typed without them.
    text = _INVISIBLE.sub("", value)
    text = unicodedata.normalize("NFC", text)
    text = _SPACE_LIKE.sub(" ", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x85", "\n")
    lines = (_HSPACE_RUN.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


@lru_cache(maxsize=65536)
def fold_diacritics(value: str) -> str:
    """Return ``value`` normalised, case-folded and stripped of Vietnamese diacritics.

    Unlike :func:`match_key` it keeps spaces, digits and punctuation, so parsers can still see
    word boundaries and separators ("tháng 06 / 2026" becomes "thang 06 / 2026"). It exists
    because TCVN3 headings lose capitals and some users type without diacritics.

    Args:
        value: Any text.

    Returns:
        Lower-case text with "đ" mapped to "d" and all combining marks removed.
    """
    text = normalize_text(value).casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    if len(stripped) == len(decomposed):
        return unicodedata.normalize("NFC", stripped)
    # A mark standing alone (stray NFD marks from converters, "Bộ \u0301 Tài chính") leaves
    # a blank line or a double space once removed: normalise again so the result stays in
    # normal form and folding it again changes nothing.
    return normalize_text(stripped)


@lru_cache(maxsize=65536)
def match_key(value: str) -> str:
    """Return the key used for case- and diacritic-insensitive matching.

    "Bộ KH&CN", "Bộ KHCN" and "BỘ KH & CN" all give "bokhcn": only ASCII letters and digits
    survive, so spacing, punctuation, case and accents never split one name into several.
    The result is cached because the same few hundred names recur in tens of thousands of cells.

    Args:
        value: Any text.

    Returns:
        A string of characters a-z and 0-9 only (empty when nothing is left).
    """
    return _NOT_KEY_CHAR.sub("", fold_diacritics(value))


def is_blank(value: object) -> bool:
    """Tell whether a cell value carries no information.

    Spreadsheet readers return missing cells as ``None``, float NaN, pandas ``NA``/``NaT`` or
    strings made only of (non-breaking) spaces; all of them mean "empty" to a reviewer.

    Args:
        value: A raw cell value of any type.

    Returns:
        True for None, NaN, NA/NaT, the empty string and whitespace-only strings.
    """
    if value is None:
        return True
    if isinstance(value, str):
        # Fast path: most cells start with a visible character (1.2 M calls per demo run).
        if value[:1].isalnum():
            return False
        return normalize_text(value) == ""
    # pandas.NA and pandas.NaT, recognised by type name so this module stays dependency-free.
    if type(value).__name__ in {"NAType", "NaTType"}:
        return True
    if isinstance(value, bool | int):
        return False
    if isinstance(value, Decimal):
        # Decimal("sNaN") is not a number either, but math.isnan refuses to look at it.
        return value.is_nan()
    try:
        # Covers float, numpy floating types and Decimal("NaN").
        return math.isnan(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return False


def legacy_candidate(value: str) -> bool:
    """Whether ``value`` could be legacy-encoded text: non-ASCII without Unicode-only letters.

    ASCII text reads the same in every encoding, and a cell with "ộ" or "ư" is Unicode already;
    only the rest ("Bé Khoa häc", "Boä Khoa hoïc") needs a decision.
    """
    return not value.isascii() and _UNICODE_VIETNAMESE.search(value) is None


def _legacy_evidence(value: str) -> bool:
    """Whether ``value`` holds a character no Unicode Vietnamese text uses as a letter.

    TCVN3 and VNI store Vietnamese letters as Latin-1 symbols and foreign letters ("µ", "¸",
    "®", "«", "ä", "ø", "Ñ"); Unicode Vietnamese uses only the Latin-1 letters of its own
    alphabet ("à", "ã", "é", "ô"). A cell like "Mã" is therefore no evidence either way.
    """
    return any("\x80" <= ch <= "\xff" and ch not in _VIETNAMESE_LATIN1 for ch in value)


def detect_legacy_encoding(texts: list[str]) -> str | None:
    """The legacy encoding the candidate cells of one sheet were typed in, or None.

    Detection runs over all evidence of a sheet at once, never cell by cell: a lone "Bé" is
    both a Unicode word and TCVN3 for "Bộ", and a lone "Mã" reads as TCVN3 for "Mó". Only
    cells with a character Unicode Vietnamese never uses count as evidence; without any,
    the sheet is Unicode (checked: the Unicode seed documents give no detection, TCVN3 and
    VNI samples do).

    Args:
        texts: Cell texts for which :func:`legacy_candidate` holds.

    Returns:
        "tcvn3", "vni" or "viscii", or None when the text reads as Unicode.
    """
    evidence = [text for text in texts if _legacy_evidence(text)]
    if not evidence:
        return None
    encoding = viparse.detect_text_encoding("\n".join(evidence))
    return encoding if encoding in LEGACY_ENCODING_NAMES else None


def convert_legacy(value: str, encoding: str) -> str:
    """``value`` converted from ``encoding`` (see :data:`LEGACY_ENCODING_NAMES`) to NFC Unicode."""
    return viparse.fix(value, encoding=encoding, normalize="NFC")

"""Read the tables that the seed documents carry as flattened text.

Files 003 and 004 are Word tables flattened to text: every cell starts on a line that
begins with a tab (sometimes after a stray space), a line without a tab continues the
previous cell, and a line that is exactly empty ends the row. A line holding only a tab is
an *empty cell*, not a row separator, so the two must not be confused. This module turns
such text into rows of cells and nothing more; deciding which rows are tasks is left to
:mod:`scripts.seeds.seed_tasks`, which knows each document's layout.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

# Roman numerals used for group rows ("I", "II.", "VIII").
ROMAN_RE = re.compile(r"^(?=[IVXLC])M{0,3}(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})\.?$")


def nfc(text: str) -> str:
    """NFC-normalise text, because file 003 mixes NFC and NFD spellings of the same word."""
    return unicodedata.normalize("NFC", text)


def clean_cell(text: str) -> str:
    """Trim a cell's surrounding whitespace, including the non-breaking spaces Word leaves.

    Inner line breaks are kept: multi-line cells are part of the documents' texture.
    """
    lines = [line.replace("\xa0", " ").rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def is_roman(text: str) -> bool:
    """Whether a cell is a Roman numeral, the marker of a group row."""
    return bool(text) and bool(ROMAN_RE.match(text.strip()))


def _starts_cell(line: str) -> bool:
    """A cell starts on a line that begins with a tab, possibly after stray spaces."""
    return line.lstrip(" ").startswith("\t")


def split_rows(lines: Iterable[str]) -> Iterator[list[str]]:
    """Group flattened table lines into rows of cleaned cells.

    Args:
        lines: Lines of one table (no trailing newlines), already NFC-normalised.

    Yields:
        One list of cells per row. Text before the first cell of a row (a heading line
        without a tab) is ignored, since headings are not part of the table.
    """
    cells: list[str] = []
    for line in lines:
        if line == "":
            if cells:
                yield [clean_cell(cell) for cell in cells]
            cells = []
        elif _starts_cell(line):
            cells.append(line.lstrip(" ")[1:])
        elif cells:
            cells[-1] += "\n" + line
    if cells:
        yield [clean_cell(cell) for cell in cells]

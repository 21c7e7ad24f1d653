"""Benchmark: classifying the demo's workbooks by header, against reading them bare.

Run with ``make bench``. Generates the demo inbox (or reads the folder given as the first
argument), then times, on the same files in the same run:

- the baseline: python-calamine reading every sheet, nothing else;
- nq57 reading the same sheets (:func:`~dagster_project.lib.ingest.workbook.read_sheets`);
- header detection: every contract tried at every candidate header row of every sheet.

Prints each time, the ratios to the baseline and, last, one JSON line. No timing is
asserted anywhere.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from python_calamine import CalamineWorkbook

from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.header import find_header
from dagster_project.lib.ingest.workbook import read_sheets

T = TypeVar("T")


def _bare_calamine(files: list[Path]) -> int:
    """Read every cell of every sheet with python-calamine alone; the number of sheets."""
    sheets = 0
    for path in files:
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            workbook.get_sheet_by_name(name).to_python()
            sheets += 1
    return sheets


def _timed(work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def measure(inbox: Path) -> dict[str, float]:
    """Time the three ways over every workbook under ``inbox``."""
    files = sorted(inbox.rglob("*.xlsx"))
    contracts = load_contracts().values()
    bare, sheet_count = _timed(lambda: _bare_calamine(files))
    read, sheets = _timed(lambda: [s for path in files for s in read_sheets(path)])
    classify, found = _timed(lambda: [find_header(s.rows, contracts) for s in sheets])
    recognised = sum(item is not None for item in found)
    print(f"{len(files)} workbooks, {sheet_count} sheets, {recognised} recognised")  # noqa: T201
    print(f"bare python-calamine:     {bare:6.2f} s")  # noqa: T201
    print(f"nq57 read_sheets:         {read:6.2f} s  ({read / bare:.2f}x)")  # noqa: T201
    print(f"header detection:         {classify:6.2f} s  ({classify / bare:.2f}x)")  # noqa: T201
    return {"files": len(files), "calamine_s": round(bare, 3), "read_s": round(read, 3),
            "header_s": round(classify, 3),
            "read_vs_calamine": round(read / bare, 2),
            "classify_vs_calamine": round((read + classify) / bare, 2)}


def main() -> None:
    """Measure on the given inbox, or on a freshly generated demo inbox."""
    if len(sys.argv) > 1:
        print(json.dumps(measure(Path(sys.argv[1]))))  # noqa: T201
        return
    from demo.generator import generate_demo_inbox

    with tempfile.TemporaryDirectory() as tmp:
        generate_demo_inbox(Path(tmp))
        print(json.dumps(measure(Path(tmp))))  # noqa: T201


if __name__ == "__main__":
    main()

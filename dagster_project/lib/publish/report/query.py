"""Reading the marts: rows as dicts, a release's Parquet files as a ``marts`` schema.

Every section module reads its figures through :func:`fetch`, from a DuckDB connection on
which ``marts.<table>`` can be read (an audited staging warehouse, or a release's Parquet
snapshot opened with :func:`open_release_marts`). Values come back raw (ratios 0..1, amounts
in tỷ đồng, None for missing); formatting belongs to the writers.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

Row = dict[str, Any]


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def fetch(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """Run a query and return its rows as dicts, strings NFC-normalised."""
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [{n: _nfc(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def open_release_marts(marts_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with a ``marts`` view over each Parquet file of a release."""
    con = duckdb.connect()
    con.execute("create schema marts")
    for parquet in sorted(marts_dir.glob("*.parquet")):
        con.execute(f"create view marts.{parquet.stem} as "
                    f"select * from read_parquet('{parquet.as_posix()}')")
    return con


def ratio(numerator: Any, base: Any) -> float | None:
    """``numerator / base`` as a float, None when there is no base (never a zero)."""
    return float(numerator) / float(base) if base else None

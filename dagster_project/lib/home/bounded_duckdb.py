"""DuckDB connections with bounded memory, for queries over national-scale files.

Left alone, DuckDB may take 80% of the machine's memory for one query: counting the distinct
dossier codes of 50 million rows reached 8.7 GB. With a limit it spills to disk instead, at
little cost in time (the same count took 43 s within 2 GB). Each connection spills into a
folder of its own, since gate suites may run in parallel processes over one warehouse.

A database file is attached to a fresh in-memory instance rather than opened: DuckDB refuses
a second connection to a file with a different configuration in one process, and the
scorecard holds its own connection to the warehouse while the quality annex runs suites.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

DUCKDB_MEMORY_LIMIT = "2GB"


@contextmanager
def bounded_connection(database: Path | None, *, spill_under: Path, read_only: bool = False,
                       **config: Any) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection (to ``database``, attached, when given) spilling under ``spill_under``."""
    spill_under.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="duckdb-spill-", dir=spill_under) as spill:
        con = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY_LIMIT,
                                     "temp_directory": spill, **config})
        try:
            if database is not None:
                mode = " (read_only)" if read_only else ""
                con.execute(f"attach '{_escaped(database)}' as warehouse{mode}")
                con.execute("use warehouse")
            yield con
        finally:
            con.close()


def _escaped(path: Path) -> str:
    return str(path).replace("'", "''")

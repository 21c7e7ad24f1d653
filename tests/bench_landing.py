"""Benchmark: landing Parquet through one shared DuckDB connection vs one per file.

Run with ``make bench``. Prints the time of each way on the same rows, measured in the same
run, and the ratio; no timing is asserted anywhere.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from dagster_project.lib.ingest.landing import TABLE_SCHEMAS, ParquetWriter, write_parquet

FILES = 300
ROWS_PER_FILE = 15


def _rows() -> list[dict]:
    return [{"task_code": f"TB20-{i:04d}", "status": "done", "reporting_month": date(2026, 6, 1),
             "as_of_date": date(2026, 6, 29), "file_sha256": "x" * 64, "row_number": i}
            for i in range(ROWS_PER_FILE)]


def main() -> None:
    """Time both ways and print the ratio."""
    rows, schema = _rows(), TABLE_SCHEMAS["progress_report"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        for number in range(FILES):
            write_parquet(rows, schema, folder / "baseline" / f"{number}.parquet")
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        with ParquetWriter() as writer:
            for number in range(FILES):
                writer.write(rows, schema, folder / "shared" / f"{number}.parquet")
        shared = time.perf_counter() - started
    print(f"{FILES} files x {ROWS_PER_FILE} rows")  # noqa: T201
    print(f"baseline (connection per file): {baseline:.2f} s")  # noqa: T201
    print(f"shared connection:              {shared:.2f} s")  # noqa: T201
    print(f"speed-up: {baseline / shared:.1f}x")  # noqa: T201


if __name__ == "__main__":
    main()

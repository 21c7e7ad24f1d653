"""``make bench``: every benchmark in one run, closing with one JSON line of the key ratios.

Whole runs at demo scale (``bench_run``), header detection on the same inbox
(``bench_header``), and a dossier-level export of ``BENCH_DOSSIER_ROWS`` rows (default 50
million, ``bench_dossiers``). Each part prints its own lines as it measures; the last line
merges their figures, with at least ``landing_vs_calamine``, ``dossiers_vs_duckdb``,
``dossiers_pandas_speedup``, ``incremental_vs_full``, ``noop_run_s`` and ``peak_rss_mb``.
No timing is asserted anywhere.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from tests import bench_dossiers, bench_header, bench_run
from tests.bench_support import say


def main() -> None:
    """Run the three parts in one temporary folder and print the merged figures."""
    folder = Path(tempfile.mkdtemp(prefix="nq57-bench-"))
    try:
        say("== whole runs at demo scale ==")
        runs = bench_run.measure(folder)
        say("== header detection on the same inbox ==")
        header = bench_header.measure(folder / "inbox")
        say("== a dossier-level export ==")
        rows = int(os.environ.get("BENCH_DOSSIER_ROWS", bench_dossiers.DEFAULT_ROWS))
        dossiers = bench_dossiers.measure(rows, Path(os.environ.get("BENCH_DIR", folder)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    merged = {**runs, **{f"header_{k}": v for k, v in header.items()}, **dossiers,
              "peak_rss_mb": max(runs["run_peak_rss_mb"], dossiers["dossiers_peak_rss_mb"])}
    print(json.dumps(merged))  # noqa: T201


if __name__ == "__main__":
    main()

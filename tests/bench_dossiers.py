"""Benchmark: a dossier-level export, from file to gated marts, against its floor and pandas.

Run with ``make bench`` (or ``python tests/bench_dossiers.py [ROWS]``; default 50 million,
``BENCH_DOSSIER_ROWS`` overrides). Generates the export once (``demo.dossiers``, kept in
``BENCH_DIR`` or a temporary folder), then in the same run times, each as its own process
with its own peak memory:

- the floor: one hand-written DuckDB query computing the five rates' counts per month
  straight from the CSV (``tests/fixtures/dossier_floor.py``);
- pandas reading the CSV in chunks and computing the same counts;
- nq57: ingest (``ingest_inbox``: archive, rules, quarantine, landed Parquet), then the
  marts (``dbt build`` of everything ``agg_public_service_rates`` needs, tests included),
  then the gate's dossier suite (PS-140…142, counted in SQL);
- the next month: an export of 100,000 dossiers landed and the marts built again on the
  same warehouse, where the dossier counts are incremental (``dossiers_incremental_vs_full``).

The three must agree on every count; the ratios and one JSON line close the report. No
timing is asserted anywhere.

``--engine spark`` (or ``BENCH_ENGINE=spark``; needs the ``spark`` extra) builds the marts
with dbt-spark in a local Spark session instead, and times the copy of its tables into the
DuckDB warehouse the gate reads as part of the marts step, as ``nq57 run --engine spark``
does; the next month's build then runs on the Spark catalog the first one left.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from tests.bench_support import python, say, timed

DEFAULT_ROWS = 50_000_000
BAD_EVERY = 100_000  # a row with an impossible day every 100,000: quarantined, never counted

PANDAS = """
import json, sys
import pandas as pd
flags = {"Thuộc diện số hóa": "due", "Đã số hóa": "digitised",
         "Thuộc diện khai thác lại dữ liệu": "eligible",
         "Có khai thác, sử dụng lại dữ liệu": "reused", "Đã giải quyết": "resolved",
         "Trả kết quả điện tử": "electronic", "Có phí, lệ phí": "fee",
         "Thanh toán trực tuyến": "paid"}
totals = None
for chunk in pd.read_csv(sys.argv[1], usecols=["Ngày tiếp nhận", "Hình thức nộp", *flags],
                         dtype=str, chunksize=2_000_000):
    day = pd.to_datetime(chunk["Ngày tiếp nhận"], format="%d/%m/%Y", errors="coerce")
    f = {name: chunk[column] == "1" for column, name in flags.items()}
    frame = pd.DataFrame({
        "month": day.dt.to_period("M").astype(str), "received": 1,
        "online": chunk["Hình thức nộp"] == "Trực tuyến",
        "due": f["due"], "digitised": f["due"] & f["digitised"],
        "eligible": f["eligible"], "reused": f["eligible"] & f["reused"],
        "resolved": f["resolved"], "electronic": f["resolved"] & f["electronic"],
        "fee": f["fee"], "paid": f["fee"] & f["paid"]})[day.notna()]
    part = frame.groupby("month").sum()
    totals = part if totals is None else totals.add(part, fill_value=0)
rows = [[month, *map(int, values)] for month, values in totals.sort_index().iterrows()]
print(json.dumps(rows))
"""

FLOOR = """
import json, sys, duckdb
from pathlib import Path
from tests.fixtures.dossier_floor import floor_query
rows = duckdb.connect().execute(floor_query(Path(sys.argv[1]))).fetchall()
print(json.dumps([[str(month)[:7], *counts] for month, *counts in rows]))
"""

INGEST = """
import sys
from pathlib import Path
from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.inbox import ingest_inbox
summary = ingest_inbox(Home(Path(sys.argv[1])).ensure(), Path(sys.argv[2]))
print(summary.rows_landed.get("dossier", 0), summary.rows_quarantined)
"""

GATE = """
import json, sys
from pathlib import Path
from dagster_project.lib.quality.gate import load_catalogue, run_suite
suite = next(s for s in load_catalogue() if s.name == "dossier_export_rows")
_, results = run_suite(Path(sys.argv[1]), suite, "2026-Q2")[:2]
print(json.dumps({r.rule_id: r.passed for r in results}))
"""

MARTS = """
import json, sys, duckdb
rows = duckdb.connect(sys.argv[1], read_only=True).execute('''
    select strftime(reporting_month, '%Y-%m'), online_base, online_numerator,
           digitisation_base, digitisation_numerator, reuse_base, reuse_numerator,
           e_result_base, e_result_numerator, online_payment_base, online_payment_numerator
    from marts.agg_public_service_rates
    where scope = 'national' and period_window = 'month' order by 1''').fetchall()
print(json.dumps([list(row) for row in rows]))
"""


def _script(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def _last_json(output: str) -> object:
    """The last JSON line a step printed (DuckDB's progress bar may share its line).

    The bar is drawn without brackets, so a line's JSON starts at its first ``[`` or ``{``.
    """
    found = [match[0] for match in re.finditer(r"[\[{][^\r\n]*", output)]
    if not found:
        raise RuntimeError(f"no JSON in the step's output:\n{output[-2000:]}")
    return json.loads(found[-1])


def _export(folder: Path, rows: int) -> Path:
    """The generated export, written once per size and kept for later runs."""
    path = folder / f"dossiers-{rows}.csv"
    if not path.exists():
        say(f"generating {rows:,} dossiers in {path} …")
        generated = python(f"from pathlib import Path; from demo.dossiers import "
                           f"write_dossier_export as w; w(Path({str(path)!r}), {rows}, "
                           f"bad_every={BAD_EVERY})")
        say(f"  generated in {generated.seconds:.1f} s")
    return path


def _step(label: str, command: list[str], env: dict[str, str] | None = None) -> tuple[float,
                                                                                       float, str]:
    result = timed(command, env)
    if result.returncode != 0:
        raise RuntimeError(f"{label} failed:\n{result.output[-3000:]}")
    say(f"{label:<34} {result.seconds:8.1f} s   peak {result.peak_mb:7.0f} MB")
    return result.seconds, result.peak_mb, result.output


COPY_SPARK_BUILD = """
import sys
from pathlib import Path
from dagster_project.lib.home.spark_build import load_spark_build
home = Path(sys.argv[1])
print(len(load_spark_build(home / "spark" / "warehouse", home / "warehouse.duckdb")))
"""


def measure(rows: int, folder: Path, engine: str = "duckdb") -> dict[str, float]:
    """Time the floor, pandas and nq57 (its marts built by ``engine``) on ``rows`` dossiers."""
    export = _export(folder, rows)
    work = Path(tempfile.mkdtemp(prefix="nq57-bench-", dir=folder))
    try:
        inbox = work / "inbox"
        inbox.mkdir()
        os.link(export, inbox / export.name)
        home = work / "home"
        say(f"{rows:,} dossiers, {export.stat().st_size / 1e9:.2f} GB of CSV")
        floor_s, floor_mb, floor_out = _step("floor (one DuckDB query)",
                                             _script(FLOOR, str(export)))
        pandas_s, pandas_mb, pandas_out = _step("pandas (chunked read_csv)",
                                                _script(PANDAS, str(export)))
        ingest_s, ingest_mb, _ = _step("nq57 ingest", _script(INGEST, str(home), str(inbox)))
        dbt = [str(Path(sys.executable).parent / "dbt"), "build", "--profiles-dir", ".",
               "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
               "--indirect-selection", "cautious", "--select", "+agg_public_service_rates",
               "+int_reporting_quarters", "--target", engine]
        marts_s, marts_mb, _ = timed_dbt(dbt, home)
        gate_s, gate_mb, gate_out = _step("nq57 gate (PS-140…142)",
                                          _script(GATE, str(home / "warehouse.duckdb")))
        _, _, marts_out = _step("(reading the marts back)",
                                _script(MARTS, str(home / "warehouse.duckdb")))
        floor, pandas, marts = (_last_json(out) for out in (floor_out, pandas_out, marts_out))
        assert marts == floor == pandas, "the three ways disagree on the counts"
        assert all(_last_json(gate_out).values()), "the dossier suite failed"
        nq57_s = ingest_s + marts_s + gate_s
        next_s = _next_month(work, inbox, home, dbt)
        result = {
            "dossier_rows": rows,
            "engine": engine,
            "dossiers_floor_s": round(floor_s, 1),
            "dossiers_pandas_s": round(pandas_s, 1),
            "dossiers_nq57_s": round(nq57_s, 1),
            "dossiers_ingest_rows_per_s": round(rows / ingest_s),
            "dossiers_vs_duckdb": round(nq57_s / floor_s, 2),
            "dossiers_pandas_speedup": round(pandas_s / nq57_s, 2),
            "dossiers_peak_rss_mb": round(max(ingest_mb, marts_mb, gate_mb)),
            "dossiers_floor_peak_mb": round(floor_mb),
            "dossiers_pandas_peak_mb": round(pandas_mb),
            "dossiers_next_month_marts_s": round(next_s, 1),
            "dossiers_incremental_vs_full": round(next_s / marts_s, 3),
        }
        say(f"nq57 (ingest + marts + gate)       {nq57_s:8.1f} s   "
            f"{result['dossiers_vs_duckdb']:.2f}x the floor, "
            f"{result['dossiers_pandas_speedup']:.2f}x faster than pandas")
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _next_month(work: Path, inbox: Path, home: Path, dbt: list[str]) -> float:
    """The next month's export (1% of the first) landed and built on the same warehouse.

    The dossier counts are incremental by file, so this build counts the new export only;
    returns the seconds of its marts build.
    """
    export = work / "hoso_thang_sau.parquet"
    python(f"from pathlib import Path; from datetime import date; from demo.dossiers import "
           f"write_dossier_export as w; w(Path({str(export)!r}), 100_000, "
           f"first=date(2026, 7, 1), days=31)")
    os.link(export, inbox / export.name)
    _step("nq57 ingest, next month's export", _script(INGEST, str(home), str(inbox)))
    seconds, _, _ = timed_dbt(dbt, home, "nq57 marts, next month (incremental)")
    _, _, marts_out = _step("(reading the marts back)",
                            _script(MARTS, str(home / "warehouse.duckdb")))
    months = {row[0]: row[1] for row in _last_json(marts_out)}
    assert months.get("2026-07") == 100_000, "the next month's dossiers are not all counted"
    return seconds


def timed_dbt(command: list[str], home: Path,
              label: str = "nq57 marts (dbt build)") -> tuple[float, float, str]:
    """The dbt build of the public-service marts, run where dbt runs (the project folder)."""
    from dagster_project.lib.home.paths import DBT_PROJECT_DIR

    result = timed(command, {"NQ57_HOME": str(home), "NQ57_SPARK_DIR": str(home / "spark")},
                   cwd=DBT_PROJECT_DIR)
    if result.returncode != 0:
        raise RuntimeError(f"dbt build failed:\n{result.output[-3000:]}")
    seconds, peak_mb = result.seconds, result.peak_mb
    if command[-1] == "spark":  # the gate reads DuckDB: the Spark build is copied there
        copy_s, copy_mb, _ = _step("(copying the Spark build to DuckDB)",
                                   _script(COPY_SPARK_BUILD, str(home)))
        seconds, peak_mb = seconds + copy_s, max(peak_mb, copy_mb)
    say(f"{label:<34} {seconds:8.1f} s   peak {peak_mb:7.0f} MB")
    return seconds, peak_mb, result.output


def main() -> None:
    """Measure at the size given (argument or ``BENCH_DOSSIER_ROWS``), default 50 million."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int,
                        default=int(os.environ.get("BENCH_DOSSIER_ROWS", DEFAULT_ROWS)))
    parser.add_argument("--engine", choices=("duckdb", "spark"),
                        default=os.environ.get("BENCH_ENGINE", "duckdb"))
    args = parser.parse_args()
    folder = Path(os.environ.get("BENCH_DIR", tempfile.gettempdir()))
    folder.mkdir(parents=True, exist_ok=True)
    print(json.dumps(measure(args.rows, folder, args.engine)))  # noqa: T201


if __name__ == "__main__":
    main()

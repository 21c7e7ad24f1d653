"""The same dbt project on Apache Spark builds the same warehouse as on DuckDB.

``make test-spark`` (installs the ``spark`` extra: dbt-spark with PySpark, which needs Java
17) runs this module; ``make test`` leaves it out (marker ``spark``). The demo inbox is landed
once, then built by dbt on DuckDB and by dbt-spark in a local Spark session, and the Spark
build is copied into DuckDB the way ``nq57 run --engine spark`` does it
(``lib/home/spark_build``). Every table the gate and the reports read must be equal row for
row: same columns, same DuckDB types, same rows once both are ordered by every column.

Tolerance: doubles (the rates) may differ by 1e-9, absolute or relative, where the engines
round a division or a power differently; every other value must be equal exactly.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dagster_project.lib.home.paths import DBT_PROJECT_DIR, Home
from dagster_project.lib.home.spark_build import BUILT_SCHEMAS, load_spark_build

pytestmark = pytest.mark.spark

DBT = Path(sys.executable).with_name("dbt")
REL_TOL = 1e-9
ABS_TOL = 1e-9
BUILD_TIMEOUT_SECONDS = 1800


def _dbt_build(target: str, home: Path, work: Path, **env: str) -> subprocess.CompletedProcess:
    """``dbt build`` of the project for ``target``, its target folder and logs under ``work``."""
    environment = {**os.environ, "NQ57_HOME": str(home), **env}
    return subprocess.run(
        [str(DBT), "build", "--target", target, "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(work / f"target-{target}"), "--log-path", str(work / "logs")],
        cwd=DBT_PROJECT_DIR, env=environment, capture_output=True, text=True,
        timeout=BUILD_TIMEOUT_SECONDS, check=False)


@pytest.fixture(scope="module")
def builds(demo_inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo landed once and built on both engines: (DuckDB build, Spark build in DuckDB)."""
    from dagster_project.lib.ingest.inbox import ingest_inbox
    from dagster_project.lib.quality.set_aside import write_set_aside_table

    work = tmp_path_factory.mktemp("spark_parity")
    home = Home(work / "home").ensure()
    ingest_inbox(home, demo_inbox)
    write_set_aside_table(home)
    on_duckdb = work / "duckdb.duckdb"
    built = _dbt_build("duckdb", home.root, work, NQ57_WAREHOUSE=str(on_duckdb))
    assert built.returncode == 0, built.stdout[-4000:]
    spark_dir = work / "spark"
    built = _dbt_build("spark", home.root, work, NQ57_SPARK_DIR=str(spark_dir))
    assert built.returncode == 0, built.stdout[-4000:]
    on_spark = work / "spark.duckdb"
    load_spark_build(spark_dir / "warehouse", on_spark)
    return on_duckdb, on_spark


@pytest.fixture(scope="module")
def dbt_log(builds: tuple[Path, Path]) -> str:
    """dbt's debug log of both builds."""
    return (builds[0].parent / "logs" / "dbt.log").read_text(encoding="utf-8")


def test_the_spark_build_sends_no_usage_events(dbt_log: str) -> None:
    """dbt on Spark honours the project's tracking flags as on DuckDB (test_no_tracking)."""
    assert "Registered adapter: spark" in dbt_log
    assert "'send_anonymous_usage_stats': 'False'" in dbt_log
    assert "Sending event:" not in dbt_log


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [name for (name,) in con.execute(
        "select table_name from information_schema.tables where table_schema = ? "
        "order by table_name", [schema]).fetchall()]


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table]).fetchall()


def _sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Nulls first, then the value: rows ordered by every column, as in ORDER BY ALL."""
    return tuple((value is not None, value if value is not None else 0) for value in row)


def _rows(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[Any, ...]]:
    return sorted(con.execute(f'select * from "{schema}"."{table}"').fetchall(), key=_sort_key)


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return left == right


def _differences(schema: str, table: str, duck: duckdb.DuckDBPyConnection,
                 spark: duckdb.DuckDBPyConnection) -> list[str]:
    """What differs in one table between the two builds (empty when they agree)."""
    name = f"{schema}.{table}"
    columns = _columns(duck, schema, table)
    if _columns(spark, schema, table) != columns:
        return [f"{name}: columns {columns} on DuckDB, {_columns(spark, schema, table)} on Spark"]
    left, right = _rows(duck, schema, table), _rows(spark, schema, table)
    if len(left) != len(right):
        return [f"{name}: {len(left)} rows on DuckDB, {len(right)} on Spark"]
    found = []
    for number, (a, b) in enumerate(zip(left, right, strict=True)):
        for (column, _type), x, y in zip(columns, a, b, strict=True):
            if not _same(x, y):
                found.append(f"{name} row {number} {column}: {x!r} on DuckDB, {y!r} on Spark")
    return found[:5]


@pytest.mark.parametrize("schema", BUILT_SCHEMAS)
def test_spark_builds_every_table_of_the_duckdb_build(builds: tuple[Path, Path],
                                                      schema: str) -> None:
    on_duckdb, on_spark = builds
    with duckdb.connect(str(on_duckdb), read_only=True) as duck, \
            duckdb.connect(str(on_spark), read_only=True) as spark:
        expected = _tables(duck, schema)
        assert expected, f"the DuckDB build has no {schema} tables"
        assert _tables(spark, schema) == expected


@pytest.mark.parametrize("schema", BUILT_SCHEMAS)
def test_every_table_equals_the_duckdb_build_row_for_row(builds: tuple[Path, Path],
                                                         schema: str) -> None:
    on_duckdb, on_spark = builds
    with duckdb.connect(str(on_duckdb), read_only=True) as duck, \
            duckdb.connect(str(on_spark), read_only=True) as spark:
        tables = _tables(duck, schema)
        differences = [line for table in tables
                       for line in _differences(schema, table, duck, spark)]
        rows = sum(duck.execute(f'select count(*) from "{schema}"."{t}"').fetchone()[0]
                   for t in tables)
    assert not differences, "\n".join(differences)
    if schema == "marts":  # the demo fills the marts: an empty comparison proves nothing
        assert rows > 1000


def test_nq57_run_on_spark_publishes_the_reviewed_figures(
        demo_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``nq57 run --engine spark`` passes the gate and publishes 2026-Q2 with exactly the
    headline figures and ranks reviewed on the DuckDB build (the scorecard snapshot)."""
    from dagster_project.cli import main
    from dagster_project.lib.publish.release import latest_release
    from tests.test_scorecard_outputs import HEADLINE_SNAPSHOT, PERIOD, _scorecard_figures

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("NQ57_HOME", str(home))
    assert main(["run", "--inbox", str(demo_inbox), "--period", PERIOD, "--auto-approve",
                 "--engine", "spark"]) == 0
    release = latest_release(Home(home), PERIOD)
    assert release is not None, "the Spark build was not published"
    assert any((home / "spark" / "warehouse" / "marts.db").iterdir())
    figures = json.loads(json.dumps(_scorecard_figures(release.path), ensure_ascii=False))
    expected = json.loads(HEADLINE_SNAPSHOT.read_text(encoding="utf-8"))
    assert figures["headline"] == expected["headline"]
    assert figures["ranking"] == expected["ranking"]

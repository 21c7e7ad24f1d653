"""The Spark engine's build, read into the run's DuckDB warehouse.

``nq57 run --engine spark`` builds the dbt project with dbt-spark (the ``spark`` target in
``dbt/profiles.yml``). The gate, the reviews, the releases and the reports read a DuckDB
warehouse, whichever engine built it: every table the Spark build wrote (seeds, staging,
intermediate and marts; Spark materialises staging as tables so that it can be copied) is a
folder of Parquet files under the Spark warehouse directory, ``<schema>.db/<table>/``, and is
copied here into the same schema and table of the run's staging warehouse. Spark writes
``string``, ``int``, ``timestamp_ntz`` and ``decimal`` columns as Parquet types DuckDB reads as
VARCHAR, INTEGER, TIMESTAMP and DECIMAL: the types the DuckDB build gives the same models.

The Spark catalog keeps the tables between runs (``NQ57_SPARK_DIR``, by default
``<home>/spark``) so that incremental models only add what landed since, as they do on
DuckDB; the copy in the run's staging warehouse is what gets audited and published.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from dagster_project.lib.home.paths import Home

# The schemas a build writes (generate_schema_name: the folder's schema, no prefix). The
# Spark-only `landing` schema holds the external tables over the landed files: not copied.
BUILT_SCHEMAS = ("reference", "staging", "intermediate", "marts")
ENGINES = ("duckdb", "spark")


def build_engine() -> str:
    """The engine that builds the warehouse: ``NQ57_ENGINE`` (``nq57 run --engine``)."""
    engine = os.environ.get("NQ57_ENGINE", "") or "duckdb"
    if engine not in ENGINES:
        raise ValueError(
            f"NQ57_ENGINE={engine!r}: công cụ dựng không hợp lệ, chọn {' hoặc '.join(ENGINES)} "
            f"/ unknown build engine, use {' or '.join(ENGINES)}")
    return engine


def spark_dir(home: Home) -> Path:
    """Where the Spark target keeps its catalog and tables (``NQ57_SPARK_DIR`` overrides)."""
    configured = os.environ.get("NQ57_SPARK_DIR", "")
    return Path(configured).resolve() if configured else home.root / "spark"


def spark_tables(warehouse_dir: Path) -> dict[tuple[str, str], Path]:
    """Every table folder the Spark build wrote, by (schema, table)."""
    tables: dict[tuple[str, str], Path] = {}
    for schema in BUILT_SCHEMAS:
        folder = warehouse_dir / f"{schema}.db"
        if not folder.is_dir():
            continue
        for table in sorted(p for p in folder.iterdir() if p.is_dir()):
            tables[(schema, table.name)] = table
    return tables


def load_spark_build(warehouse_dir: Path, warehouse: Path) -> list[str]:
    """Copy every table of the Spark build into the DuckDB ``warehouse``; return their names.

    Tables are replaced whole. Spark writes at least one Parquet file per table, an empty
    one with the schema when the table has no rows, so an empty mart keeps its columns.
    """
    tables = spark_tables(warehouse_dir)
    if not tables:
        raise RuntimeError(
            f"no tables in the Spark warehouse {warehouse_dir} / "
            "kho dữ liệu Spark không có bảng nào")
    loaded = []
    with duckdb.connect(str(warehouse)) as con:
        # A staging warehouse copied from a DuckDB build holds its staging views.
        views = set(con.execute(
            "select schema_name, view_name from duckdb_views() where not internal").fetchall())
        for (schema, table), folder in tables.items():
            files = str(folder / "*.parquet").replace("'", "''")
            con.execute(f'create schema if not exists "{schema}"')
            if (schema, table) in views:
                con.execute(f'drop view "{schema}"."{table}"')
            con.execute(f'create or replace table "{schema}"."{table}" as '
                        f"select * from read_parquet('{files}')")
            loaded.append(f"{schema}.{table}")
    return loaded

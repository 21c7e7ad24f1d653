"""What each source lands, derived from its contract: tables, columns, SQL types, meanings.

A source used to be described five times (contract, landing schemas, family tables, asset
descriptions, dbt sources) and the copies drifted: a parsed column missing from the landing
schema was parsed and then silently dropped. Now the contract is the registry and this
module reads the landed tables from it; the landing writer refuses a row with a column its
table does not declare, and a test holds the dbt sources to the same columns.

Every row of a contract's table carries the lineage columns, then the row's key, the
title-block values, the group heading, the columns of the sheet and what a family's
completion step derives. A column lands under its own name; a type that keeps the cell as
written beside what was read from it (a word list, an agency list, a deadline) adds
``<name>_text``. A deadline also lands its date and recurrence, so a contract has at most
one deadline column: two columns landing in one place are a contract error, never an
overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from dagster_project.lib.ingest.contracts import (
    ColumnSpec,
    Contract,
    ContractError,
    load_contracts,
    load_exports,
)


@dataclass(frozen=True)
class LandedColumn:
    """One column of a landed Parquet table."""

    name: str
    sql_type: str
    description: str


@dataclass(frozen=True)
class LandedTable:
    """One landed table: ``landing/<family>/<name>/<yyyy-mm>/<batch>.parquet``."""

    name: str
    family: str
    description: str
    columns: tuple[LandedColumn, ...]

    @property
    def schema(self) -> dict[str, str]:
        """Column name -> DuckDB type, in landed order (what the Parquet writer casts to)."""
        return {column.name: column.sql_type for column in self.columns}


def _columns(rows: Iterable[tuple[str, str, str]]) -> tuple[LandedColumn, ...]:
    return tuple(LandedColumn(*row) for row in rows)


LINEAGE_COLUMNS = _columns([
    ("file_sha256", "VARCHAR", "SHA-256 of the received file: its identity in the archive."),
    ("file_name", "VARCHAR", "The received file's name."),
    ("sheet_name", "VARCHAR", "The sheet the row was read from."),
    ("row_number", "INTEGER", "The row's number in the sheet, as Excel shows it."),
    ("received_at", "TIMESTAMP", "When ingestion archived the file (UTC)."),
    ("original_values", "VARCHAR",
     "JSON object: column -> the cell text as submitted, where normalisation or a "
     "legacy-encoding conversion changed it; null when the row was stored as written."),
])

# One row per agency named in a row's lead or coordinating column ("<table>_agencies").
AGENCY_LINK_COLUMNS = _columns([
    ("file_sha256", "VARCHAR", "SHA-256 of the received file."),
    ("task_code", "VARCHAR", "The key of the row that names the agency (its item_key)."),
    ("role", "VARCHAR", "lead or coordinate: the column the agency was named in."),
    ("position", "INTEGER", "The agency's place in the cell, from 1."),
    ("agency_text", "VARCHAR", "The agency as written in the cell."),
    ("agency_id", "VARCHAR", "The agency the text resolved to (dim_agency)."),
])

ITEM_KEY = LandedColumn(
    "item_key", "VARCHAR",
    "The row's key: its key column, or '<sheet>!<row>' for a source whose rows have no code.")

# Landed type of a column by its contract type; multi-part types are in _column_parts.
SQL_TYPES = {"code": "VARCHAR", "text": "VARCHAR", "agency": "VARCHAR", "date": "DATE",
             "month": "DATE", "number": "DOUBLE", "percent": "DOUBLE", "integer": "BIGINT",
             "boolean": "BOOLEAN"}
METADATA_SQL_TYPES = {"agency": "VARCHAR", "month": "DATE", "date": "DATE",
                      "integer": "INTEGER", "text": "VARCHAR"}


def _column_parts(spec: ColumnSpec) -> Iterator[LandedColumn]:
    """The landed columns of one contract column, each named after the column."""
    meaning = spec.description or spec.label_vi
    if spec.type == "status":
        yield LandedColumn(spec.name, "VARCHAR", f"{meaning} Code from the contract's word list.")
        yield LandedColumn(spec.text_column, "VARCHAR", f"{spec.label_vi}, as written.")
    elif spec.type == "agency_list":
        yield LandedColumn(spec.text_column, "VARCHAR",
                           f"{meaning} As written; one row per agency in the agencies table.")
    elif spec.type == "deadline":
        yield LandedColumn(spec.text_column, "VARCHAR", meaning)
        yield LandedColumn("due_date", "DATE", "The date the deadline falls due, when it has one.")
        yield LandedColumn("recurrence", "VARCHAR",
                           "Null for a one-off deadline; else weekly, monthly, yearly, "
                           "continuous or roadmap (no date).")
    else:
        yield LandedColumn(spec.name, spec.sql_type or SQL_TYPES[spec.type], meaning)
    if spec.formerly:
        yield LandedColumn(spec.formerly, "VARCHAR",
                           f"Retired: {spec.name} in files landed before it had its own "
                           "column; null since.")
        yield LandedColumn(f"{spec.formerly}_text", "VARCHAR",
                           f"Retired: {spec.text_column} in files landed before it had its "
                           "own column; null since.")


def _contract_columns(contract: Contract) -> Iterator[LandedColumn]:
    yield from LINEAGE_COLUMNS
    yield ITEM_KEY
    for meta in contract.metadata:
        yield LandedColumn(meta.landed_name, METADATA_SQL_TYPES[meta.type],
                           meta.description or f"Read from the title block ({meta.name}).")
    names = {spec.name for spec in contract.columns}
    if contract.group_column and contract.group_column not in names:
        yield LandedColumn(contract.group_column, "VARCHAR",
                           "The group heading ('I. …') the row stands under in the sheet.")
    for spec in contract.columns:
        yield from _column_parts(spec)
    for raw in contract.derived_columns:
        yield LandedColumn(raw["name"], raw["type"], raw["description"])


def _unique(table: str, columns: Iterable[LandedColumn]) -> tuple[LandedColumn, ...]:
    """The columns, refusing two that land in one place (one would overwrite the other)."""
    seen: dict[str, LandedColumn] = {}
    for column in columns:
        if column.name in seen:
            raise ContractError(f"{table}: two columns land as '{column.name}'")
        seen[column.name] = column
    return tuple(seen.values())


def contract_tables(contract: Contract) -> tuple[LandedTable, ...]:
    """The tables one contract lands: its own, its agencies table, any a family adds."""
    tables = [LandedTable(contract.table, contract.family, contract.description,
                          _unique(contract.table, _contract_columns(contract)))]
    lists = [spec.label_vi for spec in contract.columns if spec.type == "agency_list"]
    if lists:
        tables.append(LandedTable(
            f"{contract.table}_agencies", contract.family,
            f"Agencies named in {contract.table} rows ({' / '.join(lists)}), one row each.",
            AGENCY_LINK_COLUMNS))
    for child in contract.child_tables:
        columns = _columns((c["name"], c["type"], c["description"]) for c in child["columns"])
        tables.append(LandedTable(child["name"], contract.family, child["description"],
                                  _unique(child["name"], columns)))
    return tuple(tables)


@cache
def landed_tables() -> dict[str, LandedTable]:
    """Every table the contracts land, by name (read once per process)."""
    tables: dict[str, LandedTable] = {}
    contracts = [*load_contracts().values(),
                 *(export.contract for export in load_exports().values())]
    for contract in contracts:
        if contract.layout_of is not None:
            continue  # another layout of a source: its rows land in that source's table
        for table in contract_tables(contract):
            if table.name in tables:
                raise ContractError(f"{contract.source}: table {table.name} is landed twice")
            tables[table.name] = table
    return tables


def family_tables() -> dict[str, tuple[str, ...]]:
    """Landed table names per family, in contract order (the asset catalogue's order)."""
    families: dict[str, tuple[str, ...]] = {}
    for table in landed_tables().values():
        families[table.family] = (*families.get(table.family, ()), table.name)
    return families

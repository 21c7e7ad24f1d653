"""Where a failing row came from: file, SHA-256, sheet and row of what was submitted.

A gate rule keeps the rows that broke it (``RuleResult.failing_rows``), with whatever columns
its suite's query returned. Some queries return the lineage columns themselves (file name,
SHA-256, sheet, row number); most return a mart's columns and, at best, the file's hash. A
reviewer needs the cell to fix, so lineage is resolved here, in that order:

1. the row's own lineage columns (``file_name``, ``file_sha256``, ``sheet_name``,
   ``row_number`` or ``source_row_number``; ``source_file_sha256`` and the like name a
   file as well);
2. the staging models the suite's asset is built from (found in the dbt manifest): every
   one carries ``file_sha256, file_name, sheet_name, source_row_number``
   (``dbt/macros/lineage_columns.sql``), so the row's key (task, database, indicator, body,
   month …) finds the submitted row; current submissions are preferred over the ones they
   superseded;
3. the file's hash alone names the file (``staging.stg_ingest__submissions``).

What cannot be found is left empty: the row is still shown with what is known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

__all__ = ["KEY_COLUMNS", "FailingRow", "LineageFinder", "failing_row", "rule_columns",
           "upstream_models"]

# Columns that identify what a row is about, in the order a reviewer reads them: the thing
# (task, database, indicator, item …), the body, then the time.
# Landed rows name tasks, databases and items by the code the sender wrote (``task_code``).
KEY_COLUMNS = (
    "task_id", "task_code", "database_id", "database_code", "indicator_id", "plan_item_id",
    "item_id", "item_code", "dossier_id", "procedure_code", "commune_code", "target_part",
    "agency_id", "reporting_agency_id", "lead_agency_id", "lead_current_agency_id",
    "owner_agency_id", "responsible_agency_id", "handling_agency_id", "pillar", "fiscal_year",
    "reporting_month", "period_label",
)
# Key columns that name the thing itself: a match on a body and a month alone names a file
# (every row of that body's report), not a row.
ENTITY_COLUMNS = frozenset(KEY_COLUMNS[:12])
ROW_LINEAGE = ("file_sha256", "file_name", "sheet_name", "source_row_number")
LINEAGE_COLUMNS = frozenset({*ROW_LINEAGE, "row_number", "received_at", "original_values"})
CANDIDATES_KEPT = 5  # rows looked at per failing row before it counts as ambiguous


@dataclass
class FailingRow:
    """One failing row as a reviewer reads it: where it came from, what it is, its value."""

    file_name: str | None = None
    file_sha256: str | None = None
    sheet_name: str | None = None
    row_number: int | None = None
    key: dict[str, Any] = field(default_factory=dict)
    value: dict[str, Any] = field(default_factory=dict)
    agency: str | None = None
    # How the lineage was found: "row" (the rule's own columns), "staging.<model>" (looked
    # up by key), "file" (the hash named the file), or None (not found).
    lineage: str | None = None

    def record(self) -> dict[str, Any]:
        """The row as ``nq57 review --json`` prints it."""
        return asdict(self)

    def where(self) -> str:
        """``BC_X.xlsx [sheet 'Báo cáo', row 12] sha256 1a2b…`` (what is known of it)."""
        parts = [self.file_name or "?"]
        if self.sheet_name or self.row_number:
            place = ", ".join(part for part in (
                f"sheet '{self.sheet_name}'" if self.sheet_name else "",
                f"row {self.row_number}" if self.row_number else "") if part)
            parts.append(f"[{place}]")
        if self.file_sha256:
            parts.append(f"sha256 {self.file_sha256}")
        return (" ".join(parts) if (self.file_name or self.file_sha256)
                else "tệp không rõ / file not known")


def rule_columns(kwargs: Mapping[str, Any]) -> list[str]:
    """The batch columns a GX expectation looks at (its ``column``, pair or list)."""
    columns = [kwargs[name] for name in ("column", "column_A", "column_B") if kwargs.get(name)]
    columns += [column for column in kwargs.get("column_list") or () if column not in columns]
    return [str(column) for column in columns]


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _number(value: Any) -> int | None:
    try:
        return None if value is None or value == "" else int(value)
    except (TypeError, ValueError):
        return None


def _sha_column(row: Mapping[str, Any]) -> str | None:
    """The row's column naming a file by hash: ``file_sha256`` first, else ``*_file_sha256``."""
    if row.get("file_sha256"):
        return "file_sha256"
    return next((column for column in sorted(row)
                 if column.endswith("file_sha256") and row.get(column)), None)


def upstream_models(manifest: Mapping[str, Any], asset: str) -> list[str]:
    """The staging models (``schema.name``) the asset's dbt model is built from, nearest first.

    ``asset`` is a Dagster key as the catalogue writes it (``marts/fct_task_status``); a
    staging asset is its own first candidate.
    """
    name = asset.rsplit("/", 1)[-1]
    nodes = manifest.get("nodes", {})
    start = next((unique_id for unique_id, node in nodes.items()
                  if node.get("resource_type") == "model" and node.get("name") == name), None)
    if start is None:
        return []
    parents = manifest.get("parent_map", {})
    found, seen, queue = [], {start}, [start]
    while queue:
        unique_id = queue.pop(0)
        node = nodes.get(unique_id, {})
        if node.get("resource_type") == "model" and node.get("schema") == "staging":
            found.append(f"staging.{node['name']}")
        for parent in parents.get(unique_id, ()):
            if parent not in seen and parent.startswith("model."):
                seen.add(parent)
                queue.append(parent)
    return found


def failing_row(row: Mapping[str, Any], columns: Sequence[str] = (),
                agency_column: str | None = None) -> FailingRow:
    """A failing row with its key, value and the lineage its own columns carry.

    ``columns`` are the columns the rule judged (its value); without them, every column
    that is neither key nor lineage is the value. Lineage is ``"row"`` when the row names
    its file, sheet and row itself.
    """
    key = {column: row[column] for column in KEY_COLUMNS if row.get(column) is not None}
    judged = [column for column in columns if column in row]
    value = ({column: row[column] for column in judged} if judged else
             {column: item for column, item in row.items()
              if column not in key and column not in LINEAGE_COLUMNS
              and not column.endswith("file_sha256")})
    sha_column = _sha_column(row)
    found = FailingRow(
        file_name=_text(row.get("file_name")),
        file_sha256=_text(row.get(sha_column)) if sha_column else None,
        sheet_name=_text(row.get("sheet_name")),
        row_number=_number(row.get("row_number", row.get("source_row_number"))),
        key=key, value=value,
        agency=_text(row.get(agency_column)) if agency_column else None,
    )
    if found.file_name and found.sheet_name and found.row_number:
        found.lineage = "row"
    return found


class LineageFinder:
    """Resolves failing rows to their source rows in one warehouse (a run's build).

    ``manifest`` is dbt's (``read_manifest()``); without it every staging model that carries
    row lineage is a candidate.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection,
                 manifest: Mapping[str, Any] | None = None) -> None:
        self.con = con
        self.manifest = manifest or {}
        self._tables = self._lineage_tables()
        self._has_current = self._exists("intermediate", "int_submissions_current")
        self._file_names: dict[str, str | None] = {}
        self._upstream: dict[str, tuple[str, ...]] = {}

    def _exists(self, schema: str, table: str) -> bool:
        return bool(self.con.execute(
            "select count(*) from information_schema.tables where table_schema = ? "
            "and table_name = ?", [schema, table]).fetchone()[0])

    def _lineage_tables(self) -> dict[str, dict[str, str]]:
        """Staging models with row lineage, as ``schema.table`` → {column: type}."""
        columns: dict[str, dict[str, str]] = {}
        for table, column, kind in self.con.execute(
                "select table_name, column_name, data_type from information_schema.columns "
                "where table_schema = 'staging' order by table_name, ordinal_position"
        ).fetchall():
            columns.setdefault(f"staging.{table}", {})[column] = kind
        return {table: types for table, types in columns.items()
                if all(column in types for column in ROW_LINEAGE)}

    def _candidates(self, asset: str) -> tuple[str, ...]:
        """The staging models to search for an asset's rows: its own, else every one."""
        if asset not in self._upstream:
            upstream = [table for table in upstream_models(self.manifest, asset)
                        if table in self._tables] if self.manifest else []
            self._upstream[asset] = tuple(upstream or self._tables)
        return self._upstream[asset]

    def file_name(self, sha256: str) -> str | None:
        """The name a file was received under, from its hash."""
        if sha256 not in self._file_names:
            row = (self.con.execute(
                "select file_name from staging.stg_ingest__submissions where file_sha256 = ? "
                "limit 1", [sha256]).fetchone()
                if self._exists("staging", "stg_ingest__submissions") else None)
            self._file_names[sha256] = row[0] if row else None
        return self._file_names[sha256]

    def resolve(self, row: Mapping[str, Any], asset: str, columns: Sequence[str] = (),
                agency_column: str | None = None) -> FailingRow:
        """One failing row with its key, value and lineage (see :func:`failing_row`)."""
        found = failing_row(row, columns, agency_column)
        if found.lineage == "row":
            return found
        self._look_up(found, row, asset, [c for c in columns if c in row])
        if found.file_sha256 and not found.file_name:
            found.file_name = self.file_name(found.file_sha256)
        if found.lineage is None and found.file_name:
            found.lineage = "file"
        return found

    def _look_up(self, found: FailingRow, row: Mapping[str, Any], asset: str,
                 judged: Sequence[str]) -> None:
        """Find the submitted row (or at least its file) in the asset's staging models."""
        best: tuple[int, str, list[tuple[Any, ...]]] | None = None
        for table in self._candidates(asset):
            types = self._tables[table]
            keys = [column for column in found.key if column in types]
            if not ENTITY_COLUMNS.intersection(keys) and not found.file_sha256:
                continue  # a body and a month alone would name a whole report
            matches = self._matches(table, types, keys, row, found.file_sha256, judged)
            if matches and (best is None or len(keys) > best[0]):
                best = (len(keys), table, matches)
        if best is None:
            return
        _, table, matches = best
        files = {match[0] for match in matches}
        if len(files) != 1:
            return
        sha, name, sheet, number = matches[0][:4]
        found.file_sha256, found.file_name = sha, name
        found.lineage = table
        if len(matches) == 1:
            found.sheet_name, found.row_number = sheet, number

    def _matches(self, table: str, types: Mapping[str, str], keys: Sequence[str],
                 row: Mapping[str, Any], sha256: str | None,
                 judged: Sequence[str]) -> list[tuple[Any, ...]]:
        """Rows of ``table`` with the row's key (and file), current submissions first."""
        conditions, parameters = [], []
        for column in keys:
            conditions.append(f"t.{column} = cast(? as {types[column]})")
            parameters.append(_parameter(row[column], types[column]))
        if sha256:
            conditions.append("t.file_sha256 = ?")
            parameters.append(sha256)
        if not conditions:
            return []
        current = ("left join intermediate.int_submissions_current as c "
                   "on c.file_sha256 = t.file_sha256" if self._has_current else "")
        order = "coalesce(c.is_current, false) desc, " if self._has_current else ""
        sql = (f"select t.file_sha256, t.file_name, t.sheet_name, t.source_row_number, "
               f"{'coalesce(c.is_current, false)' if self._has_current else 'true'} "
               f"from {table} as t {current} where {' and '.join(conditions)} "
               f"order by {order}t.received_at desc, t.source_row_number "
               f"limit {CANDIDATES_KEPT + 1}")
        try:
            matches = self.con.execute(sql, parameters).fetchall()
        except duckdb.Error:
            return []  # a key that does not cast to the model's type names no row there
        if any(match[4] for match in matches):  # superseded files are not what is published
            matches = [match for match in matches if match[4]]
        if len(matches) > 1:
            matches = self._narrowed(table, types, matches, row, judged)
        return matches if len(matches) <= CANDIDATES_KEPT else []

    def _narrowed(self, table: str, types: Mapping[str, str], matches: list[tuple[Any, ...]],
                  row: Mapping[str, Any], judged: Sequence[str]) -> list[tuple[Any, ...]]:
        """Of several rows with one key, those whose judged values equal the failing row's."""
        columns = [column for column in judged if column in types and row.get(column) is not None]
        if not columns:
            return matches
        kept = []
        for match in matches:
            values = self.con.execute(
                f"select {', '.join(f'{c} = cast(? as {types[c]})' for c in columns)} "
                f"from {table} where file_sha256 = ? and source_row_number = ?",
                [*(_parameter(row[c], types[c]) for c in columns), match[0], match[3]],
            ).fetchone()
            if values and all(values):
                kept.append(match)
        return kept or matches


def _parameter(value: Any, kind: str) -> Any:
    """A JSON value of a failing row, ready to cast to a column's type.

    Dates were written as ISO timestamps (``2026-06-01T00:00:00.000``); a DATE column wants
    the day only.
    """
    if kind.upper() == "DATE" and isinstance(value, str):
        return value[:10]
    return value

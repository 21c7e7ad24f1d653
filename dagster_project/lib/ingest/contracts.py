"""Source contracts: what each kind of submission must contain, read from YAML.

A contract (``sources/contracts/<source>.yaml``) names the columns of one source type with
their Vietnamese and English header aliases, value type and whether they are required,
plus metadata read from the title block. Layouts are data, not code branches: a new header
spelling is a one-line change to a contract.

The contract is also the one description of what the source lands: its table, and for each
column its meaning (``description``). Each column lands under its own name; a type that
keeps the cell as written beside the value read from it adds ``<name>_text``. The landed
schemas, the ingest assets' descriptions and the check of the dbt sources are all derived
from here (see :mod:`dagster_project.lib.ingest.landed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from dagster_project.lib.home.paths import SOURCES_DIR
from dagster_project.lib.text.vntext import match_key

COLUMN_TYPES = {"code", "text", "date", "month", "deadline", "agency_list", "status", "agency",
                "number", "integer", "percent", "boolean"}
METADATA_TYPES = {"agency", "month", "date", "integer", "text"}


class ContractError(ValueError):
    """A contract file is malformed (a developer error, not a submission problem)."""


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a source: its warehouse name, header aliases and parse rule."""

    name: str
    label_vi: str
    aliases: tuple[str, ...]
    type: str
    required: bool
    description: str = ""
    label_en: str = ""  # what the column holds, in English messages ("budget pillar")
    pattern: str | None = None
    example: str | None = None  # a valid value, quoted when a value breaks ``pattern``
    role: str | None = None
    plan_year_from: str | None = None
    unparseable: str = "reject"  # or "warn": keep the text, flag it, load the row
    date_cells: str | None = None  # "month": a date cell in a text column names its month
    # Where a word-list column landed before columns landed by their own name ("status"):
    # earlier files keep it there, so the warehouse reads both.
    formerly: str | None = None
    sql_type: str | None = None  # the landed type, where the column type's default is not it
    # The header must name the column, but a cell may be blank (a printed result left empty
    # means no result, which the family's completion step records as no data).
    blank_allowed: bool = False

    @property
    def text_column(self) -> str:
        """Where the cell as written lands, for types that also land a value read from it."""
        return f"{self.name}_text"

    @cached_property
    def alias_keys(self) -> frozenset[str]:
        """Match keys of every alias, for diacritic- and case-insensitive header matching."""
        return frozenset(match_key(alias) for alias in (*self.aliases, self.label_vi, self.name))


@dataclass(frozen=True)
class MetadataSpec:
    """A value read from the title block above the header row (e.g. the reporting month)."""

    name: str
    pattern: str | None
    type: str
    required: bool
    description: str = ""
    # A column whose header carries the value ("Kết quả (tính đến 23/9/2025)"): a printed
    # table without a title block dates its figures there.
    header_column: str | None = None

    @property
    def landed_name(self) -> str:
        """The column it lands in: an agency lands as its id (``reporting_agency_id``)."""
        return f"{self.name}_id" if self.type == "agency" else self.name


@dataclass(frozen=True)
class Contract:
    """Everything the reader needs to recognise and validate one source type."""

    source: str
    family: str
    table: str
    label_vi: str
    label_en: str
    grain: str
    key: str | None  # None: rows have no code and are identified by sheet and row
    header_search_rows: int
    columns: tuple[ColumnSpec, ...]
    metadata: tuple[MetadataSpec, ...] = ()
    statuses: dict[str, tuple[str, ...]] = field(default_factory=dict)
    row_rules: tuple[dict[str, Any], ...] = ()
    agency_date_from: str | None = None
    group_column: str | None = None
    description: str = ""  # the landed table, as the asset catalogue shows it
    # Columns a family's completion step adds (lib.targets), and tables it lands beside the
    # contract's own; each as written in the contract: name, SQL type, description.
    derived_columns: tuple[dict[str, str], ...] = ()
    child_tables: tuple[dict[str, Any], ...] = ()
    # Another layout of a source that lands in that source's table (a results table as a
    # document prints it): its columns are some of that table's, so it declares no table.
    layout_of: str | None = None

    @cached_property
    def columns_by_key(self) -> dict[str, tuple[ColumnSpec, ...]]:
        """The columns each header match key can name, in the contract's column order."""
        found: dict[str, list[ColumnSpec]] = {}
        for column in self.columns:
            for key in column.alias_keys:
                found.setdefault(key, []).append(column)
        return {key: tuple(columns) for key, columns in found.items()}

    @cached_property
    def required_keys(self) -> frozenset[str]:
        """Every header match key that names a required column."""
        return frozenset(key for column in self.required_columns for key in column.alias_keys)

    @property
    def required_columns(self) -> tuple[ColumnSpec, ...]:
        """Columns a sheet must have for its rows to be loadable."""
        return tuple(column for column in self.columns if column.required)

    def column(self, name: str) -> ColumnSpec:
        """The column spec called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def status_code(self, text: str) -> str | None:
        """The warehouse status code for a status as written, or None if unknown."""
        key = match_key(text)
        for code, spellings in self.statuses.items():
            if key in {match_key(spelling) for spelling in spellings}:
                return code
        return None


def _column(raw: dict[str, Any], source: str) -> ColumnSpec:
    column_type = raw.get("type", "text")
    if column_type not in COLUMN_TYPES:
        raise ContractError(f"{source}: column {raw.get('name')} has unknown type {column_type}")
    return ColumnSpec(
        name=raw["name"],
        label_vi=raw.get("label_vi", raw["name"]),
        aliases=tuple(raw.get("aliases", ())),
        type=column_type,
        required=bool(raw.get("required", False)),
        description=raw.get("description", ""),
        label_en=raw.get("label_en", raw["name"].replace("_", " ")),
        pattern=raw.get("pattern"),
        example=raw.get("example"),
        role=raw.get("role"),
        plan_year_from=raw.get("plan_year_from"),
        unparseable=raw.get("unparseable", "reject"),
        date_cells=raw.get("date_cells"),
        formerly=raw.get("formerly"),
        sql_type=raw.get("sql_type"),
        blank_allowed=bool(raw.get("blank_allowed", False)),
    )


def _metadata(name: str, raw: dict[str, Any], source: str) -> MetadataSpec:
    if raw.get("type") not in METADATA_TYPES:
        raise ContractError(f"{source}: metadata {name} has unknown type {raw.get('type')}")
    if raw.get("pattern") is None and raw.get("header_column") is None:
        raise ContractError(f"{source}: metadata {name} needs a pattern or a header_column")
    return MetadataSpec(name, raw.get("pattern"), raw["type"], bool(raw.get("required", False)),
                        raw.get("description", ""), raw.get("header_column"))


def load_contract(path: Path) -> Contract:
    """Read one contract file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = raw["source"]
    return Contract(
        source=source,
        family=raw["family"],
        table=raw["table"],
        label_vi=raw["label_vi"],
        label_en=raw["label_en"],
        grain=raw["grain"],
        key=raw.get("key"),
        header_search_rows=int(raw.get("header_search_rows", 30)),
        columns=tuple(_column(column, source) for column in raw["columns"]),
        metadata=tuple(
            _metadata(name, spec, source) for name, spec in (raw.get("metadata") or {}).items()
        ),
        statuses={code: tuple(words) for code, words in (raw.get("statuses") or {}).items()},
        row_rules=tuple(raw.get("row_rules") or ()),
        agency_date_from=raw.get("agency_date_from"),
        group_column=raw.get("group_column"),
        description=raw.get("description", ""),
        derived_columns=tuple(raw.get("derived_columns") or ()),
        child_tables=tuple(raw.get("child_tables") or ()),
        layout_of=raw.get("layout_of"),
    )


@dataclass(frozen=True)
class ExportContract:
    """A system export's contract, read by DuckDB rather than row by row (lib.ingest.exports).

    Attributes:
        contract: Its columns, types, aliases and landed table, as for any source.
        flag_bases: Yes/no columns that count only where another is set, by flag: a
            dossier "digitised" must be "due to be digitised" to count in that rate.
    """

    contract: Contract
    flag_bases: dict[str, str]


def load_exports(sources_dir: Path = SOURCES_DIR) -> dict[str, ExportContract]:
    """Every export contract under ``sources/exports/*.yaml``, by source name."""
    exports = {}
    for path in sorted((sources_dir / "exports").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        exports[raw["source"]] = ExportContract(load_contract(path),
                                                dict(raw.get("flag_bases") or {}))
    return exports


@cache
def export_contracts() -> dict[str, ExportContract]:
    """The export contracts, read once per process."""
    return load_exports()


def load_contracts(sources_dir: Path = SOURCES_DIR) -> dict[str, Contract]:
    """All contracts under ``sources/contracts/*.yaml``, by source name."""
    paths = sorted((sources_dir / "contracts").glob("*.yaml"))
    contracts = [load_contract(path) for path in paths]
    return {contract.source: contract for contract in contracts}

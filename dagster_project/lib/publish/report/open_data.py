"""Open data: every scorecard table as CSV and JSON, with a data dictionary, in ``data/``.

National statistics and SDG platforms publish the numbers behind each page in open,
machine-readable formats; so does each release here. For every table of the scorecard (the
main page's and the per-body tables the body pages are cut from) ``data/`` holds:

* ``<table_id>.csv``: UTF-8 with a byte-order mark (so spreadsheet programs read the
  Vietnamese letters), one header row of stable column keys, values unformatted: ratios as
  ratios (0.848, not "84,8%"), missing as an empty cell, a status as its words.
* ``<table_id>.json``: the same rows with the table's and the columns' titles in both
  languages.

and a data dictionary: ``dictionary.csv`` (every column of every table: key, Vietnamese and
English label, kind), ``marts.csv`` (every column of every mart in the release's
``marts/``, described from the dbt models' YAML, the same text as ``docs/marts.md``) and
``index.html``, the page the scorecard links to, which lists all of it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from dagster_project.lib.home.paths import REPO_ROOT
from dagster_project.lib.publish.report.model import Report, Status, Table, Trend
from dagster_project.lib.publish.templates import environment

MARTS_YAML = REPO_ROOT / "dbt" / "models" / "marts"
DATA_TEMPLATE = "scorecard/data.html.j2"
DICTIONARY = "dictionary.csv"
MARTS_DICTIONARY = "marts.csv"
INDEX = "index.html"


@dataclass(frozen=True, slots=True)
class MartColumn:
    """One column of a mart as the dbt docs describe it."""

    model: str
    model_description: str
    column: str
    data_type: str
    description: str


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def mart_columns(marts_dir: Path = MARTS_YAML) -> list[MartColumn]:
    """Every documented column of every mart, from ``dbt/models/marts/**/*.yml``."""
    found = []
    for path in sorted(marts_dir.glob("**/*.yml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in spec.get("models") or ():
            for column in model.get("columns") or ():
                found.append(MartColumn(model["name"], _one_line(model.get("description")),
                                        column["name"], str(column.get("data_type", "")),
                                        _one_line(column.get("description"))))
    return found


def _value(value: Any) -> Any:
    """A cell as data: numbers as numbers, dates as ISO dates, a status or trend as words."""
    if isinstance(value, Status | Trend):
        return value.text  # a trend's figures by quarter, as the workbook gives them
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(table: Table) -> list[dict[str, Any]]:
    return [{col.key: _value(row.get(col.key)) for col in table.columns} for row in table.rows]


def _write_csv(path: Path, table: Table) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([col.key for col in table.columns])
        for row in _rows(table):
            writer.writerow(["" if v is None else v for v in row.values()])


def _pairs(reports: Mapping[str, Report]) -> Iterable[tuple[Table, Table]]:
    """Each Vietnamese table with its English twin (same id, same columns)."""
    english = {t.table_id: t for t in reports["en"].tables()} if "en" in reports else {}
    for table in reports["vi"].tables():
        yield table, english.get(table.table_id, table)


def write_open_data(reports: Mapping[str, Report], folder: Path) -> list[Path]:
    """Write ``folder`` (the release's ``data/``): tables, dictionaries and their index page.

    Returns the files written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    entries = []
    dictionary = [("table_id", "column", "label_vi", "label_en", "kind")]
    for vi, en in _pairs(reports):
        csv_path = folder / f"{vi.table_id}.csv"
        _write_csv(csv_path, vi)
        json_path = folder / f"{vi.table_id}.json"
        labels_en = {col.key: col.label for col in en.columns}
        json_path.write_text(json.dumps({
            "table_id": vi.table_id, "period": reports["vi"].period_key,
            "title_vi": vi.title, "title_en": en.title,
            "columns": [{"key": col.key, "label_vi": col.label,
                         "label_en": labels_en.get(col.key, col.label), "kind": col.kind}
                        for col in vi.columns],
            "rows": _rows(vi),
        }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written += [csv_path, json_path]
        dictionary += [(vi.table_id, col.key, col.label, labels_en.get(col.key, col.label),
                        col.kind) for col in vi.columns]
        entries.append({"table": vi, "title_en": en.title, "rows": len(vi.rows),
                        "csv": csv_path.name, "json": json_path.name,
                        "columns": [(col, labels_en.get(col.key, col.label))
                                    for col in vi.columns]})
    with (folder / DICTIONARY).open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(dictionary)
    marts = mart_columns()
    with (folder / MARTS_DICTIONARY).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("model", "model_description", "column", "data_type", "description"))
        writer.writerows((m.model, m.model_description, m.column, m.data_type, m.description)
                         for m in marts)
    models: dict[str, dict[str, Any]] = {}
    for m in marts:
        models.setdefault(m.model, {"description": m.model_description, "columns": []})
        models[m.model]["columns"].append(m)
    page = environment().get_template(DATA_TEMPLATE).render(
        report=reports["vi"], english=reports.get("en"), entries=entries, models=models,
        dictionary=DICTIONARY, marts_dictionary=MARTS_DICTIONARY)
    (folder / INDEX).write_text(page, encoding="utf-8")
    written += [folder / DICTIONARY, folder / MARTS_DICTIONARY, folder / INDEX]
    return written

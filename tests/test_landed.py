"""The contract is the one registry of a source: what lands, and the dbt sources, follow it.

A column that is parsed but has nowhere to land used to be dropped without a word (``seq``
of progress reports, ``plan_year`` of the register); a landed column the dbt sources do not
list is invisible to the warehouse's documentation. These tests fail naming the table and
the column.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from dagster_project.lib.home.paths import REPO_ROOT
from dagster_project.lib.ingest.contracts import (
    Contract,
    ContractError,
    load_contract,
    load_contracts,
)
from dagster_project.lib.ingest.landed import contract_tables, family_tables, landed_tables
from dagster_project.lib.ingest.landing import TABLE_SCHEMAS, UndeclaredColumnError, write_parquet
from dagster_project.lib.ingest.submission import parse_submission
from dagster_project.lib.reference.agencies import AgencyDirectory

CONTRACTS = load_contracts()
SOURCES_YAML = sorted((REPO_ROOT / "dbt" / "models" / "staging").glob("*/_*__sources.yml"))


def _landed_parts(contract: Contract) -> dict[str, set[str]]:
    """Contract column (and title-block value) -> the landed columns it must reach."""
    parts: dict[str, set[str]] = {}
    for spec in contract.columns:
        if spec.type == "status":
            parts[spec.name] = {spec.name, spec.text_column}
        elif spec.type == "agency_list":
            parts[spec.name] = {spec.text_column}
        elif spec.type == "deadline":
            parts[spec.name] = {spec.text_column, "due_date", "recurrence"}
        else:
            parts[spec.name] = {spec.name}
    for meta in contract.metadata:
        parts[f"metadata {meta.name}"] = {meta.landed_name}
    return parts


@pytest.mark.parametrize("source", sorted(CONTRACTS))
def test_every_parsed_column_has_a_landed_column(source: str) -> None:
    contract = CONTRACTS[source]
    schema = TABLE_SCHEMAS[contract.table]
    nowhere = {f"{contract.table}.{name}": sorted(landed - schema.keys())
               for name, landed in _landed_parts(contract).items() if landed - schema.keys()}
    assert not nowhere, f"parsed but not landed: {nowhere}"


@pytest.mark.parametrize("source", sorted(CONTRACTS))
def test_every_landed_column_is_described(source: str) -> None:
    for table in contract_tables(CONTRACTS[source]):
        assert table.description, f"{table.name} has no description"
        bare = [column.name for column in table.columns if not column.description]
        assert not bare, f"{table.name}: columns without a description: {bare}"


def test_sequence_and_plan_year_land() -> None:
    assert "seq" in TABLE_SCHEMAS["progress_report"]
    assert {"seq", "plan_year"} <= TABLE_SCHEMAS["register"].keys()


def test_word_list_columns_land_by_their_own_name() -> None:
    assert {"pillar", "pillar_text"} <= TABLE_SCHEMAS["budget_allocation"].keys()
    assert {"pillar", "pillar_text"} <= TABLE_SCHEMAS["budget_disbursement"].keys()
    assert {"program", "program_text"} <= TABLE_SCHEMAS["csdl_registry"].keys()


def test_every_family_table_has_a_schema() -> None:
    tables = [table for names in family_tables().values() for table in names]
    assert len(tables) == len(set(tables)) == len(landed_tables())
    assert set(tables) <= TABLE_SCHEMAS.keys()


def _dbt_source_columns() -> dict[str, set[str]]:
    """Columns each dbt source table lists, by table name."""
    tables: dict[str, set[str]] = {}
    for path in SOURCES_YAML:
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]:
            for table in source["tables"]:
                tables[table["name"]] = {c["name"] for c in table.get("columns") or ()}
    return tables


def test_dbt_sources_list_exactly_the_landed_tables() -> None:
    assert set(_dbt_source_columns()) == set(TABLE_SCHEMAS)


@pytest.mark.parametrize("table", sorted(TABLE_SCHEMAS))
def test_dbt_source_lists_exactly_the_landed_columns(table: str) -> None:
    listed, landed = _dbt_source_columns().get(table, set()), set(TABLE_SCHEMAS[table])
    unlisted, unlanded = sorted(landed - listed), sorted(listed - landed)
    assert not unlisted, f"{table}: landed but not in the dbt source: {unlisted}"
    assert not unlanded, f"{table}: in the dbt source but not landed: {unlanded}"


def _contract_with_two_word_lists(tmp_path: Path) -> Path:
    raw = yaml.safe_load((REPO_ROOT / "sources/contracts/budget_allocation.yaml").read_text())
    pillar = {key: value for key, value in raw["columns"][2].items() if key != "formerly"}
    raw["columns"].append({**pillar, "name": "second_pillar"})
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_two_word_list_columns_land_apart(tmp_path: Path) -> None:
    (table,) = contract_tables(load_contract(_contract_with_two_word_lists(tmp_path)))
    assert {"pillar", "pillar_text", "second_pillar", "second_pillar_text"} <= table.schema.keys()


def test_two_columns_landing_in_one_place_are_a_contract_error(tmp_path: Path) -> None:
    raw = yaml.safe_load((REPO_ROOT / "sources/contracts/task_plan.yaml").read_text())
    raw["columns"].append({**raw["columns"][-2], "name": "second_deadline"})
    path = tmp_path / "deadlines.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContractError, match="due_date"):
        contract_tables(load_contract(path))


def test_writer_refuses_a_column_it_would_drop(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [{"file_sha256": "ab", "not_declared": 1}]
    with pytest.raises(UndeclaredColumnError, match="not_declared"):
        write_parquet(rows, TABLE_SCHEMAS["register"], tmp_path / "register" / "x.parquet")
    assert not (tmp_path / "register").exists()


def test_parsed_register_rows_land_every_column(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH MỤC NHIỆM VỤ NĂM 2026"])
    sheet.append(["TT", "Mã nhiệm vụ", "Văn bản giao", "Ngày giao", "Tên nhiệm vụ",
                  "Cơ quan chủ trì", "Thời hạn hoàn thành"])
    sheet.append([7, "TB20-0001", "NQ 57", date(2026, 1, 5), "Ban hành", "Bộ Y tế", "Quý II"])
    workbook.save(tmp_path / "register.xlsx")
    submission = parse_submission(tmp_path / "register.xlsx", CONTRACTS,
                                  AgencyDirectory.from_seeds())
    (row,) = submission.rows
    assert (row["seq"], row["plan_year"], row["due_date"]) == ("7", 2026, date(2026, 6, 30))
    assert set(row) <= TABLE_SCHEMAS["register"].keys()

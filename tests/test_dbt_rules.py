"""Every dbt data test is a catalogue rule, and the gate judges dbt's results by it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from dagster_project.lib.home.paths import EXPECTATIONS_DIR
from dagster_project.lib.quality.dbt_rules import dbt_results, load_dbt_rules, read_manifest
from dagster_project.lib.quality.gate import load_areas


@pytest.fixture(scope="module")
def manifest() -> dict:
    return read_manifest()


@pytest.fixture(scope="module")
def rules(manifest: dict) -> dict:
    return load_dbt_rules(manifest)


def _data_tests(manifest: dict) -> list[dict]:
    return [node for node in manifest["nodes"].values()
            if node["resource_type"] == "test" and node.get("test_metadata")]


def test_every_dbt_data_test_has_a_complete_rule(manifest: dict, rules: dict) -> None:
    tests = _data_tests(manifest)
    assert len(tests) > 250 and set(rules) == {test["unique_id"] for test in tests}
    areas = load_areas()
    ids = [bound.rule.id for bound in rules.values()]
    assert len(set(ids)) == len(ids)
    for bound in rules.values():
        rule = bound.rule
        assert rule.area in areas and rule.owner and rule.severity in {"blocking", "warning"}
        assert rule.message_vi and rule.message_en and "{" not in rule.message_vi + rule.message_en


def test_ids_and_messages_say_what_is_tested(rules: dict) -> None:
    by_id = {bound.rule.id: bound for bound in rules.values()}
    unique = by_id["dbt.fct_task.task_id.unique"]
    assert unique.asset == "marts/fct_task" and unique.rule.area == "tasks"
    assert unique.rule.message_vi == (
        "Mỗi giá trị của cột task_id trong fct_task chỉ xuất hiện một lần.")
    relation = by_id["dbt.fct_task.lead_agency_id.relationships"].rule
    assert relation.message_en == "Every lead_agency_id of fct_task exists in dim_agency.agency_id."
    source = by_id["dbt.progress_report.task_code.not_null"]
    assert source.asset == "tasks/progress_report"
    assert by_id["dbt.fct_submission.file_sha256.unique"].rule.area == "submissions"


def test_the_catalogue_not_dbt_decides_severity(manifest: dict, rules: dict) -> None:
    # dbt never stops the build on a data test; the catalogue says what blocks.
    assert {test["config"]["severity"].lower() for test in _data_tests(manifest)} == {"warn"}
    warnings = sorted(b.rule.id for b in rules.values() if b.rule.severity == "warning")
    assert warnings == ["dbt.int_csdl_status_latest.database_id.relationships",
                        "dbt.int_indicator_actuals.unit_matches_target.accepted_values"]


def test_a_failing_blocking_test_fails_its_rule(rules: dict) -> None:
    by_id = {bound.rule.id: uid for uid, bound in rules.items()}
    unique = by_id["dbt.fct_task.task_id.unique"]
    units = by_id["dbt.int_indicator_actuals.unit_matches_target.accepted_values"]
    not_null = by_id["dbt.fct_task.task_id.not_null"]
    run_results = {"results": [
        {"unique_id": unique, "status": "warn", "failures": 3, "message": "Got 3 results"},
        {"unique_id": units, "status": "warn", "failures": 1, "message": "Got 1 result"},
        {"unique_id": not_null, "status": "skipped", "failures": None, "message": None},
        {"unique_id": "model.nq57.fct_task", "status": "success"},
    ]}
    results = {r.rule_id: r for r in dbt_results(run_results, rules)}
    assert set(results) == {"dbt.fct_task.task_id.unique", "dbt.fct_task.task_id.not_null",
                            "dbt.int_indicator_actuals.unit_matches_target.accepted_values"}
    duplicate = results["dbt.fct_task.task_id.unique"]
    assert (duplicate.passed, duplicate.severity) == (False, "blocking")
    assert duplicate.observed["failing_rows"] == 3
    assert not results["dbt.fct_task.task_id.not_null"].passed  # skipped is not proof
    assert results["dbt.int_indicator_actuals.unit_matches_target.accepted_values"
                   ].severity == "warning"


def test_a_test_kind_without_a_template_is_refused(manifest: dict, tmp_path: Path) -> None:
    folder = tmp_path / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, folder)
    config = yaml.safe_load((folder / "dbt_tests.yml").read_text(encoding="utf-8"))
    del config["templates"]["accepted_values"]
    (folder / "dbt_tests.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                          encoding="utf-8")
    with pytest.raises(ValueError, match="accepted_values"):
        load_dbt_rules(manifest, folder)

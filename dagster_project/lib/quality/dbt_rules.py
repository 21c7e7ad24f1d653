"""dbt data tests as rules of the publication gate.

Every data test in the dbt manifest becomes a catalogue rule with an id built from what it
tests, a subject area, a severity, an owner and a message in Vietnamese and English
(``expectations/dbt_tests.yml``: templates per kind of test, overrides per rule). dbt runs
every test with severity ``warn``; the gate reads dbt's ``run_results.json`` and judges the
failures by these rules, so one catalogue decides what blocks a release.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dagster_project.lib.home.paths import EXPECTATIONS_DIR
from dagster_project.lib.quality.dbt_manifest import prepare_dbt_project
from dagster_project.lib.quality.gate import (
    DBT_SUITE,
    SEVERITIES,
    Rule,
    RuleResult,
    load_areas,
    load_catalogue,
)

KINDS_WITHOUT_COLUMN = {"nq57_unique_combination"}


@dataclass(frozen=True)
class DbtRule:
    """A catalogue rule bound to one dbt test node."""

    rule: Rule
    unique_id: str  # the dbt test node
    asset: str  # the Dagster asset key of the tested model or source, as "a/b"


def _tested_node(test: Mapping[str, Any], manifest: Mapping[str, Any]) -> Mapping[str, Any]:
    """The model, seed or source a test is attached to."""
    attached = test.get("attached_node")
    if attached:
        return manifest["nodes"][attached]
    (source,) = [n for n in test["depends_on"]["nodes"] if n.startswith("source.")]
    return manifest["sources"][source]


def _asset(node: Mapping[str, Any]) -> str:
    """The node's Dagster asset key as dagster-dbt names it (schema/model; source/table)."""
    if node["resource_type"] == "source":
        return f"{node['source_name']}/{node['name']}"
    return f"{node['schema']}/{node['name']}"


def _area(node: Mapping[str, Any], folder_areas: Mapping[str, str]) -> str:
    """The subject area of a tested node: its folder below the layer, or its source."""
    if node["resource_type"] == "source":
        key = node["source_name"]
    elif node["resource_type"] == "seed":
        key = "reference"
    else:
        fqn = node["fqn"]
        key = fqn[2] if len(fqn) > 3 else fqn[1]
    return folder_areas.get(key, key)


def _rule_id(kind: str, model: str, kwargs: Mapping[str, Any]) -> str:
    if kind in KINDS_WITHOUT_COLUMN:
        return f"dbt.{model}.unique({','.join(kwargs['columns'])})"
    return f"dbt.{model}.{kwargs['column_name']}.{kind}"


def _fields(model: str, kwargs: Mapping[str, Any]) -> dict[str, str]:
    """The words a message template may use."""
    to = str(kwargs.get("to", ""))
    for prefix in ("ref('", "source('"):
        to = to.replace(prefix, "")
    return {
        "model": model,
        "column": str(kwargs.get("column_name", "")),
        "columns": ", ".join(kwargs.get("columns", [])),
        "values": ", ".join(str(value) for value in kwargs.get("values", [])),
        "to": to.replace("', '", ".").rstrip("')"),
        "field": str(kwargs.get("field", "")),
    }


def load_dbt_rules(manifest: Mapping[str, Any],
                   folder: Path = EXPECTATIONS_DIR) -> dict[str, DbtRule]:
    """A rule for every data test in the manifest, keyed by the test's node id.

    Raises ``ValueError`` when a test's kind has no message template, two tests would get
    one id, or an override names a test that does not exist: the catalogue must describe
    every test, and only real ones.
    """
    config = yaml.safe_load((folder / "dbt_tests.yml").read_text(encoding="utf-8"))
    areas = load_areas(folder)
    overrides = {item["id"]: item for item in config.get("overrides") or []}
    rules: dict[str, DbtRule] = {}
    ids: set[str] = set()
    for unique_id, test in sorted(manifest["nodes"].items()):
        if test["resource_type"] != "test" or not test.get("test_metadata"):
            continue
        kind, kwargs = test["test_metadata"]["name"], test["test_metadata"]["kwargs"]
        if kind not in config["templates"]:
            raise ValueError(f"dbt_tests.yml: no message template for dbt test kind {kind!r}")
        node = _tested_node(test, manifest)
        rule_id = _rule_id(kind, node["name"], kwargs)
        if rule_id in ids:
            raise ValueError(f"dbt_tests.yml: two dbt tests would share the id {rule_id}")
        ids.add(rule_id)
        area = areas[_area(node, config.get("areas") or {})]
        override = overrides.get(rule_id, {})
        fields = _fields(node["name"], kwargs)
        template = config["templates"][kind]
        severity = override.get("severity", config["severity"])
        if severity not in SEVERITIES:
            raise ValueError(f"dbt_tests.yml: bad severity {severity!r} for {rule_id}")
        rules[unique_id] = DbtRule(
            rule=Rule(
                id=rule_id, severity=severity, owner=override.get("owner", area.owner),
                expectation=f"dbt:{kind}", kwargs=dict(kwargs),
                message_vi=" ".join(override.get("message_vi",
                                                 template["message_vi"].format(**fields)).split()),
                message_en=" ".join(override.get("message_en",
                                                 template["message_en"].format(**fields)).split()),
                area=area.id,
            ),
            unique_id=unique_id,
            asset=_asset(node),
        )
    unknown = set(overrides) - ids
    if unknown:
        raise ValueError(f"dbt_tests.yml: overrides for tests that do not exist: {sorted(unknown)}")
    return rules


def dbt_results(run_results: Mapping[str, Any], rules: Mapping[str, DbtRule]) -> list[RuleResult]:
    """Judge each data test dbt ran by its catalogue rule.

    A test that did not pass (``warn``, ``fail`` or ``error``: dbt reports a failing test as
    ``warn`` under severity warn) fails its rule; a test dbt skipped fails too, since
    publication needs proof.
    """
    results = []
    for item in run_results.get("results", []):
        bound = rules.get(item["unique_id"])
        if bound is None:
            continue
        rule = bound.rule
        results.append(RuleResult(
            rule_id=rule.id, check_name=item["unique_id"].split(".")[2], suite=DBT_SUITE,
            asset=bound.asset, severity=rule.severity, passed=item.get("status") == "pass",
            message_vi=rule.message_vi, message_en=rule.message_en,
            observed={"status": item.get("status"), "failing_rows": item.get("failures"),
                      "dbt_message": item.get("message")},
            area=rule.area, owner=rule.owner,
        ))
    return results


def read_run_results(path: Path) -> dict[str, Any]:
    """The ``run_results.json`` dbt wrote for an invocation."""
    return json.loads(path.read_text(encoding="utf-8"))


def read_manifest() -> dict[str, Any]:
    """The dbt project's manifest, parsed again first if the project changed."""
    return json.loads(prepare_dbt_project().read_text(encoding="utf-8"))


def all_rules() -> dict[str, Rule]:
    """Every rule of the catalogue by id: the GX suites' and the dbt data tests'."""
    rules = {rule.id: rule for suite in load_catalogue() for rule in suite.rules}
    rules.update({bound.rule.id: bound.rule for bound in load_dbt_rules(read_manifest()).values()})
    return rules

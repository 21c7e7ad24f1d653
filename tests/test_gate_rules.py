"""One pass and one fail case for every rule of the gate, generated from the catalogue.

For each rule of `expectations/suites/*.yml` the smallest batch that keeps the rule and the
smallest batch that breaks it are derived from the rule's own expectation and arguments
(a null for "not null", a value one step past the bound for "between", a repeated key for
"unique", a pair with a missing side where the rule ignores such pairs, …). Both are
validated by Great Expectations exactly as the gate does
(:func:`~dagster_project.lib.quality.gate.validate_suite`): a rule whose arguments GX cannot
run, whose bound is exclusive where it should include, or whose failure would reach
reviewers without its id, severity, breaking rows or agency fails here, by id.

Where the suite names its agency column, the breaking rows carry an agency and the test
asserts the failure is counted against it: that count is what reviewers see per agency.
Whether a rule's columns exist in its batch is proven by the demo run, which validates every
suite on the real warehouse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from dagster_project.lib.quality.gate import (
    Rule,
    Suite,
    _gx_context,
    load_catalogue,
    validate_suite,
)

AGENCY = "BKHCN"
"""The agency the failing row of a suite with an agency column belongs to."""

Rows = list[dict[str, Any]]
Case = tuple[Rows, Rows, Rows]
"""Rows that keep the rule; rows of the breaking batch that are fine; rows that break it."""


def _step(bound: Any) -> Any:
    """The smallest step past a bound that the expectation must notice."""
    return 1 if isinstance(bound, int) and not isinstance(bound, bool) else 1e-6


def _outside(value_set: list[Any]) -> Any:
    """A value of the set's own kind that is not in the set."""
    first = value_set[0]
    if isinstance(first, bool):
        return not first
    if isinstance(first, int | float):
        return max(value_set) + 1
    return "giá trị ngoài danh mục"


def _not_null(kw: dict[str, Any]) -> Case:
    return [{kw["column"]: "có"}], [{kw["column"]: "có"}], [{kw["column"]: None}]


def _unique(kw: dict[str, Any]) -> Case:
    column = kw["column"]
    return [{column: "A"}, {column: "B"}], [{column: "B"}], [{column: "A"}, {column: "A"}]


def _compound_unique(kw: dict[str, Any]) -> Case:
    first = {column: "A" for column in kw["column_list"]}
    other = {**first, kw["column_list"][-1]: "B"}
    return [first, other], [other], [first, dict(first)]


def _between(kw: dict[str, Any]) -> Case:
    low, high = kw.get("min_value"), kw.get("max_value")
    keeps = [bound for bound in (low, high) if bound is not None]
    breaks = high + _step(high) if high is not None else low - _step(low)
    return ([{kw["column"]: v} for v in keeps], [{kw["column"]: keeps[0]}],
            [{kw["column"]: breaks}])


def _in_set(kw: dict[str, Any]) -> Case:
    values = kw["value_set"]
    return ([{kw["column"]: v} for v in values], [{kw["column"]: values[0]}],
            [{kw["column"]: _outside(values)}])


def _ignored_if_missing(kw: dict[str, Any]) -> Rows:
    """A pair with a missing side, which the rule says it does not judge."""
    if kw.get("ignore_row_if") != "either_value_is_missing":
        return []
    return [{kw["column_A"]: None, kw["column_B"]: 5}]


def _pair_equal(kw: dict[str, Any]) -> Case:
    a, b = kw["column_A"], kw["column_B"]
    return [{a: 7, b: 7}, *_ignored_if_missing(kw)], [{a: 7, b: 7}], [{a: 7, b: 8}]


def _pair_greater(kw: dict[str, Any]) -> Case:
    a, b = kw["column_A"], kw["column_B"]
    keeps = [{a: 8, b: 7}, *([{a: 7, b: 7}] if kw.get("or_equal") else [])]
    breaks = {a: 7, b: 7} if not kw.get("or_equal") else {a: 6, b: 7}
    return [*keeps, *_ignored_if_missing(kw)], [{a: 8, b: 7}], [breaks]


def _rows(count: int) -> Rows:
    return [{"row": i} for i in range(count)]


def _row_count_equal(kw: dict[str, Any]) -> Case:
    return _rows(kw["value"]), _rows(kw["value"] + 1), []


def _row_count_between(kw: dict[str, Any]) -> Case:
    low, high = kw.get("min_value"), kw.get("max_value")
    keeps = low if low is not None else high
    return _rows(keeps), _rows(low - 1 if low else high + 1), []


CASES: dict[str, Callable[[dict[str, Any]], Case]] = {
    "ExpectColumnValuesToNotBeNull": _not_null,
    "ExpectColumnValuesToBeUnique": _unique,
    "ExpectCompoundColumnsToBeUnique": _compound_unique,
    "ExpectColumnValuesToBeBetween": _between,
    "ExpectColumnValuesToBeInSet": _in_set,
    "ExpectColumnPairValuesToBeEqual": _pair_equal,
    "ExpectColumnPairValuesAToBeGreaterThanB": _pair_greater,
    "ExpectTableRowCountToEqual": _row_count_equal,
    "ExpectTableRowCountToBeBetween": _row_count_between,
}
"""How to keep and how to break each kind of expectation the catalogue uses."""

ROW_WISE = {name for name in CASES if not name.startswith("ExpectTable")}

RULES: dict[str, tuple[Suite, Rule]] = {rule.id: (suite, rule) for suite in load_catalogue()
                                        for rule in suite.rules}


def _frame(fine: Rows, breaking: Rows, suite: Suite) -> pd.DataFrame:
    """The batch, with the suite's agency column filled in: ``AGENCY`` on the breaking rows."""
    column = suite.agency_column
    if column:
        fine = [{column: "BTC", **row} for row in fine]
        breaking = [{column: AGENCY, **row} for row in breaking]
    return pd.DataFrame([*fine, *breaking])


def _expected_by_agency(breaking: Rows, suite: Suite) -> dict[str, int]:
    """Breaking rows per agency, as reviewers should see them (``?`` for a row with none)."""
    column = suite.agency_column
    counts: dict[str, int] = {}
    for row in breaking:
        agency = row.get(column, AGENCY)
        key = "?" if agency is None else str(agency)
        counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.fixture(scope="module")
def context() -> Any:
    """One Great Expectations context for every rule (building one per rule is slow)."""
    return _gx_context()


def test_every_expectation_the_catalogue_uses_has_cases() -> None:
    assert {rule.expectation for _, rule in RULES.values()} <= set(CASES)
    assert len(RULES) >= 100


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_keeps_good_rows_and_names_bad_ones(rule_id: str, context: Any) -> None:
    suite, rule = RULES[rule_id]
    alone = replace(suite, rules=(rule,))
    keeps, fine, breaking = CASES[rule.expectation](rule.kwargs)

    (kept,) = validate_suite(alone, _frame(keeps, [], suite), context)
    (broken,) = validate_suite(alone, _frame(fine, breaking, suite), context)

    assert kept.passed, f"{rule_id} fails on rows that keep it: {keeps} → {kept.observed}"
    assert not broken.passed, f"{rule_id} lets through rows that break it: {breaking or fine}"
    assert (broken.rule_id, broken.severity, broken.message_vi) == (
        rule.id, rule.severity, rule.message_vi)
    if rule.expectation in ROW_WISE:
        assert broken.failing_rows, f"{rule_id} does not show reviewers the breaking row"
        if suite.agency_column:
            assert broken.failing_by_agency == _expected_by_agency(breaking, suite)

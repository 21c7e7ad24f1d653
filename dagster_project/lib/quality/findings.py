"""The failed rules of an audit, failures first, each with its rows traced to their files.

``nq57 review`` and the quality annex show the same thing: for every rule that did not pass
— blocking failures nobody waived first, then waived ones, then warnings — its messages,
what it measured, the waiver if there is one, and the rows that broke it with the file,
SHA-256, sheet and row each came from (:mod:`dagster_project.lib.quality.lineage`).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.lib.quality.gate import Rule, RuleResult, Suite, load_catalogue
from dagster_project.lib.quality.lineage import (
    FailingRow,
    LineageFinder,
    failing_row,
    rule_columns,
)

__all__ = ["FINDING_ORDER", "Finding", "finding_status", "findings", "lineage_manifest",
           "open_finder"]

# What needs a decision first: an unwaived blocking failure, then a waived one, a warning.
FINDING_ORDER = ("failed", "waived", "warning")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.0+)?(?:Z|[+-]00:?00)?$")


@dataclass
class Finding:
    """A rule that did not pass, with its rows and the decision taken on it."""

    rule_id: str
    severity: str
    status: str  # one of FINDING_ORDER
    suite: str
    asset: str
    area: str
    owner: str
    message_vi: str
    message_en: str
    observed: dict[str, Any]
    rows_failing: int | None  # how many rows broke it, where the rule counts rows
    failing_by_agency: dict[str, int]
    rows: list[FailingRow] = field(default_factory=list)  # the first rows, traced
    waiver: dict[str, Any] | None = None

    @property
    def waived_by(self) -> str | None:
        """Who waived the rule for this data, if anyone."""
        return None if self.waiver is None else str(self.waiver.get("by", ""))

    def record(self) -> dict[str, Any]:
        """The finding as ``nq57 review --json`` prints it."""
        waiver = None if self.waiver is None else {
            key: self.waiver.get(key) for key in ("by", "reason", "at", "data_fingerprint",
                                                  "sha256")}
        return {
            "rule_id": self.rule_id, "severity": self.severity, "status": self.status,
            "suite": self.suite, "asset": self.asset, "area": self.area, "owner": self.owner,
            "message_vi": self.message_vi, "message_en": self.message_en,
            "observed": self.observed, "rows_failing": self.rows_failing,
            "failing_by_agency": self.failing_by_agency,
            "rows": [row.record() for row in self.rows],
            "waived_by": self.waived_by, "waiver": waiver,
        }


def finding_status(result: RuleResult, waivers: Mapping[str, Any]) -> str | None:
    """``failed``, ``waived`` or ``warning`` for a rule that did not pass; None if it passed."""
    if result.passed:
        return None
    if result.severity != "blocking":
        return "warning"
    return "waived" if result.rule_id in waivers else "failed"


@functools.cache
def _catalogue_rules() -> dict[str, tuple[Suite, Rule]]:
    return {rule.id: (suite, rule) for suite in load_catalogue() for rule in suite.rules}


def _rows_failing(result: RuleResult) -> int | None:
    observed = result.observed
    for key in ("unexpected_count", "failing_rows"):  # GX's count; dbt's
        if isinstance(observed.get(key), int):
            return int(observed[key])
    return len(result.failing_rows) or None


def _plain(value: Any) -> Any:
    """A date written as a midnight timestamp (``2026-06-01T00:00:00.000``) as the date."""
    if isinstance(value, str):
        match = _MIDNIGHT.match(value)
        return match.group(1) if match else value
    return value


def _traced(result: RuleResult, finder: LineageFinder | None) -> list[FailingRow]:
    """The result's kept rows with key, value and (where the warehouse is at hand) lineage."""
    suite, rule = _catalogue_rules().get(result.rule_id, (None, None))
    columns = rule_columns(rule.kwargs) if rule else []
    file_column = getattr(rule, "file_column", None)
    if file_column and file_column not in columns:
        columns.insert(0, file_column)
    agency_column = suite.agency_column if suite else None
    rows = []
    for raw in result.failing_rows:
        plain = {column: _plain(value) for column, value in raw.items()}
        if finder is not None:
            rows.append(finder.resolve(plain, result.asset, columns, agency_column))
        else:
            rows.append(failing_row(plain, columns, agency_column))
    return rows


def findings(results: Sequence[RuleResult], waivers: Mapping[str, Any],
             finder: LineageFinder | None = None) -> list[Finding]:
    """Every rule that did not pass, failures first, its rows traced through ``finder``."""
    found = []
    for result in results:
        status = finding_status(result, waivers)
        if status is None:
            continue
        found.append(Finding(
            rule_id=result.rule_id, severity=result.severity, status=status,
            suite=result.suite, asset=result.asset, area=result.area, owner=result.owner,
            message_vi=result.message_vi, message_en=result.message_en,
            observed=result.observed, rows_failing=_rows_failing(result),
            failing_by_agency=dict(result.failing_by_agency),
            rows=_traced(result, finder),
            waiver=waivers.get(result.rule_id) if status == "waived" else None,
        ))
    return sorted(found, key=lambda f: (FINDING_ORDER.index(f.status), f.rule_id))


@contextlib.contextmanager
def open_finder(warehouse: Path | None) -> Iterator[LineageFinder | None]:
    """A lineage finder over a warehouse file (None when there is none to read)."""
    if warehouse is None or not warehouse.exists():
        yield None
        return
    manifest = lineage_manifest()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        yield LineageFinder(con, manifest)


def lineage_manifest() -> dict[str, Any] | None:
    """The dbt manifest, for the staging models an asset is built from (None if unreadable)."""
    from dagster_project.lib.quality.dbt_rules import read_manifest

    try:
        return read_manifest()
    except (OSError, RuntimeError, ValueError):
        return None  # every staging model is then searched

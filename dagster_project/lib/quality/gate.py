"""The publication gate: the rule catalogue, validated with Great Expectations.

Rules live in ``expectations/`` (``catalogue.yml`` names the subject areas and their owners;
``suites/<area>.yml`` holds the suites: id, severity, owner, expectation, messages). Each
suite pulls one batch for the quarter being published from DuckDB as a pandas frame and
validates it with GX Core. GX has no DuckDB SQLAlchemy dialect, so pandas batches are
the supported route (10 M rows and 11 expectations measured at ~10 s on this hardware).
Results are written to ``<home>/runs/<run_id>/gate/`` where the publish step reads them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import yaml

from dagster_project.lib.home.bounded_duckdb import bounded_connection
from dagster_project.lib.home.paths import EXPECTATIONS_DIR, Home
from dagster_project.lib.reference.periods import ReportingPeriod, quarter_bounds

SEVERITIES = {"blocking", "warning"}
DBT_SUITE = "dbt_tests"  # the dbt data tests' results, recorded beside the GX suites
GX_RESULTS = "gx"  # sub-folder of a run's gate folder with GX's own validation results


@dataclass(frozen=True)
class Rule:
    """One gate rule: a GX expectation with an id, severity and reviewer messages."""

    id: str
    severity: str
    owner: str
    expectation: str
    kwargs: dict[str, Any]
    message_vi: str
    message_en: str
    area: str = ""
    # For a rule one file can break on its own: the file's column a failing row points at.
    file_column: str | None = None

    @property
    def check_name(self) -> str:
        """Dagster check name (letters, digits, underscores): TASK-001 → task_001."""
        return self.id.lower().replace("-", "_")

    @property
    def blocking(self) -> bool:
        """Whether a failure stops publication."""
        return self.severity == "blocking"


@dataclass(frozen=True)
class Suite:
    """Rules validated together on one batch pulled by one query."""

    name: str
    asset: str
    description: str
    query: str
    rules: tuple[Rule, ...]
    area: str = ""
    agency_column: str | None = None  # counts failing rows per agency for reviewers
    # Rows behind a failure of a rule that judges aggregates (e.g. a monthly share): shown
    # as the failing rows when GX cannot point at rows of the batch itself.
    detail_query: str | None = None
    # A suite of rules that one file can break on its own reads ``{file_rows}``: the rows
    # of this landed table. ``nq57 check`` validates each file's rows with it, the gate the
    # rows of the period's current files, so a file ``check`` accepts cannot block alone.
    file_table: str | None = None


@dataclass
class RuleResult:
    """The outcome of one rule for one period."""

    rule_id: str
    check_name: str
    suite: str
    asset: str
    severity: str
    passed: bool
    message_vi: str
    message_en: str
    observed: dict[str, Any] = field(default_factory=dict)
    area: str = ""
    owner: str = ""
    # Rows that broke the rule (the first FAILING_ROWS_KEPT) and their count per agency,
    # where the suite names its agency column and the expectation works row by row.
    failing_rows: list[dict[str, Any]] = field(default_factory=list)
    failing_by_agency: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Area:
    """A subject area of the warehouse and the body that answers for its rules."""

    id: str
    name_vi: str
    name_en: str
    owner: str


def load_areas(folder: Path = EXPECTATIONS_DIR) -> dict[str, Area]:
    """The subject areas named in ``catalogue.yml``."""
    raw = yaml.safe_load((folder / "catalogue.yml").read_text(encoding="utf-8"))
    return {key: Area(key, **value) for key, value in raw["areas"].items()}


def catalogue_files(folder: Path = EXPECTATIONS_DIR) -> list[Path]:
    """Every file of the catalogue, in a stable order (its version is their hash)."""
    return sorted(path for path in folder.rglob("*.yml") if path.is_file())


def catalogue_sha256(folder: Path = EXPECTATIONS_DIR) -> str:
    """One SHA-256 over the catalogue's files (names and contents): its version."""
    import hashlib

    digest = hashlib.sha256()
    for path in catalogue_files(folder):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _rule(raw: dict[str, Any], area: Area) -> Rule:
    return Rule(
        id=raw["id"], severity=raw["severity"], owner=raw.get("owner", area.owner),
        expectation=raw["expectation"], kwargs=dict(raw.get("kwargs") or {}),
        message_vi=" ".join(raw["message_vi"].split()),
        message_en=" ".join(raw["message_en"].split()), area=area.id,
        file_column=raw.get("file_column"),
    )


def load_catalogue(folder: Path = EXPECTATIONS_DIR) -> tuple[Suite, ...]:
    """Read and check the GX suites (known areas, unique ids, severities, expectations)."""
    import great_expectations as gx

    areas = load_areas(folder)
    suites, seen = [], set()
    for path in sorted((folder / "suites").glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        area = areas.get(raw.get("area", ""))
        if area is None:
            raise ValueError(f"catalogue: {path.name} names unknown area {raw.get('area')!r}")
        for suite in raw["suites"]:
            rules = []
            for rule in suite["rules"]:
                if rule["id"] in seen or rule["severity"] not in SEVERITIES:
                    raise ValueError(f"catalogue: duplicate id or bad severity in {rule['id']}")
                if not hasattr(gx.expectations, rule["expectation"]):
                    raise ValueError(
                        f"catalogue: {rule['id']} names unknown {rule['expectation']}")
                seen.add(rule["id"])
                rules.append(_rule(rule, area))
            _check_file_table(path, suite)
            suites.append(Suite(suite["name"], suite["asset"], suite.get("description", ""),
                                suite["query"], tuple(rules), area.id,
                                suite.get("agency_column"), suite.get("detail_query"),
                                suite.get("file_table")))
    return tuple(suites)


def _check_file_table(path: Path, suite: dict[str, Any]) -> None:
    """A suite of per-file rules names a landed table and reads it through ``{file_rows}``."""
    from dagster_project.lib.ingest.landed import landed_tables

    table = suite.get("file_table")
    if table is None:
        return
    if table not in landed_tables():
        raise ValueError(f"catalogue: {path.name}: suite {suite['name']} reads unknown "
                         f"landed table {table!r}")
    if "{file_rows}" not in suite["query"]:
        raise ValueError(f"catalogue: {path.name}: suite {suite['name']} names a file_table "
                         "but its query does not read {file_rows}")


def file_rows_relation(con: duckdb.DuckDBPyConnection, suite: Suite, landing: Path,
                       period: ReportingPeriod) -> str:
    """The rows a per-file suite reads in the gate: its table's rows in the period's files.

    The files are those that stand for their body and month (``int_submissions_current``)
    with a reporting month in the period, read as landed, so the gate judges exactly the
    rows ``nq57 check`` judged in each file.
    """
    from dagster_project.lib.ingest.landed import landed_tables

    table = landed_tables()[suite.file_table or ""]
    current = con.execute(
        "select file_sha256 from intermediate.int_submissions_current where is_current"
        " and reporting_month between ? and ? order by file_sha256",
        [period.start, period.end]).fetchall()
    pattern = str(landing / table.family / table.name / "**" / "*.parquet").replace("'", "''")
    listed = ", ".join(f"'{sha256}'" for (sha256,) in current if sha256.isalnum()) or "null"
    return (f"(select * from read_parquet('{pattern}', union_by_name = true)"
            f" where file_sha256 in ({listed}))")


def resolve_period(con: duckdb.DuckDBPyConnection, period_key: str | None) -> ReportingPeriod:
    """The quarter to gate: the one asked for, else the latest quarter with reports."""
    if period_key is None:
        row = con.execute(
            "select max(period_key) from intermediate.int_reporting_quarters").fetchone()
        if row is None or row[0] is None:
            raise ValueError("Kho dữ liệu chưa có báo cáo nào / the warehouse has no reports yet")
        period_key = str(row[0])
    start, end = quarter_bounds(period_key)
    row = con.execute(
        "select as_of_date from intermediate.int_reporting_quarters where period_key = ?",
        [period_key],
    ).fetchone()
    return ReportingPeriod(period_key, start, end, row[0] if row else end)


def _gx_context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _observed(result: dict[str, Any]) -> dict[str, Any]:
    keep = ("observed_value", "element_count", "unexpected_count", "unexpected_percent",
            "partial_unexpected_list")
    return json.loads(json.dumps({k: result[k] for k in keep if k in result}, default=str))


FAILING_ROWS_KEPT = 50


def _failing_rows(rule: Rule, frame: pd.DataFrame, result: dict[str, Any],
                  passed: bool) -> pd.DataFrame:
    """The batch rows that broke a rule.

    GX's unexpected index for row-wise expectations; the whole batch when the rule says the
    batch should be empty (each of its rows is then a finding).
    """
    if passed:
        return frame.iloc[0:0]
    indices = result.get("unexpected_index_list")
    if indices and all(isinstance(index, int) for index in indices):
        return frame.loc[frame.index.isin(indices)]
    if rule.expectation == "ExpectTableRowCountToEqual" and rule.kwargs.get("value") == 0:
        return frame
    return frame.iloc[0:0]


def _count_by_agency(rows: pd.DataFrame, agency_column: str | None) -> dict[str, int]:
    """How many of the rows belong to each agency (``?`` where the row names none)."""
    if not agency_column or agency_column not in rows:
        return {}
    counts = rows[agency_column].fillna("?").value_counts()
    return {str(agency): int(count) for agency, count in counts.items()}


def _json_rows(rows: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(rows.head(FAILING_ROWS_KEPT).to_json(
        orient="records", date_format="iso", force_ascii=False))


def validate_suite(suite: Suite, frame: pd.DataFrame, context: Any = None,
                   raw: list[dict[str, Any]] | None = None,
                   rows_out: dict[str, pd.DataFrame] | None = None) -> list[RuleResult]:
    """Validate one batch against one suite with GX; one result per rule.

    Results are asked for in full (``COMPLETE``) so that failing rows can be shown per
    agency; batches are small (one quarter of one mart). ``raw``, if given, receives GX's
    own validation result (for Data Docs); ``rows_out``, every failing row by rule id (the
    results keep the first ``FAILING_ROWS_KEPT``).
    """
    import great_expectations as gx

    context = context or _gx_context()
    frame = frame.reset_index(drop=True)
    source = context.data_sources.add_or_update_pandas(f"nq57_{suite.name}")
    batch = source.add_dataframe_asset(name=suite.name).add_batch_definition_whole_dataframe(
        "period")
    expectation_suite = context.suites.add_or_update(gx.ExpectationSuite(
        name=suite.name, meta={"area": suite.area, "description": suite.description}))
    for rule in suite.rules:
        expectation_class = getattr(gx.expectations, rule.expectation)
        expectation_suite.add_expectation(expectation_class(
            **rule.kwargs, meta={"rule_id": rule.id, "severity": rule.severity},
            notes=f"{rule.id} [{rule.severity}] {rule.message_vi} / {rule.message_en}"))
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=expectation_suite))
    outcome = validation.run(batch_parameters={"dataframe": frame},
                             result_format={"result_format": "COMPLETE"})
    if raw is not None:
        raw.append(outcome.to_json_dict())
    by_id = {rule.id: rule for rule in suite.rules}
    results = []
    for expectation_result in outcome.results:
        rule = by_id[expectation_result.expectation_config.meta["rule_id"]]
        detail = dict(expectation_result.result or {})
        passed = bool(expectation_result.success)
        rows = _failing_rows(rule, frame, detail, passed)
        if rows_out is not None:
            rows_out[rule.id] = rows
        by_agency = _count_by_agency(rows, suite.agency_column)
        results.append(RuleResult(
            rule_id=rule.id, check_name=rule.check_name, suite=suite.name, asset=suite.asset,
            severity=rule.severity, passed=passed,
            message_vi=rule.message_vi, message_en=rule.message_en,
            observed=_observed(detail), area=rule.area, owner=rule.owner,
            failing_rows=_json_rows(rows), failing_by_agency=by_agency,
        ))
    return results


def _with_detail(results: list[RuleResult], suite: Suite, detail: pd.DataFrame
                 ) -> list[RuleResult]:
    """Give failed rules that could not name agencies the suite's detail rows instead."""
    by_agency = _count_by_agency(detail, suite.agency_column)
    for result in results:
        if not result.passed and not result.failing_by_agency:
            result.failing_rows = _json_rows(detail)
            result.failing_by_agency = by_agency
    return results


def run_suite(warehouse: Path, suite: Suite, period_key: str | None,
              raw: list[dict[str, Any]] | None = None, landing: Path | None = None,
              ) -> tuple[ReportingPeriod, list[RuleResult]]:
    """Pull the suite's batch for the period from the warehouse and validate it.

    ``raw``, if given, receives GX's own validation result (for Data Docs). ``landing`` is
    where a per-file suite reads the landed rows (default: the home of the working
    warehouse, ``<home>/landing``).
    """
    with bounded_connection(warehouse, spill_under=warehouse.parent / "tmp",
                            read_only=True) as con:
        period = resolve_period(con, period_key)
        params = period.sql_params()
        if suite.file_table:
            params["file_rows"] = file_rows_relation(
                con, suite, landing or warehouse.parent / "landing", period)
        frame = con.execute(suite.query.format(**params)).fetchdf()
        results = validate_suite(suite, frame, raw=raw)
        if suite.detail_query and any(not r.passed and not r.failing_by_agency
                                      for r in results):
            detail = con.execute(suite.detail_query.format(**period.sql_params())).fetchdf()
            results = _with_detail(results, suite, detail)
    return period, results


def gate_folder(home: Home, run_id: str) -> Path:
    """Where a run records its rule results, one JSON file per suite."""
    return home.runs / run_id / "gate"


def write_results(home: Home, run_id: str, suite: Suite | str, period: ReportingPeriod,
                  results: list[RuleResult]) -> Path:
    """Record a suite's results for the run, where the gate and reviewers will look."""
    name = suite if isinstance(suite, str) else suite.name
    folder = gate_folder(home, run_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    payload = {"suite": name, "period": period.record(),
               "results": [asdict(result) for result in results]}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str),
                    encoding="utf-8")
    return path


def write_gx_result(home: Home, run_id: str, suite: Suite, raw: dict[str, Any]) -> Path:
    """Keep GX's own validation result of a suite, from which Data Docs are built."""
    folder = gate_folder(home, run_id) / GX_RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{suite.name}.json"
    path.write_text(json.dumps(raw, ensure_ascii=False, default=str), encoding="utf-8")
    return path


def read_gx_results(home: Home, run_id: str) -> list[dict[str, Any]]:
    """GX's validation results recorded by a run's checks."""
    folder = gate_folder(home, run_id) / GX_RESULTS
    return [json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(folder.glob("*.json"))]


def read_results(home: Home, run_id: str, period_key: str) -> dict[str, list[RuleResult]]:
    """A run's recorded results for a period, by suite.

    Suites run for another period, or not at all, are absent.
    """
    return read_results_in(gate_folder(home, run_id), period_key)


def read_results_in(folder: Path, period_key: str) -> dict[str, list[RuleResult]]:
    """Recorded results for a period in a folder of suite files (a run's or a release's)."""
    found = {}
    for path in sorted(folder.glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload["period"]["period_key"] == period_key:
            found[payload["suite"]] = [RuleResult(**item) for item in payload["results"]]
    return found


def latest_gate_results(home: Home, period_key: str
                        ) -> tuple[str, float, list[RuleResult]] | None:
    """The most recent run that recorded gate results for the period, when, and its results.

    When is the gate folder's modification time. A run whose blocking checks failed stops
    before its audit is judged, so its results are the only record of what blocked it.
    """
    runs: list[tuple[float, str, list[RuleResult]]] = []
    for folder in home.runs.glob("*/gate"):
        results = [result for suite in read_results_in(folder, period_key).values()
                   for result in suite]
        if results:
            runs.append((folder.stat().st_mtime, folder.parent.name, results))
    if not runs:
        return None
    when, run_id, results = max(runs, key=lambda run: run[0])
    return run_id, when, results


@dataclass(frozen=True)
class GateVerdict:
    """Whether a run's audit lets a period be published, and why not."""

    period_key: str
    passed: bool  # every suite ran and no unwaived blocking rule failed
    failed_blocking: tuple[RuleResult, ...]
    warnings: tuple[RuleResult, ...]
    missing_suites: tuple[str, ...]
    waived: tuple[RuleResult, ...] = ()  # failed blocking rules a reviewer waived
    results: tuple[RuleResult, ...] = ()  # every result, passed or not


def read_verdict(home: Home, run_id: str, period_key: str,
                 suites: tuple[Suite, ...] | None = None,
                 waived_rules: Collection[str] = ()) -> GateVerdict:
    """Judge a run from its recorded results.

    Every GX suite and the dbt data tests (``DBT_SUITE``) must have results for this period
    in this run, and no blocking rule may have failed unless a reviewer waived it for the
    period (``waived_rules``, from the review log). A suite with no result counts as failed:
    publication needs proof, not the absence of a complaint.
    """
    suites = suites or load_catalogue()
    recorded = read_results(home, run_id, period_key)
    required = [suite.name for suite in suites] + [DBT_SUITE]
    missing = tuple(name for name in required if name not in recorded)
    results = tuple(result for name in required for result in recorded.get(name, []))
    failed = tuple(r for r in results if not r.passed and r.severity == "blocking"
                   and r.rule_id not in waived_rules)
    waived = tuple(r for r in results if not r.passed and r.severity == "blocking"
                   and r.rule_id in waived_rules)
    warnings = tuple(r for r in results if not r.passed and r.severity != "blocking")
    return GateVerdict(period_key, not failed and not missing, failed, warnings, missing,
                       waived, results)

"""Great Expectations suites from the rule catalogue, as Dagster asset checks.

One multi-asset check per suite (one GX validation, one batch of the run's staging
warehouse) yields one check result per rule; blocking rules are ``blocking=True`` checks, so
an unwaived failure stops the release gate in the same run, and the gate re-reads every
recorded result before it lets the scorecard publish. Since the gate then does not run, the
last suite to record its results writes the run's audit, quality annex and Data Docs in its
place, for the reviewer.
"""

# No `from __future__ import annotations` here: Dagster inspects the context annotations.
from collections.abc import Iterator

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    multi_asset_check,
)

from dagster_project.defs.partitions import PARTITION_TAG
from dagster_project.defs.resources import Nq57Settings
from dagster_project.lib.home.verify import verify_period
from dagster_project.lib.quality.audit import read_build
from dagster_project.lib.quality.gate import (
    Suite,
    load_catalogue,
    run_suite,
    write_gx_result,
    write_results,
)
from dagster_project.lib.quality.review import read_log
from dagster_project.lib.quality.run_records import gate_stops_at_checks, write_run_records


def _suite_check(suite: Suite) -> AssetChecksDefinition:
    specs = [
        AssetCheckSpec(
            name=rule.check_name,
            asset=AssetKey(suite.asset.split("/")),
            blocking=rule.blocking,
            description=f"{rule.id} ({rule.severity}): {rule.message_vi} / {rule.message_en}",
        )
        for rule in suite.rules
    ]

    @multi_asset_check(specs=specs, name=f"gx_{suite.name}", can_subset=False)
    def _check(context: AssetCheckExecutionContext, nq57: Nq57Settings
               ) -> Iterator[AssetCheckResult]:
        home = nq57.home_dir()
        # The run's partition is the quarter being published; without one, the latest.
        period_key = context.run.tags.get(PARTITION_TAG)
        raw: list[dict] = []
        period, results = run_suite(home.run_warehouse(context.run.run_id), suite, period_key,
                                    raw=raw, landing=home.landing)
        write_results(home, context.run.run_id, suite, period, results)
        write_gx_result(home, context.run.run_id, suite, raw[0])
        # A blocking rule a reviewer waived for the period fails as a warning: it is shown,
        # and the waiver with it, but does not stop the scorecard.
        build = read_build(home, context.run.run_id)
        waivers = read_log(home, period.key, build.data_fingerprint if build else None).waivers
        for result in results:
            waiver = waivers.get(result.rule_id)
            blocks = result.severity == "blocking" and waiver is None
            yield AssetCheckResult(
                asset_key=AssetKey(suite.asset.split("/")),
                check_name=result.check_name,
                passed=result.passed,
                severity=AssetCheckSeverity.ERROR if blocks else AssetCheckSeverity.WARN,
                description=f"{result.rule_id}: {result.message_en}",
                metadata={
                    "rule_id": result.rule_id,
                    "period": period.key,
                    "as_of_date": period.as_of_date.isoformat(),
                    "message_vi": result.message_vi,
                    "observed": MetadataValue.json(result.observed),
                    **({"waived_by": waiver["by"], "waiver_reason": waiver["reason"]}
                       if waiver and not result.passed else {}),
                },
            )
        if gate_stops_at_checks(home, context.run.run_id, period.key, set(waivers), SUITES):
            problems = [finding.line() for finding in verify_period(home, period.key)]
            records = write_run_records(home, context.run.run_id, period.key,
                                        auto_approve=nq57.auto_approve,
                                        record_problems=problems)
            context.log.info(f"Blocked: audit {records.audit}, quality annex {records.annex}, "
                             f"Data Docs {records.data_docs}")

    _check.__doc__ = suite.description
    return _check


SUITES = load_catalogue()
GATE_CHECKS = [_suite_check(suite) for suite in SUITES]

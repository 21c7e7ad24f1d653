"""``nq57 review``, ``nq57 approve`` and ``nq57 waive``: the reviewer's side of the gate."""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import datetime
from typing import Any

from dagster_project.console import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from dagster_project.console import say as _say
from dagster_project.lib.home.paths import Home
from dagster_project.lib.quality.audit import Build, approval_for, read_build
from dagster_project.lib.quality.gate import RuleResult, latest_gate_results
from dagster_project.lib.quality.review import (
    AuditedData,
    ReviewError,
    ReviewLog,
    approve,
    read_log,
    verify_log,
    waive,
)
from dagster_project.lib.reference.periods import VIETNAM_TIME


def latest_audit(home: Home, period_key: str) -> tuple[str, list[RuleResult]] | None:
    """The most recent run that recorded gate results for the period, with its results."""
    found = latest_gate_results(home, period_key)
    return None if found is None else (found[0], found[2])


def _observed(result: RuleResult) -> str:
    observed: dict[str, Any] = result.observed
    parts = []
    if "unexpected_count" in observed:
        parts.append(f"{observed['unexpected_count']}/{observed.get('element_count')} rows")
    if "observed_value" in observed:
        parts.append(f"observed {observed['observed_value']}")
    if observed.get("partial_unexpected_list"):
        parts.append(f"e.g. {observed['partial_unexpected_list'][:5]}")
    return "; ".join(parts)


def _agency_lines(results: list[RuleResult]) -> list[str]:
    """Failing rows per agency across the failed rules, most first: whom to chase."""
    totals: Counter[str] = Counter()
    rules: dict[str, list[str]] = {}
    for result in results:
        for agency, count in result.failing_by_agency.items():
            totals[agency] += count
            rules.setdefault(agency, []).append(result.rule_id)
    return [f"    {agency}: {count} rows ({', '.join(rules[agency])})"
            for agency, count in totals.most_common()]


def _failed_lines(failed: list[RuleResult], log: ReviewLog) -> tuple[list[str], int]:
    """One line per failed rule (with agencies and waiver); and how many block unwaived."""
    lines, open_blocking = [], 0
    for result in failed:
        waiver = log.waivers.get(result.rule_id)
        open_blocking += result.severity == "blocking" and waiver is None
        mark = f" — waived by {waiver['by']}: {waiver['reason']}" if waiver else ""
        lines.append(f"    ✗ {result.rule_id} {result.message_vi} / {result.message_en} "
                     f"[{_observed(result)}]{mark}")
        if result.failing_by_agency:
            agencies = ", ".join(f"{agency} {count}" for agency, count in
                                 sorted(result.failing_by_agency.items(),
                                        key=lambda item: -item[1])[:10])
            lines.append(f"        by agency / theo cơ quan: {agencies}")
    return lines, open_blocking


def cmd_review(args: argparse.Namespace) -> int:
    """Show the period's latest audit: failures per rule and per agency, decisions."""
    home = Home.from_env()
    audit = latest_audit(home, args.period)
    if audit is None:
        _say(f"Chưa có kết quả kiểm tra cho {args.period}: chạy `nq57 run --period "
             f"{args.period}` trước / no audit for {args.period} yet: run the pipeline first.")
        return EXIT_FAILED
    run_id, results = audit
    build = read_build(home, run_id)
    log = read_log(home, args.period, build.data_fingerprint if build else None)
    _say(f"Audit of {args.period} (run {run_id}): {len(results)} rules"
         + (f"; data {build.data_fingerprint[:12]}" if build else ""))
    blocking_open = 0
    for severity in ("blocking", "warning"):
        failed = [r for r in results if r.severity == severity and not r.passed]
        passed = sum(1 for r in results if r.severity == severity and r.passed)
        _say(f"  {severity}: {passed} passed, {len(failed)} failed")
        lines, open_here = _failed_lines(failed, log)
        blocking_open += open_here
        for line in lines:
            _say(line)
    agencies = _agency_lines([r for r in results if not r.passed])
    if agencies:
        _say("  Failing rows per agency / Số dòng lỗi theo cơ quan:")
        for line in agencies:
            _say(line)
    for rule_id, entry in sorted(log.lapsed_waivers.items()):
        _say(f"  waiver of {rule_id} by {entry['by']} lapsed: given for other data "
             f"({str(entry.get('data_fingerprint') or 'not named')[:12]}) / miễn trừ hết hiệu "
             "lực vì dữ liệu đã thay đổi")
    approval = approval_for(log, build.data_fingerprint if build else None)
    for entry in log.approvals:
        current = " (this data)" if entry is approval else " (earlier data)"
        _say(f"  approved by {entry['by']} at {entry['at']}{current}"
             + (f": {entry['note']}" if entry.get("note") else ""))
    problems = verify_log(home, args.period)
    for problem in problems:
        _say(f"  review log damaged / nhật ký bị sửa: {problem}")
    if blocking_open:
        verdict = f"{blocking_open} blocking failure(s) need a fix or a waiver"
    elif approval is None:
        verdict = (f"rules pass; awaiting approval: nq57 approve --period {args.period} "
                   "--by NAME")
    else:
        verdict = f"publishable: approved by {approval['by']}"
    _say(f"Verdict: {verdict}")
    return EXIT_OK if not blocking_open and not problems else EXIT_FAILED


def _audited_build(home: Home, period_key: str) -> tuple[str, list[RuleResult], Build] | None:
    """The period's latest audit with the build it judged: what a decision is given for."""
    audit = latest_audit(home, period_key)
    build = read_build(home, audit[0]) if audit else None
    return None if audit is None or build is None else (*audit, build)


def cmd_approve(args: argparse.Namespace) -> int:
    """Record a sign-off of the data the period's latest audit built."""
    home = Home.from_env()
    audited = _audited_build(home, args.period)
    if audited is None:
        _say(f"nq57: chưa có dữ liệu để phê duyệt cho {args.period}: chạy `nq57 run` trước / "
             f"nothing to approve for {args.period}: run the pipeline first")
        return EXIT_USAGE
    run_id, results, build = audited
    log = read_log(home, args.period, build.data_fingerprint)
    open_blocking = [r.rule_id for r in results if not r.passed and r.severity == "blocking"
                     and r.rule_id not in log.waivers]
    if open_blocking:
        _say(f"nq57: không thể phê duyệt, còn lỗi chặn chưa xử lý / cannot approve: blocking "
             f"rules still fail unwaived: {', '.join(open_blocking)}")
        return EXIT_USAGE
    try:
        entry = approve(home, args.period, args.by, datetime.now(VIETNAM_TIME),
                        build.data_fingerprint, run_id, args.note or "")
    except ReviewError as error:
        _say(f"nq57: {error}")
        return EXIT_USAGE
    _say(f"Đã ghi phê duyệt / approval recorded: {args.period} by {entry['by']}, data "
         f"{build.data_fingerprint[:12]} (run {run_id}). Chạy lại `nq57 run --period "
         f"{args.period}` để công bố / run the pipeline again to publish it.")
    return EXIT_OK


def cmd_waive(args: argparse.Namespace) -> int:
    """Record a justified exception for a blocking rule that fails in the latest audit."""
    home = Home.from_env()
    audited = _audited_build(home, args.period)
    if audited is None:
        _say(f"nq57: chưa có kết quả kiểm tra để miễn trừ cho {args.period}: chạy `nq57 run` "
             f"trước / nothing audited to waive for {args.period}: run the pipeline first")
        return EXIT_USAGE
    run_id, results, build = audited
    data = AuditedData(run_id, build.data_fingerprint,
                       frozenset(r.rule_id for r in results if not r.passed))
    try:
        entry = waive(home, args.period, args.rule, args.by, args.reason,
                      datetime.now(VIETNAM_TIME), data)
    except ReviewError as error:
        _say(f"nq57: {error}")
        return EXIT_USAGE
    _say(f"Đã ghi miễn trừ / waiver recorded: {entry['rule_id']} for {args.period} by "
         f"{entry['by']}, for data {build.data_fingerprint[:12]} (run {run_id}); it lapses "
         "when the data changes / hết hiệu lực khi dữ liệu thay đổi")
    return EXIT_OK


def add_review_commands(commands: Any) -> None:
    """Add ``review``, ``approve`` and ``waive`` to the ``nq57`` sub-command parser."""
    review = commands.add_parser(
        "review", help="show a quarter's latest audit: failed rules, waivers, approvals",
        description="Show the latest gate results recorded for --period (blocking and "
                    "warning rules, failing rows), with the waivers and approvals of the "
                    "period's review log. Exit 0 when nothing blocking is left open.")
    review.add_argument("--period", required=True, help="quarter, e.g. 2026-Q2")
    review.set_defaults(func=cmd_review)

    approval = commands.add_parser(
        "approve", help="sign off a quarter (recorded in the append-only review log)",
        description="Record that NAME reviewed the latest audit of --period and approves "
                    "publishing exactly the data it built (named by its fingerprint: new or "
                    "corrected files need a new approval). Refused while a blocking rule "
                    "fails unwaived. The log (NQ57_HOME/reviews/<period>.jsonl) is "
                    "append-only and hash-chained; approvals go into the release manifest. "
                    "Run the pipeline again to publish.")
    approval.add_argument("--period", required=True, help="quarter, e.g. 2026-Q2")
    approval.add_argument("--by", required=True, metavar="NAME", help="who approves")
    approval.add_argument("--note", help="optional remark")
    approval.set_defaults(func=cmd_approve)

    waiver = commands.add_parser(
        "waive", help="record a justified exception for a blocking rule",
        description="Let --period publish although blocking rule RULE fails, for the given "
                    "reason. The waiver is given for the data of the quarter's latest audit "
                    "and lapses when the data changes (new or corrected files); a rule that "
                    "passes there cannot be waived. It is recorded in the review log, shown "
                    "by `nq57 review`, and goes into the release manifest. Warnings need no "
                    "waiver.")
    waiver.add_argument("rule", metavar="RULE", help="rule id, e.g. BUD-002")
    waiver.add_argument("--period", required=True, help="quarter, e.g. 2026-Q2")
    waiver.add_argument("--by", required=True, metavar="NAME", help="who decides")
    waiver.add_argument("--reason", required=True, help="why publishing is still right")
    waiver.set_defaults(func=cmd_waive)


__all__ = ["add_review_commands", "latest_audit"]

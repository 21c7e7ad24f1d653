"""``nq57 review``, ``nq57 approve`` and ``nq57 waive``: the reviewer's side of the gate."""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from dagster_project.console import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from dagster_project.console import say as _say
from dagster_project.lib.home.paths import Home
from dagster_project.lib.publish.release import latest_release
from dagster_project.lib.quality.audit import Build, approval_for, read_audit, read_build
from dagster_project.lib.quality.findings import Finding, findings, open_finder
from dagster_project.lib.quality.gate import RuleResult, latest_gate_results, read_verdict
from dagster_project.lib.quality.review import (
    AuditedData,
    ReviewError,
    approve,
    read_log,
    verify_log,
    waive,
)
from dagster_project.lib.quality.run_records import RECORD_LABELS, run_records
from dagster_project.lib.reference.periods import VIETNAM_TIME
from dagster_project.lib.text.terminal import json_text, printable

ROWS_SHOWN = 10  # failing rows printed per rule; --json gives every row the rule kept
MARKS = {"failed": "✗", "waived": "◆", "warning": "▲"}


def latest_audit(home: Home, period_key: str) -> tuple[str, list[RuleResult]] | None:
    """The most recent run that recorded gate results for the period, with its results."""
    found = latest_gate_results(home, period_key)
    return None if found is None else (found[0], found[2])


def _agency_lines(found: list[Finding]) -> list[str]:
    """Failing rows per agency across the rules that did not pass, most first: whom to chase."""
    totals: Counter[str] = Counter()
    rules: dict[str, list[str]] = {}
    for finding in found:
        for agency, count in finding.failing_by_agency.items():
            totals[agency] += count
            rules.setdefault(agency, []).append(finding.rule_id)
    return [printable(f"    {agency}: {count} rows ({', '.join(rules[agency])})")
            for agency, count in totals.most_common()]


def _pairs(values: dict[str, Any]) -> str:
    return ", ".join(f"{column}={value}" for column, value in values.items())


def _finding_lines(finding: Finding) -> list[str]:
    """A rule that did not pass, then its rows: where each came from, its key and value."""
    waiver = finding.waiver
    mark = printable(f" — waived by {waiver['by']}: {waiver['reason']}") if waiver else ""
    observed = _observed_text(finding.observed)
    lines = [f"  {MARKS[finding.status]} {finding.rule_id} [{finding.severity}] "
             f"{finding.message_vi} / {finding.message_en}"
             + (f" [{observed}]" if observed else "") + mark]
    for row in finding.rows[:ROWS_SHOWN]:
        lines.append(f"      {printable(row.where())}")
        detail = "; ".join(part for part in (
            f"key {_pairs(row.key)}" if row.key else "",
            f"value {_pairs(row.value)}" if row.value else "",
            f"agency {row.agency}" if row.agency else "") if part)
        if detail:
            lines.append(f"        {printable(detail)}")
    hidden = len(finding.rows) - ROWS_SHOWN
    if hidden > 0:
        lines.append(f"      … {hidden} more row(s) / dòng nữa: --json lists them")
    if finding.failing_by_agency:
        agencies = ", ".join(f"{agency} {count}" for agency, count in
                             sorted(finding.failing_by_agency.items(),
                                    key=lambda item: -item[1])[:10])
        lines.append(f"      by agency / theo cơ quan: {printable(agencies)}")
    return lines


def _observed_text(observed: dict[str, Any]) -> str:
    parts = []
    if "unexpected_count" in observed:
        parts.append(f"{observed['unexpected_count']}/{observed.get('element_count')} rows")
    if "observed_value" in observed:
        parts.append(f"observed {observed['observed_value']}")
    if observed.get("failing_rows") is not None and "status" in observed:  # a dbt test
        parts.append(f"dbt {observed['status']}: {observed['failing_rows']} rows")
    return "; ".join(parts)


@dataclass
class QuarterReview:
    """What ``nq57 review`` says of a quarter, as ``--json`` prints it."""

    period: str
    state: str  # one sentence, Vietnamese / English
    verdict: str  # published | publishable | awaiting_approval | blocked | not_run
    run_id: str | None = None
    data_fingerprint: str | None = None
    release: dict[str, Any] | None = None
    rules_checked: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    waivers: list[dict[str, Any]] = field(default_factory=list)
    lapsed_waivers: list[dict[str, Any]] = field(default_factory=list)
    approvals: list[dict[str, Any]] = field(default_factory=list)
    approval: dict[str, Any] | None = None
    missing_suites: list[str] = field(default_factory=list)
    review_log_problems: list[str] = field(default_factory=list)
    records: dict[str, str] = field(default_factory=dict)
    blocking_open: list[str] = field(default_factory=list)


def _release_record(home: Home, period_key: str) -> dict[str, Any] | None:
    release = latest_release(home, period_key)
    if release is None:
        return None
    return {"version": release.version, "published_at": release.manifest.get("published_at"),
            "run_id": release.manifest.get("run_id"), "path": str(release.path),
            "data_fingerprint": (release.manifest.get("notes") or {}).get("data_fingerprint")}


def _state(review: QuarterReview) -> tuple[str, str]:
    """The quarter in one sentence (vi / en), and its verdict in one word."""
    parts, release = [], review.release
    if release is not None:
        day = str(release.get("published_at") or "")[:10]
        parts.append(f"đã công bố v{release['version']} ngày {day} / published "
                     f"v{release['version']} on {day}")
        # The latest run published it, or found the very data it published (a re-run).
        if release.get("run_id") == review.run_id or (
                review.data_fingerprint and not review.blocking_open
                and release.get("data_fingerprint") == review.data_fingerprint):
            return "; ".join(parts), "published"
    later = " (lần chạy sau / a later run)" if release is not None else ""
    if review.run_id is None:
        return "; ".join(parts) or "chưa chạy / not run yet", "not_run"
    if review.blocking_open or review.missing_suites or review.review_log_problems:
        why = []
        if review.blocking_open:
            why.append(", ".join(review.blocking_open))
        if review.missing_suites:
            why.append("chưa chạy / not run: " + ", ".join(review.missing_suites))
        if review.review_log_problems:
            why.append("nhật ký rà soát bị sửa / review log damaged")
        parts.append(f"bị chặn bởi / blocked by {'; '.join(why)}{later}")
        return "; ".join(parts), "blocked"
    if review.approval is None:
        parts.append(f"chờ phê duyệt / awaiting approval{later}")
        return "; ".join(parts), "awaiting_approval"
    parts.append(f"đủ điều kiện công bố, phê duyệt bởi / publishable, approved by "
                 f"{review.approval['by']}{later}")
    return "; ".join(parts), "publishable"


def quarter_review(home: Home, period_key: str) -> tuple[QuarterReview, list[Finding]]:
    """The period's latest audit: its failures traced to their rows, decisions and state."""
    review = QuarterReview(period_key, "", "not_run", release=_release_record(home, period_key))
    audit = latest_audit(home, period_key)
    if audit is None:
        review.state, review.verdict = _state(review)
        return review, []
    run_id, results = audit
    build = read_build(home, run_id)
    log = read_log(home, period_key, build.data_fingerprint if build else None)
    verdict = read_verdict(home, run_id, period_key, waived_rules=set(log.waivers))
    with open_finder(home.run_warehouse(run_id)) as finder:
        found = findings(results, log.waivers, finder)
    audited = read_audit(home, run_id)
    review.run_id, review.rules_checked = run_id, len(results)
    review.data_fingerprint = build.data_fingerprint if build else None
    review.counts = {severity: {
        "passed": sum(r.severity == severity and r.passed for r in results),
        "failed": sum(r.severity == severity and not r.passed for r in results)}
        for severity in ("blocking", "warning")}
    review.failures = [finding.record() for finding in found]
    review.blocking_open = [f.rule_id for f in found if f.status == "failed"]
    review.waivers = [log.waivers[rule_id] for rule_id in sorted(log.waivers)]
    review.lapsed_waivers = [log.lapsed_waivers[key] for key in sorted(log.lapsed_waivers)]
    review.approvals = list(log.approvals)
    review.approval = approval_for(log, review.data_fingerprint)
    if review.approval is None and audited is not None and audited.auto_approved:
        review.approval = {"by": "tự động (trình diễn) / automatic (demo)", "automatic": True}
    review.missing_suites = list(verdict.missing_suites)
    review.review_log_problems = verify_log(home, period_key)
    review.records = {name: str(path) for name, path in
                      run_records(home, run_id).written().items()}
    review.state, review.verdict = _state(review)
    return review, found


def _say_review(review: QuarterReview, found: list[Finding]) -> None:
    """The review for a reader: state, failures first with their rows, decisions, records."""
    _say(f"Audit of {review.period} (run {review.run_id}): {review.rules_checked} rules"
         + (f"; data {review.data_fingerprint[:12]}" if review.data_fingerprint else ""))
    _say(f"State / Tình trạng: {review.state}")
    if found:
        _say("Failures first / Lỗi cần xử lý trước:")
    for finding in found:
        for line in _finding_lines(finding):
            _say(line)
    for severity, count in review.counts.items():
        _say(f"  {severity}: {count['passed']} passed, {count['failed']} failed")
    agencies = _agency_lines(found)
    if agencies:
        _say("  Failing rows per agency / Số dòng lỗi theo cơ quan:")
        for line in agencies:
            _say(line)
    for waiver in review.waivers:
        _say(printable(f"  waiver in force / miễn trừ còn hiệu lực: {waiver['rule_id']} by "
                       f"{waiver['by']} ({waiver.get('at', '')}): {waiver['reason']}"))
    for entry in review.lapsed_waivers:
        _say(f"  waiver of {entry['rule_id']} by {entry['by']} lapsed: given for other data "
             f"({str(entry.get('data_fingerprint') or 'not named')[:12]}) / miễn trừ hết hiệu "
             "lực vì dữ liệu đã thay đổi")
    for entry in review.approvals:
        current = " (this data)" if entry is review.approval else " (earlier data)"
        _say(f"  approved by {entry['by']} at {entry['at']}{current}"
             + (f": {entry['note']}" if entry.get("note") else ""))
    for problem in review.review_log_problems:
        _say(f"  review log damaged / nhật ký bị sửa: {problem}")
    for name, path in review.records.items():
        _say(f"  {RECORD_LABELS[name]}: {printable(path)}")


def _verdict_line(review: QuarterReview) -> str:
    if review.blocking_open:
        return f"{len(review.blocking_open)} blocking failure(s) need a fix or a waiver"
    if review.approval is None:
        return (f"rules pass; awaiting approval: nq57 approve --period {review.period} "
                "--by NAME")
    return f"publishable: approved by {review.approval['by']}"


def cmd_review(args: argparse.Namespace) -> int:
    """Show the period's latest audit: failures first with their rows, decisions, state."""
    home = Home.from_env()
    review, found = quarter_review(home, args.period)
    if args.json:
        _say(json_text(asdict(review)))
        return (EXIT_OK if review.run_id and not review.blocking_open
                and not review.review_log_problems else EXIT_FAILED)
    if review.run_id is None:
        _say(f"Chưa có kết quả kiểm tra cho {args.period}: chạy `nq57 run --period "
             f"{args.period}` trước / no audit for {args.period} yet: run the pipeline first.")
        return EXIT_FAILED
    _say_review(review, found)
    _say(f"Verdict: {_verdict_line(review)}")
    return EXIT_OK if not review.blocking_open and not review.review_log_problems else EXIT_FAILED


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
        "review", help="show a quarter's latest audit: failures and their rows, waivers, "
                       "approvals",
        description="Show the state of --period (published, awaiting approval, blocked by "
                    "…) and its latest gate results, failures first: each rule that did not "
                    "pass with its rows, traced to the file, SHA-256, sheet and row they came "
                    "from, with their key and value; then the waivers in force, the approvals "
                    "of the period's review log and where the run's audit, quality annex and "
                    "Data Docs are. Exit 0 when nothing blocking is left open.")
    review.add_argument("--period", required=True, help="quarter, e.g. 2026-Q2")
    review.add_argument("--json", action="store_true",
                        help="print the same as one JSON object (period, state, verdict, "
                             "failures with their rows, waivers, approvals, records)")
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


__all__ = ["QuarterReview", "add_review_commands", "latest_audit", "quarter_review"]

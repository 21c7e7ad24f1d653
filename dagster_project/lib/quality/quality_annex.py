"""The quality annex: the reviewers' page for a quarter, beside the scorecard.

One self-contained HTML page (inline CSS, no script, no external resource, A4 print) that
answers what a quality reviewer asks before signing a quarter off and what the office needs
to chase agencies: which gate rules passed, failed, were waived or warned, how each rule
did in earlier quarters, which bodies sent their monthly reports late, incompletely or not
at all (``marts.agg_agency_reporting``) and which rules their rows broke, and who approved
or waived what. Vietnamese first, English beside it, numbers and dates written the
Vietnamese way (:mod:`dagster_project.lib.text.vnformat`).

Every status carries an icon and a word, never a colour alone, so the page survives
colour-blind readers and grey-scale printers. Autoescape is on: agency names, agency codes
taken from rows and reviewers' reasons are untrusted text.

Rules that did not pass come first, failures before waivers and warnings, each with the rows
that broke it traced to the file, SHA-256, sheet and row they came from
(:mod:`dagster_project.lib.quality.findings`), and linked to the scorecard and to its page of
the Data Docs where the caller knows them (:class:`AnnexLinks`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from dagster_project.lib.home.paths import Home
from dagster_project.lib.publish.templates import environment
from dagster_project.lib.quality.findings import Finding, lineage_manifest
from dagster_project.lib.quality.findings import findings as traced_findings
from dagster_project.lib.quality.gate import RuleResult, load_areas
from dagster_project.lib.quality.lineage import LineageFinder
from dagster_project.lib.quality.review import ReviewLog
from dagster_project.lib.reference.periods import VIETNAM_TIME, parse_period, previous_quarters
from dagster_project.lib.text.vnformat import (
    MISSING,
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_number,
    fmt_period,
    vi_sort_key,
)

__all__ = ["STATUSES", "AnnexLinks", "write_quality_annex"]

TEMPLATE_NAME = "quality_annex.html.j2"
OUTPUT_FILENAME = "index.html"


@dataclass(frozen=True)
class Status:
    """How a rule's outcome is shown: a CSS class, an icon and a label in both languages."""

    key: str
    icon: str
    label_vi: str
    label_en: str


STATUSES: dict[str, Status] = {
    "failed": Status("failed", "✖", "Không đạt (chặn công bố)", "Failed (blocks publication)"),
    "waived": Status("waived", "◆", "Không đạt, đã miễn trừ", "Failed, waived"),
    "warning": Status("warning", "▲", "Cảnh báo", "Warning"),
    "passed": Status("passed", "✔", "Đạt", "Passed"),
    "absent": Status("absent", "–", "Không đánh giá", "Not evaluated"),
}
# The order sections and summaries list outcomes in: what needs a decision first.
STATUS_ORDER = ("failed", "waived", "warning", "passed")

KIND_LABELS = {
    "central_body": ("Cơ quan Trung ương", "Central body"),
    "ministry": ("Bộ, cơ quan ngang bộ", "Ministry"),
    "province": ("Tỉnh, thành phố", "Province"),
}


# The scorecard section that shows each area's figures (``id`` of its <section>).
SCORECARD_SECTIONS = {"tasks": "toan-quoc", "budget": "kinh-phi", "csdl": "csdl",
                      "public_services": "dich-vu-cong", "indicators": "chi-tieu"}
SCORECARD_QUALITY_SECTION = "chat-luong"


@dataclass(frozen=True)
class AnnexLinks:
    """Where the annex links to, relative to its own folder (None: nothing to link to)."""

    scorecard: str | None = None  # the scorecard page the findings link to
    data_docs: Mapping[str, str] = field(default_factory=dict)  # suite → its validation page
    data_docs_index: str | None = None


@dataclass(frozen=True)
class RowView:
    """One failing row as the annex prints it."""

    file_name: str | None
    file_sha256: str | None
    sheet_name: str | None
    row_number: int | None
    key: str
    value: str
    agency: str | None


@dataclass(frozen=True)
class FindingView:
    """A rule that did not pass, with its rows and links, as the annex shows it."""

    finding: Finding
    status: Status
    anchor: str  # ``id`` of its rows table
    observed: str
    rows: tuple[RowView, ...]
    docs_href: str | None
    scorecard_href: str | None


@dataclass(frozen=True)
class FailingAgency:
    """A body whose rows broke a rule, with how many."""

    agency_id: str
    name_vi: str
    rows: int


@dataclass(frozen=True)
class RuleRow:
    """One rule's result as the annex shows it."""

    rule_id: str
    severity: str
    owner: str
    status: Status
    observed: str
    agencies: tuple[FailingAgency, ...]
    message_vi: str
    message_en: str


@dataclass(frozen=True)
class AreaSection:
    """The rules of one subject area."""

    area_id: str
    name_vi: str
    name_en: str
    rules: tuple[RuleRow, ...]


@dataclass(frozen=True)
class TrendRow:
    """One rule across quarters: a status per period key."""

    rule_id: str
    severity: str
    cells: tuple[tuple[str, Status], ...]


@dataclass(frozen=True)
class RuleFailure:
    """A rule a body's rows broke this quarter."""

    rule_id: str
    rows: int
    status: Status


@dataclass
class AgencyCard:
    """A body's reporting record for the quarter and the rules its rows broke.

    ``figures`` is the body's row of ``marts.agg_agency_reporting``; empty for a body that
    broke a rule without being expected to report (a dissolved body, a code from a row).
    """

    agency_id: str
    name_vi: str
    kind: str
    figures: dict[str, Any]
    failures: list[RuleFailure] = field(default_factory=list)

    @property
    def reasons(self) -> list[tuple[str, str]]:
        """Why the office should chase the body, in both languages (empty: nothing to do)."""
        f = self.figures
        reasons = []
        for column, vi, en in (
            ("months_missing", "tháng chưa nộp báo cáo", "month(s) not reported"),
            ("months_late", "tháng nộp muộn", "month(s) reported late"),
            ("files_rejected", "tệp bị từ chối", "file(s) rejected"),
            ("rows_quarantined", "dòng bị loại", "row(s) quarantined"),
        ):
            if f.get(column):
                reasons.append((f"{fmt_int(f[column])} {vi}", f"{f[column]} {en}"))
        # A waiver lets the quarter publish; the body's rows still need correcting.
        if self.failures:
            reasons.append((f"{len(self.failures)} quy tắc không đạt",
                            f"{len(self.failures)} rule(s) failed"))
        return reasons

    @property
    def needs_chase(self) -> bool:
        """Whether anything on the card calls for a follow-up."""
        return bool(self.reasons)

    def chase_key(self) -> tuple[Any, ...]:
        """Sort key: blocking failures, then missing, late, rejected, quarantined, warnings."""
        f = self.figures
        blocking = sum(x.status.key == "failed" for x in self.failures)
        return (
            not self.needs_chase,
            -blocking,
            -(f.get("months_missing") or 0),
            -(f.get("months_late") or 0),
            -(f.get("files_rejected") or 0),
            -(f.get("rows_quarantined") or 0),
            -len(self.failures),
            vi_sort_key(self.name_vi),
        )


@dataclass(frozen=True)
class ReviewEntry:
    """An approval or a waiver from the period's review log."""

    action_vi: str
    action_en: str
    rule_id: str | None
    by: str
    at: str
    text: str
    automatic: bool


def rule_status(result: RuleResult, waived_rules: Mapping[str, Any]) -> Status:
    """The annex status of a result: passed, warning, waived or failed."""
    if result.passed:
        return STATUSES["passed"]
    if result.severity != "blocking":
        return STATUSES["warning"]
    return STATUSES["waived" if result.rule_id in waived_rules else "failed"]


def _number(value: Any) -> str:
    """A figure from GX's result: whole numbers grouped, shares to four decimals."""
    if isinstance(value, bool):
        return "đúng / true" if value else "sai / false"
    if isinstance(value, int):
        return fmt_int(value)
    if isinstance(value, float):
        return fmt_int(value) if value.is_integer() else fmt_number(value, 4)
    return MISSING if value is None else str(value)[:80]


def observed_text(observed: Mapping[str, Any]) -> str:
    """What the rule measured, briefly: the observed value or the failing rows' count."""
    parts = []
    if "observed_value" in observed:
        parts.append(_number(observed["observed_value"]))
    if "unexpected_count" in observed:
        count = f"{_number(observed['unexpected_count'])} không đạt"
        if observed.get("element_count"):
            count += f" / {_number(observed['element_count'])} dòng"
        parts.append(count)
    return "; ".join(parts) or MISSING


def _pairs(values: Mapping[str, Any]) -> str:
    """``task_id = NQ57-0058; reporting_month = 2026-06-01`` (MISSING when empty)."""
    return "; ".join(f"{column} = {MISSING if value is None else _number(value)}"
                     for column, value in values.items()) or MISSING


def _anchor(rule_id: str) -> str:
    """An ``id`` for a rule's rows: letters, digits and hyphens only."""
    return "dong-" + "".join(char if char.isalnum() else "-" for char in rule_id)


def finding_views(found: Sequence[Finding], links: AnnexLinks) -> list[FindingView]:
    """The findings with their rows formatted and their links resolved."""
    views = []
    for finding in found:
        rows = tuple(RowView(row.file_name, row.file_sha256, row.sheet_name, row.row_number,
                             _pairs(row.key), _pairs(row.value), row.agency)
                     for row in finding.rows)
        section = SCORECARD_SECTIONS.get(finding.area, SCORECARD_QUALITY_SECTION)
        views.append(FindingView(
            finding=finding, status=STATUSES[finding.status], anchor=_anchor(finding.rule_id),
            observed=observed_text(finding.observed), rows=rows,
            docs_href=links.data_docs.get(finding.suite),
            scorecard_href=f"{links.scorecard}#{section}" if links.scorecard else None,
        ))
    return views


def _agency_names(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """Vietnamese name and kind of every body in the warehouse."""
    rows = con.execute("select agency_id, name_vi, kind from marts.dim_agency").fetchall()
    return {agency_id: (name, kind) for agency_id, name, kind in rows}


def load_agency_reporting(con: duckdb.DuckDBPyConnection,
                          period_key: str) -> list[dict[str, Any]]:
    """The quarter's rows of ``marts.agg_agency_reporting``, one dict per body."""
    cursor = con.execute(
        "select * from marts.agg_agency_reporting where period_key = ? order by agency_id",
        [period_key])
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _rule_row(result: RuleResult, status: Status,
              names: Mapping[str, tuple[str, str]]) -> RuleRow:
    agencies = tuple(
        FailingAgency(agency_id, names.get(agency_id, (agency_id, ""))[0], rows)
        for agency_id, rows in sorted(result.failing_by_agency.items(),
                                      key=lambda item: (-item[1], item[0]))
    )
    return RuleRow(result.rule_id, result.severity, result.owner, status,
                   observed_text(result.observed), agencies, result.message_vi,
                   result.message_en)


def area_sections(results: Sequence[RuleResult], waived_rules: Mapping[str, Any],
                  names: Mapping[str, tuple[str, str]]) -> list[AreaSection]:
    """Results grouped by area in catalogue order; within an area, failures first."""
    areas = load_areas()
    order = {area_id: index for index, area_id in enumerate(areas)}
    grouped: dict[str, list[RuleRow]] = {}
    for result in results:
        status = rule_status(result, waived_rules)
        grouped.setdefault(result.area or "", []).append(_rule_row(result, status, names))
    sections = []
    for area_id in sorted(grouped, key=lambda a: (order.get(a, len(order)), a)):
        area = areas.get(area_id)
        rows = sorted(grouped[area_id],
                      key=lambda r: (STATUS_ORDER.index(r.status.key), r.rule_id))
        sections.append(AreaSection(area_id, area.name_vi if area else area_id or MISSING,
                                    area.name_en if area else area_id or MISSING,
                                    tuple(rows)))
    return sections


def trend_rows(period_key: str, results: Sequence[RuleResult],
               history: Mapping[str, Sequence[RuleResult]],
               waived_rules: Mapping[str, Any]) -> tuple[list[str], list[TrendRow]]:
    """Periods oldest first, and one row per rule with its status in each.

    Waivers are known only for the period being annexed, so an earlier quarter's failed
    blocking rule shows as failed.
    """
    by_period = {key: list(items) for key, items in history.items() if key != period_key}
    by_period[period_key] = list(results)
    periods = sorted(by_period, key=parse_period)
    severities: dict[str, str] = {}
    statuses: dict[tuple[str, str], Status] = {}
    for key in periods:
        waived = waived_rules if key == period_key else {}
        for result in by_period[key]:
            severities.setdefault(result.rule_id, result.severity)
            statuses[(result.rule_id, key)] = rule_status(result, waived)
    rows = [
        TrendRow(rule_id, severities[rule_id],
                 tuple((key, statuses.get((rule_id, key), STATUSES["absent"]))
                       for key in periods))
        for rule_id in sorted(severities)
    ]
    return periods, rows


def agency_cards(reporting: Sequence[Mapping[str, Any]], results: Sequence[RuleResult],
                 waived_rules: Mapping[str, Any],
                 names: Mapping[str, tuple[str, str]]) -> list[AgencyCard]:
    """A card per reporting body plus any other body a rule failed on; chase order."""
    cards = {row["agency_id"]: AgencyCard(row["agency_id"], row["name_vi"] or row["agency_id"],
                                          row["kind"] or "", dict(row))
             for row in reporting}
    for result in results:
        if result.passed:
            continue
        status = rule_status(result, waived_rules)
        for agency_id, rows in result.failing_by_agency.items():
            if agency_id not in cards:
                name, kind = names.get(agency_id, (agency_id, ""))
                cards[agency_id] = AgencyCard(agency_id, name, kind, {})
            cards[agency_id].failures.append(RuleFailure(result.rule_id, rows, status))
    for card in cards.values():
        card.failures.sort(key=lambda x: (STATUS_ORDER.index(x.status.key), x.rule_id))
    return sorted(cards.values(), key=AgencyCard.chase_key)


def _when(text: str | None) -> str:
    """An ISO time from the review log, in Vietnam time."""
    if not text:
        return MISSING
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(VIETNAM_TIME)
    return fmt_datetime(moment)


def review_entries(reviews: ReviewLog) -> list[ReviewEntry]:
    """The log's approvals and waivers, oldest first."""
    entries = []
    for entry in reviews.entries:
        waiver = entry.get("action") == "waive"
        entries.append(ReviewEntry(
            action_vi="Miễn trừ" if waiver else "Phê duyệt",
            action_en="Waiver" if waiver else "Approval",
            rule_id=entry.get("rule_id"),
            by=str(entry.get("by", "")),
            at=_when(entry.get("at")),
            text=str(entry.get("reason") if waiver else entry.get("note") or ""),
            automatic=bool(entry.get("automatic")),
        ))
    return entries


def local_time(value: datetime | None) -> str:
    """A naive UTC timestamp from the warehouse, in Vietnam time: ``15/7/2026 13:14``."""
    if value is None:
        return MISSING
    moment = value.replace(tzinfo=UTC).astimezone(VIETNAM_TIME)
    return f"{fmt_date(moment.date())} {moment:%H:%M}"


@functools.cache
def _environment() -> jinja2.Environment:
    return environment(local_time=local_time)


def render_quality_annex(
    con: duckdb.DuckDBPyConnection,
    period_key: str,
    results: Sequence[RuleResult],
    history: Mapping[str, Sequence[RuleResult]],
    reviews: ReviewLog,
    generated_at: datetime,
    findings: Sequence[Finding] | None = None,
    links: AnnexLinks | None = None,
) -> str:
    """Render the annex page for a quarter (see :func:`write_quality_annex`)."""
    parse_period(period_key)  # a bad key fails here, in both languages
    waived_rules = reviews.waivers
    if findings is None:
        findings = traced_findings(results, waived_rules,
                                   LineageFinder(con, lineage_manifest()))
    links = links or AnnexLinks()
    names = _agency_names(con)
    sections = area_sections(results, waived_rules, names)
    summary = {key: 0 for key in STATUS_ORDER}
    for result in results:
        summary[rule_status(result, waived_rules).key] += 1
    periods, trend = trend_rows(period_key, results, history, waived_rules)
    cards = agency_cards(load_agency_reporting(con, period_key), results, waived_rules, names)
    return _environment().get_template(TEMPLATE_NAME).render(
        title=f"Phụ lục chất lượng dữ liệu — {fmt_period(period_key)}",
        period_key=period_key,
        period_label=fmt_period(period_key),
        summary=summary,
        statuses=STATUSES,
        status_order=STATUS_ORDER,
        sections=sections,
        findings=finding_views(findings, links),
        links=links,
        periods=periods,
        trend=trend,
        cards=cards,
        chase_count=sum(card.needs_chase for card in cards),
        kind_labels=KIND_LABELS,
        reviews=review_entries(reviews),
        generated_at_text=fmt_datetime(generated_at),
        generated_at_iso=generated_at.isoformat(timespec="seconds"),
        missing=MISSING,
    )


def write_quality_annex(
    con: duckdb.DuckDBPyConnection,
    period_key: str,
    results: Sequence[RuleResult],
    history: Mapping[str, Sequence[RuleResult]],
    reviews: ReviewLog,
    out_dir: Path,
    generated_at: datetime,
    findings: Sequence[Finding] | None = None,
    links: AnnexLinks | None = None,
) -> Path:
    """Render the quarter's quality annex and write ``out_dir/index.html`` atomically.

    Args:
        con: A DuckDB connection that can read schema ``marts``.
        period_key: The quarter annexed, e.g. ``"2026-Q2"``.
        results: The gate's rule results for that quarter.
        history: Earlier quarters' rule results by period key (may be empty).
        reviews: The quarter's review log (approvals and waivers).
        out_dir: The folder to write to (created if missing).
        generated_at: When the page was produced (shown in its header).
        findings: The rules that did not pass, with their rows traced to their files
            (default: traced here, in the warehouse ``con`` reads).
        links: Where the findings link to: the scorecard and the Data Docs pages.

    Returns:
        The path of the written page.
    """
    html = render_quality_annex(con, period_key, results, history, reviews, generated_at,
                                findings, links)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / OUTPUT_FILENAME
    tmp = target.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(target)
    return target


def rule_history(home: Home, warehouse: Path, period_key: str, count: int = 2
                 ) -> dict[str, list[RuleResult]]:
    """Rule results of the quarters before ``period_key``, for the annex's trend table.

    A quarter that was published shows the results its latest release was published with;
    one that never was is judged now, on the warehouse being published, so reviewers see
    whether a failing rule is new or old. A quarter nobody reported on is left out: judged
    on no rows, every "at least one row" rule would read as failed there, and judging it
    costs as much as the gate itself.
    """
    from dagster_project.lib.publish.release import latest_release
    from dagster_project.lib.quality.gate import load_catalogue, read_results_in, run_suite

    history: dict[str, list[RuleResult]] = {}
    suites = load_catalogue()
    reported = _reported_quarters(warehouse)
    for key in previous_quarters(period_key, count):
        release = latest_release(home, key)
        if release is not None:
            recorded = read_results_in(release.path / "checks", key)
            history[key] = [result for results in recorded.values() for result in results]
        elif key in reported:
            history[key] = [result for suite in suites
                            for result in run_suite(warehouse, suite, key,
                                                       landing=home.landing)[1]]
    return history


def _reported_quarters(warehouse: Path) -> set[str]:
    """The quarters the warehouse holds reports for (``int_reporting_quarters``)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {str(key) for (key,) in con.execute(
            "select period_key from intermediate.int_reporting_quarters").fetchall()}

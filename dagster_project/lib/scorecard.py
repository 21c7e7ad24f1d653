"""Quarterly scorecard of task completion under Resolution 57 (Nghị quyết 57-NQ/TW).

Point 3.l of Notice 20-TB/CQTTBCĐ asks the Standing Office to publish an independent quarterly
assessment of ministries, central bodies and provinces. This module reads the task marts
(``marts.agg_task_completion``, ``marts.fct_task_quarter_status``, ``marts.fct_task``,
``marts.dim_agency``) for one period and renders a self-contained Vietnamese HTML page:
national figures, a ranking of reporting bodies by completion rate, and the overdue tasks of
each body (rõ người, rõ việc, rõ thời gian).

Definitions (also printed on the page):
    * completion rate = tasks done (on time + late) / tasks with a deadline;
    * statuses are evaluated at the period's as-of date;
    * recurring tasks are counted but excluded from every rate;
    * ranking: completion rate descending, then overdue tasks ascending, then name
      (Vietnamese alphabetical order); bodies equal on rate and overdue share a rank
      ("1, 2, 2, 4"); bodies with no task with a deadline are unranked; group
      pseudo-agencies ("Các bộ, ngành, địa phương") are listed apart and never ranked.

The loader reads only the marts; it needs a connection that can read them (readers should
use a release or snapshot, not the warehouse file a run is writing).
"""

from __future__ import annotations

import functools
import os
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from dagster_project.lib.templates import environment
from dagster_project.lib.vnformat import (
    MISSING,
    fmt_datetime,
    fmt_int,
    fmt_pct,
    fmt_period,
    fmt_pp_change,
    fmt_signed_int,
    parse_period,
    previous_period,
    vi_sort_key,
)

TEMPLATE_NAME = "scorecard.html.j2"
OUTPUT_FILENAME = "index.html"

KIND_LABELS: Mapping[str, str] = {
    "ministry": "Bộ, ngành",
    "central_body": "Cơ quan Trung ương",
    "province": "Tỉnh, thành phố",
    "group": "Nhóm cơ quan",
}
"""Vietnamese label of each ``dim_agency.kind``."""

STATUS_LABELS: Mapping[str, str] = {
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành quá hạn (trễ hạn)",
    "in_progress": "Đang thực hiện trong hạn",
    "overdue": "Quá hạn",
    "recurring": "Thường xuyên",
}
"""Vietnamese label of each ``fct_task_quarter_status.status``."""

COUNT_FIELDS: tuple[str, ...] = (
    "tasks_assigned",
    "tasks_recurring",
    "tasks_with_deadline",
    "tasks_done",
    "tasks_done_on_time",
    "tasks_done_late",
    "tasks_in_progress",
    "tasks_overdue",
    "tasks_done_without_evidence",
)
RATE_FIELDS: tuple[str, ...] = ("completion_rate", "in_progress_rate", "overdue_rate")

# Rates are compared rounded to 10 decimals so that equal fractions computed in different
# ways (e.g. 3/4 and 6/8 after a rounding step in SQL) tie instead of ranking apart.
_RATE_TIE_DIGITS = 10


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting quarter as the marts describe it."""

    key: str
    start: date | None
    end: date | None
    as_of_date: date | None

    @property
    def label(self) -> str:
        """The quarter as documents write it, e.g. "Quý II/2026"."""
        return fmt_period(self.key)


@dataclass(frozen=True, slots=True)
class TaskFigures:
    """Task counts and rates for one scope (national or one agency) in one period.

    Rates are ratios (0..1) of ``tasks_with_deadline``, None when it is 0.
    """

    tasks_assigned: int = 0
    tasks_recurring: int = 0
    tasks_with_deadline: int = 0
    tasks_done: int = 0
    tasks_done_on_time: int = 0
    tasks_done_late: int = 0
    tasks_in_progress: int = 0
    tasks_overdue: int = 0
    tasks_done_without_evidence: int = 0
    completion_rate: float | None = None
    in_progress_rate: float | None = None
    overdue_rate: float | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> TaskFigures:
        """Build from a mart row; missing counts read as 0, missing rates as None."""
        counts = {name: int(row.get(name) or 0) for name in COUNT_FIELDS}
        rates = {
            name: (None if row.get(name) is None else float(row[name])) for name in RATE_FIELDS
        }
        return cls(**counts, **rates)


@dataclass(frozen=True, slots=True)
class AgencyScore:
    """One row of the ranking table: a reporting body or a group pseudo-agency."""

    agency_id: str
    name_vi: str
    short_name_vi: str | None
    kind: str
    figures: TaskFigures
    rank: int | None = None

    @property
    def kind_label(self) -> str:
        """Vietnamese label of the agency kind."""
        return KIND_LABELS.get(self.kind, self.kind or MISSING)

    @property
    def is_group(self) -> bool:
        """True for group pseudo-agencies such as "Các bộ, ngành, địa phương"."""
        return self.kind == "group"


@dataclass(frozen=True, slots=True)
class OverdueTask:
    """An overdue task, with what leadership needs to chase it."""

    task_id: str
    task_name: str | None
    deadline_text: str | None
    due_date: date | None
    expected_product: str | None
    days_overdue: int | None
    source_document: str | None = None


@dataclass(frozen=True, slots=True)
class AgencyOverdueTasks:
    """The overdue tasks of one lead agency, ordered by due date."""

    agency_id: str
    name_vi: str
    kind: str | None
    tasks: tuple[OverdueTask, ...]

    @property
    def kind_label(self) -> str:
        """Vietnamese label of the agency kind."""
        return KIND_LABELS.get(self.kind or "", self.kind or MISSING)


@dataclass(frozen=True, slots=True)
class ScorecardData:
    """Everything the scorecard page shows for one period."""

    period: Period
    national: TaskFigures
    previous_period: Period | None
    previous_national: TaskFigures | None
    ranked: tuple[AgencyScore, ...]
    """Reporting bodies with at least one task with a deadline, in rank order."""
    unranked: tuple[AgencyScore, ...]
    """Reporting bodies with no task with a deadline (rate "–"), by name."""
    groups: tuple[AgencyScore, ...]
    """Group pseudo-agencies (never ranked), by name."""
    overdue: tuple[AgencyOverdueTasks, ...]
    """Overdue tasks per lead agency: bodies by name, then groups by name."""

    @property
    def bodies(self) -> tuple[AgencyScore, ...]:
        """Reporting bodies in table order: ranked first, then unranked."""
        return self.ranked + self.unranked

    @property
    def bodies_without_evidence(self) -> tuple[AgencyScore, ...]:
        """Bodies and groups reporting tasks done without evidence, most first."""
        rows = [a for a in self.bodies + self.groups if a.figures.tasks_done_without_evidence]
        return tuple(
            sorted(
                rows,
                key=lambda a: (-a.figures.tasks_done_without_evidence, vi_sort_key(a.name_vi)),
            )
        )


# --------------------------------------------------------------------------- loading

_NATIONAL_SQL = """
select
    period_key, period_start, period_end, as_of_date,
    tasks_assigned, tasks_recurring, tasks_with_deadline, tasks_done, tasks_done_on_time,
    tasks_done_late, tasks_in_progress, tasks_overdue, tasks_done_without_evidence,
    completion_rate, in_progress_rate, overdue_rate
from marts.agg_task_completion
where scope = 'national' and period_key = ?
"""

# Current reporting bodies (with or without figures this period) and group pseudo-agencies
# that lead at least one task this period.
_AGENCY_SQL = """
with agency as (
    select agency_id, name_vi, short_name_vi, kind, is_reporting_body
    from marts.dim_agency
    where is_current and (is_reporting_body or kind = 'group')
    qualify row_number() over (partition by agency_id order by valid_from desc nulls last) = 1
),

figures as (
    select *
    from marts.agg_task_completion
    where scope = 'agency' and period_key = ?
)

select
    agency.agency_id, agency.name_vi, agency.short_name_vi, agency.kind,
    figures.agency_id is not null as has_figures,
    figures.tasks_assigned, figures.tasks_recurring, figures.tasks_with_deadline,
    figures.tasks_done, figures.tasks_done_on_time, figures.tasks_done_late,
    figures.tasks_in_progress, figures.tasks_overdue, figures.tasks_done_without_evidence,
    figures.completion_rate, figures.in_progress_rate, figures.overdue_rate
from agency
left join figures on figures.agency_id = agency.agency_id
where agency.is_reporting_body or figures.agency_id is not null
"""

_OVERDUE_SQL = """
with status as (
    select distinct task_id, lead_current_agency_id, as_of_date
    from marts.fct_task_quarter_status
    where period_key = ? and status = 'overdue'
),

task as (
    select task_id, task_name, deadline_text, due_date, expected_product, source_document
    from marts.fct_task
    qualify row_number() over (partition by task_id order by lead_agency_id nulls last) = 1
),

agency as (
    select agency_id, name_vi, kind, is_reporting_body
    from marts.dim_agency
    qualify row_number() over (
        partition by agency_id order by is_current desc, valid_from desc nulls last
    ) = 1
)

select
    status.lead_current_agency_id as agency_id,
    coalesce(agency.name_vi, status.lead_current_agency_id) as name_vi,
    agency.kind,
    status.task_id,
    task.task_name,
    task.deadline_text,
    task.due_date,
    task.expected_product,
    task.source_document,
    date_diff('day', task.due_date, status.as_of_date) as days_overdue
from status
left join task on task.task_id = status.task_id
left join agency on agency.agency_id = status.lead_current_agency_id
"""


def _nfc(value: Any) -> Any:
    """NFC-normalise strings (marts should be NFC already; display must not depend on it)."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _fetch_dicts(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]
) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts keyed by column name."""
    cursor = con.execute(sql, list(params))
    columns = [column[0] for column in cursor.description]
    return [
        {name: _nfc(value) for name, value in zip(columns, row, strict=True)}
        for row in cursor.fetchall()
    ]


def _load_national(
    con: duckdb.DuckDBPyConnection, period_key: str
) -> tuple[Period, TaskFigures] | None:
    """Return the national row of a period, None when there is none."""
    rows = _fetch_dicts(con, _NATIONAL_SQL, [period_key])
    if not rows:
        return None
    if len(rows) > 1:
        raise ValueError(
            f"Kỳ {period_key} có {len(rows)} dòng số liệu toàn quốc, chỉ được có 1 / "
            f"period {period_key} has {len(rows)} national rows in "
            "marts.agg_task_completion, expected exactly one"
        )
    row = rows[0]
    period = Period(
        key=row["period_key"],
        start=row["period_start"],
        end=row["period_end"],
        as_of_date=row["as_of_date"],
    )
    return period, TaskFigures.from_row(row)


def _ranking_rate(figures: TaskFigures) -> float:
    """Completion rate used for ranking (the mart's, or done / with deadline if it is null)."""
    if figures.completion_rate is not None:
        rate = figures.completion_rate
    else:
        rate = figures.tasks_done / figures.tasks_with_deadline
    return round(rate, _RATE_TIE_DIGITS)


def rank_agencies(
    agencies: Sequence[AgencyScore],
) -> tuple[tuple[AgencyScore, ...], tuple[AgencyScore, ...]]:
    """Rank reporting bodies by completion rate.

    Order: completion rate descending, then overdue tasks ascending, then Vietnamese name.
    Bodies equal on both rate and overdue count share a rank and the next rank is skipped
    ("1, 2, 2, 4"): the name orders them, it does not rank them.

    Args:
        agencies: Reporting bodies (not groups), in any order.

    Returns:
        ``(ranked, unranked)``: bodies with at least one task with a deadline, with their
        ``rank`` set, and the others (rank None), ordered by name.
    """
    eligible = [a for a in agencies if a.figures.tasks_with_deadline > 0]
    unranked = [a for a in agencies if a.figures.tasks_with_deadline <= 0]
    eligible.sort(
        key=lambda a: (
            -_ranking_rate(a.figures),
            a.figures.tasks_overdue,
            vi_sort_key(a.name_vi),
            a.agency_id,
        )
    )
    ranked: list[AgencyScore] = []
    previous_merit: tuple[float, int] | None = None
    rank = 0
    for position, agency in enumerate(eligible, start=1):
        merit = (_ranking_rate(agency.figures), agency.figures.tasks_overdue)
        if merit != previous_merit:
            rank = position
            previous_merit = merit
        ranked.append(_with_rank(agency, rank))
    unranked.sort(key=lambda a: (vi_sort_key(a.name_vi), a.agency_id))
    return tuple(ranked), tuple(_with_rank(a, None) for a in unranked)


def _with_rank(agency: AgencyScore, rank: int | None) -> AgencyScore:
    """Return a copy of ``agency`` with ``rank`` set."""
    return AgencyScore(
        agency_id=agency.agency_id,
        name_vi=agency.name_vi,
        short_name_vi=agency.short_name_vi,
        kind=agency.kind,
        figures=agency.figures,
        rank=rank,
    )


def _load_agencies(
    con: duckdb.DuckDBPyConnection, period_key: str
) -> tuple[tuple[AgencyScore, ...], tuple[AgencyScore, ...], tuple[AgencyScore, ...]]:
    """Return ``(ranked, unranked, groups)`` for a period."""
    bodies: list[AgencyScore] = []
    groups: list[AgencyScore] = []
    for row in _fetch_dicts(con, _AGENCY_SQL, [period_key]):
        agency = AgencyScore(
            agency_id=row["agency_id"],
            name_vi=row["name_vi"] or row["agency_id"],
            short_name_vi=row["short_name_vi"],
            kind=row["kind"],
            figures=TaskFigures.from_row(row),
        )
        (groups if agency.is_group else bodies).append(agency)
    ranked, unranked = rank_agencies(bodies)
    groups.sort(key=lambda a: (vi_sort_key(a.name_vi), a.agency_id))
    return ranked, unranked, tuple(groups)


def _load_overdue(
    con: duckdb.DuckDBPyConnection, period_key: str
) -> tuple[AgencyOverdueTasks, ...]:
    """Return overdue tasks grouped by lead agency: bodies by name, then groups by name."""
    by_agency: dict[str, list[dict[str, Any]]] = {}
    for row in _fetch_dicts(con, _OVERDUE_SQL, [period_key]):
        by_agency.setdefault(row["agency_id"], []).append(row)

    result = []
    for agency_id, rows in by_agency.items():
        rows.sort(key=lambda r: (r["due_date"] is None, r["due_date"] or date.min, r["task_id"]))
        tasks = tuple(
            OverdueTask(
                task_id=r["task_id"],
                task_name=r["task_name"],
                deadline_text=r["deadline_text"],
                due_date=r["due_date"],
                expected_product=r["expected_product"],
                days_overdue=None if r["days_overdue"] is None else int(r["days_overdue"]),
                source_document=r["source_document"],
            )
            for r in rows
        )
        first = rows[0]
        result.append(
            AgencyOverdueTasks(
                agency_id=agency_id, name_vi=first["name_vi"], kind=first["kind"], tasks=tasks
            )
        )
    result.sort(key=lambda a: (a.kind == "group", vi_sort_key(a.name_vi), a.agency_id))
    return tuple(result)


def load_scorecard(con: duckdb.DuckDBPyConnection, period_key: str) -> ScorecardData:
    """Read the task marts for one quarter.

    Args:
        con: A DuckDB connection that can read schema ``marts``.
        period_key: The quarter, e.g. ``"2026-Q2"``.

    Returns:
        The scorecard data; ``previous_*`` are None when the marts hold no national row for
        the quarter before.

    Raises:
        ValueError: If the key is malformed or the period has no national row.
    """
    parse_period(period_key)
    current = _load_national(con, period_key)
    if current is None:
        raise ValueError(
            f"Không có số liệu toàn quốc cho kỳ {fmt_period(period_key)} ({period_key}) "
            "trong marts.agg_task_completion / "
            f"no national row for period {period_key} in marts.agg_task_completion"
        )
    period, national = current
    previous = _load_national(con, previous_period(period_key))
    ranked, unranked, groups = _load_agencies(con, period_key)
    return ScorecardData(
        period=period,
        national=national,
        previous_period=previous[0] if previous else None,
        previous_national=previous[1] if previous else None,
        ranked=ranked,
        unranked=unranked,
        groups=groups,
        overdue=_load_overdue(con, period_key),
    )


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True, slots=True)
class FigureLine:
    """One line of the national figures table, already formatted."""

    key: str
    label: str
    value: str
    rate_key: str | None
    rate: str
    previous: str
    change: str
    rate_change: str
    css_class: str = ""


# (count field, label, rate field, css class) in the order the report writes them.
_NATIONAL_LINES: tuple[tuple[str, str, str | None, str], ...] = (
    ("tasks_assigned", "Tổng số nhiệm vụ được giao", None, "total"),
    ("tasks_recurring", "Nhiệm vụ thường xuyên (không tính tỷ lệ)", None, ""),
    ("tasks_with_deadline", "Nhiệm vụ có thời hạn", None, "total"),
    ("tasks_done", "Đã hoàn thành", "completion_rate", "status-done"),
    ("tasks_done_on_time", "trong đó: hoàn thành đúng hạn", None, "sub"),
    ("tasks_done_late", "trong đó: hoàn thành quá hạn (trễ hạn)", None, "sub"),
    ("tasks_in_progress", "Đang thực hiện trong hạn", "in_progress_rate", "status-progress"),
    ("tasks_overdue", "Quá hạn", "overdue_rate", "status-overdue"),
    (
        "tasks_done_without_evidence",
        "Báo cáo hoàn thành nhưng chưa có minh chứng",
        None,
        "quality",
    ),
)


def _national_lines(data: ScorecardData) -> list[FigureLine]:
    """Format the national table, with the previous quarter and the change when known."""
    lines = []
    current, previous = data.national, data.previous_national
    for key, label, rate_key, css_class in _NATIONAL_LINES:
        value = getattr(current, key)
        rate = getattr(current, rate_key) if rate_key else None
        prev_value = getattr(previous, key) if previous else None
        prev_rate = getattr(previous, rate_key) if previous and rate_key else None
        previous_text = MISSING
        change = rate_change = MISSING
        if previous is not None:
            previous_text = fmt_int(prev_value)
            if rate_key:
                previous_text += f" ({fmt_pct(prev_rate)})"
            change = fmt_signed_int(value - prev_value)
            if rate_key and rate is not None and prev_rate is not None:
                rate_change = fmt_pp_change(rate - prev_rate)
        lines.append(
            FigureLine(
                key=key,
                label=label,
                value=fmt_int(value),
                rate_key=rate_key,
                rate=fmt_pct(rate) if rate_key else "",
                previous=previous_text,
                change=change,
                rate_change=rate_change if rate_key else "",
                css_class=css_class,
            )
        )
    return lines


def _bar_width(ratio: float | None) -> str:
    """CSS width for a bar segment (a dot decimal, as CSS wants it)."""
    return f"{max(0.0, min(1.0, ratio or 0.0)) * 100:.2f}%"


@functools.cache
def _environment() -> jinja2.Environment:
    return environment(bar_width=_bar_width)


def render_scorecard(
    data: ScorecardData, *, generated_at: datetime, release_note: str | None = None,
    review_notes: Sequence[str] = (),
) -> str:
    """Render the scorecard as one self-contained HTML page (inline CSS, no script).

    Args:
        data: What :func:`load_scorecard` returned.
        generated_at: When the page was produced (shown in the header).
        release_note: Optional line shown under the header, e.g. the release id.
        review_notes: Footnotes from the publication gate (approval, waivers, warnings).

    Returns:
        The HTML document.
    """
    title = f"Bảng đánh giá kết quả thực hiện Nghị quyết 57-NQ/TW — {data.period.label}"
    template = _environment().get_template(TEMPLATE_NAME)
    return template.render(
        title=title,
        data=data,
        period=data.period,
        national=data.national,
        lines=_national_lines(data),
        generated_at_text=fmt_datetime(generated_at),
        generated_at_iso=generated_at.isoformat(timespec="seconds"),
        release_note=release_note,
        review_notes=list(review_notes),
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        missing=MISSING,
    )


def write_scorecard(
    con: duckdb.DuckDBPyConnection,
    period_key: str,
    out_dir: Path,
    *,
    generated_at: datetime,
    release_note: str | None = None,
    review_notes: Sequence[str] = (),
) -> Path:
    """Load, render and write ``out_dir/index.html`` (UTF-8), replacing it atomically.

    Args:
        con: A DuckDB connection that can read schema ``marts``.
        period_key: The quarter, e.g. ``"2026-Q2"``.
        out_dir: The folder to write to (created if missing).
        generated_at: When the page was produced.
        release_note: Optional line shown under the header.
        review_notes: Footnotes from the publication gate.

    Returns:
        The path of the written file.
    """
    html = render_scorecard(
        load_scorecard(con, period_key), generated_at=generated_at, release_note=release_note,
        review_notes=review_notes,
    )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / OUTPUT_FILENAME
    fd, tmp_name = tempfile.mkstemp(prefix=".index.", suffix=".html.tmp", dir=out_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(html)
        os.chmod(tmp_name, 0o644)  # mkstemp makes 0600; the page is meant to be read
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target

"""What every section of the scorecard builds from: the inputs and a language-bound context.

A section module (``sections/<subject>.py``) turns the quarter's figures into tables and
charts; it reads them from :class:`ScorecardInputs` through a :class:`ReportContext`, which
carries the report's language, its translator and formatter, and the helpers every section
shares (agency names, score bands, yes/no statuses, headline rows).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from dagster_project.lib.publish.report.i18n import Translator
from dagster_project.lib.publish.report.method import NA, AgencyResult, Method
from dagster_project.lib.publish.report.model import Formatter, Lang, Status
from dagster_project.lib.publish.report.query import Row

if TYPE_CHECKING:
    from dagster_project.lib.publish.report.figures import QuarterFigures

@dataclass(frozen=True)
class FailedRule:
    """A rule that did not pass and the rows of each body that broke it.

    Kept with its message in both languages, so a body page names what the rule checks
    rather than its id alone.
    """

    rule_id: str
    blocking: bool
    message: Mapping[str, str]
    """What the rule checks, by language (``vi``, ``en``)."""
    failing_by_agency: Mapping[str, int]


@dataclass(frozen=True)
class GateSummary:
    """What the gate says about the data being published (for footnotes and the annex)."""

    rules_checked: int
    warnings: tuple[str, ...] = ()
    waived: tuple[str, ...] = ()
    notes: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Reviewer footnotes by language (approval, waivers, warnings)."""
    failing_by_agency: Mapping[str, int] = field(default_factory=dict)
    """Failed rule rows per agency id (blocking and warning), for agency pages."""
    failed_rules: Sequence[FailedRule] = ()
    """The rules behind ``failing_by_agency``, each with its rows per body: the list a body
    page gives under its count of rows that broke a rule."""
    annex_href: str | None = None


@dataclass(frozen=True)
class ScorecardInputs:
    """Everything the builder reads; the same inputs give the same report."""

    method: Method
    current: QuarterFigures
    previous: QuarterFigures | None
    results: Mapping[str, Sequence[AgencyResult]]
    """Scores per peer group, in rank order, with previous ranks attached."""
    agencies: Mapping[str, Row]
    """``dim_agency`` facts by id (names, kind), for any agency a figure names."""
    generated_at: datetime
    gate: GateSummary
    history: Sequence[QuarterFigures] = ()
    """Every quarter the marts have figures for up to the current one, oldest first: the
    series behind each headline's trend line."""


class ReportContext:
    """Language-bound helpers shared by the section builders."""

    def __init__(self, inputs: ScorecardInputs, lang: Lang) -> None:
        self.inputs = inputs
        self.lang = lang
        self._ = Translator(lang)
        self.fmt = Formatter(lang)

    def name(self, agency_id: str | None) -> str:
        """An agency's name in the report's language (its id when unknown)."""
        if agency_id is None:
            return self._("Không xác định")
        row = self.inputs.agencies.get(agency_id)
        if row is None:
            return agency_id
        return row["name_vi"] if self.lang == "vi" or not row.get("name_en") else row["name_en"]

    def band(self, score: float | None, reason: str | None = None) -> Status:
        """A score's band as a status with words (or why there is no score)."""
        if reason == NA:
            return Status("na", self._("Không áp dụng"))
        band = self.inputs.method.band(score)
        if band is None:
            return Status("missing", self._("Thiếu số liệu"))
        return Status(band.code, band.label(self.lang))

    def yes_no(self, value: bool | None) -> Status:
        """A yes/no criterion as a status (colour plus words)."""
        if value is None:
            return Status("missing", self._("Thiếu số liệu"))
        return Status("green", self._("Có")) if value else Status("red", self._("Không"))

    def source_label(self, label: str) -> str:
        """A heading of a column of source text: marked Vietnamese-only in English."""
        return label if self.lang == "vi" else f"{label} {self._('(tiếng Việt)')}"

    def agency_href(self, agency_id: str) -> str:
        """The relative link from the main page to an agency's page."""
        return f"agencies/{agency_id}.html"


Pair = tuple[Any, Any]
"""A headline figure as ``(count, rate)``; either may be None."""

Better = Literal["up", "down"]
"""Which way a headline figure improves: completion ``up``, overdue tasks ``down``."""


def change(now: Any, before: Any) -> Any:
    """The change from the quarter before, None when either side is missing."""
    return None if now is None or before is None else now - before


def headline_row(c: ReportContext, label: str,
                 pair_of: Callable[[QuarterFigures | None], Pair | None], *,
                 basis: str = "", unit: str = "", base: Any = None, card: bool = False,
                 better: Better | None = "up", rate_digits: int = 1, count_digits: int = 0,
                 comparable: Callable[[QuarterFigures], bool] = lambda q: True) -> Row:
    """One row of the national headline table: the quarter, the one before, the change.

    ``pair_of`` reads the figure from any quarter, so the row also carries its series over
    every quarter of ``c.inputs.history``. ``base`` is the denominator of the rate (1.469
    tasks with a deadline, 1.071 feedback items), ``unit`` what the count counts, and the
    digits the precision the source report gives the figure (23,35%; 76,5 tỷ).
    ``comparable`` says whether an earlier quarter may be compared with the current one (a
    budget figure only within the same fiscal year). ``card`` marks the few figures the page
    also shows as cards above the table.
    """
    cur, prev = c.inputs.current, c.inputs.previous
    now = pair_of(cur)
    before = pair_of(prev) if prev is not None and comparable(prev) else None
    count, rate = now if now is not None else (None, None)
    previous_count, previous_rate = before if before is not None else (None, None)
    series = tuple((q.period.key, pair_of(q)) for q in c.inputs.history)
    return {"figure": label, "basis": basis, "unit": unit, "base": base,
            "count": count, "rate": rate, "card": card, "better": better,
            "rate_digits": rate_digits, "count_digits": count_digits,
            "previous_count": previous_count, "previous_rate": previous_rate,
            "count_change": change(count, previous_count),
            "rate_change": change(rate, previous_rate),
            "series": tuple((key, pair) for key, pair in series if pair is not None
                            and comparable(next(q for q in c.inputs.history
                                                if q.period.key == key)))}

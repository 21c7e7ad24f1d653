"""The executive summary and the headline cards: the message of the quarter, from the data.

Nothing here reads the marts: the summary is written from the headline rows (their changes,
assessed by the way each figure improves) and the method's results (rank movements, bands),
so it can never say something the tables below do not show.
"""

from __future__ import annotations

from typing import Any

from dagster_project.lib.publish.report import charts
from dagster_project.lib.publish.report.context import ReportContext
from dagster_project.lib.publish.report.method import AgencyResult
from dagster_project.lib.publish.report.model import Status, Table, Trend
from dagster_project.lib.publish.report.query import Row

MOVEMENTS_SHOWN = 3
"""How many figures and bodies the summary names for the largest movements."""


def _moved(row: Row) -> Any:
    """The change the assessment reads: the rate's when there is a rate, else the count's."""
    return row["rate_change"] if row["rate"] is not None else row["count_change"]


def tone(row: Row) -> str | None:
    """``good``, ``bad`` or ``same`` for a change, by the way the figure improves.

    None when there is nothing to compare or the figure has no better direction (tasks
    assigned, in progress): the reader gets the change without a judgement.
    """
    moved = _moved(row)
    if moved is None or row.get("better") is None:
        return None
    if round(float(moved), 9) == 0:
        return "same"
    up = moved > 0
    return "good" if up == (row["better"] == "up") else "bad"


def assessment(c: ReportContext, row: Row) -> Status | None:
    """The change in words and colour: better, worse, unchanged."""
    _ = c._
    return {"good": Status("green", _("Tốt lên")), "bad": Status("red", _("Xấu đi")),
            "same": Status("na", _("Không đổi")), None: None}[tone(row)]


def _figure(c: ReportContext, row: Row, key: str) -> str:
    """A headline value as the row's precision shows it."""
    value = row[key]
    if key in ("rate", "previous_rate"):
        return c.fmt.pct(value, row["rate_digits"])
    return c.fmt.number(value, row["count_digits"])


def _change_text(c: ReportContext, row: Row) -> str:
    if row["rate"] is not None:
        return c.fmt.pp(row["rate_change"], row["rate_digits"])
    return c.fmt.signed_number(row["count_change"], row["count_digits"])


def _trend(c: ReportContext, row: Row) -> Trend:
    """The row's series over the published quarters as a small line with its text."""
    _ = c._
    use_rate = row["rate"] is not None
    points = [(key, pair[1] if use_rate else pair[0]) for key, pair in row["series"]]
    words = "; ".join(
        f"{c.fmt.period(key)}: "
        + (c.fmt.pct(v, row["rate_digits"]) if use_rate else c.fmt.number(v, row["count_digits"]))
        for key, v in points if v is not None)
    title = _("{figure}: diễn biến qua các quý", figure=row["figure"].lstrip("— "))
    words = words or "–"
    return Trend(charts.sparkline(points, title=title, description=words), words,
                 sum(1 for _key, v in points if v is not None))


def with_card(c: ReportContext, row: Row) -> Row:
    """A headline row with its assessment, its card's texts and its trend line."""
    card: dict[str, Any] = {"assessment": assessment(c, row), "tone": tone(row) or "neutral",
                            "change_text": _change_text(c, row), "trend": _trend(c, row)}
    count, base = row["count"], row["base"]
    if row.get("card_style") == "ratio" and count is not None and base:
        card["card_value"] = f"{c.fmt.int(count)}/{c.fmt.int(base)}"
        card["card_base"] = c.fmt.pct(row["rate"], row["rate_digits"])
    else:
        card["card_value"] = (_figure(c, row, "rate") if row["rate"] is not None
                              else _figure(c, row, "count"))
        card["card_base"] = (f"{_figure(c, row, 'count')}/"
                             f"{c.fmt.number(base, row['count_digits'])} {row['unit']}"
                             if base and count is not None and row["rate"] is not None else "")
    return {**row, **card}


# --------------------------------------------------------------------------- summary

def _key_figures(c: ReportContext, rows: dict[str, Row]) -> str | None:
    """The quarter in one sentence: the card figures with their bases."""
    parts = [f"{row['figure'].lstrip('— ')} {row['card_value']}"
             + (f" ({row['card_base']})" if row["card_base"] else "")
             for row in rows.values() if row["card"]]
    if not parts:
        return None
    return c._("Đến ngày {date}: {figures}.",
               date=c.fmt.date(c.inputs.current.period.as_of_date), figures="; ".join(parts))


def _largest_movements(c: ReportContext, rows: dict[str, Row]) -> str | None:
    """The figures that moved most since the quarter before (rates, in points)."""
    _ = c._
    moved = sorted((r for r in rows.values() if r["rate"] is not None
                    and r["rate_change"] is not None and round(r["rate_change"], 9) != 0),
                   key=lambda r: -abs(r["rate_change"]))[:MOVEMENTS_SHOWN]
    if not moved:
        return None
    words = {"good": _("tốt lên"), "bad": _("xấu đi")}
    parts = [f"{r['figure'].lstrip('— ')} {_change_text(c, r)}"
             + (f" ({words[r['tone']]})" if r["tone"] in words else "") for r in moved]
    return _("Thay đổi lớn nhất so với quý trước: {changes}.", changes="; ".join(parts))


def _bodies_moved(c: ReportContext) -> str | None:
    """The bodies whose rank moved most within their peer group."""
    _ = c._
    results = [r for group in c.inputs.results.values() for r in group if r.movement]
    results.sort(key=lambda r: (-abs(r.movement or 0), r.rank or 0, r.agency_id))
    if not results:
        return None
    parts = [_movement(c, r) for r in results[:MOVEMENTS_SHOWN]]
    return _("Cơ quan thay đổi thứ hạng nhiều nhất trong nhóm: {bodies}.",
             bodies="; ".join(parts))


def _movement(c: ReportContext, result: AgencyResult) -> str:
    moved = result.movement or 0
    arrow = c._("lên {n} bậc", n=moved) if moved > 0 else c._("xuống {n} bậc", n=-moved)
    return c._("{body} {arrow}, hạng {rank}", body=c.name(result.agency_id), arrow=arrow,
               rank=c.fmt.int(result.rank))


def _attention(c: ReportContext, rows: dict[str, Row]) -> str | None:
    """What needs attention: figures that got worse, bodies in the lowest band, overdue."""
    _ = c._
    parts = []
    worse = [r["figure"].lstrip("— ") for r in rows.values() if r["tone"] == "bad"]
    if worse:
        parts.append(_("chỉ số xấu đi: {figures}", figures=", ".join(worse)))
    lowest = c.inputs.method.bands[-1]
    lagging = sum(1 for group in c.inputs.results.values() for r in group
                  if r.composite is not None and c.inputs.method.band(r.composite) == lowest)
    if lagging:
        parts.append(_("{n} cơ quan xếp loại “{band}”", n=c.fmt.int(lagging),
                       band=lowest.label(c.lang)))
    overdue = sorted(((key, r["tasks_overdue"]) for key, r in c.inputs.current.tasks.items()
                      if key != "national" and r["tasks_overdue"]),
                     key=lambda item: (-item[1], item[0]))[:MOVEMENTS_SHOWN]
    if overdue:
        parts.append(_("nhiều nhiệm vụ quá hạn nhất: {bodies}", bodies=", ".join(
            f"{c.name(key)} ({c.fmt.int(n)})" for key, n in overdue)))
    return _("Cần lưu ý: {items}.", items="; ".join(parts)) if parts else None


def summary_paragraphs(c: ReportContext, headline: Table) -> tuple[str, ...]:
    """The executive summary: key figures, largest movements, bodies, what needs attention."""
    rows = {row["figure"]: row for row in headline.rows}
    return tuple(p for p in (_key_figures(c, rows), _largest_movements(c, rows),
                             _bodies_moved(c), _attention(c, rows)) if p)

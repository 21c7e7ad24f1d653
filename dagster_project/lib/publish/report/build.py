"""Assemble one quarter's scorecard, in one language, from figures, scores and gate results.

The builder decides *what* the reader sees — which tables, in which order, with which
headings — and nothing about *how* it is drawn: it returns a
:class:`~dagster_project.lib.publish.report.model.Report` that the HTML, PDF and XLSX
writers render. Every label goes through the
:class:`~dagster_project.lib.publish.report.i18n.Translator`, so the English edition is the
same report with the same figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dagster_project.lib.publish.report import charts
from dagster_project.lib.publish.report.figures import SCORED_RATES, QuarterFigures, Row
from dagster_project.lib.publish.report.i18n import Translator
from dagster_project.lib.publish.report.method import (
    MISSING,
    NA,
    AgencyResult,
    ComponentScore,
    Method,
)
from dagster_project.lib.publish.report.model import (
    Chart,
    Column,
    Formatter,
    Lang,
    Page,
    Report,
    Section,
    Status,
    Table,
)
from dagster_project.lib.text.vnformat import vi_sort_key

PILLARS = ("KHCN", "DMST", "CDS", "ALL")
LEVELS = ("central", "province", "commune")
PROGRAMS = ("plan_02", "resolution_11")


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


class _Context:
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

    def agency_href(self, agency_id: str) -> str:
        """The relative link from the main page to an agency's page."""
        return f"agencies/{agency_id}.html"


# --------------------------------------------------------------------------- headline

def _change(now: Any, before: Any) -> Any:
    return None if now is None or before is None else now - before


def _headline_row(label: str, now: tuple[Any, Any], before: tuple[Any, Any] | None,
                  basis: str = "", card: bool = False) -> Row:
    count, rate = now
    previous_count, previous_rate = before if before is not None else (None, None)
    return {"figure": label, "basis": basis, "count": count, "rate": rate, "card": card,
            "previous_count": previous_count, "previous_rate": previous_rate,
            "count_change": _change(count, previous_count),
            "rate_change": _change(rate, previous_rate)}


def _task_pairs(q: QuarterFigures | None, key: str, rate: str | None) -> tuple[Any, Any] | None:
    row = q.tasks.get("national") if q else None
    if row is None:
        return None
    return row[key], (row[rate] if rate else None)


def _budget_pair(q: QuarterFigures | None, pillar: str) -> tuple[Any, Any] | None:
    row = next((r for r in q.budget if r["scope"] == "national" and r["pillar"] == pillar),
               None) if q else None
    if row is None:
        return None
    return (float(row["disbursed"]) if row["disbursed"] is not None else None,
            row["disbursement_rate"])


def _csdl_pair(q: QuarterFigures | None, program: str) -> tuple[Any, Any] | None:
    rows = [r for r in q.csdl if r["program_code"] == program] if q else []
    if not rows:
        return None
    connected = sum(1 for r in rows if r["is_connected"])
    return connected, connected / len(rows)


def _level_pair(q: QuarterFigures | None, level: str, rate: str) -> tuple[Any, Any] | None:
    row = next((r for r in q.public_service_levels if r["level"] == level), None) if q else None
    return None if row is None else (None, row[f"{rate}_rate"])


def _feedback_pair(q: QuarterFigures | None) -> tuple[Any, Any] | None:
    row = q.feedback if q else None
    return None if row is None else (row["items_handled"], row["handled_rate"])


def _reporting_pair(q: QuarterFigures | None) -> tuple[Any, Any] | None:
    rows = [r for r in q.reporting.values() if r["is_reporting_body"]] if q else []
    expected = sum(r["months_expected"] or 0 for r in rows)
    if not expected:
        return None
    on_time = sum(r["months_on_time"] or 0 for r in rows)
    return on_time, on_time / expected


def _indicator_pair(q: QuarterFigures | None, statuses: tuple[str, ...]) -> tuple[Any, Any]:
    rows = q.indicators if q else []
    if not rows:
        return None
    count = sum(1 for r in rows if r["status"] in statuses)
    return count, count / len(rows)


def headline_table(c: _Context) -> Table:
    """National figures of the quarter against the quarter before."""
    _ = c._
    cur, prev = c.inputs.current, c.inputs.previous
    national = cur.tasks.get("national") or {}
    same_year = prev is not None and prev.budget_as_of is not None and \
        cur.budget_as_of is not None and prev.budget_as_of.year == cur.budget_as_of.year
    budget_prev = prev if same_year else None
    rows = [
        _headline_row(_("Nhiệm vụ được giao"), _task_pairs(cur, "tasks_assigned", None) or
                      (None, None), _task_pairs(prev, "tasks_assigned", None),
                      _("gồm {n} nhiệm vụ thường xuyên",
                        n=c.fmt.int(national.get("tasks_recurring")))),
        _headline_row(_("Nhiệm vụ có thời hạn đã hoàn thành"),
                      _task_pairs(cur, "tasks_done", "completion_rate") or (None, None),
                      _task_pairs(prev, "tasks_done", "completion_rate"),
                      _("trên {n} nhiệm vụ có thời hạn",
                        n=c.fmt.int(national.get("tasks_with_deadline"))), card=True),
        _headline_row(_("Đang thực hiện trong hạn"),
                      _task_pairs(cur, "tasks_in_progress", "in_progress_rate") or (None, None),
                      _task_pairs(prev, "tasks_in_progress", "in_progress_rate")),
        _headline_row(_("Nhiệm vụ quá hạn"),
                      _task_pairs(cur, "tasks_overdue", "overdue_rate") or (None, None),
                      _task_pairs(prev, "tasks_overdue", "overdue_rate"), card=True),
        _headline_row(_("Phản ánh, kiến nghị đã xử lý"), _feedback_pair(cur) or (None, None),
                      _feedback_pair(prev)),
    ]
    for pillar, label in (("ALL", _("Kinh phí đã giải ngân (tỷ đồng), cả ba trụ cột")),
                          ("KHCN", _("— Khoa học, công nghệ")),
                          ("DMST", _("— Đổi mới sáng tạo")),
                          ("CDS", _("— Chuyển đổi số"))):
        rows.append(_headline_row(label, _budget_pair(cur, pillar) or (None, None),
                                  _budget_pair(budget_prev, pillar),
                                  _("tỷ lệ trên dự toán giao") if pillar == "ALL" else "",
                                  card=pillar == "ALL"))
    for program, label in (("plan_02", _("CSDL theo Kế hoạch 02 đã kết nối, đồng bộ")),
                           ("resolution_11", _("CSDL theo Nghị quyết 11 đã kết nối, đồng bộ"))):
        total = len([r for r in cur.csdl if r["program_code"] == program])
        rows.append(_headline_row(label, _csdl_pair(cur, program) or (None, None),
                                  _csdl_pair(prev, program),
                                  _("trên {n} cơ sở dữ liệu", n=c.fmt.int(total)) if total
                                  else "", card=program == "plan_02"))
    for level, label in (("province", _("Hồ sơ trực tuyến — cấp tỉnh")),
                         ("ministry", _("Hồ sơ trực tuyến — cấp bộ"))):
        rows.append(_headline_row(label, _level_pair(cur, level, "online") or (None, None),
                                  _level_pair(prev, level, "online"), _("lũy kế từ đầu năm")))
    rows.append(_headline_row(_("Tháng báo cáo nộp đúng hạn"),
                              _reporting_pair(cur) or (None, None), _reporting_pair(prev)))
    rows.append(_headline_row(_("Chỉ tiêu đã đạt hoặc đúng lộ trình"),
                              _indicator_pair(cur, ("achieved", "on_track")) or (None, None),
                              _indicator_pair(prev, ("achieved", "on_track")),
                              _("trên {n} chỉ tiêu", n=c.fmt.int(len(cur.indicators)))))
    return Table(
        "headline", _("Số liệu chính toàn quốc"),
        (Column("figure", _("Chỉ số")), Column("count", _("Số lượng"), "int"),
         Column("rate", _("Tỷ lệ"), "pct"), Column("basis", _("Cơ sở tính")),
         Column("count_change", _("Thay đổi số lượng"), "signed_int"),
         Column("rate_change", _("Thay đổi tỷ lệ"), "pp"),
         Column("previous_count", _("Quý trước: số lượng"), "int"),
         Column("previous_rate", _("Quý trước: tỷ lệ"), "pct")),
        tuple(rows),
        note=_("Thay đổi so với {period}. Kinh phí chỉ so sánh trong cùng năm ngân sách; "
               "“–” là không có số liệu.",
               period=c.fmt.period(prev.period.key) if prev else "–"),
    )


# --------------------------------------------------------------------------- ranking

def movement_text(c: _Context, result: AgencyResult) -> str:
    """Rank movement in words and arrows: ``▲ 2``, ``▼ 1``, ``=``, or new."""
    if result.rank is None:
        return "–"
    if result.previous_rank is None:
        return c._("mới xếp hạng")
    moved = result.movement or 0
    if moved > 0:
        return f"▲ {moved}"
    if moved < 0:
        return f"▼ {-moved}"
    return "="


def _component_cell(c: _Context, score: ComponentScore | None) -> Any:
    if score is None or score.measure.reason == NA:
        return c._("không áp dụng")
    if score.measure.reason == MISSING:
        return c._("thiếu số liệu")
    return score.score


def ranking_table(c: _Context, group_id: str) -> Table:
    """One peer group's ranking: rank, movement, composite, band and component scores."""
    _ = c._
    method = c.inputs.method
    group = next(g for g in method.peer_groups if g.group_id == group_id)
    components = method.components_of(group_id)
    rows = []
    for result in c.inputs.results[group_id]:
        row = {"rank": result.rank, "movement": movement_text(c, result),
               "agency_id": result.agency_id, "agency": c.name(result.agency_id),
               "href": c.agency_href(result.agency_id), "composite": result.composite,
               "band": c.band(result.composite),
               "coverage": result.weight_share_available,
               "previous_rank": result.previous_rank}
        for component in components:
            row[component.component_id] = _component_cell(
                c, result.component(component.component_id))
        rows.append(row)
    columns = (Column("rank", _("Hạng"), "int"), Column("movement", _("So với quý trước")),
               Column("agency", _("Cơ quan")), Column("composite", _("Điểm tổng hợp"),
                                                      "number", 1),
               Column("band", _("Xếp loại"), "status"),
               *(Column(comp.component_id, comp.label(c.lang), "number", 1)
                 for comp in components),
               Column("coverage", _("Tỷ trọng có số liệu"), "pct", 0),
               Column("previous_rank", _("Hạng quý trước"), "int"))
    return Table(f"ranking-{group_id}", _("Xếp hạng: {group}", group=group.label(c.lang)),
                 columns, tuple(rows), link_key="href",
                 note=_("Điểm 0–100 theo phương pháp ở Phụ lục. Cơ quan có số liệu dưới "
                        "{share} tỷ trọng không được tính điểm tổng hợp và không xếp hạng.",
                        share=c.fmt.pct(method.min_weight_share, 0)))


def tile_chart(c: _Context, component_id: str | None) -> Chart:
    """The 34 provinces on a tile map, by composite or by one component's score."""
    _ = c._
    method = c.inputs.method
    tiles = []
    for result in c.inputs.results.get("province", []):
        if component_id is None:
            score, reason = result.composite, None
        else:
            comp = result.component(component_id)
            score = comp.score if comp else None
            reason = comp.measure.reason if comp else NA
        status = c.band(score, reason)
        row = c.inputs.agencies.get(result.agency_id, {})
        label = (row.get("short_name_vi") or row.get("name_vi") or result.agency_id)
        tiles.append(charts.Tile(result.agency_id, label.removeprefix("TP "),
                                 c.fmt.number(score, 0),
                                 status.code if status.code != "na" else "missing",
                                 status.text))
    legend = {b.code: f"{b.label(c.lang)} (≥ {c.fmt.int(b.minimum)})" for b in method.bands}
    legend["missing"] = _("Thiếu số liệu")
    if component_id is None:
        title = _("Điểm tổng hợp của 34 tỉnh, thành phố")
    else:
        comp = next(x for x in method.components if x.component_id == component_id)
        title = _("{component}: điểm của 34 tỉnh, thành phố", component=comp.label(c.lang))
    return Chart(f"tiles-{component_id or 'composite'}", title,
                 charts.tile_map(tiles, title=title, legend=legend), "ranking-province")


# --------------------------------------------------------------------------- budget

def _pillar_label(c: _Context, pillar: str) -> str:
    return {"KHCN": c._("Khoa học, công nghệ"), "DMST": c._("Đổi mới sáng tạo"),
            "CDS": c._("Chuyển đổi số"), "ALL": c._("Cả ba trụ cột")}[pillar]


def _level_label(c: _Context, level: str | None) -> str:
    return {"central": c._("Trung ương"), "province": c._("Cấp tỉnh"),
            "commune": c._("Cấp xã"), None: c._("Toàn quốc")}[level]


def _money(value: Any) -> float | None:
    return None if value is None else float(value)


def budget_table(c: _Context) -> Table:
    """Budget by pillar and level: total, allocated, assigned estimate, disbursed, rate."""
    _ = c._
    q = c.inputs.current
    rows = []
    for r in q.budget:
        if r["scope"] not in ("national", "level"):
            continue
        rows.append({"pillar": _pillar_label(c, r["pillar"]),
                     "level": _level_label(c, r["budget_level"] if r["scope"] == "level"
                                           else None),
                     "total": _money(r["total_budget"]),
                     "allocated": _money(r["allocated_budget"]),
                     "estimate": _money(r["assigned_estimate"]),
                     "disbursed": _money(r["disbursed"]),
                     "rate": r["disbursement_rate"],
                     "_order": (PILLARS.index(r["pillar"]),
                                -1 if r["scope"] == "national"
                                else LEVELS.index(r["budget_level"]))})
    rows.sort(key=lambda row: row.pop("_order"))
    note = (_("Báo cáo giải ngân đến ngày {date}; đơn vị: tỷ đồng.",
              date=c.fmt.date(q.budget_as_of)) if q.budget_as_of
            else _("Chưa có báo cáo kinh phí của năm ngân sách trong quý này."))
    return Table("budget-pillar-level", _("Kinh phí theo trụ cột và cấp ngân sách"),
                 (Column("pillar", _("Trụ cột")), Column("level", _("Cấp")),
                  Column("total", _("Tổng kinh phí"), "number", 2),
                  Column("allocated", _("Đã phân bổ"), "number", 2),
                  Column("estimate", _("Dự toán giao"), "number", 2),
                  Column("disbursed", _("Đã giải ngân"), "number", 2),
                  Column("rate", _("Tỷ lệ giải ngân / dự toán"), "pct", 2)),
                 tuple(rows), note=note)


def budget_chart(c: _Context) -> Chart | None:
    """Disbursement rate by pillar, one bar per budget level."""
    q = c.inputs.current
    bars = [charts.Bar(_pillar_label(c, r["pillar"]),
                       _level_label(c, r["budget_level"] if r["scope"] == "level" else None),
                       r["disbursement_rate"], c.fmt.pct(r["disbursement_rate"]))
            for r in sorted(q.budget, key=lambda r: (
                PILLARS.index(r["pillar"]),
                -1 if r["scope"] == "national" else LEVELS.index(r["budget_level"] or "central")))
            if r["scope"] in ("national", "level") and r["pillar"] != "ALL"]
    if not bars:
        return None
    title = c._("Tỷ lệ giải ngân trên dự toán giao, theo trụ cột và cấp")
    return Chart("budget-chart", title,
                 charts.bar_chart(bars, title=title, axis_title=c._("Tỷ lệ giải ngân"),
                                  series_title=c._("Cấp")), "budget-pillar-level")


def agency_budget_table(c: _Context) -> Table:
    """Every body's budget by pillar (sliced onto agency pages)."""
    _ = c._
    rows = [{"agency_id": r["agency_id"], "agency": c.name(r["agency_id"]),
             "pillar": _pillar_label(c, r["pillar"]),
             "total": _money(r["total_budget"]), "estimate": _money(r["assigned_estimate"]),
             "disbursed": _money(r["disbursed"]), "rate": r["disbursement_rate"]}
            for r in c.inputs.current.budget if r["scope"] == "agency"]
    rows.sort(key=lambda row: (vi_sort_key(row["agency"]), row["pillar"]))
    return Table("agency-budget", _("Kinh phí của từng cơ quan theo trụ cột"),
                 (Column("agency", _("Cơ quan")), Column("pillar", _("Trụ cột")),
                  Column("total", _("Tổng kinh phí"), "number", 2),
                  Column("estimate", _("Dự toán giao"), "number", 2),
                  Column("disbursed", _("Đã giải ngân"), "number", 2),
                  Column("rate", _("Tỷ lệ giải ngân"), "pct", 1)),
                 tuple(rows), note=_("Đơn vị: tỷ đồng."))


# --------------------------------------------------------------------------- databases

def _program_label(c: _Context, program: str) -> str:
    return {"plan_02": c._("Kế hoạch 02-KH/BCĐTW"),
            "resolution_11": c._("Nghị quyết 11/NQ-CP")}.get(program, program)


def csdl_summary_table(c: _Context) -> Table:
    """Databases per programme: reported, meeting all 19 criteria, connected."""
    _ = c._
    rows = []
    for program in PROGRAMS:
        dbs = [r for r in c.inputs.current.csdl if r["program_code"] == program]
        if not dbs:
            continue
        rows.append({"program": _program_label(c, program), "total": len(dbs),
                     "all_criteria": sum(1 for r in dbs if r["meets_all_criteria"]),
                     "connected": sum(1 for r in dbs if r["is_connected"]),
                     "connected_rate": sum(1 for r in dbs if r["is_connected"]) / len(dbs),
                     "not_reported": sum(1 for r in dbs if not r["is_reported"])})
    q = c.inputs.current
    return Table("csdl-summary", _("Cơ sở dữ liệu quốc gia, chuyên ngành"),
                 (Column("program", _("Chương trình")), Column("total", _("Số CSDL"), "int"),
                  Column("all_criteria", _("Đạt đủ 19 tiêu chí"), "int"),
                  Column("connected", _("Đã kết nối, đối soát, đồng bộ"), "int"),
                  Column("connected_rate", _("Tỷ lệ kết nối"), "pct", 1),
                  Column("not_reported", _("Chưa báo cáo"), "int")),
                 tuple(rows),
                 note=(_("Số liệu đến ngày {date}.", date=c.fmt.date(q.csdl_as_of))
                       if q.csdl_as_of else _("Chưa có báo cáo cơ sở dữ liệu trong quý này.")))


def csdl_matrix(c: _Context) -> Table:
    """Readiness matrix: one row per database, one column per readiness criterion."""
    _ = c._
    rows = []
    for r in c.inputs.current.csdl:
        met, total = r["criteria_met"], r["criteria_total"]
        rows.append({
            "agency_id": r["owner_current_agency_id"],
            "database": r["database_name"], "program": _program_label(c, r["program_code"]),
            "agency": c.name(r["owner_current_agency_id"]),
            "criteria": f"{met}/{total}" if met is not None and total else None,
            "all_criteria": c.yes_no(r["meets_all_criteria"]),
            "reconciled": c.yes_no(r["is_reconciled"]), "synced": c.yes_no(r["is_synced"]),
            "connected": c.yes_no(r["is_connected"]), "reported": c.yes_no(r["is_reported"]),
        })
    return Table("csdl-matrix", _("Ma trận sẵn sàng của cơ sở dữ liệu"),
                 (Column("database", _("Cơ sở dữ liệu")), Column("program", _("Chương trình")),
                  Column("agency", _("Cơ quan chủ quản")),
                  Column("criteria", _("Tiêu chí đạt")),
                  Column("all_criteria", _("Đạt 19/19"), "status"),
                  Column("reconciled", _("Đối soát với CSDL dân cư"), "status"),
                  Column("synced", _("Đồng bộ về Trung tâm dữ liệu quốc gia"), "status"),
                  Column("connected", _("Đã kết nối"), "status"),
                  Column("reported", _("Có báo cáo"), "status")),
                 tuple(rows))


# --------------------------------------------------------------------------- public services

def public_service_levels_table(c: _Context) -> Table:
    """Year-to-date rates of ministries and provinces."""
    _ = c._
    label = {"ministry": _("Bộ, ngành"), "province": _("Tỉnh, thành phố")}
    rows = [{"level": label.get(r["level"], r["level"]),
             "through": c.fmt.date(r["reporting_month"]).split("/", 1)[1],
             **{f"{rate}": r[f"{rate}_rate"] for rate in
                ("online", "digitisation", "reuse", "e_result", "online_payment")}}
            for r in c.inputs.current.public_service_levels]
    return Table("public-services-level", _("Dịch vụ công trực tuyến, lũy kế từ đầu năm"),
                 (Column("level", _("Cấp")), Column("through", _("Đến tháng")),
                  *_rate_columns(c)), tuple(rows))


def _rate_columns(c: _Context) -> tuple[Column, ...]:
    _ = c._
    return (Column("online", _("Hồ sơ trực tuyến"), "pct", 2),
            Column("digitisation", _("Số hóa hồ sơ"), "pct", 2),
            Column("reuse", _("Tái sử dụng dữ liệu"), "pct", 2),
            Column("e_result", _("Trả kết quả điện tử"), "pct", 2),
            Column("online_payment", _("Thanh toán trực tuyến"), "pct", 2))


def agency_public_services_table(c: _Context) -> Table:
    """Each body's public-service rates over the quarter (sliced onto agency pages)."""
    _ = c._
    rows = [{"agency_id": agency_id, "agency": c.name(agency_id), "months": r["months"],
             **{rate: r[f"{rate}_rate"] for rate in
                ("online", "digitisation", "reuse", "e_result", "online_payment")}}
            for agency_id, r in c.inputs.current.public_services.items()]
    rows.sort(key=lambda row: vi_sort_key(row["agency"]))
    return Table("agency-public-services", _("Dịch vụ công trực tuyến của từng cơ quan trong quý"),
                 (Column("agency", _("Cơ quan")), Column("months", _("Số tháng"), "int"),
                  *_rate_columns(c)), tuple(rows),
                 note=_("Điểm thành phần là trung bình của {n} tỷ lệ đầu.",
                        n=len(SCORED_RATES)))


# --------------------------------------------------------------------------- indicators

_INDICATOR_STATUS = {"achieved": "green", "on_track": "green", "off_track": "red",
                     "no_data": "missing"}


def indicator_table(c: _Context) -> Table:
    """Indicators against their 2030 (or 2045) targets, with progress status in words."""
    _ = c._
    words = {"achieved": _("Đã đạt"), "on_track": _("Đúng lộ trình"),
             "off_track": _("Chậm so với lộ trình"), "no_data": _("Chưa có số liệu")}
    rows = []
    for r in c.inputs.current.indicators:
        status = r["status"] or "no_data"
        rows.append({"agency_id": r["responsible_agency_id"],
                     "indicator": r["indicator_id"], "name": r["indicator_name"],
                     "target": r["target_text"], "year": r["target_year"],
                     "latest": r["latest_value"],
                     "unit": r["unit"], "period": r["latest_period"],
                     "agency": c.name(r["responsible_agency_id"]),
                     "status": Status(_INDICATOR_STATUS.get(status, "missing"),
                                      words.get(status, status))})
    return Table("indicators", _("Chỉ tiêu đến năm 2030 và tiến độ"),
                 (Column("indicator", _("Mã")), Column("name", _("Chỉ tiêu")),
                  Column("target", _("Mục tiêu")), Column("year", _("Năm mục tiêu")),
                  Column("latest", _("Số liệu gần nhất"), "number", 2),
                  Column("unit", _("Đơn vị")), Column("period", _("Kỳ số liệu")),
                  Column("agency", _("Cơ quan chịu trách nhiệm")),
                  Column("status", _("Tiến độ"), "status")),
                 tuple(rows),
                 note=_("“Chưa có số liệu” là chỉ tiêu chưa có số đo; không được tính là 0."))


# --------------------------------------------------------------------------- per agency

def agency_components_table(c: _Context) -> Table:
    """Every body's component measures and scores (sliced onto agency pages)."""
    _ = c._
    rows = []
    for results in c.inputs.results.values():
        for result in results:
            for comp in result.components:
                rows.append({
                    "agency_id": result.agency_id, "agency": c.name(result.agency_id),
                    "component": comp.component.label(c.lang),
                    "value": comp.measure.value, "score": comp.score,
                    "weight": comp.weight_share,
                    "status": c.band(comp.score, comp.measure.reason)})
    return Table("agency-components", _("Điểm thành phần của từng cơ quan"),
                 (Column("agency", _("Cơ quan")), Column("component", _("Thành phần")),
                  Column("value", _("Số đo"), "pct", 1),
                  Column("score", _("Điểm"), "number", 1),
                  Column("weight", _("Tỷ trọng thực tế"), "pct", 0),
                  Column("status", _("Xếp loại"), "status")),
                 tuple(rows))


def agency_tasks_table(c: _Context) -> Table:
    """Every body's task counts in the quarter."""
    _ = c._
    rows = []
    for key, r in c.inputs.current.tasks.items():
        if key == "national":
            continue
        rows.append({"agency_id": key, "agency": c.name(key),
                     "assigned": r["tasks_assigned"], "recurring": r["tasks_recurring"],
                     "with_deadline": r["tasks_with_deadline"], "done": r["tasks_done"],
                     "done_late": r["tasks_done_late"], "in_progress": r["tasks_in_progress"],
                     "overdue": r["tasks_overdue"],
                     "without_evidence": r["tasks_done_without_evidence"],
                     "completion": r["completion_rate"]})
    rows.sort(key=lambda row: vi_sort_key(row["agency"]))
    return Table("agency-tasks", _("Nhiệm vụ của từng cơ quan"),
                 (Column("agency", _("Cơ quan")), Column("assigned", _("Được giao"), "int"),
                  Column("recurring", _("Thường xuyên"), "int"),
                  Column("with_deadline", _("Có thời hạn"), "int"),
                  Column("done", _("Đã hoàn thành"), "int"),
                  Column("done_late", _("trong đó trễ hạn"), "int"),
                  Column("in_progress", _("Đang thực hiện trong hạn"), "int"),
                  Column("overdue", _("Quá hạn"), "int"),
                  Column("without_evidence", _("Hoàn thành chưa có minh chứng"), "int"),
                  Column("completion", _("Tỷ lệ hoàn thành"), "pct", 1)),
                 tuple(rows))


def overdue_table(c: _Context) -> Table:
    """Every overdue task by name, deadline and product: rõ người, rõ việc, rõ thời gian."""
    _ = c._
    rows = [{"agency_id": r["agency_id"], "agency": c.name(r["agency_id"]),
             "task_id": r["task_id"], "task": r["task_name"], "deadline": r["deadline_text"],
             "due_date": r["due_date"], "product": r["expected_product"],
             "days_overdue": r["days_overdue"], "source": r["source_document"]}
            for r in c.inputs.current.overdue]
    rows.sort(key=lambda row: (vi_sort_key(row["agency"]), row["due_date"] is None,
                               row["due_date"] or datetime.min.date(), row["task_id"]))
    return Table("overdue-tasks", _("Nhiệm vụ quá hạn"),
                 (Column("agency", _("Cơ quan chủ trì")), Column("task_id", _("Mã")),
                  Column("task", _("Nhiệm vụ")), Column("deadline", _("Thời hạn (văn bản)")),
                  Column("due_date", _("Hạn"), "date"),
                  Column("product", _("Sản phẩm dự kiến")),
                  Column("days_overdue", _("Số ngày quá hạn"), "int"),
                  Column("source", _("Văn bản giao"))),
                 tuple(rows),
                 note=_("Tính đến ngày {date}.", date=c.fmt.date(c.inputs.current.period
                                                                 .as_of_date)))


def agency_reporting_table(c: _Context) -> Table:
    """Each body's reporting and data-quality record in the quarter."""
    _ = c._
    failing = c.inputs.gate.failing_by_agency
    rows = []
    for agency_id, r in c.inputs.current.reporting.items():
        if not r["is_reporting_body"]:
            continue
        rows.append({"agency_id": agency_id, "agency": c.name(agency_id),
                     "expected": r["months_expected"], "received": r["months_received"],
                     "on_time": r["months_on_time"], "late": r["months_late"],
                     "missing": r["months_missing"], "rejected": r["files_rejected"],
                     "quarantined": r["rows_quarantined"],
                     "completeness": r["row_completeness"],
                     "rule_rows": failing.get(agency_id, 0)})
    rows.sort(key=lambda row: vi_sort_key(row["agency"]))
    return Table("agency-reporting", _("Báo cáo và chất lượng số liệu của từng cơ quan"),
                 (Column("agency", _("Cơ quan")),
                  Column("expected", _("Tháng phải báo cáo"), "int"),
                  Column("received", _("Tháng đã nhận"), "int"),
                  Column("on_time", _("Đúng hạn"), "int"), Column("late", _("Trễ hạn"), "int"),
                  Column("missing", _("Chưa nộp"), "int"),
                  Column("rejected", _("Tệp bị từ chối"), "int"),
                  Column("quarantined", _("Dòng bị cách ly"), "int"),
                  Column("completeness", _("Tỷ lệ dòng được nạp"), "pct", 1),
                  Column("rule_rows", _("Dòng vi phạm quy tắc kiểm tra"), "int")),
                 tuple(rows))


def _slice(table: Table, agency_id: str, title: str | None = None) -> Table:
    """The rows of a long per-agency table that belong to one agency, without its name."""
    rows = tuple(r for r in table.rows if r.get("agency_id") == agency_id)
    columns = tuple(col for col in table.columns if col.key != "agency")
    return Table(f"{table.table_id}-{agency_id}", title or table.title, columns, rows,
                 note=table.note)


def agency_page(c: _Context, result: AgencyResult, group_label: str,
                long: Mapping[str, Table]) -> Page:
    """One body's page: its scores, tasks (overdue by name), budget, databases, services."""
    _ = c._
    components = _slice(long["agency-components"], result.agency_id, _("Điểm thành phần"))
    summary = [
        _("Nhóm: {group}.", group=group_label),
        (_("Điểm tổng hợp {score} — {band}; hạng {rank} ({movement}).",
           score=c.fmt.number(result.composite, 1), band=c.band(result.composite).text,
           rank=c.fmt.int(result.rank), movement=movement_text(c, result))
         if result.composite is not None else
         _("Không đủ số liệu để tính điểm tổng hợp (có số liệu cho {share} tỷ trọng).",
           share=c.fmt.pct(result.weight_share_available, 0))),
    ]
    overdue = _slice(long["overdue-tasks"], result.agency_id,
                     _("Nhiệm vụ quá hạn: rõ người, rõ việc, rõ thời gian"))
    sections = [
        Section("tong-hop", _("Kết quả tổng hợp"), tuple(summary), (components,)),
        Section("nhiem-vu", _("Nhiệm vụ"),
                () if overdue.rows else (_("Không có nhiệm vụ quá hạn."),),
                (_slice(long["agency-tasks"], result.agency_id, _("Nhiệm vụ trong quý")),
                 *((overdue,) if overdue.rows else ()))),
        Section("kinh-phi", _("Kinh phí"), (),
                (_slice(long["agency-budget"], result.agency_id),)),
        Section("csdl", _("Cơ sở dữ liệu do cơ quan chủ quản"), (),
                (_slice(long["csdl-matrix"], result.agency_id),)),
        Section("dich-vu-cong", _("Dịch vụ công trực tuyến"), (),
                (_slice(long["agency-public-services"], result.agency_id),)),
        Section("chat-luong", _("Báo cáo và chất lượng số liệu"), (),
                (_slice(long["agency-reporting"], result.agency_id),)),
    ]
    return Page(result.agency_id, c.name(result.agency_id), tuple(
        s for s in sections if any(not isinstance(b, Table) or b.rows for b in s.blocks)
        or s.paragraphs), subtitle=group_label)


# --------------------------------------------------------------------------- method annex

def method_tables(c: _Context) -> tuple[Table, ...]:
    """The method as printed in the annex: components, weights and bands."""
    _ = c._
    method = c.inputs.method
    norm_text: dict[str, Callable[[Any], str]] = {
        "linear": lambda comp: _("tuyến tính: {worst} → 0 điểm, {best} → 100 điểm",
                                 worst=c.fmt.pct(comp.worst, 0), best=c.fmt.pct(comp.best, 0)),
        "min_max": lambda comp: _("so với nhóm: thấp nhất → 0 điểm, cao nhất → 100 điểm"),
    }
    components = Table(
        "method-components", _("Thành phần của điểm tổng hợp"),
        (Column("component", _("Thành phần")), Column("description", _("Cách tính")),
         Column("normalisation", _("Chuẩn hóa"))),
        tuple({"component": comp.label(c.lang), "description": comp.description(c.lang),
               "normalisation": norm_text[comp.normalisation](comp)}
              for comp in method.components))
    weights = Table(
        "method-weights", _("Trọng số theo nhóm (%)"),
        (Column("component", _("Thành phần")),
         *(Column(g.group_id, g.label(c.lang), "pct", 0) for g in method.peer_groups)),
        tuple({"component": comp.label(c.lang),
               **{g.group_id: (method.weights[g.group_id].get(comp.component_id, 0)
                               / sum(method.weights[g.group_id].values())
                               if comp.component_id in method.weights[g.group_id]
                               else _("không áp dụng")) for g in method.peer_groups}}
              for comp in method.components))
    bands = Table(
        "method-bands", _("Xếp loại"),
        (Column("band", _("Xếp loại"), "status"), Column("minimum", _("Từ điểm"), "int")),
        tuple({"band": Status(b.code, b.label(c.lang)), "minimum": b.minimum}
              for b in method.bands))
    return components, weights, bands


# --------------------------------------------------------------------------- the report

def build_report(inputs: ScorecardInputs, lang: Lang = "vi") -> Report:
    """The whole scorecard of a quarter in one language."""
    c = _Context(inputs, lang)
    _ = c._
    method = inputs.method
    period = inputs.current.period
    long = {t.table_id: t for t in (agency_components_table(c), agency_tasks_table(c),
                                    overdue_table(c), agency_budget_table(c), csdl_matrix(c),
                                    agency_public_services_table(c),
                                    agency_reporting_table(c))}
    ranking = [ranking_table(c, g.group_id) for g in method.peer_groups]
    budget_chart_block = budget_chart(c)
    tile_component = "public_services" if "public_services" in method.weights.get(
        "province", {}) else None
    sections = [
        Section("toan-quoc", _("Số liệu chính toàn quốc"), (), (headline_table(c),)),
        Section("xep-hang", _("Xếp hạng theo nhóm cơ quan"),
                (_("Mỗi cơ quan được so sánh với các cơ quan cùng nhóm; bấm tên cơ quan để "
                   "xem trang chi tiết."),), tuple(ranking)),
        Section("ban-do", _("Bản đồ 34 tỉnh, thành phố"), (),
                (tile_chart(c, None),
                 *((tile_chart(c, tile_component),) if tile_component else ()))),
        Section("kinh-phi", _("Kinh phí khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"),
                (), (*((budget_chart_block,) if budget_chart_block else ()), budget_table(c))),
        Section("csdl", _("Cơ sở dữ liệu quốc gia, chuyên ngành"), (),
                (csdl_summary_table(c), long["csdl-matrix"])),
        Section("dich-vu-cong", _("Dịch vụ công trực tuyến"), (),
                (public_service_levels_table(c),)),
        Section("chi-tieu", _("Chỉ tiêu đến năm 2030"), (), (indicator_table(c),)),
        Section("qua-han", _("Nhiệm vụ quá hạn"), (), (long["overdue-tasks"],)),
        Section("chat-luong", _("Chất lượng số liệu và kiểm duyệt"),
                tuple(inputs.gate.notes.get(lang, ())) + (
                    _("Cổng kiểm soát đã kiểm tra {n} quy tắc trước khi công bố.",
                      n=c.fmt.int(inputs.gate.rules_checked)),),
                (long["agency-reporting"],)),
        Section("phuong-phap", _("Phụ lục: Phương pháp đánh giá"),
                (_("Điểm mỗi thành phần từ 0 đến 100; điểm tổng hợp là trung bình có trọng số "
                   "của các thành phần có số liệu."),
                 _("Thiếu số liệu không bao giờ được tính là 0: thành phần không áp dụng hoặc "
                   "thiếu số liệu được bỏ ra và trọng số được chia lại cho các thành phần có số "
                   "liệu, nếu các thành phần này chiếm ít nhất {share} tổng trọng số áp dụng; "
                   "nếu không, cơ quan không có điểm tổng hợp và không được xếp hạng.",
                   share=c.fmt.pct(method.min_weight_share, 0)),
                 _("Xếp hạng trong từng nhóm theo điểm tổng hợp giảm dần; bằng điểm thì cùng "
                   "hạng (1, 2, 2, 4). Thay đổi hạng so với quý trước tính theo cùng phương "
                   "pháp."),
                 _("Phiên bản phương pháp {version}, mã băm SHA-256 {sha}.",
                   version=method.version, sha=method.sha256[:12])),
                method_tables(c)),
    ]
    group_labels = {g.group_id: g.label(lang) for g in method.peer_groups}
    agencies = tuple(agency_page(c, result, group_labels[group_id], long)
                     for group_id, results in inputs.results.items() for result in results)
    title = _("Bảng đánh giá kết quả thực hiện Nghị quyết 57-NQ/TW")
    main = Page("index", title, tuple(sections), subtitle=c.fmt.period(period.key))
    return Report(lang, period.key, title, main, agencies, tuple(long.values()), meta={
        "generated_at": inputs.generated_at,
        "generated_at_text": c.fmt.date(inputs.generated_at.date()),
        "as_of_text": c.fmt.date(period.as_of_date),
        "period_text": c.fmt.period(period.key),
        "annex_href": inputs.gate.annex_href,
    })

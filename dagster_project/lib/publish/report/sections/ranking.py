"""Ranking: each peer group's table, the province tile maps, every body's component scores.

Nothing here reads the marts: it shows the scores the method computed
(:mod:`~dagster_project.lib.publish.report.method`) with their bands and rank movement.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

from dagster_project.lib.publish.report import charts
from dagster_project.lib.publish.report.context import ReportContext
from dagster_project.lib.publish.report.method import MISSING, NA, AgencyResult, ComponentScore
from dagster_project.lib.publish.report.model import Chart, Column, Table


def movement_text(c: ReportContext, result: AgencyResult) -> str:
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


def _component_cell(c: ReportContext, score: ComponentScore | None) -> Any:
    if score is None or score.measure.reason == NA:
        return c._("không áp dụng")
    if score.measure.reason == MISSING:
        return c._("thiếu số liệu")
    return score.score


def ranking_table(c: ReportContext, group_id: str) -> Table:
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


def group_ranks(scores: dict[str, float]) -> dict[str, int]:
    """Ranks within a group by score, highest first; equal scores share a rank (1, 2, 2, 4)."""
    ordered = sorted(scores.values(), reverse=True)
    return {agency_id: ordered.index(score) + 1 for agency_id, score in scores.items()}


def third(rank: int, ranked: int) -> str:
    """Which third of the group a rank falls in: ``above``, ``middle`` or ``below``."""
    if rank <= math.ceil(ranked / 3):
        return "above"
    if rank > ranked - math.ceil(ranked / 3):
        return "below"
    return "middle"


def _tile_scores(c: ReportContext, component_id: str | None) -> dict[str, float | None]:
    scores: dict[str, float | None] = {}
    for result in c.inputs.results.get("province", []):
        if component_id is None:
            scores[result.agency_id] = result.composite
        else:
            comp = result.component(component_id)
            scores[result.agency_id] = comp.score if comp else None
    return scores


def tile_chart(c: ReportContext, component_id: str | None) -> Chart:
    """The 34 provinces on a tile diagram, by composite or by one component's score.

    Colour says where a province stands *within its peer group* (top, middle or bottom
    third by rank), not its absolute band: when every province is "Tốt", bands alone would
    paint the diagram one colour. Each tile prints its score and its rank in the group;
    Hoàng Sa and Trường Sa are drawn with their provinces, unscored.
    """
    _ = c._
    scores = _tile_scores(c, component_id)
    scored = {a: float(v) for a, v in scores.items() if v is not None}
    ranks = group_ranks(scored)
    cut = math.ceil(len(scored) / 3)
    tiles = []
    for agency_id in scores:
        row = c.inputs.agencies.get(agency_id, {})
        label = (row.get("short_name_vi") or row.get("name_vi") or agency_id).removeprefix("TP ")
        if agency_id in ranks:
            tiles.append(charts.Tile(agency_id, label, c.fmt.number(scored[agency_id], 1),
                                     third(ranks[agency_id], len(scored)),
                                     _("hạng {rank}", rank=ranks[agency_id])))
        else:
            tiles.append(charts.Tile(agency_id, label, "–", "missing", _("thiếu số liệu")))
    legend = {
        "above": _("Hạng 1–{last}: nhóm cao", last=cut),
        "middle": _("Hạng {first}–{last}: nhóm giữa", first=cut + 1,
                    last=len(scored) - cut),
        "below": _("Hạng {first}–{last}: nhóm thấp",
                   first=len(scored) - cut + 1, last=len(scored)),
        "missing": _("Thiếu số liệu"),
        "territory": _("Quần đảo, không chấm điểm"),
    }
    if component_id is None:
        title = _("Điểm tổng hợp của 34 tỉnh, thành phố")
    else:
        comp = next(x for x in c.inputs.method.components if x.component_id == component_id)
        title = _("{component}: điểm của 34 tỉnh, thành phố", component=comp.label(c.lang))
    group = next((g for g in c.inputs.method.peer_groups if g.group_id == "province"), None)
    return Chart(f"tiles-{component_id or 'composite'}", title,
                 charts.tile_map(tiles, title=title, legend=legend,
                                 description=tile_description(c, title, scored, ranks)),
                 "ranking-province",
                 _("Xếp hạng: {group}", group=group.label(c.lang)) if group else None)


def tile_description(c: ReportContext, title: str, scored: dict[str, float],
                     ranks: dict[str, int]) -> str:
    """The diagram in words (its text alternative): spread, median, first and last."""
    _ = c._
    if not scored:
        return _("{title}: chưa có điểm.", title=title)
    order = sorted(scored, key=lambda a: (ranks[a], c.name(a)))
    values = sorted(scored.values())
    return _("{title}. Sơ đồ ô, mỗi ô một tỉnh, thành phố, tô màu theo vị trí trong nhóm. "
             "Điểm từ {low} đến {high}, trung vị {median}. Cao nhất: {first}; thấp nhất: "
             "{last}. Hoàng Sa (Đà Nẵng) và Trường Sa (Khánh Hòa) được thể hiện, không chấm "
             "điểm.", title=title, low=c.fmt.number(values[0], 1),
             high=c.fmt.number(values[-1], 1), median=c.fmt.number(statistics.median(values), 1),
             first=c.name(order[0]), last=c.name(order[-1]))


def scoring_paragraph(c: ReportContext) -> str:
    """How a score is made, in one paragraph beside the ranking (the annex has the detail)."""
    _ = c._
    method = c.inputs.method
    relative = [comp.label(c.lang) for comp in method.components if comp.normalisation == "min_max"]
    bands = ", ".join(f"{b.label(c.lang)} ≥ {c.fmt.int(b.minimum)}" for b in method.bands
                      if b.minimum > 0)
    return _("Cách tính điểm: mỗi thành phần được quy ra điểm 0–100, theo mốc cố định (ví dụ "
             "hoàn thành nhiệm vụ: 50% được 0 điểm, 100% được 100 điểm) hoặc, với {relative}, "
             "so với các cơ quan cùng nhóm trong quý: cơ quan thấp nhất nhóm được 0 điểm, cao "
             "nhất được 100 điểm, nên 0 điểm ở đây nghĩa là thấp nhất nhóm, không phải không "
             "giải ngân. Điểm tổng hợp là trung bình có trọng số của các thành phần có số liệu "
             "(trọng số theo nhóm ở Phụ lục); xếp loại: {bands}, còn lại là “{lowest}”.",
             relative=", ".join(relative) or "–", bands=bands,
             lowest=method.bands[-1].label(c.lang))


def _goalposts(c: ReportContext, comp: ComponentScore,
               peers: dict[tuple[str, str], tuple[float, float]], group_id: str) -> str:
    """How this component's measure became its score, with the figures used."""
    _ = c._
    component = comp.component
    if component.normalisation == "linear":
        return _("mốc cố định: {worst} = 0 điểm, {best} = 100 điểm",
                 worst=c.fmt.pct(component.worst, 0), best=c.fmt.pct(component.best, 0))
    low_high = peers.get((group_id, component.component_id))
    if low_high is None:
        return _("so với các cơ quan cùng nhóm")
    return _("so với nhóm: thấp nhất {low} = 0 điểm, cao nhất {high} = 100 điểm",
             low=c.fmt.pct(low_high[0], 1), high=c.fmt.pct(low_high[1], 1))


def _peer_ranges(c: ReportContext) -> dict[tuple[str, str], tuple[float, float]]:
    """Lowest and highest measure of each relative component in each peer group."""
    ranges: dict[tuple[str, str], tuple[float, float]] = {}
    for group_id, results in c.inputs.results.items():
        values: dict[str, list[float]] = {}
        for result in results:
            for comp in result.components:
                if comp.measure.value is not None:
                    values.setdefault(comp.component.component_id, []).append(
                        comp.measure.value)
        for component_id, found in values.items():
            ranges[(group_id, component_id)] = (min(found), max(found))
    return ranges


def agency_components_table(c: ReportContext) -> Table:
    """Every body's component measures and scores (sliced onto agency pages)."""
    _ = c._
    rows = []
    peers = _peer_ranges(c)
    for group_id, results in c.inputs.results.items():
        for result in results:
            for comp in result.components:
                rows.append({
                    "agency_id": result.agency_id, "agency": c.name(result.agency_id),
                    "component": comp.component.label(c.lang),
                    "value": comp.measure.value, "score": comp.score,
                    "how": (_goalposts(c, comp, peers, group_id)
                            if comp.measure.value is not None else None),
                    "weight": comp.weight_share,
                    "status": c.band(comp.score, comp.measure.reason)})
    return Table("agency-components", _("Điểm thành phần của từng cơ quan"),
                 (Column("agency", _("Cơ quan")), Column("component", _("Thành phần")),
                  Column("value", _("Số đo"), "pct", 1),
                  Column("score", _("Điểm"), "number", 1),
                  Column("how", _("Cách quy ra điểm")),
                  Column("weight", _("Tỷ trọng thực tế"), "pct", 0),
                  Column("status", _("Xếp loại"), "status")),
                 tuple(rows))

"""The method annex: components and how each is normalised, weights per group, bands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dagster_project.lib.publish.report.context import ReportContext
from dagster_project.lib.publish.report.model import Column, Status, Table


def method_tables(c: ReportContext) -> tuple[Table, ...]:
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

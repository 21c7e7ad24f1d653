"""The scoring method: validation of method.yml, normalisation, the missing-data rule, ranks."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from dagster_project.lib.publish.report.method import (
    METHOD_FILE,
    MISSING,
    NA,
    Body,
    Measure,
    MethodError,
    load_method,
    parse_method,
    score_all,
    with_previous,
)

RAW = yaml.safe_load(METHOD_FILE.read_text(encoding="utf-8"))


def _method(**changes):
    raw = copy.deepcopy(RAW)
    for dotted, value in changes.items():
        node = raw
        *path, last = dotted.split("__")
        for key in path:
            node = node[key]
        node[last] = value
    return parse_method(raw)


def _full(value: float) -> dict[str, Measure]:
    """Every measure of a ministry at ``value`` (overdue as its complement)."""
    return {"task_completion_rate": Measure(value), "task_overdue_rate": Measure(1 - value),
            "budget_disbursement_rate": Measure(value), "csdl_connected_rate": Measure(value),
            "public_service_rate": Measure(value), "reporting_on_time_rate": Measure(value),
            "data_row_completeness": Measure(value)}


MINISTRIES = [Body("BA", "Bộ A", "Ministry A", "ministry"),
              Body("BB", "Bộ B", "Ministry B", "ministry"),
              Body("BC", "Bộ C", "Ministry C", "ministry")]


def test_the_shipped_method_is_valid_and_weights_cover_each_group() -> None:
    method = load_method()
    assert [g.group_id for g in method.peer_groups] == ["ministry", "central_body", "province"]
    assert len(method.sha256) == 64
    # CSDL readiness is a ministry component only; provinces are scored on public services.
    assert "csdl_readiness" in method.weights["ministry"]
    assert "csdl_readiness" not in method.weights["province"]
    assert "public_services" in method.weights["province"]
    assert method.band(75).code == "green" and method.band(74.9).code == "amber"
    assert method.band(0).code == "red" and method.band(None) is None


@pytest.mark.parametrize(("changes", "message"), [
    ({"components__task_completion__measure": "tasks_typed"}, "measure 'tasks_typed'"),
    ({"weights__province__unknown": 5}, "weights.province.unknown is not a component"),
    ({"weights__ministry__task_completion": 0}, "weights.ministry.task_completion must be > 0"),
    ({"components__task_completion__normalisation": {"method": "linear", "worst": 1,
                                                       "best": 1}}, "worst equals best"),
    ({"bands": [{"code": "green", "min": 50, "label_vi": "Tốt", "label_en": "Good"}]},
     "down to 0"),
    ({"missing_data": {"min_weight_share": 0}}, "min_weight_share"),
])
def test_a_broken_method_names_the_key_at_fault(changes, message) -> None:
    with pytest.raises(MethodError, match=message):
        _method(**changes)


def test_missing_data_is_left_out_and_reweighted_never_scored_zero() -> None:
    method = load_method()
    with_gap = _full(0.9) | {"budget_disbursement_rate": Measure.missing()}
    scored = score_all(method, MINISTRIES[:1], {"BA": with_gap})["ministry"][0]
    budget = scored.component("budget_disbursement")
    assert budget.status == MISSING and budget.score is None and budget.weight_share is None
    # Every other component scores the same for 0.9 except the two linear ones with other
    # goalposts; the composite is their weighted mean over 85 of the 100 weight points.
    available = [c for c in scored.components if c.score is not None]
    expected = sum(c.score * c.weight for c in available) / sum(c.weight for c in available)
    assert scored.composite == pytest.approx(expected)
    assert sum(c.weight_share for c in available) == pytest.approx(1.0)
    assert scored.weight_share_available == pytest.approx(0.85)


def test_not_applicable_does_not_count_against_coverage() -> None:
    method = load_method()
    measures = _full(0.8) | {"csdl_connected_rate": Measure.na()}
    scored = score_all(method, MINISTRIES[:1], {"BA": measures})["ministry"][0]
    assert scored.component("csdl_readiness").status == NA
    assert scored.weight_share_available == pytest.approx(1.0)
    assert scored.rank == 1


def test_too_little_data_means_no_composite_and_no_rank() -> None:
    method = load_method()
    sparse = {"task_completion_rate": Measure(1.0), "task_overdue_rate": Measure(0.0)}
    results = score_all(method, MINISTRIES[:2], {"BA": sparse, "BB": _full(0.6)})["ministry"]
    assert [(r.agency_id, r.rank) for r in results] == [("BB", 1), ("BA", None)]
    assert results[1].composite is None
    assert results[1].weight_share_available == pytest.approx(0.45)


def test_min_max_scores_against_the_peer_group() -> None:
    method = load_method()
    measures = {b.agency_id: _full(0.9) for b in MINISTRIES}
    for agency_id, rate in (("BA", 0.10), ("BB", 0.20), ("BC", 0.30)):
        measures[agency_id] = measures[agency_id] | {"budget_disbursement_rate": Measure(rate)}
    results = {r.agency_id: r for r in score_all(method, MINISTRIES, measures)["ministry"]}
    scores = {a: r.component("budget_disbursement").score for a, r in results.items()}
    assert scores == pytest.approx({"BA": 0.0, "BB": 50.0, "BC": 100.0})
    assert [results[a].rank for a in ("BC", "BB", "BA")] == [1, 2, 3]


def test_equal_composites_share_a_rank_and_movement_is_counted() -> None:
    method = load_method()
    now = score_all(method, MINISTRIES, {"BA": _full(0.7), "BB": _full(0.9),
                                          "BC": _full(0.9)})["ministry"]
    before = score_all(method, MINISTRIES, {"BA": _full(0.95), "BB": _full(0.9),
                                             "BC": _full(0.5)})["ministry"]
    moved = {r.agency_id: r for r in with_previous(now, before)}
    assert [(r.agency_id, r.rank) for r in now] == [("BB", 1), ("BC", 1), ("BA", 3)]
    assert (moved["BA"].previous_rank, moved["BA"].movement) == (1, -2)
    assert (moved["BC"].previous_rank, moved["BC"].movement) == (3, 2)


def test_changing_a_weight_in_the_file_changes_the_ranking(tmp_path: Path) -> None:
    """Two ministries, one strong on tasks, one on public services: the weights decide."""
    measures = {"BA": _full(0.9) | {"task_completion_rate": Measure(1.0),
                                    "public_service_rate": Measure(0.2)},
                "BB": _full(0.9) | {"task_completion_rate": Measure(0.6),
                                    "public_service_rate": Measure(1.0)}}
    first = score_all(load_method(), MINISTRIES[:2], measures)["ministry"]
    raw = copy.deepcopy(RAW)
    raw["weights"]["ministry"]["task_completion"] = 5
    raw["weights"]["ministry"]["public_services"] = 60
    edited = tmp_path / "method.yml"
    edited.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    second = score_all(load_method(edited), MINISTRIES[:2], measures)["ministry"]
    assert [r.agency_id for r in first] == ["BA", "BB"]
    assert [r.agency_id for r in second] == ["BB", "BA"]

"""The scoring method of the scorecard, read from ``reports/method.yml``, and the scoring itself.

The method is configuration so that the Standing Office can change a weight, a goalpost or a
band without a code change, and so that the report can print exactly the method it used.
Scoring is pure: it takes each body's measures (see ``figures.agency_measures``) and returns
component scores, a composite, a band and a rank within the peer group.

Missing data is never a zero. A component that does not apply to a body (``NA``) or has no
figure this quarter (``MISSING``) is left out; the composite is the weighted mean of the
components with a figure, if they carry at least ``missing_data.min_weight_share`` of the
weight that applies. Otherwise the body has no composite and is listed unranked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from dagster_project.lib.home.paths import REPORTS_DIR
from dagster_project.lib.text.vnformat import vi_sort_key

METHOD_FILE = REPORTS_DIR / "method.yml"

NA = "na"
"""The component does not apply to the body (e.g. it owns no national database)."""
MISSING = "missing"
"""The component applies but no figure arrived for the quarter."""

Normalisation = Literal["linear", "min_max"]
MEASURES = (
    "task_completion_rate",
    "task_overdue_rate",
    "budget_disbursement_rate",
    "csdl_connected_rate",
    "public_service_rate",
    "reporting_on_time_rate",
    "data_row_completeness",
)
"""The measures ``figures.agency_measures`` computes; a component names one of them."""


class MethodError(ValueError):
    """``method.yml`` is not a valid method; the message names the key at fault."""


class _Labelled:
    """Something of the method named in both languages (``label_vi``, ``label_en``)."""

    __slots__ = ()
    label_vi: str
    label_en: str

    def label(self, lang: str) -> str:
        """The name in ``lang``: what the report prints."""
        return self.label_vi if lang == "vi" else self.label_en


@dataclass(frozen=True, slots=True)
class PeerGroup(_Labelled):
    """Bodies ranked against each other (``dim_agency.kind`` values)."""

    group_id: str
    label_vi: str
    label_en: str
    kinds: tuple[str, ...]



@dataclass(frozen=True, slots=True)
class Component(_Labelled):
    """One scored component: its measure and how that measure becomes a 0..100 score."""

    component_id: str
    label_vi: str
    label_en: str
    description_vi: str
    description_en: str
    measure: str
    normalisation: Normalisation
    worst: float | None = None
    best: float | None = None

    def description(self, lang: str) -> str:
        """How the component is measured, in ``lang``."""
        return self.description_vi if lang == "vi" else self.description_en


@dataclass(frozen=True, slots=True)
class Band(_Labelled):
    """A band of scores at or above ``minimum``: green, amber or red."""

    code: str
    minimum: float
    label_vi: str
    label_en: str


@dataclass(frozen=True, slots=True)
class Method:
    """The whole method: peer groups, components, weights, bands, missing-data rule."""

    version: int
    peer_groups: tuple[PeerGroup, ...]
    components: tuple[Component, ...]
    weights: Mapping[str, Mapping[str, float]]
    bands: tuple[Band, ...]
    min_weight_share: float
    sha256: str = ""

    def group_of(self, kind: str) -> PeerGroup | None:
        """The peer group of a ``dim_agency.kind``, None when the kind is not ranked."""
        return next((g for g in self.peer_groups if kind in g.kinds), None)

    def components_of(self, group_id: str) -> tuple[Component, ...]:
        """The components that apply to a peer group, in the method's order."""
        weights = self.weights[group_id]
        return tuple(c for c in self.components if c.component_id in weights)

    def band(self, score: float | None) -> Band | None:
        """The band a score falls in (None for no score)."""
        if score is None:
            return None
        return next(b for b in self.bands if score >= b.minimum)


def _require(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(mapping, Mapping) or key not in mapping:
        raise MethodError(f"method.yml: '{where}' needs '{key}'")
    return mapping[key]


def _component(component_id: str, raw: Mapping[str, Any]) -> Component:
    where = f"components.{component_id}"
    measure = _require(raw, "measure", where)
    if measure not in MEASURES:
        raise MethodError(f"method.yml: {where}.measure '{measure}' is not one of {MEASURES}")
    norm = _require(raw, "normalisation", where)
    method = _require(norm, "method", f"{where}.normalisation")
    if method not in ("linear", "min_max"):
        raise MethodError(f"method.yml: {where}.normalisation.method must be linear or min_max")
    worst = best = None
    if method == "linear":
        worst = float(_require(norm, "worst", f"{where}.normalisation"))
        best = float(_require(norm, "best", f"{where}.normalisation"))
        if worst == best:
            raise MethodError(f"method.yml: {where}.normalisation: worst equals best")
    return Component(
        component_id=component_id,
        label_vi=_require(raw, "label_vi", where),
        label_en=_require(raw, "label_en", where),
        description_vi=_require(raw, "description_vi", where),
        description_en=_require(raw, "description_en", where),
        measure=measure,
        normalisation=method,
        worst=worst,
        best=best,
    )


def parse_method(raw: Mapping[str, Any], sha256: str = "") -> Method:
    """Validate a parsed ``method.yml`` and build the :class:`Method`.

    Raises:
        MethodError: naming the first key that is missing or wrong.
    """
    groups = tuple(
        PeerGroup(group_id, _require(g, "label_vi", f"peer_groups.{group_id}"),
                  _require(g, "label_en", f"peer_groups.{group_id}"),
                  tuple(_require(g, "kinds", f"peer_groups.{group_id}")))
        for group_id, g in _require(raw, "peer_groups", "method").items()
    )
    components = tuple(_component(cid, c)
                       for cid, c in _require(raw, "components", "method").items())
    known = {c.component_id for c in components}
    weights: dict[str, dict[str, float]] = {}
    for group in groups:
        group_weights = _require(_require(raw, "weights", "method"), group.group_id, "weights")
        for cid, weight in group_weights.items():
            if cid not in known:
                raise MethodError(f"method.yml: weights.{group.group_id}.{cid} is not a component")
            if not isinstance(weight, int | float) or weight <= 0:
                raise MethodError(f"method.yml: weights.{group.group_id}.{cid} must be > 0")
        weights[group.group_id] = {cid: float(w) for cid, w in group_weights.items()}
    bands = tuple(sorted(
        (Band(_require(b, "code", "bands"), float(_require(b, "min", "bands")),
              _require(b, "label_vi", "bands"), _require(b, "label_en", "bands"))
         for b in _require(raw, "bands", "method")),
        key=lambda b: -b.minimum))
    if not bands or bands[-1].minimum > 0:
        raise MethodError("method.yml: bands must cover every score down to 0 (min: 0)")
    share = float(_require(_require(raw, "missing_data", "method"), "min_weight_share",
                           "missing_data"))
    if not 0 < share <= 1:
        raise MethodError("method.yml: missing_data.min_weight_share must be in (0, 1]")
    return Method(int(_require(raw, "version", "method")), groups, components, weights, bands,
                  share, sha256)


def load_method(path: Path = METHOD_FILE) -> Method:
    """Read and validate the method file (by default ``reports/method.yml``)."""
    data = path.read_bytes()
    return parse_method(yaml.safe_load(data), hashlib.sha256(data).hexdigest())


# --------------------------------------------------------------------------- scoring

@dataclass(frozen=True, slots=True)
class Measure:
    """A body's figure for one measure: a value, or why there is none (NA or MISSING)."""

    value: float | None
    reason: str | None = None  # NA or MISSING when value is None

    @classmethod
    def na(cls) -> Measure:
        """The measure does not apply to the body."""
        return cls(None, NA)

    @classmethod
    def missing(cls) -> Measure:
        """The measure applies but has no figure."""
        return cls(None, MISSING)


@dataclass(frozen=True, slots=True)
class ComponentScore:
    """A component of one body: its measure, its 0..100 score and its weight share."""

    component: Component
    measure: Measure
    score: float | None
    weight: float
    weight_share: float | None
    """The share of the composite this component carried (None when left out)."""

    @property
    def status(self) -> str:
        """``na``, ``missing``, or scored."""
        return self.measure.reason or "scored"


@dataclass(frozen=True, slots=True)
class AgencyResult:
    """A body's scores in one quarter."""

    agency_id: str
    name_vi: str
    name_en: str
    group_id: str
    components: tuple[ComponentScore, ...]
    composite: float | None
    weight_share_available: float
    rank: int | None = None
    previous_rank: int | None = None
    previous_composite: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        """The body's name in ``lang`` (Vietnamese when no English name is recorded)."""
        return self.name_vi if lang == "vi" or not self.name_en else self.name_en

    def component(self, component_id: str) -> ComponentScore | None:
        """The component by id, None when it is not part of the body's peer group."""
        return next((c for c in self.components if c.component.component_id == component_id),
                    None)

    @property
    def movement(self) -> int | None:
        """Places gained since the previous quarter (positive = up), None if not comparable."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass(frozen=True, slots=True)
class Body:
    """What scoring needs to know of a reporting body."""

    agency_id: str
    name_vi: str
    name_en: str
    kind: str


def _linear(value: float, worst: float, best: float) -> float:
    score = 100.0 * (value - worst) / (best - worst)
    return min(100.0, max(0.0, score))


def _normalise(component: Component, value: float, peers: Sequence[float]) -> float:
    """A measure as a 0..100 score: fixed goalposts, or against the peer group's range."""
    if component.normalisation == "linear":
        assert component.worst is not None and component.best is not None
        return _linear(value, component.worst, component.best)
    lowest, highest = min(peers), max(peers)
    return 100.0 if highest == lowest else _linear(value, lowest, highest)


def _composite(scores: Sequence[ComponentScore], min_share: float) -> tuple[float | None, float]:
    applicable = sum(s.weight for s in scores if s.measure.reason != NA)
    available = sum(s.weight for s in scores if s.score is not None)
    share = available / applicable if applicable else 0.0
    if not applicable or share + 1e-12 < min_share:
        return None, share
    return sum(s.score * s.weight for s in scores if s.score is not None) / available, share


def score_group(method: Method, group: PeerGroup, bodies: Sequence[Body],
                measures: Mapping[str, Mapping[str, Measure]]) -> list[AgencyResult]:
    """Score and rank the bodies of one peer group.

    Args:
        method: The method.
        group: The peer group.
        bodies: Its bodies.
        measures: ``measures[agency_id][measure_name]``; an absent measure is MISSING.

    Returns:
        The bodies with composite and rank, in rank order, unranked ones last by name.
    """
    weights = method.weights[group.group_id]
    components = method.components_of(group.group_id)
    peer_values = {
        c.component_id: [m.value for b in bodies
                         if (m := measures.get(b.agency_id, {}).get(c.measure)) is not None
                         and m.value is not None]
        for c in components
    }
    results = []
    for body in bodies:
        scored = []
        for component in components:
            measure = measures.get(body.agency_id, {}).get(component.measure, Measure.missing())
            score = (None if measure.value is None else
                     _normalise(component, measure.value, peer_values[component.component_id]))
            scored.append(ComponentScore(component, measure, score,
                                         weights[component.component_id], None))
        composite, share = _composite(scored, method.min_weight_share)
        available = sum(s.weight for s in scored if s.score is not None)
        if composite is not None:
            scored = [ComponentScore(s.component, s.measure, s.score, s.weight,
                                     s.weight / available if s.score is not None else None)
                      for s in scored]
        results.append(AgencyResult(body.agency_id, body.name_vi, body.name_en,
                                    group.group_id, tuple(scored), composite, share))
    return rank(results)


# Composites are compared rounded, so that equal scores computed in a different order tie.
_TIE_DIGITS = 9


def rank(results: Iterable[AgencyResult]) -> list[AgencyResult]:
    """Rank by composite, highest first; equal composites share a rank (1, 2, 2, 4).

    Bodies without a composite come last, unranked, by Vietnamese name.
    """
    scored = sorted((r for r in results if r.composite is not None),
                    key=lambda r: (-round(r.composite, _TIE_DIGITS), vi_sort_key(r.name_vi),
                                   r.agency_id))
    unscored = sorted((r for r in results if r.composite is None),
                      key=lambda r: (vi_sort_key(r.name_vi), r.agency_id))
    ranked: list[AgencyResult] = []
    previous: float | None = None
    current = 0
    for position, result in enumerate(scored, start=1):
        key = round(result.composite, _TIE_DIGITS)
        if key != previous:
            current, previous = position, key
        ranked.append(_replace(result, rank=current))
    return ranked + unscored


def _replace(result: AgencyResult, **changes: Any) -> AgencyResult:
    values = {name: getattr(result, name) for name in AgencyResult.__slots__}
    values.update(changes)
    return AgencyResult(**values)


def with_previous(current: Sequence[AgencyResult],
                  previous: Sequence[AgencyResult]) -> list[AgencyResult]:
    """Attach each body's previous-quarter rank and composite (for rank movement)."""
    before = {r.agency_id: r for r in previous}
    return [_replace(r, previous_rank=before[r.agency_id].rank,
                     previous_composite=before[r.agency_id].composite)
            if r.agency_id in before else r for r in current]


def score_all(method: Method, bodies: Sequence[Body],
              measures: Mapping[str, Mapping[str, Measure]]) -> dict[str, list[AgencyResult]]:
    """Score every peer group: ``{group_id: results in rank order}``."""
    out: dict[str, list[AgencyResult]] = {}
    for group in method.peer_groups:
        members = [b for b in bodies if b.kind in group.kinds]
        out[group.group_id] = score_group(method, group, members, measures)
    return out

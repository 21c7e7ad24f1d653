"""Synthetic tasks that top the real seed tasks up to the Standing Office's 1,937.

Agency-level task lists are not public, so the demo invents the missing tasks, but under
documents the seeds mention and with the habits of real registers: old ministries and
provinces named as they were when the task was assigned, short names and names without
"Bộ", several leads in one cell, NFD-encoded text now and then. Every agency cell is checked
against :class:`~dagster_project.lib.reference.agencies.AgencyDirectory` and every deadline against
:func:`~dagster_project.lib.text.deadlines.parse_deadline` before it is used, so the warehouse reads
back exactly what the generator intended.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dagster_project.lib.reference.agencies import Agency, AgencyDirectory
from dagster_project.lib.text.deadlines import parse_deadline
from demo.catalog import (
    CENTRAL_TOPICS,
    COORD_GROUPS,
    DAY_PHRASES,
    GROUP_LEADS,
    MINISTRY_TOPICS,
    MONTH_PHRASES,
    ONE_OFF_TEMPLATES,
    PROVINCE_TOPICS,
    QUARTER_PHRASES,
    RECURRING_PHRASES,
    RECURRING_PHRASES_2025,
    RECURRING_TEMPLATES,
    SHARED_TOPICS,
    SYNTHETIC_SOURCES,
    YEAR_PHRASES,
    SyntheticSource,
    Template,
)
from demo.model import CUTOFF, STANDING_OFFICE

# Kinds of synthetic slot: recurring, due after the cutoff ("future"), due before ("past").
RECURRING_SLOT, FUTURE_SLOT, PAST_SLOT = "R", "F", "P"
# Every current body leads at least this many tasks written with its current name.
MIN_TASKS_PER_BODY = 6
# Synthetic tasks led by a group ("Các bộ, ngành, địa phương"), compiled by VPTW.
GROUP_TASKS = 60
# A past-due task is due at least this long after it was assigned.
MIN_LEAD_TIME = timedelta(days=40)
REORGANISED_BODIES_FROM = date(2025, 7, 1)
_ROMAN_QUARTER = {1: "I", 2: "II", 3: "III", 4: "IV"}
_FUTURE_DEADLINES = (
    "30/6/2026",
    "Tháng 6/2026",
    "Quý II/2026",
    "Quý III/2026",
    "Tháng 9/2026",
    "Tháng 12/2026",
    "Năm 2026",
    "2026",
    "Quý IV/2026",
    "2027",
    "Quý I/2027",
    "Tháng 6/2027",
    "Năm 2030",
)


@dataclass(frozen=True)
class SyntheticTask:
    """A synthetic task before it gets its code.

    Attributes:
        source: Assigning document.
        home: Current body (or VPTW for group-led tasks) that the task rolls up to.
        kind: Slot kind (``R``, ``F`` or ``P``).
        template: Wording template.
        name: Task name.
        lead: Lead cell as written.
        coord: Coordinating cell as written.
        deadline: Deadline cell as written.
        lead_id: First lead on the assigned date.
        is_group: Whether the first lead is a group.
    """

    source: SyntheticSource
    home: str
    kind: str
    template: Template
    name: str
    lead: str
    coord: str
    deadline: str
    lead_id: str
    is_group: bool


@dataclass(frozen=True)
class SlotCounts:
    """How many synthetic tasks of each kind are needed."""

    recurring: int
    future: int
    past: int

    @property
    def total(self) -> int:
        """All synthetic tasks."""
        return self.recurring + self.future + self.past


# --------------------------------------------------------------------------------------------
# Agency names


class AgencyNamer:
    """Writes agency names the way registers do, and checks every spelling resolves."""

    def __init__(self, directory: AgencyDirectory) -> None:
        """Index the bodies that roll up to each current reporting body."""
        self.directory = directory
        self.current_bodies = directory.reporting_bodies(CUTOFF)
        self._rolls_up: dict[str, list[Agency]] = {}
        for agency in directory.agencies:
            if agency.kind != "group":
                home = directory.current(agency.agency_id, CUTOFF)
                self._rolls_up.setdefault(home, []).append(agency)

    def body_on(self, home: str, on_date: date, rng: random.Random) -> Agency:
        """The body that stood for ``home`` on ``on_date``.

        Before the 2025 mergers a task for today's Bộ Khoa học và Công nghệ may have been
        given to it or to Bộ Thông tin và Truyền thông; one for today's Tuyên Quang went to
        the old Tuyên Quang or to Hà Giang. Old bodies are preferred when they existed, so
        that the register shows the history the warehouse must roll up.
        """
        valid = [a for a in self._rolls_up[home] if a.is_valid_on(on_date)]
        older = [a for a in valid if a.agency_id != home]
        if older and rng.random() < 0.6:
            return rng.choice(older)
        return rng.choice(valid)

    def spellings(self, agency: Agency, on_date: date) -> list[str]:
        """Official name first, then every variant that resolves to the same body."""
        name = agency.name_vi
        variants = [name, agency.short_name_vi]
        if agency.kind == "ministry" and name.startswith("Bộ "):
            variants.append(name[3:])
        if agency.agency_id == "BCT":
            variants.append("Bộ Công thương")
        if agency.kind == "province":
            variants.append("UBND " + name[0].lower() + name[1:])
        return [
            v
            for v in dict.fromkeys(variants)
            if v and self.resolves_to(v, on_date, agency.agency_id)
        ]

    def resolves_to(self, cell: str, on_date: date, *agency_ids: str) -> bool:
        """Whether ``cell`` splits into exactly these agencies, in this order."""
        refs = self.directory.split(cell, on_date)
        return [ref.agency_id for ref in refs] == list(agency_ids)


def _maybe_nfd(cell: str, rng: random.Random, share: float = 0.03) -> str:
    """Some offices' tools write decomposed (NFD) Vietnamese; mimic it in a few cells."""
    return unicodedata.normalize("NFD", cell) if rng.random() < share else cell


def _lead_cell(namer: AgencyNamer, home: str, on_date: date, rng: random.Random) -> tuple[str, str]:
    """Write the lead cell for a task of ``home`` assigned on ``on_date``.

    Returns:
        ``(cell, first_lead_id)``.
    """
    body = namer.body_on(home, on_date, rng)
    spellings = namer.spellings(body, on_date)
    first = spellings[0] if rng.random() < 0.72 or len(spellings) == 1 else rng.choice(spellings)
    cell = _maybe_nfd(first, rng)
    if body.kind == "ministry" and rng.random() < 0.08:
        cell = _maybe_nfd(_two_leads(namer, body, first, on_date, rng), rng) or cell
    refs = namer.directory.split(cell, on_date)
    if not refs or refs[0].agency_id != body.agency_id or not all(r.agency_id for r in refs):
        raise ValueError(f"lead cell {cell!r} does not resolve to {body.agency_id}")
    return cell, body.agency_id


def _two_leads(
    namer: AgencyNamer, body: Agency, first: str, on_date: date, rng: random.Random
) -> str:
    """Add a second ministry to a lead cell, sometimes both written without "Bộ".

    Returns:
        The two-lead cell, or "" when the combination would not resolve.
    """
    others = [
        a
        for a in namer.directory.reporting_bodies(on_date)
        if a.kind == "ministry" and a.name_vi.startswith("Bộ ") and a != body
    ]
    other = rng.choice(others)
    if first == body.name_vi and first.startswith("Bộ ") and rng.random() < 0.4:
        cell = f"{first[3:]}, {other.name_vi[3:]}"
    else:
        cell = f"{first}{rng.choice([', ', '; ', chr(10)])}{other.name_vi}"
    return cell if namer.resolves_to(cell, on_date, body.agency_id, other.agency_id) else ""


def _coord_cell(namer: AgencyNamer, lead_id: str, on_date: date, rng: random.Random) -> str:
    """Write a coordinating cell: a few ministries, sometimes a group phrase, or nothing."""
    if rng.random() < 0.4:
        return ""
    pool = [
        a
        for a in namer.directory.reporting_bodies(on_date)
        if a.kind in ("ministry", "central_body") and a.agency_id != lead_id
    ]
    pool.sort(key=lambda a: (a.kind != "ministry", a.agency_id))
    chosen = rng.sample(pool[:22], rng.randint(1, 3))
    names = [
        rng.choice(namer.spellings(a, on_date)) if rng.random() < 0.2 else a.name_vi for a in chosen
    ]
    ids = [a.agency_id for a in chosen]
    if rng.random() < 0.3:
        phrase = rng.choice(COORD_GROUPS)
        names.append(phrase)
        ids.append(namer.directory.split(phrase, on_date)[0].agency_id or "")
    cell = _maybe_nfd(rng.choice([", ", ", ", "; ", "\n"]).join(names), rng)
    return cell if namer.resolves_to(cell, on_date, *ids) else ", ".join(names[:1])


# --------------------------------------------------------------------------------------------
# Deadlines


def _due(text: str, assigned: date) -> date | None:
    return parse_deadline(text, plan_year=assigned.year).due_date


def _render_period(form: str, target: date, rng: random.Random) -> str:
    """Write a deadline phrase naming the period that contains ``target``."""
    nxt = date(target.year + target.month // 12, target.month % 12 + 1, 1)
    values = {
        "d": target.day,
        "m": target.month,
        "y": target.year,
        "dd": f"{target.day:02d}",
        "mm": f"{target.month:02d}",
        "q": _ROMAN_QUARTER[(target.month - 1) // 3 + 1],
        "m1": nxt.month,
        "y1": nxt.year,
    }
    phrases = {
        "month": MONTH_PHRASES,
        "day": DAY_PHRASES,
        "quarter": QUARTER_PHRASES,
        "year": YEAR_PHRASES,
    }[form]
    return rng.choice(phrases).format(**values)


def past_deadline(assigned: date, rng: random.Random) -> str:
    """A deadline that falls between ``assigned + 40 days`` and the day before the cutoff.

    Raises:
        ValueError: The document is too recent for such a deadline.
    """
    low, high = assigned + MIN_LEAD_TIME, min(assigned + timedelta(days=420), CUTOFF)
    if low >= high:
        raise ValueError(f"no past-due deadline possible for a task assigned {assigned}")
    for _ in range(100):
        target = low + timedelta(days=rng.randrange((high - low).days))
        form = rng.choices(("month", "day", "quarter", "year"), weights=(6, 2, 2, 1))[0]
        text = _render_period(form, target, rng)
        due = _due(text, assigned)
        if due is not None and low <= due < CUTOFF:
            return text
    raise ValueError(f"no past-due deadline found for a task assigned {assigned}")


def future_deadline(assigned: date, rng: random.Random) -> str:
    """A deadline on or after the cutoff, at least 40 days after assignment."""
    earliest = max(CUTOFF, assigned + MIN_LEAD_TIME)
    options = [
        text
        for text in _FUTURE_DEADLINES
        if (due := _due(text, assigned)) is not None and due >= earliest
    ]
    return rng.choice(options)


def recurring_deadline(assigned: date, rng: random.Random) -> str:
    """A recurrence phrase ("Thường xuyên", "Hằng tháng" …)."""
    phrases = RECURRING_PHRASES + (RECURRING_PHRASES_2025 if assigned.year <= 2025 else ())
    text = rng.choice(phrases)
    if _due(text, assigned) is not None:
        raise ValueError(f"{text!r} is not recurring")
    return text


# --------------------------------------------------------------------------------------------
# Allocation


def _body_weight(agency: Agency) -> float:
    """Ministries carry most tasks; the big cities and the Standing Office more than most."""
    special = {
        "BKHCN": 9.0,
        "BCA": 7.0,
        "BTC": 6.0,
        "VPCP": 4.0,
        "VPTW": 3.0,
        "P_HA_NOI": 3.0,
        "P_HO_CHI_MINH": 3.0,
        "P_DA_NANG": 2.4,
    }
    base = {"ministry": 5.0, "central_body": 1.0, "province": 1.6}[agency.kind]
    return special.get(agency.agency_id, base)


def allocate(bodies: Sequence[Agency], total: int, rng: random.Random) -> dict[str, int]:
    """Synthetic task count per body: the minimum plus a weighted, jittered share of the rest.

    Largest-remainder rounding keeps the sum exact.
    """
    spare = total - MIN_TASKS_PER_BODY * len(bodies)
    if spare < 0:
        raise ValueError("too few synthetic tasks for the per-body minimum")
    weights = {a.agency_id: _body_weight(a) * rng.uniform(0.6, 1.4) for a in bodies}
    scale = spare / sum(weights.values())
    shares = {agency_id: w * scale for agency_id, w in weights.items()}
    counts = {agency_id: MIN_TASKS_PER_BODY + int(share) for agency_id, share in shares.items()}
    left = total - sum(counts.values())
    by_remainder = sorted(shares, key=lambda i: (-(shares[i] - int(shares[i])), i))
    for agency_id in by_remainder[:left]:
        counts[agency_id] += 1
    return counts


def _pick_source(rng: random.Random, not_before: date | None = None) -> SyntheticSource:
    sources = [s for s in SYNTHETIC_SOURCES if not_before is None or s.issued >= not_before]
    return rng.choices(sources, weights=[s.weight for s in sources])[0]


def _slots(
    bodies: Sequence[Agency], counts: dict[str, int], rng: random.Random
) -> list[tuple[str, SyntheticSource]]:
    """``(home, source)`` per synthetic task; the first few of each body are recent.

    "Recent" means assigned after the body took its current form, so every current body
    leads tasks written with its current name.
    """
    slots = []
    for agency in bodies:
        recent_from = max(REORGANISED_BODIES_FROM, agency.valid_from or REORGANISED_BODIES_FROM)
        for index in range(counts[agency.agency_id]):
            recent = index < MIN_TASKS_PER_BODY
            slots.append((agency.agency_id, _pick_source(rng, recent_from if recent else None)))
    slots += [(STANDING_OFFICE + ":group", _pick_source(rng)) for _ in range(GROUP_TASKS)]
    return slots


def _kinds(
    slots: Sequence[tuple[str, SyntheticSource]], need: SlotCounts, rng: random.Random
) -> list[str]:
    """Give each slot a kind so the totals are exact.

    Future deadlines go preferably to later documents; past ones only to documents old
    enough to have fallen due.
    """
    kinds = [RECURRING_SLOT] * len(slots)
    index = list(range(len(slots)))
    start = SYNTHETIC_SOURCES[0].issued
    future_keys = sorted(
        index,
        key=lambda i: -(rng.random() ** (1.0 / (1 + (slots[i][1].issued - start).days / 120))),
    )
    for i in future_keys[: need.future]:
        kinds[i] = FUTURE_SLOT
    can_fall_due = [
        i
        for i in index
        if kinds[i] == RECURRING_SLOT and slots[i][1].issued + MIN_LEAD_TIME < CUTOFF
    ]
    rng.shuffle(can_fall_due)
    if len(can_fall_due) < need.past:
        raise ValueError("not enough early documents for the past-due tasks")
    for i in can_fall_due[: need.past]:
        kinds[i] = PAST_SLOT
    return kinds


# --------------------------------------------------------------------------------------------
# Assembly


def _topic(home: str, kind: str, rng: random.Random) -> str:
    if home.endswith(":group"):
        return rng.choice(SHARED_TOPICS)
    if kind == "ministry":
        return rng.choice(MINISTRY_TOPICS.get(home, CENTRAL_TOPICS))
    return rng.choice(PROVINCE_TOPICS if kind == "province" else CENTRAL_TOPICS)


def _deadline(kind: str, assigned: date, rng: random.Random) -> str:
    if kind == RECURRING_SLOT:
        return recurring_deadline(assigned, rng)
    if kind == FUTURE_SLOT:
        return future_deadline(assigned, rng)
    return past_deadline(assigned, rng)


def _make_task(
    namer: AgencyNamer, home: str, source: SyntheticSource, kind: str, rng: random.Random
) -> SyntheticTask:
    day = source.issued
    agency_kind = "group" if home.endswith(":group") else namer.directory.get(home).kind
    template = rng.choice(RECURRING_TEMPLATES if kind == RECURRING_SLOT else ONE_OFF_TEMPLATES)
    name = template.text.format(topic=_topic(home, agency_kind, rng))
    if agency_kind == "province" and rng.random() < 0.5:
        name += " trên địa bàn"
    if agency_kind == "group":
        lead = rng.choice(GROUP_LEADS)
        lead_id = namer.directory.split(lead, day)[0].agency_id or ""
        home = STANDING_OFFICE
    else:
        lead, lead_id = _lead_cell(namer, home, day, rng)
    return SyntheticTask(
        source=source,
        home=home,
        kind=kind,
        template=template,
        name=name,
        lead=lead,
        coord=_coord_cell(namer, lead_id, day, rng),
        deadline=_deadline(kind, day, rng),
        lead_id=lead_id,
        is_group=agency_kind == "group",
    )


def synthesize(
    directory: AgencyDirectory, need: SlotCounts, rng: random.Random
) -> list[SyntheticTask]:
    """Create the synthetic tasks, ordered by document date, group and lead.

    Args:
        directory: Agency directory used to name and check every agency.
        need: Number of recurring, future-due and past-due tasks to create.
        rng: The seeded generator.

    Returns:
        Exactly ``need.total`` tasks.
    """
    namer = AgencyNamer(directory)
    bodies = namer.current_bodies
    counts = allocate(bodies, need.total - GROUP_TASKS, rng)
    slots = _slots(bodies, counts, rng)
    kinds = _kinds(slots, need, rng)
    tasks = [
        _make_task(namer, home, source, kind, rng)
        for (home, source), kind in zip(slots, kinds, strict=True)
    ]
    order = {s.title: i for i, s in enumerate(SYNTHETIC_SOURCES)}
    group_titles = dict.fromkeys(t.group for t in (*ONE_OFF_TEMPLATES, *RECURRING_TEMPLATES))
    groups = {title: i for i, title in enumerate(group_titles)}
    body_order = {a.agency_id: i for i, a in enumerate(bodies)}
    return sorted(
        tasks,
        key=lambda t: (order[t.source.title], groups[t.template.group], body_order[t.home]),
    )

"""The agency directory: who a name in a spreadsheet cell refers to, on a given date.

Lead and coordinating agencies arrive as free text in many spellings ("Bộ KH&CN", "Tài chính",
"Bộ Khoa học, Công nghệ"), several to a cell, and the 2025 reorganisation means the same name
("Tuyên Quang") meant one province before 1/7/2025 and a larger merged one after. The directory
answers from the seeds (``dbt/seeds/agencies.csv``, ``agency_aliases.csv`` and
``agency_kinds.csv``) only: a name it does not know comes back unknown with suggestions for a
reviewer, never as a guessed mapping.

Documents also name bodies that owe no monthly report: Party committees, committees of the
National Assembly, state banks and corporations, missions abroad. They are known (so a cell
naming them is not flagged) but of a kind that does not report, so they never join the
reporting bodies that figures, templates and chase lists are built from.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from dagster_project.lib.text.vntext import fold_diacritics, match_key, normalize_text

__all__ = ["Agency", "AgencyDirectory", "AgencyKind", "AgencyRef", "DEFAULT_SEEDS_DIR"]

DEFAULT_SEEDS_DIR = Path(__file__).resolve().parents[3] / "dbt" / "seeds"

# Prefixes written before a province's name, as match keys ("UBND tỉnh", "TP.", ...).
_PROVINCE_PREFIXES = (
    "tinh",
    "thanhpho",
    "tp",
    "ubnd",
    "ubndtinh",
    "ubndthanhpho",
    "ubndtp",
    "uybannhandan",
    "uybannhandantinh",
    "uybannhandanthanhpho",
    "uybannhandantp",
)
# Words that join names in a cell ("Bộ Tài chính và các bộ, ngành") but belong to neither.
_GLUE = re.compile(r"^(?:(?:cac|va|cung)\s+)+")
# Separators between agencies; they also occur inside names, hence the greedy re-joining.
_SEPARATOR = re.compile(r"(\s*[,;\n]\s*|\s+và\s+)", re.IGNORECASE)
_BULLETS = " -+*•–—·"
_TRAILING = " .:…"
_MAX_SUGGESTIONS = 3
# difflib ratio below which a name is not worth suggesting (0.6 is difflib's own default).
_SUGGESTION_CUTOFF = 0.6
# What the first words of an unknown name say about the kind of body it is, on the folded
# text without joining words; first match wins. A reviewer is shown only bodies of those
# kinds: "Ủy ban Công nghệ và Môi trường của Quốc hội" is closest in letters to "Bộ Nông
# nghiệp và Môi trường", but it can only be a committee of the National Assembly, and
# "Thành ủy Hải Phòng" is not the city. A name with no cue may be of any kind.
_KIND_CUES: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"^(?:dang|thanh|tinh|quan) uy\b"), frozenset({"party_committee", "group"})),
    (re.compile(r"^(?:uy ban\b.*\bquoc hoi\b|hoi dong dan toc\b)"), frozenset({"na_committee"})),
    (re.compile(r"^ngan hang\b"), frozenset({"state_bank", "ministry", "enterprise"})),
    (re.compile(r"^(?:tap doan|tong cong ty)\b"), frozenset({"state_corporation"})),
    (re.compile(r"^co quan dai dien\b"), frozenset({"foreign_mission"})),
    (re.compile(r"^doanh nghiep\b"), frozenset({"enterprise", "state_corporation"})),
    (re.compile(r"^bo (?!nganh\b)\w"), frozenset({"ministry"})),
    (re.compile(r"^(?:tinh|thanh pho|tp|ubnd|uy ban nhan dan)\b"),
     frozenset({"province", "group"})),
)


@dataclass(frozen=True)
class AgencyKind:
    """A kind of body, and whether bodies of that kind send the monthly progress report.

    Attributes:
        kind: Code used in ``agencies.csv`` (``ministry``, ``party_committee`` ...).
        is_reporting: True for central bodies, ministries and provinces, the bodies the
            Standing Office expects a report from; the others are named in documents as leads
            or coordinators but owe no report.
        name_vi: Vietnamese label.
        name_en: English label.
    """

    kind: str
    is_reporting: bool
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class Agency:
    """A body that reports or is assigned tasks.

    Attributes:
        agency_id: Stable id from the seed (``BKHCN``, ``P_TUYEN_QUANG``, ``GRP_BO_NGANH``).
        name_vi: Official Vietnamese name, for display.
        kind: A code of ``agency_kinds.csv``: ``central_body``, ``ministry``, ``province``
            (the reporting kinds), ``group``, ``party_committee``, ``na_committee`` ...
        valid_from: First day the body exists; None if it predates the data.
        valid_to: Last day the body exists; None if it still exists.
        successor_id: Body that took over its tasks when it ended.
        short_name_vi: Short Vietnamese name used in tables.
        name_en: English name.
    """

    agency_id: str
    name_vi: str
    kind: str
    valid_from: date | None
    valid_to: date | None
    successor_id: str | None
    short_name_vi: str = ""
    name_en: str = ""

    def is_valid_on(self, on_date: date) -> bool:
        """Tell whether the body exists on ``on_date`` (both ends inclusive)."""
        return (self.valid_from is None or self.valid_from <= on_date) and (
            self.valid_to is None or on_date <= self.valid_to
        )


@dataclass(frozen=True)
class AgencyRef:
    """The reading of one agency name found in a cell.

    Attributes:
        text: The name as written (normalised), for messages and lineage.
        agency_id: The matched agency, or None when the name is unknown or ambiguous.
        suggestions: Up to three display names close to an unknown name, for the reviewer.
    """

    text: str
    agency_id: str | None
    suggestions: tuple[str, ...] = ()


def _parse_iso(value: str) -> date | None:
    value = value.strip()
    return date.fromisoformat(value) if value else None


def _as_date(on_date: date | None) -> date:
    if on_date is None:
        return date.today()
    if isinstance(on_date, datetime):
        return on_date.date()
    return on_date


def _read_kinds(path: Path) -> list[AgencyKind]:
    """The rows of ``agency_kinds.csv``."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [AgencyKind(kind=row["kind"].strip(),
                           is_reporting=row["is_reporting"].strip().lower() == "true",
                           name_vi=normalize_text(row["name_vi"]),
                           name_en=normalize_text(row["name_en"]))
                for row in csv.DictReader(handle)]


def _index_kinds(kinds: list[AgencyKind], agencies: list[Agency]) -> dict[str, AgencyKind]:
    """Kinds by code; every body's kind must be one of them, or it could not be counted."""
    index: dict[str, AgencyKind] = {}
    for kind in kinds:
        if kind.kind in index:
            raise ValueError(f"duplicate kind {kind.kind!r} in agency kinds seed")
        index[kind.kind] = kind
    for agency in agencies:
        if agency.kind not in index:
            raise ValueError(f"{agency.agency_id}: kind {agency.kind!r} is not an agency kind")
    return index


def _cued_kinds(text: str) -> frozenset[str] | None:
    """The kinds an unknown name can be, from its first words; None when they do not say."""
    folded = fold_diacritics(text)
    glue = _GLUE.match(folded)
    head = folded[glue.end() :] if glue else folded
    return next((kinds for cue, kinds in _KIND_CUES if cue.match(head)), None)


def _strip_province_prefix(key: str) -> str:
    for prefix in ("thanhpho", "tinh"):
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


class AgencyDirectory:
    """Look-ups from agency names to seed ids, built once per run.

    Every known spelling is reduced with :func:`match_key` and stored in a dict, so matching a
    name costs one key computation (cached) and one dict look-up; results are also memoised per
    date because the same few hundred names fill ~50k cells.
    """

    def __init__(self, agencies: list[Agency], aliases: list[tuple[str, str]],
                 kinds: list[AgencyKind]) -> None:
        """Build the indexes.

        Args:
            agencies: All bodies, in seed order.
            aliases: ``(alias, agency_id)`` pairs.
            kinds: Every kind a body may have.

        Raises:
            ValueError: When an alias or successor points to an unknown id, an id or a kind
                repeats, or a body has a kind that is not listed.
        """
        self._kinds = _index_kinds(kinds, agencies)
        self._agencies: dict[str, Agency] = {}
        for agency in agencies:
            if agency.agency_id in self._agencies:
                raise ValueError(f"duplicate agency_id {agency.agency_id!r} in agencies seed")
            self._agencies[agency.agency_id] = agency
        for agency in agencies:
            if agency.successor_id and agency.successor_id not in self._agencies:
                raise ValueError(
                    f"{agency.agency_id}: successor_id {agency.successor_id!r} is not an agency"
                )
        for alias, agency_id in aliases:
            if agency_id not in self._agencies:
                raise ValueError(f"alias {alias!r} points to unknown agency_id {agency_id!r}")

        # Explicit keys: names, short names, ids and aliases. Generated keys (province name
        # with a "Tỉnh"/"TP"/"UBND tỉnh" prefix) never override an explicit one.
        self._keys: dict[str, list[str]] = {}
        self._suggest: dict[str, list[str]] = {}
        for agency in agencies:
            for text in (agency.name_vi, agency.short_name_vi):
                self._add(self._keys, match_key(text), agency.agency_id)
                self._add(self._suggest, match_key(text), agency.agency_id)
            self._add(self._keys, match_key(agency.agency_id), agency.agency_id)
        for alias, agency_id in aliases:
            self._add(self._keys, match_key(alias), agency_id)
            self._add(self._suggest, match_key(alias), agency_id)

        generated: dict[str, list[str]] = {}
        for agency in agencies:
            if agency.kind != "province":
                continue
            bases = {
                _strip_province_prefix(match_key(agency.name_vi)),
                match_key(agency.short_name_vi),
            }
            bases |= {match_key(a) for a, i in aliases if i == agency.agency_id}
            for base in bases:
                for prefix in ("", *_PROVINCE_PREFIXES):
                    key = prefix + base
                    if key and key not in self._keys:
                        self._add(generated, key, agency.agency_id)
        self._keys.update(generated)
        self._key_list = list(self._suggest)
        self._keys_by_kind: dict[str, list[str]] = {}
        for key, ids in self._suggest.items():
            for kind in {self._agencies[i].kind for i in ids}:
                self._keys_by_kind.setdefault(kind, []).append(key)
        # A run of pieces longer than the longest known name can never match, so split() does
        # not try it; this keeps a long cell at a few dozen look-ups.
        names = [t for a in agencies for t in (a.name_vi, a.short_name_vi)]
        names += [alias for alias, _ in aliases]
        self._max_run = max((len(_SEPARATOR.split(n)) + 1) // 2 for n in names) if names else 1
        self._match_cache: dict[tuple[str, date], str | None] = {}
        self._suggestion_cache: dict[tuple[str, date, frozenset[str] | None],
                                     tuple[str, ...]] = {}
        self._split_cache: dict[tuple[str, date], tuple[AgencyRef, ...]] = {}

    @staticmethod
    def _add(index: dict[str, list[str]], key: str, agency_id: str) -> None:
        if key:
            ids = index.setdefault(key, [])
            if agency_id not in ids:
                ids.append(agency_id)

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_seeds(cls, seeds_dir: Path | None = None) -> AgencyDirectory:
        """Load ``agencies.csv``, ``agency_kinds.csv`` and, when present, ``agency_aliases.csv``.

        Args:
            seeds_dir: Folder holding the seeds; defaults to the repository's ``dbt/seeds``.

        Returns:
            The directory.
        """
        folder = Path(seeds_dir) if seeds_dir is not None else DEFAULT_SEEDS_DIR
        agencies: list[Agency] = []
        with (folder / "agencies.csv").open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                agencies.append(
                    Agency(
                        agency_id=row["agency_id"].strip(),
                        name_vi=normalize_text(row["name_vi"]),
                        kind=row["kind"].strip(),
                        valid_from=_parse_iso(row["valid_from"]),
                        valid_to=_parse_iso(row["valid_to"]),
                        successor_id=row["successor_id"].strip() or None,
                        short_name_vi=normalize_text(row["short_name_vi"]),
                        name_en=normalize_text(row["name_en"]),
                    )
                )
        aliases: list[tuple[str, str]] = []
        alias_path = folder / "agency_aliases.csv"
        if alias_path.exists():
            with alias_path.open(encoding="utf-8-sig", newline="") as handle:
                aliases = [
                    (normalize_text(row["alias"]), row["agency_id"].strip())
                    for row in csv.DictReader(handle)
                ]
        return cls(agencies, aliases, _read_kinds(folder / "agency_kinds.csv"))

    # -- look-ups -----------------------------------------------------------------------------

    @property
    def agencies(self) -> list[Agency]:
        """All bodies, in seed order."""
        return list(self._agencies.values())

    def in_force(self, kinds: Collection[str]) -> list[Agency]:
        """Bodies of these kinds in force today (no end date), in seed order."""
        return [agency for agency in self._agencies.values()
                if agency.kind in kinds and agency.valid_to is None]

    def kind(self, kind: str) -> AgencyKind:
        """Return the kind with this code, with its labels and whether it reports.

        Raises:
            KeyError: When the code is not in ``agency_kinds.csv``.
        """
        try:
            return self._kinds[kind]
        except KeyError:
            raise KeyError(f"unknown agency kind {kind!r}") from None

    def is_reporting(self, agency_id: str) -> bool:
        """Tell whether the body is of a kind that sends monthly reports (whatever the date)."""
        return self._kinds[self.get(agency_id).kind].is_reporting

    def get(self, agency_id: str) -> Agency:
        """Return the body with this id.

        Raises:
            KeyError: When the id is not in the seed.
        """
        try:
            return self._agencies[agency_id]
        except KeyError:
            raise KeyError(f"unknown agency_id {agency_id!r}") from None

    def candidates(self, name: str) -> tuple[str, ...]:
        """Return every id a name can mean, before choosing by date (for audits and tests)."""
        return tuple(self._ids_for(normalize_text(name)))

    def _ids_for(self, text: str) -> list[str]:
        ids = self._keys.get(match_key(text))
        if ids is None and "&" in text:
            # "Bộ Khoa học & Công nghệ": "&" written for "và" in a full name.
            ids = self._keys.get(match_key(text.replace("&", " và ")))
        if ids is None:
            # "các địa phương" / "và Bộ Tài chính": try again without the joining words.
            folded = fold_diacritics(text)
            glue = _GLUE.match(folded)
            if glue:
                ids = self._keys.get(match_key(folded[glue.end() :]))
        return ids or []

    def match(self, name: str, on_date: date | None = None) -> AgencyRef:
        """Match one agency name.

        When a name fits several bodies (the old and the new province "Tuyên Quang") the one
        valid on ``on_date`` is chosen; a name that fits one body always gives that body, even
        outside its validity (rolling up to successors is :meth:`current`'s job).

        Args:
            name: The name as written.
            on_date: Date the text refers to (report or plan date); None means today.

        Returns:
            The reference; ``agency_id`` is None for unknown or ambiguous names.
        """
        text = normalize_text(name)
        day = _as_date(on_date)
        agency_id = self._lookup(text, day)
        if agency_id is not None:
            return AgencyRef(text=text, agency_id=agency_id)
        return AgencyRef(text=text, agency_id=None, suggestions=self._suggest_for(text, day))

    def _lookup(self, text: str, day: date) -> str | None:
        """Return the single id ``text`` means on ``day``, or None; memoised per key and day."""
        cache_key = (match_key(text), day)
        if cache_key in self._match_cache:
            return self._match_cache[cache_key]
        ids = self._ids_for(text)
        if len(ids) > 1:
            ids = [i for i in ids if self._agencies[i].is_valid_on(day)]
        agency_id = ids[0] if len(ids) == 1 else None
        self._match_cache[cache_key] = agency_id
        return agency_id

    def _suggest_for(self, text: str, day: date) -> tuple[str, ...]:
        key = match_key(text)
        if not key:
            return ()
        kinds = _cued_kinds(text)
        cache_key = (key, day, kinds)
        cached = self._suggestion_cache.get(cache_key)
        if cached is None:
            ids = self._ids_for(text)
            # Several bodies fit and none (or more than one) is valid on the day: show them.
            cached = self._display_names(ids) if ids else self._suggestions(key, day, kinds)
            self._suggestion_cache[cache_key] = cached
        return cached

    def _display_names(self, ids: list[str]) -> tuple[str, ...]:
        names: list[str] = []
        for agency_id in ids:
            name = self._agencies[agency_id].name_vi
            if name not in names:
                names.append(name)
        return tuple(names[:_MAX_SUGGESTIONS])

    def _suggestions(self, key: str, day: date, kinds: frozenset[str] | None) -> tuple[str, ...]:
        """Names close to ``key``, of the ``kinds`` the name can be (None: any kind)."""
        keys = self._key_list if kinds is None else list(dict.fromkeys(
            k for kind in sorted(kinds) for k in self._keys_by_kind.get(kind, ())))
        close = difflib.get_close_matches(key, keys, n=20, cutoff=_SUGGESTION_CUTOFF)

        def ratio(a: str, b: str) -> float:
            return difflib.SequenceMatcher(None, a, b).ratio()

        # Closest first; among equally close names, bodies that exist on the date come first.
        # An ended body stays eligible: "Bộ Thông tin & Truyền thông" should point to it.
        scored = [
            (ratio(key, k), not self._agencies[i].is_valid_on(day), i)
            for k in close
            for i in self._suggest[k]
            if kinds is None or self._agencies[i].kind in kinds
        ]
        ranked = [i for _, _, i in sorted(scored, key=lambda item: (-item[0], item[1]))]
        return self._display_names(list(dict.fromkeys(ranked)))

    def split(self, cell: str, on_date: date | None = None) -> list[AgencyRef]:
        """Split a cell naming several agencies and match each.

        Separators (",", ";", line breaks, " và ") also occur inside names ("Bộ Văn hóa, Thể
        thao và Du lịch", "Các bộ, ngành, địa phương"), so the cell is cut at every separator and
        the longest run of consecutive pieces that is a known name is taken, left to right.
        Pieces that start no known name are kept together as one unknown reference.

        Args:
            cell: The cell text.
            on_date: Date the cell refers to; None means today.

        Returns:
            References in cell order; an empty list for a blank cell.
        """
        text = normalize_text(cell)
        day = _as_date(on_date)
        cached = self._split_cache.get((text, day))
        if cached is None:
            cached = tuple(self._split(text, day))
            self._split_cache[(text, day)] = cached
        return list(cached)

    def _split(self, text: str, day: date) -> list[AgencyRef]:
        pieces = _SEPARATOR.split(text)
        # Token spans in ``text``: even items of ``pieces`` are names, odd ones separators.
        spans: list[tuple[int, int]] = []
        position = 0
        for index, piece in enumerate(pieces):
            if index % 2 == 0 and match_key(piece):
                # Bullets and trailing full stops are layout, not part of the name.
                start = position + len(piece) - len(piece.lstrip(_BULLETS))
                end = position + len(piece.rstrip(_TRAILING))
                spans.append((start, end))
            position += len(piece)

        refs: list[AgencyRef] = []
        unknown_start: int | None = None
        i = 0
        while i < len(spans):
            found = None
            for j in range(min(len(spans), i + self._max_run), i, -1):
                candidate = text[spans[i][0] : spans[j - 1][1]]
                agency_id = self._lookup(candidate, day)
                if agency_id is not None:
                    found = (j, AgencyRef(text=candidate, agency_id=agency_id))
                    break
            if found is None:
                if unknown_start is None:
                    unknown_start = i
                i += 1
                continue
            if unknown_start is not None:
                refs.append(self._unknown(text[spans[unknown_start][0] : spans[i - 1][1]], day))
                unknown_start = None
            refs.append(found[1])
            i = found[0]
        if unknown_start is not None:
            refs.append(self._unknown(text[spans[unknown_start][0] : spans[-1][1]], day))
        return refs

    def _unknown(self, text: str, day: date) -> AgencyRef:
        return AgencyRef(text=text, agency_id=None, suggestions=self._suggest_for(text, day))

    # -- time ---------------------------------------------------------------------------------

    def current(self, agency_id: str, on_date: date | None = None) -> str:
        """Follow successors while the body had already ended before ``on_date``.

        Tasks assigned to "Bộ Thông tin và Truyền thông" are owned by "Bộ Khoa học và Công
        nghệ" after 1/3/2025; "Hà Giang" rolls up to the new "Tuyên Quang" after 1/7/2025.

        Args:
            agency_id: Any id in the seed.
            on_date: Date of the roll-up; None means today.

        Returns:
            The id responsible on that date (the input id if it still exists).

        Raises:
            KeyError: For an unknown id.
            ValueError: When successor links form a cycle.
        """
        day = _as_date(on_date)
        agency = self.get(agency_id)
        seen = {agency.agency_id}
        while agency.valid_to is not None and agency.valid_to < day and agency.successor_id:
            agency = self.get(agency.successor_id)
            if agency.agency_id in seen:
                raise ValueError(f"successor cycle through {agency.agency_id!r}")
            seen.add(agency.agency_id)
        return agency.agency_id

    def reporting_bodies(self, on_date: date) -> list[Agency]:
        """Return the bodies expected to report on ``on_date``: reporting kinds valid then.

        The 30/6/2026 report counts 73: 22 central bodies, 17 ministries and 34 provinces.
        Groups, Party committees, National Assembly committees, banks and corporations are
        named in documents but owe no report, so they never enter this count.
        """
        day = _as_date(on_date)
        return [a for a in self._agencies.values()
                if self._kinds[a.kind].is_reporting and a.is_valid_on(day)]

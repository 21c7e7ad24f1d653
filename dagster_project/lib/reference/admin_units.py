"""Vietnam's provinces and communes, read from maintained packages instead of typed by hand.

Since 1 July 2025 Vietnam has 34 provinces and centrally-run cities and 3,321 communes (xã,
phường, đặc khu); before it had 63 provinces. Two PyPI packages carry this reference:

- ``vietnam-provinces`` lists the 34 provinces with their kind (tỉnh or thành phố trung
  ương) and the 3,321 communes;
- ``vietnamadminunits`` holds both the 63-province and the 34-province sets in a SQLite
  dataset, with codes from the official list (Công văn 1027/CTK-CSCL of 25/6/2025), and
  converts a pre-2025 unit to the one that replaced it.

Both list the same 34 provinces under the same codes and the same 3,321 communes, but
``vietnam-provinces`` 2025.10.1 gives a different number to 114 communes and swaps names
between codes in a few places (Hà Nội's 00226 is Phường Văn Miếu - Quốc Tử Giám in the
official list, Phường Kim Liên there). Commune codes and names are therefore taken from
``vietnamadminunits``; :func:`communes` checks that the other package lists the same communes
so that a package upgrade which adds or drops one fails loudly instead of silently.

The warehouse names provinces by ``agency_id`` (``P_HA_NOI``, ``P63_HA_GIANG``) because
provinces are also reporting bodies. :func:`province_agency_ids` links each package province
to that id by its Vietnamese name (through :func:`~dagster_project.lib.text.vntext.match_key`), so
no code-to-id table is ever typed.

Run ``python -m dagster_project.lib.reference.admin_units --write dbt/seeds`` to regenerate the
``provinces.csv`` and ``communes.csv`` seeds.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from dagster_project.lib.reference.agencies import Agency, AgencyDirectory
from dagster_project.lib.text.vntext import match_key, normalize_text

__all__ = [
    "COMMUNE_COLUMNS",
    "PROVINCE_COLUMNS",
    "REORGANISATION_DATE",
    "Commune",
    "LegacyProvince",
    "Province",
    "ProvinceRow",
    "communes",
    "current_provinces",
    "legacy_provinces",
    "main",
    "province_agency_ids",
    "province_rows",
    "write_seeds",
]

REORGANISATION_DATE = date(2025, 7, 1)
"""First day of the 34-province, two-level (province, commune) administration."""

ProvinceKind = Literal["city", "province"]
CommuneType = Literal["xã", "phường", "đặc khu"]

_CITY_PREFIX = "Thành phố "
_PROVINCE_PREFIX = "Tỉnh "
_COMMUNE_TYPES: dict[str, CommuneType] = {"xã": "xã", "phường": "phường", "đặc khu": "đặc khu"}

PROVINCE_COLUMNS = (
    "province_id", "province_code", "name_vi", "short_name_vi", "province_kind", "agency_id",
    "valid_from", "valid_to", "successor_province_id",
)
"""Columns of ``provinces.csv``, in order."""

COMMUNE_COLUMNS = ("commune_code", "commune_name", "commune_type", "province_code")
"""Columns of ``communes.csv``, in order."""


@dataclass(frozen=True, slots=True)
class Province:
    """A province or centrally-run city of the 34 in force since 1 July 2025.

    Attributes:
        code: Official two-digit code, zero-padded ("01" for Hà Nội).
        name_vi: Full name with its level ("Thành phố Hà Nội", "Tỉnh Cao Bằng").
        short_name_vi: Name without the level ("Hà Nội").
        kind: ``city`` for a centrally-run city (thành phố trung ương), else ``province``.
    """

    code: str
    name_vi: str
    short_name_vi: str
    kind: ProvinceKind


@dataclass(frozen=True, slots=True)
class LegacyProvince:
    """A province of the 63 in force until 30 June 2025, with the province that replaced it.

    Attributes:
        code: Its official two-digit code at the time (Hà Giang was "02").
        name_vi: Full name with its level ("Tỉnh Hà Giang").
        short_name_vi: Name without the level ("Hà Giang").
        kind: ``city`` for a centrally-run city, else ``province``.
        successor_code: Code of the current province that took over its territory.
    """

    code: str
    name_vi: str
    short_name_vi: str
    kind: ProvinceKind
    successor_code: str


@dataclass(frozen=True, slots=True)
class Commune:
    """A commune-level unit (xã, phường or đặc khu) in force since 1 July 2025.

    Attributes:
        code: Official five-digit code, zero-padded ("00082" for Phường Cửa Nam).
        name_vi: Full name with its type ("Phường Cửa Nam", "Đặc khu Phú Quốc").
        commune_type: ``xã`` (rural), ``phường`` (urban ward) or ``đặc khu`` (island zone).
        province_code: Code of its current province.
    """

    code: str
    name_vi: str
    commune_type: CommuneType
    province_code: str


@dataclass(frozen=True, slots=True)
class ProvinceRow:
    """One row of ``provinces.csv``: a province of the 63-set or of the 34-set.

    The two sets reuse codes for different territories (15 was Yên Bái, is now Lào Cai), so a
    row is identified by ``province_id`` (``P63_15``, ``P34_15``). The validity dates say when
    the row's set was in force; an agency's own validity is in ``agencies.csv``.
    """

    province_id: str
    province_code: str
    name_vi: str
    short_name_vi: str
    province_kind: ProvinceKind
    agency_id: str
    valid_from: date | None
    valid_to: date | None
    successor_province_id: str | None

    def as_csv(self) -> list[str]:
        """Return the row's fields as seed text, in :data:`PROVINCE_COLUMNS` order."""
        return [
            self.province_id, self.province_code, self.name_vi, self.short_name_vi,
            self.province_kind, self.agency_id, _iso(self.valid_from), _iso(self.valid_to),
            self.successor_province_id or "",
        ]


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _short_name(full_name: str) -> str:
    for prefix in (_CITY_PREFIX, _PROVINCE_PREFIX):
        if full_name.startswith(prefix):
            return full_name[len(prefix):]
    return full_name


def _kind_of(full_name: str) -> ProvinceKind:
    return "city" if full_name.startswith(_CITY_PREFIX) else "province"


def _query(sql: str) -> list[dict[str, object]]:
    # Imported here: the package loads several megabytes of address-parser data on import.
    from vietnamadminunits.database import query

    return query(sql)


@lru_cache(maxsize=1)
def current_provinces() -> tuple[Province, ...]:
    """Return the 34 current provinces and centrally-run cities, ordered by code.

    Names and kinds come from ``vietnam-provinces``, which states the level of each unit
    (tỉnh or thành phố trung ương) instead of leaving it to a name prefix. The codes and names
    are checked against ``vietnamadminunits`` so that the two packages cannot drift apart
    unnoticed.

    Returns:
        The provinces, ordered by code.

    Raises:
        ValueError: When the two packages disagree on a province's code or name.
    """
    from vietnam_provinces import Province as PackageProvince
    from vietnam_provinces import VietNamDivisionType

    provinces = []
    for item in PackageProvince.iter_all():
        is_city = item.division_type is VietNamDivisionType.THANH_PHO_TRUNG_UONG
        short = _short_name(normalize_text(item.name))
        provinces.append(
            Province(
                code=f"{int(item.code):02d}",
                name_vi=(_CITY_PREFIX if is_city else _PROVINCE_PREFIX) + short,
                short_name_vi=short,
                kind="city" if is_city else "province",
            )
        )
    provinces.sort(key=lambda province: province.code)
    other = {
        str(row["provinceCode"]): match_key(str(row["province"]))
        for row in _query("select distinct provinceCode, province from admin_units")
    }
    mine = {province.code: match_key(province.name_vi) for province in provinces}
    if mine != other:
        differences = sorted(set(mine.items()) ^ set(other.items()))
        raise ValueError(f"the packages disagree on the current provinces: {differences}")
    return tuple(provinces)


@lru_cache(maxsize=1)
def legacy_provinces() -> tuple[LegacyProvince, ...]:
    """Return the 63 provinces in force until 30 June 2025 with the province replacing each.

    The list is ``vietnamadminunits``' 63-province dataset; the successor is what its
    converter (``convert_address``) gives for the province's name, i.e. the same mapping that
    converts old addresses.

    Returns:
        The provinces, ordered by their pre-2025 code.

    Raises:
        ValueError: When the converter maps a province to no current province.
    """
    from vietnamadminunits import convert_address

    current = {province.code for province in current_provinces()}
    provinces = []
    rows = _query(
        "select distinct provinceCode, province from admin_units_legacy order by provinceCode"
    )
    for row in rows:
        name = normalize_text(str(row["province"]))
        successor = convert_address(name).province_code
        if successor not in current:
            raise ValueError(f"{name} converts to no current province (got {successor!r})")
        provinces.append(
            LegacyProvince(
                code=str(row["provinceCode"]),
                name_vi=name,
                short_name_vi=_short_name(name),
                kind=_kind_of(name),
                successor_code=successor,
            )
        )
    return tuple(provinces)


@lru_cache(maxsize=1)
def communes() -> tuple[Commune, ...]:
    """Return the 3,321 current communes, ordered by code.

    Codes and names come from ``vietnamadminunits`` (its codes follow the official list);
    ``vietnam-provinces`` must list the same communes, compared by province and name key,
    because a commune known to one package only would mean one of them is out of date.

    Returns:
        The communes, ordered by code.

    Raises:
        ValueError: When a commune has an unknown type or province, a code repeats, or the
            two packages do not list the same communes.
    """
    from vietnam_provinces import Ward

    provinces = {province.code for province in current_provinces()}
    rows = _query("select wardCode, ward, wardType, provinceCode from admin_units")
    result = []
    for row in rows:
        name = normalize_text(str(row["ward"]))
        commune_type = _COMMUNE_TYPES.get(normalize_text(str(row["wardType"])).lower())
        province_code = str(row["provinceCode"])
        if commune_type is None or province_code not in provinces:
            raise ValueError(f"unexpected commune {row!r}")
        result.append(Commune(str(row["wardCode"]), name, commune_type, province_code))
    result.sort(key=lambda commune: commune.code)
    repeated = [code for code, n in Counter(c.code for c in result).items() if n > 1]
    if repeated:
        raise ValueError(f"commune codes repeat: {repeated}")
    listed = Counter((c.province_code, match_key(c.name_vi)) for c in result)
    other = Counter(
        (f"{int(ward.province_code):02d}", match_key(ward.name)) for ward in Ward.iter_all()
    )
    if listed != other:
        raise ValueError(
            "the packages list different communes: "
            f"{sorted((listed - other).elements())} against {sorted((other - listed).elements())}"
        )
    return tuple(result)


def _province_agencies(agencies: Iterable[Agency]) -> tuple[dict[str, str], dict[str, str]]:
    """Index province agencies by name key: those in force today, and the dissolved ones."""
    current: dict[str, str] = {}
    dissolved: dict[str, str] = {}
    for agency in agencies:
        if agency.kind != "province":
            continue
        index = current if agency.valid_to is None else dissolved
        key = match_key(agency.short_name_vi or _short_name(agency.name_vi))
        if key in index:
            raise ValueError(f"two province agencies are named {agency.short_name_vi!r}")
        index[key] = agency.agency_id
    return current, dissolved


def province_agency_ids(
    agencies: Iterable[Agency] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """Link each package province to the ``agency_id`` that ``agencies.csv`` gives it.

    A current province matches the province agency in force today with the same name. A
    pre-2025 province matches the dissolved province agency with its name (``P63_HA_GIANG``);
    the eleven provinces left unchanged in 2025 have no such agency, because the same body
    kept reporting, and match the current one (``P_HA_NOI``).

    Args:
        agencies: The bodies of ``agencies.csv``; defaults to the repository's seeds.

    Returns:
        Two dicts, ``{current code: agency_id}`` and ``{pre-2025 code: agency_id}``.

    Raises:
        ValueError: When a province has no agency, or two agencies share a name.
    """
    if agencies is None:
        agencies = AgencyDirectory.from_seeds().agencies
    current_index, dissolved_index = _province_agencies(agencies)
    current: dict[str, str] = {}
    for province in current_provinces():
        agency_id = current_index.get(match_key(province.short_name_vi))
        if agency_id is None:
            raise ValueError(f"no current province agency is named {province.short_name_vi!r}")
        current[province.code] = agency_id
    legacy: dict[str, str] = {}
    for province in legacy_provinces():
        key = match_key(province.short_name_vi)
        agency_id = dissolved_index.get(key) or current_index.get(key)
        if agency_id is None:
            raise ValueError(f"no province agency is named {province.short_name_vi!r}")
        legacy[province.code] = agency_id
    return current, legacy


def province_rows(agencies: Iterable[Agency] | None = None) -> list[ProvinceRow]:
    """Return the rows of ``provinces.csv``: the 34 current provinces, then the 63 old ones.

    Args:
        agencies: The bodies of ``agencies.csv``; defaults to the repository's seeds.

    Returns:
        34 rows valid from 1 July 2025 and 63 rows valid until 30 June 2025, each ordered by
        code; an old row names the current row that succeeded it.
    """
    current_ids, legacy_ids = province_agency_ids(agencies)
    last_day = date.fromordinal(REORGANISATION_DATE.toordinal() - 1)
    rows = [
        ProvinceRow(
            f"P34_{p.code}", p.code, p.name_vi, p.short_name_vi, p.kind, current_ids[p.code],
            REORGANISATION_DATE, None, None,
        )
        for p in current_provinces()
    ]
    rows += [
        ProvinceRow(
            f"P63_{p.code}", p.code, p.name_vi, p.short_name_vi, p.kind, legacy_ids[p.code],
            None, last_day, f"P34_{p.successor_code}",
        )
        for p in legacy_provinces()
    ]
    return rows


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    # LF line endings and no BOM, so that the seeds are byte-stable on every platform.
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_seeds(folder: Path, agencies: Iterable[Agency] | None = None) -> list[Path]:
    """Write ``provinces.csv`` and ``communes.csv`` into ``folder``.

    Args:
        folder: Target folder, created when missing (``dbt/seeds`` for the real seeds).
        agencies: The bodies of ``agencies.csv``; defaults to the repository's seeds.

    Returns:
        The paths written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    provinces_path = folder / "provinces.csv"
    communes_path = folder / "communes.csv"
    _write_csv(provinces_path, PROVINCE_COLUMNS, (row.as_csv() for row in province_rows(agencies)))
    _write_csv(
        communes_path,
        COMMUNE_COLUMNS,
        ((c.code, c.name_vi, c.commune_type, c.province_code) for c in communes()),
    )
    return [provinces_path, communes_path]


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the province and commune seeds from the packages.

    Args:
        argv: Command-line arguments without the program name; defaults to ``sys.argv``.

    Returns:
        The exit code (0).
    """
    parser = argparse.ArgumentParser(
        prog="python -m dagster_project.lib.reference.admin_units",
        description="Write provinces.csv and communes.csv (dbt seeds) from the packages.",
    )
    parser.add_argument(
        "--write", metavar="DIR", type=Path, required=True,
        help="folder to write the seeds into (dbt/seeds for the committed ones)",
    )
    args = parser.parse_args(argv)
    for path in write_seeds(args.write):
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Provinces and communes come from the pinned packages, and agree with agencies.csv."""

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from dagster_project.lib.reference import admin_units
from dagster_project.lib.reference.agencies import AgencyDirectory

SEEDS = Path(__file__).resolve().parents[1] / "dbt" / "seeds"
GENERATED = ("provinces.csv", "communes.csv")


def _read(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def agencies():
    return {agency.agency_id: agency for agency in AgencyDirectory.from_seeds().agencies}


@pytest.fixture(scope="module")
def communes_by_code() -> dict[str, dict[str, str]]:
    return {row["commune_code"]: row for row in _read("communes.csv")}


@pytest.fixture(scope="module")
def provinces_by_id() -> dict[str, dict[str, str]]:
    return {row["province_id"]: row for row in _read("provinces.csv")}


def test_committed_seeds_are_exactly_what_the_packages_generate(tmp_path: Path) -> None:
    assert admin_units.main(["--write", str(tmp_path)]) == 0
    for name in GENERATED:
        generated = (tmp_path / name).read_bytes()
        assert generated == (SEEDS / name).read_bytes(), (
            f"dbt/seeds/{name} is stale: run python -m dagster_project.lib.reference.admin_units "
            "--write dbt/seeds"
        )
        assert b"\r" not in generated
        assert not generated.startswith(b"\xef\xbb\xbf")
        generated.decode("utf-8")


def test_34_current_provinces_six_of_them_cities() -> None:
    provinces = admin_units.current_provinces()
    assert len(provinces) == 34
    assert len({province.code for province in provinces}) == 34
    cities = sorted(p.short_name_vi for p in provinces if p.kind == "city")
    assert cities == ["Cần Thơ", "Huế", "Hà Nội", "Hải Phòng", "Hồ Chí Minh", "Đà Nẵng"]
    by_code = {province.code: province for province in provinces}
    assert by_code["01"].name_vi == "Thành phố Hà Nội"
    assert by_code["15"].name_vi == "Tỉnh Lào Cai"
    assert by_code["96"].name_vi == "Tỉnh Cà Mau"


def test_3321_communes_by_type_and_in_every_province() -> None:
    communes = admin_units.communes()
    assert len(communes) == 3321
    assert Counter(c.commune_type for c in communes) == {"xã": 2621, "phường": 687, "đặc khu": 13}
    per_province = Counter(c.province_code for c in communes)
    assert len(per_province) == 34
    assert per_province["01"] == 126  # Hà Nội
    assert per_province["79"] == 168  # Thành phố Hồ Chí Minh
    assert per_province["46"] == 40  # Huế


@pytest.mark.parametrize(
    ("code", "name", "commune_type", "province_code"),
    [
        ("00070", "Phường Hoàn Kiếm", "phường", "01"),
        # Official codes (Công văn 1027/CTK-CSCL, 25/6/2025) that vietnam-provinces 2025.10.1
        # gets wrong: it numbers Cửa Nam 00073 and puts Kim Liên under 00226.
        ("00082", "Phường Cửa Nam", "phường", "01"),
        ("00226", "Phường Văn Miếu - Quốc Tử Giám", "phường", "01"),
        ("00229", "Phường Kim Liên", "phường", "01"),
        ("01537", "Xã Lý Quốc", "xã", "04"),
        ("02269", "Xã Thượng Lâm", "xã", "08"),
        ("26740", "Phường Sài Gòn", "phường", "79"),
        ("26876", "Phường An Nhơn", "phường", "79"),
        ("31078", "Đặc khu Phú Quốc", "đặc khu", "91"),
        ("22736", "Đặc khu Trường Sa", "đặc khu", "56"),
    ],
)
def test_known_communes_carry_their_official_code(
    communes_by_code, code, name, commune_type, province_code
) -> None:
    row = communes_by_code[code]
    assert (row["commune_name"], row["commune_type"], row["province_code"]) == (
        name, commune_type, province_code,
    )


def test_63_old_provinces_map_to_the_current_ones() -> None:
    legacy = admin_units.legacy_provinces()
    assert len(legacy) == 63
    successor = {p.short_name_vi: p.successor_code for p in legacy}
    assert successor["Hà Giang"] == "08"  # Tuyên Quang
    assert successor["Yên Bái"] == "15"  # Lào Cai (15 was Yên Bái's own code)
    assert successor["Bà Rịa - Vũng Tàu"] == "79"  # Thành phố Hồ Chí Minh
    assert successor["Kiên Giang"] == "91"  # An Giang
    merged = Counter(successor.values())
    assert len(merged) == 34
    assert sum(1 for n in merged.values() if n == 1) == 11  # unchanged, as domain.md lists
    assert sorted(n for n in merged.values() if n > 1) == [2] * 17 + [3] * 6


def test_every_old_province_in_agencies_has_the_package_successor(
    agencies, provinces_by_id
) -> None:
    old_rows = [row for row in provinces_by_id.values() if row["province_id"].startswith("P63_")]
    checked = 0
    for row in old_rows:
        agency = agencies[row["agency_id"]]
        successor_agency = provinces_by_id[row["successor_province_id"]]["agency_id"]
        if agency.valid_to is None:  # unchanged province: the same body kept reporting
            assert agency.agency_id == successor_agency
            continue
        assert agency.valid_to == date(2025, 6, 30)
        assert agency.successor_id == successor_agency, agency.agency_id
        checked += 1
    assert checked == 52  # 63 old provinces less the 11 left unchanged
    assert provinces_by_id["P63_02"]["agency_id"] == "P63_HA_GIANG"
    assert provinces_by_id["P63_02"]["successor_province_id"] == "P34_08"


def test_every_province_agency_has_a_package_counterpart(agencies, provinces_by_id) -> None:
    province_agencies = {a for a, agency in agencies.items() if agency.kind == "province"}
    assert len(province_agencies) == 86
    assert province_agencies == {row["agency_id"] for row in provinces_by_id.values()}
    current = {row["agency_id"] for row in provinces_by_id.values() if not row["valid_to"]}
    assert current == {a for a in province_agencies if agencies[a].valid_to is None}
    assert len(current) == 34


def test_a_province_without_an_agency_is_an_error(agencies) -> None:
    without_hue = [agency for agency in agencies.values() if agency.agency_id != "P_HUE"]
    with pytest.raises(ValueError, match="Huế"):
        admin_units.province_agency_ids(without_hue)

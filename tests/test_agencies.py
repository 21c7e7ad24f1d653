import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from dagster_project.lib.reference.agencies import DEFAULT_SEEDS_DIR, AgencyDirectory, AgencyRef
from dagster_project.lib.text.vntext import match_key

SEEDS = Path(__file__).resolve().parents[1] / "dbt" / "seeds"
REPORT_DATE = date(2026, 6, 29)


@pytest.fixture(scope="module")
def directory() -> AgencyDirectory:
    return AgencyDirectory.from_seeds()


def _ids(refs: list[AgencyRef]) -> list[str | None]:
    return [ref.agency_id for ref in refs]


def test_default_seeds_dir_is_the_repository_seeds():
    assert DEFAULT_SEEDS_DIR == SEEDS


# Cells from the seed documents (files 003 and 004) and the spellings they use.
SPLIT_CASES = [
    ("Bộ Khoa học và Công nghệ, Bộ Tài chính", ["BKHCN", "BTC"]),
    ("Bộ Văn hóa, Thể thao và Du lịch", ["BVHTTDL"]),
    ("Bộ Tài chính và các bộ, ngành, địa phương", ["BTC", "GRP_BO_NGANH_DIA_PHUONG"]),
    ("Bộ Khoa học và Công nghệ; các bộ, ngành, địa phương", ["BKHCN", "GRP_BO_NGANH_DIA_PHUONG"]),
    ("VTV, VOV, TTXVN, các địa phương", ["VTV", "VOV", "TTXVN", "GRP_DIA_PHUONG"]),
    ("Bộ Nội vụ,\nBộ Giáo dục và Đào tạo", ["BNV", "BGDDT"]),
    ("Tài chính, Khoa học và Công nghệ", ["BTC", "BKHCN"]),
    ("Bộ Khoa học, Công nghệ, Bộ Tài chính", ["BKHCN", "BTC"]),
    (
        "Bộ Quốc phòng, Viện Hàn lâm Khoa học và Công nghệ và các bộ, ngành, địa phương",
        ["BQP", "VHLKHCN", "GRP_BO_NGANH_DIA_PHUONG"],
    ),
    ("Bộ Công thương", ["BCT"]),
    ("Bộ Công Thương", ["BCT"]),
    ("Bộ Khoa hoc va Cong nghe", ["BKHCN"]),
    ("Bộ Nội vụ,", ["BNV"]),
    ("Bộ Tài chính, các bộ, ngành", ["BTC", "GRP_BO_NGANH"]),
    ("Bộ Tài chính, các bộ, ngành liên quan", ["BTC", "GRP_BO_NGANH"]),
    ("Bộ Tài chính, bộ, ngành liên quan", ["BTC", "GRP_BO_NGANH"]),
    ("Bộ Nội vụ, Bộ Khoa học và công nghệ", ["BNV", "BKHCN"]),
    ("Văn phòng Chính phủ; Bộ Công an", ["VPCP", "BCA"]),
    ("Bộ Công Thương và Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương",
     ["BCT", "GRP_DIA_PHUONG"]),
    ("Viện Hàn lâm Khoa học và Công nghệ Việt Nam, Viện Hàn lâm Khoa học xã hội Việt Nam",
     ["VHLKHCN", "VHLKHXH"]),
    (
        "Tài chính, Khoa học và Công nghệ, Giáo dục và Đào tạo, Công an, Nội vụ, "
        "Nông nghiệp và Môi trường, Xây dựng",
        ["BTC", "BKHCN", "BGDDT", "BCA", "BNV", "BNNMT", "BXD"],
    ),
    ("Các tỉnh, thành phố trực thuộc TW", ["GRP_DIA_PHUONG"]),
    ("Các Bộ, cơ quan ngang bộ", ["GRP_BO_CQNB"]),
    ("Văn phòng Trung ương Đảng và các cơ quan liên quan", ["VPTW", "GRP_LIEN_QUAN"]),
    ("- Bộ Tài chính;\n- Bộ Lao động - Thương binh và Xã hội.", ["BTC", "BLDTBXH"]),
    ("", []),
    (" \n ", []),
]


@pytest.mark.parametrize(("cell", "expected"), SPLIT_CASES)
def test_split(directory, cell, expected):
    assert _ids(directory.split(cell, REPORT_DATE)) == expected


def test_split_keeps_the_text_as_written(directory):
    refs = directory.split("Bộ Tài chính và các bộ, ngành, địa phương", REPORT_DATE)
    assert [r.text for r in refs] == ["Bộ Tài chính", "các bộ, ngành, địa phương"]


def test_split_drops_bullets_and_full_stops_from_text(directory):
    refs = directory.split("- Bộ Tài chính;\n+ Các địa phương.", REPORT_DATE)
    assert [r.text for r in refs] == ["Bộ Tài chính", "Các địa phương"]


def test_split_unknown_run_is_one_reference(directory):
    refs = directory.split(
        "Bộ Tài chính; Ngân hàng Nhà nước Việt Nam; Ủy ban Khoa học, Công nghệ và Môi trường "
        "của Quốc Hội; các cơ quan liên quan",
        REPORT_DATE,
    )
    assert _ids(refs) == ["BTC", "NHNN", None, "GRP_LIEN_QUAN"]
    assert refs[2].text == "Ủy ban Khoa học, Công nghệ và Môi trường của Quốc Hội"


def test_split_unknown_between_known(directory):
    refs = directory.split(
        "Văn phòng Trung ương Đảng, Ban Tuyên giáo Trung ương và các cơ quan liên quan",
        REPORT_DATE,
    )
    assert _ids(refs) == ["VPTW", None, "GRP_LIEN_QUAN"]
    assert refs[1].text == "Ban Tuyên giáo Trung ương"
    assert refs[1].suggestions


def test_unit_of_a_ministry_is_mapped_only_by_an_explicit_alias(directory):
    # The Government Cipher Committee answers through the Ministry of National Defence.
    assert directory.match("Ban Cơ yếu Chính phủ").agency_id == "BQP"


def test_unknown_body_gets_suggestions(directory):
    ref = directory.match("Ban Tổ chức Trung ươngg")
    assert ref.agency_id is None
    assert 1 <= len(ref.suggestions) <= 3
    assert all(isinstance(s, str) and s for s in ref.suggestions)


@pytest.mark.parametrize(
    ("name", "on_date", "expected"),
    [
        ("Tuyên Quang", date(2025, 5, 1), "P63_TUYEN_QUANG"),
        ("Tuyên Quang", date(2025, 8, 1), "P_TUYEN_QUANG"),
        ("Tuyên Quang", date(2025, 6, 30), "P63_TUYEN_QUANG"),
        ("Tuyên Quang", date(2025, 7, 1), "P_TUYEN_QUANG"),
        ("Tuyên Quang", None, "P_TUYEN_QUANG"),
        ("Hà Giang", date(2025, 8, 1), "P63_HA_GIANG"),
        ("Hà Giang", date(2025, 5, 1), "P63_HA_GIANG"),
        ("UBND tỉnh Tuyên Quang", date(2025, 5, 1), "P63_TUYEN_QUANG"),
        ("Ủy ban nhân dân tỉnh Hà Giang", date(2025, 5, 1), "P63_HA_GIANG"),
        ("Tỉnh Lào Cai", date(2026, 1, 1), "P_LAO_CAI"),
        ("TP. Hồ Chí Minh", date(2025, 1, 1), "P63_HO_CHI_MINH"),
        ("TP HCM", date(2026, 1, 1), "P_HO_CHI_MINH"),
        ("Thành phố Hồ Chí Minh", date(2026, 1, 1), "P_HO_CHI_MINH"),
        ("Ủy ban nhân dân thành phố Hà Nội", None, "P_HA_NOI"),
        ("TP Hà Nội", None, "P_HA_NOI"),
        ("Hà Nội", None, "P_HA_NOI"),
        ("Thừa Thiên Huế", None, "P_HUE"),
        ("TP Huế", None, "P_HUE"),
        ("Bộ KH&CN", None, "BKHCN"),
        ("Bộ KHCN", None, "BKHCN"),
        ("BỘ KH & CN", None, "BKHCN"),
        ("BKHCN", None, "BKHCN"),
        ("Bộ Khoa học, Công nghệ", None, "BKHCN"),
        ("Khoa học và Công nghệ", None, "BKHCN"),
        ("Bộ TT&TT", None, "BTTTT"),
        ("Bộ KH&ĐT", None, "BKHDT"),
        ("Bộ GD&ĐT", None, "BGDDT"),
        ("Bộ NN&MT", None, "BNNMT"),
        ("Bộ NN&PTNT", None, "BNNPTNT"),
        ("Bộ TN&MT", None, "BTNMT"),
        ("Bộ LĐ-TB&XH", None, "BLDTBXH"),
        ("Bộ VHTTDL", None, "BVHTTDL"),
        ("NHNN", None, "NHNN"),
        ("Ngân hàng nhà nước Việt Nam", None, "NHNN"),
        ("TAND tối cao", None, "TANDTC"),
        ("VKSND tối cao", None, "VKSNDTC"),
        ("Viện Hàn lâm KHCN Việt Nam", None, "VHLKHCN"),
        ("Công Thương", None, "BCT"),
        ("Nội vụ", None, "BNV"),
        ("Các bộ, ngành, địa phương liên quan", None, "GRP_BO_NGANH_DIA_PHUONG"),
        ("Bộ, ngành, địa phương", None, "GRP_BO_NGANH_DIA_PHUONG"),
        ("Các bộ, ngành có liên quan", None, "GRP_BO_NGANH"),
        ("Các bộ, cơ quan ngang bộ", None, "GRP_BO_CQNB"),
        ("UBND các địa phương", None, "GRP_DIA_PHUONG"),
        ("Các tỉnh, thành phố trực thuộc Trung ương", None, "GRP_DIA_PHUONG"),
        ("các cơ quan có liên quan", None, "GRP_LIEN_QUAN"),
    ],
)
def test_match(directory, name, on_date, expected):
    assert directory.match(name, on_date) == AgencyRef(name, expected)


def test_match_accepts_datetime(directory):
    from datetime import datetime

    assert directory.match("Tuyên Quang", datetime(2025, 5, 1, 9)).agency_id == "P63_TUYEN_QUANG"


def test_match_nfd_input(directory):
    import unicodedata

    ref = directory.match(unicodedata.normalize("NFD", "Bộ Khoa học và Công nghệ"))
    assert ref.agency_id == "BKHCN"
    assert ref.text == "Bộ Khoa học và Công nghệ"


def test_match_blank_is_unknown_without_suggestions(directory):
    assert directory.match("  ") == AgencyRef("", None, ())


def test_reporting_bodies_on_report_date(directory):
    bodies = directory.reporting_bodies(REPORT_DATE)
    assert len(bodies) == 73
    assert Counter(a.kind for a in bodies) == {"central_body": 22, "ministry": 17, "province": 34}


def test_reporting_bodies_before_reorganisation(directory):
    bodies = directory.reporting_bodies(date(2025, 1, 15))
    kinds = Counter(a.kind for a in bodies)
    assert kinds == {"central_body": 22, "ministry": 22, "province": 63}
    ids = {a.agency_id for a in bodies}
    assert {"BTTTT", "BKHDT", "UBDT"} <= ids
    assert not {"BNNMT", "BDTTG", "P_TUYEN_QUANG"} & ids


def test_reporting_bodies_between_reforms(directory):
    kinds = Counter(a.kind for a in directory.reporting_bodies(date(2025, 5, 1)))
    assert kinds == {"central_body": 22, "ministry": 17, "province": 63}


@pytest.mark.parametrize(
    ("agency_id", "on_date", "expected"),
    [
        ("P63_HA_GIANG", None, "P_TUYEN_QUANG"),
        ("P63_TUYEN_QUANG", None, "P_TUYEN_QUANG"),
        ("BTTTT", None, "BKHCN"),
        ("BKHDT", None, "BTC"),
        ("BTNMT", None, "BNNMT"),
        ("UBDT", None, "BDTTG"),
        ("BTTTT", date(2025, 2, 28), "BTTTT"),
        ("BTTTT", date(2025, 3, 1), "BKHCN"),
        ("P63_HA_GIANG", date(2025, 6, 30), "P63_HA_GIANG"),
        ("P63_HA_GIANG", date(2025, 7, 1), "P_TUYEN_QUANG"),
        ("BKHCN", None, "BKHCN"),
        ("GRP_BO_NGANH", None, "GRP_BO_NGANH"),
    ],
)
def test_current(directory, agency_id, on_date, expected):
    assert directory.current(agency_id, on_date) == expected


def test_get(directory):
    agency = directory.get("BNNMT")
    assert agency.name_vi == "Bộ Nông nghiệp và Môi trường"
    assert agency.kind == "ministry"
    assert agency.valid_from == date(2025, 3, 1)
    assert agency.valid_to is None
    assert directory.get("P63_HA_GIANG").successor_id == "P_TUYEN_QUANG"
    with pytest.raises(KeyError):
        directory.get("NOPE")


def _read(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_alias_file_header_and_targets():
    with (SEEDS / "agency_aliases.csv").open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == ["alias", "agency_id"]
    ids = {row["agency_id"] for row in _read("agencies.csv")}
    aliases = _read("agency_aliases.csv")
    assert aliases
    assert all(row["agency_id"] in ids for row in aliases)


def test_every_alias_resolves_to_its_agency(directory):
    for row in _read("agency_aliases.csv"):
        agency = directory.get(row["agency_id"])
        # On a date the target exists, the alias must give exactly that target.
        on_date = agency.valid_to or agency.valid_from or REPORT_DATE
        assert directory.match(row["alias"], on_date).agency_id == row["agency_id"], row


def test_no_key_is_ambiguous_except_old_and_new_provinces(directory):
    texts = [row["alias"] for row in _read("agency_aliases.csv")]
    for row in _read("agencies.csv"):
        texts += [row["name_vi"], row["short_name_vi"], row["agency_id"]]
    for text in texts:
        ids = directory.candidates(text)
        assert ids, text
        if len(ids) > 1:
            agencies = [directory.get(i) for i in ids]
            assert all(a.kind == "province" for a in agencies), (text, ids)
            # Exactly one body of the pair exists on any date: their validity does not overlap.
            for day in (date(2025, 6, 30), date(2025, 7, 1), REPORT_DATE):
                assert sum(a.is_valid_on(day) for a in agencies) == 1, (text, ids, day)


def test_conflicting_alias_is_not_in_the_seed():
    # "Các bộ, ngành, liên quan" has the same key as "Các bộ, ngành liên quan" (GRP_BO_NGANH),
    # so it cannot also map to GRP_BO_NGANH_DIA_PHUONG.
    keys: dict[str, set[str]] = {}
    for row in _read("agency_aliases.csv"):
        keys.setdefault(match_key(row["alias"]), set()).add(row["agency_id"])
    for key, ids in keys.items():
        if len(ids) > 1:
            assert all(i.startswith(("P_", "P63_")) for i in ids), (key, ids)


def test_group_lien_quan_exists(directory):
    agency = directory.get("GRP_LIEN_QUAN")
    assert agency.kind == "group"
    assert agency.name_vi == "Các cơ quan liên quan"


def test_match_is_fast_enough_for_50k_cells(directory):
    import time

    cells = [cell for cell, _ in SPLIT_CASES] * 2000
    started = time.perf_counter()
    for cell in cells:
        directory.split(cell, REPORT_DATE)
    assert time.perf_counter() - started < 5


def test_ampersand_for_va_in_a_full_name(directory):
    assert directory.match("Bộ Khoa học & Công nghệ").agency_id == "BKHCN"


def test_suggestions_put_the_closest_name_first(directory):
    assert directory.match("Bộ Tài chánh").suggestions[0] == "Bộ Tài chính"
    # An ended body is still suggested when it is by far the closest name.
    ref = directory.match("Bộ Thông tin - Truyền thông", REPORT_DATE)
    assert ref.agency_id is None
    assert ref.suggestions[0] == "Bộ Thông tin và Truyền thông"

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from dagster_project.lib.reference.agencies import (
    DEFAULT_SEEDS_DIR,
    Agency,
    AgencyDirectory,
    AgencyKind,
    AgencyRef,
)
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
    # A committee of the National Assembly that no seed document names, hence not known.
    refs = directory.split(
        "Bộ Tài chính; Ngân hàng Nhà nước Việt Nam; Ủy ban Văn hóa và Xã hội, Giáo dục "
        "của Quốc Hội; các cơ quan liên quan",
        REPORT_DATE,
    )
    assert _ids(refs) == ["BTC", "NHNN", None, "GRP_LIEN_QUAN"]
    assert refs[2].text == "Ủy ban Văn hóa và Xã hội, Giáo dục của Quốc Hội"


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


# --- bodies the seed documents name that owe no report ---------------------------------------

# Each as the documents write it (001, 002, 003, 004), with the id and kind it must match.
NAMED_BODIES = [
    ("Ngân hàng Chính sách xã hội", "NHCSXH", "state_bank"),
    ("Vietinbank", "VIETINBANK", "state_bank"),
    ("Vietcombank", "VIETCOMBANK", "state_bank"),
    ("BIDV", "BIDV", "state_bank"),
    ("Agribank", "AGRIBANK", "state_bank"),
    ("Các ngân hàng", "NH_THUONG_MAI", "enterprise"),
    ("Thành ủy Hà Nội", "TU_HA_NOI", "party_committee"),
    ("Thành ủy Thành phố Hồ Chí Minh", "TU_HO_CHI_MINH", "party_committee"),
    ("Đảng ủy Chính phủ", "DU_CHINH_PHU", "party_committee"),
    ("Đảng ủy Quốc hội", "DU_QUOC_HOI", "party_committee"),
    ("Đảng ủy các cơ quan Đảng Trung ương", "DU_CQ_DANG_TW", "party_committee"),
    ("Đảng ủy Mặt trận Tổ quốc, các đoàn thể Trung ương", "DU_MTTQ_DOAN_THE_TW",
     "party_committee"),
    ("Đảng ủy Mặt trận Tổ quốc", "DU_MTTQ_DOAN_THE_TW", "party_committee"),
    ("Đảng ủy MTTQ", "DU_MTTQ_DOAN_THE_TW", "party_committee"),
    ("Đảng ủy Công an Trung ương", "DU_CONG_AN_TW", "party_committee"),
    ("Quân ủy Trung ương", "QUTW", "party_committee"),
    ("Các Đảng ủy ở Trung ương", "GRP_DANG_UY_TW", "group"),
    ("Ủy ban Khoa học, Công nghệ và Môi trường của Quốc Hội", "UBKHCNMT_QH", "na_committee"),
    ("Uỷ ban Khoa học, Công nghệ và Môi trường của Quốc hội", "UBKHCNMT_QH", "na_committee"),
    ("Ủy ban Khoa học và Công nghệ và Môi trường", "UBKHCNMT_QH", "na_committee"),
    ("Ủy ban Pháp luật và Tư pháp của Quốc hội", "UBPLTP_QH", "na_committee"),
    ("các cơ quan đại diện Việt Nam ở nước ngoài", "CQDD_NUOC_NGOAI", "foreign_mission"),
    ("các cơ quan đại diện ở nước ngoài", "CQDD_NUOC_NGOAI", "foreign_mission"),
    ("doanh nghiệp liên quan", "DN_LIEN_QUAN", "enterprise"),
    ("Tập đoàn Công nghiệp - Viễn thông Quân đội", "VIETTEL", "state_corporation"),
    ("Tập đoàn Viettel", "VIETTEL", "state_corporation"),
    ("Tập đoàn Bưu chính Viễn thông Việt Nam", "VNPT", "state_corporation"),
    ("EVN", "EVN", "state_corporation"),
    ("PetroVietnam", "PETROVIETNAM", "state_corporation"),
    ("Petrolimex", "PETROLIMEX", "state_corporation"),
    ("PV Gas", "PV_GAS", "state_corporation"),
    ("Vietnam Airlines", "VIETNAM_AIRLINES", "state_corporation"),
]


@pytest.mark.parametrize(("name", "agency_id", "kind"), NAMED_BODIES)
def test_body_named_in_the_documents_matches_its_id_and_kind(directory, name, agency_id, kind):
    assert directory.match(name, REPORT_DATE) == AgencyRef(name, agency_id)
    assert directory.get(agency_id).kind == kind


@pytest.mark.parametrize(("name", "agency_id", "kind"), NAMED_BODIES)
def test_body_named_in_the_documents_owes_no_report(directory, name, agency_id, kind):
    assert not directory.is_reporting(agency_id)
    assert not directory.kind(kind).is_reporting
    for day in (date(2025, 1, 15), date(2025, 5, 1), REPORT_DATE):
        assert agency_id not in {a.agency_id for a in directory.reporting_bodies(day)}


# Coordinating cells of the seed documents that named an unknown body before.
NAMED_CELLS = [
    ("Bộ Giáo dục và Đào tạo, Bộ Khoa học và Công nghệ, Ngân hàng Chính sách xã hội",
     ["BGDDT", "BKHCN", "NHCSXH"]),
    ("Bộ Nội vụ, Văn phòng Trung ương, Thành ủy Hà Nội", ["BNV", "VPTW", "TU_HA_NOI"]),
    ("Bộ Tài chính; Ngân hàng Nhà nước Việt Nam; Ủy ban Khoa học, Công nghệ và Môi trường "
     "của Quốc Hội; các cơ quan liên quan", ["BTC", "NHNN", "UBKHCNMT_QH", "GRP_LIEN_QUAN"]),
    ("Uỷ ban Khoa học, Công nghệ và Môi trường của Quốc hội; các bộ, cơ quan liên quan",
     ["UBKHCNMT_QH", "GRP_BO_NGANH"]),
    ("Các bộ, ngành, địa phương, doanh nghiệp liên quan, các cơ quan đại diện Việt Nam ở nước "
     "ngoài", ["GRP_BO_NGANH_DIA_PHUONG", "DN_LIEN_QUAN", "CQDD_NUOC_NGOAI"]),
    ("Các bộ, ngành, địa phương liên quan, các cơ quan đại diện Việt Nam ở nước ngoài",
     ["GRP_BO_NGANH_DIA_PHUONG", "CQDD_NUOC_NGOAI"]),
    ("Ủy ban Khoa học và Công nghệ và Môi trường, Ủy ban Pháp luật và Tư pháp của Quốc hội, "
     "Bộ Khoa học và Công nghệ, Bộ Tài chính", ["UBKHCNMT_QH", "UBPLTP_QH", "BKHCN", "BTC"]),
    ("Thành ủy Hà Nội, Thành ủy Thành phố Hồ Chí Minh", ["TU_HA_NOI", "TU_HO_CHI_MINH"]),
    ("Đảng ủy Quốc hội, Đảng ủy Chính phủ, Đảng ủy Mặt trận Tổ quốc, các đoàn thể Trung ương",
     ["DU_QUOC_HOI", "DU_CHINH_PHU", "DU_MTTQ_DOAN_THE_TW"]),
]


@pytest.mark.parametrize(("cell", "expected"), NAMED_CELLS)
def test_cells_of_the_documents_split_into_named_bodies(directory, cell, expected):
    assert _ids(directory.split(cell, REPORT_DATE)) == expected


def test_reporting_kinds_are_central_bodies_ministries_and_provinces(directory):
    kinds = {row["kind"]: row["is_reporting"] for row in _read("agency_kinds.csv")}
    assert {k for k, reports in kinds.items() if reports == "true"} == {
        "central_body", "ministry", "province"}
    assert {row["kind"] for row in _read("agencies.csv")} <= set(kinds)
    # Only bodies of a reporting kind report: the 73 of 30/6/2026 stay 73.
    assert all(directory.is_reporting(a.agency_id) for a in directory.reporting_bodies(REPORT_DATE))


def test_a_body_of_an_unlisted_kind_is_refused():
    body = Agency("X", "Cơ quan X", "committee", None, None, None)
    with pytest.raises(ValueError, match="committee"):
        AgencyDirectory([body], [], [AgencyKind("ministry", True, "Bộ", "Ministry")])


def _kinds_of(directory: AgencyDirectory, names: tuple[str, ...]) -> set[str]:
    by_name = {a.name_vi: a.kind for a in directory.agencies}
    return {by_name[name] for name in names}


@pytest.mark.parametrize("name", [
    "Ủy ban Khoa học, Công nghệ và Môi trường Quốc hội",
    "Ủy ban Công nghệ và Môi trường của Quốc hội",
    "Ủy ban Văn hóa và Xã hội của Quốc hội",
    "Ủy ban Kinh tế và Tài chính của Quốc hội",
    "Uỷ ban Quốc phòng, An ninh và Đối ngoại của Quốc Hội",
])
def test_unknown_national_assembly_committee_is_never_suggested_a_ministry(directory, name):
    ref = directory.match(name, REPORT_DATE)
    assert ref.agency_id is None
    # "Bộ Nông nghiệp và Môi trường" is close in letters to the first two: never shown.
    assert "Bộ Nông nghiệp và Môi trường" not in ref.suggestions
    assert _kinds_of(directory, ref.suggestions) <= {"na_committee"}


def test_unknown_national_assembly_committee_is_suggested_the_committee(directory):
    ref = directory.match("Ủy ban Khoa học, Công nghệ và Môi trường Quốc hội", REPORT_DATE)
    assert ref.suggestions == ("Ủy ban Khoa học, Công nghệ và Môi trường của Quốc hội",)


def test_unknown_party_committee_is_not_suggested_its_province(directory):
    ref = directory.match("Thành ủy Hải Phòng", REPORT_DATE)
    assert ref.agency_id is None
    assert "Thành phố Hải Phòng" not in ref.suggestions
    assert _kinds_of(directory, ref.suggestions) <= {"party_committee", "group"}


@pytest.mark.parametrize(("typo", "ministry"), [
    ("Bộ Khoa học và Công nhệ", "Bộ Khoa học và Công nghệ"),
    ("Bộ Tài chánh", "Bộ Tài chính"),
    ("Bộ Giáo dục và Đào tạoo", "Bộ Giáo dục và Đào tạo"),
    ("và Bộ Ngoại giaoo", "Bộ Ngoại giao"),
])
def test_ministry_typo_still_gets_its_ministry(directory, typo, ministry):
    ref = directory.match(typo, REPORT_DATE)
    assert ref.agency_id is None
    assert ref.suggestions[0] == ministry
    # "Bộ ..." is a ministry: the academy of science is no suggestion for it.
    assert _kinds_of(directory, ref.suggestions) == {"ministry"}


def test_unknown_bank_is_suggested_banks(directory):
    ref = directory.match("Ngân hàng Phát triển Việt Nam", REPORT_DATE)
    assert ref.agency_id is None
    assert ref.suggestions
    assert _kinds_of(directory, ref.suggestions) <= {"state_bank", "ministry", "enterprise"}

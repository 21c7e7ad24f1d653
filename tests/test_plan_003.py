"""Seed 003's task tables, sent as an office workbook, ingest to exactly its 248 tasks."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.submission import parse_submission
from dagster_project.lib.reference.agencies import AgencyDirectory
from tests.fixtures.plan_003 import SEED_003, render_plan_003

BKHCN_NFC = "Bộ Khoa học và Công nghệ"


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory):
    path = render_plan_003(tmp_path_factory.mktemp("plan") / "KeHoach_BCDCP_2025.xlsx")
    return parse_submission(path, load_contracts(), AgencyDirectory.from_seeds())


def test_the_seed_really_spells_the_ministry_in_several_byte_forms() -> None:
    text = SEED_003.read_text(encoding="utf-8")
    pattern = r"B\S{1,3} Khoa h\S{1,3}c v\S{1,3} C\S{1,3}ng ngh\S{1,3}"
    forms = {match for match in re.findall(pattern, text)
             if unicodedata.normalize("NFC", match) == BKHCN_NFC}
    assert len(forms) >= 2  # "ộ" precomposed and as "ô" + combining dot below


def test_all_248_tasks_load_from_both_header_variants(plan) -> None:
    assert plan.source == "task_plan"
    assert plan.accepted, plan.errors[:3]
    assert len(plan.rows) == 248
    by_sheet = {sheet: sum(r["sheet_name"] == sheet for r in plan.rows)
                for sheet in ("Phần II-IV", "Phần V")}
    assert by_sheet == {"Phần II-IV": 166, "Phần V": 82}
    assert plan.metadata["plan_year"] == 2025


def test_bo_khoa_hoc_va_cong_nghe_is_one_agency(plan) -> None:
    leads = [c for c in plan.child_rows["plan_item_agencies"] if c["role"] == "lead"]
    ministry = [c for c in leads if "Công nghệ" in c["agency_text"]
                and not c["agency_text"].startswith("Viện")]
    # Both byte forms, and the typo "Bộ Khoa học, Công nghệ", are one body.
    assert {c["agency_id"] for c in ministry} == {"BKHCN"}
    assert BKHCN_NFC in {c["agency_text"] for c in ministry}
    assert all(unicodedata.is_normalized("NFC", c["agency_text"]) for c in leads)
    assert len(ministry) >= 60


def test_every_deadline_is_parsed_or_kept_and_flagged(plan) -> None:
    flagged = {(p.sheet, p.row) for p in plan.warnings
               if p.rule in {"deadline_without_date", "deadline_missing", "deadline_unparseable"}}
    for row in plan.rows:
        dated = row["due_date"] is not None or row["recurrence"] not in (None, "roadmap")
        assert dated or (row["sheet_name"], row["row_number"]) in flagged, row
    roadmap = {(r["sheet_name"], r["row_number"]) for r in plan.rows
               if r["recurrence"] == "roadmap"}
    assert roadmap and roadmap <= flagged


def test_group_rows_and_quarters_without_year(plan) -> None:
    groups = {r["task_group"] for r in plan.rows}
    assert "NHIỆM VỤ CHUNG" in groups
    assert any(g and g.startswith("Nâng cao nhận thức") for g in groups)
    quarter_iv = [r for r in plan.rows if r["deadline_text"] == "Quý IV"]
    assert quarter_iv and all(str(r["due_date"]) == "2025-12-31" for r in quarter_iv)


def test_unknown_coordinating_bodies_are_flagged_not_mapped(plan) -> None:
    unknown = [p for p in plan.warnings if p.rule == "agency_unknown"]
    assert any("cảng hàng không" in (p.value or "") for p in unknown)
    assert all(p.column in {"Cơ quan phối hợp", "Đơn vị phối hợp"} for p in unknown)


def test_coordinating_bodies_that_owe_no_report_are_known(plan) -> None:
    coordinating = Counter(c["agency_id"] for c in plan.child_rows["plan_item_agencies"]
                           if c["role"] == "coordinate")
    # The National Assembly committee, the social-policy bank, the Hanoi Party committee,
    # missions abroad and enterprises: named by the plan, matched, never flagged.
    assert {agency_id: coordinating[agency_id] for agency_id in (
        "UBKHCNMT_QH", "NHCSXH", "TU_HA_NOI", "CQDD_NUOC_NGOAI", "DN_LIEN_QUAN",
        "NH_THUONG_MAI")} == {"UBKHCNMT_QH": 6, "NHCSXH": 1, "TU_HA_NOI": 1,
                              "CQDD_NUOC_NGOAI": 3, "DN_LIEN_QUAN": 3, "NH_THUONG_MAI": 1}
    unknown = " ".join(p.value or "" for p in plan.warnings if p.rule == "agency_unknown")
    for name in ("Quốc", "Ngân hàng Chính sách", "Thành ủy", "đại diện", "doanh nghiệp liên"):
        assert name not in unknown


def test_plan_rows_land_with_their_own_key(plan, tmp_path: Path) -> None:
    keys = [r["item_key"] for r in plan.rows]
    assert len(set(keys)) == 248 and keys[0].startswith("Phần II-IV!")

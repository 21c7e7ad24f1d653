"""Seed 003's task tables, sent as an office workbook, ingest to exactly its 248 tasks."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.inbox import ingest_inbox
from dagster_project.lib.ingest.submission import parse_submission
from dagster_project.lib.reference.agencies import AgencyDirectory
from tests.fixtures.plan_003 import SEED_003, render_plan_003
from tests.fixtures.warehouse import dbt_build, query

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


# --- the plan's tasks in the marts -----------------------------------------------------------


def _tasks(home: Home) -> list[tuple]:
    return query(home.warehouse, """
        select task_id, task_source, plan_year, task_name, deadline_text, due_date,
               lead_agency_id
        from marts.fct_task order by task_id""")


def test_the_plan_alone_gives_248_tasks_one_per_task_whatever_sends_it_again(
        plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seed 003's plan reaches fct_task: 248 tasks, each once, however often it arrives.

    The same plan sent again with a remark added (another file) is the same 248 tasks; a
    task the register also lists (same name, same lead) is the register's task, once.
    """
    from datetime import date

    import openpyxl

    from demo.workbooks import RegisterRow, RegisterSheet, write_register

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    render_plan_003(inbox / "KeHoach_BCDCP_2025.xlsx")
    monkeypatch.setenv("NQ57_HOME", str(tmp_path / "home"))  # Home.ensure exports it
    home = Home(tmp_path / "home").ensure()
    ingest_inbox(home, inbox)
    dbt_build(home.root, tmp_path / "one", ["+fct_task", "+bridge_task_agency"])
    tasks = _tasks(home)
    assert len(tasks) == 248
    assert {(t[1], t[2]) for t in tasks} == {("plan", 2025)}
    by_name = {t[3]: t for t in tasks}
    quarter_iv = next(r for r in plan.rows if r["deadline_text"] == "Quý IV")
    assert by_name[quarter_iv["task_name"]][4:6] == ("Quý IV", date(2025, 12, 31))
    assert {t[6] for t in tasks} >= {"BKHCN", "BCA", "BQP"}
    ids_before = {t[0] for t in tasks}

    again = openpyxl.load_workbook(inbox / "KeHoach_BCDCP_2025.xlsx")
    sheet = again["Phần V"]
    sheet.cell(sheet.max_row + 2, 1).value = "Gửi lại: bổ sung ghi chú"
    again.save(inbox / "KeHoach_BCDCP_2025_gui_lai.xlsx")
    first = plan.rows[0]
    lead = next(c["agency_text"] for c in plan.child_rows["plan_item_agencies"]
                if c["task_code"] == first["item_key"] and c["role"] == "lead")
    write_register(inbox / "DanhMuc_NhiemVu.xlsx", [RegisterSheet("TB20", "Thông báo số 20", [
        RegisterRow("Kiện toàn tổ chức", "TB20-0001", "Thông báo số 20", date(2025, 3, 16),
                    f"  {first['task_name'].upper()}. ", lead, "", "Quyết định", "Quý IV",
                    "")])], date(2025, 6, 30))
    ingest_inbox(home, inbox)
    dbt_build(home.root, tmp_path / "two", ["+fct_task", "+bridge_task_agency"])
    tasks = _tasks(home)
    assert len(tasks) == 248
    register = [t for t in tasks if t[1] == "register"]
    assert [t[0] for t in register] == ["TB20-0001"]
    assert {t[0] for t in tasks if t[1] == "plan"} < ids_before  # same ids, one fewer
    leads = query(home.warehouse, """
        select count(*) from marts.bridge_task_agency
        where agency_role = 'lead' and agency_position = 1""")
    assert leads == [(248,)]


@pytest.mark.e2e
def test_a_run_on_an_inbox_holding_only_the_plan_builds_and_says_why_it_did_not_publish(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """No progress reports: the run still lands and builds, then names what blocked it."""
    from dagster_project.cli import main

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    render_plan_003(inbox / "KeHoach_BCDCP_2025.xlsx")
    home = Home(tmp_path / "home")
    monkeypatch.setenv("NQ57_HOME", str(home.root))
    assert main(["run", "--inbox", str(inbox)]) == 1
    out = capsys.readouterr().out
    assert "No progress reports landed" in out and "the current quarter" in out
    assert "NOT published / KHÔNG công bố" in out and "TASK-030" in out
    (staged,) = home.staging.glob("*/warehouse.duckdb")  # kept for the reviewer
    assert query(staged, "select count(*) from marts.fct_task where task_source = 'plan'") == [
        (248,)]

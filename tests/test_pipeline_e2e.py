"""End to end: the real Definitions on generated demo data, in temporary homes.

The first run must publish 2026-Q2 with exactly the figures of the report of 30/6/2026.
The second starts from the first run's archive, receives one corrupted resubmission (the
Ministry of Science and Technology's June report with its evidence column wiped) and must
publish nothing, naming the failed blocking check.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest

from dagster_project.cli import main

pytestmark = pytest.mark.e2e


def _run(monkeypatch: pytest.MonkeyPatch, home: Path, inbox: Path, capsys) -> tuple[int, str]:
    monkeypatch.setenv("NQ57_HOME", str(home))
    code = main(["run", "--inbox", str(inbox), "--period", "2026-Q2"])
    return code, capsys.readouterr().out


def _national(home: Path, period: str) -> dict:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        frame = con.execute(
            "select * from marts.agg_task_completion where scope = 'national' and period_key = ?",
            [period],
        ).fetchdf()
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


def test_national_task_figures_match_the_report(published_home: Path) -> None:
    row = _national(published_home, "2026-Q2")
    assert str(row["as_of_date"])[:10] == "2026-06-29"
    assert row["tasks_assigned"] == 1937
    assert row["tasks_recurring"] == 468
    assert row["tasks_with_deadline"] == 1469
    assert row["tasks_done"] == 1245
    assert row["tasks_in_progress"] == 168
    assert row["tasks_overdue"] == 56
    assert round(row["completion_rate"] * 100, 1) == 84.8
    assert round(row["in_progress_rate"] * 100, 1) == 11.4
    assert round(row["overdue_rate"] * 100, 1) == 3.8


def test_history_covers_2025_q1_to_2026_q2(published_home: Path) -> None:
    with duckdb.connect(str(published_home / "warehouse.duckdb"), read_only=True) as con:
        periods = [r[0] for r in con.execute(
            "select period_key from marts.agg_task_completion where scope = 'national' "
            "order by period_start").fetchall()]
        agencies = con.execute(
            "select count(distinct agency_id) from marts.agg_task_completion a "
            "join marts.dim_agency d using (agency_id) "
            "where a.period_key = '2026-Q2' and d.is_reporting_body").fetchone()[0]
    assert periods == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    assert agencies == 73


def test_published_scorecard_shows_the_figures(published_home: Path) -> None:
    page = (published_home / "published" / "2026-Q2" / "index.html").read_text(encoding="utf-8")
    for figure in ("1.937", "1.245", "84,8%", "11,4%", "3,8%"):
        assert figure in page


def test_rerun_on_same_inbox_lands_nothing_new(published_home: Path, demo_inbox: Path) -> None:
    from dagster_project.lib.home.paths import Home
    from dagster_project.lib.ingest.inbox import ingest_inbox

    summary = ingest_inbox(Home(published_home), demo_inbox)
    assert summary.files_new == 0
    assert summary.files_already_landed == summary.files_seen


def _wipe_evidence(report: Path) -> int:
    workbook = openpyxl.load_workbook(report)
    sheet = workbook.active
    header_row, column = next(
        (cell.row, cell.column) for row in sheet.iter_rows(max_row=30) for cell in row
        if cell.value == "Minh chứng")
    wiped = 0
    for row in range(header_row + 1, sheet.max_row + 1):
        if sheet.cell(row, column).value:
            sheet.cell(row, column).value = None
            wiped += 1
    workbook.save(report)
    return wiped


def _bkhcn_june_files(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select file_name, is_current, superseded_by_sha256 is not null "
            "from marts.fct_submission where reporting_agency_id = 'BKHCN' "
            "and reporting_month = date '2026-06-01' order by received_at").fetchall()


def test_corrupted_resubmission_blocks_publication(
    published_home: Path, demo_inbox: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    from dagster_project.lib.home.paths import Home
    from dagster_project.lib.publish.release import latest_release, verify_release

    home = tmp_path / "home"
    shutil.copytree(published_home, home, symlinks=True,
                    ignore=shutil.ignore_patterns("published", "dagster", "runs", "staging"))
    inbox = tmp_path / "inbox"
    report = demo_inbox / "reports" / "2026-06" / "BC_BKHCN_2026-06.xlsx"
    (inbox / "2026-06").mkdir(parents=True)
    corrupted = inbox / "2026-06" / "BC_BKHCN_2026-06_bo_sung.xlsx"
    shutil.copy(report, corrupted)
    assert _wipe_evidence(corrupted) >= 70

    code, out = _run(monkeypatch, home, inbox, capsys)

    assert code == 1
    assert "task_020" in out and "TASK-020" in out
    assert "NOT published" in out
    assert not (home / "published" / "2026-Q2").exists()

    # Write-audit-publish: the working warehouse is the published one, untouched; the run's
    # own staging build holds the resubmission, which superseded the first June report.
    assert _bkhcn_june_files(home / "warehouse.duckdb") == [(report.name, True, False)]
    (staged,) = (home / "staging").glob("*/warehouse.duckdb")
    assert _bkhcn_june_files(staged) == [(report.name, False, True),
                                         (corrupted.name, True, False)]

    # The release published before the failure is untouched, and latest still names it.
    releases = home / "releases" / "2026-Q2"
    assert sorted(p.name for p in releases.iterdir()) == ["latest", "latest.json", "v1"]
    assert verify_release(releases / "v1") == []
    assert latest_release(Home(home), "2026-Q2").version == 1

    # `nq57 status` shows the quarter still published as v1, its last run blocked by the rule.
    monkeypatch.setenv("NQ57_HOME", str(home))
    assert main(["status", "--json", "--inbox", str(inbox)]) == 0
    (quarter,) = json.loads(capsys.readouterr().out)["quarters"]
    assert (quarter["release_version"], quarter["last_run_publishable"]) == (1, False)
    assert "TASK-020" in quarter["blocking_failures"] and not quarter["awaiting_approval"]
    assert "blocking rules failed" in quarter["state"]

    # The reviewer sees which body's rows fail, cannot approve while the rule blocks, and
    # waives it with a reason; then approves exactly this data.
    assert main(["review", "--period", "2026-Q2"]) == 1
    review = capsys.readouterr().out
    assert "by agency / theo cơ quan: BKHCN" in review
    assert main(["approve", "--period", "2026-Q2", "--by", "Lê Văn C"]) == 2
    assert "TASK-020" in capsys.readouterr().out
    assert main(["waive", "TASK-020", "--period", "2026-Q2", "--by", "Nguyễn Văn A",
                 "--reason", "ok"]) == 2  # a reason must say something
    assert main(["waive", "BUD-002", "--period", "2026-Q2", "--by", "Nguyễn Văn A",
                 "--reason", "Bộ Tài chính đã gửi giải trình số 123/BTC"]) == 2
    assert "passes in the latest audit" in capsys.readouterr().out
    assert main(["waive", "TASK-020", "--period", "2026-Q2", "--by", "Nguyễn Văn A",
                 "--reason", "Bộ KH&CN gửi bổ sung minh chứng trong tháng 7/2026"]) == 0
    assert main(["review", "--period", "2026-Q2"]) == 0
    review = capsys.readouterr().out
    assert "waived by Nguyễn Văn A" in review and "awaiting approval" in review
    assert main(["approve", "--period", "2026-Q2", "--by", "Lê Văn C"]) == 0

    # The next run builds the same data, finds the approval of it, and publishes v2.
    code, out = _run(monkeypatch, home, inbox, capsys)
    assert code == 0, out
    latest = latest_release(Home(home), "2026-Q2")
    assert latest.version == 2
    notes = latest.manifest["notes"]
    (waiver,) = notes["waivers"]
    assert (waiver["rule_id"], waiver["by"]) == ("TASK-020", "Nguyễn Văn A")
    assert notes["approval"]["by"] == "Lê Văn C" and notes["auto_approved"] is False
    assert notes["review_log_intact"] is True
    assert verify_release(releases / "v1") == []
    page = (latest.path / "scorecard" / "index.html").read_text(encoding="utf-8")
    assert "Lê Văn C phê duyệt công bố" in page
    assert "TASK-020" in page and "Bộ KH&amp;CN gửi bổ sung minh chứng" in page
    # Every page says it is v2 and what changed from v1: the corrected file is new.
    for name in ("index.html", "agencies/BKHCN.html", "en/index.html"):
        text = (latest.path / "scorecard" / name).read_text(encoding="utf-8")
        assert re.search(r"v2, (công bố ngày|published) ", text), name
        assert re.search(r"(Thay đổi so với v1|Changes from v1): [^<]*(tệp mới nhận|"
                         r"new files received): [1-9]", text), name
    # Only now is the audited build the working warehouse.
    assert _bkhcn_june_files(home / "warehouse.duckdb")[-1] == (corrupted.name, True, False)


def test_the_demo_release_says_it_was_approved_automatically(published_home: Path) -> None:
    from dagster_project.lib.home.paths import Home
    from dagster_project.lib.publish.release import latest_release

    notes = latest_release(Home(published_home), "2026-Q2").manifest["notes"]
    assert notes["auto_approved"] is True and notes["approval"] is None
    assert notes["rules_checked"] > 400  # GX rules and every dbt data test
    assert not list((published_home / "staging").iterdir())  # promoted, nothing left over


def test_the_release_carries_the_quality_annex(published_home: Path) -> None:
    from dagster_project.lib.home.paths import Home
    from dagster_project.lib.publish.release import latest_release

    release = latest_release(Home(published_home), "2026-Q2")
    page = (release.path / "quality" / "index.html").read_text(encoding="utf-8")
    assert "quality/index.html" in release.manifest["files"]
    assert "Cao Bằng" in page and "TASK-020" in page and "dbt.fct_task.task_id.unique" in page
    assert "2026-Q1" in page and "2025-Q4" in page  # the trend looks back two quarters
    assert "http://" not in page and "https://" not in page


def test_run_keeps_dbt_results_and_leaves_no_target_folders(published_home: Path) -> None:
    from dagster_project.lib.home.paths import DBT_PROJECT_DIR

    # dagster-dbt names each invocation's folder <op>-<run id[:7]>-<uuid[:7]>. Only this
    # home's runs are looked for: other tests build in parallel and their folders come and
    # go, and folders of runs killed before this session are swept only once stale.
    runs = [path.name for path in (published_home / "runs").iterdir()]
    assert runs
    leftovers = [path.name for run_id in runs
                 for path in (DBT_PROJECT_DIR / "target").glob(f"nq57_dbt_models-{run_id[:7]}-*")]
    assert leftovers == []
    assert list((published_home / "runs").glob("*/dbt_run_results.json"))


def test_group_assignments_count_for_every_member(published_home: Path) -> None:
    with duckdb.connect(str(published_home / "warehouse.duckdb"), read_only=True) as con:
        members = dict(con.execute(
            "select group_id, count(*) from intermediate.int_agency_group_members "
            "group by group_id").fetchall())
        group_led = con.execute(
            "select count(distinct task_id) from marts.bridge_task_agency "
            "where agency_role = 'lead' and agency_id = 'GRP_DIA_PHUONG'").fetchone()[0]
        reached = dict(con.execute(
            "select agency_id, count(*) from intermediate.int_task_leads_expanded "
            "where via_group_id = 'GRP_DIA_PHUONG' or (via_group_id is null and task_id in "
            "  (select task_id from marts.bridge_task_agency where agency_role = 'lead' "
            "   and agency_id = 'GRP_DIA_PHUONG')) "
            "group by agency_id").fetchall())
    # 17 ministries and ministry-level agencies, 22 central bodies, 34 provinces, of which
    # 23 were formed by merging others in 2025.
    assert members == {"GRP_BO_CQNB": 17, "GRP_BO_NGANH": 39, "GRP_DIA_PHUONG": 34,
                       "GRP_BO_NGANH_DIA_PHUONG": 73, "GRP_DIA_PHUONG_SAP_NHAP": 23}
    assert group_led > 0
    provinces = {agency: n for agency, n in reached.items() if agency.startswith("P_")}
    assert len(provinces) == 34 and set(provinces.values()) == {group_led}
    assert reached["GRP_DIA_PHUONG"] == group_led  # the group keeps its own row


def test_the_release_carries_gx_data_docs_that_open_offline(published_home: Path) -> None:
    from dagster_project.lib.home.paths import Home
    from dagster_project.lib.publish.release import latest_release

    site = latest_release(Home(published_home), "2026-Q2").path / "data_docs"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "task_completion_evidence" in index and "agency_reporting_status" in index
    pages = list(site.rglob("*.html"))
    assert len(pages) > 80  # a validation page and a suite page per suite
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert 'src="http' not in text and 'href="https://cdn' not in text, page

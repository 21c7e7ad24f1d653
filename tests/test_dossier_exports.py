"""Dossier-level exports: recognised by header, landed by DuckDB, counted into the marts.

A public-service dossier export has one row per dossier (tens of millions a year). These
tests hold its path to what a spreadsheet's path promises: every broken row quarantined
with its line, column, value and rule in both languages, the rest landed typed, nothing of
the file lost; and the public-service marts counting exactly what one DuckDB query over
the file counts.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.inbox import ingest_inbox
from dagster_project.lib.quality.set_aside import set_aside
from dagster_project.lib.reference.agencies import AgencyDirectory
from dagster_project.lib.reference.periods import VIETNAM_TIME
from demo.dossiers import write_dossier_export
from tests.fixtures.dossier_floor import floor_query
from tests.fixtures.warehouse import dbt_build, query

HEADER = ("Mã hồ sơ,Cơ quan tiếp nhận,Ngày tiếp nhận,Hình thức nộp,Thuộc diện số hóa,"
          "Đã số hóa\n")
ROWS = [
    "HS-1,Bộ Tài chính,15/03/2026,Trực tuyến,1,1",     # line 2: lands
    "HS-1,Bộ Tài chính,16/03/2026,Trực tuyến,1,0",     # line 3: code given twice
    "HS-2,Bộ Tài Chánh,15/03/2026,Trực tuyến,1,0",     # line 4: unknown body
    "HS-3,Tỉnh Lào Cai,,Trực tiếp,0,1",                # line 5: no day; digitised, not due
    "HS-4,Tỉnh Lào Cai,1/4/2026,qua mạng,có,x",        # line 6: unknown channel
    "HS-5,Tỉnh Lào Cai,2/4/2026,Bưu chính,Có,không",   # line 7: lands
    "HS-6,Tỉnh Lào Cai,31/4/2026,Trực tuyến,0,0",      # line 8: no such day
    "HS-7,Tỉnh Lào Cai,3/4/2026,Online,kh,0",          # line 9: not yes or no
]


LAO_CAI = AgencyDirectory.from_seeds().match("Tỉnh Lào Cai").agency_id


def _ingest(tmp_path: Path, name: str, text: str) -> tuple[Home, object]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / name).write_text(text, encoding="utf-8")
    home = Home(tmp_path / "home").ensure()
    return home, ingest_inbox(home, inbox)


def _rows(home: Home, table: str, sql: str) -> list[tuple]:
    """A query over one landed table, named ``{t}`` in ``sql``."""
    with duckdb.connect() as con:
        source = f"read_parquet('{home.landing}/{table}')"
        return con.execute(sql.replace("{t}", source)).fetchall()


def test_each_broken_dossier_is_quarantined_with_its_line_column_value_and_rule(
        tmp_path: Path) -> None:
    home, summary = _ingest(tmp_path, "hoso_thang3.csv", HEADER + "\n".join(ROWS) + "\n")
    found = _rows(home, "quarantine/*.parquet",
                  "select row_number, column_label, raw_value, rule, severity from {t} "
                  "where file_name = 'hoso_thang3.csv' order by row_number, rule")
    assert found == [
        (3, "Mã hồ sơ", "HS-1", "duplicate_key", "error"),
        (4, "Cơ quan tiếp nhận", "Bộ Tài Chánh", "agency_unknown", "error"),
        (5, "Ngày tiếp nhận", None, "date_missing", "error"),
        (5, "Đã số hóa", "1", "flag_without_base", "error"),
        (6, "Hình thức nộp", "qua mạng", "status_unknown", "error"),
        (8, "Ngày tiếp nhận", "31/4/2026", "date_invalid", "error"),
        (9, "Thuộc diện số hóa", "kh", "boolean_unparseable", "error"),
    ]
    messages = dict(_rows(home, "quarantine/*.parquet",
                          "select rule, message_vi || ' / ' || message_en from {t}"))
    assert "Bộ Tài chính" in messages["agency_unknown"]  # the suggestion, in both languages
    assert "dòng 2" in messages["duplicate_key"] and "row 2" in messages["duplicate_key"]
    assert summary.files_rejected == 1 and summary.rows_quarantined == 6


def test_the_other_dossiers_land_typed_and_the_file_is_kept(tmp_path: Path) -> None:
    home, summary = _ingest(tmp_path, "hoso_thang3.csv", HEADER + "\n".join(ROWS) + "\n")
    landed = _rows(home, "public_services/dossier/*.parquet",
                   "select row_number, dossier_id, agency, received_date, channel, "
                   "channel_text, digitisation_due, digitised from {t} order by row_number")
    assert landed == [
        (2, "HS-1", "BTC", date(2026, 3, 15), "online", "Trực tuyến", True, True),
        (7, "HS-5", LAO_CAI, date(2026, 4, 2), "post", "Bưu chính", True, False),
    ]
    (record,) = _rows(home, "submission/*.parquet",
                      "select source, rows_read, rows_loaded, rows_quarantined, errors, "
                      "accepted, reporting_month from {t} where file_name = 'hoso_thang3.csv'")
    assert record == ("dossier_export", 8, 2, 6, 7, False, date(2026, 4, 1))
    archived = list(home.archive.glob("*/*/hoso_thang3.csv"))
    assert len(archived) == 1
    assert archived[0].read_text(encoding="utf-8") == HEADER + "\n".join(ROWS) + "\n"
    assert summary.rows_landed["dossier"] == 2


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_generated_export_lands_every_valid_dossier(tmp_path: Path, suffix: str) -> None:
    inbox = tmp_path / "inbox"
    written = write_dossier_export(inbox / f"hoso{suffix}", 5_000, bad_every=250)
    home = Home(tmp_path / "home").ensure()
    summary = ingest_inbox(home, inbox)
    assert summary.rows_landed["dossier"] == 5_000 - written.bad_rows == 4_980
    lines = _rows(home, "quarantine/*.parquet", "select row_number, rule from {t}")
    assert sorted(lines) == [(250 * k + 1, "date_invalid") for k in range(1, 21)]


def test_a_csv_that_is_no_export_is_read_as_a_spreadsheet(tmp_path: Path) -> None:
    home, summary = _ingest(tmp_path, "ghi_chu.csv", "Ghi chú,Nội dung\n1,abc\n")
    (record,) = _rows(home, "submission/*.parquet", "select source, accepted from {t}")
    assert record == (None, False)
    assert summary.rows_landed.get("dossier", 0) == 0


def _national_months(home: Home) -> list[tuple]:
    """The national monthly counts of the five rates, as the marts hold them."""
    return query(home.warehouse, """
        select reporting_month, online_base, online_numerator, digitisation_base,
               digitisation_numerator, reuse_base, reuse_numerator, e_result_base,
               e_result_numerator, online_payment_base, online_payment_numerator
        from marts.agg_public_service_rates
        where scope = 'national' and period_window = 'month' order by 1""")


def test_the_marts_count_what_one_duckdb_query_over_the_file_counts(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    export = write_dossier_export(inbox / "hoso_2026.csv", 20_000, bad_every=997).path
    home = Home(tmp_path / "home").ensure()
    ingest_inbox(home, inbox)
    dbt_build(home.root, tmp_path, ["+agg_public_service_rates"])
    marts = _national_months(home)
    with duckdb.connect() as con:
        floor = con.execute(floor_query(export)).fetchall()
    assert marts == [(month.date(), *counts) for month, *counts in floor]
    assert sum(row[1] for row in marts) == 20_000 - 20


def test_a_later_export_is_counted_alone_and_one_set_aside_stops_counting(
        tmp_path: Path) -> None:
    """The dossier counts are incremental by file: a second build counts only the new export.

    The first export (January–March) is counted by the first build; the April export that
    arrives later is counted by a build that starts from that warehouse. Every month's
    counts equal one DuckDB query over the file that holds it, and the second build's
    compiled model reads only the files it had not counted. Set aside, the April export
    leaves the rates, though its counted rows stay.
    """
    inbox = tmp_path / "inbox"
    first = write_dossier_export(inbox / "hoso_quy1.csv", 9_000, first=date(2026, 1, 1),
                                 days=90, bad_every=1_000).path
    home = Home(tmp_path / "home").ensure()
    ingest_inbox(home, inbox)
    dbt_build(home.root, tmp_path / "one", ["+agg_public_service_rates"])
    april = write_dossier_export(inbox / "hoso_thang4.parquet", 4_000,
                                 first=date(2026, 4, 1), days=30).path
    ingest_inbox(home, inbox)
    dbt_build(home.root, tmp_path / "two", ["+agg_public_service_rates"])
    target = tmp_path / "two" / "target"
    compiled, ran = (next((target / kind).rglob("int_public_service_dossier_counts.sql"))
                     .read_text(encoding="utf-8") for kind in ("compiled", "run"))
    assert "new_files" in compiled and "insert into" in ran  # appended, not rebuilt
    marts = _national_months(home)
    with duckdb.connect() as con:
        floor = (con.execute(floor_query(first)).fetchall()
                 + con.execute(floor_query(april)).fetchall())
    assert marts == [(month.date(), *counts) for month, *counts in sorted(floor)]
    assert sum(row[1] for row in marts) == 9_000 - 9 + 4_000
    counted = query(home.warehouse, """
        select count(distinct file_sha256), count(*)
        from intermediate.int_public_service_dossier_counts""")
    assert counted[0][0] == 2

    # A reviewer sets the April export aside: its counts stay counted, but no longer count.
    set_aside(home, "2026-Q2", hashlib.sha256(april.read_bytes()).hexdigest(), "Trần Thị B",
              "Tệp xuất sai kỳ, chờ Cổng DVC gửi lại", datetime.now(VIETNAM_TIME))
    dbt_build(home.root, tmp_path / "three", ["+agg_public_service_rates"])
    with duckdb.connect() as con:
        first_only = con.execute(floor_query(first)).fetchall()
    assert _national_months(home) == [(month.date(), *counts) for month, *counts in first_only]

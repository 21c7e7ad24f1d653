"""The contract reader on small hand-made workbooks: what loads, what is rejected and why."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from dagster_project.cli import main
from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.submission import parse_submission
from dagster_project.lib.reference.agencies import AgencyDirectory

REPORT_HEADER = ["TT", "Mã nhiệm vụ", "Tên nhiệm vụ", "Tình trạng", "Ngày hoàn thành",
                 "Sản phẩm", "Minh chứng", "Khó khăn, vướng mắc"]
REGISTER_HEADER = ["TT", "Mã nhiệm vụ", "Văn bản giao", "Ngày giao", "Nhóm nhiệm vụ",
                   "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Dự kiến kết quả",
                   "Thời hạn hoàn thành", "Lưu ý"]


def _report(path: Path, rows: list[list], header: list[str] = REPORT_HEADER,
            agency: str = "Bộ Khoa học và Công nghệ") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    sheet.append([agency.upper(), None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    sheet.append([None, None, None, "Độc lập - Tự do - Hạnh phúc"])
    sheet.append([])
    sheet.append(["BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ THEO NGHỊ QUYẾT SỐ 57-NQ/TW"])
    sheet.append(["Kỳ báo cáo: Tháng 6/2026 - Số liệu tính đến ngày 29/6/2026"])
    sheet.append([f"Cơ quan báo cáo: {agency}"])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["Nơi nhận:"])
    sheet.append(["BỘ TRƯỞNG"])
    workbook.save(path)
    return path


def _register(path: Path, rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "TB20"
    sheet.append(["DANH MỤC NHIỆM VỤ"])
    sheet.append([])
    sheet.append(REGISTER_HEADER)
    sheet.append(["I", "Kiện toàn Ban Chỉ đạo"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def parse():
    contracts = load_contracts()
    directory = AgencyDirectory.from_seeds()
    return lambda path: parse_submission(path, contracts, directory)


def test_valid_report_loads_every_row_with_title_block_metadata(parse, tmp_path: Path) -> None:
    path = _report(tmp_path / "ok.xlsx", [
        ["I", "NHIỆM VỤ CỤ THỂ"],
        [1, "TB20-0001", "Ban hành hướng dẫn", "Đã hoàn thành", date(2026, 5, 4), "Thông tư",
         "QĐ 12/QĐ-BKHCN", None],
        [2, "TB20-0002", "Xây dựng nền tảng", "Đang thực hiện", None, None, None, "Thiếu vốn"],
    ])
    submission = parse(path)
    assert submission.accepted, submission.problems
    assert submission.source == "progress_report"
    assert submission.metadata == {"reporting_agency": "BKHCN",
                                   "reporting_month": date(2026, 6, 1),
                                   "as_of_date": date(2026, 6, 29)}
    assert [r["task_code"] for r in submission.rows] == ["TB20-0001", "TB20-0002"]
    assert submission.rows[0]["status"] == "done"
    assert submission.rows[0]["completion_date"] == date(2026, 5, 4)
    assert submission.rows[0]["task_group"] == "NHIỆM VỤ CỤ THỂ"


def test_bad_rows_are_quarantined_with_location_and_reason(parse, tmp_path: Path) -> None:
    path = _report(tmp_path / "bad.xlsx", [
        [1, "TB20-0001", "A", "Xong rồi", None, None, None, None],
        [2, "TB20-0002", "B", "Đã hoàn thành", None, "Thông tư", "QĐ 1", None],
        [3, "TB20-0003", "C", "Đang thực hiện", "31/02/2026", None, None, None],
        [4, "TB20-0004", "D", "Đang thực hiện", None, None, None, None],
    ])
    submission = parse(path)
    assert not submission.accepted
    assert [r["task_code"] for r in submission.rows] == ["TB20-0004"]
    assert submission.rows_read == 4 and submission.rows_quarantined == 3
    by_row = {p.row: p for p in submission.errors}
    assert by_row[9].column == "Tình trạng" and by_row[9].value == "Xong rồi"
    assert by_row[9].rule == "status_unknown" and "Đã hoàn thành" in by_row[9].message_vi
    assert by_row[10].rule == "completion_date_required_when_done"
    assert by_row[10].column == "Ngày hoàn thành"
    assert by_row[11].value == "31/02/2026" and by_row[11].sheet == "Báo cáo"


def test_missing_required_column_rejects_the_file(parse, tmp_path: Path) -> None:
    header = [h for h in REPORT_HEADER if h != "Tình trạng"]
    path = _report(tmp_path / "nocol.xlsx", [[1, "TB20-0001", "A", None, None, None, None]],
                   header=header)
    submission = parse(path)
    assert not submission.accepted and submission.rows == []
    problem = submission.errors[0]
    assert problem.rule == "required_column_missing" and problem.column == "Tình trạng"
    assert problem.row == 8


def test_unknown_extra_column_is_a_warning_only(parse, tmp_path: Path) -> None:
    path = _report(tmp_path / "extra.xlsx",
                   [[1, "TB20-0001", "A", "Đang thực hiện", None, None, None, None, "x"]],
                   header=[*REPORT_HEADER, "Ghi chú nội bộ"])
    submission = parse(path)
    assert submission.accepted
    assert [(p.rule, p.column) for p in submission.warnings] == [
        ("column_unknown", "Ghi chú nội bộ")]


def test_register_unknown_agency_gets_suggestions(parse, tmp_path: Path) -> None:
    path = _register(tmp_path / "reg.xlsx", [
        [1, "TB20-0001", "Thông báo số 20-TB/CQTTBCĐ", date(2026, 3, 16), None,
         "Kiện toàn Hội đồng Tư vấn", "Bộ KH&CN, Bộ Tài chánh", None, "Quyết định",
         "Hoàn thành trong tháng 4/2026", None],
        [2, "TB20-0002", "Thông báo số 20-TB/CQTTBCĐ", date(2026, 3, 16), None,
         "Rà soát danh mục", "Bộ Công thương", "Các bộ, ngành", None, "Quý II", None],
    ])
    submission = parse(path)
    assert [r["task_code"] for r in submission.rows] == ["TB20-0002"]
    loaded = submission.rows[0]
    assert loaded["due_date"] == date(2026, 6, 30)  # "Quý II" takes the plan year 2026
    assert loaded["task_group"] == "Kiện toàn Ban Chỉ đạo"
    children = submission.child_rows["register_agencies"]
    assert [(c["role"], c["agency_id"]) for c in children] == [
        ("lead", "BCT"), ("coordinate", "GRP_BO_NGANH")]
    problem = submission.errors[0]
    assert problem.rule == "agency_unknown" and problem.column == "Cơ quan chủ trì"
    assert problem.value == "Bộ Tài chánh" and "Bộ Tài chính" in problem.message_en


def test_unrecognised_file_is_rejected(parse, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    submission = parse(path)
    assert not submission.accepted
    assert submission.errors[0].rule == "source_unrecognised"


def test_check_command_reports_json_and_exit_code(tmp_path: Path, capsys) -> None:
    good = _report(tmp_path / "good.xlsx",
                   [[1, "TB20-0001", "A", "Đang thực hiện", None, None, None, None]])
    bad = _report(tmp_path / "bad.xlsx",
                  [[1, "TB20-0001", "A", "Xong rồi", None, None, None, None]])
    assert main(["check", str(good)]) == 0
    assert "ACCEPTED" in capsys.readouterr().out
    assert main(["check", str(good), str(bad), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [f["status"] for f in report["files"]] == ["accepted", "rejected"]
    problem = report["files"][1]["problems"][0]
    assert (problem["sheet"], problem["row"], problem["column"], problem["value"]) == (
        "Báo cáo", 9, "Tình trạng", "Xong rồi")
    assert problem["message_vi"] and problem["message_en"]


def _legacy(text: str, encoding: str) -> str:
    """Unicode text as a pre-Unicode font stores it: the inverse of viparse's charmap.

    TCVN3 (ABC) has no capital toned letters (they come from the .VnTimeH font, whose bytes
    are the lowercase codes), so capitals without a code are written as their lowercase.
    """
    from viparse.normalize.encodings import CHARMAPS

    inverse = {target: source for source, target in CHARMAPS[encoding].pairs}
    return "".join(inverse.get(ch, inverse.get(ch.lower(), ch)) for ch in text)


def _encode_workbook(path: Path, encoding: str) -> Path:
    """Every text cell of a workbook retyped in a legacy encoding."""
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = _legacy(cell.value, encoding)
    workbook.save(path)
    return path


@pytest.mark.parametrize(("encoding", "label"), [("tcvn3", "TCVN3"), ("vni", "VNI")])
def test_report_typed_in_a_legacy_encoding_is_converted_and_the_originals_are_kept(
        parse, tmp_path: Path, encoding: str, label: str) -> None:
    path = _encode_workbook(_report(tmp_path / f"{encoding}.xlsx", [
        [1, "TB20-0001", "Ban hành hướng dẫn", "Đã hoàn thành", date(2026, 5, 4), "Thông tư",
         "QĐ 12", None],
        [2, "TB20-0002", "Xây dựng nền tảng", "Đang thực hiện", None, None, None, "Thiếu vốn"],
    ]), encoding)
    submission = parse(path)

    assert submission.accepted, submission.errors
    assert submission.metadata["reporting_agency"] == "BKHCN"
    assert [row["status"] for row in submission.rows] == ["done", "in_progress"]
    assert submission.rows[0]["status_text"] == "Đã hoàn thành"
    assert submission.rows[1]["difficulties"] == "Thiếu vốn"
    originals = json.loads(submission.rows[0]["original_values"])
    assert originals["status"] == _legacy("Đã hoàn thành", encoding)
    notes = [p for p in submission.warnings if p.rule == "legacy_encoding_converted"]
    assert len(notes) == 1 and label in notes[0].message_vi and label in notes[0].message_en
    assert submission.legacy_encodings == {"Báo cáo": encoding}


def test_text_changed_by_normalisation_is_kept_as_written(parse, tmp_path: Path) -> None:
    nfd_name = unicodedata.normalize("NFD", "Ban hành hướng dẫn") + "\u00a0"
    path = _report(tmp_path / "nfd.xlsx", [
        [1, "TB20-0001", nfd_name, "Đang thực hiện", None, None, None, None],
    ])
    submission = parse(path)
    row = submission.rows[0]
    assert row["task_name"] == "Ban hành hướng dẫn"
    assert json.loads(row["original_values"]) == {"task_name": nfd_name}
    assert not [p for p in submission.problems if p.rule == "legacy_encoding_converted"]

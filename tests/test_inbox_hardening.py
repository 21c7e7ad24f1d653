"""Hostile files: links, pipes, duplicate sheets, external formulas, crashing readers, names.

Each test states what the user sees (the check's verdict, the ingest summary, the run log,
the feedback workbook) and what must never happen (a link's target archived, a DDE formula
handed back, a forged line on the terminal).
"""

from __future__ import annotations

import concurrent.futures as futures
import json
import os
import signal
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

from dagster_project.cli import main
from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest import isolation
from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.feedback import write_feedback
from dagster_project.lib.ingest.inbox import ingest_inbox, list_inbox
from dagster_project.lib.ingest.landing import archive_file
from dagster_project.lib.ingest.regular_files import NotRegularFileError, file_sha256, open_regular
from dagster_project.lib.ingest.submission import not_regular_submission, parse_submission
from dagster_project.lib.ingest.workbook import scan_workbook
from dagster_project.lib.reference.agencies import AgencyDirectory
from dagster_project.lib.text.terminal import json_text, printable
from tests.fixtures.corpus import _patch_zip, _set_cached_values

HEADER = ["TT", "Mã nhiệm vụ", "Tên nhiệm vụ", "Tình trạng", "Ngày hoàn thành", "Sản phẩm",
          "Minh chứng", "Khó khăn, vướng mắc"]
ROWS = [
    [1, "TB20-0001", "Ban hành hướng dẫn", "Đang thực hiện", None, None, None, None],
    [2, "TB20-0002", "Xây dựng nền tảng", "Đang thực hiện", None, None, None, None],
    [3, "TB20-0003", "Sửa đổi nghị định", "Đang thực hiện", None, None, None, None],
]
# Bytes of a file outside the inbox that a link points at: they must never be archived.
SECRET = "BÍ-MẬT-NGOÀI-HỘP-THƯ-7f3a9c"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture(scope="module")
def parse():
    contracts, directory = load_contracts(), AgencyDirectory.from_seeds()
    return lambda path: parse_submission(path, contracts, directory)


def _report(path: Path, rows: list[list] | None = None) -> Path:
    """A valid June report of the Ministry of Science and Technology: header on row 8."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    sheet.append(["BỘ KHOA HỌC VÀ CÔNG NGHỆ", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    sheet.append([None, None, None, "Độc lập - Tự do - Hạnh phúc"])
    sheet.append([])
    sheet.append(["BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ THEO NGHỊ QUYẾT SỐ 57-NQ/TW"])
    sheet.append(["Kỳ báo cáo: Tháng 6/2026 - Số liệu tính đến ngày 29/6/2026"])
    sheet.append(["Cơ quan báo cáo: Bộ Khoa học và Công nghệ"])
    sheet.append([])
    sheet.append(HEADER)
    for row in rows or ROWS:
        sheet.append(row)
    sheet.append([])
    sheet.append(["Nơi nhận:"])
    workbook.save(path)
    return path


def _secret_csv(path: Path) -> Path:
    """A file that would be accepted as a register if it were followed, marked with SECRET."""
    path.write_text(
        "TT,Mã nhiệm vụ,Văn bản giao,Ngày giao,Tên nhiệm vụ,Cơ quan chủ trì,Thời hạn hoàn thành\n"
        f"1,TB20-0001,Thông báo 20,16/03/2026,{SECRET},Bộ Tài chính,Quý II\n", encoding="utf-8")
    return path


def _all_bytes(folder: Path) -> Iterator[tuple[Path, bytes]]:
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            yield path, path.read_bytes()


def _assert_nothing_of(secret_file: Path, home: Home) -> None:
    """Neither the bytes, the text nor the hash of ``secret_file`` is under archive/landing."""
    sha = file_sha256(secret_file)
    raw = secret_file.read_bytes()
    for folder in (home.archive, home.landing):
        for path, data in _all_bytes(folder):
            assert SECRET.encode() not in data and raw not in data, path
            assert sha not in str(path), path


@pytest.fixture
def no_hang():
    """Fail instead of hanging if something opens a named pipe and waits for a writer."""
    def hung(*_args):
        raise TimeoutError("blocked on a named pipe")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(240)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


# --- links, pipes and other non-regular entries ---------------------------------------------
def test_inbox_links_and_pipes_are_rejected_unread_and_nothing_of_them_archived(
        tmp_path: Path, no_hang) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = _secret_csv(outside / "passwd.csv")
    (outside / "more").mkdir()
    _secret_csv(outside / "more" / "hidden_report.csv")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _report(inbox / "BC_BKHCN_06.xlsx")
    (inbox / "DanhMuc.csv").symlink_to(secret)
    (inbox / "thu_muc_lien_ket").symlink_to(outside / "more", target_is_directory=True)
    os.mkfifo(inbox / "treo.xlsx")
    home = Home(tmp_path / "home")
    home.ensure()

    summary = ingest_inbox(home, inbox)

    kinds = {path.name: problems[0] for path, problems in
             ((s.path, s.problems) for s in summary.not_regular)}
    assert set(kinds) == {"DanhMuc.csv", "thu_muc_lien_ket", "treo.xlsx"}
    assert {p.rule for p in kinds.values()} == {"not_a_regular_file"}
    assert "symbolic link" in kinds["DanhMuc.csv"].message_en
    assert "liên kết tượng trưng" in kinds["DanhMuc.csv"].message_vi
    assert str(inbox / "DanhMuc.csv") in kinds["DanhMuc.csv"].message_en
    assert "named pipe (FIFO)" in kinds["treo.xlsx"].message_en
    assert (summary.files_seen, summary.files_accepted, summary.files_rejected) == (4, 1, 3)
    _assert_nothing_of(secret, home)
    assert len(list(home.archive.glob("*/*/receipt.json"))) == 1

    again = ingest_inbox(home, inbox)  # still reported, still not read
    assert (again.files_already_landed, len(again.not_regular)) == (1, 3)
    _assert_nothing_of(secret, home)


def test_listing_never_follows_a_link(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "thang6").mkdir(parents=True)
    _report(inbox / "thang6" / "BC.xlsx")
    (inbox / "thang6" / "~$BC.xlsx").symlink_to("/etc/passwd")  # lock-file names are skipped
    (inbox / "dangling.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    listing = list_inbox(inbox)
    assert listing.files == [inbox / "thang6" / "BC.xlsx"]
    assert listing.not_regular == [(inbox / "dangling.xlsx", "symlink")]


def test_a_file_swapped_for_a_link_after_parsing_is_not_archived(tmp_path: Path,
                                                                   parse) -> None:
    secret = _secret_csv(tmp_path / "secret.csv")
    report = _report(tmp_path / "BC.xlsx")
    submission = parse(report)
    assert submission.accepted
    report.unlink()
    report.symlink_to(secret)  # between reading and archiving
    home = Home(tmp_path / "home")
    home.ensure()

    with pytest.raises(NotRegularFileError):
        archive_file(home, submission)
    with pytest.raises(NotRegularFileError):
        file_sha256(report)
    _assert_nothing_of(secret, home)
    assert parse(report).errors[0].rule == "not_a_regular_file"


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path, no_hang) -> None:
    pipe = tmp_path / "treo.csv"
    os.mkfifo(pipe)
    with pytest.raises(NotRegularFileError) as raised:
        open_regular(pipe)
    assert raised.value.kind == "fifo"


def test_check_on_a_link_says_rejected_and_never_reads_the_target(tmp_path: Path,
                                                                  capsys) -> None:
    link = tmp_path / "BC.csv"
    link.symlink_to(_secret_csv(tmp_path / "secret.csv"))

    assert main(["check", str(link)]) == 1
    out = capsys.readouterr().out
    assert "REJECTED" in out and "[not_a_regular_file]" in out
    assert SECRET not in out

    assert main(["check", "--json", str(link)]) == 1
    report = json.loads(capsys.readouterr().out)
    entry = report["files"][0]
    assert (entry["status"], entry["sha256"], report["all_accepted"]) == (
        "rejected", None, False)
    assert [p["rule"] for p in entry["problems"]] == ["not_a_regular_file"]


def test_check_json_stays_one_json_document_for_missing_and_odd_paths(tmp_path: Path,
                                                                     capsys, no_hang) -> None:
    report = _report(tmp_path / "BC.xlsx")
    link = tmp_path / "lien_ket.xlsx"
    link.symlink_to(report)
    missing = tmp_path / "khong_co.xlsx"
    too_long = tmp_path / ("x" * 300 + ".xlsx")  # cannot even be looked up (ENAMETOOLONG)
    pipe = tmp_path / "treo.csv"
    os.mkfifo(pipe)

    code = main(["check", "--json", "--feedback", str(tmp_path / "phan_hoi"), str(missing),
                 str(report), str(link), str(too_long), str(pipe)])

    assert code == 1
    files = json.loads(capsys.readouterr().out)["files"]
    assert [f["status"] for f in files] == [
        "missing", "accepted", "rejected", "rejected", "rejected"]
    assert [[p["rule"] for p in f["problems"]] for f in files] == [
        ["file_not_found"], [], ["not_a_regular_file"], ["file_unreadable"],
        ["not_a_regular_file"]]
    assert all(p["message_vi"] and p["message_en"] for f in files for p in f["problems"])
    assert [f["feedback"] for f in files] == [None] * 5  # nothing of a link or pipe is copied


# --- duplicate sheets -------------------------------------------------------------------------
def _duplicate_sheet_entry(path: Path, name: str | None = None) -> Path:
    """Repeat the first <sheet> of xl/workbook.xml (same part), optionally renamed."""
    def edit(xml: str) -> str:
        start = xml.index("<sheet ")
        entry = xml[start: xml.index("/>", start) + 2]
        copy = entry.replace('sheetId="1"', 'sheetId="99"')
        if name is not None:
            copy = copy.replace('name="Báo cáo"', f'name="{name}"')
        return xml.replace(entry, entry + copy)

    _patch_zip(path, "xl/workbook.xml", edit)
    return path


@pytest.mark.parametrize(("copy_name", "named"), [
    (None, "same name"), ("BÁO CÁO", "Excel ignores case"), ("Bản sao", "same worksheet part")])
def test_a_workbook_with_a_duplicated_sheet_is_rejected_naming_it(
        tmp_path: Path, parse, copy_name: str | None, named: str) -> None:
    path = _duplicate_sheet_entry(_report(tmp_path / "BC.xlsx"), copy_name)

    submission = parse(path)

    assert not submission.accepted and submission.rows == []
    problem = submission.errors[0]
    sheet = copy_name or "Báo cáo"
    assert (problem.rule, problem.sheet) == ("duplicate_sheet", sheet)
    assert f"Sheet '{sheet}'" in problem.message_en and f"'{sheet}'" in problem.message_vi
    assert "read twice" in problem.message_en and "hai lần" in problem.message_vi
    if copy_name == "Bản sao":
        assert "xl/worksheets/sheet1.xml" in problem.message_en
    assert all(p.rule != "duplicate_key" for p in submission.problems)


# --- external links, DDE and formulas that fetch data ---------------------------------------
DDE = "cmd|' /C calc'!A0"
WEB = '_xlfn.WEBSERVICE("http://example.invalid/tien-do")'


def _add_external_link(path: Path) -> Path:
    """Give the workbook a DDE link part, referenced as [1], as Excel saves one."""
    part = (f'<externalLink xmlns="{MAIN_NS}"><ddeLink ddeService="cmd" ddeTopic=" /C calc">'
            '<ddeItems><ddeItem name="A0" advise="1"/></ddeItems></ddeLink></externalLink>')
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/externalLinks/externalLink1.xml", part)
    _patch_zip(path, "xl/_rels/workbook.xml.rels", lambda xml: xml.replace(
        "</Relationships>",
        f'<Relationship Id="rId90" Type="{REL_NS}/externalLink" '
        'Target="externalLinks/externalLink1.xml"/></Relationships>'))
    _patch_zip(path, "xl/workbook.xml", lambda xml: xml.replace(
        "</sheets>", '</sheets><externalReferences><externalReference r:id="rId90"/>'
                     "</externalReferences>"))
    _patch_zip(path, "[Content_Types].xml", lambda xml: xml.replace(
        "</Types>", '<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType='
                    '"application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink'
                    '+xml"/></Types>'))
    return path


def _report_with_external_formulas(path: Path) -> Path:
    """A valid report whose evidence and difficulty cells come from outside the workbook."""
    rows = [list(row) for row in ROWS]
    rows[0][6] = f"={WEB}"  # G9
    rows[1][7] = f"={DDE}"  # H10
    rows[2][6] = "=[1]Sheet1!A1"  # G11
    rows[2][5] = '=HYPERLINK("http://example.invalid","Xem")'  # F11: a link, fetches nothing
    _report(path, rows)
    _patch_zip(path, "xl/worksheets/sheet1.xml", _set_cached_values(
        {"G9": "Đã tải về", "H10": "0", "G11": "Minh chứng cũ", "F11": "Xem"}))
    return _add_external_link(path)


def test_external_formulas_and_links_are_warned_with_their_cell(tmp_path: Path, parse) -> None:
    path = _report_with_external_formulas(tmp_path / "BC_lien_ket.xlsx")

    submission = parse(path)

    assert submission.accepted, submission.errors
    cells = {p.message_en.split()[1]: p for p in submission.warnings
             if p.rule == "external_formula"}
    assert set(cells) == {"G9", "H10", "G11"}
    assert "WEBSERVICE" in cells["G9"].message_en and "WEBSERVICE" in cells["G9"].message_vi
    assert "DDE" in cells["H10"].message_en and "DDE" in cells["H10"].message_vi
    assert "DDE" in cells["G11"].message_en  # [1] is the DDE link part
    for cell, problem in cells.items():
        assert problem.sheet == "Báo cáo" and problem.row == int(cell[1:])
        assert f"Ô {cell} của trang 'Báo cáo'" in problem.message_vi
        assert f"Cell {cell} of sheet 'Báo cáo'" in problem.message_en
        assert "not trusted" in problem.message_en and "đáng tin cậy" in problem.message_vi
    assert cells["H10"].value == f"={DDE}"
    assert (cells["G9"].column, cells["H10"].column) == ("Minh chứng", "Khó khăn, vướng mắc")
    link = next(p for p in submission.warnings if p.rule == "external_link")
    assert "xl/externalLinks/externalLink1.xml" in link.message_en and link.value == "cmd| /C calc"
    # The cached values are what was read.
    assert submission.rows[0]["evidence"] == "Đã tải về"


def test_formula_kinds_are_told_apart_in_one_scan(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "S"
    formulas = {"A1": "='[Book.xlsx]Sheet 1'!A1", "A2": '=FILTERXML(B1,"//a")',
                "A3": '=RTD("srv",,"x")', "A4": "=SUM(Table1[Cột])+Sheet2!A1",
                "A5": '="a|b"&B1', "A6": "='C:\\dir\\[Book.xlsx]S'!A1"}
    for ref, formula in formulas.items():
        sheet[ref] = formula
    path = tmp_path / "kinds.xlsx"
    workbook.save(path)

    scan = scan_workbook(path)

    assert {(f.cell, f.kind) for f in scan.external_formulas} == {
        ("A1", "external_workbook"), ("A2", "filterxml"), ("A3", "rtd"),
        ("A6", "external_workbook")}
    assert scan.external_links == [] and scan.duplicate_sheets == []
    assert len(scan.uncached["S"]) == 6  # the same pass still finds uncached formulas


# --- feedback copies carry values only ----------------------------------------------------------
def test_feedback_copy_has_no_formula_and_no_external_link(tmp_path: Path, parse) -> None:
    source = _report_with_external_formulas(tmp_path / "BC_lien_ket.xlsx")
    problems = parse(source).problems
    assert problems

    out = write_feedback(source, problems, tmp_path / "phan_hoi.xlsx")

    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        xml = {name: archive.read(name) for name in names if name.endswith((".xml", ".rels"))}
    assert not [n for n in names if "externallink" in n.lower()]
    assert not [n for n, data in xml.items() if b"<f>" in data or b"<f " in data]
    # The problem list quotes the formulas as inert text; the copied sheet holds values only.
    copied_part = xml["xl/worksheets/sheet2.xml"]
    assert b"cmd|" not in copied_part and b"WEBSERVICE" not in copied_part
    copy = openpyxl.load_workbook(out)["Báo cáo"]
    assert (copy["G9"].value, copy["H10"].value, copy["G11"].value) == (
        "Đã tải về", "0", "Minh chứng cũ")  # the cached values, as the checker read them
    assert "WEBSERVICE" in copy["G9"].comment.text  # the warning is marked on its own cell


# --- a reader that dies says so in one line -------------------------------------------------------
BACKTRACE = ("thread '<unnamed>' panicked at src/xlsx/mod.rs:812:27:\n"
             "capacity overflow\nstack backtrace:\n"
             + "".join(f"  {n}: calamine::frame_{n}\n" for n in range(40)))


def _die_loudly() -> None:
    """What calamine does on a crafted file: a native backtrace on fd 2, then the end."""
    os.write(2, BACKTRACE.encode())
    os._exit(134)


def test_a_dying_reader_leaves_one_line_not_a_backtrace(tmp_path: Path, capfd) -> None:
    with tempfile.TemporaryDirectory() as logs:
        with isolation._pool(1, isolation.Limits(), logs) as pool, pytest.raises(
                futures.process.BrokenProcessPool):
            pool.submit(_die_loudly).result(timeout=120)
        reason = isolation.last_words(Path(logs))
    assert capfd.readouterr().err.count("calamine::frame_") == 0
    assert reason == ("thread '<unnamed>' panicked at src/xlsx/mod.rs:812:27: "
                      "capacity overflow")

    rejected = isolation._crashed(_report(tmp_path / "BC.xlsx"), reason).errors[0]
    assert rejected.rule == "file_reader_crashed"
    assert "\n" not in rejected.message_en and "capacity overflow" in rejected.message_en
    assert "\n" not in rejected.message_vi and "capacity overflow" in rejected.message_vi


# --- names cannot steer the terminal ------------------------------------------------------------
HOSTILE = "BC\nACCEPTED\t\x1b[32m\u202egpj.csv"


def test_printable_escapes_controls_and_bidi_but_keeps_vietnamese() -> None:
    assert printable(HOSTILE) == "BC\\nACCEPTED\\t\\x1b[32m\\u202egpj.csv"
    assert printable("Báo cáo tháng 6 \u2066x\u2069 \u200f \u061c") == (
        "Báo cáo tháng 6 \\u2066x\\u2069 \\u200f \\u061c")
    text = json_text({"file": HOSTILE + "\x85"})
    assert "\u202e" not in text and "\x85" not in text and "Báo" in json_text("Báo")
    assert json.loads(text) == {"file": HOSTILE + "\x85"}


def test_check_prints_a_hostile_file_name_escaped(tmp_path: Path, capsys) -> None:
    path = tmp_path / HOSTILE
    path.write_text("không phải báo cáo\n", encoding="utf-8")

    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\x1b" not in out
    assert f"{printable(str(path))}: REJECTED" in out.splitlines()[0]
    assert not any(line.startswith("ACCEPTED") for line in out.splitlines())

    assert main(["check", "--json", str(path)]) == 1
    raw = capsys.readouterr().out
    assert "\u202e" not in raw and "\\u202e" in raw
    assert json.loads(raw)["files"][0]["file"] == str(path)


def test_run_log_warns_for_each_odd_entry_with_its_name_escaped(tmp_path: Path) -> None:
    from dagster_project.defs.ingest.inbox import _log_rejections
    from dagster_project.lib.ingest.inbox import IngestSummary

    summary = IngestSummary()
    for name, kind in ((HOSTILE, "symlink"), ("treo.xlsx", "fifo")):
        summary.reject_not_regular(not_regular_submission(tmp_path / name, kind))
    warnings: list[str] = []
    context = SimpleNamespace(log=SimpleNamespace(warning=warnings.append))

    _log_rejections(context, summary)

    assert len(warnings) == 2 and all("[not_a_regular_file]" in w for w in warnings)
    assert all("\n" not in w and "\u202e" not in w and "\x1b" not in w for w in warnings)
    assert printable(str(tmp_path / HOSTILE)) in warnings[0]
    assert "named pipe" in warnings[1] and "ống dẫn" in warnings[1]


def test_the_report_fixture_is_a_valid_submission(tmp_path: Path, parse) -> None:
    """The builder above stands for a normal report: everything else is measured against it."""
    submission = parse(_report(tmp_path / "BC.xlsx"))
    assert submission.accepted and len(submission.rows) == 3
    assert submission.metadata["as_of_date"] == date(2026, 6, 29)

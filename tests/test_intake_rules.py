"""Intake rules are data: ``expectations/intake.yml`` and the readers agree, rule by rule.

Every rule in the file is raised by the code and every rule the code raises is in the file;
both languages of a message take the same fields; and each rule, through the example the
file gives it, fires on a broken input and not on the same input corrected: a parser on a
value, or a probe of this module on a small real file read the way ingestion reads it.
"""

from __future__ import annotations

import ast
import importlib
import re
import string
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from dagster_project.lib.home.paths import INTAKE_RULES, REPO_ROOT, SOURCES_DIR
from dagster_project.lib.ingest import isolation
from dagster_project.lib.ingest.contracts import Contract, load_contracts
from dagster_project.lib.ingest.exports import check_export, match_export
from dagster_project.lib.ingest.families import read_submission
from dagster_project.lib.ingest.submission import Problem
from dagster_project.lib.reference.agencies import AgencyDirectory
from dagster_project.lib.text.intake_rules import (
    IntakeRule,
    intake_rule,
    intake_rules,
    messages,
    part,
)
from dagster_project.lib.text.values import ValueParseError
from tests.fixtures import corpus
from tests.fixtures.corpus import TASKS, SheetSpec, _csv, _report_rows, _report_xlsx, _xlsx
from tests.test_budget import ALLOCATION_HEADER, DISBURSEMENT_HEADER
from tests.test_budget import _workbook as _budget_workbook
from tests.test_inbox_hardening import ROWS as REPORT_ROWS
from tests.test_inbox_hardening import WEB, _add_external_link, _duplicate_sheet_entry
from tests.test_inbox_hardening import _report as _small_report
from tests.test_isolation import _register_csv
from tests.test_public_services import PORTAL_HEADER, PORTAL_TITLE
from tests.test_public_services import _workbook as _portal_workbook
from tests.test_submission import _encode_workbook

PACKAGE = REPO_ROOT / "dagster_project"
# Where the readers live: the code that raises intake rules.
READERS = (PACKAGE / "lib" / "ingest", PACKAGE / "lib" / "text")
RULES: dict[str, dict[str, Any]] = yaml.safe_load(
    INTAKE_RULES.read_text(encoding="utf-8"))["rules"]

# Calls that name the rule they raise, and the position of the rule among their arguments.
RULE_ARGUMENT = {"of": 0, "messages": 0, "part": 0, "intake_rule": 0, "problem": 3,
                 "row_problem": 3, "_file_problem": 2, "_rejected": 1}
# Classes whose ``of`` constructor takes a rule id first.
RULE_CLASSES = {"ValueParseError", "Problem"}
# Constructors that take messages already written: the code must not write one inline.
MESSAGE_TAKERS = {"ValueParseError", "Problem", "UnreadableFileError"}


# --- the code, read as syntax --------------------------------------------------------------
def _trees(*folders: Path) -> Iterator[tuple[Path, ast.AST]]:
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _strings(*folders: Path) -> set[str]:
    """Every string literal of the code."""
    return {node.value for _, tree in _trees(*folders) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def _callee(call: ast.Call) -> str | None:
    """The name a call goes by: ``f`` of ``f(…)``, ``m`` of ``x.m(…)``."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        if call.func.attr == "of" and not (isinstance(call.func.value, ast.Name)
                                           and call.func.value.id in RULE_CLASSES):
            return None
        return call.func.attr
    return None


def _named_rules(node: ast.AST) -> Iterator[str]:
    """Rule ids a node names: the rule argument of a call, or what ``.rule`` is compared to."""
    if isinstance(node, ast.Call) and (name := _callee(node)) in RULE_ARGUMENT:
        index = RULE_ARGUMENT[name]
        if len(node.args) > index and isinstance(node.args[index], ast.Constant):
            yield node.args[index].value
    if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and (
            node.left.attr == "rule"):
        for right in node.comparators:
            elements = right.elts if isinstance(right, ast.Set | ast.Tuple | ast.List) else [right]
            yield from (e.value for e in elements if isinstance(e, ast.Constant))


def _is_text(node: ast.AST) -> bool:
    """Literal text: a string or an f-string."""
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str))


def _raised_rules() -> dict[str, Path]:
    return {rule: path for path, tree in _trees(*READERS) for node in ast.walk(tree)
            for rule in _named_rules(node)}


def _contract_rule_ids() -> set[str]:
    return {rule["id"] for path in sorted((SOURCES_DIR / "contracts").glob("*.yaml"))
            for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("row_rules") or ()}


# --- templates -----------------------------------------------------------------------------
def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _pattern(template: str) -> re.Pattern[str]:
    """A template as a regular expression: each field matches any text, a repeat the same."""
    pattern, seen = "", set()
    for literal, name, _, _ in string.Formatter().parse(template):
        pattern += re.escape(literal)
        if name is not None:
            pattern += f"(?P={name})" if name in seen else f"(?P<{name}>.*?)"
            seen.add(name)
    return re.compile(pattern, re.DOTALL)


def _template_pairs(rule: IntakeRule) -> Iterator[tuple[str, tuple[str, str]]]:
    yield "message", rule.templates()
    for name, pair in rule.variants.items():
        yield f"variant {name}", pair
    for name, pair in rule.parts.items():
        yield f"part {name}", pair


def _assert_rendered_by(rule: IntakeRule, message_vi: str, message_en: str) -> None:
    """The messages are the rule's own (its message or a variant), as ``messages()`` renders
    them from the values the fields were filled with."""
    assert message_vi.strip() and message_en.strip(), rule.id
    for variant in (None, *rule.variants):
        template_vi, template_en = rule.templates(variant)
        found_vi = _pattern(template_vi).fullmatch(message_vi)
        found_en = _pattern(template_en).fullmatch(message_en)
        if found_vi is None or found_en is None:
            continue
        fields = {name: (found_vi[name], found_en[name]) for name in _fields(template_vi)}
        if messages(rule.id, variant=variant, **fields) == (message_vi, message_en):
            return
    pytest.fail(f"{rule.id}: not rendered from intake.yml:\n  {message_vi}\n  {message_en}")


# --- probes: the smallest real file that breaks a rule, and the same file corrected --------
Probe = Callable[[Path, bool], list[Problem]]
PROBES: dict[str, Probe] = {}


def probe(function: Probe) -> Probe:
    """Register a probe under its name, as intake.yml's examples name it."""
    PROBES[function.__name__] = function
    return function


@cache
def _reference() -> tuple[dict[str, Contract], AgencyDirectory]:
    return load_contracts(), AgencyDirectory.from_seeds()


def _read(path: Path) -> list[Problem]:
    """Read a file as ingestion and ``nq57 check`` do: the contract, then the family's step."""
    contracts, directory = _reference()
    return read_submission(path, contracts, directory).problems


def _read_built(folder: Path, name: str, build: Callable[[Path], object]) -> list[Problem]:
    path = folder / name
    build(path)
    return _read(path)


def _tasks(index: int, column: int, value: object) -> list[list[object]]:
    """The corpus report's tasks with one cell changed."""
    tasks = [list(task) for task in TASKS]
    tasks[index][column] = value
    return tasks


def _report_with(folder: Path, rows: list[list[object]]) -> list[Problem]:
    return _read_built(folder, "BC.xlsx", _report_xlsx(_report_rows(rows)))


def _plan_csv(deadline: str | None) -> Callable[[Path], None]:
    """A plan's task table as CSV (deadlines read loosely: `unparseable: warn`)."""
    rows = [["KẾ HOẠCH"], ["Triển khai Nghị quyết 57-NQ/TW năm 2026"], [],
            ["STT", "Nội dung, nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Kết quả",
             "Thời gian hoàn thành"],
            [1, "Xây dựng Chiến lược dữ liệu", "Bộ Khoa học và Công nghệ", "Bộ Công an",
             "Quyết định", deadline]]
    return _csv(rows, "utf-8")


def _portal(folder: Path, row: list[object]) -> list[Problem]:
    return _read(_portal_workbook(folder / "DVC.xlsx", PORTAL_TITLE, PORTAL_HEADER, [row]))


def _budget(folder: Path, header: list[str], row: list[object]) -> list[Problem]:
    return _read(_budget_workbook(folder / "NS.xlsx", header, [row]))


@probe
def missing_file(folder: Path, fixed: bool) -> list[Problem]:
    path = folder / "BC.xlsx"
    if fixed:
        _small_report(path)
    return _read(path)


@probe
def symlink_to_report(folder: Path, fixed: bool) -> list[Problem]:
    report = _small_report(folder / "BC.xlsx")
    if fixed:
        return _read(report)
    link = folder / "lien_ket.xlsx"
    link.symlink_to(report)
    return _read(link)


@probe
def empty_file(folder: Path, fixed: bool) -> list[Problem]:
    path = folder / "BC.xlsx"
    _small_report(path) if fixed else path.write_bytes(b"")
    return _read(path)


@cache
def _worker_address_space() -> int:
    """Bytes of address space a reader worker holds once it has loaded its reference data."""
    with tempfile.TemporaryDirectory() as logs, isolation._pool(
            1, isolation.Limits(), logs) as pool:
        status = pool.submit(Path.read_text, Path("/proc/self/status")).result(timeout=120)
    return int(re.search(r"^VmSize:\s+(\d+) kB", status, re.MULTILINE)[1]) * 1024


@probe
def file_over_memory_limit(folder: Path, fixed: bool) -> list[Problem]:
    """A register whose last line holds ~10 million cells, read by a worker allowed 16 MB more
    than it needs at rest: the line alone (19 MB, under the size limit) does not fit."""
    path = _register_csv(folder / "DanhMuc.csv", 1)
    if not fixed:
        with path.open("a", encoding="utf-8") as handle:
            handle.write("1," * (19 << 19) + "\n")
    limits = isolation.Limits(memory_bytes=_worker_address_space() + (16 << 20), workers=1)
    return isolation.parse_files([path], limits)[0].problems


@probe
def workbook_that_kills_the_reader(folder: Path, fixed: bool) -> list[Problem]:
    """One cell at XFD1048576: calamine allocates the whole sheet's grid (512 GB) and aborts."""
    path = _small_report(folder / "BC.xlsx")
    if not fixed:
        workbook = openpyxl.load_workbook(path)
        workbook.active["XFD1048576"] = "x"
        workbook.save(path)
    return isolation.parse_files([path], isolation.Limits(workers=1))[0].problems


@probe
def duplicated_sheet(folder: Path, fixed: bool) -> list[Problem]:
    path = _small_report(folder / "BC.xlsx")
    return _read(path if fixed else _duplicate_sheet_entry(path, "BÁO CÁO"))


@probe
def unknown_header(folder: Path, fixed: bool) -> list[Problem]:
    header = corpus.REPORT_HEADERS if fixed else [f"Cột {n}" for n in range(1, 9)]
    return _read_built(folder, "BC.xlsx", _report_xlsx(_report_rows(header=header)))


@probe
def dde_link(folder: Path, fixed: bool) -> list[Problem]:
    path = _small_report(folder / "BC.xlsx")
    return _read(path if fixed else _add_external_link(path))


@probe
def hidden_sheet(folder: Path, fixed: bool) -> list[Problem]:
    helper = SheetSpec("Tính toán", [["TB20-0009", "Đã hoàn thành"]], hidden=not fixed)
    return _read_built(folder, "BC.xlsx", lambda path: _xlsx(
        path, [SheetSpec("Báo cáo", _report_rows()), helper]))


@probe
def status_list_sheet(folder: Path, fixed: bool) -> list[Problem]:
    sheets = [SheetSpec("Báo cáo", _report_rows())]
    if not fixed:
        sheets.append(SheetSpec("Danh mục", corpus.STATUS_LIST))
    return _read_built(folder, "BC.xlsx", lambda path: _xlsx(path, sheets))


@probe
def report_and_register(folder: Path, fixed: bool) -> list[Problem]:
    build = (_report_xlsx(_report_rows()) if fixed
             else corpus.report_and_register_in_one_file()[1])
    return _read_built(folder, "BC.xlsx", build)


@probe
def tcvn3_report(folder: Path, fixed: bool) -> list[Problem]:
    path = _small_report(folder / "BC.xlsx")
    return _read(path if fixed else _encode_workbook(path, "tcvn3"))


@probe
def report_without_status_column(folder: Path, fixed: bool) -> list[Problem]:
    build = (_report_xlsx(_report_rows()) if fixed
             else corpus.missing_required_column()[1])
    return _read_built(folder, "BC.xlsx", build)


@probe
def extra_column(folder: Path, fixed: bool) -> list[Problem]:
    build = _report_xlsx(_report_rows()) if fixed else corpus.unknown_extra_column()[1]
    return _read_built(folder, "BC.xlsx", build)


@probe
def report_without_period(folder: Path, fixed: bool) -> list[Problem]:
    build = (_report_xlsx(_report_rows()) if fixed
             else corpus.missing_reporting_period()[1])
    return _read_built(folder, "BC.xlsx", build)


@probe
def task_reported_twice(folder: Path, fixed: bool) -> list[Problem]:
    build = _report_xlsx(_report_rows()) if fixed else corpus.duplicate_task_rows()[1]
    return _read_built(folder, "BC.xlsx", build)


@probe
def rate_without_numerator(folder: Path, fixed: bool) -> list[Problem]:
    digitised = "4.000" if fixed else None
    return _portal(folder, ["1", "Bộ Y tế", "20.000", "5.000", "9.000", digitised, None, None])


@probe
def numerator_above_base(folder: Path, fixed: bool) -> list[Problem]:
    online = "4.001" if fixed else "12.346"
    return _portal(folder, ["1", "Bộ Tư pháp", "12.345", online, None, None, None, None])


@probe
def negative_dossier_count(folder: Path, fixed: bool) -> list[Problem]:
    received = "5" if fixed else "-5"
    return _portal(folder, ["1", "Bộ Tư pháp", received, "0", None, None, None, None])


@probe
def fractional_dossier_count(folder: Path, fixed: bool) -> list[Problem]:
    received = "12" if fixed else "12,5"
    return _portal(folder, ["1", "Bộ Tư pháp", received, "0", None, None, None, None])


@probe
def formula_never_calculated(folder: Path, fixed: bool) -> list[Problem]:
    rows = [list(row) for row in REPORT_ROWS]
    rows[0][7] = "Chưa có kinh phí" if fixed else '="Chưa có "&"kinh phí"'
    return _read(_small_report(folder / "BC.xlsx", rows))


@probe
def webservice_formula(folder: Path, fixed: bool) -> list[Problem]:
    rows = [list(row) for row in REPORT_ROWS]
    rows[0][6] = "Đã tải về" if fixed else f"={WEB}"
    path = _small_report(folder / "BC.xlsx", rows)
    if not fixed:
        corpus._patch_zip(path, "xl/worksheets/sheet1.xml",
                          corpus._set_cached_values({"G9": "Đã tải về"}))
    return _read(path)


@probe
def task_without_status(folder: Path, fixed: bool) -> list[Problem]:
    return _report_with(folder, _tasks(1, 3, "Đang thực hiện" if fixed else None))


@probe
def malformed_task_code(folder: Path, fixed: bool) -> list[Problem]:
    return _report_with(folder, _tasks(2, 1, "NQ57-0003" if fixed else "NQ57-03"))


@probe
def unknown_status(folder: Path, fixed: bool) -> list[Problem]:
    return _report_with(folder, _tasks(1, 3, "Đang thực hiện" if fixed else "Xong một phần"))


@probe
def sync_not_yes_or_no(folder: Path, fixed: bool) -> list[Problem]:
    build = corpus._csdl_status() if fixed else corpus.csdl_status_sync_not_yes_no()[1]
    return _read_built(folder, "CSDL.xlsx", build)


@probe
def misspelt_agency(folder: Path, fixed: bool) -> list[Problem]:
    body = "Bộ Tài chính" if fixed else "Bộ Tài chánh"
    return _budget(folder, ALLOCATION_HEADER, [1, body, "KHCN", "100,00", "80,00", "40,00"])


@probe
def negative_disbursement(folder: Path, fixed: bool) -> list[Problem]:
    amount = "12,50" if fixed else "-12,50"
    return _budget(folder, DISBURSEMENT_HEADER, [1, "Bộ Y tế", None, None, "KHCN", amount])


@probe
def unknown_commune_code(folder: Path, fixed: bool) -> list[Problem]:
    code, name = ("00004", "Phường Ba Đình") if fixed else ("99999", "Xã Không Có")
    return _budget(folder, DISBURSEMENT_HEADER,
                   [1, "Thành phố Hà Nội", code, name, "KHCN", "0,50"])


@probe
def plan_task_without_deadline(folder: Path, fixed: bool) -> list[Problem]:
    return _read_built(folder, "KH.csv", _plan_csv("Quý II" if fixed else None))


@probe
def roadmap_deadline(folder: Path, fixed: bool) -> list[Problem]:
    return _read_built(folder, "KH.csv", _plan_csv("Quý II" if fixed else "Theo lộ trình"))


@probe
def digitised_dossier_not_due(folder: Path, fixed: bool) -> list[Problem]:
    """A dossier-level export (read by DuckDB) with a dossier digitised but not due to be."""
    path = folder / "hoso.csv"
    path.write_text("Mã hồ sơ,Cơ quan tiếp nhận,Ngày tiếp nhận,Hình thức nộp,"
                    "Thuộc diện số hóa,Đã số hóa\n"
                    f"HS-1,Bộ Tài chính,15/03/2026,Trực tuyến,{1 if fixed else 0},1\n",
                    encoding="utf-8")
    found = match_export(path)
    assert found is not None, "the export's header is not recognised"
    return check_export(path, *found, _reference()[1]).problems


# --- the file and the code agree -----------------------------------------------------------
def test_the_file_loads_and_every_rule_has_an_example() -> None:
    assert set(intake_rules()) == set(RULES)
    for rule_id, raw in RULES.items():
        example = raw["example"]
        if "probe" in example:
            assert example["probe"] in PROBES, f"{rule_id}: no probe {example['probe']!r}"
        else:
            module = importlib.import_module(example["module"])
            assert callable(getattr(module, example["parser"])), rule_id
            assert {"fails", "passes"} <= set(example), rule_id


def test_every_rule_in_the_file_is_raised_by_the_code() -> None:
    unused = set(RULES) - _strings(*READERS)
    assert not unused, f"rules in intake.yml that no reader names: {sorted(unused)}"


def test_every_rule_the_code_raises_is_in_the_file() -> None:
    allowed = set(RULES) | _contract_rule_ids()
    unknown = {rule: str(path.relative_to(REPO_ROOT))
               for rule, path in _raised_rules().items() if rule not in allowed}
    assert not unknown, f"rules raised but not in intake.yml: {unknown}"
    assert set(RULES) <= set(_raised_rules())


def test_no_message_is_written_in_the_code() -> None:
    """Messages come from intake.yml: nothing builds a problem or an error from literal text."""
    inline = [f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
              for path, tree in _trees(*READERS) for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in MESSAGE_TAKERS
              and any(_is_text(arg) for arg in (*node.args, *(k.value for k in node.keywords)))]
    assert not inline, f"messages written inline: {inline}"


def test_every_variant_and_part_is_named_by_the_code() -> None:
    named = _strings(*READERS)
    unused = [f"{rule.id}: {name}" for rule in intake_rules().values()
              for name in (*rule.variants, *rule.parts) if name not in named]
    assert not unused, f"variants and parts no reader names: {unused}"


def test_contract_row_rules_stay_in_their_contracts() -> None:
    assert not _contract_rule_ids() & set(RULES)


def test_both_languages_take_the_same_fields_and_are_nfc() -> None:
    for rule in intake_rules().values():
        for what, (template_vi, template_en) in _template_pairs(rule):
            assert template_vi.strip() and template_en.strip(), f"{rule.id} {what}"
            assert _fields(template_vi) == _fields(template_en), f"{rule.id} {what}"
            assert unicodedata.normalize("NFC", template_vi) == template_vi, f"{rule.id} {what}"
            assert not any(spec or conversion for _, _, spec, conversion
                           in string.Formatter().parse(template_vi + template_en)), rule.id


def test_messages_fill_each_language_with_its_own_words() -> None:
    assert messages("status_unknown", column=("Trụ cột", "budget pillar"), text="X",
                    allowed="KHCN") == ("Trụ cột 'X' không hợp lệ; dùng một trong: KHCN.",
                                        "Unknown budget pillar 'X'; use one of: KHCN.")
    assert part("agency_unknown", "hint", names="Bộ Tài chính") == (
        " Có phải: Bộ Tài chính?", " Did you mean: Bộ Tài chính?")
    assert messages("date_serial_out_of_range", variant="not_a_number", value="nan") == (
        "Giá trị nan không phải số ngày Excel hợp lệ.",
        "Value nan is not a valid Excel serial date.")


def test_unknown_rules_fields_and_variants_are_named() -> None:
    with pytest.raises(KeyError, match=r"'no_such_rule'.*intake\.yml"):
        intake_rule("no_such_rule")
    with pytest.raises(KeyError, match="'value'"):
        messages("date_invalid", day=31, month=2, year=2025)
    with pytest.raises(KeyError, match="'nope'"):
        messages("date_invalid", variant="nope")
    with pytest.raises(KeyError, match="'nope'"):
        part("agency_unknown", "nope")


def test_a_parse_error_survives_pickling() -> None:
    import pickle

    error = ValueParseError.of("date_invalid", value='"31/02/2025"', day=31, month=2,
                               year=2025)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.rule, copy.message_vi, copy.message_en, str(copy)) == (
        error.rule, error.message_vi, error.message_en, str(error))


# --- every rule fires on its example and passes once it is corrected -----------------------
def _check_parser_example(rule: IntakeRule, example: dict[str, Any]) -> None:
    parser = getattr(importlib.import_module(example["module"]), example["parser"])
    kwargs = example.get("kwargs") or {}
    with pytest.raises(ValueParseError) as raised:
        parser(example["fails"], **kwargs)
    assert raised.value.rule == rule.id
    _assert_rendered_by(rule, raised.value.message_vi, raised.value.message_en)
    assert parser(example["passes"], **kwargs) is not None


def _check_probe(rule: IntakeRule, name: str, folder: Path) -> None:
    (folder / "broken").mkdir()
    (folder / "fixed").mkdir()
    found = [p for p in PROBES[name](folder / "broken", False) if p.rule == rule.id]
    assert found, f"{name} does not raise {rule.id}"
    assert {p.severity for p in found} == {rule.severity}
    for problem in found:
        _assert_rendered_by(rule, problem.message_vi, problem.message_en)
    corrected = PROBES[name](folder / "fixed", True)
    assert not [p for p in corrected if p.rule == rule.id or p.severity == "error"], corrected


@pytest.mark.parametrize("rule_id", list(RULES), ids=list(RULES))
def test_rule_fires_on_its_example_and_not_once_corrected(rule_id: str, tmp_path: Path) -> None:
    rule, example = intake_rule(rule_id), RULES[rule_id]["example"]
    if "probe" in example:
        _check_probe(rule, example["probe"], tmp_path)
    else:
        _check_parser_example(rule, example)

"""Every variant and malformed file of the corpus gets its verdict, rules, locations and values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dagster_project.cli import main
from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.families import read_submission
from dagster_project.lib.ingest.submission import ParsedSubmission, Problem
from dagster_project.lib.ingest.workbook import uncached_formula_cells
from dagster_project.lib.reference.agencies import AgencyDirectory
from tests.fixtures.corpus import ACCEPTED, CASES, REJECTED, Case, CaseSpec, build_corpus

# Where a problem of each rule must point: the whole file, a sheet, a title-block field
# (sheet and field, no row) or a cell (sheet, row and column).
FILE_RULES = {"file_unreadable", "source_unrecognised", "file_reader_crashed"}
SHEET_RULES = {"sheet_hidden", "mixed_sources", "sheet_ignored", "legacy_encoding_converted"}
MAX_FILE_BYTES = 20 * 1024 * 1024


def _param(spec: CaseSpec) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=spec.expect.xfail)] if spec.expect.xfail else []
    return pytest.param(spec.name, id=spec.name, marks=marks)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    cases = build_corpus(tmp_path_factory.mktemp("corpus"))
    return {case.name: case for case in cases}


@pytest.fixture(scope="module")
def parse():
    contracts = load_contracts()
    directory = AgencyDirectory.from_seeds()
    return lambda path: read_submission(path, contracts, directory)


def test_the_corpus_is_large_and_covers_both_verdicts() -> None:
    names = [spec.name for spec in CASES]
    assert len(names) == len(set(names)) >= 32
    assert len({spec.filename for spec in CASES}) == len(CASES)
    verdicts = [spec.expect.verdict for spec in CASES]
    assert verdicts.count(ACCEPTED) >= 12 and verdicts.count(REJECTED) >= 12


@pytest.mark.parametrize("source", ["budget_allocation", "budget_disbursement", "csdl_registry",
                                    "csdl_status", "indicator_register", "indicator_actual",
                                    "public_service", "feedback_item"])
def test_every_family_source_has_good_and_bad_files(source: str) -> None:
    """Each non-task source has a well-formed file and at least two malformed ones whose
    verdicts hold today (known defects, marked xfail, do not count)."""
    held = [spec.expect for spec in CASES if spec.expect.source == source
            and spec.expect.xfail is None]
    assert sum(expect.verdict == ACCEPTED for expect in held) >= 1
    assert sum(expect.verdict == REJECTED for expect in held) >= 2
    families = {contract.family for contract in load_contracts().values()
                if contract.source == source}
    assert len(families) == 1 and families <= {"budget", "csdl", "indicators", "public_services"}


def _assert_located(problem: Problem, case: Case) -> None:
    assert problem.file == case.path.name
    assert problem.message_vi.strip() and problem.message_en.strip(), problem
    assert problem.message_vi != problem.message_en, problem
    if problem.rule in FILE_RULES:
        assert (problem.sheet, problem.row, problem.column) == (None, None, None), problem
    elif problem.rule in SHEET_RULES:
        assert problem.sheet, problem
    elif problem.row is None:  # a title-block field
        assert problem.sheet and problem.column, problem
    else:
        assert problem.sheet and problem.row > 0 and problem.column, problem


def _assert_spots(submission: ParsedSubmission, case: Case) -> None:
    rows = {row["row_number"]: row for row in submission.rows}
    for spot in case.expect.spots:
        if spot.row is None:
            assert submission.metadata.get(spot.field) == spot.expected, spot
        else:
            assert spot.row in rows, f"row {spot.row} not loaded: {sorted(rows)}"
            assert rows[spot.row][spot.field] == spot.expected, spot


@pytest.mark.parametrize("name", [_param(spec) for spec in CASES])
def test_case_verdict_rules_and_values(name: str, corpus: dict[str, Case], parse) -> None:
    spec = next(spec for spec in CASES if spec.name == name)
    if spec.expect.requires:
        pytest.importorskip(spec.expect.requires)
    case = corpus[name]
    expect = case.expect

    submission = parse(case.path)

    assert {p.rule for p in submission.errors} == expect.errors, submission.problems
    assert {p.rule for p in submission.warnings} == expect.warnings, submission.problems
    assert submission.accepted == (expect.verdict == ACCEPTED)
    if expect.source is not None:
        assert submission.source == expect.source
    if expect.rows is not None:
        assert len(submission.rows) == expect.rows
    for problem in submission.problems:
        _assert_located(problem, case)
    if expect.at is not None:
        first = (submission.errors or submission.warnings)[0]
        assert (first.sheet, first.row, first.column) == expect.at, first
    messages = " ".join(f"{p.message_vi} {p.message_en}" for p in submission.problems)
    for text in expect.says:
        assert text in messages
    _assert_spots(submission, case)


def test_every_loaded_row_is_located_and_normalised(corpus: dict[str, Case], parse) -> None:
    """Loaded rows name their file, sheet and Excel row; text is NFC without odd spaces."""
    for case in corpus.values():
        if case.expect.verdict != ACCEPTED or case.path.stat().st_size > MAX_FILE_BYTES:
            continue
        submission = parse(case.path)
        for row in submission.rows:
            assert row["file_name"] == case.path.name and row["row_number"] > 0
            for column, value in row.items():
                if isinstance(value, str) and column != "original_values":  # kept as sent
                    assert "\u00a0" not in value and "\u200b" not in value, (case.name, row)
                    assert value == value.strip(), (case.name, row)


def test_the_oversized_file_is_sparse_and_rejected_unread(corpus: dict[str, Case],
                                                          parse) -> None:
    case = corpus["file_50_mb"]
    assert case.path.stat().st_size == 50 * 1024 * 1024
    submission = parse(case.path)
    assert submission.source is None and submission.rows_read == 0
    assert [p.rule for p in submission.problems] == ["file_unreadable"]
    assert "50 MB" in submission.problems[0].message_en


def test_corpus_through_check_json(corpus: dict[str, Case], capsys) -> None:
    cases = sorted(corpus.values(), key=lambda case: case.name)
    code = main(["check", "--json", *(str(case.path) for case in cases)])
    report = json.loads(capsys.readouterr().out)

    assert code == 1 and report["all_accepted"] is False
    assert [entry["file"] for entry in report["files"]] == [str(case.path) for case in cases]
    for case, entry in zip(cases, report["files"], strict=True):
        if case.expect.xfail:
            continue  # its verdict is wrong until the reader is fixed
        assert entry["status"] == case.verdict, (case.name, entry["problems"])
        rules = {p["rule"] for p in entry["problems"] if p["severity"] == "error"}
        assert rules == case.expect.errors, case.name
        for problem in entry["problems"]:
            assert problem["file"] == case.path.name
            assert problem["message_vi"] and problem["message_en"]


def test_uncached_formulas_of_the_corpus_are_found(corpus: dict[str, Case]) -> None:
    """What the reader must report for the script-written workbook, and only for it."""
    found = {name: uncached_formula_cells(case.path) for name, case in corpus.items()
             if case.path.suffix == ".xlsx" and case.expect.errors.isdisjoint(
                 {"file_unreadable"})}
    assert found.pop("formulas_without_cached_values") == {
        "Báo cáo": [(9, 5, '"Thông tư "&"01/2026/TT-BKHCN"')]}
    assert found.pop("formulas_with_cached_values") == {}
    assert all(cells == {} for cells in found.values())


def test_nothing_submitted_is_lost(corpus: dict[str, Case], tmp_path: Path) -> None:
    """Every file, accepted or rejected, is archived byte for byte with its record and
    problems; ingesting the same files again changes nothing."""
    import duckdb

    from dagster_project.lib.home.paths import Home
    from dagster_project.lib.ingest.inbox import ingest_inbox
    from dagster_project.lib.ingest.regular_files import file_sha256

    home = Home(tmp_path / "home")
    home.ensure()
    inbox = next(iter(corpus.values())).path.parent
    first = ingest_inbox(home, inbox)
    assert first.files_new == first.files_seen == len(corpus)
    for case in corpus.values():
        sha = file_sha256(case.path)
        kept = home.archive / sha[:2] / sha / case.path.name
        assert kept.exists() and file_sha256(kept) == sha, case.name
    with duckdb.connect() as con:
        verdicts = dict(con.execute(
            "select file_name, accepted from read_parquet(?, union_by_name = true)",
            [str(home.landing / "submission" / "*.parquet")]).fetchall())
        problems = {row[0] for row in con.execute(
            "select distinct file_name from read_parquet(?, union_by_name = true)",
            [str(home.landing / "quarantine" / "*.parquet")]).fetchall()}
    known_defects = {case.path.name for case in corpus.values() if case.expect.xfail}
    assert {name: accepted for name, accepted in verdicts.items()
            if name not in known_defects} == {
        case.path.name: case.verdict == ACCEPTED for case in corpus.values()
        if not case.expect.xfail}  # an xfail case's verdict is wrong until the reader is fixed
    assert set(verdicts) == {case.path.name for case in corpus.values()}
    assert {case.path.name for case in corpus.values() if case.verdict == REJECTED} <= problems

    again = ingest_inbox(home, inbox)
    assert (again.files_new, again.files_already_landed) == (0, len(corpus))

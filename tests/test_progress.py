"""Progress of long steps: a bar in a terminal, periodic plain lines elsewhere, or nothing."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from dagster_project.console import CONSOLE
from dagster_project.lib.text import progress as progress_module
from dagster_project.lib.text.progress import duration, progress

LABEL = "Landing files / Tiếp nhận tệp"


class FakeClock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NQ57_PROGRESS", raising=False)
    monkeypatch.delenv("NQ57_PROGRESS_EVERY", raising=False)


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """A registered console, as ``nq57 run`` registers the terminal."""
    stream = io.StringIO()
    CONSOLE.append(stream)
    yield stream
    CONSOLE.remove(stream)


def _advance(bar: progress_module.Progress, clock: FakeClock, total: int, step: float) -> None:
    for _ in range(total):
        clock.now += step
        bar.advance()


def _count(clock: FakeClock, total: int, step: float, terminal: bool = False) -> str:
    out = io.StringIO()
    with progress(LABEL, total=total, stream=out, terminal=terminal, clock=clock) as bar:
        _advance(bar, clock, total, step)
    return out.getvalue()


def test_plain_lines_come_at_most_every_ten_seconds_with_a_last_line() -> None:
    lines = _count(FakeClock(), total=10, step=3.0).splitlines()
    assert lines == [
        f"{LABEL}: 4/10 (40%), 12 s elapsed, ~18 s left",
        f"{LABEL}: 8/10 (80%), 24 s elapsed, ~6 s left",
        f"{LABEL}: 10/10 (100%) in 30 s",
    ]


def test_the_interval_is_set_by_nq57_progress_every(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NQ57_PROGRESS_EVERY", "4")
    lines = _count(FakeClock(), total=6, step=2.0).splitlines()
    assert lines == [
        f"{LABEL}: 2/6 (33%), 4 s elapsed, ~8 s left",
        f"{LABEL}: 4/6 (67%), 8 s elapsed, ~4 s left",
        f"{LABEL}: 6/6 (100%), 12 s elapsed",
        f"{LABEL}: 6/6 (100%) in 12 s",
    ]


def test_time_left_follows_the_recent_pace_and_waits_for_one_percent() -> None:
    clock, out = FakeClock(), io.StringIO()
    with progress(LABEL, total=1000, stream=out, terminal=False, clock=clock) as bar:
        clock.now += 12  # workers starting up
        bar.advance()
        _advance(bar, clock, 100, 0.1)
    assert out.getvalue().splitlines()[:2] == [
        f"{LABEL}: 1/1000 (0%), 12 s elapsed",
        f"{LABEL}: 101/1000 (10%), 22 s elapsed, ~1 min 30 s left",
    ]


def test_a_bad_interval_falls_back_to_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NQ57_PROGRESS_EVERY", "soon")
    assert progress_module.every() == progress_module.DEFAULT_EVERY


def test_a_short_step_prints_only_its_last_line() -> None:
    assert _count(FakeClock(), total=3, step=1.0) == f"{LABEL}: 3/3 (100%) in 3 s\n"


def test_an_unknown_total_counts_until_it_is_given() -> None:
    clock, out = FakeClock(), io.StringIO()
    with progress("dbt build", stream=out, terminal=False, clock=clock) as bar:
        clock.now += 11
        bar.advance()
        bar.set_total(4)
        clock.now += 11
        bar.advance()
    assert out.getvalue().splitlines() == [
        "dbt build: 1, 11 s elapsed",
        "dbt build: 2/4 (50%), 22 s elapsed, ~22 s left",
        "dbt build: 2/4 (50%) in 22 s",
    ]


def test_durations_read_as_seconds_minutes_and_hours() -> None:
    assert [duration(s) for s in (0.4, 48, 65, 3600 + 125)] == [
        "0 s",
        "48 s",
        "1 min 05 s",
        "1 h 02 min",
    ]


def test_a_terminal_gets_a_rich_bar_with_count_and_times() -> None:
    clock, out = FakeClock(), io.StringIO()
    with progress(LABEL, total=10, stream=out, terminal=True, clock=clock) as bar:
        bar.say("  → inbox_submissions")
        for _ in range(3):
            clock.now += 4
            bar.advance()
    text = out.getvalue()
    assert "\x1b[" in text  # drawn with terminal control sequences
    assert "━" in text  # the bar
    assert "  → inbox_submissions\n" in text  # a line printed above it
    final = text.rsplit("\r", 1)[-1]  # the bar as it was left on screen
    assert LABEL in final
    assert "3/10" in final and "30%" in final
    assert "0:00:12" in final and "elapsed" in final  # time taken
    assert "0:00:28" in final and "left" in final  # time left


def test_a_step_inside_another_adds_its_line_to_the_bar_on_screen() -> None:
    out = io.StringIO()
    with progress("Outer", total=2, stream=out, terminal=True) as outer:
        with progress("Inner", total=5, stream=out, terminal=True) as inner:
            inner.advance(5)
        outer.advance(2)
    final = out.getvalue().rsplit("\x1b[?25l", 1)[-1]
    assert "5/5" in final and "2/2" in final
    assert not progress_module._Bar.live


def test_nq57_progress_0_prints_nothing(
    monkeypatch: pytest.MonkeyPatch, console: io.StringIO, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("NQ57_PROGRESS", "0")
    for terminal in (False, True):
        assert _count(FakeClock(), total=10, step=30.0, terminal=terminal) == ""
    with progress(LABEL, total=10) as bar:
        bar.advance(10)
    assert console.getvalue() == ""
    assert capsys.readouterr() == ("", "")


def test_nothing_to_do_prints_nothing(console: io.StringIO) -> None:
    with progress(LABEL, total=0):
        pass
    assert console.getvalue() == ""


def test_progress_goes_to_the_registered_console_never_to_stdout(
    console: io.StringIO, capsys: pytest.CaptureFixture
) -> None:
    with progress(LABEL, total=2) as bar:
        bar.advance(2)
    assert console.getvalue().startswith(f"{LABEL}: 2/2 (100%) in ")
    assert capsys.readouterr().out == ""


def test_without_a_console_only_long_steps_reach_the_dagster_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    logged: list[str] = []
    monkeypatch.setattr(progress_module, "_log", logged.append)
    assert not CONSOLE
    for step in (1.0, 6.0):  # a quick step (a test through materialize), then a long one
        clock = FakeClock()
        with progress(LABEL, total=3, clock=clock) as bar:
            _advance(bar, clock, 3, step)
    assert logged == [
        f"{LABEL}: 2/3 (67%), 12 s elapsed, ~6 s left",
        f"{LABEL}: 3/3 (100%) in 18 s",
    ]
    assert capsys.readouterr() == ("", "")


def test_the_dagster_log_takes_a_line_outside_a_run() -> None:
    progress_module._log("dbt build: 3/10")  # no run to capture it: nothing breaks


def test_the_dbt_build_counts_each_node_dbt_is_done_with() -> None:
    from dagster_project.defs.transform.dbt import _count_node

    def event(name: str, **data: object) -> dict:
        return {"info": {"name": name}, "data": data}

    out = io.StringIO()
    events = [
        event("MainReportVersion", version="1.11"),
        event("LogHookStartLine", index=1, total=9),  # a hook's count, not the nodes'
        event("LogStartLine", index=1, total=4),
        event("LogSeedResult", index=1, total=4, status="success"),
        event("NodeFinished", node_info={}),  # dbt's debug events are not logged by default
        event("LogStartLine", index=2, total=4),
        event("LogModelResult", index=2, total=4, status="error"),
        event("SkippingDetails", index=3, total=4),
        event("LogTestResult", index=4, total=4, status="pass"),
    ]
    with progress("dbt build", stream=out, terminal=False) as bar:
        for raw in events:
            _count_node(bar, raw)
        assert (bar.done, bar.total) == (4, 4)
    assert out.getvalue().startswith("dbt build: 4/4 (100%) in ")


def _step(kind: str, step: str | None = None) -> logging.LogRecord:
    event = SimpleNamespace(step_key=step, event_type_value=kind)
    record = logging.LogRecord("nq57.progress", logging.DEBUG, "", 0, "", None, None)
    record.dagster_meta = {"dagster_event": event}
    return record


def test_the_gate_suites_share_one_count_and_keep_their_step_lines(
    console: io.StringIO,
) -> None:
    from dagster_project.cli import _ProgressHandler
    from dagster_project.defs.quality.gate import GATE_CHECKS

    suites = sorted(check.node_def.name for check in GATE_CHECKS)
    handler = _ProgressHandler()
    handler.emit(_step("STEP_START", "nq57_dbt_models"))
    handler.emit(_step("STEP_SUCCESS", "nq57_dbt_models"))
    for suite in suites:
        handler.emit(_step("STEP_START", suite))
        handler.emit(_step("STEP_SUCCESS", suite))
    handler.emit(_step("STEP_START", "release_gate"))
    lines = console.getvalue().splitlines()
    assert lines[:2] == ["  → nq57_dbt_models", "  ✓ nq57_dbt_models (0.0 s)"]
    assert lines[2:4] == [f"  → {suites[0]}", f"  ✓ {suites[0]} (0.0 s)"]
    total = len(suites)
    assert lines[-2].startswith(f"Gate suites / Bộ kiểm tra: {total}/{total} (100%) in ")
    assert lines[-1] == "  → release_gate"
    assert handler.suites is None


def test_the_gate_count_ends_with_the_run_even_if_suites_were_skipped(
    console: io.StringIO,
) -> None:
    from dagster_project.cli import _ProgressHandler
    from dagster_project.defs.quality.gate import GATE_CHECKS

    suite = next(check.node_def.name for check in GATE_CHECKS)
    handler = _ProgressHandler()
    handler.emit(_step("STEP_START", suite))
    handler.emit(_step("STEP_FAILURE", suite))
    handler.emit(_step("PIPELINE_FAILURE"))
    assert handler.suites is None
    assert console.getvalue().splitlines()[-1].startswith("Gate suites / Bộ kiểm tra: 1/")


HEADER = "TT,Mã nhiệm vụ,Văn bản giao,Ngày giao,Tên nhiệm vụ,Cơ quan chủ trì,Thời hạn hoàn thành\n"


def _register_csv(path: Path, rows: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [HEADER] + [
        f"{i},TB20-{i:04d},Thông báo 20,16/03/2026,Nhiệm vụ {i},Bộ Tài chính,Quý II\n"
        for i in range(1, rows + 1)
    ]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_landing_reports_files_read_and_landed(tmp_path: Path, console: io.StringIO) -> None:
    from dagster_project.lib.home.paths import Home
    from dagster_project.lib.ingest.inbox import ingest_inbox

    inbox = tmp_path / "inbox"
    for number in range(3):
        _register_csv(inbox / f"register_{number}.csv", number + 1)
    ingest_inbox(Home(tmp_path / "home").ensure(), inbox)
    lines = console.getvalue().splitlines()
    assert [line.split(" in ")[0] for line in lines] == [
        "Reading files / Đọc tệp: 3/3 (100%)",
        "Landing files / Tiếp nhận tệp: 3/3 (100%)",
    ]


def test_check_json_keeps_stdout_to_the_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from dagster_project.cli import main

    monkeypatch.setenv("NQ57_PROGRESS_EVERY", "0.000001")  # any progress would print
    paths = [str(_register_csv(tmp_path / f"register_{n}.csv", 2)) for n in range(3)]
    main(["check", "--json", *paths])
    out = capsys.readouterr().out
    report = json.loads(out)
    assert [Path(f["file"]).name for f in report["files"]] == [Path(p).name for p in paths]

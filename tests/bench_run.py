"""Benchmark: whole runs at demo scale, stage by stage, against bare reading and each other.

Run with ``make bench`` (or ``python -m tests.bench_run``). On a freshly generated demo
inbox and a new home, in the same run, each as its own process with its peak memory:

- the baseline: python-calamine reading every sheet of the inbox's workbooks, nothing else;
- ``nq57 run`` of 2025-Q4 on the new home (every file new): ingest, dbt, gate and publish
  timed from the run's own step lines;
- the same command again with nothing new (it stops at once);
- the same command after one corrected report arrives (one new file);
- the Dagster job as the UI launches it (``dagster job execute``) rebuilding the quarter,
  against ``nq57 run --rebuild`` doing the same.

Prints each figure, the ratios, and one JSON line. No timing is asserted anywhere.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import openpyxl

from tests.bench_support import Timed, python, say, timed

PERIOD = "2025-Q4"
STEP = re.compile(r"✓ (\S+) \(([\d.]+) s\)")
CALAMINE = """
import sys
from pathlib import Path
from tests.bench_header import _bare_calamine
print(_bare_calamine(sorted(Path(sys.argv[1]).rglob("*.xlsx"))))
"""


def _nq57(home: Path, *args: str) -> Timed:
    command = [str(Path(sys.executable).parent / "nq57"), "run", "--period", PERIOD,
               "--auto-approve", *args]
    return timed(command, {"NQ57_HOME": str(home)})


def _stages(output: str) -> dict[str, float]:
    """Seconds per stage from the run's step lines (ingest, dbt, gate = every suite, publish)."""
    found: dict[str, float] = {"ingest": 0.0, "dbt": 0.0, "gate": 0.0, "publish": 0.0}
    for name, seconds in STEP.findall(output):
        stage = ("ingest" if name == "inbox_submissions" else "dbt" if "dbt" in name
                 else "publish" if name == "scorecard" else "gate")
        found[stage] += float(seconds)
    return found


def _corrected_report(inbox: Path) -> Path:
    """One December report sent again with a remark changed: one new file."""
    report = sorted(inbox.rglob("BC_*_2025-12.xlsx"))[0]
    corrected = report.with_name(report.stem + "_bo_sung.xlsx")
    workbook = openpyxl.load_workbook(report)
    sheet = workbook.active
    sheet.cell(sheet.max_row + 2, 1).value = "Gửi bổ sung: sửa ghi chú"
    workbook.save(corrected)
    return corrected


def _say_run(label: str, run: Timed) -> None:
    if run.returncode != 0:
        raise RuntimeError(f"{label} failed:\n{run.output[-3000:]}")
    say(f"{label:<40} {run.seconds:7.1f} s   peak {run.peak_mb:6.0f} MB")


def measure(folder: Path) -> dict[str, float]:
    """Every run of the report, in one new home under ``folder``."""
    home, inbox = folder / "home", folder / "inbox"
    generated = python(f"from pathlib import Path; from demo.generator import "
                       f"generate_demo_inbox as g; g(Path({str(inbox)!r}))")
    say(f"demo inbox generated in {generated.seconds:.1f} s")
    bare = timed([sys.executable, "-c", CALAMINE, str(inbox)])
    say(f"{'bare python-calamine (every sheet)':<40} {bare.seconds:7.1f} s")
    full = _nq57(home, "--inbox", str(inbox))
    _say_run(f"nq57 run {PERIOD}, every file new", full)
    stages = _stages(full.output)
    for stage, seconds in stages.items():
        say(f"  {stage:<38} {seconds:7.1f} s")
    noop = _nq57(home, "--inbox", str(inbox))
    _say_run("nq57 run, nothing new", noop)
    _corrected_report(inbox)
    one_new = _nq57(home, "--inbox", str(inbox))
    _say_run("nq57 run, one corrected report", one_new)
    cli = _nq57(home, "--inbox", str(inbox), "--rebuild")
    _say_run("nq57 run --rebuild", cli)
    config = folder / "run_config.json"  # what the launchpad sends: the demo's approval
    config.write_text(json.dumps({"resources": {"nq57": {"config": {
        "inbox": str(inbox), "auto_approve": True}}}}), encoding="utf-8")
    dagster = [str(Path(sys.executable).parent / "dagster"), "job", "execute", "-m",
               "dagster_project.definitions", "-j", "nq57_monthly", "-c", str(config),
               "--tags", json.dumps({"dagster/partition": PERIOD})]
    ui = timed(dagster, {"NQ57_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")})
    _say_run("the job as the UI launches it", ui)
    runs = (full, noop, one_new, cli, ui)
    result = {
        "demo_files": len(list(inbox.rglob("*.*"))),
        "calamine_s": round(bare.seconds, 1),
        **{f"{stage}_s": round(seconds, 1) for stage, seconds in stages.items()},
        "full_run_s": round(full.seconds, 1),
        "landing_vs_calamine": round(stages["ingest"] / bare.seconds, 2),
        "noop_run_s": round(noop.seconds, 1),
        "one_new_file_s": round(one_new.seconds, 1),
        "incremental_vs_full": round(one_new.seconds / full.seconds, 2),
        "ui_vs_cli": round(ui.seconds / cli.seconds, 2),
        "run_peak_rss_mb": round(max(run.peak_mb for run in runs)),
    }
    say(f"landing {result['landing_vs_calamine']:.2f}x bare calamine; one new file "
        f"{result['incremental_vs_full']:.0%} of a full run; UI {result['ui_vs_cli']:.2f}x CLI")
    return result


def main() -> None:
    """Measure in a temporary folder (removed afterwards)."""
    folder = Path(tempfile.mkdtemp(prefix="nq57-bench-run-"))
    try:
        print(json.dumps(measure(folder)))  # noqa: T201
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

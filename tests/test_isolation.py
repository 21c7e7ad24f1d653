"""Untrusted files are parsed in limited worker processes: one bad file cannot stop a run."""

from __future__ import annotations

from pathlib import Path

from dagster_project.lib.ingest.isolation import Limits, parse_files

HEADER = "TT,Mã nhiệm vụ,Văn bản giao,Ngày giao,Tên nhiệm vụ,Cơ quan chủ trì,Thời hạn hoàn thành\n"


def _register_csv(path: Path, rows: int) -> Path:
    lines = [HEADER] + [
        f"{i},TB20-{i % 10000:04d},Thông báo 20,16/03/2026,Nhiệm vụ {i},Bộ Tài chính,Quý II\n"
        for i in range(1, rows + 1)
    ]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_worker_killed_by_its_cpu_budget_rejects_only_its_file(tmp_path: Path) -> None:
    small = _register_csv(tmp_path / "small.csv", 3)
    huge = _register_csv(tmp_path / "huge.csv", 150_000)  # ~10 s of parsing, budget 1 s
    other = _register_csv(tmp_path / "other.csv", 2)

    results = parse_files([small, huge, other], Limits(cpu_seconds_per_file=1, workers=2))

    assert [r.path.name for r in results] == ["small.csv", "huge.csv", "other.csv"]
    assert results[0].accepted and len(results[0].rows) == 3
    assert results[2].accepted and len(results[2].rows) == 2
    assert not results[1].accepted
    assert results[1].errors[0].rule == "file_reader_crashed"
    assert "time/memory limit" in results[1].errors[0].message_en


def test_results_keep_input_order_and_identity(tmp_path: Path) -> None:
    paths = [_register_csv(tmp_path / f"f{i}.csv", i + 1) for i in range(5)]
    results = parse_files(paths)
    assert [r.path for r in results] == paths
    assert [len(r.rows) for r in results] == [1, 2, 3, 4, 5]

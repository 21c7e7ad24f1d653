"""The real tasks of the seed documents, as committed in ``demo/data/seed_tasks.csv``.

The generator builds the demo inbox around these rows and reads only this file, never the
seed folder. The row type, the columns and both directions of the CSV live here, beside the
data, so the extractor that rebuilds the file by hand (``scripts/seeds/seed_tasks.py``) and
the generator cannot disagree about the format.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_CSV = DATA_DIR / "seed_tasks.csv"


@dataclass(frozen=True)
class SeedTask:
    """One real task taken from a seed document, as written to ``seed_tasks.csv``.

    Attributes:
        origin: Where it came from: ``<file>:<section or group>:<row>``, e.g. "003:III:12".
        source_document: Title of the document that assigned the task.
        assigned_date: Date of that document.
        task_group: Title of the group row the task sits under.
        task_name: The task as written.
        lead_agencies: Lead agency cell (every part resolves to a known agency).
        coordinating_agencies: Coordinating agency cell (may be empty).
        expected_product: "Dự kiến kết quả" as written (may be empty).
        deadline: Deadline cell as written.
        note: "Lưu ý" plus any note the extraction adds about what it changed.
    """

    origin: str
    source_document: str
    assigned_date: date
    task_group: str
    task_name: str
    lead_agencies: str
    coordinating_agencies: str
    expected_product: str
    deadline: str
    note: str


CSV_COLUMNS = tuple(f.name for f in fields(SeedTask))



def write_seed_csv(tasks: Iterable[SeedTask], path: Path = SEED_CSV) -> None:
    """Write tasks as UTF-8 CSV with a header, dates in ISO form, Unix line endings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for task in tasks:
            row = asdict(task)
            row["assigned_date"] = task.assigned_date.isoformat()
            writer.writerow(row)


def read_seed_csv(path: Path = SEED_CSV) -> list[SeedTask]:
    """Read ``seed_tasks.csv`` back into :class:`SeedTask` rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            SeedTask(**{**row, "assigned_date": date.fromisoformat(row["assigned_date"])})
            for row in csv.DictReader(handle)
        ]


def count_by_source(tasks: Iterable[SeedTask]) -> dict[str, int]:
    """Number of tasks per seed file ("001", "003", "004")."""
    return dict(sorted(Counter(task.origin.split(":", 1)[0] for task in tasks).items()))


"""Machine faults said plainly: a full disk, a denied permission, a file another program holds.

A fault is not a verdict on the data: ``nq57`` exits 4 for it (1 is kept for rejected files
and a refused gate), prints one line naming the path and what to do, and keeps the full
trace in the home's ``logs/`` for whoever investigates.
"""

from __future__ import annotations

import errno
import re
import shutil
import tempfile
import traceback
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from dagster_project.lib.reference.periods import VIETNAM_TIME

__all__ = ["describe_fault", "write_trace"]

# (what is recognised in an error's text, errno, the advice in Vietnamese / English)
_KINDS = (
    (re.compile(r"no space left on device|database or disk is full|disk quota exceeded",
                re.IGNORECASE), {errno.ENOSPC, errno.EDQUOT},
     "Hết dung lượng đĩa / no space left on device",
     "giải phóng dung lượng trên ổ đĩa này rồi chạy lại / free space on that disk and run "
     "again (nothing published was changed)"),
    (re.compile(r"permission denied|operation not permitted|read-only file system",
                re.IGNORECASE), {errno.EACCES, errno.EPERM, errno.EROFS},
     "Không có quyền ghi / permission denied",
     "cấp quyền đọc ghi cho người dùng chạy nq57 rồi chạy lại / give the user running nq57 "
     "read and write access, then run again"),
    (re.compile(r"could not set lock on file|conflicting lock is held|resource busy|"
                r"text file busy|database is locked", re.IGNORECASE),
     {errno.EBUSY, errno.ETXTBSY},
     "Tệp đang bị chương trình khác giữ / a file is held by another program",
     "đóng chương trình đang mở tệp (ví dụ DBeaver, Excel) rồi chạy lại / close the program "
     "that has it open (e.g. DBeaver, Excel), then run again"),
)
# Errors that do not say why the disk failed them (SQLite's "disk I/O error", DuckDB's "IO
# Error"): when the home's disk is nearly full at that moment, that is the reason.
_GENERIC_IO = re.compile(r"disk i/o error|\bio error\b|input/output error|database disk image",
                         re.IGNORECASE)
NEARLY_FULL_BYTES = 32 * 1024 * 1024
_PATH = re.compile(r"""(?:file|path|database)?\s*["']?(/[^"'\s:]+)["']?""", re.IGNORECASE)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def describe_fault(error: BaseException | str, home: Path | None = None) -> str | None:
    """One bilingual line for a recognised machine fault (with its path), else None.

    Looks through the exception's causes, so a full disk reported by SQLite inside
    Dagster's run storage, or by DuckDB inside dbt, is named as such. A generic I/O error
    while ``home``'s disk is nearly full is named as a full disk on that folder.
    """
    texts: list[tuple[str, int | None, str | None]] = []
    if isinstance(error, str):
        texts.append((error, None, None))
    else:
        for item in _chain(error):
            filename = getattr(item, "filename", None)
            texts.append((str(item), getattr(item, "errno", None),
                          str(filename) if filename else None))
    for pattern, numbers, what, advice in _KINDS:
        for text, number, filename in texts:
            if number in numbers or pattern.search(text):
                path = filename or _path_in(text)
                return f"{what}{f': {path}' if path else ''} — {advice}"
    if home is not None and any(_GENERIC_IO.search(text) for text, _, _ in texts) \
            and _nearly_full(home):
        what, advice = _KINDS[0][2], _KINDS[0][3]
        return f"{what}: {home} — {advice}"
    return None


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def _path_in(text: str) -> str | None:
    match = _PATH.search(text)
    return match.group(1) if match else None


def write_trace(logs: Path, error: BaseException | str) -> Path | None:
    """Append the full trace to ``logs/errors.log``.

    When the home's disk cannot take it (the disk that is full), the trace goes to the
    system's temporary folder instead; None only when neither can be written.
    """
    text = error if isinstance(error, str) else "".join(
        traceback.format_exception(type(error), error, error.__traceback__))
    entry = f"--- {datetime.now(VIETNAM_TIME).isoformat()}\n{text}\n"
    for target in (logs / "errors.log", Path(tempfile.gettempdir()) / "nq57-errors.log"):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("a", encoding="utf-8") as handle:
                handle.write(entry)
        except OSError:
            continue
        return target
    return None

"""Which version of the quarter's scorecard a page belongs to, and what changed since the last.

A re-publication (a late file, a correction) is a new release ``v<N>``; a reader holding a
printout or a saved page must be able to tell v2 from v1. Every page therefore says
"v<N>, published <date>" and, from v2 on, what differs from the version before: the
headline figures that moved (before → after), how many marts changed, which files are new.
The comparison is :func:`~dagster_project.lib.publish.release.pending_changes`, the one the
release records in ``changes.json``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dagster_project.lib.publish.report.i18n import Translator
from dagster_project.lib.publish.report.model import Formatter, Lang, Report

#: Data folder of the release, relative to the scorecard folder (``scorecard/`` and
#: ``data/`` sit side by side in a release).
DATA_INDEX = "../data/index.html"


@dataclass(frozen=True, slots=True)
class ReleaseNote:
    """The release a rendering belongs to."""

    version: int
    published_at: datetime
    changes: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    data_folder: bool = False  # whether the release has data/ (the pages link to it)


def _figure_labels(_: Translator) -> dict[str, str]:
    """Words for the headline figures a release compares (``release.HEADLINE_SQL``)."""
    return {
        "tasks_assigned": _("Nhiệm vụ được giao"),
        "tasks_recurring": _("Nhiệm vụ thường xuyên"),
        "tasks_with_deadline": _("Nhiệm vụ có thời hạn"),
        "tasks_done": _("Nhiệm vụ có thời hạn đã hoàn thành"),
        "tasks_in_progress": _("Đang thực hiện trong hạn"),
        "tasks_overdue": _("Nhiệm vụ quá hạn"),
    }


def release_line(note: ReleaseNote, lang: Lang) -> str:
    """``v2, công bố ngày 8/12/2026`` / ``v2, published 8 December 2026``."""
    _ = Translator(lang)
    return _("v{version}, công bố ngày {date}", version=note.version,
             date=Formatter(lang).date(note.published_at.date()))


def changes_line(note: ReleaseNote, lang: Lang) -> str:
    """What this version changed from the previous one, in words."""
    _ = Translator(lang)
    fmt = Formatter(lang)
    changes = note.changes
    previous = changes.get("previous_version")
    if previous is None:
        return _("Bản công bố đầu tiên của kỳ này.")
    labels = _figure_labels(_)
    moved = [_("{figure} {before} → {after}", figure=labels.get(key, key),
               before=fmt.int(values.get("before")), after=fmt.int(values.get("after")))
             for key, values in (changes.get("headline") or {}).items()]
    new_files = changes.get("new_input_files") or []
    parts = [_("số liệu chính thay đổi: {figures}", figures="; ".join(moved)) if moved
             else _("số liệu chính không đổi"),
             _("bảng dữ liệu thay đổi: {n}", n=fmt.int(len(changes.get("marts") or {}))),
             _("tệp mới nhận: {n}", n=fmt.int(len(new_files)))]
    return _("Thay đổi so với v{previous}: {parts}.", previous=previous,
             parts=", ".join(parts))


def with_release(report: Report, note: ReleaseNote | None) -> Report:
    """The report with its release's version, changes and data link in ``meta``."""
    if note is None:
        return report
    data = (DATA_INDEX if report.lang == "vi" else "../" + DATA_INDEX) if note.data_folder \
        else None
    return dataclasses.replace(report, meta={
        **report.meta, "release_text": release_line(note, report.lang),
        "changes_text": changes_line(note, report.lang), "data_href": data})

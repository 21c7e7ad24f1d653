"""Extract the real tasks of the seed documents into ``demo/data/seed_tasks.csv``.

The demo inbox is built around real tasks so that names, agencies and deadlines look like
what the Standing Office actually receives. Three seeds carry tasks:

* 003, the Government Steering Committee's 2025 plan: four tables (sections II–V) flattened
  to text. Rows whose "Lưu ý" cites a notice ("03-TB/BCĐTW ngày 06/3/2025") were assigned
  by that notice, so they take its title and date; the others belong to the plan itself.
* 004, the Resolution 71 task list with results to 9/2025. It has no lead column, so the
  lead is inferred from the result text (see :func:`infer_nq71_lead`).
* 001, the annex of Notice 20: prose, curated by hand in
  :mod:`scripts.seeds.annex_001`.

Every agency cell must resolve completely with the warehouse's own
:class:`~dagster_project.lib.reference.agencies.AgencyDirectory`, and every deadline must parse with
:func:`~dagster_project.lib.text.deadlines.parse_deadline`, because the generator and the warehouse
compute the calibrated figures with those same functions. Parts of a cell that are not
reporting bodies ("Ban Cơ yếu Chính phủ", "doanh nghiệp liên quan") are dropped from the
cell and named in ``note``; nothing else in an agency or deadline cell is rewritten.

Run ``python -m scripts.seeds.seed_tasks /work/shared/seeds`` from the repository root to
rebuild the CSV. This is a developer tool run by hand: the demo generator reads only the
committed CSV (:mod:`demo.seed_csv`), never the seed folder, so none of this ships in a
package.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from dagster_project.lib.reference.agencies import AgencyDirectory, AgencyRef
from dagster_project.lib.text.deadlines import parse_deadline
from dagster_project.lib.text.vntext import match_key
from demo.seed_csv import SEED_CSV, SeedTask, count_by_source, write_seed_csv
from scripts.seeds.annex_001 import ANNEX_001_TASKS
from scripts.seeds.seed_tables import clean_cell, is_roman, nfc, split_rows

PLAN_2025_TITLE = "Kế hoạch hoạt động năm 2025 của Ban Chỉ đạo của Chính phủ"
PLAN_2025_DATE = date(2025, 4, 15)
NQ71_TITLE = "Nghị quyết số 71/NQ-CP ngày 01/4/2025"
NQ71_DATE = date(2025, 4, 1)
TB20_TITLE = "Thông báo số 20-TB/CQTTBCĐ ngày 16/3/2026"
TB20_DATE = date(2026, 3, 16)

# The 004 list names no lead; this one reports for a row whose result names no ministry,
# because it is the Steering Committee's standing body for Resolution 71.
NQ71_DEFAULT_LEAD = "Bộ Khoa học và Công nghệ"

# A lead cell left empty by dropping a non-reporting unit falls back to the body that unit
# belongs to, so the task still has someone who reports on it.
PARENT_BODY = {match_key("Ban Cơ yếu Chính phủ"): "Bộ Quốc phòng"}

# Column layouts of the 003 tables (section V has no product and no note column).
_PLAN_LAYOUTS: dict[int, tuple[str, ...]] = {
    7: ("tt", "name", "lead", "coord", "product", "deadline", "note"),
    5: ("tt", "name", "lead", "coord", "deadline"),
}
_SECTION_RE = re.compile(r"^\s*(?P<num>[IVX]+)\.\s+(?P<title>.+?)\s*$")
_NOTICE_RE = re.compile(
    r"(?P<code>\d+-TB/[A-ZĐ]+)\s+ngày\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
)
_HEADER_WORDS = {"tt", "stt", "chủ trì"}
_ROMANS = ("I II III IV V VI VII VIII IX X XI XII XIII XIV XV").split()
# Where a ministry may be named in the 004 result text.
_BODY_START_RE = re.compile(
    r"\b(?:Bộ|Ngân hàng Nhà nước|Văn phòng Chính phủ|Văn phòng CP|Thanh tra Chính phủ"
    r"|Ủy ban Dân tộc)(?=[\s,.;:)]|$)"
)
_PAREN_RE = re.compile(r"\s*\(([^()]*)\)")
_STOP_RE = re.compile(r"[,;:()\[\].–—\n]| - ")


def _join_note(*parts: str) -> str:
    """Join note fragments with "; ", skipping empty ones."""
    return "; ".join(part.strip().rstrip(";.") for part in parts if part and part.strip())


# --------------------------------------------------------------------------------------------
# 003: the 2025 plan


def _plan_sections(lines: list[str]) -> Iterator[tuple[str, str, list[str]]]:
    """Yield ``(numeral, title, lines)`` for each upper-case section heading of the plan.

    Section headings are the only lines without a tab whose text is a Roman numeral and an
    upper-case title; in-cell continuation lines never look like that.
    """
    heads: list[tuple[int, str, str]] = []
    for index, line in enumerate(lines):
        match = _SECTION_RE.match(line)
        if match and "\t" not in line and match["title"] == match["title"].upper():
            heads.append((index, match["num"], match["title"]))
    for (start, num, title), nxt in zip(heads, [*heads[1:], (len(lines), "", "")], strict=True):
        yield num, title, lines[start + 1 : nxt[0]]


def _is_header_row(cells: list[str]) -> bool:
    """Header rows start with "TT"/"STT", or are the second half of a split header."""
    first = next((cell for cell in cells if cell), "")
    return first.lower() in _HEADER_WORDS


def _group_title(cells: list[str]) -> str | None:
    """Return the title of a group row, or None for any other row.

    Group rows carry a Roman numeral and a title ("I." + title), or a single upper-case cell
    ("NHIỆM VỤ CHUNG") in section V.
    """
    filled = [cell for cell in cells if cell]
    if len(cells) == 1 and filled:
        return filled[0]
    if 1 <= len(filled) <= 2 and is_roman(cells[0]):
        return filled[1] if len(filled) == 2 else ""
    return None


def _notice_document(note: str) -> tuple[str, date] | None:
    """The notice a plan row's "Lưu ý" cites ("03-TB/BCĐTW ngày 06/3/2025"), if any."""
    match = _NOTICE_RE.search(note)
    if not match:
        return None
    written = f"{match['d']}/{match['m']}/{match['y']}"
    title = f"Thông báo số {match['code']} ngày {written}"
    return title, date(int(match["y"]), int(match["m"]), int(match["d"]))


def _plan_task(section: str, number: int, group: str, row: dict[str, str]) -> SeedTask:
    """Turn one task row of a 003 table into a :class:`SeedTask`."""
    note = row.get("note", "")
    title, assigned = _notice_document(note) or (PLAN_2025_TITLE, PLAN_2025_DATE)
    return SeedTask(
        origin=f"003:{section}:{number}",
        source_document=title,
        assigned_date=assigned,
        task_group=group,
        task_name=row["name"],
        lead_agencies=row["lead"],
        coordinating_agencies="" if row["coord"] == "-" else row["coord"],
        expected_product=row.get("product", ""),
        deadline=row["deadline"],
        note=note,
    )


def parse_plan_2025(text: str) -> list[SeedTask]:
    """Extract the task rows of seed 003's tables (sections II–V).

    Header rows are skipped; group rows are not tasks but lend their title to the rows
    below them (a section without group rows lends the section title).

    Args:
        text: The whole seed file.

    Returns:
        Tasks in document order; agency cells are not yet checked (see
        :func:`resolve_agency_cells`).

    Raises:
        ValueError: A row has a number of cells that fits no known layout, which means the
            flattened table changed and the extraction must be looked at again.
    """
    tasks: list[SeedTask] = []
    for section, title, lines in _plan_sections(nfc(text).split("\n")):
        group, number = title, 0
        for cells in split_rows(lines):
            if _is_header_row(cells):
                continue
            group_title = _group_title(cells)
            if group_title is not None:
                group = group_title or group
                continue
            layout = _PLAN_LAYOUTS.get(len(cells))
            if layout is None:
                raise ValueError(f"003 section {section}: unexpected row of {len(cells)} cells")
            row = dict(zip(layout, cells, strict=True))
            if row["name"]:
                number += 1
                tasks.append(_plan_task(section, number, group, row))
    return tasks


# --------------------------------------------------------------------------------------------
# 004: the Resolution 71 task list


def _nq71_rows(text: str) -> list[list[str]]:
    """Rows of the second table of seed 004 (from its "STT" header to the sources line)."""
    lines = nfc(text).split("\n")
    start = next(
        i
        for i, line in enumerate(lines)
        if line.strip() == "STT" and "Tên nhiệm vụ" in "".join(lines[i + 1 : i + 2])
    )
    end = next(
        (i for i, line in enumerate(lines) if i > start and line.startswith("Nguồn tham khảo")),
        len(lines),
    )
    return list(split_rows(lines[start:end]))


def _nq71_items(rows: Iterable[list[str]]) -> Iterator[tuple[str, int, str, str, str]]:
    """Yield ``(numeral, stt, group, name, result)`` for every task row of the 004 list.

    The flattened table lost two row breaks: task 84 follows task 83's result in the same
    row, and group VI's title follows task 106's result. Cells past the third are therefore
    read in pairs: a pair whose first cell names "(Nhóm nhiệm vụ …)" opens the next group,
    any other pair is the next task. Cross-reference rows ("(164–172)", "xem Mục V") are not
    tasks and are skipped.
    """
    numeral, group, last_stt = "", "", 0
    for cells in rows:
        first = cells[0]
        if first == "STT":
            continue
        if is_roman(first):
            numeral, group = first, cells[1] if len(cells) > 1 else ""
            continue
        if not first.isdigit():
            continue
        last_stt = int(first)
        yield numeral, last_stt, group, cells[1], cells[2] if len(cells) > 2 else ""
        extra = cells[3:]
        for index in range(0, len(extra), 2):
            head, tail = extra[index], extra[index + 1] if index + 1 < len(extra) else ""
            if "(Nhóm nhiệm vụ" in head:
                numeral = _ROMANS[_ROMANS.index(numeral) + 1]
                group = head
            elif head:
                last_stt += 1
                yield numeral, last_stt, group, head, tail


def infer_nq71_lead(result: str, directory: AgencyDirectory, on_date: date) -> str | None:
    """Name the first ministry that the result text of a 004 row mentions.

    Candidates start at "Bộ …", "Ngân hàng Nhà nước", "Văn phòng Chính phủ" … and run to the
    next punctuation; the longest leading run of words that
    :meth:`AgencyDirectory.match` resolves to a ministry wins. The name returned is the
    official name of the body valid on ``on_date`` (old ministries roll up to successors).

    Args:
        result: The "Kết quả thực hiện" cell.
        directory: The agency directory.
        on_date: Date used to resolve names (the assigning document's date).

    Returns:
        The ministry's official name, or None if the text names no ministry.
    """
    for match in _BODY_START_RE.finditer(result):
        tail = _STOP_RE.split(result[match.start() :], maxsplit=1)[0]
        words = tail.split()
        for size in range(min(len(words), 9), 0, -1):
            ref = directory.match(" ".join(words[:size]), on_date)
            if ref.agency_id is not None and directory.get(ref.agency_id).kind == "ministry":
                return directory.get(directory.current(ref.agency_id, on_date)).name_vi
    return None


def parse_nq71(text: str, directory: AgencyDirectory) -> list[SeedTask]:
    """Extract the Resolution 71 task list of seed 004.

    Args:
        text: The whole seed file.
        directory: Used to infer each task's lead from its result text.

    Returns:
        Tasks in list order, all due "2025" (the list reports results to 9/2025).
    """
    tasks = []
    for numeral, stt, group, name, result in _nq71_items(_nq71_rows(text)):
        name = clean_cell(name.replace("<br>", "\n"))
        if not name:
            continue
        lead = infer_nq71_lead(result, directory, NQ71_DATE)
        rule = (
            f"Cơ quan chủ trì suy ra từ kết quả thực hiện: bộ được nêu đầu tiên ({lead})"
            if lead
            else "Cơ quan chủ trì mặc định: kết quả thực hiện không nêu bộ nào"
        )
        tasks.append(
            SeedTask(
                origin=f"004:{numeral}:{stt}",
                source_document=NQ71_TITLE,
                assigned_date=NQ71_DATE,
                task_group=group,
                task_name=name,
                lead_agencies=lead or NQ71_DEFAULT_LEAD,
                coordinating_agencies="",
                expected_product="",
                deadline="2025",
                note=f"{rule}; thời hạn 2025 theo danh mục nhiệm vụ năm 2025",
            )
        )
    return tasks


# --------------------------------------------------------------------------------------------
# 001: the annex of Notice 20 (curated)


def annex_tasks() -> list[SeedTask]:
    """The hand-curated tasks of seed 001 as :class:`SeedTask` rows."""
    return [
        SeedTask(
            origin=f"001:{item['ref']}",
            source_document=TB20_TITLE,
            assigned_date=TB20_DATE,
            task_group=item["group"],
            task_name=item["name"],
            lead_agencies=item["lead"],
            coordinating_agencies=item["coord"],
            expected_product=item["product"],
            deadline=item["deadline"],
            note=item["note"],
        )
        for item in ANNEX_001_TASKS
    ]


# --------------------------------------------------------------------------------------------
# Agencies and deadlines


def _kept(ref: AgencyRef, directory: AgencyDirectory) -> bool:
    """Whether the register keeps this part of a cell: a reporting body or a group of them.

    Bodies the reference knows but that owe no report (a Party committee, a bank, "doanh
    nghiệp liên quan") are dropped like unknown ones: no one in the demo reports for them.
    """
    return ref.agency_id is not None and (
        directory.is_reporting(ref.agency_id) or directory.get(ref.agency_id).kind == "group")


def _known_prefix(text: str, directory: AgencyDirectory, on_date: date) -> str:
    """The longest run of leading words of ``text`` (at least two) that resolves completely.

    Salvages "Bộ Khoa học và Công nghệ cùng 7 tập đoàn, doanh nghiệp" to its first four
    words and "Các bộ, ngành là chủ quản CSDLQG" to "Các bộ, ngành"; returns "" if nothing
    of two words or more resolves.
    """
    words = text.split()
    for size in range(len(words) - 1, 1, -1):
        prefix = " ".join(words[:size]).rstrip(",;:")
        refs = directory.split(prefix, on_date)
        if refs and all(_kept(ref, directory) for ref in refs):
            return prefix
    return ""


def _resolved_cell(
    cell: str, directory: AgencyDirectory, on_date: date
) -> tuple[str, list[str], list[str]]:
    """Keep a cell as written if every part resolves, else rebuild it from what resolves.

    Remarks in parentheses are removed first ("Bộ Nội vụ (của Bộ Lao động - Thương binh và
    Xã hội chuyển sang)"), then each unknown part keeps its longest resolvable leading words
    (:func:`_known_prefix`) and loses the rest.

    Returns:
        ``(cell, remarks, dropped)``: the cell to write, the parenthesised remarks removed and
        the parts dropped because they name no reporting body.

    Raises:
        ValueError: The rebuilt cell still does not resolve (a bug in this cleaning).
    """
    if not cell.strip() or all(_kept(ref, directory) for ref in directory.split(cell, on_date)):
        return cell, [], []
    remarks = _PAREN_RE.findall(cell)
    kept: list[str] = []
    dropped: list[str] = []
    for ref in directory.split(_PAREN_RE.sub("", cell).strip(), on_date):
        if _kept(ref, directory):
            kept.append(ref.text)
            continue
        prefix = _known_prefix(ref.text, directory, on_date)
        if prefix:
            kept.append(prefix)
        dropped.append(ref.text[len(prefix) :].strip(" ,;"))
    rebuilt = ("; " if ";" in cell else ", ").join(kept)
    if not all(_kept(ref, directory) for ref in directory.split(rebuilt, on_date)):
        raise ValueError(f"cannot clean agency cell {cell!r}: {rebuilt!r} still unresolved")
    return rebuilt, remarks, dropped


def _cell_note(label: str, remarks: list[str], dropped: list[str]) -> str:
    """Say what cleaning removed from one agency cell, in Vietnamese for the register."""
    parts = []
    if remarks:
        parts.append(f"{label}: bỏ chú thích trong ngoặc " + ", ".join(f"({r})" for r in remarks))
    if dropped:
        parts.append(
            f"{label}: bỏ phần không phải cơ quan báo cáo " + ", ".join(f'"{d}"' for d in dropped)
        )
    return _join_note(*parts)


def resolve_agency_cells(task: SeedTask, directory: AgencyDirectory) -> SeedTask:
    """Make both agency cells of a task resolve completely, noting what was removed.

    A lead cell emptied by the cleaning takes the parent body of the dropped unit
    (:data:`PARENT_BODY`), so the task still has a body that reports on it.

    Raises:
        ValueError: The lead cell names no reporting body and no parent body is known.
    """
    day = task.assigned_date
    lead, lead_remarks, lead_dropped = _resolved_cell(task.lead_agencies, directory, day)
    coord, coord_remarks, coord_dropped = _resolved_cell(task.coordinating_agencies, directory, day)
    notes = [task.note, _cell_note("Cơ quan chủ trì", lead_remarks, lead_dropped)]
    if not lead:
        parents = sorted({PARENT_BODY.get(match_key(part), "") for part in lead_dropped})
        if len(parents) != 1 or not parents[0]:
            raise ValueError(f"{task.origin}: no reporting body in lead {task.lead_agencies!r}")
        lead = parents[0]
        notes.append(f"cơ quan chủ trì ghi theo cơ quan chủ quản ({lead})")
    notes.append(_cell_note("Cơ quan phối hợp", coord_remarks, coord_dropped))
    return replace(task, lead_agencies=lead, coordinating_agencies=coord, note=_join_note(*notes))


def check_deadline(task: SeedTask) -> None:
    """Fail loudly if the deadline does not parse the way the warehouse will parse it.

    The plan year is the year of the assigned date, the rule the generator and the
    warehouse share.
    """
    parse_deadline(task.deadline, plan_year=task.assigned_date.year)


# --------------------------------------------------------------------------------------------
# Assembly


def extract_seed_tasks(seeds_dir: Path, directory: AgencyDirectory | None = None) -> list[SeedTask]:
    """Extract, clean and check the tasks of seeds 003, 004 and 001, in that order.

    Args:
        seeds_dir: Folder holding ``001_*.txt``, ``003_*.txt`` and ``004_*.txt``.
        directory: Agency directory (defaults to the one built from the dbt seeds).

    Returns:
        Tasks whose agency cells resolve completely and whose deadlines parse.
    """
    directory = directory or AgencyDirectory.from_seeds()

    def read(prefix: str) -> str:
        (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
        return path.read_text(encoding="utf-8")

    raw = [
        *parse_plan_2025(read("003")),
        *parse_nq71(read("004"), directory),
        *annex_tasks(),
    ]
    tasks = []
    for task in raw:
        cleaned = resolve_agency_cells(task, directory)
        check_deadline(cleaned)
        tasks.append(cleaned)
    return tasks


def main(argv: list[str] | None = None) -> int:
    """Rebuild ``seed_tasks.csv`` from the seed folder given on the command line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m scripts.seeds.seed_tasks <seeds-dir>")  # noqa: T201
        return 2
    tasks = extract_seed_tasks(Path(args[0]))
    write_seed_csv(tasks)
    for source, count in count_by_source(tasks).items():
        print(f"{source}: {count} tasks")  # noqa: T201
    print(f"total: {len(tasks)} tasks -> {SEED_CSV}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Quarterly scorecard: load from the task marts and render the Vietnamese HTML page.

The fixture is a small in-memory warehouse with the four marts the page reads: a few agencies
(one reorganised ministry, one group pseudo-agency), two quarters, and tasks in every status.
The national rows carry the headline figures of the 30/6/2026 report (file 002).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser

import duckdb
import pytest

from dagster_project.lib.scorecard import (
    load_scorecard,
    render_scorecard,
    write_scorecard,
)

GENERATED_AT = datetime(2026, 6, 30, 14, 5, tzinfo=timezone(timedelta(hours=7)))
SCRIPT_NAME = "Xây dựng CSDL tài chính <script>alert(1)</script>"

# One row per agency, in the mart's column order (kept on two lines each, unformatted).
# fmt: off
AGENCIES = [
    # agency_id, name_vi, short_name_vi, name_en, kind, valid_from, valid_to, successor_id,
    # current_agency_id, is_current, is_reporting_body
    ("BKHCN", "Bộ Khoa học và Công nghệ", "Bộ KH&CN", "Ministry of Science and Technology",
     "ministry", date(2025, 3, 1), None, None, "BKHCN", True, True),
    ("BTC", "Bộ Tài chính", "Bộ TC", "Ministry of Finance",
     "ministry", date(2025, 3, 1), None, None, "BTC", True, True),
    ("BKHDT", "Bộ Kế hoạch và Đầu tư", "Bộ KH&ĐT", "Ministry of Planning and Investment",
     "ministry", date(2002, 8, 5), date(2025, 2, 28), "BTC", "BTC", False, False),
    ("BCT", "Bộ Công Thương", "Bộ CT", "Ministry of Industry and Trade",
     "ministry", date(2007, 7, 31), None, None, "BCT", True, True),
    ("BYT", "Bộ Y tế", "Bộ YT", "Ministry of Health",
     "ministry", date(2002, 8, 5), None, None, "BYT", True, True),
    ("TANDTC", "Tòa án nhân dân tối cao", "TANDTC", "Supreme People's Court",
     "central_body", date(1960, 7, 15), None, None, "TANDTC", True, True),
    ("DHQGHN", "Đại học Quốc gia Hà Nội", "ĐHQGHN", "Vietnam National University, Hanoi",
     "central_body", date(1993, 12, 10), None, None, "DHQGHN", True, True),
    ("HNI", "Thành phố Hà Nội", "Hà Nội", "Hanoi",
     "province", date(2008, 8, 1), None, None, "HNI", True, True),
    ("LCU", "Tỉnh Lai Châu", "Lai Châu", "Lai Chau",
     "province", date(2004, 1, 1), None, None, "LCU", True, True),
    ("GRP-BNDP", "Các bộ, ngành, địa phương", None, "Ministries, sectors and localities",
     "group", date(2024, 12, 22), None, None, "GRP-BNDP", True, False),
    ("GRP-TINH", "Các tỉnh, thành phố trực thuộc Trung ương", None, "All provinces",
     "group", date(2024, 12, 22), None, None, "GRP-TINH", True, False),
]
# fmt: on

Q1 = ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), date(2026, 3, 31))
Q2 = ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30), date(2026, 6, 29))

# scope, agency_id, assigned, recurring, with_deadline, done, on_time, late, in_progress,
# overdue, done_without_evidence  (rates are computed by SQL below)
FIGURES = {
    Q1: [
        ("national", None, 1850, 460, 1390, 1120, 1070, 50, 200, 70, 40),
        ("agency", "BKHCN", 10, 2, 8, 6, 6, 0, 2, 0, 0),
        ("agency", "BTC", 8, 2, 6, 3, 3, 0, 2, 1, 0),
    ],
    Q2: [
        ("national", None, 1937, 468, 1469, 1245, 1180, 65, 168, 56, 37),
        ("agency", "BKHCN", 12, 2, 10, 9, 8, 1, 0, 1, 2),  # 90%   -> 1
        ("agency", "TANDTC", 5, 1, 4, 3, 3, 0, 1, 0, 0),  # 75%, 0 overdue -> 2
        ("agency", "BCT", 6, 2, 4, 3, 3, 0, 0, 1, 0),  # 75%, 1 overdue -> 3 (tie)
        ("agency", "HNI", 6, 2, 4, 3, 2, 1, 0, 1, 1),  # 75%, 1 overdue -> 3 (tie)
        ("agency", "BTC", 10, 2, 8, 6, 5, 1, 0, 2, 0),  # 75%, 2 overdue -> 5
        ("agency", "DHQGHN", 3, 1, 2, 1, 1, 0, 0, 1, 0),  # 50%   -> 6
        ("agency", "BYT", 3, 3, 0, 0, 0, 0, 0, 0, 0),  # no task with deadline: unranked
        ("agency", "GRP-BNDP", 4, 1, 3, 1, 1, 0, 1, 1, 0),  # group: listed apart
        ("agency", "BKHDT", 1, 0, 1, 0, 0, 0, 0, 1, 0),  # dissolved body: not shown
    ],
}

# fmt: off
TASKS = [
    # task_id, task_name, expected_product, deadline_text, due_date, recurrence,
    # lead_agency_id, lead_current_agency_id
    ("TB20-0001", "Rà soát Danh mục công nghệ chiến lược", "Quyết định sửa đổi Danh mục",
     "Hoàn thành trong tháng 4/2026", date(2026, 4, 30), None, "BKHCN", "BKHCN"),
    ("TB20-0002", "Xây dựng quy định về tỉ lệ nội địa hoá", "Nghị định của Chính phủ",
     "Hoàn thành trong quý I/2026", date(2026, 3, 31), None, "BKHCN", "BKHCN"),
    ("TB20-0003", SCRIPT_NAME, "Nghị định & hướng dẫn",
     "Hoàn thành trong tháng 4/2026", date(2026, 4, 30), None, "BTC", "BTC"),
    ("TB20-0004", "Đánh giá 25 dịch vụ công trực tuyến", "Báo cáo đánh giá",
     "trước ngày 01/5/2026", date(2026, 4, 30), None, "HNI", "HNI"),
    ("TB20-0005", "Chuẩn hoá kế hoạch của địa phương", "Kế hoạch được phê duyệt",
     "chậm nhất trong tháng 3/2026", date(2026, 3, 31), None, "HNI", "HNI"),
    ("TB20-0006", "Xây dựng nền tảng học liệu số", "Nền tảng vận hành",
     "Tháng 5/2026", date(2026, 5, 31), None, "DHQGHN", "DHQGHN"),
    ("TB20-0007", "Đăng ký kinh phí thực hiện nhiệm vụ", "Văn bản đăng ký",
     "trước ngày 15/6/2026", date(2026, 6, 15), None, "GRP-BNDP", "GRP-BNDP"),
    ("TB20-0008", "Số hoá hồ sơ, bản án", "Hệ thống vận hành",
     "quý III/2026", date(2026, 9, 30), None, "TANDTC", "TANDTC"),
    ("TB20-0009", "Hướng dẫn cơ chế tài chính cho đổi mới sáng tạo", "Thông tư",
     "Tháng 3/2026", date(2026, 3, 31), None, "BTC", "BTC"),
    ("TB20-0010", "Báo cáo tình hình thực hiện", "Báo cáo tháng",
     "Hằng tháng", None, "monthly", "BYT", "BYT"),
    ("KH02-0011", "Kế hoạch đầu tư công cho hạ tầng số", "Kế hoạch",
     "Tháng 9/2025", date(2025, 9, 30), None, "BKHDT", "BTC"),
    ("TB20-0012", "Rà soát thủ tục hành chính", "Quyết định công bố",
     "Hoàn thành trong tháng 3/2026", date(2026, 3, 31), None, "BCT", "BCT"),
]
# fmt: on

STATUSES = {
    Q1: [
        ("TB20-0003", "BTC", "in_progress", None, False),
        ("TB20-0002", "BKHCN", "in_progress", None, False),
        ("KH02-0011", "BTC", "overdue", None, False),
    ],
    Q2: [
        ("TB20-0001", "BKHCN", "done_on_time", date(2026, 4, 20), True),
        ("TB20-0002", "BKHCN", "overdue", None, False),
        ("TB20-0003", "BTC", "overdue", None, False),
        ("TB20-0004", "HNI", "overdue", None, False),
        ("TB20-0005", "HNI", "overdue", None, False),
        ("TB20-0006", "DHQGHN", "overdue", None, False),
        ("TB20-0007", "GRP-BNDP", "overdue", None, False),
        ("TB20-0008", "TANDTC", "in_progress", None, False),
        ("TB20-0009", "BTC", "done_late", date(2026, 4, 15), False),
        ("TB20-0010", "BYT", "recurring", None, False),
        ("KH02-0011", "BTC", "overdue", None, False),
        ("TB20-0012", "BCT", "overdue", None, False),
    ],
}

DDL = """
create schema marts;
create table marts.dim_agency (
    agency_id varchar, name_vi varchar, short_name_vi varchar, name_en varchar, kind varchar,
    valid_from date, valid_to date, successor_id varchar, current_agency_id varchar,
    is_current boolean, is_reporting_body boolean
);
create table marts.fct_task (
    task_id varchar, source_document varchar, assigned_date date, task_group varchar,
    task_name varchar, expected_product varchar, deadline_text varchar, due_date date,
    recurrence varchar, has_deadline boolean, lead_agency_id varchar,
    lead_current_agency_id varchar, note varchar
);
create table marts.fct_task_quarter_status (
    period_key varchar, as_of_date date, task_id varchar, lead_current_agency_id varchar,
    status varchar, completion_date date, has_evidence boolean, reported_in_period boolean
);
create table marts.agg_task_completion (
    period_key varchar, period_start date, period_end date, as_of_date date, scope varchar,
    agency_id varchar, row_key varchar, tasks_assigned integer, tasks_recurring integer,
    tasks_with_deadline integer, tasks_done integer, tasks_done_on_time integer,
    tasks_done_late integer, tasks_in_progress integer, tasks_overdue integer,
    tasks_done_without_evidence integer, completion_rate double, in_progress_rate double,
    overdue_rate double
);
"""


@pytest.fixture()
def con():
    connection = duckdb.connect(":memory:")
    connection.execute(DDL)
    connection.executemany(
        "insert into marts.dim_agency values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", AGENCIES
    )
    connection.executemany(
        "insert into marts.fct_task values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                task_id,
                "Thông báo 20-TB/CQTTBCĐ",
                date(2026, 3, 16),
                "3",
                name,
                product,
                deadline,
                due,
                recurrence,
                due is not None,
                lead,
                current,
                None,
            )
            for task_id, name, product, deadline, due, recurrence, lead, current in TASKS
        ],
    )
    for (period_key, start, end, as_of), rows in FIGURES.items():
        connection.executemany(
            "insert into marts.agg_task_completion values "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, null, null)",
            [
                (
                    period_key,
                    start,
                    end,
                    as_of,
                    scope,
                    agency_id,
                    f"{period_key}|{scope}|{agency_id or '-'}",
                    *counts,
                )
                for scope, agency_id, *counts in rows
            ],
        )
    for (period_key, _start, _end, as_of), rows in STATUSES.items():
        connection.executemany(
            "insert into marts.fct_task_quarter_status values (?, ?, ?, ?, ?, ?, ?, true)",
            [(period_key, as_of, *row) for row in rows],
        )
    connection.execute(
        """
        update marts.agg_task_completion set
            completion_rate = tasks_done / nullif(tasks_with_deadline, 0),
            in_progress_rate = tasks_in_progress / nullif(tasks_with_deadline, 0),
            overdue_rate = tasks_overdue / nullif(tasks_with_deadline, 0)
        """
    )
    yield connection
    connection.close()


class _Elements(HTMLParser):
    """Collect (tag, attrs, text) for every element carrying one of the given attributes."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self, *attributes: str) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes = attributes
        self.found: list[tuple[str, dict[str, str | None], str]] = []
        self._open: list[tuple[int, str, dict[str, str | None], list[str]]] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self._depth += 1
        attr_map = dict(attrs)
        if any(name in attr_map for name in self.attributes):
            self._open.append((self._depth, tag, attr_map, []))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self._open and self._open[-1][0] == self._depth:
            _depth, open_tag, attr_map, parts = self._open.pop()
            self.found.append((open_tag, attr_map, " ".join("".join(parts).split())))
        self._depth -= 1

    def handle_data(self, data):
        for _depth, _tag, _attrs, parts in self._open:
            parts.append(data)


def _elements(html: str, *attributes: str) -> list[tuple[str, dict[str, str | None], str]]:
    parser = _Elements(*attributes)
    parser.feed(html)
    parser.close()
    return parser.found


def _by_attribute(html: str, attribute: str) -> dict[str, str]:
    return {attrs[attribute]: text for _tag, attrs, text in _elements(html, attribute)}


def _ranking_rows(chunk: str) -> list[tuple[str, str | None, list[str]]]:
    """Return (agency_id, data-rank, cell texts) for each ranking row in an HTML chunk."""
    rows = []
    for tag, attrs, _text in _elements(chunk, "data-agency-id"):
        if tag != "tr":
            continue
        row_html = re.search(
            rf'<tr data-agency-id="{re.escape(attrs["data-agency-id"])}".*?</tr>', chunk, re.S
        ).group(0)
        cells = [
            text
            for _tag, _attrs, text in _elements(row_html, "class", "data-col", "scope")
            if _tag in {"td", "th"}
        ]
        rows.append((attrs["data-agency-id"], attrs.get("data-rank"), cells))
    return rows


def _render(con, period_key="2026-Q2", **kwargs):
    return render_scorecard(load_scorecard(con, period_key), generated_at=GENERATED_AT, **kwargs)


def test_page_is_vietnamese_and_self_contained(con):
    html = _render(con)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in html
    assert (
        "<title>Bảng đánh giá kết quả thực hiện Nghị quyết 57-NQ/TW — Quý II/2026</title>" in html
    )
    assert "Số liệu tính đến ngày 29/6/2026" in html
    assert "14:05 ngày 30/6/2026" in html
    lowered = html.lower()
    for forbidden in ("<script", "<link", "src=", "http://", "https://", "@import", "url("):
        assert forbidden not in lowered, forbidden
    assert "@page" in html and "size: A4" in html
    assert "table-header-group" in html


def test_national_figures_are_formatted_the_vietnamese_way(con):
    figures = _by_attribute(_render(con), "data-figure")
    assert figures["tasks_assigned"] == "1.937"
    assert figures["tasks_recurring"] == "468"
    assert figures["tasks_with_deadline"] == "1.469"
    assert figures["tasks_done"] == "1.245"
    assert figures["completion_rate"] == "84,8%"
    assert figures["tasks_done_on_time"] == "1.180"
    assert figures["tasks_done_late"] == "65"
    assert figures["tasks_in_progress"] == "168"
    assert figures["in_progress_rate"] == "11,4%"
    assert figures["tasks_overdue"] == "56"
    assert figures["overdue_rate"] == "3,8%"
    assert figures["tasks_done_without_evidence"] == "37"


def test_tiles_repeat_the_headline_figures(con):
    tiles = _by_attribute(_render(con), "data-tile")
    assert "1.937" in tiles["tasks_assigned"]
    assert "1.245" in tiles["tasks_done"] and "84,8%" in tiles["tasks_done"]
    assert "168" in tiles["tasks_in_progress"] and "11,4%" in tiles["tasks_in_progress"]
    assert "56" in tiles["tasks_overdue"] and "3,8%" in tiles["tasks_overdue"]


def test_previous_quarter_change_is_shown(con):
    html = _render(con)
    assert "So với quý trước" in html
    assert "Quý I/2026" in html
    previous = _by_attribute(html, "data-figure-previous")
    assert previous["tasks_assigned"] == "1.850"
    assert previous["tasks_done"] == "1.120 (80,6%)"
    change = _by_attribute(html, "data-figure-change")
    assert change["tasks_assigned"] == "+87"
    assert change["tasks_done"] == "+125"
    assert change["tasks_overdue"] == "-14"
    assert change["completion_rate"] == "+4,2 điểm %"
    assert change["overdue_rate"] == "-1,2 điểm %"


def test_first_quarter_without_previous_has_no_change_column(con):
    data = load_scorecard(con, "2026-Q1")
    assert data.previous_national is None
    html = render_scorecard(data, generated_at=GENERATED_AT)
    assert "data-figure-change" not in html
    assert "Chưa có số liệu quý trước" in html
    assert _by_attribute(html, "data-figure")["tasks_assigned"] == "1.850"


def test_ranking_order_and_rank_numbers(con):
    html = _render(con)
    table = re.search(r'<table class="ranking">.*?</table>', html, re.S).group(0)
    bodies_html, groups_html = table.split('<tbody class="groups">')
    rows = _ranking_rows(bodies_html)
    assert [(agency_id, rank) for agency_id, rank, _cells in rows] == [
        ("BKHCN", "1"),
        ("TANDTC", "2"),
        ("BCT", "3"),  # 75% with 1 overdue: shares rank 3 with Hà Nội, ordered by name
        ("HNI", "3"),
        ("BTC", "5"),  # 75% but 2 overdue; rank 4 is skipped after the tie
        ("DHQGHN", "6"),
        ("BYT", None),  # no task with deadline: unranked, at the bottom, by name
        ("LCU", None),  # reporting body with no figures this quarter
    ]
    by_id = {agency_id: cells for agency_id, _rank, cells in rows}
    assert by_id["BKHCN"] == [
        "1",
        "Bộ Khoa học và Công nghệ",
        "Bộ, ngành",
        "12",
        "2",
        "10",
        "9",
        "90,0%",
        "0",
        "1",
    ]
    assert by_id["TANDTC"][2] == "Cơ quan Trung ương"
    assert by_id["HNI"][2] == "Tỉnh, thành phố"
    assert by_id["BYT"][0] == "–" and by_id["BYT"][7] == "–"
    assert by_id["LCU"][3] == "0"
    assert "BKHDT" not in html.split('id="xep-hang"')[1].split('id="qua-han"')[0]

    assert "Nhiệm vụ giao chung cho nhóm cơ quan" in groups_html
    groups = _ranking_rows(groups_html)
    assert [(agency_id, rank) for agency_id, rank, _cells in groups] == [("GRP-BNDP", None)]
    assert groups[0][2][1] == "Các bộ, ngành, địa phương"
    assert groups[0][2][7] == "33,3%"
    assert "GRP-TINH" not in html  # a group with no task this quarter is not listed


def test_overdue_tasks_listed_under_their_agency(con):
    html = _render(con)
    sections = {
        attrs["data-agency-id"]: text
        for tag, attrs, text in _elements(html, "data-agency-id")
        if tag == "section"
    }
    # Vietnamese alphabetical order (Đ after D, before T); the group comes last.
    assert list(sections) == ["BCT", "BKHCN", "BTC", "DHQGHN", "HNI", "GRP-BNDP"]

    btc = sections["BTC"]
    assert "Bộ Tài chính" in btc and "2 nhiệm vụ quá hạn" in btc
    assert "TB20-0003" in btc
    assert "Hoàn thành trong tháng 4/2026" in btc and "Hạn: 30/4/2026" in btc
    assert "Nghị định & hướng dẫn" in btc
    assert "Quá hạn 60 ngày" in btc
    # A task of the dissolved Ministry of Planning and Investment rolls up to Finance.
    assert "KH02-0011" in btc and "Quá hạn 272 ngày" in btc
    assert btc.index("KH02-0011") < btc.index("TB20-0003")  # by due date
    assert "TB20-0001" not in html.split('id="qua-han"')[1]  # done tasks are not listed

    hni = sections["HNI"]
    assert hni.index("TB20-0005") < hni.index("TB20-0004")
    assert "chậm nhất trong tháng 3/2026" in hni and "Quá hạn 90 ngày" in hni


def test_overdue_data_model(con):
    data = load_scorecard(con, "2026-Q2")
    btc = next(group for group in data.overdue if group.agency_id == "BTC")
    assert [task.task_id for task in btc.tasks] == ["KH02-0011", "TB20-0003"]
    assert [task.days_overdue for task in btc.tasks] == [272, 60]
    assert btc.tasks[1].due_date == date(2026, 4, 30)
    assert data.period.as_of_date == date(2026, 6, 29)
    assert data.national.tasks_assigned == 1937
    assert data.previous_period.key == "2026-Q1"


def test_agency_text_is_escaped(con):
    html = _render(con, release_note='Bản phát hành "2026-Q2-r1" <b>thử</b>')
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Nghị định &amp; hướng dẫn" in html
    assert "&lt;b&gt;thử&lt;/b&gt;" in html
    rows = {attrs["data-task-id"]: text for _tag, attrs, text in _elements(html, "data-task-id")}
    assert SCRIPT_NAME in rows["TB20-0003"]  # the text survives, as text


def test_unknown_period_raises(con):
    with pytest.raises(ValueError, match="no national row") as excinfo:
        load_scorecard(con, "2031-Q4")
    assert "Không có số liệu toàn quốc" in str(excinfo.value)
    with pytest.raises(ValueError, match="invalid period key"):
        load_scorecard(con, "2026/Q2")


def test_write_scorecard(con, tmp_path):
    out_dir = tmp_path / "release" / "2026-Q2"
    path = write_scorecard(con, "2026-Q2", out_dir, generated_at=GENERATED_AT)
    assert path == out_dir / "index.html"
    text = path.read_bytes().decode("utf-8")
    assert '<meta charset="utf-8">' in text
    assert "Xếp hạng theo tỷ lệ hoàn thành nhiệm vụ có thời hạn" in text
    assert "Nhiệm vụ quá hạn theo cơ quan" in text
    assert [p.name for p in out_dir.iterdir()] == ["index.html"]  # no temp file left behind

"""Demo national-database (CSDL) submissions: the registry and monthly status exports.

The report of 30/6/2026 (seed 002, section on data) counts, from the Ministry of Public
Security's statistics, 8 of the 12 Plan-02 databases and 65 of the 104 Resolution-11
databases "on platform, reconciled with the national population database and synced to the
National Data Center"; of the 8, four meet all 19 criteria and four do not (17, 17, 16 and
18 of 19). Footnotes 23 and 24 name all twelve Plan-02 databases and their owners; those
rows are written here exactly as the report gives them.

The report does not list the 104 Resolution-11 databases. Their names are the databases the
seed documents mention (population, business registration, insurance, administrative
procedures, overseas experts, gene data, innovative firms, import-export firms, electronic
contracts, natural resources and environment) completed with plausible sectoral databases of
each owning ministry. Which of them are connected, and when, is drawn from a fixed seed so
that the June export gives exactly 65/104, and earlier exports (March to May 2026) fewer.

The June export is sent twice: the first file reports one database as not yet synced and a
corrected file (đính chính) for the same month supersedes it, as resubmissions do.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from demo.workbooks import roman, save_deterministic

SEED = 57
CRITERIA_TOTAL = 19
PLAN_02 = "Kế hoạch 02-KH/BCĐTW"
RESOLUTION_11 = "Nghị quyết 11/NQ-CP"
LEGAL_BASIS = {
    PLAN_02: "Kế hoạch số 02-KH/BCĐTW ngày 19/6/2025 của Ban Chỉ đạo Trung ương",
    RESOLUTION_11: "Nghị quyết số 11/NQ-CP của Chính phủ",
}
SENDER = "Bộ Công an"
REGISTRY_DATE = date(2026, 3, 31)
# Status exports: reporting month -> "số liệu tính đến ngày". The last is the report's cut-off
# (29/6/2026, the date the report of 30/6/2026 counts its figures to).
EXPORTS: tuple[tuple[date, date], ...] = (
    (date(2026, 3, 1), date(2026, 3, 31)),
    (date(2026, 4, 1), date(2026, 4, 29)),
    (date(2026, 5, 1), date(2026, 5, 29)),
    (date(2026, 6, 1), date(2026, 6, 29)),
)
# Connected (reconciled and synced) per export, Plan 02 and Resolution 11: the June figures
# are the report's; earlier months show the climb to them.
PLAN_02_CONNECTED = (5, 6, 7, 8)
RESOLUTION_11_CONNECTED = (48, 54, 60, 65)

REGISTRY_HEADERS = ("TT", "Mã CSDL", "Tên cơ sở dữ liệu", "Chương trình", "Cơ quan chủ quản",
                    "Căn cứ pháp lý", "Ghi chú")
REGISTRY_WIDTHS = (6, 11, 60, 22, 32, 45, 25)
STATUS_HEADERS = ("TT", "Mã CSDL", "Tên cơ sở dữ liệu", "Số tiêu chí đạt (/19)",
                  "Đã đối soát với CSDL quốc gia về dân cư",
                  "Đã đồng bộ về Trung tâm dữ liệu quốc gia", "Ghi chú")
STATUS_WIDTHS = (6, 11, 60, 14, 20, 20, 35)

_BOLD = Font(bold=True)
_ITALIC = Font(italic=True)
_TITLE = Font(bold=True, size=13)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)


@dataclass(frozen=True)
class Database:
    """One database of the registry and its path to readiness.

    Attributes:
        code: Registry code (KH02-01, NQ11-001).
        name: Name as the registry writes it.
        program: Programme as written in the registry.
        owner: Owning body as written (the report's own spelling for Plan 02).
        criteria: Criteria met (of 19) in the June export.
        connected_from: Index into EXPORTS of the first export reporting it connected, or
            None when it is not connected by June.
        reconciled_only: For a database not yet connected: reconciled but not yet synced
            (True) or neither (False).
    """

    code: str
    name: str
    program: str
    owner: str
    criteria: int
    connected_from: int | None
    reconciled_only: bool = False


# The twelve Plan-02 databases as footnotes 23 and 24 of the report name them: name, owner,
# criteria met in June, first export showing it connected (None: not connected in June).
_PLAN_02: tuple[tuple[str, str, int, int | None, bool], ...] = (
    ("CSDL quốc gia về tài chính", "Bộ Tài chính", 19, 0, False),
    ("CSDL hộ tịch điện tử", "Bộ Tư pháp", 19, 0, False),
    ("CSDL bản án, quyết định Tòa án", "Tòa án nhân dân tối cao", 19, 0, False),
    ("CSDL quốc gia về đất đai", "Bộ Nông nghiệp và Môi trường", 19, 0, False),
    ("CSDL ngành giáo dục và đào tạo", "Bộ GD&ĐT", 17, 1, False),
    ("CSDL quốc gia về hoạt động xây dựng", "Bộ Xây dựng", 17, 0, False),
    ("CSDL ngành nông nghiệp", "Bộ Nông nghiệp và Môi trường", 16, 3, False),
    ("CSDL hàng hóa (hóa chất, tiền chất)", "Bộ Công Thương", 18, 2, False),
    ("CSDL quốc gia về kiểm soát tài sản, thu nhập", "Thanh tra Chính phủ", 11, None, False),
    ("CSDL quốc gia về an sinh xã hội", "Bộ Nội vụ", 14, None, True),
    ("CSDL ngành Y tế", "Bộ Y tế", 13, None, True),
    ("CSDL xử lý vi phạm hành chính", "Bộ Công an", 12, None, False),
)

# Resolution-11 databases by owner. Names marked in the comments come from the seed
# documents (003: the 2025 plan; 004: the 8/2025 report); the rest are plausible sectoral
# databases of the owner.
_RESOLUTION_11: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Bộ Công an", (
        "CSDL quốc gia về dân cư",  # 003, 004
        "CSDL căn cước",
        "CSDL quốc gia về xuất nhập cảnh",
        "CSDL về cư trú",
        "CSDL đăng ký, quản lý phương tiện giao thông",
        "CSDL quốc gia về phòng cháy, chữa cháy",
        "CSDL về vũ khí, vật liệu nổ, công cụ hỗ trợ",
        "CSDL về giấy phép lái xe",
    )),
    ("Bộ Tài chính", (
        "CSDL quốc gia về đăng ký doanh nghiệp",  # 004
        "CSDL quốc gia về bảo hiểm",  # 004
        "CSDL quản lý thuế",
        "CSDL hải quan",
        "CSDL về giá",
        "CSDL quốc gia về đầu tư công",
        "CSDL quốc gia về đấu thầu",
        "CSDL về chứng khoán",
        "CSDL về hóa đơn điện tử",
        "CSDL quốc gia về tài sản công",
        "CSDL về nợ công",
        "CSDL về dự trữ quốc gia",
        "CSDL về thu, chi ngân sách nhà nước",
        "CSDL thống kê quốc gia",
    )),
    ("Bộ Tư pháp", (
        "CSDL quốc gia về pháp luật",
        "CSDL về công chứng",
        "CSDL về thi hành án dân sự",
        "CSDL quốc gia về biện pháp bảo đảm",
        "CSDL về trợ giúp pháp lý",
        "CSDL về quốc tịch",
    )),
    ("Bộ Nông nghiệp và Môi trường", (
        "CSDL quốc gia về tài nguyên và môi trường",  # 004
        "CSDL quốc gia về tài nguyên nước",
        "CSDL về khí tượng thủy văn",
        "CSDL về biển và hải đảo",
        "CSDL về địa chất và khoáng sản",
        "CSDL nền địa lý quốc gia",
        "CSDL về quan trắc môi trường",
        "CSDL về tàu cá và hoạt động khai thác thủy sản",
        "CSDL về trồng trọt",
        "CSDL về chăn nuôi",
        "CSDL về lâm nghiệp",
        "CSDL về thủy lợi",
        "CSDL về phòng, chống thiên tai",
    )),
    ("Bộ Xây dựng", (
        "CSDL về nhà ở và thị trường bất động sản",
        "CSDL về quy hoạch xây dựng",
        "CSDL về kết cấu hạ tầng giao thông đường bộ",
        "CSDL về đăng kiểm phương tiện",
        "CSDL về hàng hải",
        "CSDL về hàng không dân dụng",
        "CSDL về đường sắt",
        "CSDL về đường thủy nội địa",
    )),
    ("Bộ Công Thương", (
        "CSDL doanh nghiệp xuất nhập khẩu",  # 004
        "CSDL về hợp đồng điện tử",  # 003
        "CSDL về thương mại điện tử",
        "CSDL về quản lý thị trường",
        "CSDL về năng lượng",
        "CSDL về an toàn thực phẩm ngành công thương",
        "CSDL về xuất xứ hàng hóa",
    )),
    ("Bộ Y tế", (
        "CSDL về khám bệnh, chữa bệnh",
        "CSDL dược quốc gia",
        "CSDL về trang thiết bị y tế",
        "CSDL về tiêm chủng",
        "CSDL về dân số",
        "CSDL về an toàn thực phẩm",
        "CSDL về hành nghề khám bệnh, chữa bệnh",
    )),
    ("Bộ Giáo dục và Đào tạo", (
        "CSDL về văn bằng, chứng chỉ",
        "CSDL về đội ngũ nhà giáo và cán bộ quản lý giáo dục",
        "CSDL về cơ sở giáo dục",
        "CSDL về giáo dục đại học",
        "CSDL về giáo dục nghề nghiệp",
    )),
    ("Bộ Nội vụ", (
        "CSDL quốc gia về cán bộ, công chức, viên chức",
        "CSDL về người có công",
        "CSDL về việc làm và thị trường lao động",
        "CSDL về người lao động",
        "CSDL về bảo trợ xã hội",
        "CSDL về thi đua, khen thưởng",
        "CSDL về tổ chức bộ máy hành chính",
    )),
    ("Bộ Khoa học và Công nghệ", (
        "CSDL gene",  # 004
        "CSDL doanh nghiệp đổi mới sáng tạo",  # 004
        "CSDL quốc gia về khoa học và công nghệ",
        "CSDL về sở hữu trí tuệ",
        "CSDL về tiêu chuẩn, đo lường, chất lượng",
        "CSDL về thuê bao viễn thông",
        "CSDL về tần số vô tuyến điện",
        "CSDL về bưu chính",
        "CSDL về chữ ký số",
    )),
    ("Bộ Văn hóa, Thể thao và Du lịch", (
        "CSDL về di sản văn hóa",
        "CSDL về du lịch",
        "CSDL về thể dục, thể thao",
        "CSDL về báo chí, xuất bản",
        "CSDL về gia đình",
    )),
    ("Bộ Ngoại giao", (
        "CSDL về chuyên gia, trí thức Việt Nam ở nước ngoài",  # 003, 004
        "CSDL về điều ước quốc tế",
        "CSDL về hộ chiếu ngoại giao, hộ chiếu công vụ",
        "CSDL về người Việt Nam ở nước ngoài",
    )),
    ("Bộ Dân tộc và Tôn giáo", (
        "CSDL về công tác dân tộc",
        "CSDL về tôn giáo, tín ngưỡng",
    )),
    ("Bộ Quốc phòng", (
        "CSDL về nghĩa vụ quân sự",
        "CSDL về biên giới quốc gia",
    )),
    ("Văn phòng Chính phủ", (
        "CSDL quốc gia về thủ tục hành chính",  # 003
        "CSDL về văn bản chỉ đạo, điều hành",
    )),
    ("Ngân hàng Nhà nước Việt Nam", (
        "CSDL thông tin tín dụng quốc gia",
        "CSDL về thanh toán",
    )),
    ("Thanh tra Chính phủ", (
        "CSDL về khiếu nại, tố cáo",
        "CSDL về thanh tra",
    )),
    ("Viện kiểm sát nhân dân tối cao", (
        "CSDL về thống kê tội phạm",
    )),
)
# The population database is the reference every other database reconciles with.
_ALWAYS_CONNECTED = "CSDL quốc gia về dân cư"


def plan_02_databases() -> list[Database]:
    """The twelve Plan-02 databases, with the report's names, owners and June scores."""
    return [Database(f"KH02-{number:02d}", name, PLAN_02, owner, criteria, since, reconciled)
            for number, (name, owner, criteria, since, reconciled) in enumerate(_PLAN_02, 1)]


def resolution_11_databases(seed: int = SEED) -> list[Database]:
    """The 104 Resolution-11 databases; 65 connected by June, in a climb from March.

    Connected databases meet 14 to 19 criteria in June, the others 5 to 16, so that only a
    connected database can meet all 19 (as in the report's Plan-02 figures).
    """
    rng = random.Random(seed)
    named = [(owner, name) for owner, names in _RESOLUTION_11 for name in names]
    if len(named) != 104:
        raise ValueError(f"Resolution 11 lists 104 databases, the demo has {len(named)}")
    order = [name for _, name in named if name != _ALWAYS_CONNECTED]
    rng.shuffle(order)
    ranked = [_ALWAYS_CONNECTED, *order]  # connected first, in the order they connected
    since: dict[str, int | None] = {}
    for position, name in enumerate(ranked):
        since[name] = next((index for index, count in enumerate(RESOLUTION_11_CONNECTED)
                            if position < count), None)
    databases = []
    for number, (owner, name) in enumerate(named, 1):
        connected_from = since[name]
        criteria = rng.randint(14, 19) if connected_from is not None else rng.randint(5, 16)
        databases.append(Database(f"NQ11-{number:03d}", name, RESOLUTION_11, owner, criteria,
                                  connected_from, rng.random() < 0.5))
    return databases


def all_databases(seed: int = SEED) -> list[Database]:
    """Every registry row: 12 Plan-02 then 104 Resolution-11 databases."""
    return [*plan_02_databases(), *resolution_11_databases(seed)]


@dataclass(frozen=True)
class StatusRow:
    """One database's line in one status export."""

    database: Database
    criteria: int
    reconciled: bool
    synced: bool
    note: str


def status_rows(databases: Sequence[Database], export: int) -> list[StatusRow]:
    """Each database's status in export ``export`` (0 = March … 3 = June).

    A database is connected from its ``connected_from`` export on; before, it is reconciled
    but not synced (or neither). Criteria climb by one a month to the June score and stay
    below 19 while a database is not connected.
    """
    last = len(EXPORTS) - 1
    rows = []
    for database in databases:
        connected = database.connected_from is not None and database.connected_from <= export
        criteria = max(0, database.criteria - (last - export))
        if database.criteria == CRITERIA_TOTAL and connected and export >= last - 1:
            criteria = CRITERIA_TOTAL  # the four that meet 19/19 did so from May
        if not connected:
            criteria = min(criteria, CRITERIA_TOTAL - 2)
        reconciled = connected or database.reconciled_only
        note = "" if connected else (
            "Chưa đồng bộ về Trung tâm dữ liệu quốc gia" if reconciled
            else "Chưa đối soát, chưa đồng bộ")
        rows.append(StatusRow(database, criteria, reconciled, connected, note))
    return rows


# --------------------------------------------------------------------------------------------
# Workbooks


def _merged(ws: Worksheet, row: int, first: int, last: int, value: str, font: Font | None,
            align: Alignment = _WRAP) -> None:
    cell = ws.cell(row=row, column=first, value=value)
    if font is not None:
        cell.font = font
    cell.alignment = align
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _header(ws: Worksheet, row: int, labels: Sequence[str], widths: Sequence[int]) -> None:
    for column, (label, width) in enumerate(zip(labels, widths, strict=True), 1):
        cell = ws.cell(row=row, column=column, value=label)
        cell.font, cell.alignment = _BOLD, _CENTER
        ws.column_dimensions[chr(ord("A") + column - 1)].width = width


def _group(ws: Worksheet, row: int, number: int, program: str, last: int) -> None:
    ws.cell(row=row, column=1, value=roman(number)).font = _BOLD
    title = "CSDL THEO KẾ HOẠCH SỐ 02-KH/BCĐTW" if program == PLAN_02 else (
        "CSDL THEO NGHỊ QUYẾT SỐ 11/NQ-CP")
    _merged(ws, row, 2, last, title, _BOLD)


def write_registry(path: Path, databases: Sequence[Database]) -> None:
    """The registry: one row per database under its programme's group heading."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Danh mục CSDL"
    last = len(REGISTRY_HEADERS)
    _merged(ws, 1, 1, last, "DANH MỤC CƠ SỞ DỮ LIỆU QUỐC GIA, CƠ SỞ DỮ LIỆU CHUYÊN NGÀNH",
            _TITLE, _CENTER)
    _merged(ws, 2, 1, last, "Theo Kế hoạch số 02-KH/BCĐTW và Nghị quyết số 11/NQ-CP", _BOLD,
            _CENTER)
    _merged(ws, 3, 1, last, f"Cập nhật đến ngày {REGISTRY_DATE.day}/{REGISTRY_DATE.month}/"
            f"{REGISTRY_DATE.year}", _ITALIC, _CENTER)
    _header(ws, 5, REGISTRY_HEADERS, REGISTRY_WIDTHS)
    row, program, groups = 6, None, 0
    for number, database in enumerate(databases, 1):
        if database.program != program:
            program, groups = database.program, groups + 1
            _group(ws, row, groups, program, last)
            row += 1
        values = (number, database.code, database.name, database.program, database.owner,
                  LEGAL_BASIS[database.program], None)
        for column, value in enumerate(values, 1):
            if value is not None:
                ws.cell(row=row, column=column, value=value).alignment = _WRAP
        row += 1
    ws.freeze_panes = "A6"
    save_deterministic(workbook, path)


def write_status(path: Path, rows: Sequence[StatusRow], month: date, as_of: date,
                 *, criteria_as_ratio: bool = False) -> None:
    """One status export as the Ministry of Public Security sends it.

    Args:
        path: Where to write the workbook.
        rows: Database lines in registry order.
        month: First day of the reporting month.
        as_of: Date the figures are cut ("số liệu tính đến ngày").
        criteria_as_ratio: Write criteria as "17/19" text rather than the number 17, as some
            exports do.
    """
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Tình hình CSDL"
    last = len(STATUS_HEADERS)
    _merged(ws, 1, 1, 3, SENDER.upper(), _BOLD, _CENTER)
    _merged(ws, 1, 4, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _BOLD, _CENTER)
    _merged(ws, 2, 4, last, "Độc lập - Tự do - Hạnh phúc", _BOLD, _CENTER)
    _merged(ws, 4, 1, last, "TÌNH HÌNH XÂY DỰNG, KẾT NỐI, ĐỒNG BỘ CƠ SỞ DỮ LIỆU QUỐC GIA, "
            "CƠ SỞ DỮ LIỆU CHUYÊN NGÀNH", _TITLE, _CENTER)
    _merged(ws, 5, 1, last, f"Kỳ báo cáo: Tháng {month.month}/{month.year} - Số liệu tính đến "
            f"ngày {as_of.day}/{as_of.month}/{as_of.year}", _ITALIC, _CENTER)
    _merged(ws, 6, 1, last, f"Cơ quan báo cáo: {SENDER}", None)
    _header(ws, 8, STATUS_HEADERS, STATUS_WIDTHS)
    row, program, groups = 9, None, 0
    for number, line in enumerate(rows, 1):
        database = line.database
        if database.program != program:
            program, groups = database.program, groups + 1
            _group(ws, row, groups, program, last)
            row += 1
        criteria: int | str = (f"{line.criteria}/{CRITERIA_TOTAL}" if criteria_as_ratio
                               else line.criteria)
        values = (number, database.code, database.name, criteria,
                  "Có" if line.reconciled else "Không", "Có" if line.synced else "Không",
                  line.note or None)
        for column, value in enumerate(values, 1):
            if value is not None:
                ws.cell(row=row, column=column, value=value).alignment = _WRAP
        row += 1
    _merged(ws, row + 1, 1, last, "Ghi chú: Bộ tiêu chí gồm 19 tiêu chí theo hướng dẫn của Bộ "
            "Công an; CSDL được tính là đã kết nối khi đã đối soát với CSDL quốc gia về dân cư "
            "và đồng bộ về Trung tâm dữ liệu quốc gia.", _ITALIC)
    ws.cell(row=row + 3, column=1, value="Nơi nhận:").font = _BOLD
    ws.cell(row=row + 4, column=1, value="- Cơ quan Thường trực Ban Chỉ đạo;")
    ws.cell(row=row + 5, column=1, value="- Lưu: VT, C06.")
    _merged(ws, row + 3, 5, last, "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG", _BOLD, _CENTER)
    _merged(ws, row + 4, 5, last, "(Đã ký)", _ITALIC, _CENTER)
    ws.freeze_panes = "A9"
    save_deterministic(workbook, path)


def write_csdl_demo(inbox: Path, seed: int = SEED) -> list[Path]:
    """Write the registry and the March–June 2026 status exports into ``inbox/csdl/``.

    Returns the written paths in the order an office would send them: the registry, one
    export a month, then the corrected June export.
    """
    folder = inbox / "csdl"
    databases = all_databases(seed)
    registry = folder / "danh_muc_csdl.xlsx"
    write_registry(registry, databases)
    paths = [registry]
    last = len(EXPORTS) - 1
    # The first June file reports the first database that connected in June as not synced.
    late = next(d.code for d in databases
                if d.program == RESOLUTION_11 and d.connected_from == last)
    for export, (month, as_of) in enumerate(EXPORTS):
        rows = status_rows(databases, export)
        path = folder / f"BCA_{month:%Y-%m}_tinh_hinh_csdl.xlsx"
        if export == last:
            first = [StatusRow(r.database, r.criteria, r.reconciled, False,
                               "Chưa đồng bộ về Trung tâm dữ liệu quốc gia")
                     if r.database.code == late else r for r in rows]
            write_status(path, first, month, as_of)
            paths.append(path)
            corrected = [StatusRow(r.database, r.criteria, r.reconciled, r.synced,
                                   "Đính chính: đã đồng bộ ngày 26/6/2026")
                         if r.database.code == late else r for r in rows]
            path = folder / f"BCA_{month:%Y-%m}_tinh_hinh_csdl_dinh_chinh.xlsx"
            write_status(path, corrected, month, as_of)
        else:
            write_status(path, rows, month, as_of, criteria_as_ratio=export == 0)
        paths.append(path)
    return paths


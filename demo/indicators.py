"""Demo indicator workbooks: the Resolution 57/71 indicator register and results reports.

The register is seed 004's first table, all 52 rows in the seed's own words: each cell
"<indicator>: <target>" is split at its last ": " into the indicator's name and its target
text (row 36's "(Đến năm 2045)" moves to its target, whose year it states). The seed names
no responsible body, so :data:`RESPONSIBLE` assigns the ministry whose field each indicator
belongs to; that assignment is the demo's, not the document's.

Results come in three reports. The Ministry of Science and Technology's report of 9/2025
carries what the seed states (figures as the seed gives them, with its context as the note;
"Chưa có số liệu" where it gives no figure for the indicator itself). Where the seed
splits a rate into ministries and provinces (11.3–11.5), the national figure is the sum of
its counts, so it adds up exactly. The Government Office's report of 3/2026 adds a
deterministic, plausible series for the public-service indicators 11.2–11.5 (12/2024 and
3/2026) so that trends can be assessed. The Standing Office's report of 6/2026 carries the
indicators seed 002 (the 18-month report to 30/6/2026) states. Everything is deterministic:
same bytes every run.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from demo.workbooks import save_deterministic, write_table_sheet

REGISTER_HEADERS = ("TT", "Mã chỉ tiêu", "Tên chỉ tiêu", "Chỉ tiêu", "Năm mục tiêu",
                    "Cơ quan chủ trì", "Văn bản giao", "Ghi chú")
ACTUAL_HEADERS = ("TT", "Mã chỉ tiêu", "Tên chỉ tiêu", "Kỳ số liệu", "Kết quả thực hiện",
                  "Nguồn số liệu", "Ghi chú")
SOURCE_DOCUMENT = "Nghị quyết số 57-NQ/TW; Nghị quyết số 71/NQ-CP"
YEAR_REMARK = "(Đến năm 2045) "

# Seed 004, first table: (STT, "Nội dung chỉ tiêu") exactly as the seed writes them.
SEED_INDICATORS: tuple[tuple[str, str], ...] = (
    ('1',
     'Tiềm lực, trình độ khoa học, công nghệ và đổi mới sáng tạo: đạt mức tiên tiến ở nhiều lĩnh '
     'vực quan trọng, thuộc nhóm dẫn đầu trong các nước thu nhập trung bình cao'),
    ('2',
     'Trình độ, năng lực công nghệ, đổi mới sáng tạo của doanh nghiệp: đạt mức trên trung bình '
     'của thế giới'),
    ('3',
     'Lĩnh vực khoa học, công nghệ: một số lĩnh vực đạt trình độ quốc tế'),
    ('4',
     'Xếp hạng năng lực cạnh tranh số: thuộc top 3 Đông Nam Á, top 50 thế giới'),
    ('5',
     'Xếp hạng chỉ số phát triển Chính phủ điện tử, Chính phủ số: thuộc top 3 Đông Nam Á, top 50 '
     'thế giới'),
    ('6',
     'Xếp hạng về nghiên cứu & phát triển trí tuệ nhân tạo; trung tâm phát triển một số ngành, '
     'lĩnh vực công nghiệp công nghệ số Việt Nam có lợi thế: thuộc top 3 Đông Nam Á'),
    ('7',
     'Số doanh nghiệp công nghệ số ngang tầm các nước tiên tiến: ≥ 5 doanh nghiệp'),
    ('8',
     'Tỷ lệ đóng góp của năng suất nhân tố tổng hợp (TFP) vào tăng trưởng kinh tế: ≥ 55%'),
    ('9',
     'Tỷ trọng xuất khẩu sản phẩm công nghệ cao trên tổng giá trị hàng hoá xuất khẩu: ≥ 50%'),
    ('10',
     'Quy mô kinh tế số (tỷ trọng kinh tế số trong GDP): ≥ 30%'),
    ('11.1',
     'Tỷ lệ sử dụng dịch vụ công trực tuyến của người dân và doanh nghiệp: ≥ 80%'),
    ('11.2',
     'Tỷ lệ cung cấp dịch vụ công trực tuyến toàn trình trên tổng số TTHC đủ điều kiện: 90%'),
    ('11.3',
     'Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC: 100%'),
    ('11.4',
     'Tỷ lệ cấp kết quả giải quyết TTHC điện tử: 100%.'),
    ('11.5',
     'Tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu số hóa trong giải quyết TTHC, DVC: 80%.'),
    ('11.6',
     'Tỷ lệ thanh toán trực tuyến trong giải quyết TTHC, DVC: 80%'),
    ('11.7',
     'Tỷ lệ xử lý văn bản, hồ sơ công việc toàn trình trên môi trường điện tử (trong các CQ '
     'HCNN): 100%'),
    ('11.8',
     'Tỷ lệ nhiệm vụ được theo dõi, quản lý, giám sát của CQ HCNN thực hiện trên môi trường điện '
     'tử: 100%'),
    ('11.9',
     'Tỷ lệ các cơ quan nhà nước thực hiện chỉ đạo, điều hành, quản trị nội bộ trên môi trường '
     'điện tử: 100%'),
    ('12',
     'Tỷ lệ giao dịch không dùng tiền mặt: ≥ 80%.'),
    ('13',
     'Tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo: ≥ 40%.'),
    ('14',
     'KH,CN và ĐMST góp phần quan trọng xây dựng, phát triển giá trị văn hóa, xã hội, con người '
     'Việt Nam (duy trì chỉ số HDI): HDI > 0,7.'),
    ('15',
     'Kinh phí chi cho nghiên cứu phát triển (R&D): 2% GDP.'),
    ('16',
     'Tỷ trọng kinh phí từ xã hội trên tổng kinh phí R&D: > 60%'),
    ('17',
     'Chi ngân sách hằng năm cho phát triển KH,CN, ĐMST, CĐS quốc gia: ≥ 3% tổng chi NSNN (và '
     'tăng dần).'),
    ('18',
     'Nguồn nhân lực nghiên cứu KH, phát triển CN, ĐMST: 12 người/1 vạn dân.'),
    ('19',
     'Tổ chức khoa học và công nghệ được xếp hạng khu vực và thế giới: 40–50 tổ chức.'),
    ('20',
     'Số lượng công bố khoa học quốc tế tăng trung bình: 10%/năm.'),
    ('21',
     'Số lượng đơn đăng ký sáng chế, văn bằng bảo hộ sáng chế tăng trung bình: 16–18%/năm.'),
    ('22',
     'Tỷ lệ đơn đăng ký sáng chế, văn bằng bảo hộ sáng chế được khai thác thương mại: 8–10%.'),
    ('23.1',
     'Tỷ lệ người sử dụng có khả năng truy nhập băng rộng cố định tốc độ >1 Gb/s: 100%.'),
    ('23.2',
     'Số tuyến cáp quang biển mới đưa vào hoạt động: 09 tuyến.'),
    ('23.3',
     'Tổng dung lượng thiết kế cáp quang trên biển: ≥ 350 Tbps'),
    ('23.4',
     'Phủ sóng 5G cho người dân: 99% dân số.'),
    ('24',
     'Hoàn thành xây dựng đô thị thông minh tại các thành phố trực thuộc TW và một số tỉnh, '
     'thành đủ điều kiện: ≥ 6 đô thị.'),
    ('25',
     'Thu hút thêm tổ chức, doanh nghiệp công nghệ hàng đầu thế giới đặt trụ sở, đầu tư R&D, sản '
     'xuất tại Việt Nam: ≥ 3 đơn vị.'),
    ('26',
     'Quản lý nhà nước từ Trung ương đến địa phương trên môi trường số, kết nối vận hành thông '
     'suốt trong hệ thống chính trị: 100%.'),
    ('27',
     'Hoàn thành xây dựng, kết nối, chia sẻ đồng bộ các cơ sở dữ liệu quốc gia và dữ liệu ngành: '
     '100%.'),
    ('28',
     'Hình thành sàn dữ liệu: 5 sàn dữ liệu.'),
    ('29',
     'Hình thành các Trung tâm dữ liệu quốc gia: ≥ 3 trung tâm.'),
    ('30',
     'Dân số từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng hoặc tổ chức được phép '
     'khác: ≥ 95%.'),
    ('31',
     'Tỷ lệ dân số trưởng thành có chữ ký số hoặc chữ ký điện tử cá nhân: ≥ 70%.'),
    ('32',
     'Tỷ lệ người dân có Sổ sức khỏe điện tử: ≥ 95%.'),
    ('33',
     'Xếp hạng về an toàn thông tin mạng: ≤ 10 (toàn cầu).'),
    ('34',
     'Hoàn thành xây dựng cơ sở nghiên cứu KH,CN hàng đầu của ngành Công an ngang tầm các nước '
     'tiên tiến (Trung tâm nghiên cứu, thiết kế, chế tạo, sản xuất làm chủ công nghệ chiến lược '
     'ứng dụng trong công tác Công an): 01 cơ sở.'),
    ('35',
     'Tỷ lệ “Make in Vietnam” trong tổng doanh thu công nghiệp số Việt Nam: 50%.'),
    ('36',
     '(Đến năm 2045) Quy mô kinh tế số: ≥ 50% GDP.'),
    ('37',
     'Chỉ số đổi mới sáng tạo toàn cầu (GII): thuộc top 30 thế giới.'),
    ('38',
     'Tỷ lệ doanh nghiệp công nghệ số (trên 1.000 dân): đạt 1 doanh nghiệp/1.000 dân.'),
    ('39',
     'Số doanh nghiệp công nghệ số ngang tầm các nước tiên tiến: ≥ 10 doanh nghiệp.'),
    ('40',
     'Thu hút thêm tổ chức, doanh nghiệp công nghệ hàng đầu thế giới đặt trụ sở, đầu tư R&D, sản '
     'xuất tại Việt Nam: ≥ 5 đơn vị.'),
    ('41',
     'Làm chủ một số công nghệ cốt lõi (chip, vi mạch bán dẫn, AI, robot & tự động hóa, sinh '
     'học, hóa học, vật liệu tiên tiến, công nghệ bảo an) ứng dụng trong bảo đảm ANQG: đạt mức '
     '20–50% (mức độ làm chủ).'),
)

_KHCN = "Bộ Khoa học và Công nghệ"
_VPCP = "Văn phòng Chính phủ"
_BTC = "Bộ Tài chính"
_BCA = "Bộ Công an"
_NHNN = "Ngân hàng Nhà nước Việt Nam"
# The body that follows each indicator (the demo's assignment; KH&CN when not listed).
RESPONSIBLE: dict[str, str] = {
    **{f"11.{n}": _VPCP for n in range(1, 10)},
    "8": _BTC, "10": _BTC, "14": _BTC, "17": _BTC, "25": _BTC, "36": _BTC, "40": _BTC,
    "12": _NHNN, "30": _NHNN,
    "24": "Bộ Xây dựng", "26": _VPCP, "32": "Bộ Y tế",
    "27": _BCA, "28": _BCA, "29": _BCA, "31": _BCA, "33": _BCA, "34": _BCA,
}

NO_DATA = "Chưa có số liệu"
# Report of 9/2025 (data to 23/9/2025): (id, period, result, note). Indicators not listed
# are reported as "Chưa có số liệu" for 8/2025, as the seed reports them.
SEED_ACTUALS: tuple[tuple[str, str, str, str], ...] = (
    ("5", "2024", "hạng 5/11 Đông Nam Á", "EGDI 2024: 0,7709 điểm, nhóm rất cao."),
    ("5", "2024", "hạng 71/193 thế giới", "Xếp thứ 71 trên 193 quốc gia được đánh giá."),
    ("8", "2024", "46,71%", "Giai đoạn 2021–2024, khoảng 46,71%."),
    ("10", "2023", "~15,2% GDP", "Theo dòng 36 của báo cáo: năm 2023 ~15,2% GDP."),
    ("10", "2025", "~18% GDP", "Ước tính cuối năm 2025 (báo cáo nêu ~18–20%; dòng 36: ~18%)."),
    ("11.2", "8/2025", "39,71%", "Khối bộ 52,45%, khối tỉnh 15,79%. Theo Báo cáo CP 9/2025."),
    ("11.3", "8/2025", "63,76% (1.742.427/2.732.994 hồ sơ)",
     "Bộ, ngành 52,57% (144.857/275.571 hồ sơ); địa phương 65,01% (1.597.570/2.457.423 hồ sơ)."),
    ("11.4", "8/2025", "66,58% (1.819.519/2.732.994 kết quả)",
     "Bộ, ngành 52,72% (145.277/275.571); địa phương 68,13% (1.674.242/2.457.423)."),
    ("11.5", "8/2025", "37,71% (1.266.248/3.357.710 hồ sơ)",
     "Bộ, ngành 4,18% (11.520/275.598 hồ sơ); địa phương 40,71% (1.254.728/3.082.112 hồ sơ)."),
    ("11.8", "9/2025", "100%", "100% nhiệm vụ được theo dõi, quản lý, giám sát của CQ HCNN."),
    ("11.9", "9/2025", "100%", "100% bộ, ngành, địa phương dùng chữ ký số và quản lý văn bản."),
    ("14", "2023", "HDI 0,766", "Báo cáo ghi \"0766\": chỉ số HDI năm 2023 là 0,766."),
    ("17", "2025", "Đạt 3% tổng chi ngân sách nhà nước năm 2025", ""),
    ("25", "2025", "3 đơn vị", "Ít nhất 3 tập đoàn top đầu đặt trung tâm R&D, sản xuất."),
    ("26", "9/2025", "100%", "Tất cả bộ, ngành, địa phương kết nối qua Trục liên thông."),
    ("29", "8/2025", "1 trung tâm", "Trung tâm Dữ liệu Quốc gia số 1 khánh thành 8/2025."),
    ("30", "6/2025", "86,97%", "Khoảng 77 triệu người có tài khoản."),
    ("31", "6/2025", "~33%", "Khoảng 20 triệu chứng thư; chưa đạt mục tiêu 50% năm 2025."),
    ("33", "2023", "thứ 25 toàn cầu", "Năm 2024 tăng 9 bậc lên thứ 16, nên năm 2023 thứ 25."),
    ("33", "2024", "thứ 16 toàn cầu", "Chỉ số An toàn không gian mạng toàn cầu (ITU)."),
    ("35", "2024", "~30%", "Tỷ lệ doanh thu do doanh nghiệp Việt Nam làm chủ."),
    ("36", "2023", "~15,2% GDP", ""),
    ("36", "2025", "~18% GDP", "Dự kiến cuối năm 2025."),
    ("37", "2024", "hạng 44/132 thế giới", "GII 2024."),
    ("38", "8/2025", "0,77 doanh nghiệp/1.000 dân", "77.989 doanh nghiệp công nghệ số."),
    ("40", "2025", "5 đơn vị", "Báo cáo: >5 tập đoàn top 100 thế giới (ghi nhận cận dưới)."),
)
# Report of 3/2026 by the Government Office: earlier and later figures of 11.2–11.5.
SERIES_ACTUALS: tuple[tuple[str, str, str, str], ...] = (
    ("11.2", "12/2024", "28,40%", ""),
    ("11.2", "3/2026", "47,20%", ""),
    ("11.3", "12/2024", "48,30%", ""),
    ("11.3", "3/2026", "71,05%", ""),
    ("11.4", "12/2024", "50,12%", ""),
    ("11.4", "3/2026", "74,80%", ""),
    ("11.5", "12/2024", "30,15%", ""),
    ("11.5", "3/2026", "33,10%", "Tái sử dụng dữ liệu tại các bộ, ngành còn thấp."),
)
# The Standing Office's 18-month report (seed 002, figures to 30/6/2026): the indicators it
# states, in its own words. Its 2025 digital-economy share (14,02%) is the measured figure
# that supersedes the 9/2025 report's estimate (~18%) for the same year.
STANDING_OFFICE_ACTUALS: tuple[tuple[str, str, str, str], ...] = (
    ("10", "2025", "14,02% GDP",
     "Tỷ trọng giá trị tăng thêm của kinh tế số trong GDP năm 2025 đạt 14,02%."),
    ("17", "2026", "3% tổng chi ngân sách nhà nước",
     "Ngân sách năm 2026 đã bảo đảm mức tối thiểu 3% tổng chi ngân sách nhà nước."),
    ("23.4", "6/2026", "91,9% dân số",
     "5G phủ khoảng 91,9% dân số; chưa đồng nghĩa với phủ sóng 5G toàn quốc."),
    ("25", "6/2026", "2 đơn vị",
     "Đã có 02 doanh nghiệp công nghệ hàng đầu thế giới thiết lập cơ sở nghiên cứu và phát "
     "triển tại Việt Nam, so với mục tiêu thu hút thêm ít nhất 03 tổ chức, doanh nghiệp."),
    ("36", "2025", "14,02% GDP", "Tỷ trọng kinh tế số trong GDP năm 2025."),
    ("37", "2025", "hạng 44/139 thế giới",
     "Năm 2025 Việt Nam duy trì vị trí 44/139 quốc gia về chỉ số GII."),
)
SEED_SOURCE = "Báo cáo kết quả thực hiện Đề án 06 (tính đến 23/9/2025)"
STANDING_OFFICE_SOURCE = "Báo cáo 18 tháng thực hiện Nghị quyết 57-NQ/TW (đến 30/6/2026)"
_VPTW = "Văn phòng Trung ương Đảng"
SERIES_SOURCE = "Cổng Dịch vụ công quốc gia"


def register_rows() -> list[tuple[str, str, str, int | None, str]]:
    """``(id, name, target text, target year, body)`` for the 52 seed indicators."""
    rows = []
    for indicator_id, cell in SEED_INDICATORS:
        name, _, target = cell.rpartition(": ")
        year: int | None = 2030
        if name.startswith(YEAR_REMARK):
            name, target, year = name[len(YEAR_REMARK):], YEAR_REMARK + target, None
        rows.append((indicator_id, name, target, year, RESPONSIBLE.get(indicator_id, _KHCN)))
    return rows


def write_register(path: Path) -> Path:
    """Write the 52-indicator register workbook."""
    workbook = Workbook()
    rows = [(str(n), indicator_id, name, target, year, body, SOURCE_DOCUMENT, "")
            for n, (indicator_id, name, target, year, body) in enumerate(register_rows(), 1)]
    write_table_sheet(workbook.active, "Chỉ tiêu", ["VĂN PHÒNG CHÍNH PHỦ",
                                   "DANH MỤC CHỈ TIÊU THỰC HIỆN NGHỊ QUYẾT 57-NQ/TW"],
           REGISTER_HEADERS, rows)
    save_deterministic(workbook, path)
    return path


def seed_actual_rows() -> list[tuple[str, str, str, str]]:
    """The 9/2025 report: seed figures, and "Chưa có số liệu" for every other indicator."""
    reported = {row[0] for row in SEED_ACTUALS}
    rows = list(SEED_ACTUALS)
    for indicator_id, _cell in SEED_INDICATORS:
        if indicator_id not in reported:
            rows.append((indicator_id, "8/2025", NO_DATA, ""))
    order = [indicator_id for indicator_id, _ in SEED_INDICATORS]
    return sorted(rows, key=lambda row: (order.index(row[0]), rows.index(row)))


def write_actuals(path: Path, agency: str, month: str, as_of: str,
                  rows: list[tuple[str, str, str, str]], source: str) -> Path:
    """Write one results report (title block with body, month and as-of date)."""
    names = {indicator_id: name for indicator_id, name, *_ in register_rows()}
    workbook = Workbook()
    table = [(str(n), indicator_id, names[indicator_id], period, result, source, note or None)
             for n, (indicator_id, period, result, note) in enumerate(rows, 1)]
    write_table_sheet(workbook.active, "Kết quả", [
        agency.upper(),
        "BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ TIÊU NGHỊ QUYẾT 57-NQ/TW",
        f"Kỳ báo cáo: Tháng {month} - Số liệu tính đến ngày {as_of}",
        f"Cơ quan báo cáo: {agency}",
    ], ACTUAL_HEADERS, table)
    save_deterministic(workbook, path)
    return path


def write_indicators_demo(inbox: Path) -> list[Path]:
    """Write the indicator register and the three results reports into ``inbox/indicators``.

    Returns:
        The paths written, register first.
    """
    folder = inbox / "indicators"
    return [
        write_register(folder / "danh_muc_chi_tieu_nq57.xlsx"),
        write_actuals(folder / "BKHCN_2025-09_ket_qua_chi_tieu.xlsx", _KHCN, "9/2025",
                      "23/9/2025", seed_actual_rows(), SEED_SOURCE),
        write_actuals(folder / "VPCP_2026-03_ket_qua_chi_tieu.xlsx", _VPCP, "3/2026",
                      "31/3/2026", list(SERIES_ACTUALS), SERIES_SOURCE),
        write_actuals(folder / "VPTW_2026-06_ket_qua_chi_tieu.xlsx", _VPTW, "6/2026",
                      "30/6/2026", list(STANDING_OFFICE_ACTUALS), STANDING_OFFICE_SOURCE),
    ]

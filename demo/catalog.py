"""Vocabulary of the demo generator: documents, task wording, deadlines, difficulties.

Layouts and word lists are data, not code: the generator combines them with a seeded
``random.Random`` so that the demo inbox reads like real submissions while staying
byte-for-byte reproducible. Every document below is one the seed documents mention, so a
reviewer can trace each synthetic sheet to a real instrument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Document:
    """A document that assigns tasks, i.e. one sheet of the task register.

    Attributes:
        prefix: Task-code prefix (``NQ57`` gives codes ``NQ57-0001``…).
        title: Title as written in "Văn bản giao".
        issued: Date of the document, used as the tasks' assigned date.
        sheet: Worksheet name (at most 31 characters, no ``/``).
    """

    prefix: str
    title: str
    issued: date
    sheet: str


@dataclass(frozen=True)
class SyntheticSource:
    """A seed-mentioned document under which synthetic tasks are assigned.

    Attributes:
        title: Title as written.
        issued: Date of the document.
        weight: Relative share of the synthetic tasks it carries.
    """

    title: str
    issued: date
    weight: float


_KIND_PREFIX = {
    "Nghị quyết": "NQ",
    "Thông báo": "TB",
    "Thông báo kết luận": "TB",
    "Kế hoạch": "KH",
    "Công văn": "CV",
    "Chương trình": "CTR",
    "Quy định": "QD",
    "Quyết định": "QD",
}
_TITLE_RE = re.compile(
    r"^(?P<kind>Nghị quyết|Thông báo kết luận|Thông báo|Kế hoạch|Công văn|Chương trình"
    r"|Quy định|Quyết định) số (?P<code>(?P<number>\d+)\S*)"
)
_PLAN_2025 = Document(
    prefix="KH2025",
    title="Kế hoạch hoạt động năm 2025 của Ban Chỉ đạo của Chính phủ",
    issued=date(2025, 4, 15),
    sheet="KH 2025 BCĐCP",
)


def document_for(title: str, issued: date) -> Document:
    """Derive the register sheet and task-code prefix of an assigning document.

    "Thông báo số 03-TB/BCĐTW …" gives prefix ``TB03`` and sheet ``03-TB-BCĐTW``; notices of
    the Steering Committee's working group ("…-TB/TGV") get ``TGV`` so that their numbers do
    not collide with the committee's own notices.

    Raises:
        ValueError: The title is not of a known form.
    """
    if title == _PLAN_2025.title:
        return _PLAN_2025
    match = _TITLE_RE.match(title)
    if match is None:
        raise ValueError(f"cannot derive a task-code prefix from {title!r}")
    kind = "TGV" if "/TGV" in match["code"] else _KIND_PREFIX[match["kind"]]
    code = match["code"].rstrip(",")
    return Document(
        prefix=f"{kind}{int(match['number']):02d}",
        title=title,
        issued=issued,
        sheet=code.replace("/", "-")[:31],
    )


# Documents the seeds mention, with the share of synthetic tasks each carries. Between them
# they put tasks in every quarter from 2024-Q4 to 2026-Q2.
SYNTHETIC_SOURCES: tuple[SyntheticSource, ...] = (
    SyntheticSource("Nghị quyết số 57-NQ/TW ngày 22/12/2024", date(2024, 12, 22), 10),
    SyntheticSource("Nghị quyết số 03/NQ-CP ngày 09/01/2025", date(2025, 1, 9), 12),
    SyntheticSource("Thông báo số 03-TB/BCĐTW ngày 06/3/2025", date(2025, 3, 6), 4),
    SyntheticSource("Thông báo số 04-TB/BCĐTW ngày 30/5/2025", date(2025, 5, 30), 4),
    SyntheticSource("Kế hoạch số 01-KH/BCĐTW ngày 02/6/2025", date(2025, 6, 2), 7),
    SyntheticSource("Kế hoạch số 02-KH/BCĐTW ngày 19/6/2025", date(2025, 6, 19), 4),
    SyntheticSource("Quy định số 05-QĐ/BCĐTW ngày 27/8/2025", date(2025, 8, 27), 5),
    SyntheticSource("Quyết định số 2618/QĐ-BKHCN ngày 11/9/2025", date(2025, 9, 11), 4),
    SyntheticSource("Thông báo số 45-TB/TGV ngày 30/9/2025", date(2025, 9, 30), 4),
    SyntheticSource("Thông báo số 17-TB/CQTTBCĐ ngày 29/12/2025", date(2025, 12, 29), 9),
    SyntheticSource("Công văn số 19995-CV/VPTW ngày 09/01/2026", date(2026, 1, 9), 5),
    SyntheticSource("Chương trình số 02-CTr/BCĐTW ngày 02/02/2026", date(2026, 2, 2), 9),
    SyntheticSource("Công văn số 693-CV/VPTW ngày 02/3/2026", date(2026, 3, 2), 6),
    SyntheticSource("Thông báo kết luận số 22-TB/CQTTCĐ ngày 20/3/2026", date(2026, 3, 20), 4),
    SyntheticSource("Công văn số 1734-CV/VPTW ngày 13/4/2026", date(2026, 4, 13), 4),
    SyntheticSource("Thông báo số 74-TB/VPTW ngày 01/6/2026", date(2026, 6, 1), 2),
)

# Group leads of synthetic shared tasks (reported by the Standing Office, VPTW).
GROUP_LEADS = (
    "Các bộ, ngành, địa phương",
    "Các bộ, ngành",
    "Các tỉnh, thành phố trực thuộc Trung ương",
    "Các bộ, cơ quan ngang bộ",
    "Bộ, ngành, địa phương",
)
COORD_GROUPS = (
    "các bộ, ngành, địa phương liên quan",
    "Các bộ, ngành",
    "các địa phương",
    "các cơ quan liên quan",
)


@dataclass(frozen=True)
class Template:
    """A task wording: ``{topic}`` is filled from the lead's topic pool.

    Attributes:
        text: Task name with a ``{topic}`` slot.
        product: Expected product ("Dự kiến kết quả").
        group: Register group ("Nhóm nhiệm vụ") it belongs to.
        output: Kind of document that proves completion ("Quyết định", "Báo cáo" …).
    """

    text: str
    product: str
    group: str
    output: str


_G_INSTITUTION = "Hoàn thiện thể chế, cơ chế, chính sách"
_G_INFRA = "Phát triển hạ tầng số, dữ liệu và nền tảng số"
_G_GOV = "Chuyển đổi số trong hoạt động của cơ quan nhà nước"
_G_PEOPLE = "Phát triển nguồn nhân lực, nâng cao nhận thức"
_G_SCIENCE = "Khoa học, công nghệ và đổi mới sáng tạo"
_G_COOP = "Hợp tác quốc tế"
_G_ORG = "Tổ chức thực hiện, kiểm tra, giám sát"

ONE_OFF_TEMPLATES: tuple[Template, ...] = (
    Template(
        "Xây dựng, ban hành Kế hoạch triển khai {topic}",
        "Kế hoạch được ban hành",
        _G_ORG,
        "Quyết định",
    ),
    Template(
        "Rà soát, sửa đổi, bổ sung quy định về {topic}",
        "Văn bản quy phạm pháp luật",
        _G_INSTITUTION,
        "Thông tư",
    ),
    Template("Xây dựng Đề án {topic}", "Đề án được phê duyệt", _G_INSTITUTION, "Quyết định"),
    Template("Hoàn thành {topic}", "Hệ thống được đưa vào vận hành", _G_INFRA, "Quyết định"),
    Template("Triển khai thí điểm {topic}", "Báo cáo kết quả thí điểm", _G_SCIENCE, "Báo cáo"),
    Template(
        "Nâng cấp, hoàn thiện hệ thống thông tin phục vụ {topic}",
        "Hệ thống thông tin được nâng cấp",
        _G_INFRA,
        "Quyết định",
    ),
    Template(
        "Số hóa, chuẩn hóa dữ liệu phục vụ {topic}",
        "Dữ liệu được số hóa, chuẩn hóa",
        _G_INFRA,
        "Báo cáo",
    ),
    Template("Tổ chức sơ kết, đánh giá kết quả {topic}", "Báo cáo sơ kết", _G_ORG, "Báo cáo"),
    Template("Ban hành hướng dẫn thực hiện {topic}", "Văn bản hướng dẫn", _G_GOV, "Công văn"),
    Template(
        "Xây dựng cơ chế, chính sách hỗ trợ {topic}",
        "Cơ chế, chính sách được ban hành",
        _G_INSTITUTION,
        "Nghị quyết",
    ),
    Template(
        "Tổ chức đào tạo, bồi dưỡng kỹ năng số phục vụ {topic}",
        "Các lớp đào tạo, bồi dưỡng được tổ chức",
        _G_PEOPLE,
        "Báo cáo",
    ),
    Template(
        "Ký kết, triển khai thỏa thuận hợp tác về {topic}",
        "Thỏa thuận hợp tác",
        _G_COOP,
        "Thỏa thuận",
    ),
    Template(
        "Kết nối, chia sẻ dữ liệu với Trung tâm dữ liệu quốc gia phục vụ {topic}",
        "Dữ liệu được kết nối, đồng bộ",
        _G_INFRA,
        "Báo cáo",
    ),
    Template(
        "Cung cấp dịch vụ công trực tuyến toàn trình về {topic}",
        "Dịch vụ công trực tuyến toàn trình",
        _G_GOV,
        "Quyết định",
    ),
)
RECURRING_TEMPLATES: tuple[Template, ...] = (
    Template("Theo dõi, đôn đốc, báo cáo tình hình {topic}", "Báo cáo định kỳ", _G_ORG, "Báo cáo"),
    Template("Tuyên truyền, phổ biến về {topic}", "Tin, bài tuyên truyền", _G_PEOPLE, "Báo cáo"),
    Template(
        "Cập nhật, làm sạch dữ liệu phục vụ {topic}", "Dữ liệu được cập nhật", _G_INFRA, "Báo cáo"
    ),
    Template(
        "Duy trì vận hành an toàn, ổn định hệ thống phục vụ {topic}",
        "Hệ thống vận hành ổn định",
        _G_INFRA,
        "Báo cáo",
    ),
    Template("Kiểm tra, giám sát việc thực hiện {topic}", "Báo cáo kiểm tra", _G_ORG, "Báo cáo"),
)

# Topics by current lead body. Ministries get their sector; provinces and central bodies
# share the pools below.
MINISTRY_TOPICS: dict[str, tuple[str, ...]] = {
    "BQP": (
        "chuyển đổi số trong Quân đội",
        "bảo mật thông tin, dữ liệu quân sự",
        "công nghiệp quốc phòng ứng dụng công nghệ cao",
    ),
    "BCA": (
        "cơ sở dữ liệu quốc gia về dân cư",
        "định danh và xác thực điện tử",
        "tiện ích trên ứng dụng VNeID",
        "an ninh mạng",
    ),
    "BNG": (
        "ngoại giao công nghệ",
        "mạng lưới chuyên gia, trí thức Việt Nam ở nước ngoài",
        "hợp tác quốc tế về khoa học, công nghệ",
    ),
    "BNV": (
        "cơ sở dữ liệu cán bộ, công chức, viên chức",
        "lưu trữ tài liệu điện tử",
        "chính sách thu hút nhân lực chuyển đổi số",
    ),
    "BTP": (
        "cơ sở dữ liệu hộ tịch điện tử",
        "hệ thống văn bản quy phạm pháp luật điện tử",
        "lý lịch tư pháp điện tử",
    ),
    "BTC": (
        "cơ sở dữ liệu tài chính",
        "hóa đơn điện tử",
        "quỹ đầu tư mạo hiểm",
        "cơ chế tài chính cho nhiệm vụ khoa học, công nghệ",
    ),
    "BCT": (
        "thương mại điện tử",
        "an ninh năng lượng phục vụ chuyển đổi số",
        "truy xuất nguồn gốc hàng hóa",
        "công nghiệp công nghệ cao",
    ),
    "BNNMT": (
        "cơ sở dữ liệu đất đai",
        "truy xuất nguồn gốc nông, lâm, thủy sản",
        "quan trắc môi trường tự động",
        "nông nghiệp số",
    ),
    "BXD": (
        "cơ sở dữ liệu về hoạt động xây dựng",
        "giao thông thông minh",
        "đô thị thông minh",
        "thu phí không dừng",
    ),
    "BVHTTDL": (
        "chuyển đổi số trong lĩnh vực văn hóa",
        "du lịch thông minh",
        "số hóa di sản văn hóa",
    ),
    "BKHCN": (
        "nền tảng số quốc gia",
        "Cổng Sáng kiến khoa học và công nghệ",
        "hạ tầng viễn thông, mạng 5G",
        "Quỹ phát triển khoa học và công nghệ quốc gia",
        "công nghệ chiến lược",
        "Sàn giao dịch khoa học và công nghệ",
    ),
    "BGDDT": (
        "học bạ số",
        "cơ sở dữ liệu ngành giáo dục",
        "đào tạo nhân lực vi mạch bán dẫn",
        'mô hình hợp tác "3 Nhà"',
    ),
    "BYT": ("bệnh án điện tử", "Sổ sức khỏe điện tử", "cơ sở dữ liệu ngành y tế"),
    "BDTTG": (
        "chuyển đổi số vùng đồng bào dân tộc thiểu số",
        "cơ sở dữ liệu về công tác dân tộc, tôn giáo",
    ),
    "VPCP": (
        "Cổng Dịch vụ công quốc gia",
        "Hệ thống thông tin phục vụ chỉ đạo, điều hành",
        "cắt giảm, đơn giản hóa thủ tục hành chính",
    ),
    "TTCP": (
        "cơ sở dữ liệu kiểm soát tài sản, thu nhập",
        "tiếp nhận, xử lý đơn thư trên môi trường số",
    ),
    "NHNN": (
        "thanh toán không dùng tiền mặt",
        "xác thực sinh trắc học trong giao dịch ngân hàng",
        "thử nghiệm có kiểm soát công nghệ tài chính",
    ),
}
CENTRAL_TOPICS: tuple[str, ...] = (
    "chuyển đổi số trong cơ quan",
    "số hóa hồ sơ, tài liệu lưu trữ",
    "ứng dụng trí tuệ nhân tạo trong công tác chuyên môn",
    "hệ thống quản lý văn bản và điều hành",
    "bảo đảm an toàn thông tin mạng",
    "nền tảng họp trực tuyến",
)
PROVINCE_TOPICS: tuple[str, ...] = (
    "chính quyền số cấp xã",
    "Trung tâm giám sát, điều hành thông minh",
    "số hóa dữ liệu đất đai",
    'phong trào "Bình dân học vụ số"',
    "dịch vụ công trực tuyến toàn trình",
    "giải ngân kinh phí khoa học, công nghệ cấp xã",
    "hạ tầng số tại các khu công nghiệp",
    "thanh toán không dùng tiền mặt",
    "Hệ thống thông tin giải quyết thủ tục hành chính cấp tỉnh",
    "đô thị thông minh",
)
SHARED_TOPICS: tuple[str, ...] = (
    "Nghị quyết số 57-NQ/TW",
    "Chương trình công tác năm 2026 của Ban Chỉ đạo",
    "kế hoạch chuyển đổi số của cơ quan, địa phương",
    "đăng ký kinh phí nhiệm vụ khoa học, công nghệ",
    "các chỉ tiêu của Nghị quyết số 57-NQ/TW",
)

# Deadline phrases. ``{d} {m} {y} {q} {dd} {mm}`` are filled from the chosen due period; the
# generator checks every phrase with parse_deadline before using it.
RECURRING_PHRASES = (
    "Thường xuyên",
    "Thường xuyên",
    "Thường xuyên",
    "Hằng tháng",
    "Hàng tháng",
    "Hằng năm",
    "Hàng năm",
    "Thực hiện thường xuyên",
    "Hàng tuần",
    "Hoàn thành theo lộ trình",
    "Định kỳ hằng tháng",
)
RECURRING_PHRASES_2025 = ("2025 và những năm tiếp theo",)
MONTH_PHRASES = (
    "Tháng {m}/{y}",
    "Tháng {m}/{y}",
    "{m}/{y}",
    "Hoàn thành trong tháng {m}/{y}",
    "Chậm nhất trong tháng {m}/{y}",
    "Trước ngày 01/{m1}/{y1}",
)
DAY_PHRASES = ("{d}/{m}/{y}", "{dd}/{mm}/{y}", "Trước ngày {d}/{m}/{y}")
QUARTER_PHRASES = ("Quý {q}/{y}", "quý {q}/{y}", "Hoàn thành trong quý {q}/{y}")
YEAR_PHRASES = ("{y}", "Năm {y}")

DIFFICULTIES: tuple[str, ...] = (
    "Chưa được bố trí kinh phí thực hiện.",
    "Đang chờ ý kiến thẩm định của các bộ, ngành liên quan.",
    "Dữ liệu chưa được chuẩn hóa, chưa kết nối được với Trung tâm dữ liệu quốc gia.",
    "Thiếu nhân lực chuyên trách về công nghệ thông tin.",
    "Vướng mắc về thủ tục đầu tư, mua sắm thiết bị.",
    "Chờ hướng dẫn của cơ quan chủ quản.",
    "Hạ tầng, thiết bị tại cấp xã chưa đáp ứng yêu cầu.",
    "Khối lượng công việc lớn, tiến độ phụ thuộc đơn vị phối hợp.",
)
FOOTNOTE = (
    "Ghi chú: Tình trạng ghi một trong các giá trị: Chưa triển khai, Đang thực hiện, "
    "Đã hoàn thành. Nhiệm vụ đã hoàn thành phải ghi ngày hoàn thành, sản phẩm và minh chứng."
)

"""Demo public-service exports: the portal's monthly counts and the feedback system's items.

The report of 30/6/2026 (seed 002, section on administrative procedures) gives, for the
first five months of 2026, the rates of online dossiers, digitised dossiers and data reuse:
93,54%, 88,56% and 96,04% at provinces, 34,24%, 19,23% and 5,29% at ministries. File 004
gives August 2025 with numerators and bases: digitisation 144.857/275.571 (ministries) and
1.597.570/2.457.423 (provinces); data reuse 11.520/275.598 and 1.254.728/3.082.112. Agency
figures are not public, so the demo draws them: each level's national counts per month are
fixed first (exactly the report's where it gives them; for January–May 2026 totals whose
ratios round to its rates), then split across the bodies by fixed weights so that they add up
exactly and no numerator exceeds its base. The electronic-result and online-payment rates,
and the other months of 2025, are plausible and not from the report.

The portal export covers 15 ministries (the report's "15/15 bộ, ngành" connected to the
portal: the current ministries and ministry-level agencies except the Government Office and
the Government Inspectorate, which handle almost no dossiers) and the 34 provinces, from
July 2025 (the two-level local government) to May 2026. The Government Office sends the
exports until April 2026, the Ministry of Public Security from May 2026 (the portal moved to
it). March 2026 is exported twice: the first file overstated one province's digitised
dossiers and the corrected export supersedes it. The Ministry of Defence and the Ministry of
Foreign Affairs have no fee-bearing procedures on the portal: their payment pair is blank.

The feedback system (pakn.dcs.vn) export of 29/6/2026 lists 1.071 items, 1.009 handled
(94,2%), as the report says; an earlier export of 31/3/2026 shows the same items as they
stood then. The launch date (15/9/2025) and the items themselves are demo assumptions.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import Workbook

from dagster_project.lib.ingest.public_services import RATES
from dagster_project.lib.reference.agencies import AgencyDirectory
from dagster_project.lib.text.vnformat import fmt_int
from demo.budget import split
from demo.workbooks import save_deterministic, write_table_sheet

SEED = 57
LEVELS = ("ministry", "province")
NOT_ON_PORTAL = {"VPCP", "TTCP"}
NO_FEES = {"BQP", "BNG"}
MONTHS = tuple(date(2025 + (6 + i) // 12, (6 + i) % 12 + 1, 1) for i in range(11))
PORTAL_MOVED = date(2026, 5, 1)
CORRECTED_MONTH = date(2026, 3, 1)

# Report figures: (numerator, base) for a level and rate, either for one month or summed over
# January–May 2026 (those give a ratio only; the bases below are the demo's).
AUGUST_2025 = {
    ("ministry", "digitisation"): (144_857, 275_571),
    ("ministry", "reuse"): (11_520, 275_598),
    ("province", "digitisation"): (1_597_570, 2_457_423),
    ("province", "reuse"): (1_254_728, 3_082_112),
}
FIVE_MONTHS_2026 = {
    ("ministry", "online"): Decimal("0.3424"),
    ("ministry", "digitisation"): Decimal("0.1923"),
    ("ministry", "reuse"): Decimal("0.0529"),
    ("province", "online"): Decimal("0.9354"),
    ("province", "digitisation"): Decimal("0.8856"),
    ("province", "reuse"): Decimal("0.9604"),
}
# Plausible monthly bases per level (dossiers received; the other bases are shares of it)
# and rates where the report gives none.
RECEIVED = {"ministry": 290_000, "province": 3_150_000}
BASE_SHARE = {"digitisation": (0.92, 1.0), "reuse": (0.95, 1.05), "e_result": (0.88, 0.97),
              "online_payment": (0.25, 0.4)}
RATE_2025 = {
    "ministry": {"online": (0.22, 0.33), "digitisation": (0.45, 0.56), "reuse": (0.03, 0.05),
                 "e_result": (0.35, 0.5), "online_payment": (0.2, 0.3)},
    "province": {"online": (0.55, 0.85), "digitisation": (0.6, 0.7), "reuse": (0.35, 0.6),
                 "e_result": (0.7, 0.85), "online_payment": (0.45, 0.6)},
}
RATE_2026 = {"ministry": {"e_result": (0.45, 0.55), "online_payment": (0.28, 0.35)},
             "province": {"e_result": (0.85, 0.92), "online_payment": (0.6, 0.7)}}

PORTAL_HEADERS = ("TT", "Bộ, ngành, địa phương", "Tổng số hồ sơ tiếp nhận", "Hồ sơ trực tuyến",
                  "Hồ sơ thuộc diện số hóa", "Hồ sơ đã số hóa",
                  "Hồ sơ thuộc diện khai thác lại dữ liệu",
                  "Hồ sơ có khai thác, sử dụng lại dữ liệu", "Hồ sơ đã giải quyết",
                  "Hồ sơ trả kết quả điện tử", "Hồ sơ phải nộp phí, lệ phí",
                  "Hồ sơ thanh toán trực tuyến", "Ghi chú")
SENDERS = ("Văn phòng Chính phủ", "Bộ Công an")


@dataclass(frozen=True)
class PortalBody:
    """A body on the portal: id, name as the export writes it, and level."""

    agency_id: str
    name: str
    level: str


def portal_bodies() -> list[PortalBody]:
    """The 15 ministries and 34 provinces of the export, in the seed's order."""
    return [PortalBody(agency.agency_id, agency.name_vi, agency.kind)
            for agency in AgencyDirectory.from_seeds().in_force(LEVELS)
            if agency.agency_id not in NOT_ON_PORTAL]


def split_capped(total: int, weights: Sequence[int], caps: Sequence[int]) -> list[int]:
    """Split ``total`` by ``weights`` with no part above its cap (a numerator above its base).

    Parts that would exceed their cap are held at it and the excess is split again over the
    parts with room left, until everything is placed.
    """
    if total > sum(caps):
        raise ValueError("the total exceeds the sum of the caps")
    shares = [0] * len(weights)
    open_parts = [i for i, cap in enumerate(caps) if cap > 0]
    left = total
    while left:
        parts = split(left, [max(weights[i], 1) for i in open_parts])
        left = 0
        for index, part in zip(open_parts, parts, strict=True):
            room = caps[index] - shares[index]
            shares[index] += min(part, room)
            left += max(part - room, 0)
        open_parts = [i for i in open_parts if shares[i] < caps[i]]
    return shares


def numerator_for(base: int, rate: Decimal) -> int:
    """The numerator whose ratio to ``base`` rounds to ``rate`` (four decimals, half up)."""
    numerator = int((base * rate).to_integral_value(ROUND_HALF_UP))
    assert (Decimal(numerator) / base).quantize(Decimal("0.0001"), ROUND_HALF_UP) == rate
    return numerator


@dataclass
class _LevelMonth:
    """National (numerator, base) per rate for one level and month."""

    pairs: dict[str, tuple[int, int]]


def _level_months(rng: random.Random) -> dict[tuple[str, date], _LevelMonth]:
    plan: dict[tuple[str, date], _LevelMonth] = {}
    for level in LEVELS:
        for month in MONTHS:
            received = int(RECEIVED[level] * rng.uniform(0.9, 1.1))
            pairs: dict[str, tuple[int, int]] = {}
            for rate in RATES:
                base = received if rate.name == "online" else int(
                    received * rng.uniform(*BASE_SHARE[rate.name]))
                table = RATE_2025 if month.year == 2025 else RATE_2026
                low, high = table[level].get(rate.name, (0.0, 0.0))
                pairs[rate.name] = (int(base * rng.uniform(low, high)), base)
            pairs.update({name: pair for (lvl, name), pair in AUGUST_2025.items()
                          if lvl == level and month == date(2025, 8, 1)})
            plan[(level, month)] = _LevelMonth(pairs)
        _calibrate_five_months(plan, level, rng)
    return plan


def _calibrate_five_months(plan: dict[tuple[str, date], _LevelMonth], level: str,
                           rng: random.Random) -> None:
    """Set January–May 2026 numerators so that their sums give the report's rates."""
    months = [month for month in MONTHS if month.year == 2026]
    for (lvl, name), rate in FIVE_MONTHS_2026.items():
        if lvl != level:
            continue
        bases = [plan[(level, month)].pairs[name][1] for month in months]
        total = numerator_for(sum(bases), rate)
        weights = [int(base * rng.uniform(0.97, 1.03)) for base in bases]
        for month, numerator in zip(months, split_capped(total, weights, bases), strict=True):
            plan[(level, month)].pairs[name] = (numerator, plan[(level, month)].pairs[name][1])


def _body_rows(plan: _LevelMonth, bodies: Sequence[PortalBody], size: dict[str, int],
               skill: dict[tuple[str, str], float]) -> dict[str, dict[str, int | None]]:
    """Split one level's month across its bodies: bases by size, numerators by skill."""
    rows: dict[str, dict[str, int | None]] = {body.agency_id: {} for body in bodies}
    for rate in RATES:
        numerator, base = plan.pairs[rate.name]
        counted = [body for body in bodies
                   if not (rate.name == "online_payment" and body.agency_id in NO_FEES)]
        if rate.name == "online":
            bases = split(base, [size[body.agency_id] for body in counted])
        else:
            bases = split(base, [size[body.agency_id] * 97 // 100 + 3 for body in counted])
        weights = [max(int(b * skill[(body.agency_id, rate.name)]), 1)
                   for body, b in zip(counted, bases, strict=True)]
        numerators = split_capped(numerator, weights, bases)
        for body in bodies:
            rows[body.agency_id][rate.base] = None
            rows[body.agency_id][rate.numerator] = None
        for body, b, n in zip(counted, bases, numerators, strict=True):
            rows[body.agency_id][rate.base] = b
            rows[body.agency_id][rate.numerator] = n
    return rows


def _count(value: int | None) -> str:
    return "" if value is None else fmt_int(value)


def _write_portal(path: Path, month: date, sender: str,
                  rows: dict[str, dict[str, int | None]], bodies: Sequence[PortalBody],
                  exported: date) -> None:
    columns = [column for rate in RATES for column in (rate.base, rate.numerator)]
    table: list[tuple[object, ...]] = []
    for number, level, heading in ((1, "ministry", "I. BỘ, NGÀNH"),
                                   (2, "province", "II. ĐỊA PHƯƠNG")):
        table.append((heading,))
        members = [body for body in bodies if body.level == level]
        for seq, body in enumerate(members, 1):
            counts = rows[body.agency_id]
            ordered = [counts["dossiers_received"], counts["dossiers_online"]]
            ordered += [counts[c] for c in columns[2:]]
            note = "Không có TTHC thu phí, lệ phí" if body.agency_id in NO_FEES else ""
            table.append((f"{number}.{seq}", body.name, *map(_count, ordered), note))
    workbook = Workbook()
    write_table_sheet(workbook.active, "Bộ chỉ số", [
        sender.upper(),
        "BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP TRONG THỰC HIỆN THỦ TỤC HÀNH CHÍNH, "
        "DỊCH VỤ CÔNG",
        "Nguồn: Cổng Dịch vụ công quốc gia",
        f"Cơ quan báo cáo: {sender}",
        f"Kỳ báo cáo: tháng {month.month}/{month.year}",
        f"Số liệu tính đến ngày {exported.day}/{exported.month}/{exported.year}",
        "Đơn vị tính: hồ sơ",
    ], PORTAL_HEADERS, table)
    save_deterministic(workbook, path)


def write_portal_demo(inbox: Path, seed: int = SEED) -> list[Path]:
    """Write the monthly portal exports under ``inbox/public_services``.

    Returns:
        The files written, by month (the superseded March export before its correction).
    """
    rng = random.Random(seed)
    bodies = portal_bodies()
    size = {body.agency_id: rng.randint(20, 200) for body in bodies}
    skill = {(body.agency_id, rate.name): rng.uniform(0.6, 1.4)
             for body in bodies for rate in RATES}
    plan = _level_months(rng)
    folder = Path(inbox) / "public_services"
    files = []
    for month in MONTHS:
        rows: dict[str, dict[str, int | None]] = {}
        for level in LEVELS:
            members = [body for body in bodies if body.level == level]
            rows.update(_body_rows(plan[(level, month)], members, size, skill))
        sender = SENDERS[month >= PORTAL_MOVED]
        exported = (month + timedelta(days=32)).replace(day=5)
        name = f"DVCQG_bo_chi_so_{month:%Y-%m}.xlsx"
        if month == CORRECTED_MONTH:
            wrong = {agency: dict(counts) for agency, counts in rows.items()}
            first_province = next(body.agency_id for body in bodies if body.level == "province")
            wrong[first_province]["dossiers_digitised"] = wrong[first_province][
                "digitisation_base"]
            path = folder / name
            _write_portal(path, month, sender, wrong, bodies, exported)
            files.append(path)
            exported += timedelta(days=6)
            name = f"DVCQG_bo_chi_so_{month:%Y-%m}_dinh_chinh.xlsx"  # received after the first
        path = folder / name
        _write_portal(path, month, sender, rows, bodies, exported)
        files.append(path)
    return files


# --------------------------------------------------------------------------------------------
# Feedback system (pakn.dcs.vn)

FEEDBACK_SENDER = "Ban Chính sách, chiến lược Trung ương"
FEEDBACK_LAUNCH = date(2025, 9, 15)
FEEDBACK_EXPORTS = (date(2026, 3, 31), date(2026, 6, 29))
FEEDBACK_ITEMS = 1071
FEEDBACK_HANDLED = 1009
FEEDBACK_IN_PROGRESS = 41  # the other 21 not yet taken up
FEEDBACK_HEADERS = ("TT", "Mã phản ánh", "Ngày tiếp nhận", "Loại", "Lĩnh vực",
                    "Tóm tắt nội dung", "Cơ quan xử lý", "Tình trạng xử lý", "Ngày xử lý xong")
KINDS = ("Phản ánh", "Kiến nghị", "Sáng kiến", "Giải pháp")
TOPICS = {
    "Thể chế": "Đề nghị sửa đổi quy định về {x}",
    "Chính sách hỗ trợ": "Kiến nghị chính sách hỗ trợ {x}",
    "Thủ tục hành chính": "Phản ánh thời gian giải quyết thủ tục {x}",
    "Hạ tầng số": "Phản ánh chất lượng kết nối mạng tại {x}",
    "Quản trị dữ liệu": "Đề xuất chuẩn hóa dữ liệu {x}",
    "An toàn thông tin": "Cảnh báo lỗ hổng an toàn thông tin trên {x}",
    "Phổ cập kỹ năng số": "Sáng kiến phổ cập kỹ năng số cho {x}",
}
SUBJECTS = ("doanh nghiệp khởi nghiệp sáng tạo", "cổng dịch vụ công cấp tỉnh",
            "thủ tục cấp phép hoạt động khoa học", "dữ liệu đất đai", "người cao tuổi",
            "xã vùng sâu, vùng xa", "hệ thống một cửa điện tử", "ứng dụng VNeID",
            "chuyển giao công nghệ", "quỹ phát triển khoa học và công nghệ")


@dataclass(frozen=True)
class FeedbackItem:
    """One item: code, dates, kind, topic, summary, handling body, handled date (or None)."""

    code: str
    received: date
    kind: str
    topic: str
    summary: str
    agency: str
    handled: date | None
    in_progress: bool

    def status_on(self, day: date) -> tuple[str, date | None]:
        """Status text and handled date as an export of ``day`` shows them."""
        if self.handled is not None and self.handled <= day:
            return "Đã xử lý", self.handled
        return ("Đang xử lý", None) if self.in_progress or self.handled else ("Chưa xử lý", None)


def feedback_items(seed: int = SEED) -> list[FeedbackItem]:
    """The 1.071 items received to 29/6/2026, the last 62 received not yet handled."""
    rng = random.Random(seed + 1)
    last = FEEDBACK_EXPORTS[-1]
    span = (last - FEEDBACK_LAUNCH).days
    received = sorted(FEEDBACK_LAUNCH + timedelta(days=int(span * rng.random() ** 0.8))
                      for _ in range(FEEDBACK_ITEMS))
    handlers = [agency.name_vi for agency in
                AgencyDirectory.from_seeds().in_force({"ministry", "province", "central_body"})]
    per_year: dict[int, int] = {}
    items = []
    unhandled = FEEDBACK_ITEMS - FEEDBACK_HANDLED
    for index, day in enumerate(received):
        per_year[day.year] = per_year.get(day.year, 0) + 1
        topic = rng.choice(tuple(TOPICS))
        is_open = index >= FEEDBACK_ITEMS - unhandled
        handled = None if is_open else min(day + timedelta(days=rng.randint(2, 40)), last)
        items.append(FeedbackItem(
            f"PAKN-{day.year}-{per_year[day.year]:05d}", day, rng.choice(KINDS), topic,
            TOPICS[topic].format(x=rng.choice(SUBJECTS)), rng.choice(handlers), handled,
            is_open and index < FEEDBACK_ITEMS - unhandled + FEEDBACK_IN_PROGRESS))
    return items


def _write_feedback(path: Path, items: Sequence[FeedbackItem], day: date) -> None:
    table = []
    for number, item in enumerate((i for i in items if i.received <= day), 1):
        status, handled = item.status_on(day)
        table.append((str(number), item.code, f"{item.received:%d/%m/%Y}", item.kind,
                      item.topic, item.summary, item.agency, status,
                      f"{handled:%d/%m/%Y}" if handled else ""))
    workbook = Workbook()
    write_table_sheet(workbook.active, "Phản ánh, kiến nghị", [
        "BAN CHỈ ĐẠO TRUNG ƯƠNG VỀ PHÁT TRIỂN KHOA HỌC, CÔNG NGHỆ, ĐỔI MỚI SÁNG TẠO VÀ "
        "CHUYỂN ĐỔI SỐ",
        "DANH SÁCH PHẢN ÁNH, KIẾN NGHỊ, SÁNG KIẾN, GIẢI PHÁP (pakn.dcs.vn)",
        f"Cơ quan báo cáo: {FEEDBACK_SENDER}",
        f"Số liệu tính đến ngày {day.day}/{day.month}/{day.year}",
    ], FEEDBACK_HEADERS, table)
    save_deterministic(workbook, path)


def write_feedback_demo(inbox: Path, seed: int = SEED) -> list[Path]:
    """Write the feedback-system exports of 31/3/2026 and 29/6/2026."""
    items = feedback_items(seed)
    files = []
    for day in FEEDBACK_EXPORTS:
        path = Path(inbox) / "public_services" / f"PAKN_danh_sach_{day:%Y-%m-%d}.xlsx"
        _write_feedback(path, items, day)
        files.append(path)
    return files

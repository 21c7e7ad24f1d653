"""Demo budget exports: Ministry of Finance allocations and State Treasury disbursements.

The report of 30/6/2026 (seed 002, section V) gives the national figures for 2026: a total
of 103,43 nghìn tỷ đồng, 84,86 allocated, an assigned estimate of 41,058 (39,7% of the
total, up 3,23 nghìn tỷ on the May report) and, to 17/6/2026, 23,35% of the estimate
disbursed: KHCN 30,8% (7.583/24.616 tỷ), ĐMST 12,29% (76,5/622,5), CDS 12,17% (1.925/15.818);
of the 2.032 communes with figures, 29 disbursed nothing on all three pillars, 569 nothing
for KHCN, 167 nothing for ĐMST and 445 gave no CDS figure.

The report rounds: 7.583 + 76,5 + 1.925 over 24.616 + 622,5 + 15.818 is 23,34%, not 23,35%,
and the pillar estimates add up to 41.056,5, not 41.058. The demo therefore works in
hundredths of a tỷ (10 million đồng, as treasury figures are kept) with the unrounded
figures every one of the report's numbers rounds from: estimates 24.616,49 + 622,54 +
15.818,49 = 41.057,52 (41,058 nghìn tỷ; 39,70% of the total) and disbursements 7.583,40 +
76,54 + 1.925,40 = 9.585,34 (23,35%; 30,81%, 12,29%, 12,17% by pillar).

Communes on 17/6/2026: 2.032 of the 3.321 in force report, drawn from the commune reference
with their codes and names. In a fixed order, the first 445 leave CDS blank (no figure);
KHCN is reported as 0 by the first 29 and the 540 after the 445 (569); ĐMST as 0 by the
first 29 and the next 138 after those (167). So exactly 29 have nothing above 0 on any
pillar, and KHCN and ĐMST always carry a figure, CDS never a 0: the report's four counts
hold whichever of "0" or "no figure" its wording is read as.

Bodies (the current ministries, central bodies and provinces) share each national figure by
fixed weights; a province's estimate covers its communes, and no unit disburses more than
its estimate. 2025 and the May 2026 exports give plausible, smaller figures.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from dagster_project.lib.home.paths import DBT_PROJECT_DIR
from dagster_project.lib.reference.agencies import AgencyDirectory
from dagster_project.lib.text.vnformat import fmt_number
from demo.workbooks import save_deterministic

SEED = 57
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
PILLARS = ("KHCN", "DMST", "CDS")
# How each export writes the pillar (the contract reads both spellings).
PILLAR_SHORT = {"KHCN": "KHCN", "DMST": "ĐMST", "CDS": "CDS"}
PILLAR_LONG = {"KHCN": "Khoa học, công nghệ", "DMST": "Đổi mới sáng tạo", "CDS": "Chuyển đổi số"}
SENDER = "Bộ Tài chính"

ALLOCATION_HEADERS = ("TT", "Cơ quan, địa phương", "Trụ cột", "Tổng kinh phí (tỷ đồng)",
                      "Đã phân bổ (tỷ đồng)", "Dự toán giao (tỷ đồng)", "Ghi chú")
DISBURSEMENT_HEADERS = ("TT", "Cơ quan, địa phương", "Mã xã", "Tên xã", "Trụ cột",
                        "Giải ngân (tỷ đồng)", "Ghi chú, giải trình")

REPORT_DATE = date(2026, 6, 17)
REPORT_COMMUNES = 2032
# Commune counts of the report of 17/6/2026 (see the module docstring for how they are laid).
NO_CDS_FIGURE = 445
KHCN_ZERO = 569
DMST_ZERO = 167
NOTHING_ON_ALL = 29


@dataclass(frozen=True)
class Stages:
    """National figures of one pillar in hundredths of a tỷ đồng."""

    total: int
    allocated: int
    estimate: int


@dataclass(frozen=True)
class AllocationExport:
    """One allocation export: fiscal year, date, and national stages per pillar."""

    fiscal_year: int
    as_of: date
    stages: dict[str, Stages]
    long_pillar_names: bool = False


@dataclass(frozen=True)
class DisbursementExport:
    """One disbursement export: national disbursement per pillar and communes reporting."""

    fiscal_year: int
    as_of: date
    disbursed: dict[str, int]
    communes: int


ALLOCATIONS = (
    AllocationExport(2025, date(2025, 12, 31), {
        "KHCN": Stages(3_900_000, 3_500_000, 3_000_000),
        "DMST": Stages(120_000, 100_000, 80_000),
        "CDS": Stages(2_800_000, 2_500_000, 2_000_000),
    }, long_pillar_names=True),
    # May 2026: 3.230 tỷ less assigned than on 17/6/2026 (the report's "tăng 3,23 nghìn tỷ").
    AllocationExport(2026, date(2026, 5, 20), {
        "KHCN": Stages(5_800_000, 4_750_000, 2_261_649),
        "DMST": Stages(243_000, 186_000, 59_254),
        "CDS": Stages(4_300_000, 3_550_000, 1_461_849),
    }),
    AllocationExport(2026, REPORT_DATE, {
        "KHCN": Stages(5_800_000, 4_750_000, 2_461_649),
        "DMST": Stages(243_000, 186_000, 62_254),
        "CDS": Stages(4_300_000, 3_550_000, 1_581_849),
    }),
)
DISBURSEMENTS = (
    DisbursementExport(2025, date(2025, 12, 31),
                       {"KHCN": 1_800_000, "DMST": 40_000, "CDS": 1_200_000}, 1650),
    DisbursementExport(2026, date(2026, 5, 20),
                       {"KHCN": 612_000, "DMST": 5_800, "CDS": 151_000}, 1874),
    DisbursementExport(2026, REPORT_DATE,
                       {"KHCN": 758_340, "DMST": 7_654, "CDS": 192_540}, REPORT_COMMUNES),
)


@dataclass(frozen=True)
class Body:
    """A body that receives a budget: its id, name as the exports write it, and kind."""

    agency_id: str
    name: str
    kind: str


@dataclass(frozen=True)
class Commune:
    """A commune of the reference, with the province body it belongs to."""

    code: str
    name: str
    province: Body


def _bodies() -> list[Body]:
    """Current central bodies, ministries and provinces, in the seed's order."""
    return [Body(agency.agency_id, agency.name_vi, agency.kind) for agency in
            AgencyDirectory.from_seeds().in_force({"central_body", "ministry", "province"})]


def _communes(bodies: Sequence[Body]) -> list[Commune]:
    """Every commune of the reference with its province body."""
    by_id = {body.agency_id: body for body in bodies}
    with (SEEDS_DIR / "provinces.csv").open(encoding="utf-8") as handle:
        province_of_code = {row["province_code"]: by_id[row["agency_id"]]
                            for row in csv.DictReader(handle) if not row["valid_to"]}
    with (SEEDS_DIR / "communes.csv").open(encoding="utf-8") as handle:
        return [Commune(row["commune_code"], row["commune_name"],
                        province_of_code[row["province_code"]])
                for row in csv.DictReader(handle)]


def split(total: int, weights: Sequence[int]) -> list[int]:
    """Split an integer total by integer weights (largest remainder), so parts add up exactly.

    Sums in the marts must equal the national figures to the hundredth; rounding each share
    on its own would drift by a few hundredths.
    """
    weight_sum = sum(weights)
    shares = [total * weight // weight_sum for weight in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % weight_sum), i))
    for index in remainders[: total - sum(shares)]:
        shares[index] += 1
    return shares


def _amount(hundredths: int) -> str:
    """A figure as the exports write it: "7.583,40"."""
    return fmt_number(Decimal(hundredths) / 100, 2)


@dataclass
class _Plan:
    """Every figure of the demo, in hundredths of a tỷ, before it is written."""

    bodies: list[Body]
    weights: dict[str, dict[str, int]]  # pillar -> agency -> weight
    estimates: dict[tuple[int, date], dict[tuple[str, str], Stages]]


def _plan(rng: random.Random, bodies: list[Body]) -> _Plan:
    weights = {pillar: {body.agency_id: rng.randint(20, 200) for body in bodies}
               for pillar in PILLARS}
    estimates: dict[tuple[int, date], dict[tuple[str, str], Stages]] = {}
    for export in ALLOCATIONS:
        rows: dict[tuple[str, str], Stages] = {}
        for pillar in PILLARS:
            national = export.stages[pillar]
            pillar_weights = [weights[pillar][body.agency_id] for body in bodies]
            # total >= allocated >= estimate for every body: split the estimate, then what
            # is allocated beyond it, then what is set aside beyond that.
            estimate = split(national.estimate, pillar_weights)
            extra_allocated = split(national.allocated - national.estimate, pillar_weights)
            extra_total = split(national.total - national.allocated, pillar_weights)
            for body, e, a, t in zip(bodies, estimate, extra_allocated, extra_total,
                                     strict=True):
                rows[(body.agency_id, pillar)] = Stages(e + a + t, e + a, e)
        estimates[(export.fiscal_year, export.as_of)] = rows
    return _Plan(bodies, weights, estimates)


def _commune_states(export: DisbursementExport, order: Sequence[Commune],
                    rng: random.Random) -> dict[str, dict[str, str]]:
    """Per reporting commune and pillar: 'disbursed', 'zero' or 'no_figure'."""
    states: dict[str, dict[str, str]] = {}
    if export.as_of == REPORT_DATE:
        for index, commune in enumerate(order):
            first = index < NOTHING_ON_ALL
            states[commune.code] = {
                "CDS": "no_figure" if index < NO_CDS_FIGURE else "disbursed",
                "KHCN": "zero" if first or NO_CDS_FIGURE <= index < NO_CDS_FIGURE + KHCN_ZERO
                - NOTHING_ON_ALL else "disbursed",
                "DMST": "zero" if first or NO_CDS_FIGURE + KHCN_ZERO - NOTHING_ON_ALL <= index
                < NO_CDS_FIGURE + KHCN_ZERO + DMST_ZERO - 2 * NOTHING_ON_ALL else "disbursed",
            }
        return states
    for commune in order[: export.communes]:
        states[commune.code] = {
            pillar: rng.choices(("disbursed", "zero", "no_figure"), (75, 15, 10))[0]
            for pillar in PILLARS
        }
    return states


COMMUNE_RANGE = {"KHCN": (5, 80), "DMST": (1, 3), "CDS": (5, 60)}


@dataclass
class _DisbursementRows:
    """The rows of one disbursement export: bodies' own figures and communes' figures."""

    bodies: dict[tuple[str, str], int]
    communes: dict[tuple[str, str], int | None]  # (code, pillar) -> figure, None = blank


def _disbursement_rows(export: DisbursementExport, plan: _Plan, order: Sequence[Commune],
                       rng: random.Random) -> _DisbursementRows:
    states = _commune_states(export, order, rng)
    allocation_dates = [d for (year, d) in plan.estimates if year == export.fiscal_year
                        and d <= export.as_of]
    estimates = plan.estimates[(export.fiscal_year, max(allocation_dates))]
    communes: dict[tuple[str, str], int | None] = {}
    by_province: dict[tuple[str, str], int] = {}
    province_of = {commune.code: commune.province.agency_id for commune in order}
    for code, pillars in states.items():
        for pillar, state in pillars.items():
            low, high = COMMUNE_RANGE[pillar]
            value = {"disbursed": rng.randint(low, high), "zero": 0, "no_figure": None}[state]
            communes[(code, pillar)] = value
            key = (province_of[code], pillar)
            by_province[key] = by_province.get(key, 0) + (value or 0)
    bodies: dict[tuple[str, str], int] = {}
    for pillar in PILLARS:
        left = export.disbursed[pillar] - sum(v or 0 for (_, p), v in communes.items()
                                              if p == pillar)
        if left < 0:
            raise ValueError(f"communes disburse more than the nation for {pillar}")
        weights = [estimates[(body.agency_id, pillar)].estimate * rng.randint(6, 14)
                   for body in plan.bodies]
        for body, own in zip(plan.bodies, split(left, weights), strict=True):
            bodies[(body.agency_id, pillar)] = own
            spent = own + by_province.get((body.agency_id, pillar), 0)
            if spent > estimates[(body.agency_id, pillar)].estimate:
                raise ValueError(f"{body.agency_id} {pillar} disburses above its estimate")
    return _DisbursementRows(bodies, communes)


_BOLD = Font(bold=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _title(ws, lines: Sequence[str]) -> int:  # noqa: ANN001 - openpyxl worksheet
    """Title block lines from row 1; returns the header row."""
    for row, line in enumerate(lines, 1):
        ws.cell(row=row, column=1, value=line).font = _BOLD if row <= 3 else Font()
    return len(lines) + 2


def _header(ws, row: int, labels: Sequence[str]) -> None:  # noqa: ANN001
    for column, label in enumerate(labels, 1):
        cell = ws.cell(row=row, column=column, value=label)
        cell.font, cell.alignment = _BOLD, _CENTER


def _footer(ws, row: int) -> None:  # noqa: ANN001
    ws.cell(row=row + 1, column=2, value="Người lập biểu")
    ws.cell(row=row + 1, column=6, value="KT. BỘ TRƯỞNG")


def _write_allocation(path: Path, export: AllocationExport, plan: _Plan) -> None:
    rows = plan.estimates[(export.fiscal_year, export.as_of)]
    national = {stage: sum(getattr(export.stages[p], stage) for p in PILLARS)
                for stage in ("total", "allocated", "estimate")}
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Phân bổ"
    header_row = _title(ws, (
        "BỘ TÀI CHÍNH",
        "TÌNH HÌNH PHÂN BỔ, GIAO DỰ TOÁN KINH PHÍ CHO KHCN, ĐMST, CDS",
        f"NĂM {export.fiscal_year}",
        f"Cơ quan báo cáo: {SENDER}",
        f"Năm ngân sách: {export.fiscal_year}",
        f"Số liệu tính đến ngày {export.as_of.day}/{export.as_of.month}/{export.as_of.year}",
        f"Tổng kinh phí: {_amount(national['total'])} tỷ đồng",
        f"Đã phân bổ: {_amount(national['allocated'])} tỷ đồng",
        f"Dự toán giao: {_amount(national['estimate'])} tỷ đồng",
        "Đơn vị tính: tỷ đồng",
    ))
    _header(ws, header_row, ALLOCATION_HEADERS)
    names = PILLAR_LONG if export.long_pillar_names else PILLAR_SHORT
    row = header_row
    for number, body in enumerate(plan.bodies, 1):
        for pillar in PILLARS:
            stages = rows[(body.agency_id, pillar)]
            row += 1
            values = (str(number) if pillar == "KHCN" else "", body.name, names[pillar],
                      _amount(stages.total), _amount(stages.allocated), _amount(stages.estimate))
            for column, value in enumerate(values, 1):
                if value:
                    ws.cell(row=row, column=column, value=value)
    _footer(ws, row + 1)
    save_deterministic(workbook, path)


def _write_disbursement(path: Path, export: DisbursementExport, plan: _Plan,
                        rows: _DisbursementRows, order: Sequence[Commune]) -> None:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Giải ngân"
    header_row = _title(ws, (
        "BỘ TÀI CHÍNH - KHO BẠC NHÀ NƯỚC",
        "TÌNH HÌNH GIẢI NGÂN KINH PHÍ KHCN, ĐMST, CDS",
        f"NĂM {export.fiscal_year}",
        f"Cơ quan báo cáo: {SENDER}",
        "Đơn vị lập: Kho bạc Nhà nước",
        f"Năm ngân sách: {export.fiscal_year}",
        f"Số liệu tính đến ngày {export.as_of.day}/{export.as_of.month}/{export.as_of.year}",
        "Đơn vị tính: tỷ đồng",
    ))
    _header(ws, header_row, DISBURSEMENT_HEADERS)
    row, number = header_row, 0
    reporting = {code for code, _ in rows.communes}
    communes = [commune for commune in order if commune.code in reporting]
    communes.sort(key=lambda commune: commune.code)
    units: list[tuple[Body, Commune | None]] = [(body, None) for body in plan.bodies]
    units += [(commune.province, commune) for commune in communes]
    for body, commune in units:
        number += 1
        for pillar in PILLARS:
            row += 1
            if commune is None:
                figure: int | None = rows.bodies[(body.agency_id, pillar)]
            else:
                figure = rows.communes[(commune.code, pillar)]
            values = (str(number) if pillar == "KHCN" else "", body.name,
                      commune.code if commune else "", commune.name if commune else "",
                      PILLAR_SHORT[pillar], "" if figure is None else _amount(figure),
                      "Chưa có số liệu" if figure is None else "")
            for column, value in enumerate(values, 1):
                if value:
                    ws.cell(row=row, column=column, value=value)
    _footer(ws, row + 1)
    save_deterministic(workbook, path)


def write_budget_demo(inbox: Path) -> list[Path]:
    """Write the demo budget exports under ``inbox/budget``; the same bytes every time.

    Args:
        inbox: The demo inbox (created if missing).

    Returns:
        The files written: allocation exports, then disbursement exports, by date.
    """
    rng = random.Random(SEED)
    bodies = _bodies()
    plan = _plan(rng, bodies)
    order = rng.sample(_communes(bodies), REPORT_COMMUNES)
    folder = Path(inbox) / "budget"
    files = []
    for export in ALLOCATIONS:
        path = folder / f"BTC_phan_bo_du_toan_{export.fiscal_year}_{export.as_of:%Y-%m-%d}.xlsx"
        _write_allocation(path, export, plan)
        files.append(path)
    for export in DISBURSEMENTS:
        rows = _disbursement_rows(export, plan, order, rng)
        path = folder / f"KBNN_giai_ngan_{export.fiscal_year}_{export.as_of:%Y-%m-%d}.xlsx"
        _write_disbursement(path, export, plan, rows, order)
        files.append(path)
    return files

"""Assemble one quarter's scorecard, in one language, from figures, scores and gate results.

The builder decides *what* the reader sees — which sections, in which order, with which
headings — and nothing about *how* it is drawn: it returns a
:class:`~dagster_project.lib.publish.report.model.Report` that the HTML, PDF and XLSX
writers render. Each subject's tables and charts come from its module under
:mod:`~dagster_project.lib.publish.report.sections`; every label goes through the
:class:`~dagster_project.lib.publish.report.i18n.Translator`, so the English edition is the
same report with the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping

from dagster_project.lib.publish.report.context import ReportContext, ScorecardInputs
from dagster_project.lib.publish.report.method import AgencyResult
from dagster_project.lib.publish.report.model import Column, Lang, Page, Report, Section, Table
from dagster_project.lib.publish.report.sections import (
    annex,
    budget,
    csdl,
    feedback,
    indicators,
    public_services,
    ranking,
    reporting,
    summary,
    tasks,
)


def headline_table(c: ReportContext) -> Table:
    """National figures of the quarter against the quarter before, one block per subject.

    Each figure keeps the precision and the base the source report gives it (23,35% of the
    assigned estimate; 1.009 of 1.071 feedback items), and its change is assessed by the way
    the figure improves: more overdue tasks is worse, not better.
    """
    _ = c._
    prev = c.inputs.previous
    rows = tuple(summary.with_card(c, row) for row in (
        *tasks.headline_rows(c), *feedback.headline_rows(c), *budget.headline_rows(c),
        *csdl.headline_rows(c), *public_services.headline_rows(c),
        *reporting.headline_rows(c), *indicators.headline_rows(c)))
    return Table(
        "headline", _("Số liệu chính toàn quốc"),
        (Column("figure", _("Chỉ số")),
         Column("count", _("Số lượng"), "number", digits_key="count_digits"),
         Column("unit", _("Đơn vị")),
         Column("rate", _("Tỷ lệ"), "pct", digits_key="rate_digits"),
         Column("basis", _("Cơ sở tính")),
         Column("count_change", _("Thay đổi số lượng"), "signed_int",
                digits_key="count_digits"),
         Column("rate_change", _("Thay đổi tỷ lệ"), "pp", digits_key="rate_digits"),
         Column("assessment", _("Đánh giá thay đổi"), "status"),
         Column("trend", _("Diễn biến qua các quý"), "trend"),
         Column("previous_count", _("Quý trước: số lượng"), "number",
                digits_key="count_digits"),
         Column("previous_rate", _("Quý trước: tỷ lệ"), "pct", digits_key="rate_digits")),
        rows,
        note=_("Thay đổi so với {period}. Kinh phí chỉ so sánh trong cùng năm ngân sách; "
               "“–” là không có số liệu.",
               period=c.fmt.period(prev.period.key) if prev else "–"),
    )


def _slice(table: Table, agency_id: str, title: str | None = None) -> Table:
    """The rows of a long per-agency table that belong to one agency, without its name."""
    rows = tuple(r for r in table.rows if r.get("agency_id") == agency_id)
    columns = tuple(col for col in table.columns if col.key != "agency")
    return Table(f"{table.table_id}-{agency_id}", title or table.title, columns, rows,
                 note=table.note, screen_only=table.screen_only, folded=table.folded)


def _reporting_lists(c: ReportContext, agency_id: str,
                     long: Mapping[str, Table]) -> tuple[Table, ...]:
    """The lists under a body's reporting counts, empty ones left out.

    Each count of its reporting table is the rows of one of them (for rows of data, the sum
    of the list's rows column), so a reader can check every number against its list.
    """
    _ = c._
    lists = (_slice(long["agency-report-months"], agency_id, _("Các tháng phải báo cáo")),
             _slice(long["agency-rejected-files"], agency_id, _("Tệp bị từ chối")),
             _slice(long["agency-quarantined-rows"], agency_id, _("Dòng bị cách ly, theo tệp")),
             _slice(long["agency-rule-failures"], agency_id,
                    _("Dòng vi phạm quy tắc kiểm tra, theo quy tắc")))
    return tuple(table for table in lists if table.rows)


def agency_page(c: ReportContext, result: AgencyResult, group_label: str,
                long: Mapping[str, Table]) -> Page:
    """One body's page: its scores, tasks (overdue by name), budget, databases, services."""
    _ = c._
    components = _slice(long["agency-components"], result.agency_id, _("Điểm thành phần"))
    lines = [
        _("Nhóm: {group}.", group=group_label),
        (_("Điểm tổng hợp {score} — {band}; hạng {rank} ({movement}).",
           score=c.fmt.number(result.composite, 1), band=c.band(result.composite).text,
           rank=c.fmt.int(result.rank), movement=ranking.movement_text(c, result))
         if result.composite is not None else
         _("Không đủ số liệu để tính điểm tổng hợp (có số liệu cho {share} tỷ trọng).",
           share=c.fmt.pct(result.weight_share_available, 0))),
    ]
    overdue = _slice(long["agency-overdue-tasks"], result.agency_id,
                     _("Nhiệm vụ quá hạn: rõ người, rõ việc, rõ thời gian"))
    task_list = _slice(long["agency-task-list"], result.agency_id,
                       _("Danh sách nhiệm vụ trong quý"))
    sections = [
        Section("tong-hop", _("Kết quả tổng hợp"), tuple(lines), (components,)),
        Section("nhiem-vu", _("Nhiệm vụ"),
                () if overdue.rows else (_("Không có nhiệm vụ quá hạn."),),
                (_slice(long["agency-tasks"], result.agency_id, _("Nhiệm vụ trong quý")),
                 *((overdue,) if overdue.rows else ()),
                 *((task_list,) if task_list.rows else ()))),
        Section("kinh-phi", _("Kinh phí"), (),
                (_slice(long["agency-budget"], result.agency_id),)),
        Section("csdl", _("Cơ sở dữ liệu do cơ quan chủ quản"), (),
                (_slice(long["csdl-matrix"], result.agency_id),)),
        Section("dich-vu-cong", _("Dịch vụ công trực tuyến"), (),
                (_slice(long["agency-public-services"], result.agency_id),)),
        Section("chat-luong", _("Báo cáo và chất lượng số liệu"), (),
                (_slice(long["agency-reporting"], result.agency_id),
                 *_reporting_lists(c, result.agency_id, long))),
    ]
    return Page(result.agency_id, c.name(result.agency_id), tuple(
        s for s in sections if any(not isinstance(b, Table) or b.rows for b in s.blocks)
        or s.paragraphs), subtitle=group_label)


def build_report(inputs: ScorecardInputs, lang: Lang = "vi") -> Report:
    """The whole scorecard of a quarter in one language."""
    c = ReportContext(inputs, lang)
    _ = c._
    method = inputs.method
    period = inputs.current.period
    long = {t.table_id: t for t in (ranking.agency_components_table(c),
                                    tasks.agency_tasks_table(c), tasks.overdue_table(c),
                                    tasks.agency_overdue_table(c),
                                    tasks.agency_task_list_table(c),
                                    budget.agency_budget_table(c), csdl.csdl_matrix(c),
                                    public_services.agency_public_services_table(c),
                                    reporting.agency_reporting_table(c),
                                    reporting.agency_report_months_table(c),
                                    reporting.agency_rejected_files_table(c),
                                    reporting.agency_quarantined_rows_table(c),
                                    reporting.agency_rule_failures_table(c))}
    rankings = [ranking.ranking_table(c, g.group_id) for g in method.peer_groups]
    budget_chart = budget.budget_chart(c)
    communes = tuple(t for t in (budget.commune_pillar_table(c), budget.commune_province_table(c))
                     if t.rows)
    tile_component = "public_services" if "public_services" in method.weights.get(
        "province", {}) else None
    headline = headline_table(c)
    sections = [
        Section("tom-tat", _("Tóm tắt"), summary.summary_paragraphs(c, headline)),
        Section("toan-quoc", _("Số liệu chính toàn quốc"), (), (headline,)),
        Section("xep-hang", _("Xếp hạng theo nhóm cơ quan"),
                (_("Mỗi cơ quan được so sánh với các cơ quan cùng nhóm; bấm tên cơ quan để "
                   "xem trang chi tiết."), ranking.scoring_paragraph(c)), tuple(rankings)),
        Section("so-do", _("Sơ đồ 34 tỉnh, thành phố"),
                (_("Mỗi ô là một tỉnh, thành phố, tô màu theo vị trí trong nhóm 34 tỉnh, "
                   "thành phố (một phần ba cao nhất, giữa, thấp nhất) và ghi hạng trong "
                   "nhóm; xếp loại theo thang điểm chung ở bảng xếp hạng."),),
                (ranking.tile_chart(c, None),
                 *((ranking.tile_chart(c, tile_component),) if tile_component else ()))),
        Section("kinh-phi", _("Kinh phí khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"),
                budget.commune_paragraphs(c),
                (*((budget_chart,) if budget_chart else ()), budget.budget_table(c),
                 *communes)),
        Section("csdl", _("Cơ sở dữ liệu quốc gia, chuyên ngành"), (),
                (csdl.csdl_summary_table(c), long["csdl-matrix"])),
        Section("dich-vu-cong", _("Dịch vụ công trực tuyến"), (),
                (public_services.public_service_levels_table(c),)),
        Section("chi-tieu", _("Chỉ tiêu đến năm 2030"), (), (indicators.indicator_table(c),)),
        Section("qua-han", _("Nhiệm vụ quá hạn"), (), (long["overdue-tasks"],)),
        Section("chat-luong", _("Chất lượng số liệu và kiểm duyệt"),
                tuple(inputs.gate.notes.get(lang, ())) + (
                    _("Cổng kiểm soát đã kiểm tra {n} quy tắc trước khi công bố.",
                      n=c.fmt.int(inputs.gate.rules_checked)),),
                (long["agency-reporting"],)),
        Section("phuong-phap", _("Phụ lục: Phương pháp đánh giá"),
                (_("Điểm mỗi thành phần từ 0 đến 100; điểm tổng hợp là trung bình có trọng số "
                   "của các thành phần có số liệu."),
                 _("Thiếu số liệu không bao giờ được tính là 0: thành phần không áp dụng hoặc "
                   "thiếu số liệu được bỏ ra và trọng số được chia lại cho các thành phần có số "
                   "liệu, nếu các thành phần này chiếm ít nhất {share} tổng trọng số áp dụng; "
                   "nếu không, cơ quan không có điểm tổng hợp và không được xếp hạng.",
                   share=c.fmt.pct(method.min_weight_share, 0)),
                 _("Xếp hạng trong từng nhóm theo điểm tổng hợp giảm dần; bằng điểm thì cùng "
                   "hạng (1, 2, 2, 4). Thay đổi hạng so với quý trước tính theo cùng phương "
                   "pháp."),
                 _("Phiên bản phương pháp {version}, mã băm SHA-256 {sha}.",
                   version=method.version, sha=method.sha256[:12])),
                annex.method_tables(c)),
    ]
    group_labels = {g.group_id: g.label(lang) for g in method.peer_groups}
    agencies = tuple(agency_page(c, result, group_labels[group_id], long)
                     for group_id, results in inputs.results.items() for result in results)
    title = _("Bảng đánh giá kết quả thực hiện Nghị quyết 57-NQ/TW")
    main = Page("index", title, tuple(sections), subtitle=c.fmt.period(period.key))
    return Report(lang, period.key, title, main, agencies, tuple(long.values()), meta={
        "generated_at": inputs.generated_at,
        "generated_at_text": c.fmt.date(inputs.generated_at.date()),
        "as_of_text": c.fmt.date(period.as_of_date),
        "period_text": c.fmt.period(period.key),
        "annex_href": inputs.gate.annex_href,
    })

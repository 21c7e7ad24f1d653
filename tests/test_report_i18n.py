"""The English edition: every Vietnamese string of the scorecard has an English entry."""

from __future__ import annotations

import ast
import re

import pytest

from dagster_project.lib.home.paths import REPO_ROOT
from dagster_project.lib.publish.report.i18n import (
    MissingTranslation,
    Translator,
    english_catalogue,
)
from dagster_project.lib.publish.templates import TEMPLATES_DIR, environment

REPORT_CODE = REPO_ROOT / "dagster_project" / "lib" / "publish" / "report"
FIELD = re.compile(r"\{\w+\}")


def _code_strings() -> set[str]:
    """Literal first arguments of ``_(...)`` and ``c._(...)`` calls in the report code."""
    found = set()
    for path in REPORT_CODE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = node.func if isinstance(node, ast.Call) else None
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if (name == "_" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    return found


def _template_strings() -> set[str]:
    env = environment()
    env.add_extension("jinja2.ext.i18n")
    found = set()
    for path in (TEMPLATES_DIR / "scorecard").glob("*.j2"):
        for _line, _function, message in env.extract_translations(path.read_text("utf-8")):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_string_of_code_and_templates_has_an_english_entry() -> None:
    strings = _code_strings() | _template_strings()
    assert len(strings) > 150
    missing = sorted(s for s in strings if s not in english_catalogue())
    assert missing == []


@pytest.mark.parametrize(("vietnamese", "english"), sorted(
    (vi, form) for vi, en in english_catalogue().items()
    for form in ((en,) if isinstance(en, str) else en.values())))
def test_translations_keep_every_field(vietnamese: str, english: str) -> None:
    assert sorted(FIELD.findall(vietnamese)) == sorted(FIELD.findall(english))


def test_a_count_picks_the_english_plural_form() -> None:
    """"1 warning rules failed" is wrong: the catalogue's plural forms follow the count."""
    text = "{n} quy tắc cảnh báo không đạt: {rules}."
    assert Translator("en")(text, n=1, rules="SUB-043") == "1 warning rule failed: SUB-043."
    assert Translator("en")(text, n=3, rules="…") == "3 warning rules failed: …."
    assert Translator("vi")(text, n=1, rules="SUB-043") == (
        "1 quy tắc cảnh báo không đạt: SUB-043.")


def test_an_unknown_string_fails_the_english_edition_only() -> None:
    assert Translator("vi")("Chuỗi mới {n}", n=1) == "Chuỗi mới 1"
    with pytest.raises(MissingTranslation, match="Chuỗi mới"):
        Translator("en")("Chuỗi mới {n}", n=1)
    assert Translator("en")("Xếp hạng: {group}", group="Provinces") == "Ranking: Provinces"


def test_the_catalogue_has_no_stale_entries() -> None:
    used = _code_strings() | _template_strings()
    assert sorted(set(english_catalogue()) - used) == []


def test_english_dates_and_each_rows_precision() -> None:
    """English dates read as English; a headline row keeps the decimals its source gives."""
    from datetime import date

    from dagster_project.lib.publish.report.model import Column, Formatter

    assert Formatter("en").date(date(2026, 6, 29)) == "29 June 2026"
    assert Formatter("vi").date(date(2026, 6, 29)) == "29/6/2026"
    assert Formatter("en").month(date(2026, 5, 1)) == "May 2026"
    rate = Column("rate", "Tỷ lệ", "pct", digits_key="rate_digits")
    assert Formatter("vi").cell(0.122948, rate, {"rate_digits": 2}) == "12,29%"
    assert Formatter("vi").cell(0.847515, rate, {"rate_digits": None}) == "84,8%"
    amount = Column("count", "Số lượng", "number", digits_key="count_digits")
    assert Formatter("en").cell(76.54, amount, {"count_digits": 1}) == "76.5"
    change = Column("change", "Thay đổi", "signed_int", digits_key="count_digits")
    assert Formatter("vi").cell(12.25, change, {"count_digits": 1}) == "+12,3"
    assert Formatter("vi").cell(35, change, {}) == "+35"


def test_reviewer_notes_give_each_rule_its_message_and_dates_in_the_readers_language() -> None:
    """"SUB-043" alone tells a reader nothing; an English note has an English date."""
    from datetime import datetime

    from dagster_project.lib.publish.report.publish import gate_notes
    from dagster_project.lib.reference.periods import VIETNAM_TIME

    notes = gate_notes(
        {"by": "Lê Văn C", "at": "2026-06-30T07:05:00+00:00"}, False, [],
        [("SUB-043", {"vi": "Mọi cơ quan gửi đủ báo cáo tháng.",
                      "en": "Every body sent all its monthly reports."})],
        lambda text: datetime.fromisoformat(text).astimezone(VIETNAM_TIME))
    assert notes["vi"] == [
        "Số liệu kỳ này được Lê Văn C phê duyệt công bố lúc 14:05 ngày 30/6/2026 (UTC+07:00).",
        "1 quy tắc cảnh báo không đạt: SUB-043 (Mọi cơ quan gửi đủ báo cáo tháng)."]
    assert "14:05 on 30 June 2026 (UTC+07:00)" in notes["en"][0]
    assert notes["en"][1] == (
        "1 warning rule failed: SUB-043 (Every body sent all its monthly reports).")

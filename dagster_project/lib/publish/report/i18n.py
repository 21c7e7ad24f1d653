"""One set of templates and labels, two languages: Vietnamese source text, English catalogue.

Templates and report code write their text in Vietnamese, the language of the scorecard, as
``_("Xếp hạng")``; the English edition looks each string up in ``reports/i18n/en.yml``. A
string without an English entry is an error, not a silent Vietnamese fallback, so the test
that builds the English edition fails until the catalogue is complete.

An English entry that depends on a count is a mapping of plural forms, ``{one: …, other: …}``;
the translator picks the form by the ``n`` field, so "1 warning rule failed" and "3 warning
rules failed" come from one Vietnamese string (Vietnamese has no plural).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from dagster_project.lib.home.paths import REPORTS_DIR
from dagster_project.lib.publish.report.model import Lang

CATALOGUE = REPORTS_DIR / "i18n" / "en.yml"


class MissingTranslation(KeyError):
    """A Vietnamese string has no English entry in ``reports/i18n/en.yml``."""


Entry = str | Mapping[str, str]
"""An English text, or its plural forms by CLDR category (``one``, ``other``)."""


@functools.cache
def english_catalogue() -> Mapping[str, Entry]:
    """The Vietnamese → English catalogue."""
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8")) or {}
    return {str(k): ({str(form): str(text) for form, text in v.items()}
                     if isinstance(v, Mapping) else str(v)) for k, v in data.items()}


def plural_form(entry: Entry, n: Any) -> str:
    """The English form of an entry for the count ``n`` (``one`` for exactly 1)."""
    if isinstance(entry, str):
        return entry
    count = _count(n)
    return entry["one"] if count == 1 and "one" in entry else entry["other"]


def _count(n: Any) -> float | None:
    """The number a count field holds (``"1"``, ``"1,245"`` as formatted, or a number)."""
    if isinstance(n, int | float):
        return float(n)
    try:
        return float(str(n).replace(",", "").replace(".", ""))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Translator:
    """Translate Vietnamese source strings into the report's language, then fill fields.

    ``_("Trang {page}", page=3)`` gives "Trang 3" in Vietnamese and "Page 3" in English.
    """

    lang: Lang = "vi"

    def __call__(self, text: str, **fields: Any) -> str:
        """The text in the report's language, with ``{fields}`` filled in."""
        if self.lang == "en":
            try:
                entry = english_catalogue()[text]
            except KeyError:
                raise MissingTranslation(
                    f"no English for {text!r} in {CATALOGUE.name}") from None
            text = plural_form(entry, fields.get("n"))
        return text.format(**fields) if fields else text

    def pick(self, vi: str, en: str) -> str:
        """Choose between texts that come in both languages from data (e.g. method.yml)."""
        return vi if self.lang == "vi" else en

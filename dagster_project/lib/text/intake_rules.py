"""The intake rules: why a submitted file, sheet, row or cell is rejected or warned about.

The publication gate's rules are data (``expectations/catalogue.yml`` and its suites). The
rules applied earlier, when a file is read and before anything of it lands, are data too:
``expectations/intake.yml`` gives each rule its stage, its severity and its message in
Vietnamese and English as a ``str.format`` template. A reader names the rule and the values
that fill its message, so the wording an agency reads is reviewed in one file rather than
scattered through the parsers, and a test holds that file and the code to each other.

Some words of a message differ by language: a column's label, a figure written the
Vietnamese way ("1.245") or the English way ("1,245"). Such a field is given as a
``(vi, en)`` pair and each language takes its own. A rule whose wording depends on the case
has named ``variants`` (whole alternative messages) and ``parts`` (fragments that fill a field
of its message, such as an optional hint), rendered with :func:`part`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from dagster_project.lib.home.paths import INTAKE_RULES

__all__ = ["SEVERITIES", "STAGES", "Bilingual", "IntakeRule", "intake_rule", "intake_rules",
           "messages", "part"]

STAGES = ("file", "sheet", "row", "cell")
SEVERITIES = ("error", "warning")

Bilingual = tuple[str, str]
"""A text in Vietnamese and in English, in that order."""


@dataclass(frozen=True)
class IntakeRule:
    """One intake rule, as ``intake.yml`` states it.

    Attributes:
        id: Stable rule id; problems, quarantine rows and the gate's queries carry it.
        stage: What the rule judges: a ``file``, a ``sheet``, a ``row`` or a ``cell``.
        severity: ``error`` rejects what it judges (a row, or the whole file); ``warning``
            is reported to the sender and the data still loads.
        message_vi: The message template in Vietnamese, for the reporting agency.
        message_en: The same template in English, for engineers and logs.
        variants: Other whole messages of the rule by name, as ``(vi, en)`` templates.
        parts: Fragments that fill a field of a message, by name, as ``(vi, en)`` templates.
    """

    id: str
    stage: str
    severity: str
    message_vi: str
    message_en: str
    variants: Mapping[str, Bilingual] = field(default_factory=dict)
    parts: Mapping[str, Bilingual] = field(default_factory=dict)

    def templates(self, variant: str | None = None) -> Bilingual:
        """The ``(vi, en)`` templates of the rule's message, or of one of its variants.

        Raises:
            KeyError: The rule has no such variant (named with the rule and the file).
        """
        if variant is None:
            return self.message_vi, self.message_en
        if variant not in self.variants:
            raise KeyError(f"intake rule {self.id!r} has no variant {variant!r} "
                           f"in {INTAKE_RULES}")
        return self.variants[variant]


def _templates(entry: Mapping[str, Any], vi: str, en: str, where: str) -> Bilingual:
    """A ``(vi, en)`` pair of templates; both must be non-empty text."""
    pair = entry.get(vi), entry.get(en)
    if not all(isinstance(text, str) and text for text in pair):
        raise ValueError(f"{where}: needs non-empty '{vi}' and '{en}'")
    return pair[0], pair[1]


def _rule(rule_id: str, entry: Mapping[str, Any], path: Path) -> IntakeRule:
    """One entry of the file, checked: a typo in a stage or severity fails on loading."""
    where = f"{path}: rule {rule_id!r}"
    if entry.get("stage") not in STAGES:
        raise ValueError(f"{where}: stage must be one of {', '.join(STAGES)}")
    if entry.get("severity") not in SEVERITIES:
        raise ValueError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    variants = {name: _templates(raw, "message_vi", "message_en", f"{where}, variant {name!r}")
                for name, raw in (entry.get("variants") or {}).items()}
    parts = {name: _templates(raw, "vi", "en", f"{where}, part {name!r}")
             for name, raw in (entry.get("parts") or {}).items()}
    return IntakeRule(rule_id, entry["stage"], entry["severity"],
                      *_templates(entry, "message_vi", "message_en", where),
                      variants=MappingProxyType(variants), parts=MappingProxyType(parts))


@cache
def intake_rules(path: Path = INTAKE_RULES) -> Mapping[str, IntakeRule]:
    """Every intake rule by id, read once per process.

    Reader workers call it before their memory is capped, so that reporting a file that
    needs too much memory does not itself need to read a file.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return MappingProxyType({rule_id: _rule(rule_id, entry, path)
                             for rule_id, entry in raw["rules"].items()})


def intake_rule(rule_id: str) -> IntakeRule:
    """The intake rule ``rule_id``.

    Raises:
        KeyError: No such rule: the message names the id and the file it should be in.
    """
    rules = intake_rules()
    if rule_id not in rules:
        raise KeyError(f"unknown intake rule {rule_id!r}: not in {INTAKE_RULES}")
    return rules[rule_id]


def _in_language(value: object, language: int) -> object:
    """A field's value for one language: its half of a ``(vi, en)`` pair, else itself."""
    return value[language] if isinstance(value, tuple) and len(value) == 2 else value


def _render(rule_id: str, template: str, fields: Mapping[str, object], language: int) -> str:
    """Fill one template; a field the template names but the caller forgot is a KeyError."""
    values = {name: _in_language(value, language) for name, value in fields.items()}
    try:
        return template.format_map(values)
    except KeyError as missing:
        raise KeyError(f"intake rule {rule_id!r} needs the field {missing.args[0]!r} "
                       f"({INTAKE_RULES})") from None


def _rendered(rule_id: str, templates: Bilingual, fields: Mapping[str, object]) -> Bilingual:
    return (_render(rule_id, templates[0], fields, 0),
            _render(rule_id, templates[1], fields, 1))


def messages(rule_id: str, /, *, variant: str | None = None, **fields: object) -> Bilingual:
    """The message of a rule (or of one of its variants) in Vietnamese and English.

    Args:
        rule_id: The rule.
        variant: One of the rule's ``variants``; None for its main message.
        **fields: Values for the template's fields. A ``(vi, en)`` pair fills each
            language with its own text; any other value fills both alike.

    Returns:
        ``(message_vi, message_en)``.
    """
    return _rendered(rule_id, intake_rule(rule_id).templates(variant), fields)


def part(rule_id: str, name: str, /, **fields: object) -> Bilingual:
    """One of a rule's ``parts``, rendered, ready to fill a field of its message.

    Raises:
        KeyError: The rule has no such part.
    """
    rule = intake_rule(rule_id)
    if name not in rule.parts:
        raise KeyError(f"intake rule {rule_id!r} has no part {name!r} in {INTAKE_RULES}")
    return _rendered(rule_id, rule.parts[name], fields)

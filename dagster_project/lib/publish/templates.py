"""The Jinja2 environment every report page is rendered with."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jinja2

from dagster_project.lib.home.paths import REPORTS_DIR
from dagster_project.lib.text.vnformat import fmt_date, fmt_int, fmt_pct, fmt_period

TEMPLATES_DIR = REPORTS_DIR / "templates"


@functools.cache
def _base() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # agency names, task names and reviewers' reasons are untrusted
        undefined=jinja2.StrictUndefined,  # a misspelt name fails, never renders blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def environment(**filters: Callable[..., Any]) -> jinja2.Environment:
    """An autoescaped, strict environment with the Vietnamese number and date filters.

    Each report adds its own filters; the environment is an overlay of one shared base, so
    templates are loaded and compiled once.
    """
    env = _base().overlay()
    env.filters.update(fmt_int=fmt_int, fmt_pct=fmt_pct, fmt_date=fmt_date,
                       fmt_period=fmt_period, **filters)
    return env

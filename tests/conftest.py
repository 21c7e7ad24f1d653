"""Shared fixtures: one generated demo inbox per test session (it takes tens of seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The deterministic demo inbox, generated once per session."""
    from dagster_project.demo.generator import generate_demo_inbox

    inbox = tmp_path_factory.mktemp("demo") / "inbox"
    generate_demo_inbox(inbox)
    return inbox

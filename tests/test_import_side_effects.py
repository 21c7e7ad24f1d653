"""Importing the Dagster definitions writes nothing: no home, no dbt parse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.lib.quality.dbt_manifest import MANIFEST_PATH


def test_importing_the_definitions_creates_no_folder_and_parses_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    before = MANIFEST_PATH.stat().st_mtime_ns
    done = subprocess.run(
        [sys.executable, "-c", "import dagster_project.definitions"],
        env={**os.environ, "NQ57_HOME": str(home)}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not home.exists()
    assert MANIFEST_PATH.stat().st_mtime_ns == before


def test_a_missing_manifest_is_named_with_the_command_that_prepares_it(tmp_path: Path) -> None:
    from dagster_project.lib.quality.dbt_manifest import require_manifest

    command = "python -m dagster_project.lib.quality.dbt_manifest"
    with pytest.raises(FileNotFoundError, match=command):
        require_manifest(tmp_path / "manifest.json")

"""docs/marts.md is what scripts/mart_reference.py writes from the dbt YAML today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("mart_reference",
                                                  ROOT / "scripts" / "mart_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mart_reference_is_current() -> None:
    script = _script()
    committed = script.OUTPUT.read_text(encoding="utf-8") if script.OUTPUT.exists() else ""
    assert committed == script.render(), (
        "docs/marts.md no longer matches the marts' dbt YAML; regenerate it with `make docs` "
        "(python scripts/mart_reference.py) and commit the result")


def test_every_mart_and_column_is_in_the_reference() -> None:
    import yaml

    text = _script().render()
    for path in (ROOT / "dbt" / "models" / "marts").glob("**/*.yml"):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            assert f"### `{model['name']}`" in text
            for column in model["columns"]:
                assert f"| `{column['name']}` |" in text

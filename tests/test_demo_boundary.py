"""The product runs without the demo: only `nq57 demo` imports it, and says when it is missing."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project import cli
from dagster_project.console import EXIT_USAGE

REPO_ROOT = Path(__file__).resolve().parents[1]
PRODUCT = REPO_ROOT / "dagster_project"
# The one place the product may import the demo: inside the demo command, at call time.
ALLOWED = {("dagster_project/cli.py", "_demo_generator")}


def _is_demo(module: str | None) -> bool:
    return module is not None and (module == "demo" or module.startswith("demo."))


def _demo_imports(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    """Every import of ``demo`` in a module, with the function that holds it ("" at top level)."""
    found: list[tuple[ast.AST, str]] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if isinstance(node, ast.Import) and any(_is_demo(alias.name) for alias in node.names):
            found.append((node, function))
        if isinstance(node, ast.ImportFrom) and node.level == 0 and _is_demo(node.module):
            found.append((node, function))
        if (isinstance(node, ast.Call) and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                and _is_demo(node.args[0].value)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) in
                {"import_module", "__import__"}):
            found.append((node, function))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "")
    return found


def test_only_the_demo_command_imports_the_demo_package() -> None:
    places = set()
    for path in sorted(PRODUCT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        relative = path.relative_to(REPO_ROOT).as_posix()
        places |= {(relative, function) for _, function in _demo_imports(tree)}
    assert places == ALLOWED


def test_importing_the_cli_loads_no_demo_module() -> None:
    code = ("import sys, dagster_project.cli; "
            "print([m for m in sys.modules if m == 'demo' or m.startswith('demo.')])")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"


def test_demo_without_the_extra_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "demo.generator", None)
    assert cli.main(["demo"]) == EXIT_USAGE
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [cli.DEMO_MISSING]
    assert "pip install -e .[demo]" in lines[0] and "chưa cài" in lines[0]


def test_a_module_the_demo_itself_lacks_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if _is_demo(m)]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ModuleNotFoundError, match="openpyxl"):
        cli._demo_generator()

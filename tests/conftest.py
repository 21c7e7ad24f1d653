"""Shared fixtures: one generated demo inbox per test session (it takes tens of seconds)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock


def pytest_configure(config: pytest.Config) -> None:
    """Keep test runs out of the developer's ./.nq57, and parse the dbt project once
    before any test module imports the Definitions (which only read the manifest)."""
    from dagster_project.lib.quality.dbt_manifest import prepare_dbt_project

    os.environ["NQ57_HOME"] = tempfile.mkdtemp(prefix="nq57-test-home-")
    prepare_dbt_project()


@pytest.fixture(autouse=True)
def _session_home() -> Iterator[None]:
    """Give NQ57_HOME back after each test: ``Home.ensure()`` exports the home it makes, and
    a later test reading the default home must not find an earlier test's warehouse."""
    home = os.environ.get("NQ57_HOME")
    yield
    if home is None:
        os.environ.pop("NQ57_HOME", None)
    else:
        os.environ["NQ57_HOME"] = home


WHOLE_RUN_FIXTURES = frozenset({"demo_inbox", "published_home"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the demo inbox or a whole run as ``e2e``.

    ``make test-fast`` leaves them out; marking by fixture keeps a new test from slipping
    into the inner loop just because its module forgot the marker.
    """
    for item in items:
        if WHOLE_RUN_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)


def _shared(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[Path, FileLock]:
    """A folder every worker of the session sees, and the lock whoever builds it holds.

    Under pytest-xdist each worker has its own base temp folder; their parent is the
    session's. The first worker to need a shared build makes it while the others wait.
    """
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return root / name, FileLock(str(root / f"{name}.lock"))


@pytest.fixture(scope="session")
def demo_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The deterministic demo inbox, generated once per session (shared by its workers)."""
    from demo.generator import generate_demo_inbox

    folder, lock = _shared(tmp_path_factory, "demo")
    with lock:
        if not (folder / "done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            generate_demo_inbox(folder / "inbox")
            (folder / "done").touch()
    return folder / "inbox"


@pytest.fixture(scope="session")
def published_home(demo_inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home where `nq57 run` ingested the demo inbox and published 2026-Q2 (read-only).

    Built once per session, by the first worker that needs it; the others read it.
    """
    from dagster_project.cli import main

    folder, lock = _shared(tmp_path_factory, "home_ok")
    home = folder / "home"
    with lock:
        if not (folder / "done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            home.mkdir(parents=True)
            with pytest.MonkeyPatch.context() as monkeypatch:
                monkeypatch.setenv("NQ57_HOME", str(home))
                assert main(["run", "--inbox", str(demo_inbox), "--period", "2026-Q2",
                             "--auto-approve"]) == 0
            (folder / "done").touch()
    return home


@pytest.fixture(scope="module")
def release(published_home: Path) -> Path:
    """The release ``published_home`` published for 2026-Q2 (its latest version)."""
    from dagster_project.lib.home.paths import Home
    from dagster_project.lib.publish.release import latest_release

    found = latest_release(Home(published_home), "2026-Q2")
    assert found is not None
    return found.path


@pytest.fixture(scope="module")
def site(release: Path) -> Path:
    """The scorecard folder of that release."""
    return release / "scorecard"


def copy_home(source: Path, target: Path) -> Path:
    """A working copy of a home: links kept as links, run history and staging left out."""
    shutil.copytree(source, target, symlinks=True,
                    ignore=shutil.ignore_patterns("dagster", "staging", "logs", "nq57.lock*"))
    return target

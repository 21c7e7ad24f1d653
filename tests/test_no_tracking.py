"""Nothing leaves the machine: the dbt the product runs sends dbt Labs no usage events.

dbt sends anonymous usage events (and writes a user id, ``.user.yml``, beside profiles.yml)
unless told not to. The product tells it twice: ``DO_NOT_TRACK=1`` set when the package is
imported, and ``send_anonymous_usage_stats: false`` in dbt_project.yml's ``flags``. These tests
run dbt and read its debug log, because a setting that dbt ignores would pass any test that
only reads the setting.

Every run here also points HTTP(S) proxies at a closed local port (and drops the network
where ``unshare`` allows it), so that even a failing test sends nothing anywhere.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import dagster_project  # noqa: F401  (its import sets the environment every child inherits)
from dagster_project.lib.home.paths import DBT_PROJECT_DIR

DBT = Path(sys.executable).with_name("dbt")
# The line dbt's debug log writes for each usage event (dbt.events.types.SendingEvent, Z040):
#   [debug] [MainThread]: Sending event: {'category': 'dbt', 'action': 'invocation',
#   'label': 'start', ...}
TRACKING_MARKER = "Sending event:"
# dbt logs the settings it runs with; this is its own account of the tracking decision.
STATS_OFF = "'send_anonymous_usage_stats': 'False'"
DEAD_PROXY = "http://127.0.0.1:9"  # the discard port, closed: a request fails at once
TIMEOUT_SECONDS = 120


def _network_free_prefix() -> list[str]:
    """``unshare -rn`` (no network at all) where the machine allows it, else nothing."""
    if shutil.which("unshare") is None:
        return []
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, check=False)
    return ["unshare", "-rn"] if probe.returncode == 0 else []


PREFIX = _network_free_prefix()


def _child_env(home: Path, drop: tuple[str, ...] = (), **extra: str) -> dict[str, str]:
    """The environment the product gives its children, with requests going nowhere."""
    env = {key: value for key, value in os.environ.items() if key not in drop}
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env[name] = DEAD_PROXY
    env["no_proxy"] = env["NO_PROXY"] = ""
    env["NQ57_HOME"] = str(home)
    env.update(extra)
    return env


def _cookies(*folders: Path) -> dict[Path, float | None]:
    """Each folder's ``.user.yml`` and its modification time (None when absent)."""
    paths = [folder / ".user.yml" for folder in folders]
    return {path: path.stat().st_mtime if path.exists() else None for path in paths}


def _parse(project: Path, work: Path, env: Mapping[str, str]) -> str:
    """Run ``dbt parse`` on ``project`` as the pipeline does; return dbt's debug log."""
    home = Path(env["NQ57_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    command = [*PREFIX, str(DBT), "parse", "--project-dir", str(project),
               "--profiles-dir", str(project), "--target-path", str(work / "target"),
               "--log-path", str(logs), "--log-level", "debug"]
    result = subprocess.run(command, cwd=project, env=dict(env), capture_output=True,
                            text=True, timeout=TIMEOUT_SECONDS, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return (logs / "dbt.log").read_text(encoding="utf-8") + result.stdout


def _project_without_flag(folder: Path) -> Path:
    """A copy of the dbt project whose dbt_project.yml lacks the ``flags`` block."""
    folder.mkdir(parents=True)
    text = (DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8")
    without = re.sub(r"(?m)^flags:\n(?:[ \t]+.*\n)+", "", text)
    assert "send_anonymous_usage_stats" not in without
    (folder / "dbt_project.yml").write_text(without, encoding="utf-8")
    shutil.copy(DBT_PROJECT_DIR / "profiles.yml", folder / "profiles.yml")
    return folder


def test_the_package_sets_do_not_track_for_its_children() -> None:
    assert os.environ["DO_NOT_TRACK"] == "1"


def test_the_marker_is_what_dbt_logs_when_it_tracks(tmp_path: Path) -> None:
    # Control: without the flag and without DO_NOT_TRACK, dbt does log the marker and write
    # its user id, so the tests below would see tracking if it happened.
    project = _project_without_flag(tmp_path / "project")
    env = _child_env(tmp_path / "home", drop=("DO_NOT_TRACK", "DBT_SEND_ANONYMOUS_USAGE_STATS"))
    log = _parse(project, tmp_path, env)
    assert TRACKING_MARKER in log
    assert (project / ".user.yml").exists()


def test_the_dbt_step_sends_no_usage_events(tmp_path: Path) -> None:
    watched = (DBT_PROJECT_DIR, Path.home() / ".dbt", tmp_path)
    before = _cookies(*watched)
    log = _parse(DBT_PROJECT_DIR, tmp_path, _child_env(tmp_path / "home"))
    assert TRACKING_MARKER not in log
    assert STATS_OFF in log
    assert _cookies(*watched) == before
    assert not (DBT_PROJECT_DIR / ".user.yml").exists()


def test_the_project_flag_alone_turns_events_off(tmp_path: Path) -> None:
    # A dbt started outside the package (by hand, in the project folder) has no DO_NOT_TRACK.
    env = _child_env(tmp_path / "home", drop=("DO_NOT_TRACK", "DBT_SEND_ANONYMOUS_USAGE_STATS"))
    log = _parse(DBT_PROJECT_DIR, tmp_path, env)
    assert TRACKING_MARKER not in log
    assert STATS_OFF in log
    assert not (DBT_PROJECT_DIR / ".user.yml").exists()


def test_importing_the_package_alone_keeps_dbt_quiet(tmp_path: Path) -> None:
    # The manifest parse runs dbt inside the product's own process. Started without
    # DO_NOT_TRACK and on a project without the flag, only the package's import stops it.
    project = _project_without_flag(tmp_path / "project")
    env = _child_env(tmp_path / "home", drop=("DO_NOT_TRACK", "DBT_SEND_ANONYMOUS_USAGE_STATS"),
                     DBT_TARGET_PATH=str(tmp_path / "target"), DBT_LOG_PATH=str(tmp_path / "logs"),
                     DBT_LOG_LEVEL_FILE="debug")
    script = ("import sys; from pathlib import Path; "
              "from dagster_project.lib.quality.dbt_manifest import ensure_manifest; "
              "ensure_manifest(Path(sys.argv[1]), Path(sys.argv[2]))")
    result = subprocess.run(
        [*PREFIX, sys.executable, "-c", script, str(tmp_path / "target" / "manifest.json"),
         str(project)],
        cwd=Path(__file__).resolve().parents[1], env=env, capture_output=True, text=True,
        timeout=TIMEOUT_SECONDS, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    log = (tmp_path / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert TRACKING_MARKER not in log
    assert STATS_OFF in log
    assert not (project / ".user.yml").exists()


def test_a_user_id_left_by_an_older_dbt_is_never_committed() -> None:
    ignored = (DBT_PROJECT_DIR.parent / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "dbt/.user.yml" in ignored

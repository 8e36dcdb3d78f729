"""The type checker and the linter, run with the suite: the pipeline's closed set of messages and
the typed records between layers are only promises if something checks them on every change."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
CORE_PACKAGES = ("coaching", "sessions", "pipeline", "audio", "speech")
CORE_MODULES = ("events", "call_summary", "audio_format", "timefmt", "model_files", "analysis")


@pytest.mark.parametrize(
    "command",
    [
        ["mypy", "--cache-dir", "{tmp}/mypy"],
        # The Qt-free core and its vocabulary, strictly: no Any leaks out of a core function.
        ["mypy", "--strict", "--cache-dir", "{tmp}/mypy-strict"]
        + [arg for package in CORE_PACKAGES for arg in ("-p", f"salesmirror.{package}")]
        + [arg for module in CORE_MODULES for arg in ("-m", f"salesmirror.{module}")],
        ["ruff", "check", "--no-cache", "salesmirror", "tests", "installers", "resources"],
        ["ruff", "format", "--check", "--no-cache", "salesmirror", "tests", "installers", "resources"],
    ],
    ids=["mypy", "mypy --strict core", "ruff check", "ruff format"],
)
def test_the_code_passes(command: list[str], tmp_path: Path) -> None:
    tool = Path(sys.executable).parent / command[0]
    args = [part.replace("{tmp}", str(tmp_path)) for part in command[1:]]
    done = subprocess.run([str(tool), *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]

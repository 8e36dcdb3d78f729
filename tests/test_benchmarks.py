"""Benchmarks cannot rot: every script in tests/benchmarks runs here in its quick mode and must
print its figures. Nothing is asserted about the figures themselves (timings on a shared machine
are not test results); the full runs are quoted in the README."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parent / "benchmarks"
# Each script and a line its output must contain.
EXPECTED = {
    "analyze_memory.py": "--mic/--system",
    "analyze_speed.py": "x real time",
    "echo_attribution.py": "frames right",
    "echo_leak.py": "must tell",
    "final_latency.py": "final results over",
    "gui_stall.py": "GUI-thread stall",
    "live_cpu.py": "of one core",
    "memory_hour.py": "RSS",
    "nudge_latency.py": "nudge painted",
    "playbook_accuracy.py": "held-out set",
    "room_noise.py": "seconds counted as you",
    "session_store.py": "Searching stored transcripts",
    "single_microphone.py": "processor time per minute",
    "soak_locks.py": "segments after",
}


def test_every_benchmark_is_run_here():
    scripts = {p.name for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_")}
    assert scripts == set(EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_benchmark_runs_in_quick_mode_and_prints_its_figures(script: str, tmp_path: Path):
    env = dict(os.environ, SALESMIRROR_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    encoder = env.get("SALESMIRROR_TEST_VOICE_ENCODER")
    if encoder:  # the scripts run from their own folder
        env["SALESMIRROR_TEST_VOICE_ENCODER"] = str(Path(encoder).resolve())
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--quick"],
        cwd=BENCHMARKS,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert EXPECTED[script] in done.stdout, done.stdout[-3000:]
    assert "Traceback" not in done.stderr

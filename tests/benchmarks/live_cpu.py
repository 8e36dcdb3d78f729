"""Processor time and peak memory of the whole live app while a recorded call plays through the window at real
time: the noisy two-minute call of the benchmarks (typing under your voice, line hiss under
theirs), talk time only or with the Korean Vosk model. Prints the share of one core.

    .venv/bin/python tests/benchmarks/live_cpu.py [--seconds 120] [--model]

To compare with another version of the app, run the same script with that version first on the
path (PYTHONPATH=/path/to/other/checkout).
"""

from __future__ import annotations

import argparse
import os
import resource
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SALESMIRROR_HOME", "/tmp/salesmirror-bench")

from _calls import korean_model, noisy_call
from PySide6.QtWidgets import QApplication

import salesmirror
from salesmirror.coaching.events import Speaker
from salesmirror.paths import app_paths
from salesmirror.ui.application import AppController


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--model", action="store_true", help="recognise with the Korean Vosk model")
    parser.add_argument("--quick", action="store_true", help="five seconds, to prove the script runs")
    args = parser.parse_args()
    if args.quick:
        args.seconds = 5.0
    app = QApplication([])
    you, them = noisy_call(args.seconds)
    controller = AppController(
        app_paths(),
        {Speaker.YOU: you, Speaker.THEM: them},
        model_override=korean_model() if args.model else None,
        playback_speed=1.0,
    )
    controller.window.show()
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    controller.window.start()
    controller.session.finished.connect(app.quit)
    app.exec()
    cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started_wall
    controller.shutdown()
    what = "with the Korean model" if args.model else "talk time only"
    print(f"{salesmirror.__file__}: {what}, {args.seconds:.0f} s call")
    print(f"whole app: {100 * cpu / wall:.1f} % of one core ({cpu:.1f} s of processor time in {wall:.1f} s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kB
    print(f"peak memory (RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()

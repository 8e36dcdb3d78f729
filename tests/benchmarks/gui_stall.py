"""Largest GUI-thread stall while a call plays through the live window with real Vosk recognition.

A 5 ms QTimer runs on the GUI thread beside the window; any gap between its ticks longer than 5 ms
is time the GUI thread could not respond. Prints the largest stall and the 99th percentile.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SALESMIRROR_HOME", "/tmp/salesmirror-bench")

from _calls import base_call, korean_model
from fake_portaudio import fake_audio
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from recordings import recorded_audio

from salesmirror.events import Speaker
from salesmirror.paths import app_paths
from salesmirror.ui.application import AppController

TICK_MS = 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--quick", action="store_true", help="five seconds at 4x, to prove the script runs")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.speed = 5.0, 4.0
    app = QApplication([])
    you, them = base_call()
    n = int(args.seconds * 16_000)
    controller = AppController(
        app_paths(),
        fake_audio(),
        recorded_audio({Speaker.YOU: you[:n], Speaker.THEM: them[:n]}, args.speed),
        model_override=korean_model(),
    )
    controller.settings.nudge_thresholds["monologue"] = 10  # nudges fire and fade during the run
    controller.window.show()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000 - TICK_MS)
        last[0] = now

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    controller.window.start()
    controller.session.finished.connect(app.quit)
    app.exec()
    controller.shutdown()
    gaps.sort()
    lines = controller.window.transcript.blockCount()
    print(
        f"GUI-thread stall while playing {args.seconds:.0f} s with Vosk: "
        f"largest {gaps[-1]:.1f} ms, p99 {gaps[int(len(gaps) * 0.99)]:.1f} ms "
        f"({len(gaps)} ticks, {lines} transcript lines)"
    )


if __name__ == "__main__":
    main()

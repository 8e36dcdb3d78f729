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
import threading
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SALESMIRROR_HOME", "/tmp/salesmirror-bench")

from _calls import korean_model, noisy_call
from fake_portaudio import fake_audio
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from recordings import recorded_audio

import salesmirror
from salesmirror.events import Speaker
from salesmirror.paths import app_paths
from salesmirror.ui.application import AppController


class ThreadTimes:
    """Processor time per thread, read from /proc each second while the call plays, so the
    report can say where the time goes (threads Python did not start count as native)."""

    def __init__(self) -> None:
        self._seconds: dict[int, float] = {}
        self._names: dict[int, str] = {}
        self._tick = os.sysconf("SC_CLK_TCK")
        self.sample()
        self._before = dict(self._seconds)  # what threads spent before the call started

    def sample(self) -> None:
        for thread in threading.enumerate():
            if thread.native_id is not None:
                self._names[thread.native_id] = thread.name.split("-")[0]
        for task in Path("/proc/self/task").iterdir():
            try:
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the thread ended between listing and reading
            self._seconds[int(task.name)] = (int(fields[11]) + int(fields[12])) / self._tick

    def by_name(self) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for tid, seconds in self._seconds.items():
            name = "GUI" if tid == os.getpid() else self._names.get(tid, "native")
            totals[name] += seconds - self._before.get(tid, 0.0)
        return dict(sorted(totals.items(), key=lambda item: -item[1]))


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
        fake_audio(),
        recorded_audio({Speaker.YOU: you, Speaker.THEM: them}, 1.0),
        model_override=korean_model() if args.model else None,
    )
    controller.window.show()
    sampler = QTimer(interval=1000)
    threads = ThreadTimes()
    sampler.timeout.connect(threads.sample)
    sampler.start()
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    controller.window.start()
    controller.session.finished.connect(app.quit)
    app.exec()
    threads.sample()
    cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started_wall
    controller.shutdown()
    what = "with the Korean model" if args.model else "talk time only"
    print(f"{salesmirror.__file__}: {what}, {args.seconds:.0f} s call")
    print(f"whole app: {100 * cpu / wall:.1f} % of one core ({cpu:.1f} s of processor time in {wall:.1f} s)")
    print(
        "by thread: " + ", ".join(f"{name} {100 * t / wall:.1f} %" for name, t in threads.by_name().items())
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kB
    print(f"peak memory (RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()

"""Delay from a final recognition result to its nudge being painted in the live window.

A recorded call plays through the real window at real-time pace (so the GUI thread has its normal
work); final results are handed to the pipeline the way a recogniser hands them over: the
customer names a problem, and the seller goes on without asking about it. The problem nudge is
due with the seller's line; the time from handing that line over until the nudge banner has been
painted is measured.

    .venv/bin/python tests/benchmarks/nudge_latency.py [--quick]
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SALESMIRROR_HOME", "/tmp/salesmirror-bench")

from _calls import base_call
from fake_portaudio import fake_audio
from PySide6.QtWidgets import QApplication
from recordings import recorded_audio

from salesmirror.events import Nudge, Speaker, Utterance
from salesmirror.paths import app_paths
from salesmirror.ui.application import AppController

SAMPLES = 5 if "--quick" in sys.argv else 40


def main() -> None:
    app = QApplication([])
    you, them = base_call()
    controller = AppController(
        app_paths(), fake_audio(), recorded_audio({Speaker.YOU: you, Speaker.THEM: them}, 1.0)
    )
    controller.settings.nudge_repeat_gap_s = 0.0
    controller.settings.nudge_gap_s = 0.0
    window = controller.window
    window.show()
    sent: dict[str, float] = {}
    delays: list[float] = []
    original = window.banner.show_nudge

    def timed_show(nudge: Nudge) -> None:
        original(nudge)
        window.banner.repaint()  # painted, not just scheduled
        if nudge.kind != "problem":  # the call's own audio may earn others (a monologue)
            return
        key = nudge.evidence.split('"')[1]
        delays.append(time.perf_counter() - sent[key])
        if len(delays) == SAMPLES:
            controller.session.stop()

    window.banner.show_nudge = timed_show  # type: ignore[method-assign]
    controller.session.nudge.disconnect()
    controller.session.nudge.connect(timed_show)

    def recogniser_stand_in() -> None:
        pipeline = controller.session.pipeline
        assert pipeline is not None
        while pipeline.session.now < 3.0:  # the call is under way (the echo search holds the start)
            time.sleep(0.05)
        for i in range(SAMPLES):
            time.sleep(0.25)
            text = f"The problem is that export number {i} keeps breaking."
            now = pipeline.session.now  # lines that just ended, as a recogniser delivers them
            pipeline.submit(Utterance(Speaker.THEM, now - 0.3, now - 0.2, text))
            sent[text] = time.perf_counter()
            pipeline.submit(Utterance(Speaker.YOU, now - 0.1, now, "and our exports are fast"))

    window.start()
    feeder = threading.Thread(target=recogniser_stand_in)
    feeder.start()
    controller.session.finished.connect(app.quit)
    app.exec()
    feeder.join()
    controller.shutdown()
    ms = sorted(d * 1000 for d in delays)
    print(
        f"final result -> nudge painted: median {statistics.median(ms):.1f} ms, "
        f"p95 {ms[int(len(ms) * 0.95) - 1]:.1f} ms, max {ms[-1]:.1f} ms ({len(ms)} nudges)"
    )


if __name__ == "__main__":
    main()

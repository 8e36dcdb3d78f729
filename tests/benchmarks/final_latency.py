"""How late recognised words arrive: a call played at real time through the pipeline with the
Korean Vosk model; for each final result, the wall time from the end of its last word in the
audio to its arrival at the coaching session. Prints the median and the largest, over the whole
call and over its first minute.

    .venv/bin/python tests/benchmarks/final_latency.py [--seconds 60] [--quick]

With another checkout first on PYTHONPATH it measures that version.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from _calls import TESTS, base_call, korean_model

sys.path.insert(0, str(TESTS))
from room_noise import add_noise, with_floor

import salesmirror
from salesmirror.audio.file_playback import FilePlayback
from salesmirror.coaching.events import Nudge, PartialText, Speaker, Utterance
from salesmirror.pipeline.call_pipeline import CallPipeline
from salesmirror.pipeline.recognition import SharedModel


class Arrivals:
    def __init__(self) -> None:
        self.started = 0.0
        self.lateness: list[tuple[float, float]] = []  # (word end in the call, seconds late)

    def on_nudge(self, nudge: Nudge) -> None:
        pass

    def on_utterance(self, utterance: Utterance) -> None:
        arrived = time.perf_counter() - self.started
        self.lateness.append((utterance.end, arrived - utterance.end))

    def on_partial(self, partial: PartialText) -> None:
        pass

    def on_problem(self, message: str) -> None:
        print("problem:", message)

    def on_finished(self) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--quick", action="store_true", help="10 seconds, to prove the script runs")
    args = parser.parse_args()
    seconds = 10.0 if args.quick else args.seconds
    you, them = base_call()
    n = int(seconds * 16_000)
    you, them = add_noise(you[:n], "clicks", 20), with_floor(them[:n])
    arrivals = Arrivals()
    playback = FilePlayback({Speaker.YOU: you, Speaker.THEM: them}, speed=1.0)
    pipeline = CallPipeline([playback], arrivals, model=SharedModel(korean_model()))
    arrivals.started = time.perf_counter()
    pipeline.start()
    pipeline.wait()
    late = [lag for _, lag in arrivals.lateness]
    first = [lag for end, lag in arrivals.lateness if end <= 60]
    print(f"{salesmirror.__file__}: {len(late)} final results over {seconds:.0f} s")
    if late:
        print(f"  whole call: median {statistics.median(late):.2f} s, largest {max(late):.2f} s late")
    if first:
        print(f"  first minute: median {statistics.median(first):.2f} s, largest {max(first):.2f} s late")


if __name__ == "__main__":
    main()

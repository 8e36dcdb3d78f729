"""How late recognised words arrive: a call played at real time through the pipeline with the
Korean Vosk model; for each final result, the wall time from the end of the speech it closes (the
end of that speaker's stretch of speech holding its last word: the Korean model drops English
words, so its last recognised word can end seconds before the speaker does) to its arrival at
the coaching session (a final that arrives while the speaker goes on counts from its last word).
Prints the median and the largest, over the whole call and its first minute.

    .venv/bin/python tests/benchmarks/final_latency.py [--seconds 60] [--quick]

With another checkout first on PYTHONPATH it measures that version.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _calls import korean_model, noisy_call

import salesmirror
from salesmirror.audio.file_playback import FilePlayback
from salesmirror.events import Nudge, PartialText, Speaker, Utterance
from salesmirror.pipeline.call_pipeline import CallPipeline
from salesmirror.pipeline.recognition import SharedModel


class Arrivals:
    def __init__(self) -> None:
        self.started = 0.0
        self.arrivals: list[tuple[Utterance, float]] = []  # (final result, when it arrived)

    def on_nudge(self, nudge: Nudge) -> None:
        pass

    def on_utterance(self, utterance: Utterance) -> None:
        self.arrivals.append((utterance, time.perf_counter() - self.started))

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
    parser.add_argument("--verbose", action="store_true", help="print each final's end and lateness")
    args = parser.parse_args()
    seconds = 10.0 if args.quick else args.seconds
    you, them = noisy_call(seconds)
    arrivals = Arrivals()
    playback = FilePlayback({Speaker.YOU: you, Speaker.THEM: them}, speed=1.0)
    model = SharedModel(korean_model())  # as the app does: loaded at launch, before the call
    model.start()
    model.wait()
    pipeline = CallPipeline([playback], arrivals, model=model)
    arrivals.started = time.perf_counter()
    pipeline.start()
    pipeline.wait()
    segments = pipeline.session.talk.segments
    lateness = []
    for utterance, arrived in arrivals.arrivals:
        holding = [
            s.end
            for s in segments
            if s.speaker is utterance.speaker and s.start <= utterance.end <= s.end + 0.1
        ]
        speech_end = max([utterance.end, *holding])
        if arrived < speech_end:  # Vosk closed it while they went on speaking: from its last word
            speech_end = utterance.end
        lateness.append((speech_end, arrived - speech_end))
    if args.verbose:
        print([(round(end, 1), round(lag, 2)) for end, lag in lateness])
    late = [lag for _, lag in lateness]
    first = [lag for end, lag in lateness if end <= 60]
    print(f"{salesmirror.__file__}: {len(late)} final results over {seconds:.0f} s")
    if late:
        print(f"  whole call: median {statistics.median(late):.2f} s, largest {max(late):.2f} s late")
    if first:
        print(f"  first minute: median {statistics.median(first):.2f} s, largest {max(first):.2f} s late")


if __name__ == "__main__":
    main()

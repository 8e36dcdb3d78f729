"""Real-time factor of `analyze`: how many times faster than real time a recorded call is analysed,
through the same pipeline as a live call (decoding excluded: the tracks are already in memory)."""

from __future__ import annotations

import argparse
import time

from _calls import korean_model, long_call

from salesmirror.audio.file_playback import FilePlayback
from salesmirror.events import Speaker
from salesmirror.pipeline.call_pipeline import CallPipeline, ProblemCollector
from salesmirror.pipeline.recognition import SharedModel


def run(minutes: float, with_vosk: bool) -> float:
    you, them = long_call(minutes)
    playback = FilePlayback({Speaker.YOU: you, Speaker.THEM: them}, speed=None)
    model = korean_model() if with_vosk else None
    pipeline = CallPipeline([playback], ProblemCollector(), model=SharedModel(model), flat_out=True)
    started = time.perf_counter()
    pipeline.start()
    pipeline.wait()
    elapsed = time.perf_counter() - started
    return minutes * 60 / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30.0, help="talk-time-only call length")
    parser.add_argument("--vosk-minutes", type=float, default=2.0, help="call length with Vosk")
    parser.add_argument("--quick", action="store_true", help="short calls, to prove the script runs")
    args = parser.parse_args()
    if args.quick:
        args.minutes, args.vosk_minutes = 0.5, 0.25
    talk_only = run(args.minutes, with_vosk=False)
    print(f"analyze, talk time only: {talk_only:7.0f}x real time ({args.minutes:.0f}-minute call)")
    vosk = run(args.vosk_minutes, with_vosk=True)
    print(f"analyze, with Vosk (ko): {vosk:7.1f}x real time ({args.vosk_minutes:.0f}-minute call)")


if __name__ == "__main__":
    main()

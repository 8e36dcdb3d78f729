"""Peak memory and growth over a 60-minute call through the pipeline (talk time, and optionally
Vosk for a shorter call). Audio comes from a source that tiles real recordings on the fly, like a
microphone would deliver it, so the figure is what the app itself holds on to."""

from __future__ import annotations

import argparse
import threading

import numpy as np
from _calls import base_call, korean_model

from salesmirror.audio.source import BLOCK_SAMPLES, AudioBlock, BlockSink, SourceEnded
from salesmirror.events import Speaker
from salesmirror.pipeline.call_pipeline import CallPipeline, ProblemCollector
from salesmirror.pipeline.recognition import SharedModel


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


class TiledCall:
    """An AudioSource that repeats a two-minute call for as long as asked, block by block."""

    def __init__(self, minutes: float) -> None:
        self._you, self._them = base_call()
        self._blocks = int(minutes * 60 * 16_000 / BLOCK_SAMPLES)
        self._thread: threading.Thread | None = None
        self.position_s = 0.0

    @property
    def speakers(self) -> tuple[Speaker, ...]:
        return (Speaker.YOU, Speaker.THEM)

    def start(self, sink: BlockSink) -> None:
        self._thread = threading.Thread(target=self._play, args=(sink,))
        self._thread.start()

    def stop(self) -> None:
        pass

    def _play(self, sink: BlockSink) -> None:
        size = self._you.size - self._you.size % BLOCK_SAMPLES
        for i in range(self._blocks):
            at = (i * BLOCK_SAMPLES) % size
            sink(AudioBlock(Speaker.YOU, np.array(self._you[at : at + BLOCK_SAMPLES])))
            sink(AudioBlock(Speaker.THEM, np.array(self._them[at : at + BLOCK_SAMPLES])))
            self.position_s = (i + 1) * BLOCK_SAMPLES / 16_000
        sink(SourceEnded(Speaker.YOU))
        sink(SourceEnded(Speaker.THEM))


def measure(minutes: float, with_vosk: bool) -> None:
    source = TiledCall(minutes)
    pipeline = CallPipeline(
        [source], ProblemCollector(), model=SharedModel(korean_model()) if with_vosk else None, flat_out=True
    )
    samples: list[tuple[float, float]] = []
    pipeline.start()
    while not pipeline.finished.wait(0.05):
        samples.append((source.position_s, rss_mb()))
    samples.append((source.position_s, rss_mb()))
    warm = next((mb for t, mb in samples if t >= min(300.0, minutes * 60 / 4)), samples[0][1])
    peak = max(mb for _, mb in samples)
    label = "with Vosk (ko)" if with_vosk else "talk time only"
    print(
        f"{minutes:.0f}-minute call, {label}: RSS after warm-up {warm:.0f} MB, "
        f"peak {peak:.0f} MB, growth {peak - warm:+.1f} MB, "
        f"{len(pipeline.session.talk.segments)} segments, {len(pipeline.session.transcript)} lines"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--vosk-minutes", type=float, default=0.0, help="also run with Vosk")
    parser.add_argument("--quick", action="store_true", help="a two-minute call, to prove the script runs")
    args = parser.parse_args()
    if args.quick:
        args.minutes, args.vosk_minutes = 2.0, 0.0
    measure(args.minutes, with_vosk=False)
    if args.vosk_minutes:
        measure(args.vosk_minutes, with_vosk=True)


if __name__ == "__main__":
    main()

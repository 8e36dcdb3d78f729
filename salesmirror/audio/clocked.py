"""Keeps a stream on the wall clock when its device sends nothing during silence.

WASAPI loopback, for one, delivers no frames while nothing plays. Counting samples would then
fall behind the session clock and drag the other channel's figures with it, so a source that may
go quiet emits silence for any stretch the clock says has passed without audio.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from salesmirror.audio.source import BLOCK_SAMPLES, AudioBlock, BlockSink
from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.events import Speaker


class ClockedDelivery:
    """Delivers a speaker's 16 kHz blocks to a sink, filling gaps from the clock with silence."""

    def __init__(
        self,
        speaker: Speaker,
        sink: BlockSink,
        clock: Callable[[], float] = time.monotonic,
        slack_blocks: int = 3,
    ) -> None:
        self._speaker = speaker
        self._sink = sink
        self._clock = clock
        self._started = clock()
        self._delivered = 0
        self._slack = slack_blocks * BLOCK_SAMPLES
        self._lock = threading.Lock()

    def deliver(self, samples: np.ndarray) -> None:
        with self._lock:
            self._delivered += samples.size
            self._sink(AudioBlock(self._speaker, samples))

    def catch_up(self) -> None:
        """Call regularly: emits silence when the device has fallen behind the clock."""
        with self._lock:
            due = int((self._clock() - self._started) * SAMPLE_RATE)
            missing = due - self._delivered
            if missing <= self._slack:
                return
            fill = missing - BLOCK_SAMPLES  # leave one block of slack for audio in flight
            for at in range(0, fill, BLOCK_SAMPLES):
                size = min(BLOCK_SAMPLES, fill - at)
                self._sink(AudioBlock(self._speaker, np.zeros(size, dtype=np.int16)))
            self._delivered += fill

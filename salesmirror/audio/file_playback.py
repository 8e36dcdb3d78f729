"""Plays recorded files as a call: at real-time pace for the window and demos, or flat out for
`analyze`. Both channels come from one thread in time order, so they stay aligned."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from salesmirror.audio.decode import load_audio
from salesmirror.audio.source import BLOCK_SAMPLES, AudioBlock, BlockSink, SourceEnded
from salesmirror.coaching.events import Speaker
from salesmirror.coaching.voice_activity import SAMPLE_RATE

_FLAT_OUT_BLOCKS = 20


class FilePlayback:
    """An `AudioSource` over one recording per speaker.

    `speed` is how many times faster than real time to play; `None` plays as fast as the sink
    accepts (the sink may block, which is how `analyze` keeps the recognisers from falling behind).
    """

    def __init__(self, tracks: dict[Speaker, np.ndarray], speed: float | None = 1.0) -> None:
        if not tracks:
            raise ValueError("FilePlayback needs at least one track")
        self._tracks = tracks
        self.speed = speed
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_files(cls, paths: dict[Speaker, Path], speed: float | None = 1.0) -> FilePlayback:
        return cls({speaker: load_audio(path) for speaker, path in paths.items()}, speed)

    @property
    def speakers(self) -> tuple[Speaker, ...]:
        return tuple(self._tracks)

    def start(self, sink: BlockSink) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._play, args=(sink,), name="file-playback")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def _play(self, sink: BlockSink) -> None:
        started = time.monotonic()
        longest = max(len(t) for t in self._tracks.values())
        # Flat out, nobody watches the blocks arrive: bigger blocks cost less per second of audio.
        block_samples = BLOCK_SAMPLES if self.speed is not None else BLOCK_SAMPLES * _FLAT_OUT_BLOCKS
        for offset in range(0, longest, block_samples):
            if self._stop.is_set():
                break
            if self.speed is not None:
                # A microphone hands over a block once it is complete; so does playback.
                due = started + (offset + block_samples) / SAMPLE_RATE / self.speed
                if self._stop.wait(max(0.0, due - time.monotonic())):
                    break
            length = min(block_samples, longest - offset)
            for speaker, track in self._tracks.items():
                block = track[offset : offset + length]
                if block.size < length:  # a shorter track: silence until the longer one ends
                    block = np.concatenate((block, np.zeros(length - block.size, np.int16)))
                sink(AudioBlock(speaker, block))
        for speaker in self._tracks:
            sink(SourceEnded(speaker))

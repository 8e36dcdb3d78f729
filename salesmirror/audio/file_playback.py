"""Plays recorded files as a call: at real-time pace for the window and demos, or flat out for
`analyze`. Both channels come from one thread in time order, so they stay aligned. Files are
decoded block by block as they play, so memory does not grow with the length of the call."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from salesmirror.audio.decode import AudioFileError, AudioStream
from salesmirror.audio.source import BLOCK_SAMPLES, AudioBlock, BlockSink, SourceEnded
from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.events import Speaker

_FLAT_OUT_BLOCKS = 20


class _Samples:
    """Decoded samples in memory, read like an `AudioStream`."""

    def __init__(self, samples: np.ndarray) -> None:
        self._samples = samples
        self.samples = samples.size
        self._at = 0

    def read(self, count: int) -> np.ndarray:
        block = self._samples[self._at : self._at + count]
        self._at += block.size
        return block

    def close(self) -> None:
        pass


class FilePlayback:
    """An `AudioSource` over one recording per speaker.

    `speed` is how many times faster than real time to play; `None` plays as fast as the sink
    accepts (the sink may block, which is how `analyze` keeps the recognisers from falling behind).
    At a set pace the player can be paused, sped up or slowed down, and sent ahead (`skip_to`):
    the skipped audio is delivered at once, so the analysis has heard all of it, as a demo needs.

    `monitor`, when set, receives every block played at 1× (one array per speaker), so the room
    can hear what the coach hears; blocks played faster or skipped are not sent.
    """

    def __init__(self, tracks: Mapping[Speaker, np.ndarray | AudioStream], speed: float | None = 1.0) -> None:
        if not tracks:
            raise ValueError("FilePlayback needs at least one track")
        self._tracks = {
            speaker: _Samples(track) if isinstance(track, np.ndarray) else track
            for speaker, track in tracks.items()
        }
        self.speed = speed
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._control = threading.Condition()
        self._paused = False
        self._skip_to_sample = 0
        self._anchor: tuple[float, int] | None = None  # (wall clock, sample) the pace counts from
        self.position = 0  # samples delivered per speaker
        self.monitor: Callable[[Sequence[np.ndarray]], None] | None = None

    @property
    def duration_s(self) -> float:
        return max(t.samples for t in self._tracks.values()) / SAMPLE_RATE

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        with self._control:
            self._paused = True

    def resume(self) -> None:
        with self._control:
            self._paused = False
            self._anchor = None
            self._control.notify_all()

    def set_speed(self, speed: float) -> None:
        with self._control:
            self.speed = speed
            self._anchor = None

    def skip_to(self, seconds: float) -> None:
        """Deliver everything up to `seconds` at once, then go on at the set pace."""
        with self._control:
            self._skip_to_sample = max(self._skip_to_sample, int(seconds * SAMPLE_RATE))
            self._anchor = None
            self._control.notify_all()

    @classmethod
    def from_files(cls, paths: dict[Speaker, Path], speed: float | None = 1.0) -> FilePlayback:
        """Play recordings decoded as they go; raises `AudioFileError` for an unusable file."""
        streams: dict[Speaker, np.ndarray | AudioStream] = {}
        try:
            for speaker, path in paths.items():
                streams[speaker] = AudioStream(path)
        except Exception:
            for opened in streams.values():
                assert isinstance(opened, AudioStream)
                opened.close()
            raise
        return cls(streams, speed)

    @property
    def speakers(self) -> tuple[Speaker, ...]:
        return tuple(self._tracks)

    def start(self, sink: BlockSink) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._play, args=(sink,), name="file-playback")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with self._control:
            self._control.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def _play(self, sink: BlockSink) -> None:
        try:
            self._deliver(sink)
        finally:
            for track in self._tracks.values():
                track.close()

    def _deliver(self, sink: BlockSink) -> None:
        longest = max(t.samples for t in self._tracks.values())
        # Flat out, nobody watches the blocks arrive: bigger blocks cost less per second of audio.
        block_samples = BLOCK_SAMPLES if self.speed is not None else BLOCK_SAMPLES * _FLAT_OUT_BLOCKS
        for offset in range(0, longest, block_samples):
            if self.speed is not None and not self._wait_for_block(offset + block_samples):
                break
            if self._stop.is_set():
                break
            length = min(block_samples, longest - offset)
            heard = self.speed == 1.0 and offset + block_samples > self._skip_to_sample
            blocks = []
            for speaker, track in self._tracks.items():
                try:
                    block = track.read(length)
                except AudioFileError as exc:  # damaged further in: end the call with what was heard
                    for ended in self._tracks:
                        sink(SourceEnded(ended, error=str(exc)))
                    return
                if block.size < length:  # a shorter track: silence until the longer one ends
                    block = np.concatenate((block, np.zeros(length - block.size, np.int16)))
                sink(AudioBlock(speaker, block))
                blocks.append(block)
            if heard and self.monitor is not None:
                self.monitor(blocks)
            self.position = offset + length
        for speaker in self._tracks:
            sink(SourceEnded(speaker))

    def _wait_for_block(self, block_end: int) -> bool:
        """Until the block ending at sample `block_end` is due; False once stopped. A microphone
        hands over a block once it is complete; so does playback."""
        with self._control:
            while not self._stop.is_set():
                if block_end <= self._skip_to_sample:
                    return True
                if self._paused:
                    self._control.wait()
                    continue
                if self._anchor is None:
                    self._anchor = (time.monotonic(), block_end - BLOCK_SAMPLES)
                wall, sample = self._anchor
                assert self.speed is not None
                due = wall + (block_end - sample) / SAMPLE_RATE / self.speed
                remaining = due - time.monotonic()
                if remaining <= 0:
                    return True
                self._control.wait(remaining)
            return False

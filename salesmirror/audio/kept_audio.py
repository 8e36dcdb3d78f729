"""Listening to a session's kept audio (opt-in) from any point, both sides mixed.

The output callback only copies prepared samples out of a queue; a feeder thread decodes the Ogg
files ahead of it. The playhead is the callback's count of samples played, so the replay window's
timer can follow it without asking the audio thread anything.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import soundfile

from salesmirror.audio.devices import AudioUnavailableError, portaudio
from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.events import Speaker

CHUNK_SAMPLES = SAMPLE_RATE // 5  # the feeder decodes 200 ms at a time...
_AHEAD_CHUNKS = 5  # ...and stays one second ahead of the speakers


class KeptAudio:
    """The Ogg files a session kept (one per side), read as one mixed track."""

    def __init__(self, folder: Path) -> None:
        self.files = [
            folder / f"{speaker}.ogg" for speaker in Speaker if (folder / f"{speaker}.ogg").is_file()
        ]
        if not self.files:
            raise FileNotFoundError(f"no kept audio in {folder}")
        self.duration_s = max(soundfile.info(str(f)).duration for f in self.files)

    def read(self, start_s: float, samples: int) -> np.ndarray:
        """`samples` of both sides mixed, from `start_s` (float32, silence past the end)."""
        return next(self.chunks(start_s, samples))

    def chunks(self, start_s: float, samples: int) -> Iterator[np.ndarray]:
        """Consecutive mixed chunks of `samples` from `start_s` to the end: one seek, then
        sequential decoding (Vorbis seeks are not sample-exact; sequential reads are)."""
        first = int(start_s * SAMPLE_RATE)
        with contextlib.ExitStack() as stack:
            sides = []
            for path in self.files:
                audio = stack.enter_context(soundfile.SoundFile(str(path)))
                if first < audio.frames:
                    audio.seek(first)
                    sides.append(audio)
            while True:
                mixed = np.zeros(samples, dtype=np.float32)
                longest = 0
                for audio in sides:
                    part = audio.read(samples, dtype="float32")
                    mixed[: len(part)] += part
                    longest = max(longest, len(part))
                yield np.clip(mixed, -1.0, 1.0)
                if longest < samples:
                    return


class SessionPlayer:
    """Plays kept audio through the default output device."""

    def __init__(self, audio: KeptAudio, sd: ModuleType | None = None) -> None:
        self.audio = audio
        self._sd = sd
        self._stream: Any = None
        self._chunks: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=_AHEAD_CHUNKS)
        self._carry = np.zeros(0, dtype=np.float32)
        self._start_s = 0.0
        self._played = 0  # samples, counted by the callback
        self._feeder: threading.Thread | None = None
        self._stop_feeding = threading.Event()

    @property
    def playing(self) -> bool:
        return self._stream is not None

    @property
    def position_s(self) -> float:
        return float(min(self.audio.duration_s, self._start_s + self._played / SAMPLE_RATE))

    def play(self, from_s: float) -> None:
        """Start (or restart) at `from_s`; raises AudioUnavailableError without an output device."""
        self.pause()
        self._start_s, self._played = from_s, 0
        self._carry = np.zeros(0, dtype=np.float32)
        self._chunks = queue.Queue(maxsize=_AHEAD_CHUNKS)
        self._stop_feeding = threading.Event()
        self._feeder = threading.Thread(target=self._feed, args=(from_s,), name="audio feeder", daemon=True)
        self._feeder.start()
        sd = self._sd or portaudio()
        try:
            self._stream = sd.OutputStream(
                samplerate=SAMPLE_RATE, channels=1, dtype="float32", callback=self._on_output
            )
            self._stream.start()
        except sd.PortAudioError as exc:
            self._stream = None
            self.pause()
            raise AudioUnavailableError(
                f"The kept audio cannot be played: no usable sound output ({exc})."
            ) from None

    def pause(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()
        self._stop_feeding.set()
        if self._feeder is not None:
            while self._feeder.is_alive():  # unblock a feeder waiting on a full queue
                try:
                    self._chunks.get_nowait()
                except queue.Empty:
                    self._feeder.join(0.05)
            self._feeder = None
        self._start_s = self.position_s
        self._played = 0

    def _feed(self, from_s: float) -> None:
        for chunk in self.audio.chunks(from_s, CHUNK_SAMPLES):
            if self._stop_feeding.is_set():
                break
            self._chunks.put(chunk)
        self._chunks.put(None)

    def _on_output(self, outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
        out = outdata[:, 0]
        filled = 0
        while filled < frames:
            if not self._carry.size:
                try:
                    chunk = self._chunks.get_nowait()
                except queue.Empty:
                    break  # the feeder is late: a moment of silence rather than a stall
                if chunk is None:
                    break
                self._carry = chunk
            take = min(frames - filled, self._carry.size)
            out[filled : filled + take] = self._carry[:take]
            self._carry = self._carry[take:]
            filled += take
        out[filled:] = 0.0
        self._played += filled

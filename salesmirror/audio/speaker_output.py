"""The demo's two voices through the speakers, in step with what the coach hears.

The demo is paced by the wall clock (`FilePlayback`), and every block it hands the coach at 1×
is also mixed here and queued for the output device. The PortAudio callback only takes what is
queued and plays silence when nothing is, so it never waits. If the device's clock runs slower
than the demo's, the queue would grow and the voices drift behind the gauge; instead a block
that would stand more than `MAX_LAG_S` in the queue is dropped (a 50 ms gap is heard, the room
never sees a nudge before it hears its cause).
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import numpy as np  # imported before any stream starts, never inside the callback

from salesmirror.audio.devices import AudioUnavailableError, portaudio
from salesmirror.audio.source import BLOCK_SAMPLES
from salesmirror.audio_format import SAMPLE_RATE

MAX_LAG_S = 0.25  # queued sound beyond the device's own latency


class SpeakerOutput:
    """Plays mixed 16 kHz blocks on the default output device; muting is immediate.

    `play` is called from the playback thread; the callback runs on PortAudio's thread. Each
    counter has one writer (`_queued` the player, `_taken` the callback), so no lock is shared.
    """

    def __init__(self, portaudio_module: ModuleType | None = None) -> None:
        self._sd = portaudio_module
        self._stream: Any = None
        self._rate = SAMPLE_RATE
        self._queue: collections.deque[np.ndarray] = collections.deque()
        self._current: np.ndarray | None = None
        self._at = 0
        self._queued = 0  # output samples put in the queue (player thread)
        self._taken = 0  # output samples taken or discarded (callback thread)
        self._heard = 0  # of those, samples played
        self._resampled_in = 0  # 16 kHz samples resampled so far, to keep block edges exact
        self._resampled_out = 0
        self._last_sample = 0
        self.muted = False
        self.dropped_s = 0.0

    @property
    def played_s(self) -> float:
        """How much of the demo's sound the device has been given."""
        return self._heard / self._rate

    @property
    def device_rate(self) -> int:
        return self._rate

    def open(self) -> None:
        """Open the default output device; `AudioUnavailableError` says why it cannot play."""
        sd = self._sd or portaudio()
        try:
            sd.check_output_settings(samplerate=SAMPLE_RATE, channels=1, dtype="int16")
            rate = SAMPLE_RATE
        except (sd.PortAudioError, ValueError):
            rate = self._device_default_rate(sd)  # resampled here, not left to fail at open
        try:
            stream = sd.OutputStream(
                samplerate=rate,
                channels=1,
                dtype="int16",
                blocksize=BLOCK_SAMPLES * rate // SAMPLE_RATE,
                latency="low",
                callback=self._fill,
            )
            stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise AudioUnavailableError(f"The speakers cannot be opened: {exc}") from None
        self._rate = rate
        self._stream = stream

    @staticmethod
    def _device_default_rate(sd: ModuleType) -> int:
        try:
            device = sd.query_devices(kind="output")
        except (sd.PortAudioError, ValueError):
            raise AudioUnavailableError("No speakers or headphones were found.") from None
        return int(device["default_samplerate"])

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()

    def play(self, blocks: Sequence[np.ndarray]) -> None:
        """Queue one block of each voice, mixed; dropped when muted or when the device lags."""
        if self._stream is None or self.muted:
            return
        mixed = np.sum([b.astype(np.int32) for b in blocks], axis=0)
        samples = np.clip(mixed, -32768, 32767).astype(np.int16)
        if self._rate != SAMPLE_RATE:
            samples = self._resample(samples)
        latency = float(getattr(self._stream, "latency", 0.0) or 0.0)
        if self._queued - self._taken + samples.size > (MAX_LAG_S + latency) * self._rate:
            self.dropped_s += samples.size / self._rate
            return
        self._queue.append(samples)
        self._queued += samples.size

    def _resample(self, samples: np.ndarray) -> np.ndarray:
        """Linear interpolation to the device's rate, continuous across blocks: the previous
        block's last sample leads this one, so the points between two blocks are interpolated
        (not held), and each block yields the output points up to its own last sample."""
        first = self._resampled_in - 1  # the input index of the carried sample
        joined = np.concatenate(([self._last_sample], samples)).astype(np.float64)
        self._resampled_in += samples.size
        self._last_sample = int(samples[-1])
        end_out = (self._resampled_in - 1) * self._rate // SAMPLE_RATE + 1
        at = np.arange(self._resampled_out, end_out) * SAMPLE_RATE / self._rate - first
        self._resampled_out = end_out
        return np.interp(at, np.arange(joined.size), joined).astype(np.int16)

    def _fill(self, outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
        out = outdata[:, 0]
        filled = 0
        while filled < frames:
            current = self._current
            if current is None or self._at >= current.size:
                if not self._queue:
                    break
                current = self._current = self._queue.popleft()
                self._at = 0
            take = min(frames - filled, current.size - self._at)
            out[filled : filled + take] = current[self._at : self._at + take]
            self._at += take
            filled += take
        self._taken += filled
        if self.muted:  # what was queued before the switch is not heard either
            out[:filled] = 0
        else:
            self._heard += filled
        out[filled:] = 0

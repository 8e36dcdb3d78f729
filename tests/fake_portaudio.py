"""A stand-in for the sounddevice module on a machine without audio hardware.

It lists recorded device tables and, when a stream starts, hands the test the very callback the
app registered, so real blocks can be pushed through the real code as PortAudio would (and, for
an output stream, pulled from it as PortAudio would).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from salesmirror.audio.backend import AudioBackend


class PortAudioError(Exception):
    pass


class FakeStream:
    def __init__(self, owner: FakePortAudio, **kwargs: Any) -> None:
        if owner.open_error:
            raise PortAudioError(owner.open_error)
        self.kwargs = kwargs
        self.callback = kwargs["callback"]
        self.finished_callback = kwargs["finished_callback"]
        self.closed = False
        owner.streams.append(self)

    def start(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def deliver(self, block: np.ndarray, overflow: bool = False) -> None:
        """What PortAudio does every block: call back with (frames, 1) int16 data."""
        status = SimpleNamespace(input_overflow=overflow)
        self.callback(block.reshape(-1, 1), block.size, None, status)

    def pull_the_plug(self) -> None:
        self.finished_callback()


class FakeOutputStream:
    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.callback = kwargs["callback"]
        self.latency = 0.02
        self.closed = False

    def start(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def pull(self, frames: int) -> np.ndarray:
        """What PortAudio does every period: ask the callback to fill `frames` samples."""
        out = np.full((frames, 1), 12345, dtype=np.int16)  # stale data the callback must overwrite
        self.callback(out, frames, None, SimpleNamespace(output_underflow=False))
        return out[:, 0].copy()


class FakePortAudio:
    PortAudioError = PortAudioError

    def __init__(
        self, devices: list[dict[str, Any]], default_input: int = 0, output_rates: tuple[int, ...] = (16000,)
    ) -> None:
        self._devices = devices
        self.default = SimpleNamespace(device=(default_input, None))
        self.streams: list[FakeStream] = []
        self.outputs: list[FakeOutputStream] = []
        self.output_rates = output_rates
        self.open_error = ""

    def query_devices(self, kind: str | None = None) -> Any:
        if kind == "output":
            outputs = [d for d in self._devices if d["max_output_channels"] > 0]
            if not outputs:
                raise PortAudioError("Error querying device -1")
            return outputs[0]
        return self._devices

    def check_output_settings(self, samplerate: float, **_kwargs: Any) -> None:
        self.query_devices(kind="output")
        if samplerate not in self.output_rates:
            raise PortAudioError("Invalid sample rate [PaErrorCode -9997]")

    def OutputStream(self, **kwargs: Any) -> FakeOutputStream:  # noqa: N802 - sounddevice's name
        if self.open_error:
            raise PortAudioError(self.open_error)
        self.query_devices(kind="output")  # as PortAudio: no default output, no stream
        self.outputs.append(FakeOutputStream(**kwargs))
        return self.outputs[-1]

    def query_hostapis(self) -> list[dict[str, Any]]:
        return [{"name": "ALSA"}, {"name": "PulseAudio"}]

    def InputStream(self, **kwargs: Any) -> FakeStream:  # noqa: N802 - sounddevice's name
        return FakeStream(self, **kwargs)


LAPTOP = [
    {"name": "HDA Intel PCH: ALC257 Analog", "hostapi": 0, "max_input_channels": 2,
     "max_output_channels": 2, "default_samplerate": 48000.0},
    {"name": "HDMI 0", "hostapi": 0, "max_input_channels": 0, "max_output_channels": 8,
     "default_samplerate": 48000.0},
    {"name": "Monitor of Built-in Audio", "hostapi": 1, "max_input_channels": 2,
     "max_output_channels": 0, "default_samplerate": 44100.0},
]  # fmt: skip


def fake_audio(devices: list[dict[str, Any]] | None = None, pa: FakePortAudio | None = None) -> AudioBackend:
    """The window's sound for a test: a stand-in PortAudio (no devices unless given) on Linux
    without PulseAudio's tools, so nothing reaches the machine's own microphone or speakers."""
    return AudioBackend(
        pa or FakePortAudio(devices or []),
        platform="linux",
        has_command=lambda _name: False,
        has_module=lambda _name: False,
    )

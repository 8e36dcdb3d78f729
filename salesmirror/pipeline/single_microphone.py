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
from dataclasses import dataclass, replace

import numpy as np

from salesmirror.audio_format import FRAME_SECONDS
from salesmirror.events import Speaker, Utterance
from salesmirror.model_files import ModelError
from salesmirror.speech.speaker_id import VoiceAttribution, VoicePrint, VoicesHeard
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
    """Sent by the judging worker: the next frames of the call as (you, them), and whether a
    second voice has been found so far (shown live, since it decides how far to trust the split)."""

    frames: list[tuple[bool, bool]]
    voices: VoicesHeard


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
                frames, voices = [(speaking, False) for speaking in decisions], VoicesHeard.ONLY_YOURS
            else:
                frames, voices = attribution.feed(samples, decisions), attribution.voices
            if frames:
                self._emit(FramesAttributed(frames, voices))
        if attribution is not None:
            self._emit(FramesAttributed(attribution.finish(), attribution.voices))
        self._emit(JudgeDone())


class LinesByVoice:
    """Gives each recognised line of the one microphone the speaker its frames were attributed to,
    so a customer's words reach the customer-cue nudges in this mode too.

    A line usually arrives before the judge has labelled its frames (the judge runs a few seconds
    behind), so it is held until they are. Labels are kept for the whole call, one byte a frame
    (180 kB an hour), because a recogniser catching up after a slow start may deliver a line late.
    """

    _YOU, _THEM = 1, 2

    def __init__(self) -> None:
        self._labels = bytearray()
        self._held: list[Utterance] = []

    def frames(self, frames: list[tuple[bool, bool]]) -> list[Utterance]:
        """The judge's next frames; returns the held lines they complete, in order."""
        self._labels.extend(self._YOU if you else self._THEM if them else 0 for you, them in frames)
        return self._ready(len(self._labels))

    def line(self, utterance: Utterance) -> list[Utterance]:
        """A recognised line of the microphone; returns it, labelled, once its frames are judged."""
        self._held.append(utterance)
        return self._ready(len(self._labels))

    def finish(self) -> list[Utterance]:
        """Every line still held, judged on what was labelled (the call is over)."""
        return self._ready(None)

    def _ready(self, labelled: int | None) -> list[Utterance]:
        ready: list[Utterance] = []
        held: list[Utterance] = []
        for utterance in self._held:
            judged = labelled is None or round(utterance.end / FRAME_SECONDS) <= labelled
            (ready if judged else held).append(utterance)
        self._held = held
        return [self._labelled(u) for u in ready]

    def _labelled(self, utterance: Utterance) -> Utterance:
        span = self._labels[round(utterance.start / FRAME_SECONDS) : round(utterance.end / FRAME_SECONDS)]
        theirs = span.count(self._THEM) > span.count(self._YOU)
        return replace(utterance, speaker=Speaker.THEM) if theirs else utterance


# What the judging worker sends the analysis worker (a voice encoder that cannot load: ModelError).
JudgeMessage = FramesAttributed | JudgeDone | ModelError

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

    One recogniser hears both voices, and where they follow each other without a pause it may
    deliver both in one line (a whole 25 s of a meeting, seen in CI; where Vosk ends a line even
    varies from run to run, as Kaldi dithers its features unless a model's mfcc.conf says
    `--dither=0`, and the Korean test model does not). So each word takes the speaker of its own
    frames, and a line is cut where the speaker changes; a stretch under `MIN_TURN_S` between words
    of the other voice is taken as the attribution's noise, not a turn (voice prints judge 1.6 s
    windows).

    A line usually arrives before the judge has labelled its frames (the judge runs a few seconds
    behind), so it is held until they are. Labels are kept for the whole call, one byte a frame
    (180 kB an hour), because a recogniser catching up after a slow start may deliver a line late.
    """

    MIN_TURN_S = 0.6

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
        return [line for utterance in ready for line in self._by_speaker(utterance)]

    def _speaker_of(self, start: float, end: float) -> Speaker | None:
        """Who the frames from `start` to `end` were attributed to (None: no speech judged there)."""
        first = round(start / FRAME_SECONDS)
        span = self._labels[first : max(round(end / FRAME_SECONDS), first + 1)]
        yours, theirs = span.count(self._YOU), span.count(self._THEM)
        if yours == theirs == 0:
            return None
        return Speaker.THEM if theirs > yours else Speaker.YOU

    def _by_speaker(self, utterance: Utterance) -> list[Utterance]:
        """The line as one line per speaker turn within it, in order."""
        whole = self._speaker_of(utterance.start, utterance.end) or utterance.speaker
        if not utterance.words:
            return [replace(utterance, speaker=whole)]
        # A word heard in no judged speech goes with the word before it (the first: the line's).
        speakers: list[Speaker] = []
        for word in utterance.words:
            speakers.append(self._speaker_of(word.start, word.end) or (speakers[-1] if speakers else whole))
        # A short stretch of one voice between two of the other is the attribution's noise.
        runs = _runs(speakers)
        for (first, stop, speaker), (_, _, before), (_, _, after) in zip(
            runs[1:-1], runs, runs[2:], strict=False
        ):
            words = utterance.words[first:stop]
            if before is after is not speaker and words[-1].end - words[0].start < self.MIN_TURN_S:
                speakers[first:stop] = [before] * (stop - first)
        runs = _runs(speakers)
        if len(runs) == 1:
            return [replace(utterance, speaker=speakers[0])]
        return [
            Utterance(speaker, words[0].start, words[-1].end, " ".join(w.text for w in words), words)
            for first, stop, speaker in runs
            for words in [utterance.words[first:stop]]
        ]


def _runs(speakers: list[Speaker]) -> list[tuple[int, int, Speaker]]:
    """(first, stop, speaker) of each stretch of consecutive equal speakers."""
    runs: list[tuple[int, int, Speaker]] = []
    for index, speaker in enumerate(speakers):
        if runs and runs[-1][2] is speaker:
            runs[-1] = (runs[-1][0], index + 1, speaker)
        else:
            runs.append((index, index + 1, speaker))
    return runs


# What the judging worker sends the analysis worker (a voice encoder that cannot load: ModelError).
JudgeMessage = FramesAttributed | JudgeDone | ModelError

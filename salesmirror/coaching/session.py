"""One call's coaching state: talk time, transcript and nudges, fed in session order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from salesmirror.call_summary import CallFigures, CallMetrics, CallNotes, CallSummary
from salesmirror.coaching.metrics import UtteranceFigures
from salesmirror.coaching.nudges import WHO_TALKS_WHEN, NudgeEngine, NudgeSettings, RecordedNudges
from salesmirror.coaching.talk_time import TalkTimeSettings, TalkTimeTracker
from salesmirror.events import AudioLoss, Caution, CautionKind, Nudge, Speaker, TalkFigures, Utterance


@dataclass(frozen=True, slots=True)
class CoachSettings:
    talk_time: TalkTimeSettings = field(default_factory=TalkTimeSettings)
    nudges: NudgeSettings = field(default_factory=NudgeSettings)
    # A stored call played again: its own nudges at their moments, instead of coaching anew.
    recorded_nudges: tuple[Nudge, ...] | None = None

    def on_one_channel(self) -> CoachSettings:
        """These settings for a call whose two voices share one channel (TalkTimeSettings.one_channel)."""
        return replace(self, talk_time=replace(self.talk_time, one_channel=True))


NudgeListener = Callable[[Nudge], None]


class SessionObserver(Protocol):
    """Follows a session as it happens (the journal that stores it); called on the session's
    thread, so implementations only copy plain data and hand it on."""

    def on_frame(self, session: CoachingSession) -> None: ...
    def on_utterance(self, utterance: Utterance) -> None: ...
    def on_nudge(self, nudge: Nudge) -> None: ...
    def on_audio_lost(self, loss: AudioLoss) -> None: ...
    def on_caution(self, caution: Caution) -> None: ...
    def on_finish(self, session: CoachingSession) -> None: ...


class CoachingSession:
    """Feeds activity frames and finished utterances to the talk-time tracker and the nudge rules.

    Not thread-safe by design: exactly one worker owns it and everything reaches it through that
    worker's queue, which keeps the order of events the order of session time.
    """

    def __init__(
        self,
        settings: CoachSettings | None = None,
        on_nudge: NudgeListener | None = None,
        observer: SessionObserver | None = None,
    ) -> None:
        self.settings = settings or CoachSettings()
        self.talk = TalkTimeTracker(self.settings.talk_time)
        recorded = self.settings.recorded_nudges
        self.nudges: NudgeEngine | RecordedNudges = (
            NudgeEngine(self.settings.nudges) if recorded is None else RecordedNudges(recorded)
        )
        self.transcript: list[Utterance] = []
        self.spoken = UtteranceFigures()
        self.audio_lost: list[AudioLoss] = []
        self.cautions: list[Caution] = []
        self._on_nudge = on_nudge
        self._observer = observer

    @property
    def now(self) -> float:
        return self.talk.now

    def on_frame(self, you: bool, them: bool) -> None:
        self.talk.step(you, them)
        self._emit(self.nudges.on_frame(self.talk.now, self.talk))
        if self._observer is not None:
            self._observer.on_frame(self)

    def on_utterance(self, utterance: Utterance) -> None:
        self.transcript.append(utterance)
        self.spoken.add(utterance)
        if self._observer is not None:
            self._observer.on_utterance(utterance)
        self._emit(self.nudges.on_utterance(utterance, self.talk.now))

    def on_audio_lost(self, speaker: Speaker, t: float) -> None:
        """A device dropped audio at `t` on its channel: the figures miss some talk time, and say so."""
        loss = AudioLoss(t, speaker)
        self.audio_lost.append(loss)
        if self._observer is not None:
            self._observer.on_audio_lost(loss)

    def on_caution(self, kind: CautionKind, since: float | None = None) -> None:
        """From now on (or from `since`) the figures are less exact for this reason (kept once)."""
        if any(caution.kind is kind for caution in self.cautions):
            return
        caution = Caution(self.talk.now if since is None else since, kind)
        self.cautions.append(caution)
        if kind is CautionKind.ECHO_HEARD:  # their turns are yours too from here on
            self.nudges.hold_back(WHO_TALKS_WHEN)
        if self._observer is not None:
            self._observer.on_caution(caution)

    def snooze(self, seconds: float) -> None:
        """No nudges for the next `seconds` of the call."""
        self.nudges.snooze(self.talk.now, seconds)

    def resume_nudges(self) -> None:
        self.nudges.resume()

    def _emit(self, nudge: Nudge | None) -> None:
        if nudge is None:
            return
        if self._observer is not None:
            self._observer.on_nudge(nudge)
        if self._on_nudge is not None:
            self._on_nudge(nudge)

    def finish(self) -> None:
        self.talk.finish()
        if self._observer is not None:
            self._observer.on_finish(self)

    def figures(self) -> TalkFigures:
        return self.talk.figures()

    def metrics(self) -> CallMetrics:
        """The figures behind the nudges, each next to what good selling aims for (see README)."""
        figures = self.talk.figures()
        pause = self.talk.turns.median_pause_s
        pace = self.spoken.words_per_minute
        return CallMetrics(
            talk_ratio_you=_rounded(figures.ratio_you, 4),
            recent_talk_ratio_you=_rounded(figures.recent_ratio_you, 4),
            longest_monologue_s=round(figures.longest_monologue_s, 2),
            longest_customer_story_s=round(self.talk.longest_story_s, 2),
            questions_asked=self.spoken.questions,
            patience_s=_rounded(pause, 2),
            interruptions=self.talk.turns.interruptions if self.talk.turns.measured else None,
            words_per_minute=None if pace is None else round(pace),
        )

    def headline(self) -> CallFigures:
        """The call's figures so far without the lists: what the store keeps about once a second."""
        figures = self.talk.figures()
        return CallFigures(
            duration_s=round(figures.t, 2),
            you_seconds=round(figures.you_seconds, 2),
            them_seconds=round(figures.them_seconds, 2),
            talk_ratio_you=_rounded(figures.ratio_you, 4),
            longest_monologue_s=round(figures.longest_monologue_s, 2),
            metrics=self.metrics(),
        )

    def summary(self, notes: CallNotes | None = None) -> CallSummary:
        """The whole call so far: figures, segments, nudges and the transcript in time order."""
        return CallSummary(
            figures=self.headline(),
            segments=tuple(self.talk.segments),
            nudges=tuple(self.nudges.fired),
            transcript=tuple(sorted(self.transcript, key=lambda u: u.start)),
            notes=notes or CallNotes(),
            cautions=tuple(self.cautions),
        )


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)

"""One small rule per nudge kind. A rule watches the talk-time tracker frame by frame and/or the
finished utterances, and says when its nudge falls due and on what evidence; whether the seller
sees it is the delivery policy's call (`delivery.py`).

Utterances arrive when they are finished (a recognised final, or a script line at its end), so
rules that compare times use the utterances' own times, never the moment they arrived.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Generic, TypeVar

from salesmirror.coaching.delivery import DueNudge
from salesmirror.coaching.phrases import looks_like_question
from salesmirror.coaching.playbook import NudgeKind
from salesmirror.coaching.talk_time import TalkTimeTracker
from salesmirror.coaching.utterance_cues import (
    CueDetector,
    EvidenceDetector,
    agenda_detector,
    goal_detector,
    is_backchannel,
    person_counts,
    pitch_detector,
    problem_detector,
    technology_detector,
    word_count,
)
from salesmirror.events import Speaker, Utterance
from salesmirror.timefmt import clock

# Rules that judge "your recent speech" look this far back.
RECENT_SPEECH_S = 120.0


def _quote(text: str, limit: int = 90) -> str:
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1].rstrip()}…"'


class Rule:
    """Base: a rule for one kind with its threshold; both hooks do nothing unless overridden."""

    def __init__(self, kind: NudgeKind, threshold: float | None) -> None:
        self.kind = kind
        self.threshold = threshold

    def due(self, t: float, evidence: str, about: float | None = None) -> DueNudge:
        return DueNudge(self.kind, t, self.kind.says(self.threshold), evidence, about)

    def on_frame(self, now: float, talk: TalkTimeTracker) -> DueNudge | None:
        return None

    def on_utterance(self, utterance: Utterance) -> DueNudge | None:
        return None


class MonologueRule(Rule):
    """Due once per monologue, when your uninterrupted talk reaches the threshold."""

    def __init__(self, kind: NudgeKind, threshold: float | None) -> None:
        super().__init__(kind, threshold)
        self._armed = True

    def on_frame(self, now: float, talk: TalkTimeTracker) -> DueNudge | None:
        assert self.threshold is not None
        length = talk.current_monologue_s
        if length == 0.0:
            self._armed = True
        elif self._armed and length >= self.threshold:
            self._armed = False
            return self.due(now, f"you spoke for {length:.0f} s without them speaking for 1 s")
        return None


class CustomerCueRule(Rule):
    """Due when the customer says something the detector recognises (a problem, a goal, a
    competitor) and you let it pass: your reply is neither a question nor, where the kind allows,
    an acknowledgement. A seller who already asks "why?" is not nudged to do so.

    While they keep talking you are listening, which is right; once they stop and you say nothing
    for `WAIT_S`, the nudge is due, to have the question ready. If you spoke but no words arrive
    for your reply, it is dropped."""

    WAIT_S = 8.0
    GIVE_UP_S = 20.0

    def __init__(
        self, kind: NudgeKind, detector: EvidenceDetector, acknowledged: CueDetector | None = None
    ) -> None:
        super().__init__(kind, None)
        self._detector = detector
        self._acknowledged = acknowledged
        self._pending: tuple[Utterance, str] | None = None

    def on_utterance(self, utterance: Utterance) -> DueNudge | None:
        if utterance.speaker is Speaker.THEM:
            cue = self._detector.evidence(utterance.text)
            if cue is not None:
                self._pending = (utterance, cue)
            return None
        if self._pending is None or utterance.end <= self._pending[0].end:
            return None
        if is_backchannel(utterance.text):
            return None
        said, cue = self._pending
        self._pending = None
        if looks_like_question(utterance.text):
            return None
        if self._acknowledged is not None and self._acknowledged.evidence(utterance.text) is not None:
            return None
        return self.due(
            utterance.end,
            f"{self._evidence(said, cue)}; you went on: {_quote(utterance.text, 60)}",
            about=said.start,
        )

    def on_frame(self, now: float, talk: TalkTimeTracker) -> DueNudge | None:
        if self._pending is None:
            return None
        said, cue = self._pending
        if talk.spoke_since(Speaker.YOU, said.end):
            if now - said.end >= self.GIVE_UP_S:
                self._pending = None  # your reply was never recognised: no grounds to nudge
            return None
        if talk.current_run_start(Speaker.THEM) is not None:
            return None  # they are still telling it
        theirs = talk.closed_segments(Speaker.THEM)
        quiet_since = max(said.end, theirs[-1].end if theirs else said.end)
        if now - quiet_since < self.WAIT_S:
            return None
        self._pending = None
        return self.due(now, self._evidence(said, cue), about=said.start)

    def _evidence(self, said: Utterance, cue: str) -> str:
        """The customer's words that carried the cue, or their words and the phrase that matched."""
        if self._detector.quotes_customer:
            return _quote(cue)
        return f"{_quote(said.text)} ({cue})"


@dataclass(slots=True)
class _NamedNeed:
    start: float
    end: float
    text: str
    cue: str


class PrematurePitchRule(Rule):
    """Due when you pitch within `threshold` seconds of the customer naming a need, a problem or a
    technology, without a question of yours in between."""

    def __init__(self, kind: NudgeKind, threshold: float | None, product_terms: tuple[str, ...]) -> None:
        super().__init__(kind, threshold)
        self._needs = (goal_detector(), problem_detector(), technology_detector())
        self._pitch = pitch_detector(product_terms)
        self._need: _NamedNeed | None = None

    def on_utterance(self, utterance: Utterance) -> DueNudge | None:
        assert self.threshold is not None
        if utterance.speaker is Speaker.THEM:
            cue = next((c for d in self._needs if (c := d.evidence(utterance.text))), None)
            if cue is not None:
                self._need = _NamedNeed(utterance.start, utterance.end, utterance.text, cue)
            return None
        need, self._need = self._need, None
        if need is None or utterance.start - need.end > self.threshold:
            return None
        if looks_like_question(utterance.text):
            return None  # a follow-up question: exactly right
        pitch = self._pitch.evidence(utterance.text)
        if pitch is None:
            self._need = need if is_backchannel(utterance.text) else None
            return None
        gap = max(0.0, utterance.start - need.end)
        return self.due(
            utterance.end,
            f"they said {_quote(need.text, 60)} ({need.cue}); {gap:.0f} s later you pitched "
            f"{_quote(utterance.text, 60)} ({pitch}) without a question",
            about=need.start,
        )


class InterrogationRule(Rule):
    """Due when `threshold` of your questions in a row got short answers and you ask another."""

    SHORT_ANSWER_WORDS = 8

    def __init__(self, kind: NudgeKind, threshold: float | None) -> None:
        super().__init__(kind, threshold)
        self._asked = False  # your last turn was a question
        self._answer_words = 0
        self._short_answers: list[int] = []

    def on_utterance(self, utterance: Utterance) -> DueNudge | None:
        assert self.threshold is not None
        if utterance.speaker is Speaker.THEM:
            if self._asked:
                self._answer_words += word_count(utterance.text)
                if self._answer_words > self.SHORT_ANSWER_WORDS:
                    self._short_answers.clear()  # a real answer: a conversation, not a quiz
            return None
        if is_backchannel(utterance.text):
            return None
        if not looks_like_question(utterance.text):
            self._asked = False
            self._short_answers.clear()
            return None
        if self._asked and 0 < self._answer_words <= self.SHORT_ANSWER_WORDS:
            self._short_answers.append(self._answer_words)
        self._asked = True
        self._answer_words = 0
        if len(self._short_answers) >= self.threshold:
            answers = ", ".join(str(n) for n in self._short_answers)
            self._short_answers.clear()
            return self.due(
                utterance.end,
                f"{len(answers.split(','))} questions in a row got answers of {answers} words; "
                f"now {_quote(utterance.text, 60)}",
            )
        return None


class InterruptRule(Rule):
    """Due when you start over the customer mid-turn (the tracker's interruption count rises).

    A listener sound of a second or more ("yeah, right, I see") can look like an interruption in
    the audio, so the rule waits briefly for the words of your turn and lets a backchannel go; a
    backchannel's final result arrives well within that wait. Without recognition it fires after
    the wait, stamped when the interruption was detected."""

    WAIT_FOR_WORDS_S = 2.5

    def __init__(self, kind: NudgeKind) -> None:
        super().__init__(kind, None)
        self._seen = 0
        self._pending: tuple[float, float] | None = None  # (detected at, you started at)

    def on_frame(self, now: float, talk: TalkTimeTracker) -> DueNudge | None:
        count = talk.turns.interruptions
        if count > self._seen:
            self._seen = count
            started = talk.current_run_start(Speaker.YOU)
            self._pending = (now, now if started is None else started)
        if self._pending is None:
            return None
        detected, started = self._pending
        if now - detected < self.WAIT_FOR_WORDS_S:
            return None
        self._pending = None
        return self.due(detected, f"you started at {clock(started)} while they were mid-turn")

    def on_utterance(self, utterance: Utterance) -> DueNudge | None:
        if utterance.speaker is not Speaker.YOU:
            return None
        if self._pending is not None and utterance.start <= self._pending[1] + 0.5:
            if is_backchannel(utterance.text):
                self._pending = None
                return None
            detected, started = self._pending
            self._pending = None
            return self.due(
                detected,
                f"you started at {clock(started)} while they were mid-turn: {_quote(utterance.text, 60)}",
            )
        return None


class PatienceRule(Rule):
    """Due when you answer three times in a row within `threshold` seconds of them stopping."""

    IN_A_ROW = 3

    def __init__(self, kind: NudgeKind, threshold: float | None) -> None:
        super().__init__(kind, threshold)
        self._seen = 0
        self._quick: list[float] = []

    def on_frame(self, now: float, talk: TalkTimeTracker) -> DueNudge | None:
        assert self.threshold is not None
        pauses = talk.turns.pauses
        if len(pauses) == self._seen:
            return None
        for pause in pauses[self._seen :]:
            self._quick = [*self._quick, pause] if pause < self.threshold else []
        self._seen = len(pauses)
        if len(self._quick) < self.IN_A_ROW:
            return None
        quick, self._quick = self._quick, []
        listed = ", ".join(f"{p:.1f}" for p in quick)
        return self.due(now, f"you answered {len(quick)} times in a row after pauses of {listed} s")


class TalkRatioRule(Rule):
    """Due when your share of the last five minutes stays above the threshold for 30 s, once the
    call is three minutes old; re-armed when your share falls 5 points below it."""

    MIN_CALL_S = 180.0
    SUSTAINED_S = 30.0

    def __init__(self, kind: NudgeKind, threshold: float | None) -> None:
        super().__init__(kind, threshold)
        self._above_since: float | None = None
        self._armed = True
        self._next_check = 0.0

    def on_frame(self, now: float, talk: TalkTimeTracker) -> DueNudge | None:
        assert self.threshold is not None
        if now < self._next_check:
            return None
        self._next_check = now + 1.0  # a five-minute share does not change faster than this
        ratio = talk.recent_ratio_you
        if ratio is None or now < self.MIN_CALL_S:
            return None
        share = 100 * ratio
        if share < self.threshold - 5:
            self._armed = True
        if share <= self.threshold:
            self._above_since = None
            return None
        if self._above_since is None:
            self._above_since = now
        if self._armed and now - self._above_since >= self.SUSTAINED_S:
            self._armed = False
            return self.due(now, f"you did {share:.0f} % of the talking over the last 5 minutes")
        return None


Measure = TypeVar("Measure")


class _RecentSpeech(Generic[Measure]):
    """Your utterances of the last two minutes with what a rule measured in each, oldest first."""

    def __init__(self, span_s: float = RECENT_SPEECH_S) -> None:
        self._span_s = span_s
        self.items: deque[tuple[Utterance, Measure]] = deque()

    def add(self, utterance: Utterance, measure: Measure) -> None:
        self.items.append((utterance, measure))
        while self.items and utterance.end - self.items[0][0].end > self._span_s:
            self.items.popleft()

    def clear(self) -> None:
        self.items.clear()


class ProductTalkRule(Rule):
    """Due when at least `threshold` % of your last two minutes' sentences (four or more) are about
    your product or company."""

    MIN_UTTERANCES = 4

    def __init__(self, kind: NudgeKind, threshold: float | None, product_terms: tuple[str, ...]) -> None:
        super().__init__(kind, threshold)
        self._pitch = pitch_detector(product_terms)
        self._recent: _RecentSpeech[str | None] = _RecentSpeech()

    def on_utterance(self, utterance: Utterance) -> DueNudge | None:
        assert self.threshold is not None
        if utterance.speaker is not Speaker.YOU or is_backchannel(utterance.text):
            return None
        self._recent.add(utterance, self._pitch.evidence(utterance.text))
        cues = [cue for _, cue in self._recent.items]
        about_product = [c for c in cues if c is not None]
        if len(cues) < self.MIN_UTTERANCES or 100 * len(about_product) < self.threshold * len(cues):
            return None
        self._recent.clear()
        terms = ", ".join(dict.fromkeys(str(c) for c in about_product))
        return self.due(
            utterance.end, f"{len(about_product)} of your last {len(cues)} sentences were about {terms}"
        )


class YouFocusRule(Rule):
    """Due when, over your last two minutes, I/we/our outnumber you/your `threshold` times over
    (and at least 15 times)."""

    MIN_SELF_WORDS = 15

    def __init__(self, kind: NudgeKind, threshold: float | None) -> None:
        super().__init__(kind, threshold)
        self._recent: _RecentSpeech[tuple[int, int]] = _RecentSpeech()

    def on_utterance(self, utterance: Utterance) -> DueNudge | None:
        assert self.threshold is not None
        if utterance.speaker is not Speaker.YOU:
            return None
        self._recent.add(utterance, person_counts(utterance.text))
        own = sum(counts[0] for _, counts in self._recent.items)
        theirs = sum(counts[1] for _, counts in self._recent.items)
        if own < self.MIN_SELF_WORDS or own < self.threshold * max(theirs, 1):
            return None
        self._recent.clear()
        return self.due(utterance.end, f"in your last 2 minutes: {own} × I/we/our, {theirs} × you/your")


class PaceRule(Rule):
    """Due when your words per minute over the last minute (30 s of speech or more) pass the
    threshold."""

    SPAN_S = 60.0
    MIN_SPEECH_S = 30.0

    def __init__(self, kind: NudgeKind, threshold: float | None) -> None:
        super().__init__(kind, threshold)
        self._recent: _RecentSpeech[int] = _RecentSpeech(self.SPAN_S)

    def on_utterance(self, utterance: Utterance) -> DueNudge | None:
        assert self.threshold is not None
        if utterance.speaker is not Speaker.YOU:
            return None
        words = len(utterance.words) or word_count(utterance.text)
        self._recent.add(utterance, words)
        speaking = sum(u.end - u.start for u, _ in self._recent.items)
        if speaking < self.MIN_SPEECH_S:
            return None
        pace = 60 * sum(n for _, n in self._recent.items) / speaking
        if pace <= self.threshold:
            return None
        self._recent.clear()
        return self.due(utterance.end, f"{pace:.0f} words a minute over your last {speaking:.0f} s of speech")


class AgendaRule(Rule):
    """Due once, `threshold` seconds into the call, if you have spoken (and been recognised) but
    not said what you want from the conversation."""

    MIN_WORDS = 20

    def __init__(self, kind: NudgeKind, threshold: float | None) -> None:
        super().__init__(kind, threshold)
        self._agenda = agenda_detector()
        self._words = 0
        self._settled = False

    def on_utterance(self, utterance: Utterance) -> DueNudge | None:
        if utterance.speaker is Speaker.YOU and not self._settled:
            self._words += word_count(utterance.text)
            if self._agenda.evidence(utterance.text) is not None:
                self._settled = True
        return None

    def on_frame(self, now: float, talk: TalkTimeTracker) -> DueNudge | None:
        assert self.threshold is not None
        if self._settled or now < self.threshold:
            return None
        if self._words < self.MIN_WORDS:
            # Too little recognised speech to judge; after a minute more, stop waiting.
            self._settled = now > self.threshold + 60
            return None
        self._settled = True
        return self.due(now, f"{clock(now)} in, you have not said what you want from this call")

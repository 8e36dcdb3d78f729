"""The nudge engine: the playbook's rules, fed talk time and utterances, delivered calmly.

Which kinds exist, what they say and why lives in `salesmirror/data/playbook.toml`; each kind's rule in
`nudge_rules.py`; the policy that decides what reaches the seller in `delivery.py`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from salesmirror.coaching.delivery import DueNudge, NudgeDelivery
from salesmirror.coaching.learned_cues import learned_detectors
from salesmirror.coaching.nudge_rules import (
    AgendaRule,
    CustomerCueRule,
    InterrogationRule,
    InterruptRule,
    MonologueRule,
    PaceRule,
    PatienceRule,
    PrematurePitchRule,
    ProductTalkRule,
    Rule,
    TalkRatioRule,
    YouFocusRule,
)
from salesmirror.coaching.playbook import NudgeKind, playbook
from salesmirror.coaching.talk_time import TalkTimeTracker
from salesmirror.coaching.utterance_cues import (
    acknowledgement_detector,
    elephant_detector,
    goal_detector,
    problem_detector,
)
from salesmirror.events import Nudge, Utterance

# The kinds that judge who talks when from the audio alone: certainly wrong once your microphone
# is known to hear the call, where each of their turns is also one of yours.
WHO_TALKS_WHEN = frozenset({"interrupt", "monologue", "talk_ratio", "patience"})


@dataclass(frozen=True, slots=True)
class NudgeSettings:
    """Which nudges are on, their thresholds (playbook defaults unless overridden), the delivery
    gaps, the words that name your product and your competitors, and the folder of the learned
    customer-cue model when it is installed (the phrase lists serve alone without it)."""

    disabled: frozenset[str] = frozenset()
    thresholds: Mapping[str, float] = field(default_factory=dict)
    global_gap_s: float = 30.0
    repeat_gap_s: float = 90.0
    product_terms: tuple[str, ...] = ()
    competitors: tuple[str, ...] = ()
    cue_model: Path | None = None

    def threshold(self, name: str) -> float | None:
        return self.thresholds.get(name, playbook()[name].threshold)

    def enabled(self, name: str) -> bool:
        return name not in self.disabled


def build_rules(settings: NudgeSettings) -> list[Rule]:
    """One rule for each enabled kind of the playbook."""
    kinds = playbook()
    learned = learned_detectors(settings.cue_model, settings.competitors)

    def make(kind: NudgeKind) -> Rule:
        threshold = settings.threshold(kind.name)
        match kind.name:
            case "monologue":
                return MonologueRule(kind, threshold)
            case "problem":
                return CustomerCueRule(kind, learned["problem"] if learned else problem_detector())
            case "dig_deeper":
                return CustomerCueRule(kind, learned["dig_deeper"] if learned else goal_detector())
            case "elephant":
                return CustomerCueRule(
                    kind,
                    learned["elephant"] if learned else elephant_detector(settings.competitors),
                    acknowledgement_detector(),
                )
            case "premature_pitch":
                return PrematurePitchRule(kind, threshold, settings.product_terms)
            case "product_talk":
                return ProductTalkRule(kind, threshold, settings.product_terms)
            case "you_focus":
                return YouFocusRule(kind, threshold)
            case "interrogation":
                return InterrogationRule(kind, threshold)
            case "interrupt":
                return InterruptRule(kind)
            case "patience":
                return PatienceRule(kind, threshold)
            case "agenda":
                return AgendaRule(kind, threshold)
            case "talk_ratio":
                return TalkRatioRule(kind, threshold)
            case "pace":
                return PaceRule(kind, threshold)
        raise ValueError(f"the playbook names a nudge kind with no rule: {kind.name}")

    return [make(kind) for name, kind in kinds.items() if settings.enabled(name)]


class NudgeEngine:
    """Runs every enabled rule and hands what falls due to the delivery policy."""

    def __init__(self, settings: NudgeSettings | None = None) -> None:
        self.settings = settings or NudgeSettings()
        self._rules = build_rules(self.settings)
        self._frame_rules = [r for r in self._rules if type(r).on_frame is not Rule.on_frame]
        self._utterance_rules = [r for r in self._rules if type(r).on_utterance is not Rule.on_utterance]
        self._delivery = NudgeDelivery(self.settings.global_gap_s, self.settings.repeat_gap_s)
        self._held_back: frozenset[str] = frozenset()

    @property
    def fired(self) -> list[Nudge]:
        """Every nudge delivered so far, in order."""
        return self._delivery.delivered

    def hold_back(self, kinds: frozenset[str]) -> None:
        """From now on these kinds are not given (what they rest on is known to be wrong)."""
        self._held_back |= kinds

    def on_frame(self, now: float, talk: TalkTimeTracker) -> Nudge | None:
        """Called every 20 ms frame, after the tracker has taken it."""
        for rule in self._frame_rules:
            self._offer(rule.on_frame(now, talk))
        return self._delivery.tick(now)

    def on_utterance(self, utterance: Utterance, now: float) -> Nudge | None:
        for rule in self._utterance_rules:
            self._offer(rule.on_utterance(utterance))
        return self._delivery.tick(now)

    def snooze(self, now: float, seconds: float) -> None:
        """No nudges for `seconds`; what falls due meanwhile is dropped."""
        self._delivery.snooze(now, seconds)

    def resume(self) -> None:
        self._delivery.resume()

    @property
    def snoozed_until(self) -> float | None:
        return self._delivery.snoozed_until

    def _offer(self, due: DueNudge | None) -> None:
        if due is not None and due.kind.name not in self._held_back:
            self._delivery.offer(due)


class RecordedNudges:
    """A stored call's nudges, given again at the moments they fired. A call played again (in
    presentation mode) shows what the coach said then, not what today's settings would say."""

    def __init__(self, nudges: Sequence[Nudge]) -> None:
        self._due = deque(sorted(nudges, key=lambda n: n.t))
        self._fired: list[Nudge] = []
        self._snoozed_until: float | None = None

    @property
    def fired(self) -> list[Nudge]:
        return self._fired

    def on_frame(self, now: float, talk: TalkTimeTracker) -> Nudge | None:
        return self._tick(now)

    def on_utterance(self, utterance: Utterance, now: float) -> Nudge | None:
        return self._tick(now)

    def hold_back(self, kinds: frozenset[str]) -> None:
        """A stored call's nudges are given as they were."""

    def snooze(self, now: float, seconds: float) -> None:
        self._snoozed_until = now + seconds

    def resume(self) -> None:
        self._snoozed_until = None

    @property
    def snoozed_until(self) -> float | None:
        return self._snoozed_until

    def _tick(self, now: float) -> Nudge | None:
        while self._due and self._due[0].t <= now:
            nudge = self._due.popleft()
            if self._snoozed_until is not None and nudge.t < self._snoozed_until:
                continue  # snoozed, as a live nudge due then would be
            self._fired.append(nudge)
            return nudge
        return None

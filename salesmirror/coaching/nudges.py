"""Nudge rules and their calm delivery.

Each rule looks at plain data (talk figures, finished utterances) and may propose a nudge; the
delivery policy decides whether it is shown. A nagging coach gets closed, so the policy is strict:
one kind does not repeat within `same_kind_gap_s`.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesmirror.coaching.events import Nudge, Speaker, Utterance
from salesmirror.coaching.phrases import CueMatcher, looks_like_question, phrase_list, tokenize

MONOLOGUE = "monologue"
PROBLEM = "problem"


@dataclass(frozen=True, slots=True)
class NudgeSettings:
    monologue_s: float = 90.0
    same_kind_gap_s: float = 60.0
    monologue_enabled: bool = True
    problem_enabled: bool = True


def _format_duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{seconds // 60} minutes" if seconds % 60 == 0 else f"{seconds / 60:.1f} minutes"


class ProblemDetector:
    """Does a customer utterance state a problem, pain, difficulty or risk?"""

    def __init__(self) -> None:
        self._matcher = CueMatcher(list(phrase_list("problem")), list(phrase_list("negation")))

    def evidence(self, text: str) -> str | None:
        """The cue that makes `text` a problem statement, or None."""
        if looks_like_question(text):
            return None
        matches = self._matcher.find(tokenize(text))
        return matches[0].phrase if matches else None


class NudgeEngine:
    """Turns talk figures and finished utterances into nudges, honouring the delivery policy."""

    def __init__(self, settings: NudgeSettings | None = None) -> None:
        self.settings = settings or NudgeSettings()
        self._problems = ProblemDetector()
        self._last_by_kind: dict[str, float] = {}
        self._monologue_nudged = False
        self.fired: list[Nudge] = []

    def on_talk(self, t: float, monologue_s: float) -> Nudge | None:
        """Called every frame: fires `monologue` once per monologue that crosses the threshold."""
        if monologue_s == 0.0:
            self._monologue_nudged = False
            return None
        threshold = self.settings.monologue_s
        if self.settings.monologue_enabled and not self._monologue_nudged and monologue_s >= threshold:
            self._monologue_nudged = True
            text = f"You've talked for {_format_duration(threshold)} — ask them a question"
            evidence = f"you spoke for {monologue_s:.0f} s without them speaking for 1 s"
            return self._deliver(Nudge(t, MONOLOGUE, text, evidence))
        return None

    def on_utterance(self, utterance: Utterance) -> Nudge | None:
        """Called with every finished utterance; fires `problem` when the customer names one."""
        if utterance.speaker is not Speaker.THEM or not self.settings.problem_enabled:
            return None
        cue = self._problems.evidence(utterance.text)
        if cue is None:
            return None
        evidence = f'"{utterance.text}" ({cue})'
        # Stamped when they finished saying it, however late recognition delivered it.
        nudge = Nudge(utterance.end, PROBLEM, "They just mentioned a problem — ask why", evidence)
        return self._deliver(nudge)

    def _deliver(self, nudge: Nudge) -> Nudge | None:
        last = self._last_by_kind.get(nudge.kind)
        if last is not None and nudge.t - last < self.settings.same_kind_gap_s:
            return None
        self._last_by_kind[nudge.kind] = nudge.t
        self.fired.append(nudge)
        return nudge

"""What one utterance says, as the nudges need to know it: a problem, a goal, a competitor, a pitch,
an agenda, a backchannel, and how much it is about "me" versus "you".

Each detector returns the phrase that triggered it (the evidence a seller sees), or None.
"""

from __future__ import annotations

from collections.abc import Iterable

from salesmirror.coaching.phrases import (
    CueMatcher,
    looks_like_question,
    phrase_list,
    strip_phrases,
    tokenize,
    words_of,
)


class CueDetector:
    """Finds the first cue of a phrase list (plus any extra phrases the user set) in a statement."""

    def __init__(self, list_name: str, extra: Iterable[str] = (), statements_only: bool = True) -> None:
        phrases = [*phrase_list(list_name), *(p.strip().lower() for p in extra if p.strip())]
        self._matcher = CueMatcher(
            phrases, list(phrase_list("negation")), clause_negators=list(phrase_list("clause_negation"))
        )
        self._statements_only = statements_only

    def evidence(self, text: str) -> str | None:
        if self._statements_only and looks_like_question(text):
            return None
        matches = self._matcher.find(tokenize(text))
        return matches[0].phrase if matches else None


def problem_detector() -> CueDetector:
    """A problem, pain, difficulty or risk stated by the customer (questions about one are not)."""
    return CueDetector("problem")


def goal_detector() -> CueDetector:
    """A goal, need, opportunity or change the customer names."""
    return CueDetector("goal")


def elephant_detector(competitors: Iterable[str] = ()) -> CueDetector:
    """A competitor or a bad past experience; a question about one counts too ("how are you
    different from Acme?")."""
    return CueDetector("elephant", competitors, statements_only=False)


def pitch_detector(product_terms: Iterable[str] = ()) -> CueDetector:
    """The seller presenting the product or company."""
    return CueDetector("pitch", product_terms, statements_only=False)


def technology_detector() -> CueDetector:
    return CueDetector("technology", statements_only=False)


def agenda_detector() -> CueDetector:
    return CueDetector("agenda", statements_only=False)


def acknowledgement_detector() -> CueDetector:
    """The seller openly acknowledging what was said ("that sounds painful", "fair point")."""
    return CueDetector("acknowledgement", statements_only=False)


def is_backchannel(text: str) -> bool:
    """Only listener sounds ("mm-hm", "right, right", "oh I see"): no claim on the floor."""
    tokens = tokenize(text)
    return bool(tokens) and not strip_phrases(tokens, "backchannel")


def person_counts(text: str) -> tuple[int, int]:
    """(I/we/our words, you/your words) in what a seller said, set phrases like "thank you" aside."""
    tokens = strip_phrases(tokenize(text), "filler")
    own = words_of("self_words")
    theirs = words_of("customer_words")
    return sum(t in own for t in tokens), sum(t in theirs for t in tokens)


def word_count(text: str) -> int:
    return len(tokenize(text))

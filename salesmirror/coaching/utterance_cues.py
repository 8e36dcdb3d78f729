"""What one utterance says, as the nudges need to know it: a problem, a goal, a competitor, a pitch,
an agenda, a backchannel, and how much it is about "me" versus "you".

Each detector returns the phrase that triggered it (the evidence a seller sees), or None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from salesmirror.coaching.phrases import (
    CueMatcher,
    looks_like_question,
    phrase_list,
    strip_phrases,
    tokenize,
    words_of,
)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class EvidenceDetector(Protocol):
    """Anything that says whether an utterance carries a cue, and on what words. `quotes_customer`:
    the evidence is the customer's own words (a clause) rather than the phrase that matched."""

    quotes_customer: bool

    def evidence(self, text: str) -> str | None: ...


class CueDetector:
    """Finds the first cue of a phrase list (plus any extra phrases the user set) in a statement;
    with no list name, only the user's phrases."""

    def __init__(
        self, list_name: str | None, extra: Iterable[str] = (), statements_only: bool = True
    ) -> None:
        listed = phrase_list(list_name) if list_name is not None else ()
        phrases = [*listed, *(p.strip().lower() for p in extra if p.strip())]
        self._matcher = CueMatcher(
            phrases, list(phrase_list("negation")), clause_negators=list(phrase_list("clause_negation"))
        )
        self._statements_only = statements_only

    quotes_customer = False

    def evidence(self, text: str) -> str | None:
        """The first cue in the utterance; with `statements_only`, each sentence is judged on its
        own, so "Why is it so expensive? I can barely afford it." still carries its problem."""
        for sentence in _sentences(text):
            if self._statements_only and looks_like_question(sentence):
                continue
            matches = self._matcher.find(tokenize(sentence))
            if matches:
                return matches[0].phrase
        return None


def _sentences(text: str) -> list[str]:
    """Punctuated text split after each full stop, question or exclamation mark; recognised speech
    (no punctuation) stays one sentence."""
    return [part for part in _SENTENCE_END.split(text.strip()) if part] or [text]


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

"""Phrase lists from `salesmirror/data/phrases/`, and the small text rules that read utterances with them.

The lists are data so that a trainer can tune them without touching code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from salesmirror.resource_files import resource_path

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)*")


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens, keeping contractions ("can't") whole."""
    return [t.replace("’", "'") for t in _TOKEN.findall(text.lower())]


@dataclass(frozen=True, slots=True)
class Cue:
    """One phrase from a list: a sequence of words, the last one optionally a prefix."""

    words: tuple[str, ...]
    prefix: bool

    @classmethod
    def parse(cls, line: str) -> Cue:
        prefix = line.endswith("*")
        return cls(tuple(tokenize(line.rstrip("*"))), prefix)

    def matches_at(self, tokens: list[str], i: int) -> bool:
        n = len(self.words)
        if i + n > len(tokens):
            return False
        if tuple(tokens[i : i + n - 1]) != self.words[:-1]:
            return False
        last = tokens[i + n - 1]
        return last.startswith(self.words[-1]) if self.prefix else last == self.words[-1]


def read_phrase_file(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a phrase file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


@cache
def phrase_list(name: str) -> tuple[str, ...]:
    return tuple(read_phrase_file(resource_path("phrases", f"{name}.txt")))


@dataclass(frozen=True, slots=True)
class Match:
    phrase: str
    index: int


class CueMatcher:
    """Finds cues in an utterance, skipping those denied by a negation shortly before them and
    words covered by an exception phrase (list lines starting with "!")."""

    def __init__(
        self,
        cues: list[str],
        negators: list[str],
        negation_window: int = 4,
        clause_negators: list[str] | None = None,
    ) -> None:
        def parsed(lines: list[str]) -> list[Cue]:
            found = (Cue.parse(line) for line in lines)
            return sorted((c for c in found if c.words), key=lambda c: -len(c.words))

        self._exceptions = parsed([c[1:] for c in cues if c.startswith("!")])
        self._cues = parsed([c for c in cues if not c.startswith("!")])
        self._negators = frozenset(negators)
        self._window = negation_window
        self._clause_negators = parsed(clause_negators or [])

    def find(self, tokens: list[str]) -> list[Match]:
        denied_from = next(
            (i for i in range(len(tokens)) if any(c.matches_at(tokens, i) for c in self._clause_negators)),
            len(tokens),
        )
        tokens = tokens[:denied_from]
        excepted = self._covered_by_exceptions(tokens)
        found: list[Match] = []
        i = 0
        while i < len(tokens):
            cue = None if i in excepted else next((c for c in self._cues if c.matches_at(tokens, i)), None)
            if cue is None or any(j in excepted for j in range(i, i + len(cue.words))):
                i += 1
                continue
            if not self._negated(tokens, i):
                found.append(Match(" ".join(tokens[i : i + len(cue.words)]), i))
            i += len(cue.words)
        return found

    def _covered_by_exceptions(self, tokens: list[str]) -> set[int]:
        covered: set[int] = set()
        for i in range(len(tokens)):
            for exception in self._exceptions:
                if exception.matches_at(tokens, i):
                    covered.update(range(i, i + len(exception.words)))
        return covered

    def _negated(self, tokens: list[str], i: int) -> bool:
        before = tokens[max(0, i - self._window) : i]
        return any(t in self._negators or t.endswith("n't") for t in before)


@cache
def words_of(name: str) -> frozenset[str]:
    """A phrase list of single words, as a set for membership tests."""
    return frozenset(phrase_list(name))


@cache
def cue_list(name: str) -> tuple[Cue, ...]:
    """A phrase list parsed once, longest phrases first so that they win over their prefixes."""
    cues = (Cue.parse(p) for p in phrase_list(name))
    return tuple(sorted((c for c in cues if c.words), key=lambda c: -len(c.words)))


def strip_phrases(tokens: list[str], list_name: str) -> list[str]:
    """`tokens` without the words of any occurrence of a phrase from the list `list_name`."""
    cues = cue_list(list_name)
    kept: list[str] = []
    i = 0
    while i < len(tokens):
        cue = next((c for c in cues if c.matches_at(tokens, i)), None)
        if cue is None:
            kept.append(tokens[i])
            i += 1
        else:
            i += len(cue.words)
    return kept


@cache
def _question_requests() -> CueMatcher:
    return CueMatcher(list(phrase_list("question_phrases")), [])


def _skip_discourse_markers(tokens: list[str]) -> list[str]:
    markers = cue_list("discourse_markers")
    i = 0
    while i < len(tokens):
        cue = next((c for c in markers if c.matches_at(tokens, i)), None)
        if cue is None:
            break
        i += len(cue.words)
    return tokens[i:]


def looks_like_question(text: str) -> bool:
    """Punctuated text (a script) is a question if a sentence in it ends with a question mark.

    Recognised speech has no punctuation, so there grammar decides, after any opening "okay so":
    a question word not followed at once by a subject ("what do you need", not "what we need is
    speed"), an opening verb followed by one ("do you", "is there"), or a request that works as a
    question ("tell me about", "walk me through").
    """
    if any(mark in text for mark in ".!?"):
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
        return "?" in text or any(_is_request(tokenize(s)) for s in sentences)
    tokens = _skip_discourse_markers(tokenize(text))
    if not tokens:
        return False
    subjects, wh_words = words_of("subjects"), words_of("question_words")
    auxiliaries = words_of("auxiliaries")
    first, second = tokens[0], tokens[1] if len(tokens) > 1 else ""
    if first in wh_words and (second not in subjects or first.endswith("'s")) and second != "is":
        return True
    if first in auxiliaries and second in subjects:
        return True
    # "... what would it be", "... how do you": a question word, a verb and a subject in a row
    # end a question anywhere in the utterance.
    for i in range(len(tokens) - 2):
        if tokens[i] in wh_words and tokens[i + 1] in auxiliaries and tokens[i + 2] in subjects:
            return True
    return _is_request(tokens)


def _is_request(tokens: list[str]) -> bool:
    """A request that works as a question ("tell me about", "walk me through") at the start."""
    return bool(_question_requests().find(_skip_discourse_markers(tokens)[:6]))

"""Phrase lists from `resources/phrases/`, and the small text rules that read utterances with them.

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
    """Finds cues in an utterance, skipping those denied by a negation shortly before them."""

    def __init__(self, cues: list[str], negators: list[str], negation_window: int = 3) -> None:
        parsed = sorted((Cue.parse(c) for c in cues), key=lambda c: -len(c.words))
        self._cues = [c for c in parsed if c.words]
        self._negators = frozenset(negators)
        self._window = negation_window

    def find(self, tokens: list[str]) -> list[Match]:
        found: list[Match] = []
        i = 0
        while i < len(tokens):
            cue = next((c for c in self._cues if c.matches_at(tokens, i)), None)
            if cue is None:
                i += 1
                continue
            if not self._negated(tokens, i):
                found.append(Match(" ".join(tokens[i : i + len(cue.words)]), i))
            i += len(cue.words)
        return found

    def _negated(self, tokens: list[str], i: int) -> bool:
        before = tokens[max(0, i - self._window) : i]
        return any(t in self._negators or t.endswith("n't") for t in before)


def looks_like_question(text: str) -> bool:
    """Punctuated text (a script) is a question if it has a question mark; recognised speech has
    no punctuation, so there a question word first decides."""
    if any(mark in text for mark in ".!?"):
        return "?" in text
    tokens = tokenize(text)
    return bool(tokens) and tokens[0] in phrase_list("question_openers")

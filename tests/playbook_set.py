"""The labelled development set of `tests/data/playbook/`: customer and seller utterances with what
a sales trainer would call them, scored against the text rules behind the nudges."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from salesmirror.coaching.phrases import looks_like_question
from salesmirror.coaching.utterance_cues import (
    agenda_detector,
    elephant_detector,
    goal_detector,
    is_backchannel,
    pitch_detector,
    problem_detector,
)

PLAYBOOK_DATA = Path(__file__).parent / "data" / "playbook"
# The user settings the set was written for.
COMPETITORS = ("Globex", "Initech")
PRODUCT_TERMS = ("Acme", "Acme Cloud")
# Kinds with a goal of precision >= 0.85 and recall >= 0.75 (the bar).
GRADED = ("problem", "dig_deeper", "elephant", "question")


@dataclass(frozen=True)
class Labelled:
    speaker: str
    labels: frozenset[str]
    text: str


DEVELOPMENT = ("utterances_them.tsv", "utterances_you.tsv")
HELD_OUT = ("heldout.tsv",)


def load_set(names: tuple[str, ...] = DEVELOPMENT) -> list[Labelled]:
    rows = []
    for name in names:
        for line in (PLAYBOOK_DATA / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            speaker, labels, text = line.split("\t")
            rows.append(Labelled(speaker, frozenset(labels.split(",")) - {"-"}, text))
    return rows


def as_recognised(text: str) -> str:
    """What a recogniser would deliver: lower case, no punctuation, hyphens as spaces."""
    return " ".join(re.sub(r"[^\w'\s]", " ", text.lower()).split())


def detectors() -> dict[str, tuple[str | None, Callable[[str], bool]]]:
    """kind -> (the speaker whose lines it reads, or None for both; does a text have it?)"""
    problem, goal = problem_detector(), goal_detector()
    elephant, pitch, agenda = elephant_detector(COMPETITORS), pitch_detector(PRODUCT_TERMS), agenda_detector()
    return {
        "problem": ("them", lambda t: problem.evidence(t) is not None),
        "dig_deeper": ("them", lambda t: goal.evidence(t) is not None),
        "elephant": ("them", lambda t: elephant.evidence(t) is not None),
        "question": (None, looks_like_question),
        "pitch": ("you", lambda t: pitch.evidence(t) is not None),
        "agenda": ("you", lambda t: agenda.evidence(t) is not None),
        "backchannel": ("you", is_backchannel),
    }


@dataclass
class Score:
    positives: int = 0
    negatives: int = 0
    true_positives: int = 0
    false_positives: int = 0
    misses: list[str] | None = None
    false_alarms: list[str] | None = None

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.positives if self.positives else 1.0


def score(rows: list[Labelled], recognised: bool = False) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    for kind, (speaker, detect) in detectors().items():
        s = Score(misses=[], false_alarms=[])
        for row in rows:
            if speaker is not None and row.speaker != speaker:
                continue
            text = as_recognised(row.text) if recognised else row.text
            expected, found = kind in row.labels, detect(text)
            s.positives += expected
            s.negatives += not expected
            s.true_positives += expected and found
            s.false_positives += found and not expected
            if expected and not found:
                s.misses.append(text)  # type: ignore[union-attr]
            elif found and not expected:
                s.false_alarms.append(text)  # type: ignore[union-attr]
        scores[kind] = s
    return scores

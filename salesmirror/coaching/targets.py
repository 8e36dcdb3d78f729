"""The figures of a call next to what good selling aims for: the summary card and the exports.

Targets follow the research the nudges rest on: sellers of won deals talk about 43 % of the time and
lose when they pass 65 %; monologues stay under the monologue nudge; the customer's longest story is
better long; a few questions every ten minutes, but not an interrogation; a breath before answering;
no interruptions; a pace the customer can follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from salesmirror.call_summary import CallFigures
from salesmirror.timefmt import clock

Verdict = Literal["good", "fair", "poor"]

# Your share of the talk, with one owner: the gauge's bands, the summary card, the exports and the
# CLI all read these (they used to carry three different healthy bands).
TALK_RATIO_AIM = 0.43
TALK_RATIO_HEALTHY = (0.30, 0.55)
TALK_RATIO_TOO_MUCH = 0.65


@dataclass(frozen=True, slots=True)
class Target:
    key: str
    label: str
    goal: str
    show: Callable[[float], str]
    judge: Callable[[float, float], Verdict]  # (value, call length in seconds)
    marks: tuple[tuple[float, Verdict], ...] = ()  # reference lines for a chart: aim, limit


@dataclass(frozen=True, slots=True)
class Score:
    target: Target
    value: float | None
    shown: str
    verdict: Verdict | None  # None: not enough of the call to judge


def talk_ratio_verdict(ratio: float) -> Verdict:
    """Good in the healthy band, poor above the too-much line, fair in between or below."""
    low, high = TALK_RATIO_HEALTHY
    return "good" if low <= ratio <= high else "poor" if ratio > TALK_RATIO_TOO_MUCH else "fair"


def _ratio(value: float, _length: float) -> Verdict:
    return talk_ratio_verdict(value)


def _monologue(value: float, _length: float) -> Verdict:
    return "good" if value < 60 else "fair" if value < 90 else "poor"


def _story(value: float, length: float) -> Verdict:
    """A minute of their story is good in a long call, a sixth of a short one; a third of that is
    fair (a fixed 20 s made every story under 20 s poor in a call too short to be good at 15)."""
    good = min(60.0, length / 6)
    return "good" if value >= good else "fair" if value >= good / 3 else "poor"


def _questions(value: float, length: float) -> Verdict:
    per_ten_minutes = value / max(length, 60.0) * 600
    if 3 <= per_ten_minutes <= 15:
        return "good"
    return "poor" if value == 0 or per_ten_minutes > 25 else "fair"


def _patience(value: float, _length: float) -> Verdict:
    return "good" if value >= 0.6 else "fair" if value >= 0.25 else "poor"


def _interruptions(value: float, length: float) -> Verdict:
    per_ten_minutes = value / max(length, 60.0) * 600
    return "good" if value == 0 else "fair" if per_ten_minutes <= 2 else "poor"


def _pace(value: float, _length: float) -> Verdict:
    return "good" if value <= 170 else "fair" if value <= 190 else "poor"


TARGETS: tuple[Target, ...] = (
    Target(
        "talk_ratio_you",
        "Your share of the talk",
        f"about {TALK_RATIO_AIM * 100:.0f} %, never above {TALK_RATIO_TOO_MUCH * 100:.0f} %",
        lambda v: f"{v * 100:.0f} %",
        _ratio,
        ((TALK_RATIO_AIM, "good"), (TALK_RATIO_TOO_MUCH, "poor")),
    ),
    Target("longest_monologue_s", "Longest monologue", "under 1:30", clock, _monologue, ((90.0, "poor"),)),
    Target("longest_customer_story_s", "Their longest story", "the longer the better", clock, _story),
    Target(
        "questions_asked",
        "Questions asked",
        "a few per 10 minutes, no interrogation",
        lambda v: f"{v:.0f}",
        _questions,
    ),
    Target(
        "patience_s",
        "Patience",
        "a breath (≥ 0.6 s) before you answer",
        lambda v: f"{v:.1f} s",
        _patience,
        ((0.6, "good"),),
    ),
    Target("interruptions", "Interruptions", "none", lambda v: f"{v:.0f}", _interruptions, ((0.0, "good"),)),
    Target(
        "words_per_minute",
        "Pace",
        "under 170 words a minute",
        lambda v: f"{v:.0f} wpm",
        _pace,
        ((170.0, "good"), (190.0, "poor")),
    ),
)


def scorecard(figures: CallFigures) -> list[Score]:
    """Each target with this call's value (a dash and no verdict where the call has none)."""
    metrics = figures.metrics
    scores = []
    for target in TARGETS:
        value = getattr(metrics, target.key) if metrics is not None else getattr(figures, target.key, None)
        if value is None:
            scores.append(Score(target, None, "—", None))
        else:
            value = float(value)
            scores.append(Score(target, value, target.show(value), target.judge(value, figures.duration_s)))
    return scores

"""What a call comes to, as typed records: the figures, and everything a summary of it holds.

The coaching session makes these, the store keeps them, and the CLI, the exports and the replay read
them. They are turned into JSON in one place only (`sessions/call_json.py`), at the edges: the store,
`analyze --json` and the exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from salesmirror.events import Caution, Nudge, Segment, Utterance


@dataclass(frozen=True, slots=True)
class CallMetrics:
    """The figures behind the nudges, each of which the summary card sets against a target.

    A word-based figure is None without words (no speech model, no script), where 0 would read as
    a verdict on the call; a pause or pace is None until the call has had one, and patience and
    interruptions are None where both voices share one channel (not heard there).
    """

    talk_ratio_you: float | None
    recent_talk_ratio_you: float | None
    longest_monologue_s: float
    longest_customer_story_s: float
    questions_asked: int | None
    patience_s: float | None
    interruptions: int | None
    words_per_minute: int | None


@dataclass(frozen=True, slots=True)
class CallFigures:
    """A call's figures so far, rounded as reported; what the store keeps about once a second."""

    duration_s: float
    you_seconds: float
    them_seconds: float
    talk_ratio_you: float | None
    longest_monologue_s: float
    # None only for calls stored before the metrics existed.
    metrics: CallMetrics | None


@dataclass(frozen=True, slots=True)
class CallNotes:
    """How the call was heard, printed with its figures so a reader can weigh them."""

    recognition: str | None = None  # where the words came from, or why there are none
    customer_cues: str | None = None  # which customer-cue detector listened
    attribution: str | None = None  # how speech was told apart with one microphone


@dataclass(frozen=True, slots=True)
class CallSummary:
    """A whole call: its figures, who spoke when, the nudges and the transcript."""

    figures: CallFigures
    segments: tuple[Segment, ...]
    nudges: tuple[Nudge, ...]
    transcript: tuple[Utterance, ...]
    notes: CallNotes = field(default_factory=CallNotes)
    cautions: tuple[Caution, ...] = ()  # what made the figures less exact, and from when

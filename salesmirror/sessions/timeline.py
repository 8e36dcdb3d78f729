"""The replay timeline as plain data: lanes, monologues, nudges and transcript lines on one clock.

The replay window's widget and the HTML report's picture both draw from this, so the two always
agree on what a monologue is and where a line sits.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesmirror.coaching.talk_time import TalkTimeSettings, monologues_of
from salesmirror.events import Nudge, Segment, Speaker, Utterance
from salesmirror.sessions.records import StoredSession

# Your monologues (the live timer's rule, `monologues_of`) are drawn from this long...
MONOLOGUE_SHOWN_S = 45.0
# ...and as too long from the monologue nudge's default threshold.
MONOLOGUE_TOO_LONG_S = 90.0
_NICE_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


def tick_step(span_s: float, most_ticks: int) -> float:
    """A round step for the time axis, so at most `most_ticks` labels fit the visible span."""
    for step in _NICE_STEPS_S:
        if span_s / step <= most_ticks:
            return float(step)
    return float(_NICE_STEPS_S[-1])


@dataclass(frozen=True, slots=True)
class Timeline:
    duration_s: float
    lanes: dict[Speaker, list[Segment]]
    monologues: list[Segment]  # yours, at least MONOLOGUE_SHOWN_S long
    nudges: list[Nudge]
    lines: list[Utterance]

    @classmethod
    def of(cls, stored: StoredSession) -> Timeline:
        ends = [s.end for s in stored.segments] + [u.end for u in stored.lines] + [n.t for n in stored.nudges]
        duration = max([stored.row.duration_s, *ends, 1.0])
        lanes: dict[Speaker, list[Segment]] = {speaker: [] for speaker in Speaker}
        for segment in stored.segments:
            lanes[segment.speaker].append(segment)
        # The rule the live timer ran: on one channel, a short "them" inside your talk is not believed.
        settings = TalkTimeSettings(one_channel=stored.row.one_channel)
        long_ones = [m for m in monologues_of(stored.segments, settings) if m.duration >= MONOLOGUE_SHOWN_S]
        return cls(duration, lanes, long_ones, list(stored.nudges), list(stored.lines))

    def next_nudge_after(self, t: float) -> Nudge | None:
        return next((n for n in self.nudges if n.t > t + 0.05), None)

"""Talk time, talk ratio and monologues, computed frame by frame from both speakers' activity.

The tracker is fed one pair of decisions (you, them) per 20 ms frame, in session order, so the live
window, `analyze` and timed scripts all share exactly this arithmetic.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from salesmirror.coaching.events import Segment, Speaker, TalkFigures
from salesmirror.coaching.voice_activity import FRAME_SECONDS


@dataclass(frozen=True, slots=True)
class TalkTimeSettings:
    """Thresholds behind the figures; defaults follow the product brief."""

    recent_window_s: float = 300.0
    # Your own pauses shorter than this do not end a monologue...
    monologue_pause_s: float = 2.0
    # ...but the other side speaking for this long does.
    interruption_s: float = 1.0


def talk_ratio(you_seconds: float, them_seconds: float) -> float | None:
    """Your share of all talk, or None before anyone has spoken."""
    total = you_seconds + them_seconds
    return you_seconds / total if total > 0 else None


class _RunTracker:
    """Turns one speaker's frame decisions into closed segments plus the run in progress."""

    def __init__(self, speaker: Speaker) -> None:
        self.speaker = speaker
        self.segments: list[Segment] = []
        self.run_start: float | None = None

    def step(self, t: float, active: bool) -> None:
        if active and self.run_start is None:
            self.run_start = t
        elif not active and self.run_start is not None:
            self.segments.append(Segment(self.speaker, self.run_start, t))
            self.run_start = None

    def run_length(self, now: float) -> float:
        return 0.0 if self.run_start is None else now - self.run_start

    def close(self, now: float) -> None:
        self.step(now, False)


class TalkTimeTracker:
    """Accumulates talk time per side, the recent talk ratio and monologues."""

    def __init__(self, settings: TalkTimeSettings | None = None) -> None:
        self.settings = settings or TalkTimeSettings()
        self._frames = 0
        self._you_frames = 0
        self._them_frames = 0
        self._runs = {s: _RunTracker(s) for s in Speaker}
        # Recent window: one bucket a second of (your frames, their frames).
        self._frames_per_bucket = round(1.0 / FRAME_SECONDS)
        self._buckets: deque[tuple[int, int]] = deque()
        self._bucket = [0, 0]
        self._recent = [0, 0]
        self._monologue_start: float | None = None
        self._monologue_last_speech = 0.0
        self._monologues: list[Segment] = []
        self._longest_closed = 0.0

    @property
    def now(self) -> float:
        return self._frames * FRAME_SECONDS

    def step(self, you: bool, them: bool) -> None:
        """Advance one frame with both speakers' decisions for it."""
        t = self.now
        end = t + FRAME_SECONDS
        self._you_frames += you
        self._them_frames += them
        self._runs[Speaker.YOU].step(t, you)
        self._runs[Speaker.THEM].step(t, them)
        self._count_recent(you, them)
        self._step_monologue(t, end, you)
        self._frames += 1

    def _count_recent(self, you: bool, them: bool) -> None:
        self._bucket[0] += you
        self._bucket[1] += them
        if (self._frames + 1) % self._frames_per_bucket:
            return
        self._buckets.append((self._bucket[0], self._bucket[1]))
        self._recent[0] += self._bucket[0]
        self._recent[1] += self._bucket[1]
        self._bucket = [0, 0]
        if len(self._buckets) > self.settings.recent_window_s:
            old_you, old_them = self._buckets.popleft()
            self._recent[0] -= old_you
            self._recent[1] -= old_them

    def _step_monologue(self, t: float, end: float, you: bool) -> None:
        them_run = self._runs[Speaker.THEM]
        interrupted = them_run.run_length(end) >= self.settings.interruption_s
        if self._monologue_start is not None:
            if interrupted:
                assert them_run.run_start is not None
                cut = min(self._monologue_last_speech, them_run.run_start)
                self._close_monologue(max(cut, self._monologue_start))
            elif not you and end - self._monologue_last_speech >= self.settings.monologue_pause_s:
                self._close_monologue(self._monologue_last_speech)
        if you and not interrupted:
            if self._monologue_start is None:
                self._monologue_start = t
            self._monologue_last_speech = end

    def _close_monologue(self, end: float) -> None:
        assert self._monologue_start is not None
        if end > self._monologue_start:
            self._monologues.append(Segment(Speaker.YOU, self._monologue_start, end))
            self._longest_closed = max(self._longest_closed, end - self._monologue_start)
        self._monologue_start = None

    @property
    def current_monologue_s(self) -> float:
        if self._monologue_start is None:
            return 0.0
        return self._monologue_last_speech - self._monologue_start

    @property
    def monologues(self) -> list[Segment]:
        """Finished monologues, plus the one in progress."""
        found = list(self._monologues)
        if self._monologue_start is not None and self.current_monologue_s > 0:
            found.append(Segment(Speaker.YOU, self._monologue_start, self._monologue_last_speech))
        return found

    @property
    def segments(self) -> list[Segment]:
        """Every finished speech segment of both speakers, in start order."""
        both = self._runs[Speaker.YOU].segments + self._runs[Speaker.THEM].segments
        return sorted(both, key=lambda s: (s.start, s.speaker))

    def finish(self) -> None:
        """Close runs still open at the end of a call."""
        for run in self._runs.values():
            run.close(self.now)
        if self._monologue_start is not None:
            self._close_monologue(self._monologue_last_speech)

    def figures(self, with_segments: bool = False) -> TalkFigures:
        you_s = self._you_frames * FRAME_SECONDS
        them_s = self._them_frames * FRAME_SECONDS
        recent_you = (self._recent[0] + self._bucket[0]) * FRAME_SECONDS
        recent_them = (self._recent[1] + self._bucket[1]) * FRAME_SECONDS
        longest = max(self._longest_closed, self.current_monologue_s)
        return TalkFigures(
            t=self.now,
            you_seconds=you_s,
            them_seconds=them_s,
            ratio_you=talk_ratio(you_s, them_s),
            recent_ratio_you=talk_ratio(recent_you, recent_them),
            monologue_s=self.current_monologue_s,
            longest_monologue_s=longest,
            segments=self.segments if with_segments else [],
        )

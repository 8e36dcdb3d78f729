"""Talk time, talk ratio and monologues, computed frame by frame from both speakers' activity.

The tracker is fed one pair of decisions (you, them) per 20 ms frame, in session order, so the live
window, `analyze` and timed scripts all share exactly this arithmetic.
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from salesmirror.audio_format import FRAME_SECONDS
from salesmirror.events import Segment, Speaker, TalkFigures


@dataclass(frozen=True, slots=True)
class TalkTimeSettings:
    """Thresholds behind the figures; defaults follow the product brief."""

    recent_window_s: float = 300.0
    # Your own pauses shorter than this do not end a monologue...
    monologue_pause_s: float = 2.0
    # ...but the other side speaking for this long does (and starting over them for this long,
    # after they had spoken this long, is an interruption rather than a backchannel).
    interruption_s: float = 1.0
    # A pause longer than this before you answer is a new topic, not a measure of patience.
    turn_pause_max_s: float = 5.0
    # Both voices on one channel (a single microphone): each moment gets one speaker, and the
    # voice-activity bridge fills pauses under 0.7 s whoever spoke on either side of them, so the
    # pause before you answer and talking over each other are not heard. Patience and
    # interruptions are then not measured: a figure of 0 would be a verdict the call did not earn.
    one_channel: bool = False
    # On one channel the other voice is told from yours by voice prints of 1.6 s windows a 0.4 s
    # hop apart, each judging the frames within 0.8 s of its centre: up to three neighbouring
    # windows that mistake your voice (a cough, a laugh, a change of tone) paint a "them" of up to
    # 2.4 s inside your talk. A shorter "them" there neither ends your monologue nor counts as your
    # pause; a longer one ends it where it began, as on two channels.
    one_channel_other_voice_s: float = 2.5


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


class _MonologueTracker:
    """One speaker's uninterrupted stretches: their own pauses under `pause_s` do not end one, the
    other side speaking for `interruption_s` does. Your monologues, their stories."""

    def __init__(self, speaker: Speaker, settings: TalkTimeSettings) -> None:
        self.speaker = speaker
        self._settings = settings
        self._other_voice_s = (  # how long the other side must speak to be believed
            settings.one_channel_other_voice_s if settings.one_channel else settings.interruption_s
        )
        self._start: float | None = None
        self._last_speech = 0.0
        self.closed: list[Segment] = []
        self.longest_closed = 0.0

    def step(self, t: float, end: float, speaking: bool, other: _RunTracker) -> None:
        interrupted = other.run_length(end) >= self._other_voice_s
        if self._settings.one_channel and self._start is not None and other.run_start is not None:
            speaking = speaking or not interrupted  # not yet believed to be another voice
        if self._start is not None:
            if interrupted:
                assert other.run_start is not None
                self._close(max(min(self._last_speech, other.run_start), self._start))
            elif not speaking and end - self._last_speech >= self._settings.monologue_pause_s:
                self._close(self._last_speech)
        if speaking and not interrupted:
            if self._start is None:
                self._start = t
            self._last_speech = end

    def _close(self, end: float) -> None:
        assert self._start is not None
        if end > self._start:
            self.closed.append(Segment(self.speaker, self._start, end))
            self.longest_closed = max(self.longest_closed, end - self._start)
        self._start = None

    def finish(self) -> None:
        if self._start is not None:
            self._close(self._last_speech)

    @property
    def current_s(self) -> float:
        return 0.0 if self._start is None else self._last_speech - self._start

    @property
    def longest_s(self) -> float:
        return max(self.longest_closed, self.current_s)

    @property
    def all(self) -> list[Segment]:
        """Finished stretches, plus the one in progress."""
        found = list(self.closed)
        if self._start is not None and self.current_s > 0:
            found.append(Segment(self.speaker, self._start, self._last_speech))
        return found


class _TurnTaking:
    """How you take the floor: how long you let a pause run after they stop (patience), and how
    often you start while they are mid-turn (interruptions).

    A start counts as an interruption once you have kept talking for `interruption_s` over a turn
    of theirs that had already run that long; shorter overlaps are backchannels ("mm-hm")."""

    def __init__(self, settings: TalkTimeSettings) -> None:
        self._settings = settings
        self.pauses: list[float] = []
        self.interruptions = 0
        self._their_turn_end: float | None = None
        self._candidate: float | None = None  # when your possibly interrupting run started

    @property
    def measured(self) -> bool:
        """Can turn-taking be heard at all (not with both voices on one channel)?"""
        return not self._settings.one_channel

    def step(self, t: float, end: float, you: _RunTracker, them: _RunTracker) -> None:
        if not self.measured:
            return
        limit = self._settings.interruption_s
        you_started = you.run_start == t
        their_turn_ended = them.run_start is None and bool(them.segments) and them.segments[-1].end == t
        if their_turn_ended:
            # They had the floor only if you were silent when they stopped.
            self._their_turn_end = t if you.run_start is None or you_started else None
        if you_started:
            if them.run_start is not None and t - them.run_start >= limit:
                self._candidate = t
            elif them.run_start is None and self._their_turn_end is not None:
                pause = t - self._their_turn_end
                if pause <= self._settings.turn_pause_max_s:
                    self.pauses.append(pause)
            self._their_turn_end = None
        if self._candidate is not None:
            if you.run_start != self._candidate or them.run_start is None:
                self._candidate = None  # you stopped, or they gave way at once
            elif end - self._candidate >= limit:
                self.interruptions += 1
                self._candidate = None

    @property
    def median_pause_s(self) -> float | None:
        return float(statistics.median(self.pauses)) if self.pauses else None


class TalkTimeTracker:
    """Accumulates talk time per side, the recent talk ratio, monologues and turn-taking."""

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
        self._monologues = {s: _MonologueTracker(s, self.settings) for s in Speaker}
        self.turns = _TurnTaking(self.settings)

    @property
    def now(self) -> float:
        return self._frames * FRAME_SECONDS

    def step(self, you: bool, them: bool) -> None:
        """Advance one frame with both speakers' decisions for it."""
        t = self.now
        end = t + FRAME_SECONDS
        self._you_frames += you
        self._them_frames += them
        your_run, their_run = self._runs[Speaker.YOU], self._runs[Speaker.THEM]
        your_run.step(t, you)
        their_run.step(t, them)
        self._count_recent(you, them)
        self._monologues[Speaker.YOU].step(t, end, you, their_run)
        self._monologues[Speaker.THEM].step(t, end, them, your_run)
        self.turns.step(t, end, your_run, their_run)
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

    @property
    def recent_ratio_you(self) -> float | None:
        """Your share of the talk over the recent window (five minutes by default)."""
        return talk_ratio(self._recent[0] + self._bucket[0], self._recent[1] + self._bucket[1])

    def current_run_start(self, speaker: Speaker) -> float | None:
        """When the speaker's current stretch of speech began, or None while they are silent."""
        return self._runs[speaker].run_start

    def spoke_since(self, speaker: Speaker, t: float) -> bool:
        """Has the speaker said anything after session time `t`?"""
        run = self._runs[speaker]
        return run.run_start is not None or (bool(run.segments) and run.segments[-1].end > t)

    @property
    def current_monologue_s(self) -> float:
        return self._monologues[Speaker.YOU].current_s

    @property
    def monologues(self) -> list[Segment]:
        """Your finished monologues, plus the one in progress."""
        return self._monologues[Speaker.YOU].all

    @property
    def longest_story_s(self) -> float:
        """Their longest uninterrupted stretch: the customer telling their story."""
        return self._monologues[Speaker.THEM].longest_s

    def closed_segments(self, speaker: Speaker) -> list[Segment]:
        """One speaker's finished segments in order; the list only ever grows (read, never modify)."""
        return self._runs[speaker].segments

    @property
    def segments(self) -> list[Segment]:
        """Every finished speech segment of both speakers, in start order."""
        both = self._runs[Speaker.YOU].segments + self._runs[Speaker.THEM].segments
        return sorted(both, key=lambda s: (s.start, s.speaker))

    def finish(self) -> None:
        """Close runs still open at the end of a call."""
        for run in self._runs.values():
            run.close(self.now)
        for monologue in self._monologues.values():
            monologue.finish()

    def figures(self, with_segments: bool = False) -> TalkFigures:
        you_s = self._you_frames * FRAME_SECONDS
        them_s = self._them_frames * FRAME_SECONDS
        recent_you = (self._recent[0] + self._bucket[0]) * FRAME_SECONDS
        recent_them = (self._recent[1] + self._bucket[1]) * FRAME_SECONDS
        longest = self._monologues[Speaker.YOU].longest_s
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


def monologues_of(segments: Sequence[Segment], settings: TalkTimeSettings | None = None) -> list[Segment]:
    """Your monologues in a stored call, found by the live rule itself.

    Stored segments are the live tracker's own runs on its 20 ms grid, so stepping them back
    frame by frame through a tracker gives exactly the monologues the live timer measured (a
    second copy of the rule over segments disagreed with it on 7 of 8 real recordings). About a
    quarter of a second for an hour's call.
    """
    end = max((s.end for s in segments), default=0.0)
    frames = round(end / FRAME_SECONDS)
    speaking = {speaker: np.zeros(frames, dtype=bool) for speaker in Speaker}
    for segment in segments:
        speaking[segment.speaker][
            round(segment.start / FRAME_SECONDS) : round(segment.end / FRAME_SECONDS)
        ] = True
    tracker = TalkTimeTracker(settings)
    for you, them in zip(speaking[Speaker.YOU].tolist(), speaking[Speaker.THEM].tolist(), strict=True):
        tracker.step(you, them)
    tracker.finish()
    return tracker.monologues

"""What a stored session is made of, as plain data read back from the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from salesmirror.call_summary import CallFigures, CallNotes, CallSummary
from salesmirror.events import AudioLoss, CaptureMode, Caution, Nudge, Segment, Utterance, cautions_notice
from salesmirror.timefmt import clock


class SessionSource(StrEnum):
    """Where a stored call's audio came from."""

    LIVE = "live"
    RECORDING = "recording"
    SCRIPT = "script"
    DEMO = "demo"


class SessionState(StrEnum):
    """A stored call's life: being written, ended, or cut short by a crash and recovered."""

    RECORDING = "recording"
    FINISHED = "finished"
    RECOVERED = "recovered"


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """What is known when a call starts: where its audio came from and what listened to it."""

    source: SessionSource
    mode: CaptureMode | None = None  # None: a script has words, not audio
    devices: dict[str, str] = field(default_factory=dict)
    model: str | None = None
    keep_audio: bool = False
    notes: CallNotes = field(default_factory=CallNotes)  # stored with the figures, like "recognition"
    # Kept only if it runs this long (the demo: a run stopped or restarted part way is not a call).
    keep_from_s: float = 0.0


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One line of the session list."""

    id: int
    started_at: datetime
    ended_at: datetime | None
    duration_s: float
    state: SessionState
    source: SessionSource
    mode: CaptureMode | None
    devices: dict[str, str]
    model: str | None
    title: str | None
    note: str
    audio_kept: bool
    figures: CallFigures | None  # the last figures kept: None if none were yet
    notes: CallNotes = field(default_factory=CallNotes)
    nudges: int = 0  # how many nudges it got

    @property
    def one_channel(self) -> bool:
        """Both voices were heard on one microphone, so its monologues follow the one-channel rule
        (TalkTimeSettings.one_channel) wherever the call is shown again."""
        return self.mode is CaptureMode.SINGLE_MICROPHONE

    @property
    def display_title(self) -> str:
        """The user's title, or the start time in local time."""
        if self.title:
            return self.title
        return "Call of " + self.started_at.astimezone().strftime("%d %b %Y, %H:%M")

    def describe(self) -> str:
        """One line: when, how long, from where, and whether a crash cut it short."""
        started = self.started_at.astimezone()
        how = ", ".join(part for part in (self.source, self.mode) if part)
        model = f" · model {self.model}" if self.model else ""
        state = {
            SessionState.RECOVERED: " · recovered after a crash",
            SessionState.RECORDING: " · still recording",
        }.get(self.state, "")
        return f"{started:%d %b %Y, %H:%M} · {clock(self.duration_s)} · {how}{model}{state}"

    @property
    def talk_ratio_you(self) -> float | None:
        return None if self.figures is None else self.figures.talk_ratio_you


@dataclass(slots=True)
class StoredSession:
    """A whole session read back: enough to replay it, export it or compare it."""

    row: SessionRow
    segments: list[Segment]
    lines: list[Utterance]
    nudges: list[Nudge]
    audio_lost: list[AudioLoss] = field(default_factory=list)  # where a device fell behind
    cautions: list[Caution] = field(default_factory=list)  # what made the figures less exact

    def fairness_notices(self) -> list[str]:
        """What is said with the figures wherever the call is shown again: talk time missing where
        a device dropped audio, and what in the room or the setup made the figures less exact."""
        notices = [self.audio_lost_notice(), cautions_notice(self.cautions)]
        return [notice for notice in notices if notice]

    def audio_lost_notice(self) -> str:
        """Said wherever the call is shown when a device dropped audio: its talk time is short."""
        if not self.audio_lost:
            return ""
        times = len(self.audio_lost)
        first = ", ".join(clock(loss.t) for loss in self.audio_lost[:3])
        more = ", …" if times > 3 else ""
        return (
            f"Audio was lost {times} time{'s' if times != 1 else ''} ({first}{more}): the computer fell "
            "behind, so some talk time is missing from these figures."
        )

    def summary(self) -> CallSummary:
        """The session as `salesmirror analyze` reported it (or up to a crash, as recovered)."""
        figures = self.row.figures or CallFigures(
            duration_s=self.row.duration_s,
            you_seconds=0.0,
            them_seconds=0.0,
            talk_ratio_you=None,
            longest_monologue_s=0.0,
            metrics=None,
        )
        return CallSummary(
            figures,
            tuple(self.segments),
            tuple(self.nudges),
            tuple(self.lines),
            self.row.notes,
            tuple(self.cautions),
        )

"""What a stored session is made of, as plain data read back from the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from salesmirror.events import Nudge, Segment, Utterance
from salesmirror.timefmt import clock

# The figures of a summary, in the order `analyze --json` prints them.
SUMMARY_FIGURES = ("duration_s", "you_seconds", "them_seconds", "talk_ratio_you", "longest_monologue_s")


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """What is known when a call starts: where its audio came from and what listened to it."""

    source: str  # "live", "recording", "script" or "demo"
    mode: str = ""  # capture mode: two streams, headset, single microphone
    devices: dict[str, str] = field(default_factory=dict)
    model: str | None = None
    keep_audio: bool = False
    extras: dict[str, str] = field(default_factory=dict)  # added to the summary, like "recognition"
    # Kept only if it runs this long (the demo: a run stopped or restarted part way is not a call).
    keep_from_s: float = 0.0


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One line of the session list."""

    id: int
    started_at: datetime
    ended_at: datetime | None
    duration_s: float
    state: str  # "recording", "finished" or "recovered"
    source: str
    mode: str
    devices: dict[str, str]
    model: str | None
    title: str | None
    note: str
    audio_kept: bool
    summary: dict[str, object] | None
    nudges: int = 0  # how many nudges it got

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
        state = {"recovered": " · recovered after a crash", "recording": " · still recording"}.get(
            self.state, ""
        )
        return f"{started:%d %b %Y, %H:%M} · {clock(self.duration_s)} · {how}{model}{state}"

    @property
    def talk_ratio_you(self) -> float | None:
        ratio = (self.summary or {}).get("talk_ratio_you")
        return float(ratio) if isinstance(ratio, int | float) else None


@dataclass(slots=True)
class StoredSession:
    """A whole session read back: enough to replay it, export it or compare it."""

    row: SessionRow
    segments: list[Segment]
    lines: list[Utterance]
    nudges: list[Nudge]
    figures: list[tuple[float, dict[str, object]]]  # (session time, figures) about once a second

    def summary(self) -> dict[str, object]:
        """The session in exactly the shape of `salesmirror analyze --json`."""
        stored = dict(self.row.summary or {})
        out: dict[str, object] = {key: stored.pop(key, None) for key in SUMMARY_FIGURES}
        out["segments"] = [
            {"speaker": str(s.speaker), "start": round(s.start, 2), "end": round(s.end, 2)}
            for s in self.segments
        ]
        out["metrics"] = stored.pop("metrics", {})
        out["nudges"] = [n.to_json() for n in self.nudges]
        out["transcript"] = [
            {"speaker": str(u.speaker), "start": round(u.start, 2), "end": round(u.end, 2), "text": u.text}
            for u in self.lines
        ]
        out.update(stored)  # what that run added, such as "recognition"
        return out

"""The plain data that flows through the coaching core and out to the UI, the CLI and storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from salesmirror.timefmt import clock


class Speaker(StrEnum):
    """The two logical channels of a call: the seller's microphone and the other side."""

    YOU = "you"
    THEM = "them"


class CaptureMode(StrEnum):
    """How the two sides of a call reach the app, which decides what its figures can know."""

    TWO_STREAMS = "two streams"
    HEADSET = "headset"
    SINGLE_MICROPHONE = "single microphone"
    SEPARATE_TRACKS = "separate tracks"  # recorded files, or the demo: one clean track a side

    @property
    def explanation(self) -> str:
        return {
            CaptureMode.TWO_STREAMS: "your microphone is you, the call's audio is them; their "
            "echo through your speakers is removed",
            CaptureMode.HEADSET: "your microphone hears only you, the call's audio is them",
            CaptureMode.SINGLE_MICROPHONE: "one microphone hears both sides: approximate",
            CaptureMode.SEPARATE_TRACKS: "a recorded track for you and one for them",
        }[self]


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of speech by one speaker, in session seconds."""

    speaker: Speaker
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its session times."""

    text: str
    start: float
    end: float
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Utterance:
    """A finished (final) recognition result, or one line of a timed script."""

    speaker: Speaker
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class PartialText:
    """Recogniser's running guess for the utterance in progress; replaced, never stored."""

    speaker: Speaker
    t: float
    text: str


@dataclass(frozen=True, slots=True)
class Nudge:
    """A coaching cue, with the evidence that triggered it so a seller can judge it afterwards."""

    t: float
    kind: str
    text: str
    evidence: str


@dataclass(frozen=True, slots=True)
class AudioLoss:
    """A moment a device dropped audio because the computer fell behind: talk time missing there."""

    t: float
    speaker: Speaker


class CautionKind(StrEnum):
    """Something about the room or the setup that makes a call's figures less exact."""

    NOISY_YOU = "noisy_you"  # background noise close to your voice on your microphone
    NOISY_THEM = "noisy_them"
    ECHO_HEARD = "echo_heard"  # the call's sound in your microphone, not removed


@dataclass(frozen=True, slots=True)
class Caution:
    """When a call's figures became less exact, and why: kept with the call and said with its
    figures wherever they are shown again."""

    t: float
    kind: CautionKind

    def describe(self) -> str:
        return _CAUTIONS[self.kind]


def cautions_notice(cautions: list[Caution]) -> str:
    """One sentence for every caution of a call, said with its figures ("" when there are none)."""
    if not cautions:
        return ""
    reasons = "; ".join(f"from {clock(c.t)}, {c.describe()}" for c in cautions)
    return f"These figures may be less exact: {reasons}."


_CAUTIONS = {
    CautionKind.NOISY_YOU: "background noise was high on your microphone",
    CautionKind.NOISY_THEM: "background noise was high on the call's audio",
    CautionKind.ECHO_HEARD: (
        "your microphone heard the call's sound, so some of their words may count as yours"
    ),
}


@dataclass(slots=True)
class TalkFigures:
    """A snapshot of the talk-time figures, cheap to copy into the UI's mailbox."""

    t: float = 0.0
    you_seconds: float = 0.0
    them_seconds: float = 0.0
    ratio_you: float | None = None
    recent_ratio_you: float | None = None
    monologue_s: float = 0.0
    longest_monologue_s: float = 0.0
    segments: list[Segment] = field(default_factory=list)

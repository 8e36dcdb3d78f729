"""Real recordings from tests/data made into you/them calls, as shared/data/README describes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

DATA = Path(__file__).parent / "data"
CONVERSATIONS = DATA / "conversations"
SPEECH = DATA / "speech"
RATE = 16_000
TWO_SPEAKER_CALLS = ("pyannote_sample", "ami_dev00", "ami_dev01", "ami_trn03")


@dataclass(frozen=True)
class Turn:
    speaker: str
    start: float
    end: float


def read_rttm(name: str) -> list[Turn]:
    turns = []
    for line in (CONVERSATIONS / f"{name}.rttm").read_text(encoding="utf-8").splitlines():
        fields = line.split()
        start, duration = float(fields[3]), float(fields[4])
        turns.append(Turn(fields[7], start, start + duration))
    return turns


def speakers_by_talk_time(turns: list[Turn]) -> list[str]:
    totals: dict[str, float] = {}
    for t in turns:
        totals[t.speaker] = totals.get(t.speaker, 0.0) + t.end - t.start
    return sorted(totals, key=totals.__getitem__, reverse=True)


def keep_turns(audio: np.ndarray, turns: list[Turn]) -> np.ndarray:
    """Silence everywhere but these turns."""
    out = np.zeros_like(audio)
    for t in turns:
        a, b = int(t.start * RATE), int(t.end * RATE)
        out[a:b] = audio[a:b]
    return out


def make_call(name: str, you_speaker: str | None = None) -> tuple[np.ndarray, np.ndarray, list[Turn]]:
    """(you, them, turns): one speaker's turns as you, the other's as them."""
    audio, rate = soundfile.read(str(CONVERSATIONS / f"{name}.wav"), dtype="int16")
    assert rate == RATE
    turns = read_rttm(name)
    ranked = speakers_by_talk_time(turns)
    you = you_speaker or ranked[0]
    them = next(s for s in ranked if s != you)
    you_turns = [t for t in turns if t.speaker == you]
    them_turns = [t for t in turns if t.speaker == them]
    return keep_turns(audio, you_turns), keep_turns(audio, them_turns), turns


def write_call(name: str, folder: Path, you_speaker: str | None = None) -> tuple[Path, Path]:
    you, them, _ = make_call(name, you_speaker)
    you_path, them_path = folder / f"{name}_you.wav", folder / f"{name}_them.wav"
    soundfile.write(str(you_path), you, RATE)
    soundfile.write(str(them_path), them, RATE)
    return you_path, them_path


def reference_frames(turns: list[Turn], speaker: str, frame_s: float = 0.02) -> list[bool]:
    """The human turns of one speaker as 20 ms frames, for the same arithmetic as the app."""
    n = round(max(t.end for t in turns) / frame_s)
    frames = [False] * n
    for t in turns:
        if t.speaker == speaker:
            for i in range(round(t.start / frame_s), min(n, round(t.end / frame_s))):
                frames[i] = True
    return frames

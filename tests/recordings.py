"""Real recordings from tests/data made into you/them calls, as shared/data/README describes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from salesmirror.audio.file_playback import FilePlayback
from salesmirror.coaching.talk_time import TalkTimeTracker
from salesmirror.events import CaptureMode, Speaker
from salesmirror.pipeline.call_plan import CallPlan
from salesmirror.sessions.records import SessionSource

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


def recorded_audio(tracks: dict[Speaker, np.ndarray], speed: float | None) -> CallPlan:
    """A call plan for recordings already in memory, as the window plays an opened recording."""
    return CallPlan(
        SessionSource.RECORDING,
        CaptureMode.SEPARATE_TRACKS,
        lambda: [FilePlayback(dict(tracks), speed=speed)],
    )


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


def with_echo(you: np.ndarray, them: np.ndarray, level_db: float, delay_ms: float = 3.0) -> np.ndarray:
    """The microphone of a call played through laptop speakers: you, plus them a little later and
    quieter (measured on a real call: about 3 dB quieter, about 3 ms late)."""
    delay = int(delay_ms * RATE / 1000)
    echo = np.zeros(you.size, dtype=np.float64)
    echo[delay:] = them[: you.size - delay] * 10 ** (-level_db / 20)
    return np.clip(you.astype(np.float64) + echo, -32768, 32767).astype(np.int16)


def reference_tenths(turns: list[Turn], speaker: str, duration_s: float) -> np.ndarray:
    """Per 100 ms frame: did the human turns have this speaker talking for most of it?"""
    n = round(duration_s * 10)
    covered = np.zeros(n * 10)  # 10 ms cells
    for t in turns:
        if t.speaker == speaker:
            covered[round(t.start * 100) : round(t.end * 100)] = 1
    return covered[: n * 10].reshape(n, 10).mean(axis=1) >= 0.5


def reference_tracker(turns: list[Turn], you: str, them: str) -> TalkTimeTracker:
    """The app's own talk-time arithmetic applied to the human turns: the figures to match."""
    tracker = TalkTimeTracker()
    for a, b in zip(reference_frames(turns, you), reference_frames(turns, them), strict=True):
        tracker.step(a, b)
    tracker.finish()
    return tracker


def predicted_tenths(segments, speaker, n: int) -> np.ndarray:
    """Per 100 ms frame (n of them): was this speaker talking for most of it, by the app's segments?"""
    cells = np.zeros(n * 10)
    for s in segments:
        if s.speaker is speaker:
            cells[round(s.start * 100) : round(s.end * 100)] = 1
    return cells.reshape(n, 10).mean(axis=1) >= 0.5


def frames_right(segments, turns: list[Turn], you: str, them: str, n: int) -> float:
    """Share of n 100 ms frames where the app's you/them labels both match the human turns."""
    duration = n / 10
    you_right = predicted_tenths(segments, Speaker.YOU, n) == reference_tenths(turns, you, duration)
    them_right = predicted_tenths(segments, Speaker.THEM, n) == reference_tenths(turns, them, duration)
    return float((you_right & them_right).mean())


def turns_audio(name: str, speaker: str, after_s: float = 0.0) -> np.ndarray:
    """One speaker's turns of a recording (from `after_s` on), end to end: enrolment material."""
    audio, _ = soundfile.read(str(CONVERSATIONS / f"{name}.wav"), dtype="int16")
    parts = [
        audio[int(t.start * RATE) : int(t.end * RATE)]
        for t in read_rttm(name)
        if t.speaker == speaker and t.start >= after_s
    ]
    return np.concatenate(parts)


def alone_audio(name: str, speaker: str, seconds: float) -> np.ndarray:
    """Only this speaker, talking for `seconds`: their turns with everyone else's speech cut out
    (overlaps and backchannels too), end to end and repeated to length. A monologue."""
    audio, _ = soundfile.read(str(CONVERSATIONS / f"{name}.wav"), dtype="int16")
    turns = read_rttm(name)
    others = np.zeros(audio.size, dtype=bool)
    for t in turns:
        if t.speaker != speaker:
            others[int(t.start * RATE) : int(t.end * RATE)] = True
    solo = np.concatenate(
        [
            audio[int(t.start * RATE) : int(t.end * RATE)][~others[int(t.start * RATE) : int(t.end * RATE)]]
            for t in turns
            if t.speaker == speaker
        ]
    )
    return np.tile(solo, 1 + int(seconds * RATE) // solo.size)[: int(seconds * RATE)]


def scored_labels(
    labels: list[tuple[bool, bool]], turns: list[Turn], you: str, them: str
) -> tuple[float, float]:
    """(talk-ratio error in points, share of 100 ms frames right) of per-20 ms (you, them) labels."""
    tracker = TalkTimeTracker()
    for a, b in labels:
        tracker.step(a, b)
    tracker.finish()
    error = 100 * (tracker.figures().ratio_you - reference_tracker(turns, you, them).figures().ratio_you)
    return error, frames_right(tracker.segments, turns, you, them, len(labels) // 5)

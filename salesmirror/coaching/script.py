"""Timed call scripts: one JSON object a line with `start`, `end`, `speaker` and `text`.

A script drives the coaching core exactly as a live call does (activity frames, then each line as a
finished utterance at its end time), so the English coaching logic is testable without audio.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from salesmirror.audio_format import FRAME_SAMPLES, FRAME_SECONDS
from salesmirror.coaching.session import CoachingSession
from salesmirror.events import Speaker, Utterance


class ScriptError(ValueError):
    """A script file that cannot be read; the message names the file and line."""


def _number(obj: dict[str, object], key: str, where: str) -> float:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScriptError(f"{where}: '{key}' must be a number of seconds")
    if value < 0:
        raise ScriptError(f"{where}: '{key}' must not be negative")
    return float(value)


def parse_script_line(line: str, where: str) -> Utterance:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ScriptError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(obj, dict):
        raise ScriptError(f"{where}: expected a JSON object")
    start, end = _number(obj, "start", where), _number(obj, "end", where)
    if end < start:
        raise ScriptError(f"{where}: 'end' ({end}) is before 'start' ({start})")
    speaker = obj.get("speaker")
    if speaker not in ("you", "them"):
        raise ScriptError(f'{where}: \'speaker\' must be "you" or "them"')
    text = obj.get("text")
    if not isinstance(text, str):
        raise ScriptError(f"{where}: 'text' must be a string")
    return Utterance(Speaker(speaker), start, end, text.strip())


def load_script(path: Path) -> list[Utterance]:
    """Read and validate a script; lines come back sorted by start time."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScriptError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ScriptError(f"{path}: is a folder, not a script file") from None
    except UnicodeDecodeError:
        raise ScriptError(f"{path}: not a text file (expected UTF-8 JSON lines)") from None
    except OSError as exc:
        raise ScriptError(f"{path}: cannot be read ({exc.strerror})") from None
    lines = [
        parse_script_line(line, f"{path}:{number}")
        for number, line in enumerate(raw.splitlines(), start=1)
        if line.strip()
    ]
    if not lines:
        raise ScriptError(f"{path}: the script is empty")
    return sorted(lines, key=lambda u: u.start)


def _frame_index(seconds: float) -> int:
    return round(seconds / FRAME_SECONDS)


def speech_lanes(spans: list[tuple[Speaker, float, float]]) -> dict[Speaker, bytearray]:
    """Who speaks in each 20 ms frame, from (speaker, start, end) spans: a script's lines, or a
    stored session's segments, standing in for voice activity detected in audio."""
    frames = max((_frame_index(end) for _, _, end in spans), default=0)
    lanes = {speaker: bytearray(frames) for speaker in Speaker}
    for speaker, start, end in spans:
        first, last = _frame_index(start), _frame_index(end)
        lanes[speaker][first:last] = b"\x01" * (last - first)
    return lanes


class GivenSpeech:
    """A channel whose speech is given by a lane (a script without audio, a stored call played
    again), in place of voice activity: its audio only keeps the clock, so it is counted in frames
    and never analysed. Answers what the pipeline asks a `ChannelActivity`."""

    noisy = False  # silence that keeps the clock is no room

    def __init__(self, lane: bytearray) -> None:
        self._lane = lane
        self._frames = 0  # frames of the channel heard so far
        self._carry = 0  # samples short of a whole frame

    def feed(self, samples: np.ndarray) -> list[bool]:
        whole, self._carry = divmod(self._carry + samples.size, FRAME_SAMPLES)
        first, self._frames = self._frames, self._frames + whole
        return [bool(self._lane[i]) if i < len(self._lane) else False for i in range(first, self._frames)]

    def flush(self) -> list[bool]:
        return []

    @property
    def in_speech(self) -> bool:
        last = self._frames - 1
        return 0 <= last < len(self._lane) and bool(self._lane[last])

    def heard_voice_within(self, seconds: float) -> bool:
        start = max(0, self._frames - max(1, round(seconds / FRAME_SECONDS)))
        return any(self._lane[start : self._frames])


def run_script(lines: list[Utterance], session: CoachingSession) -> None:
    """Play a script through a session: each line is speech from start to end, then a final result."""
    lanes = speech_lanes([(u.speaker, u.start, u.end) for u in lines])
    you, them = lanes[Speaker.YOU], lanes[Speaker.THEM]
    by_end = sorted(lines, key=lambda u: u.end)
    next_line = 0
    for frame in range(len(you) + 1):
        while next_line < len(by_end) and _frame_index(by_end[next_line].end) <= frame:
            session.on_utterance(by_end[next_line])
            next_line += 1
        if frame < len(you):
            session.on_frame(bool(you[frame]), bool(them[frame]))
    session.finish()

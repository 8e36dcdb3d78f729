"""Renders the demo call from dialogue.txt: two voice tracks and the timed script that matches them.

    .venv/bin/python resources/demo/render.py      (needs espeak-ng: sudo apt-get install espeak-ng)

Each line is spoken by espeak-ng in its speaker's voice, trimmed of the synthesiser's leading and
trailing silence, and placed after the previous line's speech with the gap the dialogue gives.
The script's start and end are where the speech really is in the tracks, so talk time measured
from the audio and the words from the script agree. The outputs are committed; the app never
needs espeak-ng.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile
import soxr

HERE = Path(__file__).resolve().parent
# What the app plays: package data, read at run time through importlib.resources.
OUT = HERE.parent.parent / "salesmirror" / "data" / "demo"
RATE = 16_000
# Two clearly different voices: a lower American male seller, a British female customer.
VOICES = {
    "you": ["-v", "en-us+m3", "-s", "160", "-p", "40"],
    "them": ["-v", "en-gb+f3", "-s", "150", "-p", "60"],
}
LEVELS = {"you": 0.55, "them": 0.5}  # peak level of each voice
_LINE = re.compile(r"^(-?\d+(?:\.\d+)?)\s+(you|them):\s*(.*?)\s*(?:\[expect ([a-z_ ]+)\])?$")


@dataclass(frozen=True)
class DialogueLine:
    gap_s: float
    speaker: str
    text: str
    expect: tuple[str, ...]


def read_dialogue(path: Path) -> list[DialogueLine]:
    lines = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        match = _LINE.match(raw.strip())
        if match is None:
            raise SystemExit(f"{path}:{number}: not 'GAP you|them: text [expect kind]'")
        gap, speaker, text, expect = match.groups()
        lines.append(DialogueLine(float(gap), speaker, text, tuple((expect or "").split())))
    return lines


def speak(text: str, speaker: str) -> np.ndarray:
    """The line in the speaker's voice at 16 kHz, float, without silence around it."""
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "line.wav"
        subprocess.run(["espeak-ng", *VOICES[speaker], "-w", str(wav), text], check=True)
        audio, rate = soundfile.read(str(wav), dtype="float32")
    audio = soxr.resample(audio, rate, RATE)
    loud = np.flatnonzero(np.abs(audio) > 0.02)
    audio = audio[loud[0] : loud[-1] + 1]
    return audio / np.abs(audio).max() * LEVELS[speaker]


def render(lines: list[DialogueLine]) -> tuple[dict[str, np.ndarray], list[dict[str, object]]]:
    spoken = [speak(line.text, line.speaker) for line in lines]
    script: list[dict[str, object]] = []
    placed: list[tuple[int, np.ndarray, str]] = []
    end = 0
    for line, audio in zip(lines, spoken, strict=True):
        start = max(0, end + round(line.gap_s * RATE))
        placed.append((start, audio, line.speaker))
        entry: dict[str, object] = {
            "start": round(start / RATE, 2),
            "end": round((start + audio.size) / RATE, 2),
            "speaker": line.speaker,
            "text": line.text,
        }
        if line.expect:
            entry["expect"] = list(line.expect)
        script.append(entry)
        end = max(end, start + audio.size) if line.gap_s < 0 else start + audio.size
    length = max(start + audio.size for start, audio, _ in placed) + RATE
    tracks = {speaker: np.zeros(length, dtype=np.float32) for speaker in VOICES}
    for start, audio, speaker in placed:
        tracks[speaker][start : start + audio.size] += audio
    return tracks, script


def main() -> None:
    tracks, script = render(read_dialogue(HERE / "dialogue.txt"))
    for speaker, audio in tracks.items():
        # libsndfile's Vorbis encoder crashes on very large writes: hand it a second at a time.
        target = str(OUT / f"{speaker}.ogg")
        with soundfile.SoundFile(target, "w", RATE, 1, format="OGG", subtype="VORBIS") as out:
            for at in range(0, audio.size, RATE):
                out.write(audio[at : at + RATE])
    with open(OUT / "call.jsonl", "w", encoding="utf-8") as out:
        for entry in script:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    minutes, seconds = divmod(round(len(tracks["you"]) / RATE), 60)
    print(f"demo call: {len(script)} lines, {minutes}:{seconds:02d}")


if __name__ == "__main__":
    main()

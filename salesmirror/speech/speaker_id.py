"""Who is speaking into a single microphone: your enrolled voice print against x-vectors from
Vosk's speaker model.

With no way to capture the call's audio and the call playing through speakers, one microphone
hears both sides. Each stretch of speech is cut into windows of about 3 s, each window gets an
x-vector, and a window whose cosine similarity to the enrolled voice print reaches 0.25 is you;
the rest is them. Shorter windows often yield no x-vector at all; a second voice learnt from the
call by clustering was tried and did no better. Measured by tests/benchmarks/single_microphone.py,
this falls well short of two streams (and of its goal): overlapping speech gets one label and
windows straddle turns. The mode is labelled approximate for that reason.

Vosk computes x-vectors only inside a recogniser, so a speech model (any language) is needed too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from salesmirror.coaching.voice_activity import FRAME_SAMPLES, SAMPLE_RATE, ChannelActivity
from salesmirror.speech.model_folder import ModelError

_SPEAKER_MODEL_FILES = ("final.ext.raw", "mfcc.conf", "mean.vec", "transform.mat")
WINDOW_S = 3.0
DEFAULT_THRESHOLD = 0.25
MIN_ENROLMENT_S = 8.0

ENROLMENT_SENTENCES = (
    "Thanks for making the time today; I'd like to understand what matters most to you.",
    "Before we look at any product, tell me how your team handles this at the moment.",
    "What would have to change for this quarter to count as a success?",
    "If we could fix one thing for your customers tomorrow, which would it be, and why?",
    "Let's agree on the next step together and put a date on it before we hang up.",
)


def check_speaker_model_folder(path: Path) -> Path:
    if not path.is_dir():
        raise ModelError(f"The speaker model folder {path} does not exist.")
    missing = [name for name in _SPEAKER_MODEL_FILES if not (path / name).is_file()]
    if missing:
        raise ModelError(
            f"{path} is not a Vosk speaker model (missing {', '.join(missing)}); "
            "download vosk-model-spk-0.4 from the model manager."
        )
    return path.resolve()


def installed_speaker_model(models_dir: Path) -> Path:
    """The speaker model in the app's models folder, or a ModelError saying how to get one."""
    if models_dir.is_dir():
        for child in sorted(models_dir.iterdir()):
            if all((child / name).is_file() for name in _SPEAKER_MODEL_FILES):
                return child.resolve()
    raise ModelError(
        "No speaker model is installed: download vosk-model-spk-0.4 from the model manager, "
        "or give --speaker-model DIR."
    )


def load_speaker_model(path: Path) -> Any:
    folder = check_speaker_model_folder(path)
    import vosk

    vosk.SetLogLevel(-1)
    try:
        return vosk.SpkModel(str(folder))
    except Exception as exc:  # vosk raises a bare Exception
        raise ModelError(f"{folder} could not be loaded as a speaker model ({exc}).") from None


class VoiceEmbedder:
    """x-vectors for stretches of 16 kHz speech. Owns one recogniser: use it from one thread."""

    def __init__(self, asr_model: Any, speaker_model: Any) -> None:
        import vosk

        self._recognizer = vosk.KaldiRecognizer(asr_model, SAMPLE_RATE)
        self._recognizer.SetSpkModel(speaker_model)

    def embed(self, samples: np.ndarray) -> np.ndarray | None:
        """A unit-length x-vector, or None when the stretch holds too little speech."""
        self._recognizer.AcceptWaveform(samples.astype(np.int16).tobytes())
        result = json.loads(self._recognizer.FinalResult())
        self._recognizer.Reset()
        vector = result.get("spk")
        if not vector:
            return None
        array = np.asarray(vector, dtype=np.float64)
        norm = float(np.linalg.norm(array))
        return array / norm if norm > 0 else None


@dataclass(frozen=True)
class VoicePrint:
    """Your voice as the mean x-vector of what you read at enrolment. Stays on this machine."""

    vector: np.ndarray
    speech_seconds: float

    def similarity(self, embedding: np.ndarray) -> float:
        return float(self.vector @ embedding)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"vector": self.vector.tolist(), "speech_seconds": self.speech_seconds}
        # Created readable by you alone, never for a moment by anyone else.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(data, out)
        path.chmod(0o600)  # an older file may have been created with wider permissions

    @classmethod
    def load(cls, path: Path) -> VoicePrint:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(np.asarray(data["vector"], dtype=np.float64), float(data["speech_seconds"]))
        except FileNotFoundError:
            raise ModelError("No voice is enrolled yet: read the enrolment sentences first.") from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"The enrolled voice at {path} is damaged ({exc}); enrol again.") from None


def speech_frames(audio: np.ndarray) -> list[bool]:
    """Bridged voice activity of a whole recording, one decision per 20 ms frame."""
    activity = ChannelActivity()
    frames: list[bool] = []
    for at in range(0, audio.size, 960):
        frames += activity.feed(audio[at : at + 960])
    return frames + activity.flush()


def speech_windows(frames: list[bool], window_s: float = WINDOW_S) -> Iterator[tuple[int, int]]:
    """(first frame, end frame) windows of about `window_s` over each run of speech."""
    size = round(window_s * SAMPLE_RATE / FRAME_SAMPLES)
    start = None
    for i, speaking in enumerate([*frames, False]):
        if speaking and start is None:
            start = i
        elif not speaking and start is not None:
            cuts = list(range(start, i, size))
            if len(cuts) > 1 and i - cuts[-1] < size // 2:
                cuts.pop()  # a short tail joins the window before it
            yield from zip(cuts, [*cuts[1:], i], strict=True)
            start = None


def enroll(embedder: VoiceEmbedder, audio: np.ndarray) -> VoicePrint:
    """A voice print from a recording of you reading (the enrolment sentences, ideally)."""
    frames = speech_frames(audio)
    seconds = sum(frames) * FRAME_SAMPLES / SAMPLE_RATE
    if seconds < MIN_ENROLMENT_S:
        raise ModelError(
            f"Only {seconds:.0f} s of speech was heard; please read all the sentences "
            f"(at least {MIN_ENROLMENT_S:.0f} s)."
        )
    vectors = [
        v
        for a, b in speech_windows(frames, window_s=3.0)
        if (v := embedder.embed(audio[a * FRAME_SAMPLES : b * FRAME_SAMPLES])) is not None
    ]
    if not vectors:
        raise ModelError("No voice could be measured in the enrolment recording; try again.")
    mean = np.mean(vectors, axis=0)
    return VoicePrint(mean / np.linalg.norm(mean), seconds)


def attribute_single_microphone(
    audio: np.ndarray,
    embedder: VoiceEmbedder,
    voice: VoicePrint,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[tuple[bool, bool]]:
    """(you, them) per 20 ms frame of a recording in which one microphone hears both sides."""
    frames = speech_frames(audio)
    labels: list[tuple[int, int, bool | None]] = []
    for a, b in speech_windows(frames):
        vector = embedder.embed(audio[a * FRAME_SAMPLES : b * FRAME_SAMPLES])
        labels.append((a, b, None if vector is None else voice.similarity(vector) >= threshold))
    out = [(False, False)] * len(frames)
    for index, (a, b, measured) in enumerate(labels):
        # Too little speech to measure: take the side of the nearest measured window.
        mine = measured if measured is not None else _nearest_label(labels, index)
        for i in range(a, b):
            out[i] = (mine, not mine)
    return out


def _nearest_label(labels: list[tuple[int, int, bool | None]], index: int) -> bool:
    for distance in range(1, len(labels)):
        for j in (index - distance, index + distance):
            if 0 <= j < len(labels) and labels[j][2] is not None:
                return bool(labels[j][2])
    return True

"""Single-microphone attribution with enrolment: the mixed recording as the one microphone, the
voice enrolled from a different part of the same speaker's speech (AMI dev00 and dev01 share two
speakers, so each enrols from the other recording; pyannote's speakers enrol from their turns
after 18 s). Prints the talk-ratio error, frames right, and the cost per minute of audio.

The "ceiling" columns score a perfect speaker labeller working on the same voice activity: every
frame of speech gets exactly one label, as in this mode, so overlapping speech and the pause
bridging cost what no voice print can win back. No single-microphone attribution of this design
can beat them."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import soundfile
from _calls import TESTS, korean_model

sys.path.insert(0, str(TESTS))

from recordings import (
    CONVERSATIONS,
    RATE,
    frames_right,
    read_rttm,
    reference_tracker,
    speakers_by_talk_time,
)

from salesmirror.coaching.talk_time import TalkTimeTracker
from salesmirror.speech.model_folder import load_model
from salesmirror.speech.speaker_id import (
    VoiceEmbedder,
    attribute_single_microphone,
    enroll,
    load_speaker_model,
    speech_frames,
)

SPEAKER_MODEL = Path(
    os.environ.get("SALESMIRROR_TEST_SPEAKER_MODEL", TESTS.parent / ".venv" / "vosk-model-spk-0.4")
)


def load(name: str) -> np.ndarray:
    return soundfile.read(str(CONVERSATIONS / f"{name}.wav"), dtype="int16")[0]


def turns_of(name: str, speaker: str, after_s: float = 0.0) -> np.ndarray:
    audio = load(name)
    return np.concatenate(
        [audio[int(t.start * RATE) : int(t.end * RATE)] for t in read_rttm(name)
         if t.speaker == speaker and t.start >= after_s]
    )  # fmt: skip


def scored(frames: list[tuple[bool, bool]], turns, you: str, them: str, samples: int) -> tuple[float, float]:
    """(talk-ratio error in points, share of 100 ms frames right) of per-20 ms (you, them) labels."""
    tracker = TalkTimeTracker()
    for a, b in frames:
        tracker.step(a, b)
    tracker.finish()
    error = 100 * (tracker.figures().ratio_you - reference_tracker(turns, you, them).figures().ratio_you)
    return error, frames_right(tracker.segments, turns, you, them, int(samples / RATE * 10))


def ceiling(mix: np.ndarray, turns, you: str) -> list[tuple[bool, bool]]:
    """A perfect labeller on the mix's own voice activity: speech is yours where your turn covers it."""
    yours = [(t.start, t.end) for t in turns if t.speaker == you]
    labelled = []
    for index, speaking in enumerate(speech_frames(mix)):
        mine = any(a <= (index + 0.5) * 0.02 < b for a, b in yours)
        labelled.append((speaking and mine, speaking and not mine))
    return labelled


def main() -> None:
    embedder = VoiceEmbedder(load_model(korean_model()), load_speaker_model(SPEAKER_MODEL))
    cases = [
        (name, speaker, turns_of(other, speaker))
        for name, other in (("ami_dev00", "ami_dev01"), ("ami_dev01", "ami_dev00"))
        for speaker in ("MEE009", "MEE012")
    ] + [
        ("pyannote_sample", speaker, turns_of("pyannote_sample", speaker, after_s=18))
        for speaker in ("speaker90", "speaker91")
    ]
    print(f"{'recording':16} {'you':10} {'ratio error':>12} {'frames right':>13} {'ceiling':>18}")
    spent = audio_s = 0.0
    for name, you, enrolment in cases:
        turns = read_rttm(name)
        them = next(s for s in speakers_by_talk_time(turns) if s != you)
        mix = load(name)
        started = time.perf_counter()
        # Short enrolment material is repeated to the 8 s that enrolment asks for.
        voice = enroll(embedder, np.tile(enrolment, 1 + int(20 * RATE / enrolment.size)))
        frames = attribute_single_microphone(mix, embedder, voice)
        spent += time.perf_counter() - started
        audio_s += mix.size / RATE
        error, right = scored(frames, turns, you, them, mix.size)
        best_error, best_right = scored(ceiling(mix, turns, you), turns, you, them, mix.size)
        print(
            f"{name:16} {you:10} {error:>+10.1f} pp {100 * right:>12.1f} %"
            f" {best_error:>+6.1f} pp {100 * best_right:>5.1f} %"
        )
    print("goal: within 8 pp and 80 % of frames")
    print(f"cost: {spent / audio_s * 60:.1f} s of one core per minute of audio (enrolment included)")


if __name__ == "__main__":
    main()

"""Two-stream attribution with the far side leaking into the microphone, through the same pipeline
as `analyze --mic --system`, for every two-speaker recording with each speaker as "you":

- clean (no echo: a headset), dry echo at -10, -6 and -3 dB (3 ms late: the echo measured on a
  real call), and a laptop in a simulated office (tests/room_echo.py: RT60 0.3 and 0.6 s, the
  loudspeaker 19 cm from the microphone and mildly clipped, echo at -6 and -3 dB);
- each with line hiss 40 dB under both streams (a quiet room), and again with brown noise 10 dB
  under the speech on the microphone (a fan, traffic).

Prints the talk-ratio error against the human turns, the share of 100 ms frames attributed
correctly, the worst of each per condition, and the processor time per minute of audio.
`--quick`: one recording and condition, to prove the script runs. `--speex`: SpeexDSP's adaptive
canceller (`pip install pyaec`; 300 ms filter, 10 ms frames) in place of SalesMirror's, for the
comparison in the README."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile
from _calls import TESTS

sys.path.insert(0, str(TESTS))

from recordings import (
    RATE,
    TWO_SPEAKER_CALLS,
    frames_right,
    make_call,
    read_rttm,
    reference_tracker,
    speakers_by_talk_time,
    with_echo,
)
from room_echo import laptop_microphone
from room_noise import add_noise, with_floor

from salesmirror.analysis import analyze_recording
from salesmirror.events import Speaker

# (label, reverberation time or None for dry, echo level below the call's audio in dB)
ECHOES: tuple[tuple[str, float | None, float | None], ...] = (
    ("clean", None, None),
    ("dry -10 dB", None, 10),
    ("dry -6 dB", None, 6),
    ("dry -3 dB", None, 3),
    ("room 0.3 s -6 dB", 0.3, 6),
    ("room 0.3 s -3 dB", 0.3, 3),
    ("room 0.6 s -6 dB", 0.6, 6),
    ("room 0.6 s -3 dB", 0.6, 3),
)
NOISES = ("quiet", "brown 10 dB")


def microphone(you: np.ndarray, them: np.ndarray, rt60: float | None, echo_db: float | None, noise: str):
    if echo_db is None:
        mic = you
    elif rt60 is None:
        mic = with_echo(you, them, echo_db)
    else:
        mic = laptop_microphone(you, them, rt60, echo_db)
    if noise != "quiet":
        mic = add_noise(mic, "brown", 10)
    return with_floor(mic)


def speex_cancelled(mic: np.ndarray, played: np.ndarray) -> np.ndarray:
    """The microphone through SpeexDSP's multidelay adaptive filter, the call's audio as reference."""
    import pyaec  # only for this comparison; not a dependency of SalesMirror

    frame = RATE // 100
    canceller = pyaec.Aec(frame, int(0.3 * RATE), RATE, False)
    out = np.zeros_like(mic)
    for at in range(0, mic.size - frame + 1, frame):
        out[at : at + frame] = canceller.cancel_echo(
            mic[at : at + frame].tolist(), played[at : at + frame].tolist()
        )
    return out


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    quick, speex = "--quick" in sys.argv, "--speex" in sys.argv
    echoes = ECHOES[4:5] if quick else ECHOES
    noises = NOISES[:1] if quick else NOISES
    print(
        f"{'recording':16} {'you':10} {'condition':18} {'noise':12} {'ratio error':>12} {'frames right':>13}"
    )
    spent = audio_s = 0.0
    worst: dict[tuple[str, str], tuple[float, float]] = {}
    for name in TWO_SPEAKER_CALLS[:1] if quick else TWO_SPEAKER_CALLS:
        turns = read_rttm(name)
        ranked = speakers_by_talk_time(turns)
        for you_speaker, them_speaker in ((ranked[0], ranked[1]), (ranked[1], ranked[0])):
            you, them, _ = make_call(name, you_speaker)
            reference = reference_tracker(turns, you_speaker, them_speaker)
            n = int(you.size / RATE * 10)
            played = with_floor(them, seed=1)
            soundfile.write(str(folder / "sys.wav"), played, RATE)
            for label, rt60, echo_db in echoes:
                for noise in noises:
                    mic = microphone(you, them, rt60, echo_db, noise)
                    started = time.process_time()
                    if speex:
                        mic = speex_cancelled(mic, played)
                    soundfile.write(str(folder / "mic.wav"), mic, RATE)
                    session, _ = analyze_recording(
                        {Speaker.YOU: folder / "mic.wav", Speaker.THEM: folder / "sys.wav"},
                        cancel_echo=not speex,
                    )
                    spent += time.process_time() - started
                    audio_s += you.size / RATE
                    error = 100 * (session.figures().ratio_you - reference.figures().ratio_you)
                    right = frames_right(session.talk.segments, turns, you_speaker, them_speaker, n)
                    was = worst.get((label, noise), (0.0, 1.0))
                    worst[(label, noise)] = (max(was[0], abs(error)), min(was[1], right))
                    case = f"{name:16} {you_speaker:10} {label:18} {noise:12}"
                    print(f"{case} {error:>+10.1f} pp {100 * right:>12.1f} %")
    print("\nworst per condition (goal: 3 pp and 90 % dry, 3 pp and 88 % in rooms):")
    for (label, noise), (error, right) in worst.items():
        print(f"  {label:18} {noise:12} {error:>5.1f} pp {100 * right:>6.1f} %")
    print(f"cost: {spent / audio_s * 60:.2f} s of one core per minute of two-stream audio")


if __name__ == "__main__":
    main()

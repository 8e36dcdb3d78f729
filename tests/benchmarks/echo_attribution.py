"""Two-stream attribution with the far side leaking into the microphone: for every two-speaker
recording, each speaker as "you", echo at -10, -6 and -3 dB (3 ms late) and line hiss 40 dB under
each stream, through the same pipeline as `analyze --mic --system`. Prints the talk-ratio error
against the human turns, the share of 100 ms frames attributed correctly, and the processing cost
per minute of audio."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

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
from room_noise import with_floor

from salesmirror.analysis import analyze_recording
from salesmirror.events import Speaker


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    print(f"{'recording':16} {'you':10} {'echo':>6} {'ratio error':>12} {'frames right':>13}")
    spent = audio_s = 0.0
    worst_error, worst_frames = 0.0, 1.0
    quick = "--quick" in sys.argv  # one recording and level, to prove the script runs
    for name in TWO_SPEAKER_CALLS[:1] if quick else TWO_SPEAKER_CALLS:
        turns = read_rttm(name)
        ranked = speakers_by_talk_time(turns)
        for you_speaker, them_speaker in ((ranked[0], ranked[1]), (ranked[1], ranked[0])):
            you, them, _ = make_call(name, you_speaker)
            reference = reference_tracker(turns, you_speaker, them_speaker)
            n = int(you.size / RATE * 10)
            for level in (6,) if quick else (10, 6, 3):
                # A quiet room and a good line: hiss 40 dB under each stream.
                soundfile.write(str(folder / "mic.wav"), with_floor(with_echo(you, them, level)), RATE)
                soundfile.write(str(folder / "sys.wav"), with_floor(them, seed=1), RATE)
                started = time.perf_counter()
                session, _ = analyze_recording(
                    {Speaker.YOU: folder / "mic.wav", Speaker.THEM: folder / "sys.wav"},
                    cancel_echo=True,
                )
                spent += time.perf_counter() - started
                audio_s += you.size / RATE
                error = 100 * (session.figures().ratio_you - reference.figures().ratio_you)
                segments = session.talk.segments
                right = frames_right(segments, turns, you_speaker, them_speaker, n)
                worst_error, worst_frames = max(worst_error, abs(error)), min(worst_frames, right)
                print(f"{name:16} {you_speaker:10} {-level:>4} dB {error:>+10.1f} pp {100 * right:>12.1f} %")
    print(
        f"worst: ratio error {worst_error:.1f} pp (goal 3), frames right {100 * worst_frames:.1f} % (goal 90)"
    )
    print(f"cost: {spent / audio_s * 60:.2f} s of one core per minute of two-stream audio")


if __name__ == "__main__":
    main()

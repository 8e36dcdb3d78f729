"""Is the call's sound still in the microphone? The echo-leak check (`coaching/echo_leak.py`) on
every two-speaker recording, each speaker as "you", line hiss 40 dB under both streams:

- where it must stay quiet: a clean headset (with babble 15 dB or typing 20 dB on it), and echo
  that the canceller removes (dry at -10/-6/-3 dB, laptop in a simulated office at RT60 0.3 and
  0.6 s with echo at -6/-3 dB, each also with brown noise 10 dB);
- where it must speak: echo with no removal ("I wear a headset" ticked while the call plays
  through speakers), and echo 0.4 s late (a Bluetooth speaker) past the canceller's reach.

Prints, per condition, in how many cases the seller was told and how far into the call, and the
check's processor time per minute of two-stream audio.

    .venv/bin/python tests/benchmarks/echo_leak.py [--quick]
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict

import numpy as np
from _calls import TESTS

sys.path.insert(0, str(TESTS))

from recordings import RATE, TWO_SPEAKER_CALLS, make_call, read_rttm, speakers_by_talk_time, with_echo
from room_echo import laptop_microphone
from room_noise import add_noise, with_floor

from salesmirror.audio.source import BLOCK_SAMPLES
from salesmirror.coaching.echo import EchoCanceller
from salesmirror.coaching.echo_leak import EchoLeakMonitor
from salesmirror.events import Speaker

BLUETOOTH_S = 0.4


def conditions(you: np.ndarray, them: np.ndarray, quick: bool) -> list[tuple[str, bool, bool, np.ndarray]]:
    """(label, whether the seller must be told, whether the echo is being removed, microphone)."""
    late = np.concatenate((np.zeros(int(BLUETOOTH_S * RATE), dtype=np.int16), them))[: them.size]
    cases = [
        ("headset", False, False, you),
        ("not removed, dry -10 dB", True, False, with_echo(you, them, 10)),
        ("removed, 0.4 s late -6 dB", True, True, with_echo(you, late, 6)),
    ]
    if quick:
        return cases
    cases += [
        ("headset, babble 15 dB", False, False, add_noise(you, "babble", 15)),
        ("headset, typing 20 dB", False, False, add_noise(you, "clicks", 20)),
        ("not removed, dry -3 dB", True, False, with_echo(you, them, 3)),
        ("not removed, room 0.3 s -6 dB", True, False, laptop_microphone(you, them, 0.3, 6)),
        ("not removed, room 0.6 s -3 dB", True, False, laptop_microphone(you, them, 0.6, 3)),
        ("removed, 0.4 s late -6 dB, babble", True, True, add_noise(with_echo(you, late, 6), "babble", 10)),
    ]
    removed = [(f"removed, dry -{db} dB", with_echo(you, them, db)) for db in (10, 6, 3)]
    removed += [
        (f"removed, room {rt60} s -{db} dB", laptop_microphone(you, them, rt60, db))
        for rt60 in (0.3, 0.6)
        for db in (6, 3)
    ]
    for label, mic in removed:
        brown = add_noise(mic, "brown", 10)
        cases += [(label, False, True, mic), (f"{label}, brown 10 dB", False, True, brown)]
    return cases


def told_at(mic: np.ndarray, played: np.ndarray, removed: bool) -> tuple[float | None, float]:
    """When the seller was told (seconds into the call, or None), and the check's processor time."""
    canceller = EchoCanceller() if removed else None
    monitor = EchoLeakMonitor()
    spent = 0.0
    for at in range(0, mic.size, BLOCK_SAMPLES):
        reference, block = played[at : at + BLOCK_SAMPLES], mic[at : at + BLOCK_SAMPLES]
        heard = [(Speaker.THEM, reference)]
        if canceller is None:
            heard.append((Speaker.YOU, block))
        else:
            cleaned = canceller.push_reference(reference) + canceller.push_microphone(block)
            heard += [(Speaker.YOU, samples) for samples in cleaned]
        for speaker, samples in heard:
            started = time.process_time()
            found = monitor.push(speaker, samples)
            spent += time.process_time() - started
            if found:
                return at / RATE, spent
    return None, spent


def main(quick: bool) -> None:
    told: dict[tuple[str, bool], list[float | None]] = defaultdict(list)
    spent = audio_s = 0.0
    for name in TWO_SPEAKER_CALLS[:1] if quick else TWO_SPEAKER_CALLS:
        for you_speaker in speakers_by_talk_time(read_rttm(name))[:2]:
            you, them, _ = make_call(name, you_speaker)
            played = with_floor(them, seed=1)
            for label, must_tell, removed, mic in conditions(you, them, quick):
                when, cost = told_at(with_floor(mic), played, removed)
                told[(label, must_tell)].append(when)
                spent, audio_s = spent + cost, audio_s + you.size / RATE
    print(f"{'condition':42} {'must tell':>9}  told (seconds into the call)")
    for (label, must_tell), times in told.items():
        said = [t for t in times if t is not None]
        at = ", ".join(f"{t:.0f}" for t in said) or "-"
        print(f"{label:42} {'yes' if must_tell else 'no':>9}  {len(said)} of {len(times)}  ({at})")
    print(f"cost: {spent / audio_s * 60:.3f} s of one core per minute of two-stream audio")


if __name__ == "__main__":
    main("--quick" in sys.argv)

"""Talk time in rooms that are never silent: the old detector (WebRTC alone) beside the new one
(WebRTC within Silero's regions, gated by the room level), in one run.

For every two-speaker recording, each main speaker as "you", and each condition on the microphone
(the far side always carries a quiet line floor), both channels judged and bridged as the pipeline
does (the old detector: each channel bridged on its own): the talk-ratio error against the human turns,
the share of 100 ms frames right, and the processor time per minute of audio and channel. Then
typing and distant chatter alone, two minutes each: seconds counted as you.

    .venv/bin/python tests/benchmarks/room_noise.py           # the full table
    .venv/bin/python tests/benchmarks/room_noise.py --quick   # one recording, fewer conditions
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable

import numpy as np
from _calls import TESTS

sys.path.insert(0, str(TESTS))

from recordings import (
    TWO_SPEAKER_CALLS,
    make_call,
    read_rttm,
    scored_labels,
    speakers_by_talk_time,
    with_echo,
)
from room_noise import add_noise, at_dbfs, with_floor

from salesmirror.audio_format import FRAME_SAMPLES, FRAME_SECONDS
from salesmirror.coaching.echo import EchoCanceller
from salesmirror.coaching.voice_activity import ChannelActivity, FrameClassifier, PauseBridge, TurnBridge

Condition = Callable[[np.ndarray, np.ndarray, str], np.ndarray]

CONDITIONS: dict[str, Condition] = {
    "quiet room": lambda you, them, name: with_floor(you),
    "clicks 20 dB": lambda you, them, name: add_noise(you, "clicks", 20),
    "babble 15 dB": lambda you, them, name: add_noise(you, "babble", 15, exclude=name),
    "pink 10 dB": lambda you, them, name: add_noise(you, "pink", 10),
}
for _kind in ("clicks", "babble", "pink"):
    CONDITIONS[f"echo -6 dB + {_kind} 10 dB"] = lambda you, them, name, kind=_kind: add_noise(
        with_echo(you, them, 6), kind, 10, exclude=name
    )


def old_decisions(samples: np.ndarray, _own_voice: bool) -> list[bool]:
    """The detector before: WebRTC on every frame, then the same pause bridge."""
    frames = samples[: samples.size // FRAME_SAMPLES * FRAME_SAMPLES].reshape(-1, FRAME_SAMPLES)
    bridge = PauseBridge()
    out = [d for raw in FrameClassifier().classify(frames) if (d := bridge.push(raw)) is not None]
    return out + bridge.flush()


def old_call(mic: np.ndarray, line: np.ndarray) -> list[tuple[bool, bool]]:
    """The detector before: WebRTC on every frame, each channel bridged on its own."""
    mine, theirs = old_decisions(mic, True), old_decisions(line, False)
    n = min(len(mine), len(theirs))
    return list(zip(mine[:n], theirs[:n], strict=True))


def new_decisions(samples: np.ndarray, own_voice: bool) -> list[bool]:
    """One channel on its own, bridged by itself (typing or chatter alone on the microphone)."""
    activity = ChannelActivity(own_voice=own_voice)
    out: list[bool] = []
    for at in range(0, samples.size, 3 * FRAME_SAMPLES):  # 60 ms blocks, as a microphone delivers
        out += activity.feed(samples[at : at + 3 * FRAME_SAMPLES])
    return out + activity.flush()


def new_call(mic: np.ndarray, line: np.ndarray) -> list[tuple[bool, bool]]:
    """As the pipeline does it: both channels judged block by block, then bridged together (each
    side further while its room is noisy)."""
    mine, theirs = ChannelActivity(own_voice=True, bridged=False), ChannelActivity(bridged=False)
    bridge = TurnBridge(rooms=(mine.room, theirs.room))
    lanes: tuple[deque[bool], deque[bool]] = (deque(), deque())
    out: list[tuple[bool, bool]] = []

    def bridge_decided() -> None:
        while lanes[0] and lanes[1]:
            if (pair := bridge.push(lanes[0].popleft(), lanes[1].popleft())) is not None:
                out.append(pair)

    for at in range(0, min(mic.size, line.size), 3 * FRAME_SAMPLES):  # 60 ms blocks
        lanes[0].extend(mine.feed(mic[at : at + 3 * FRAME_SAMPLES]))
        lanes[1].extend(theirs.feed(line[at : at + 3 * FRAME_SAMPLES]))
        bridge_decided()
    lanes[0].extend(mine.flush())
    lanes[1].extend(theirs.flush())
    bridge_decided()
    return out + bridge.flush()


DETECTORS = {"old": old_decisions, "new": new_decisions}
CALLS = {"old": old_call, "new": new_call}


def cancelled(mic: np.ndarray, system: np.ndarray) -> np.ndarray:
    canceller = EchoCanceller()
    out = []
    for at in range(0, mic.size, 960):
        out += canceller.push_reference(system[at : at + 960])
        out += canceller.push_microphone(mic[at : at + 960])
    return np.concatenate([*out, *canceller.flush()])


def main(quick: bool) -> None:
    names = TWO_SPEAKER_CALLS[:1] if quick else TWO_SPEAKER_CALLS
    conditions = dict(list(CONDITIONS.items())[:2]) if quick else CONDITIONS
    cpu = dict.fromkeys(DETECTORS, 0.0)
    audio_s = 0.0
    print(
        f"{'recording':16} {'you':8} {'condition':26} {'old: error, frames':>20} {'new: error, frames':>20}"
    )
    summary: dict[str, dict[str, list[tuple[float, float]]]] = {
        c: {d: [] for d in DETECTORS} for c in conditions
    }
    for name in names:
        turns = read_rttm(name)
        ranked = speakers_by_talk_time(turns)
        for you_speaker, them_speaker in ((ranked[0], ranked[1]), (ranked[1], ranked[0])):
            you, them, _ = make_call(name, you_speaker)
            them_line = with_floor(them)
            for condition, make in conditions.items():
                mic = make(you, them, name)
                if "echo" in condition:
                    mic = cancelled(mic, them_line)
                cells = []
                for detector, call in CALLS.items():
                    started = time.process_time()
                    pairs = call(mic, them_line)
                    cpu[detector] += time.process_time() - started
                    error, right = scored_labels(pairs, turns, you_speaker, them_speaker)
                    summary[condition][detector].append((error, right))
                    cells.append(f"{error:+7.1f} pp {100 * right:5.1f} %")
                audio_s += 2 * you.size / 16_000
                print(f"{name:16} {you_speaker:8} {condition:26} {cells[0]:>20} {cells[1]:>20}")
    print("\nper condition: mean |error|, worst |error|, mean frames right")
    for condition, by_detector in summary.items():
        cells = []
        for detector, rows in by_detector.items():
            errors = [abs(e) for e, _ in rows]
            right = 100 * np.mean([r for _, r in rows])
            cells.append(f"{detector} {np.mean(errors):4.1f} / {max(errors):4.1f} pp, {right:4.1f} %")
        print(f"  {condition:26} {cells[0]}   {cells[1]}")
    for detector, spent in cpu.items():
        print(f"cpu {detector}: {spent / audio_s * 60:.2f} s of one core per minute of audio and channel")
    seconds = 30 if quick else 120
    print(f"\nalone on the microphone for {seconds} s: seconds counted as you (goal: at most 3)")
    for kind, levels in (("clicks", (-35, -50, -65)), ("babble", (-50, -55, -60))):
        for dbfs in levels[:1] if quick else levels:
            noise = at_dbfs(kind, seconds, dbfs)
            counted = {d: sum(decide(noise, True)) * FRAME_SECONDS for d, decide in DETECTORS.items()}
            label = "typing" if kind == "clicks" else "chatter"
            print(f"  {label:8} {dbfs:4d} dBFS   old {counted['old']:6.1f} s   new {counted['new']:6.1f} s")


if __name__ == "__main__":
    main("--quick" in sys.argv)

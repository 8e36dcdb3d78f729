"""A call played through a laptop in a real room, for echo tests and benchmarks.

The microphone hears you half a metre away and the far side from the laptop's own loudspeaker a
few centimetres from it, both with the room's reverberation (pyroomacoustics' image-source model
of a 4.5 x 3.6 x 2.7 m office with the wall absorption that gives the asked RT60). The small
loudspeaker is driven a little too hard: its output is softly clipped, which no linear echo model
can follow exactly.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyroomacoustics as pra
from recordings import RATE
from room_noise import speech_rms

ROOM_M = (4.5, 3.6, 2.7)
MICROPHONE_AT = (2.0, 1.5, 0.95)  # the laptop's microphone, above the keyboard
LOUDSPEAKER_CM = 19.0  # laptop speakers sit 10-30 cm from its microphone
SELLER_AT = (2.0, 2.0, 1.15)  # your mouth, half a metre in front of the screen
CLIP_AT = 0.5  # soft clipping from half of full scale: a loudspeaker driven hard


@cache
def room_responses(rt60_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Impulse responses (loudspeaker -> microphone, you -> microphone) of the office."""
    absorption, max_order = pra.inverse_sabine(rt60_s, ROOM_M)
    room = pra.ShoeBox(
        ROOM_M, fs=RATE, materials=pra.Material(absorption), max_order=max_order, air_absorption=True
    )
    loudspeaker = (MICROPHONE_AT[0] + LOUDSPEAKER_CM / 100, MICROPHONE_AT[1], MICROPHONE_AT[2] - 0.02)
    room.add_source(loudspeaker)
    room.add_source(SELLER_AT)
    room.add_microphone(MICROPHONE_AT)
    room.compute_rir()
    return np.asarray(room.rir[0][0]), np.asarray(room.rir[0][1])


def _at_level(audio: np.ndarray, rms: float) -> np.ndarray:
    level = speech_rms(audio)
    return audio * (rms / level) if level > 0 else audio


def laptop_microphone(you: np.ndarray, them: np.ndarray, rt60_s: float, echo_db: float) -> np.ndarray:
    """What the laptop's microphone records: your voice and the far side's echo, both through the
    room; the echo's speech level `echo_db` below the call's own audio, yours as it was."""
    to_microphone, from_you = room_responses(rt60_s)
    played = them.astype(np.float64) / 32768
    played = CLIP_AT * np.tanh(played / CLIP_AT) * 32768
    echo = np.convolve(played, to_microphone)[: you.size]
    voice = np.convolve(you.astype(np.float64), from_you)[: you.size]
    mixed = _at_level(voice, speech_rms(you)) + _at_level(echo, speech_rms(them) * 10 ** (-echo_db / 20))
    return np.clip(np.round(mixed), -32768, 32767).astype(np.int16)

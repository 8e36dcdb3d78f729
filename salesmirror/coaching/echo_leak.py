"""Does the call's sound still reach your microphone's audio, after echo removal or with none?

Counted as yours, the far side's voice makes every figure wrong in a way the seller cannot see: the
gauge leans to you, their interruptions become yours. It happens when "I wear a headset" is ticked
while the call plays through speakers, when a Bluetooth speaker plays later than the canceller
looks (0.25 s), and when a loudspeaker distorts more than a few taps can follow. The monitor looks,
once a second while the far side talks (every four seconds after eight clean looks in a row), for
the call's audio in the microphone's audio as the rest of the pipeline hears it: the canceller's
cross-correlation, up to 0.6 s late.

A look finds the call when its best match is at least 0.5 sure; four of the last eight looks
finding it say echo is heard. What a working canceller leaves in a reverberant room matches at
about 0.25, unremoved echo at 0.9-1.0. On the shared two-speaker recordings, each speaker as you
(`tests/benchmarks/echo_leak.py`), the seller was told in every case of unremoved echo with more
than a second and a half of far-side speech (5-22 s into the call, however much the far side had
said by then), and in none of 8 x 15 cases with a clean headset (babble or typing on it) or with
echo removed (dry, rooms, brown noise).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from salesmirror.audio_format import FRAME_SAMPLES, SAMPLE_RATE
from salesmirror.coaching.echo import SampleHistory, followed_floor, has_far_speech, strongest_echo
from salesmirror.coaching.room_level import frame_levels
from salesmirror.events import Speaker

_WINDOW = SAMPLE_RATE  # one second of the microphone per look
_EVERY = SAMPLE_RATE  # between looks
# After eight clean looks in a row, a look every four seconds: a change mid-call (a headset taken
# off) is still found within about eight seconds of the far side's speech, at a quarter the cost.
_EVERY_WHEN_CLEAN = 4 * SAMPLE_RATE
_MAX_DELAY = int(0.6 * SAMPLE_RATE)  # Bluetooth speakers play 0.1-0.3 s late, a few later
_LEAKING = 0.5  # a look whose best match is this sure found the call's audio
_LOOKS = 8
_LEAKING_LOOKS = 4
# The two channels may reach the monitor this far apart (the canceller holds the microphone up to a
# second while it calibrates; a device delivers late).
_SLACK = 4 * SAMPLE_RATE


class EchoLeakMonitor:
    """Feed both channels' audio as the pipeline hears it; `push` says when echo is first heard."""

    def __init__(self) -> None:
        self._microphone = SampleHistory(_WINDOW + _SLACK)
        self._reference = SampleHistory(_MAX_DELAY + _WINDOW + _SLACK)
        self._reference_floor_db = np.inf
        self._looks: deque[bool] = deque(maxlen=_LOOKS)
        self._next_look = _WINDOW
        self.heard = False

    def push(self, speaker: Speaker, samples: np.ndarray) -> bool:
        """One block of either channel; True the first time the call's audio is found in yours."""
        audio = samples.astype(np.float64)
        if speaker is Speaker.YOU:
            self._microphone.append(audio)
        else:
            self._reference.append(audio)
            whole = audio.size - audio.size % FRAME_SAMPLES
            for level in frame_levels(audio[:whole].reshape(-1, FRAME_SAMPLES)):
                self._reference_floor_db = followed_floor(self._reference_floor_db, float(level))
        end = min(self._microphone.end, self._reference.end)
        if self.heard or end < self._next_look:
            return False
        clean = len(self._looks) == _LOOKS and not any(self._looks)
        self._next_look = end + (_EVERY_WHEN_CLEAN if clean else _EVERY)
        mic = self._microphone.span(end - _WINDOW, end)
        reference = self._reference.span(end - _WINDOW - _MAX_DELAY, end)
        if not mic.any() or not has_far_speech(reference, self._reference_floor_db):
            return False
        found = strongest_echo(mic, reference, _MAX_DELAY)
        self._looks.append(found is not None and found[1] >= _LEAKING)
        self.heard = sum(self._looks) >= _LEAKING_LOOKS
        return self.heard


def echo_heard_message(removing_echo: bool) -> str:
    """What the seller is told, once a call, when the monitor hears the call in the microphone."""
    if removing_echo:
        return (
            "The call's sound reaches your microphone later or more distorted than SalesMirror can "
            "remove (a Bluetooth speaker?), so some of their words may count as yours; nudges about "
            "who talks when are paused for this call. A headset gives exact figures."
        )
    return (
        "Your microphone also hears the call's sound, so some of their words may count as yours; "
        "nudges about who talks when are paused for this call. If the call plays through speakers, "
        'untick "I wear a headset" in Settings (for a recording: analyze it with --mic and '
        "--system); a headset gives exact figures."
    )

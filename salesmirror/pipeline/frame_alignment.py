"""The last stage before the coaching session: each channel's speech decisions, put side by side.

Two channels are decided apart (by their own detectors, one of them maybe held back by the echo
search) and must reach the session as pairs of the same 20 ms. With one microphone the voice judge
makes the pairs itself (see single_microphone.py), so this stage is for the other capture modes.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from salesmirror.coaching.voice_activity import TurnBridge
from salesmirror.events import Speaker

# A live channel silent this long (a stalled device) stops holding the other one back.
STALL_S = 2.0


class AlignedChannels:
    """Steps the session for every frame that all open channels have decided.

    The slower channel is waited for (the echo search may hold the microphone back a second, a
    sound server may deliver in bursts). A live channel that has delivered nothing for `STALL_S`
    is stepped as silent; decisions it delivers later for those frames are dropped, never shifted,
    so its speech stays where it happened. Two detected channels go through the turn bridge, so
    that a pause in which one side gave way is a turn change.
    """

    def __init__(
        self,
        speakers: list[Speaker],
        step: Callable[[bool, bool], None],
        *,
        heard_at: dict[Speaker, float],
        turns: TurnBridge | None,
        flat_out: bool,
    ) -> None:
        self._decided: dict[Speaker, deque[bool]] = {s: deque() for s in speakers}
        self._skipped = {s: 0 for s in speakers}  # frames a stalled channel was stepped as silent
        self._open = set(speakers)
        self._step = step
        self._heard_at = heard_at  # the pipeline's: when each channel last delivered audio
        self._turns = turns
        self._flat_out = flat_out  # recordings as fast as possible: never a stall, always wait

    def decided(self, speaker: Speaker, decisions: list[bool]) -> None:
        self._decided[speaker].extend(decisions)
        self._drain()

    def ended(self, speaker: Speaker, rest: list[bool]) -> None:
        """A channel's last decisions; from now on the others no longer wait for it."""
        self._decided[speaker].extend(rest)
        self._drain()
        self._open.discard(speaker)

    def finish(self) -> None:
        self._drain(final=True)

    def _drain(self, final: bool = False) -> None:
        lanes = self._decided
        while True:
            for speaker, lane in lanes.items():
                while self._skipped[speaker] and lane:
                    lane.popleft()
                    self._skipped[speaker] -= 1
            ready = {s: q for s, q in lanes.items() if q or s in self._open}
            if not any(ready.values()):
                if final and self._turns is not None:
                    for rest in self._turns.flush():
                        self._step(*rest)
                return
            lagging = [s for s, q in ready.items() if not q]
            if lagging and not final:
                now = time.monotonic()
                if self._flat_out or any(now - self._heard_at[s] < STALL_S for s in lagging):
                    return  # wait for the slower channel
                for speaker in lagging:
                    self._skipped[speaker] += 1
            you, them = lanes.get(Speaker.YOU), lanes.get(Speaker.THEM)
            pair = (bool(you.popleft()) if you else False, bool(them.popleft()) if them else False)
            if self._turns is not None:
                bridged = self._turns.push(*pair)
                if bridged is None:
                    continue
                pair = bridged
            self._step(*pair)

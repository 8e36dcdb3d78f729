"""Voice activity per channel: who is speaking, frame by frame, in a room that is never silent.

Each 20 ms frame passes three judges before pause bridging:

1. **WebRTC's detector** marks frames with speech-shaped energy. It follows word boundaries the
   way human annotators mark turns, but it also fires on typing, clicks and line hiss.
2. **Silero's neural detector** (`neural_vad`) says where someone is speaking at all; WebRTC's
   frames count only within its regions (widened by 0.16 s so word edges are kept). Typing,
   clicks, hiss and comfort noise end here.
3. **The room level** (`room_level`): a frame anchors speech only if it stands well above the
   channel's noise floor and any chatter behind it and, on your microphone, near your own
   speaking level. Speech is kept within 0.3 s of two or more anchors; other voices far below
   yours (a colleague, a café) are dropped. Single-microphone mode hears both voices on one
   channel and leaves out the own-voice rule.

Bridging pauses up to 0.7 s (`PauseBridge`; for a two-sided call `TurnBridge`, which also ends a
turn where one side gave way) then turns frames into turns that match the human speaker turns of
the shared AMI and telephone recordings (mode 2; modes 1 and 3 were measured and are worse; 0.5 s gave
86 % of frames, 1.2 s 95 % but twice the lag); once a channel's room is noisy, its pauses are
bridged up to 1.0 s. Decisions come out about 1.2 s late (the widening looks 0.5 s ahead, the
bridge 0.7 s; 1.5 s in a noisy room); everything downstream works in session time, so only the
display lags. `tests/benchmarks/room_noise.py` measures the whole against the human turns with
typing, babble, pink noise and line hiss mixed in.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

import numpy as np
import webrtcvad

from salesmirror.audio_format import FRAME_SAMPLES, FRAME_SECONDS, SAMPLE_RATE
from salesmirror.coaching.neural_vad import SileroFrames, feed_together
from salesmirror.coaching.room_level import RoomLevel, frame_levels

__all__ = ["ChannelActivity", "PauseBridge", "TurnBridge", "feed_channels"]

DEFAULT_BRIDGE_SECONDS = 0.7
# In a noisy room (pink noise 10 dB under the speech) the detectors lose the quiet ends of words, so
# pauses grow: bridging up to 1.0 s there brought the worst talk-ratio error on the shared
# recordings from 8.5 to 4.5 points, while a quiet room keeps 0.7 s (1.0 s everywhere let distant
# chatter before the floor is known add up to 4.7 s of "you").
NOISY_BRIDGE_SECONDS = 1.0
DEFAULT_AGGRESSIVENESS = 2
# Frames whose peak stays below this (about -60 dBFS) are silence without asking the detector:
# digital silence and a muted microphone are common and this keeps long calls cheap to analyse.
_SILENCE_PEAK = 33
# Silero's hysteresis: a region opens at this probability and closes below the second.
_SPEECH_ON, _SPEECH_OFF = 0.5, 0.2
_REGION_WIDEN = 8  # frames on each side of a Silero region where WebRTC's frames still count
_ANCHOR_REACH = 2  # frames on each side in which...
_ANCHORS_NEEDED = 2  # ...this many anchors make a frame a sure sign of the channel's speaker
_SPEECH_REACH = 15  # frames on each side of sure signs where detected speech is kept
# A channel decides a frame once the room has judged this many frames after it.
_DECIDED_AFTER = _ANCHOR_REACH + _SPEECH_REACH
# Giving way: a pause at least this long (frames), begun at most this long after the other side
# started speaking (or with the other side starting in it).
_GIVE_WAY_PAUSE = 20
_GIVE_WAY_LEAD = 15

P = TypeVar("P")


class FrameClassifier:
    """WebRTC's decision for each 20 ms int16 frame (rows of `frames`)."""

    def __init__(self, aggressiveness: int = DEFAULT_AGGRESSIVENESS) -> None:
        self._vad = webrtcvad.Vad(aggressiveness)

    def classify(self, frames: np.ndarray) -> list[bool]:
        peaks = np.maximum(frames.max(axis=1), -frames.min(axis=1).astype(np.int32))
        is_speech = self._vad.is_speech
        return [
            bool(peak >= _SILENCE_PEAK) and is_speech(frame.tobytes(), SAMPLE_RATE)
            for frame, peak in zip(frames, peaks, strict=True)
        ]


class _Window(Generic[P]):
    """Counts the true values within `reach` frames either side of each frame, so it answers
    `reach` frames late; each frame's payload comes out with its count."""

    def __init__(self, reach: int) -> None:
        self._reach = reach
        self._values: deque[bool] = deque()  # the last 2 * reach + 1 values pushed
        self._count = 0  # true values among them
        self._payloads: deque[P] = deque()  # frames not yet answered

    def push(self, value: bool, payload: P) -> tuple[int, P] | None:
        self._payloads.append(payload)
        self._slide(value)
        return (self._count, self._payloads.popleft()) if len(self._payloads) > self._reach else None

    def flush(self) -> list[tuple[int, P]]:
        """Answer the frames still waiting, as if silence followed."""
        out = []
        while self._payloads:
            self._slide(False)
            out.append((self._count, self._payloads.popleft()))
        return out

    def _slide(self, value: bool) -> None:
        if len(self._values) > 2 * self._reach:
            self._count -= self._values.popleft()
        self._values.append(value)
        self._count += value


class _BridgeWindow:
    """How far back a pause may be filled, and how long decisions are held for it: the quiet-room
    window, widened on a side whose room (its channel's RoomLevel, when given) is noisy. Decisions
    are held for the widest window used so far, so a window that widens never needs a decision
    that was already given out."""

    def __init__(self, bridge_seconds: float, rooms: tuple[RoomLevel | None, ...]) -> None:
        self._quiet = max(1, round(bridge_seconds / FRAME_SECONDS))
        self._noisy = max(self._quiet, round(NOISY_BRIDGE_SECONDS / FRAME_SECONDS))
        self._rooms = rooms
        self.held = self._quiet  # frames each decision is held back

    def reach(self, side: int, frame: int | None = None) -> int:
        """The longest pause (frames) filled on `side` now, or at its `frame` (counted from the
        channel's start) as that channel saw its room when it decided that frame. Asked for every
        frame, so decisions are held longer from the moment a room turns noisy, before its first
        long pause ends."""
        room = self._rooms[side]
        if room is None:
            return self._quiet
        noisy = room.noisy if frame is None else room.noisy_after(frame + 1 + _DECIDED_AFTER)
        if not noisy:
            return self._quiet
        self.held = self._noisy
        return self._noisy


class PauseBridge:
    """Fills pauses no longer than `bridge_seconds` between speech frames (up to
    NOISY_BRIDGE_SECONDS once `room` is noisy).

    `push` returns the final decision for the frame `bridge_seconds` earlier (None while the first
    frames are still pending); `flush` returns the rest at the end of a stream.
    """

    def __init__(self, bridge_seconds: float = DEFAULT_BRIDGE_SECONDS, room: RoomLevel | None = None) -> None:
        self._window = _BridgeWindow(bridge_seconds, (room,))
        self._pending: deque[bool] = deque()
        self._frames_since_speech: int | None = None

    def push(self, is_speech: bool) -> bool | None:
        reach = self._window.reach(0)
        if is_speech:
            gap = self._frames_since_speech
            if gap is not None and 0 < gap < min(reach, len(self._pending) + 1):
                for i in range(len(self._pending) - gap, len(self._pending)):
                    self._pending[i] = True
            self._frames_since_speech = 0
        elif self._frames_since_speech is not None:
            self._frames_since_speech += 1
        self._pending.append(is_speech)
        if len(self._pending) > self._window.held:
            return self._pending.popleft()
        return None

    def flush(self) -> list[bool]:
        rest = list(self._pending)
        self._pending.clear()
        return rest


class TurnBridge:
    """Pause bridging for both sides of a call at once.

    Each side's pauses up to `bridge_seconds` are filled, as `PauseBridge` does, except a pause in
    which the side gave way: it stopped for 0.4 s or more at most 0.3 s after (or while) the other
    side started, and the other side spoke in the pause. Annotators end a turn there; bridged, a
    customer's pause as the seller began to answer became a second of both talking and a made-up
    interruption. A breath while someone talks over you is shorter and stays bridged: talking
    over someone who keeps talking is still both talking. `rooms`: each side's RoomLevel, whose
    pauses are bridged up to NOISY_BRIDGE_SECONDS while it is noisy. `push` returns the (you, them)
    decision for the frame `bridge_seconds` earlier; `flush` the rest.
    """

    def __init__(
        self,
        bridge_seconds: float = DEFAULT_BRIDGE_SECONDS,
        rooms: tuple[RoomLevel | None, RoomLevel | None] = (None, None),
    ) -> None:
        self._window = _BridgeWindow(bridge_seconds, rooms)
        self._pending: deque[list[bool]] = deque()
        self._frame = 0
        self._last_voiced: list[int | None] = [None, None]  # the frame each side last spoke in
        self._started: list[int | None] = [None, None]  # the frame each side last began speaking
        self._other_spoke = [False, False]  # whether the other side spoke in each side's pause
        self._previous = (False, False)

    def push(self, you: bool, them: bool) -> tuple[bool, bool] | None:
        voiced = (you, them)
        self._pending.append([you, them])
        for side in (0, 1):
            if voiced[side] and not self._previous[side]:
                self._started[side] = self._frame
        for side in (0, 1):
            reach = min(self._window.reach(side, self._frame), len(self._pending))
            if not voiced[side]:
                self._other_spoke[side] = self._other_spoke[side] or voiced[1 - side]
                continue
            last = self._last_voiced[side]
            if last is not None and 1 < self._frame - last <= reach and not self._gave_way(side, last):
                for frame in list(self._pending)[last - self._frame : -1]:
                    frame[side] = True
            self._last_voiced[side], self._other_spoke[side] = self._frame, False
        self._previous = voiced
        self._frame += 1
        if len(self._pending) > self._window.held:
            first, second = self._pending.popleft()
            return first, second
        return None

    def _gave_way(self, side: int, last_voiced: int) -> bool:
        other_started = self._started[1 - side]
        return (
            self._frame - last_voiced > _GIVE_WAY_PAUSE
            and self._other_spoke[side]
            and other_started is not None
            and other_started >= last_voiced - _GIVE_WAY_LEAD
        )

    def flush(self) -> list[tuple[bool, bool]]:
        rest = [(first, second) for first, second in self._pending]
        self._pending.clear()
        return rest


class Fed(Protocol):
    """Any channel's voice activity: blocks in, final 20 ms decisions out."""

    def feed(self, samples: np.ndarray) -> list[bool]: ...


def feed_channels(feeds: Sequence[tuple[Fed, np.ndarray]]) -> list[list[bool]]:
    """Each (channel, block) fed in order, the decisions of each returned in the same order.
    Neighbouring blocks of different detected channels share their neural detector's runs
    (`feed_together`); each channel decides exactly as it would alone."""
    decisions: list[list[bool]] = []
    batch: list[tuple[ChannelActivity, np.ndarray]] = []

    def run_batch() -> None:
        judged = feed_together([(activity._silero, activity._framed(samples)) for activity, samples in batch])
        decisions.extend(activity._judged(p) for (activity, _), p in zip(batch, judged, strict=True))
        batch.clear()

    for activity, samples in feeds:
        if not isinstance(activity, ChannelActivity):
            run_batch()
            decisions.append(activity.feed(samples))
            continue
        if any(activity is waiting for waiting, _ in batch):
            run_batch()
        batch.append((activity, samples))
    run_batch()
    return decisions


class ChannelActivity:
    """The three judges plus the bridge for one channel: int16 blocks in, final 20 ms decisions out.

    `own_voice`: this channel is one person's own microphone, so sound far below their voice is
    not them (two streams, headset). Off for the far side and for a single microphone that hears
    both voices. `bridged`: fill this channel's pauses here; a two-sided call leaves that to a
    `TurnBridge` over both channels.
    """

    def __init__(self, own_voice: bool = False, bridged: bool = True) -> None:
        self._webrtc = FrameClassifier()
        self._silero = SileroFrames()
        self.room = RoomLevel(own_voice)
        self._carry = np.zeros(0, dtype=np.int16)
        self._awaiting_silero: deque[tuple[bool, float]] = deque()  # (WebRTC, level) per frame
        self._in_region = False
        self._regions: _Window[tuple[bool, float]] = _Window(_REGION_WIDEN)
        self._anchors: _Window[tuple[bool, float]] = _Window(_ANCHOR_REACH)
        self._sure: _Window[tuple[bool, float]] = _Window(_SPEECH_REACH)
        # One microphone for both voices is not widened in noise: a longer bridge there joins one
        # speaker's turn to the next one's (brown noise, ami_dev00 MEE009: -16.8 -> -26.9 pp).
        self._bridge = PauseBridge(room=self.room if own_voice else None) if bridged else None
        self._light_window = round(DEFAULT_BRIDGE_SECONDS / FRAME_SECONDS)
        self._frames_since_voice: int | None = None
        self._voiced_in_feed = False  # did both detectors hear a voice in the last block?

    @property
    def in_speech(self) -> bool:
        """The live 'talking' light: both detectors heard a voice within the bridge window. It
        does not wait for the level judges and the bridge, so it lights up at once."""
        since = self._frames_since_voice
        return since is not None and since < self._light_window

    @property
    def noisy(self) -> bool:
        """The room comes close to the voices on this channel (see RoomLevel)."""
        return self.room.noisy

    def heard_voice_within(self, seconds: float) -> bool:
        """Did both detectors hear a voice in the last block, or within `seconds` before its end?
        (What a recogniser's gate asks: is this channel speaking, or just paused?)"""
        since = self._frames_since_voice
        return self._voiced_in_feed or (since is not None and since * FRAME_SECONDS < seconds)

    def feed(self, samples: np.ndarray) -> list[bool]:
        return feed_channels([(self, samples)])[0]

    def _framed(self, samples: np.ndarray) -> np.ndarray:
        """WebRTC's decision and the level of each whole frame of what was carried over plus
        `samples`, kept until Silero has judged them; returns those frames' samples for Silero."""
        self._voiced_in_feed = False
        if self._carry.size:
            samples = np.concatenate((self._carry, samples))
        whole = samples.size - samples.size % FRAME_SAMPLES
        self._carry = samples[whole:].copy()
        frames = samples[:whole].reshape(-1, FRAME_SAMPLES)
        if frames.size:
            decisions, levels = self._webrtc.classify(frames), frame_levels(frames)
            self._awaiting_silero.extend(zip(decisions, levels.tolist(), strict=True))
        return samples[:whole]

    def _judged(self, probabilities: list[float]) -> list[bool]:
        out: list[bool] = []
        for probability in probabilities:
            self._after_silero(probability, out)
        return out

    def _after_silero(self, probability: float, out: list[bool]) -> None:
        webrtc, level = self._awaiting_silero.popleft()
        threshold = _SPEECH_OFF if self._in_region else _SPEECH_ON
        self._in_region = probability >= threshold
        if webrtc and self._in_region:
            self._frames_since_voice = 0
            self._voiced_in_feed = True
        elif self._frames_since_voice is not None:
            self._frames_since_voice += 1
        widened = self._regions.push(self._in_region, (webrtc, level))
        if widened is not None:
            self._after_region(*widened, out)

    def _after_region(self, regions: int, frame: tuple[bool, float], out: list[bool]) -> None:
        webrtc, level = frame
        detected = webrtc and regions > 0
        anchored = self._anchors.push(self.room.judge(level, detected), (detected, level))
        if anchored is not None:
            self._after_anchors(*anchored, out)

    def _after_anchors(self, anchors: int, frame: tuple[bool, float], out: list[bool]) -> None:
        kept = self._sure.push(anchors >= _ANCHORS_NEEDED, frame)
        if kept is not None:
            self._decide(*kept, out)

    def _decide(self, sure: int, frame: tuple[bool, float], out: list[bool]) -> None:
        detected, level = frame
        if not sure:
            self.room.heard_background(level)
        speech = detected and sure > 0
        if self._bridge is None:
            out.append(speech)
            return
        decided = self._bridge.push(speech)
        if decided is not None:
            out.append(decided)

    def flush(self) -> list[bool]:
        """The decisions still held back, at the end of the stream (a partial frame is dropped)."""
        out: list[bool] = []
        for probability in self._silero.flush():
            self._after_silero(probability, out)
        self._awaiting_silero.clear()
        for regions, frame in self._regions.flush():
            self._after_region(regions, frame, out)
        for anchors, frame in self._anchors.flush():
            self._after_anchors(anchors, frame, out)
        for sure, frame in self._sure.flush():
            self._decide(sure, frame, out)
        return out + (self._bridge.flush() if self._bridge is not None else [])

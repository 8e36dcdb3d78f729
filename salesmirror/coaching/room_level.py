"""How loud a channel's room is, and how loud your own voice is on your own microphone.

A microphone hears its owner loudest: a colleague across the room, a café or a TV reaches it far
quieter than the voice a few centimetres away. Three levels, learned as the call goes, turn that
into a rule the voice-activity stage applies frame by frame:

- the **noise floor**: the 10th percentile of frame levels over the last 10 seconds (minimum
  statistics: even during a monologue, the pauses between words show the floor);
- the **background**: the median level of the last 20 seconds of sound that was not this
  channel's speaker. Steady noise (a fan, hiss) varies little and is left to the floor; a
  background that rises and falls like voices (its median 4 dB or more over its 10th
  percentile: chatter, a café, a TV) is something the speaker must stand out from;
- **your speaking level**: the 90th percentile of the frames that were clearly speech (detected,
  15 dB over the floor) over your last minute of such speech. Until two seconds of it were heard
  a prior of -40 dBFS stands in, so a room's chatter before you say anything is not learned as you.

A frame can anchor speech only if it is 10 dB over the floor, 10 dB over a voice-like
background and, on your own microphone, within 15 dB of your speaking level. The thresholds were
chosen on the shared recordings with generated typing, babble and pink noise
(`tests/benchmarks/room_noise.py` prints the table): 10 dB of the voice rejected more babble but
cut the quiet ends of real turns on clean recordings by up to 2.3 points of talk ratio.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from salesmirror.audio_format import FRAME_SECONDS

_SILENT_DB = -120.0  # the level given to digital silence
_UPDATE_EVERY = round(0.5 / FRAME_SECONDS)
_FLOOR_WINDOW = round(10.0 / FRAME_SECONDS)
_ANCHOR_OVER_FLOOR_DB = 10.0
_BACKGROUND_FRAMES = round(20.0 / FRAME_SECONDS)
_VOICE_LIKE_SPREAD_DB = 4.0
_ANCHOR_OVER_BACKGROUND_DB = 10.0
_VOICE_FRAMES = round(60.0 / FRAME_SECONDS)
_VOICE_MIN_FRAMES = round(2.0 / FRAME_SECONDS)
_TEACH_OVER_FLOOR_DB = 15.0
_TEACH_MIN_DB = -50.0  # quieter than this is never learned as your voice
_VOICE_PRIOR_DB = -40.0
_ANCHOR_BELOW_VOICE_DB = 15.0
# The room counts as noisy when its floor is within this of your voice (or, before your voice is
# known, above -55 dBFS): figures may then be less exact, and the window says so. Measured on the
# shared recordings: 31-46 dB in a quiet room, 21-24 dB with pink noise 10 dB under the speech.
_NOISY_SNR_DB = 25.0
NOISY_FLOOR_DB = -55.0


def frame_levels(frames: np.ndarray) -> np.ndarray:
    """dBFS of each row of int16 frames (digital silence: -120)."""
    power = np.mean(frames.astype(np.float64) ** 2, axis=1) / 32768.0**2
    return np.where(power > 0, 10 * np.log10(np.maximum(power, 1e-12)), _SILENT_DB)


class RoomLevel:
    """Tracks one channel's noise floor and, when `own_voice` is set, its owner's speaking level."""

    def __init__(self, own_voice: bool) -> None:
        self._own_voice = own_voice
        self._levels = np.full(_FLOOR_WINDOW, _SILENT_DB)
        self._seen = 0
        self._voice: deque[float] = deque(maxlen=_VOICE_FRAMES)
        self._voice_learned: float | None = None
        self.floor_db = _SILENT_DB
        self._background: deque[float] = deque(maxlen=_BACKGROUND_FRAMES)
        self.background_db = _SILENT_DB
        # (frames judged, noisy) at each change of `noisy`, oldest first; see noisy_after.
        self._noisy_changes: deque[tuple[int, bool]] = deque([(0, False)])

    @property
    def voice_db(self) -> float | None:
        """Your speaking level as learned so far (None before two seconds of clear speech)."""
        return self._voice_learned

    @property
    def noisy(self) -> bool:
        """Is the floor, or a voice-like background, close enough to the voice that figures may
        be less exact?"""
        if self._seen < _FLOOR_WINDOW // 2:
            return False
        room = max(self.floor_db, self.background_db)
        if self._voice_learned is not None:
            return room > self._voice_learned - _NOISY_SNR_DB
        return room > NOISY_FLOOR_DB

    def noisy_after(self, frames: int) -> bool:
        """Was the room noisy once this channel's first `frames` frames were judged? Another
        channel's stage that steps through frames in order asks this rather than `noisy`, so
        that its answer does not depend on how far this channel has been analysed meanwhile.
        Changes before the one in force at `frames` are forgotten."""
        changes = self._noisy_changes
        while len(changes) > 1 and changes[1][0] <= frames:
            changes.popleft()
        return changes[0][1]

    def judge(self, level_db: float, detected: bool) -> bool:
        """Learn from one frame and say whether it may anchor speech on this channel."""
        self._levels[self._seen % _FLOOR_WINDOW] = level_db
        self._seen += 1
        if self._seen % _UPDATE_EVERY == 0:
            self._update()
            if self.noisy != self._noisy_changes[-1][1]:  # it changes only here
                self._noisy_changes.append((self._seen, self.noisy))
        if not detected:
            return False
        over_floor = level_db - self.floor_db
        if over_floor >= _TEACH_OVER_FLOOR_DB and level_db >= _TEACH_MIN_DB:
            self._voice.append(level_db)
        if over_floor < _ANCHOR_OVER_FLOOR_DB:
            return False
        if level_db < self.background_db + _ANCHOR_OVER_BACKGROUND_DB:
            return False
        if not self._own_voice:
            return True
        voice = self._voice_learned if self._voice_learned is not None else _VOICE_PRIOR_DB
        return level_db >= voice - _ANCHOR_BELOW_VOICE_DB

    def heard_background(self, level_db: float) -> None:
        """A frame that turned out not to be near this channel's speaker: the room's own sound."""
        self._background.append(level_db)

    def _update(self) -> None:
        if len(self._background) >= _UPDATE_EVERY:
            low, middle = np.percentile(self._background, (10, 50))
            # Steady noise (a fan, hiss) is handled by the floor; only a background that rises
            # and falls like voices (babble, a TV) needs a near voice to stand out from it.
            self.background_db = float(middle) if middle - low >= _VOICE_LIKE_SPREAD_DB else _SILENT_DB
        heard = self._levels[: min(self._seen, _FLOOR_WINDOW)]
        self.floor_db = float(np.percentile(heard, 10))
        if self._own_voice and len(self._voice) >= _VOICE_MIN_FRAMES:
            self._voice_learned = max(_TEACH_MIN_DB, float(np.percentile(self._voice, 90)))

"""Removing the far side's echo from the microphone, with the call's own audio as the reference.

When a call plays through laptop speakers the microphone hears the other side too: on a real call
about 3 dB quieter than the system stream and a few milliseconds late. Counted naively, their
words become yours. Level gating alone cannot tell echo from double talk, so this module cancels
the echo instead, and the voice-activity detector runs on what is left:

1. The delay between the system stream and its echo in the microphone is estimated by FFT
   cross-correlation over one-second windows in which the system stream is active (1 ms to
   `max_delay_s`). During double talk estimates wander, so a new delay replaces the one in use
   only after three estimates in a row agree on it (a changed output device, within 1.5 s).
2. Each 20 ms microphone frame is fitted, by least squares, with a few taps of the system stream
   around that delay (a short echo path: direct sound and the first reflections), and the fit is
   subtracted.

3. In a real room the echo does not end with the direct sound: it rings on for the room's
   reverberation time, after the far side has stopped, and a few taps cannot follow it. So the
   level of what the echo can leave behind is tracked as well: a little under the fitted direct
   echo where the far side plays, then a decay no faster than a reverberant room's (RT60 0.8 s).
   Whatever is left in a frame below that level is residue and is cut to the noise floor; your
   voice during their speech (double talk) is uncorrelated with the reference, survives the
   subtraction, is louder than the residue, and still counts for both.

SpeexDSP's adaptive canceller (through `pyaec`, 300 ms filter) was measured against this on the
same simulated rooms (tests/room_echo.py) and did worse, dry and in rooms; with its residual
suppression on it took up to 15 pp of your talk in double talk. `tests/benchmarks/
echo_attribution.py` measures the result, dry and in rooms, with and without noise.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from salesmirror.audio_format import FRAME_SAMPLES, SAMPLE_RATE
from salesmirror.coaching.room_level import frame_levels

_WINDOW = SAMPLE_RATE  # one second of audio per delay estimate
_PIECE = 3 * FRAME_SAMPLES  # work in 60 ms pieces, like a live microphone delivers
_MIN_WINDOW = SAMPLE_RATE // 4  # the first estimate may use less
_TAPS = 5  # taps fitted around the estimated delay
_MIN_CONFIDENCE = 0.3  # normalised correlation needed to trust a delay estimate
# An echo cannot arrive before it is played, and no sound output has less than a millisecond of
# latency; a zero-lag match is the same voice in both streams (crosstalk, or double talk), not echo.
_MIN_DELAY = SAMPLE_RATE // 1000
_SAME_DELAY = 2  # samples: estimates this close agree
_CONFIRMATIONS = 3  # agreeing estimates needed to change the delay in use (2 for the first)
# In double talk the correlation peak wanders to a reflection (a reverberant room: 3.6-3.8 ms
# instead of 3.1) with less confidence (0.45-0.85) than the echo alone gives (0.93-0.98). An
# estimate may count towards replacing the delay in use only when it is nearly as sure as the best
# estimate that confirmed that delay within the last half minute; a changed output device, heard
# while you are quiet, is at once, and any other within half a minute.
_REPLACE_CONFIDENCE_SHARE = 0.9
_CONFIRMED_FOR = 30 * SAMPLE_RATE
_MIN_SPEECH_FRAMES = 12  # 0.25 s of far-side speech in a window before it says anything
_SILENT_RMS = 1.0  # a reference this quiet (digital silence) carries no echo to fit
_SILENT_DB = 20 * np.log10(_SILENT_RMS / 32768)
# The echo's tail fades at 60 dB per reverberation time; assuming a slow room (0.8 s, the top of
# ordinary offices) keeps the tail's residue out of your talk in every room up to it.
_TAIL_FADE_DB = 60 * (FRAME_SAMPLES / SAMPLE_RATE) / 0.8  # per 20 ms frame
# What the fit leaves of the echo it follows is at least this much quieter than the echo; a voice
# above that is yours (measured: 4 dB keeps more of you in double talk than 0 or 8 dB).
_RESIDUE_BELOW_ECHO_DB = 4.0
_RESIDUE_CUT_DB = 30.0  # residue is lowered this far, never below the microphone's floor
_FLOOR_RISE_DB = 0.01  # per frame: the floor follows a room getting louder within a minute or so
# The far side is talking when the call's audio comes this far above its own floor: line hiss or
# comfort noise is not a voice whose first echo is worth holding the microphone for. The floor
# is known after half a second of the call's audio; before that, any sound counts.
_TALKING_OVER_FLOOR_DB = 10.0
_FLOOR_KNOWN_AFTER = SAMPLE_RATE // 2
# While no delay is known, a window with speech but no clear echo (double talk, a headset) is looked
# at again this much later: the first echo is found within half a second of the far side's first
# words, without an FFT of two seconds of audio for every block of a headset call.
_RETRY_UNKNOWN = SAMPLE_RATE // 8


class SampleHistory:
    """The most recent samples of a stream, addressed by absolute sample index (a ring buffer:
    appending costs the new samples only, never a copy of the whole history)."""

    def __init__(self, capacity: int) -> None:
        self._data = np.zeros(capacity, dtype=np.float64)
        self.end = 0  # absolute index one past the newest sample

    def append(self, samples: np.ndarray) -> None:
        size = self._data.size
        if samples.size > size:
            self.end += samples.size - size  # what falls off at once still counts as heard
            samples = samples[-size:]
        at = self.end % size
        first = min(samples.size, size - at)
        self._data[at : at + first] = samples[:first]
        self._data[: samples.size - first] = samples[first:]
        self.end += samples.size

    def pad_to(self, end: int) -> None:
        if end > self.end:
            self.append(np.zeros(end - self.end))

    def span(self, start: int, stop: int) -> np.ndarray:
        """Samples [start, stop); anything before the stream began or already forgotten is 0."""
        out = np.zeros(stop - start)
        lo, hi = max(start, self.end - self._data.size, 0), min(stop, self.end)
        if hi > lo:
            size = self._data.size
            at = lo % size
            first = min(hi - lo, size - at)
            out[lo - start : lo - start + first] = self._data[at : at + first]
            out[lo - start + first : hi - start] = self._data[: hi - lo - first]
        return out


def _level_db(samples: np.ndarray) -> float:
    return float(frame_levels(samples[np.newaxis, :])[0])


def followed_floor(floor_db: float, level_db: float) -> float:
    """A stream's floor after one more frame: down to any quieter frame at once, up slowly."""
    return min(floor_db + _FLOOR_RISE_DB, level_db)


def strongest_echo(mic: np.ndarray, reference: np.ndarray, max_delay: int) -> tuple[int, float] | None:
    """The delay (samples) at which `reference` best explains `mic`, and how well (normalised
    correlation, 0-1); None when the best match is the same sound at once (crosstalk, not an echo).

    `reference` starts `max_delay` samples before `mic` and is that much longer.
    """
    size = _fft_size(reference.size + mic.size)
    # correlation[k] = sum_i mic[i] * reference[i + k]. The reference window starts max_delay
    # earlier than the microphone's, so an echo `delay` samples late peaks at k = max - delay.
    spectrum = np.fft.rfft(mic, size).conj() * np.fft.rfft(reference, size)
    correlation = np.fft.irfft(spectrum, size)
    # One lag short of the minimum is looked at too: a peak there or at lag zero is the same
    # sound in both streams (crosstalk), whose slope would otherwise pass for a 1 ms echo.
    lags = correlation[: max_delay - _MIN_DELAY + 2]
    best = int(np.argmax(np.abs(lags)))
    if best == lags.size - 1:
        return None
    energy = np.sqrt(np.sum(mic**2) * np.sum(reference[best : best + mic.size] ** 2))
    confidence = float(abs(lags[best]) / energy) if energy > 0 else 0.0
    return max_delay - best, confidence


def _fft_size(n: int) -> int:
    """The smallest length of at least `n` made of the factors 2, 3 and 5, which NumPy's FFT
    computes fastest: for a second of microphone against 1.25 s of the call, 36 000 points take
    1.2 ms where the next power of two (65 536) took 3 ms."""
    best = 1 << (n - 1).bit_length()
    fives = 1
    while fives < best:
        threes = fives
        while threes < best:
            size = threes * (1 << max(0, (-(-n // threes) - 1).bit_length()))
            best = min(best, size)
            threes *= 3
        fives *= 5
    return best


def has_far_speech(samples: np.ndarray, floor_db: float) -> bool:
    """Enough loud frames to correlate on: at least a quarter second within 20 dB of the peak and
    well above the stream's floor (hiss alone has no echo worth looking for)."""
    whole = samples.size - samples.size % FRAME_SAMPLES
    levels = frame_levels(samples[:whole].reshape(-1, FRAME_SAMPLES))
    loud = levels >= max(_SILENT_DB, levels.max() - 20.0, floor_db + _TALKING_OVER_FLOOR_DB)
    return int(loud.sum()) >= _MIN_SPEECH_FRAMES


class EchoCanceller:
    """Feed the microphone and the system stream; get the microphone back without the echo.

    Microphone samples come out once the reference covering them has arrived (or has ended), so
    the two streams may arrive in any interleaving. While the far side has spoken but no delay is
    known yet, the microphone is held (at most `max_hold_s`) so that the first echo is cancelled
    too; decisions already wait 0.7 s for pause bridging, so this costs the display nothing.
    """

    def __init__(self, max_delay_s: float = 0.25, max_hold_s: float = 1.0) -> None:
        self._max_delay = int(max_delay_s * SAMPLE_RATE)
        self._max_hold = int(max_hold_s * SAMPLE_RATE)
        # Room for the hold plus a few large blocks in flight (flat-out analysis uses 1.2 s).
        margin = self._max_hold + 4 * SAMPLE_RATE
        self._reference = SampleHistory(self._max_delay + _WINDOW + margin)
        self._microphone = SampleHistory(_WINDOW + margin)
        self._pending: deque[np.ndarray] = deque()
        self._mic_done = 0  # absolute index of the next microphone sample to process
        self._reference_ended = False
        self._delay: int | None = None
        self._candidate: int | None = None
        self._candidate_seen = 0
        # (end of window, confidence) of recent estimates that agreed with the delay in use
        self._confirmations: deque[tuple[int, float]] = deque()
        self._next_estimate = 0
        self._hold_spent = False
        self._largest_block = 0
        self._echo_db = -np.inf  # how loud what the echo leaves can be: under the fit, or its fading tail
        self._floor_db = np.inf  # the microphone's quietest recent frames
        self._reference_floor_db = np.inf  # the call's audio's quietest recent frames

    @property
    def delay_s(self) -> float | None:
        """The echo delay in use, or None before one was found."""
        return None if self._delay is None else self._delay / SAMPLE_RATE

    def push_reference(self, samples: np.ndarray) -> list[np.ndarray]:
        # In 60 ms pieces, so that estimates and holds do not depend on the caller's block size.
        out = []
        for at in range(0, samples.size, _PIECE):
            piece = samples[at : at + _PIECE].astype(np.float64)
            self._reference.append(piece)
            self._follow_reference_floor(piece)
            out += self._drain()
        return out

    def end_reference(self) -> list[np.ndarray]:
        """No more system audio (ended or failed): pass the microphone through from here on."""
        self._reference_ended = True
        return self._drain()

    def push_microphone(self, samples: np.ndarray) -> list[np.ndarray]:
        self._largest_block = max(self._largest_block, samples.size)
        out = []
        for at in range(0, samples.size, _PIECE):
            piece = samples[at : at + _PIECE]
            self._microphone.append(piece.astype(np.float64))
            self._pending.append(piece)
            out += self._drain()
        return out

    def flush(self) -> list[np.ndarray]:
        self._reference_ended = True
        return self._drain()

    def _drain(self) -> list[np.ndarray]:
        known_until = min(self._microphone.end, self._reference.end)
        # Until the delay is known, look often (echo before that would count as you); afterwards,
        # twice a second is plenty to follow a changed output device. Hiss alone is not looked at.
        if known_until >= self._next_estimate and self._estimate_delay(known_until):
            wait = _WINDOW // 2 if self._delay is not None else _RETRY_UNKNOWN
            self._next_estimate = known_until + wait
        out = []
        while self._pending:
            block = self._pending[0]
            stop = self._mic_done + block.size
            if not self._reference_ended:
                if self._reference.end < stop:
                    break
                if self._calibrating(stop):
                    break
            self._pending.popleft()
            self._reference.pad_to(stop)
            out.append(self._cancel(block, self._mic_done))
            self._mic_done = stop
        return out

    def _calibrating(self, stop: int) -> bool:
        """Hold the microphone: the far side is talking, the delay is not known, time remains.

        The hold is spent once: with a headset there is no echo to find, and holding again
        would add a second of lag to every decision.
        """
        if self._delay is not None or self._hold_spent:
            return False
        # Counted beyond the blocks in flight, so that large blocks (flat-out analysis) calibrate
        # exactly like a live microphone's 60 ms blocks.
        if self._microphone.end - self._mic_done >= self._max_hold + 2 * self._largest_block:
            self._hold_spent = True
            return False
        recent = self._reference.span(self._mic_done - self._max_delay, stop)
        if np.sqrt(np.mean(recent**2)) < _SILENT_RMS:
            return False
        return _level_db(recent) >= self._known_reference_floor_db + _TALKING_OVER_FLOOR_DB

    @property
    def _known_reference_floor_db(self) -> float:
        """The call's audio's floor, or (in its first half second) lower than any sound."""
        return self._reference_floor_db if self._reference.end >= _FLOOR_KNOWN_AFTER else -np.inf

    def _follow_reference_floor(self, piece: np.ndarray) -> None:
        whole = piece.size - piece.size % FRAME_SAMPLES
        for level in frame_levels(piece[:whole].reshape(-1, FRAME_SAMPLES)):
            self._reference_floor_db = followed_floor(self._reference_floor_db, float(level))

    def _cancel(self, block: np.ndarray, start: int) -> np.ndarray:
        delay = self._delay
        if delay is None:
            return block
        cleaned = block.astype(np.float64)
        for at in range(0, cleaned.size, FRAME_SAMPLES):
            cleaned[at : at + FRAME_SAMPLES] = self._cancel_frame(
                cleaned[at : at + FRAME_SAMPLES], start + at, delay
            )
        return np.clip(cleaned, -32768, 32767).astype(np.int16)

    def _cancel_frame(self, frame: np.ndarray, start: int, delay: int) -> np.ndarray:
        """One frame: the direct echo fitted and subtracted, then the residue cut (module doc, 2-3)."""
        level = _level_db(frame)
        self._floor_db = followed_floor(self._floor_db, level)
        begin = start - delay - _TAPS // 2
        reference = self._reference.span(begin, begin + frame.size + _TAPS - 1)
        direct_db = -np.inf
        if np.sqrt(np.mean(reference**2)) >= _SILENT_RMS:
            taps = np.lib.stride_tricks.sliding_window_view(reference, frame.size)[::-1].T
            fit, *_ = np.linalg.lstsq(taps, frame, rcond=None)
            echo = taps @ fit
            frame = frame - echo
            direct_db = _level_db(echo)
        self._echo_db = max(direct_db - _RESIDUE_BELOW_ECHO_DB, self._echo_db - _TAIL_FADE_DB)
        left_db = _level_db(frame)
        if self._floor_db < left_db < self._echo_db:
            frame = frame * 10 ** ((max(self._floor_db, left_db - _RESIDUE_CUT_DB) - left_db) / 20)
        return frame

    def _estimate_delay(self, end: int) -> bool:
        """Add a delay estimate from the second before `end` when one stands out. True when the
        window was looked at (an estimate, or the same sound in both streams); False when it gave
        nothing to go on (no far-side speech, or no clear echo), so it is looked at again soon."""
        window = min(_WINDOW, end)
        if window < _MIN_WINDOW:
            return False
        mic = self._microphone.span(end - window, end)
        reference = self._reference.span(end - window - self._max_delay, end)
        if not mic.any() or not has_far_speech(reference, self._known_reference_floor_db):
            return False
        found = strongest_echo(mic, reference, self._max_delay)
        if found is None:
            return True  # looked, and found the same sound in both streams, not an echo
        delay, confidence = found
        if confidence >= _MIN_CONFIDENCE:
            self._consider(delay, confidence, end)
            return True
        return False

    def _consider(self, estimate: int, confidence: float, end: int) -> None:
        confirmations = self._confirmations
        while confirmations and confirmations[0][0] < end - _CONFIRMED_FOR:
            confirmations.popleft()
        if self._delay is not None and abs(estimate - self._delay) <= _SAME_DELAY:
            self._candidate, self._candidate_seen = None, 0
            confirmations.append((end, confidence))
            return
        best_confirmed = max((c for _, c in confirmations), default=0.0)
        if confidence < best_confirmed * _REPLACE_CONFIDENCE_SHARE:
            return  # double talk, most likely: neither for the delay in use nor against it
        if self._candidate is not None and abs(estimate - self._candidate) <= _SAME_DELAY:
            self._candidate_seen += 1
        else:
            self._candidate, self._candidate_seen = estimate, 1
        needed = _CONFIRMATIONS if self._delay is not None else _CONFIRMATIONS - 1
        if self._candidate_seen >= needed:
            self._delay, self._candidate, self._candidate_seen = self._candidate, None, 0
            confirmations.clear()
            confirmations.append((end, confidence))

"""Who is speaking into a single microphone: your enrolled voice against the voices in the call.

With no way to capture the call's audio and the call playing through speakers, one microphone
hears both sides. Every 0.4 s a 1.6 s window with enough speech in it gets a voice embedding
(voice_encoder.py). Two voices are then fitted to the call so far: yours, anchored to the voice
print you enrolled, and theirs, seeded from the windows least like you; a few rounds of two-means
refine both. Each 20 ms frame of speech is yours when the windows centred within 0.8 s of it are,
on balance, closer to your voice than to theirs. Measured on the shared recordings by
tests/benchmarks/single_microphone.py.

Fitting "them" from the call, rather than judging you against a fixed threshold, is what makes
this work across rooms and telephone lines: the same two voices on a narrow-band call are all far
more alike than in a meeting room, but still closer to themselves than to each other.

Two-means always finds two groups, even when only you speak: your own voice varies enough from
sentence to sentence to be split in two, which once gave a seller alone on the line half of their
own talk and never a monologue. So the fit is checked before it is believed (_is_one_voice): a
second voice must be heard often enough, must sound unlike your print, and must sit apart from
your group; otherwise everything heard is you.

Overlapping speech still gets one label, which caps what any attribution of this design can reach;
the mode is labelled approximate for that reason.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import numpy as np

from salesmirror.audio_format import FRAME_SAMPLES, SAMPLE_RATE
from salesmirror.coaching.voice_activity import ChannelActivity
from salesmirror.model_files import ModelError
from salesmirror.paths import make_private_folder
from salesmirror.speech.voice_encoder import VOICE_ENCODER_NAME, VoiceEncoder

MIN_ENROLMENT_S = 8.0
WINDOW_FRAMES = 80  # 1.6 s, the length the encoder was trained on
HOP_FRAMES = 20  # a new window every 0.4 s
REACH_FRAMES = 40  # a frame is judged by the windows centred within 0.8 s of it
MIN_SPEECH_SHARE = 0.5  # windows that are mostly pause say little about a voice
THEM_SEED_SHARE = 0.25  # "them" starts as the quarter of windows least like you
FIT_ROUNDS = 5
LIVE_BATCH = 3  # windows embedded and fitted together during a call
RECORDING_BATCH = 64  # a recording has no one waiting: bigger batches cost less per window
MEMORY_WINDOWS = 3000  # the last ten minutes of speech shape the two voices
# When is "them" a second voice and not a mood of yours? Measured with prints enrolled from another
# recording (AMI dev00/dev01, both speakers; tests/benchmarks/single_microphone.py): with one voice
# alone, the "them" group scores 0.79-0.86 against the print and its centre 0.90-0.94 against
# yours; with two voices, 0.64-0.75 and 0.81-0.89. GE2E similarities are compressed, hence the
# narrow margins; the limits sit between the two ranges.
MIN_THEM_WINDOWS = 7  # 2.8 s of a second voice before it counts
ONE_VOICE_LIKENESS = 0.77  # a window, or a "them" group on average, this like your print is you
MIN_YOUR_WINDOWS = 3  # until 1.2 s sounds like you, everything heard is them...
# ...but live, the opening of a call is held back this long (frames) for a voice that sounds like
# yours before it is given to them: a seller usually opens the call, and a print enrolled from a few
# sentences can take several seconds to recognise (MEE009 of ami_dev00: 7 s of their own opening
# turn went to "them"). Only the first seconds of a call wait longer; a customer who opens it is
# theirs once the hold runs out.
OPENING_HOLD_FRAMES = 400
ONE_VOICE_CLOSENESS = 0.91  # two groups whose centres are this close are one voice

ENROLMENT_SENTENCES = (
    "Thanks for making the time today; I'd like to understand what matters most to you.",
    "Before we look at any product, tell me how your team handles this at the moment.",
    "What would have to change for this quarter to count as a success?",
    "If we could fix one thing for your customers tomorrow, which would it be, and why?",
    "Let's agree on the next step together and put a date on it before we hang up.",
)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


@dataclass(frozen=True)
class VoicePrint:
    """Your voice as the mean embedding of what you read at enrolment. Stays on this machine."""

    vector: np.ndarray
    speech_seconds: float

    def save(self, path: Path) -> None:
        make_private_folder(path.parent)
        data = {
            "encoder": VOICE_ENCODER_NAME,
            "vector": self.vector.tolist(),
            "speech_seconds": self.speech_seconds,
        }
        # Created readable by you alone, never for a moment by anyone else.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(data, out)
        path.chmod(0o600)  # an older file may have been created with wider permissions

    @classmethod
    def load(cls, path: Path) -> VoicePrint:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            vector = np.asarray(data["vector"], dtype=np.float64)
            seconds = float(data["speech_seconds"])
            encoder = data.get("encoder")
        except FileNotFoundError:
            raise ModelError("No voice is enrolled yet: read the enrolment sentences first.") from None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"The enrolled voice at {path} is damaged ({exc}); enrol again.") from None
        if encoder != VOICE_ENCODER_NAME:
            raise ModelError(
                "Your voice was enrolled with an earlier version of SalesMirror; please enrol again."
            )
        return cls(vector, seconds)


class VoicesHeard(Enum):
    """What single-microphone attribution has found in the call so far, said on screen."""

    NOT_YET = "not yet"  # too little speech to tell
    ONLY_THEIRS = "only theirs"  # nothing so far sounds like your enrolled voice
    ONLY_YOURS = "only yours"
    YOURS_AND_ANOTHER = "yours and another"


def speech_frames(audio: np.ndarray) -> list[bool]:
    """Bridged voice activity of a whole recording, one decision per 20 ms frame."""
    activity = ChannelActivity()
    frames: list[bool] = []
    for at in range(0, audio.size, 960):
        frames += activity.feed(audio[at : at + 960])
    return frames + activity.flush()


def enroll(encoder: VoiceEncoder, audio: np.ndarray) -> VoicePrint:
    """A voice print from a recording of you reading (the enrolment sentences, ideally)."""
    frames = speech_frames(audio)
    seconds = sum(frames) * FRAME_SAMPLES / SAMPLE_RATE
    if seconds < MIN_ENROLMENT_S:
        raise ModelError(
            f"Only {seconds:.0f} s of speech was heard; please read all the sentences "
            f"(at least {MIN_ENROLMENT_S:.0f} s)."
        )
    speech = np.concatenate(
        [audio[i * FRAME_SAMPLES : (i + 1) * FRAME_SAMPLES] for i, speaking in enumerate(frames) if speaking]
    )
    size, step = WINDOW_FRAMES * FRAME_SAMPLES, WINDOW_FRAMES * FRAME_SAMPLES // 2
    windows = [speech[at : at + size] for at in range(0, speech.size - size + 1, step)]
    vectors = encoder.embed_windows(windows)
    return VoicePrint(_unit(vectors.mean(axis=0).astype(np.float64)), seconds)


class VoiceAttribution:
    """(you, them) for each 20 ms frame of one microphone's audio, in order, a few seconds behind.

    Fed the audio and its voice-activity decisions as they come; not thread-safe (one worker
    owns it). Frames of silence come out as (False, False); the figures never count a moment twice.
    With `whole_call` (a recording, not a live call) nothing comes out until finish(), and every
    frame is judged with both voices fitted to the whole call.
    """

    def __init__(self, encoder: VoiceEncoder, voice: VoicePrint, *, whole_call: bool = False) -> None:
        self._encoder = encoder
        self._voice = voice.vector.astype(np.float32)
        self._audio = np.zeros(0, dtype=np.int16)
        self._audio_from = 0  # the frame self._audio starts at
        self._speaking = bytearray()  # every decision from frame self._speaking_from on
        self._speaking_from = 0
        self._next_window = 0  # first frame of the next window to consider
        self._whole_call = whole_call
        memory = None if whole_call else MEMORY_WINDOWS
        self._windows: deque[tuple[int, np.ndarray]] = deque(maxlen=memory)  # (centre, vector)
        self._pending: list[int] = []  # first frames of windows waiting to be embedded
        self._batch = RECORDING_BATCH if whole_call else LIVE_BATCH
        self._you = self._voice
        self._them: np.ndarray | None = None
        self._voices = VoicesHeard.NOT_YET
        self._holding_opening = not whole_call
        self._released = 0
        self._last_mine = True

    def feed(self, samples: np.ndarray, decisions: list[bool]) -> list[tuple[bool, bool]]:
        self._audio = np.concatenate((self._audio, samples.astype(np.int16)))
        self._speaking.extend(decisions)
        self._embed_ready_windows(final=False)
        if self._whole_call:
            self._forget()
            return []
        opening = self._speaking_from + len(self._speaking) < OPENING_HOLD_FRAMES
        self._holding_opening = opening and self._voices in (VoicesHeard.NOT_YET, VoicesHeard.ONLY_THEIRS)
        if self._holding_opening:  # nothing sounds like you yet: speech waits for your voice
            return self._release(judged_before=self._released)
        return self._release(judged_before=self._pending[0] if self._pending else self._next_window)

    @property
    def voices(self) -> VoicesHeard:
        """What the call so far holds, as said on screen: while the opening waits for your voice,
        nothing has been given to them yet, so 'not yet' rather than 'only theirs'."""
        return VoicesHeard.NOT_YET if self._holding_opening else self._voices

    def finish(self) -> list[tuple[bool, bool]]:
        """Everything still held back, judged with what is known."""
        self._embed_ready_windows(final=True)
        self._holding_opening = False
        return self._release(judged_before=self._speaking_from + len(self._speaking))

    def _heard(self) -> int:
        audio_end = self._audio_from + self._audio.size // FRAME_SAMPLES
        return min(audio_end, self._speaking_from + len(self._speaking))

    def _embed_ready_windows(self, final: bool) -> None:
        heard = self._heard()
        while self._next_window + WINDOW_FRAMES <= heard or (final and self._next_window < heard):
            first = self._next_window
            end = min(first + WINDOW_FRAMES, heard)
            share = (
                sum(self._speaking[first - self._speaking_from : end - self._speaking_from]) / WINDOW_FRAMES
            )
            if share >= MIN_SPEECH_SHARE:
                self._pending.append(first)
            self._next_window += HOP_FRAMES
        if len(self._pending) >= self._batch or (final and self._pending):
            windows = [self._window_audio(first) for first in self._pending]
            for first, vector in zip(self._pending, self._encoder.embed_windows(windows), strict=True):
                self._windows.append((first + WINDOW_FRAMES // 2, vector))
            self._pending.clear()
            if not self._whole_call:
                self._fit()
        if final:
            self._fit()

    def _window_audio(self, first: int) -> np.ndarray:
        start = (first - self._audio_from) * FRAME_SAMPLES
        audio = self._audio[start : start + WINDOW_FRAMES * FRAME_SAMPLES]
        short = WINDOW_FRAMES * FRAME_SAMPLES - audio.size
        return np.pad(audio, (0, short)) if short > 0 else audio  # the last window of a call

    def _fit(self) -> None:
        """Two voices, yours anchored to the enrolled print, theirs learnt from the call; or one,
        when the call so far holds only one."""
        if not self._windows:
            return
        vectors = np.stack([vector for _, vector in self._windows])
        if len(vectors) < 2:
            return
        likeness = vectors @ self._voice
        if np.count_nonzero(likeness >= ONE_VOICE_LIKENESS) < MIN_YOUR_WINDOWS:
            # Nothing yet sounds like you (the customer opened the call): theirs is all there is.
            self._you, self._them = self._voice, _unit(vectors.mean(axis=0))
            self._voices = VoicesHeard.ONLY_THEIRS
            return
        seed = np.argsort(likeness)[: max(1, int(len(vectors) * THEM_SEED_SHARE))]
        you, them = self._voice, _unit(vectors[seed].mean(axis=0))
        for _ in range(FIT_ROUNDS):
            mine = vectors @ you >= vectors @ them
            if mine.all() or not mine.any():
                break
            them = _unit(vectors[~mine].mean(axis=0))
            you = _unit(self._voice + vectors[mine].mean(axis=0))
        mine = vectors @ you >= vectors @ them
        if self._is_one_voice(likeness[~mine], float(you @ them)):
            self._you, self._them = self._voice, None
            self._voices = VoicesHeard.ONLY_YOURS
        else:
            self._you, self._them = you, them
            self._voices = VoicesHeard.YOURS_AND_ANOTHER

    @staticmethod
    def _is_one_voice(their_likeness: np.ndarray, closeness: float) -> bool:
        """Does the "them" group fail to be a second person? Too few windows, too like your print
        on average, or a centre too close to yours: any one is enough."""
        return (
            their_likeness.size < MIN_THEM_WINDOWS
            or float(their_likeness.mean()) >= ONE_VOICE_LIKENESS
            or closeness >= ONE_VOICE_CLOSENESS
        )

    def _release(self, judged_before: int) -> list[tuple[bool, bool]]:
        """Frames in order: speech once every window near it is embedded, pauses at once."""
        first, heard = self._released, self._speaking_from + len(self._speaking)
        speaking = np.frombuffer(self._speaking, dtype=np.uint8)[first - self._speaking_from :].astype(bool)
        stop = heard
        if judged_before < heard:  # up to the first speech frame that still waits for windows
            waiting = np.flatnonzero(speaking[max(0, judged_before - first) :])
            if waiting.size:
                stop = max(judged_before, first) + int(waiting[0])
        speaking = speaking[: stop - first]
        nearby: list[tuple[int, np.ndarray]] = []
        for centre, vector in reversed(self._windows):  # newest first; older ones are settled
            if centre < first - 2 * REACH_FRAMES:
                break
            nearby.append((centre, vector))
        centres = np.array([c for c, _ in nearby], dtype=np.int64)
        scores = self._scores(np.stack([v for _, v in nearby])) if nearby else np.zeros(0)
        mine = self._judge(first, speaking, centres, scores)
        self._released = stop
        self._forget()
        return [(bool(m), bool(s and not m)) for m, s in zip(mine & speaking, speaking, strict=True)]

    def _scores(self, vectors: np.ndarray) -> np.ndarray:
        if self._them is None:
            return np.ones(len(vectors))  # nobody else heard yet: you
        scores: np.ndarray = vectors @ self._you - vectors @ self._them
        return scores

    def _judge(self, first: int, speaking: np.ndarray, centres: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Is each frame from `first` on yours? The windows centred within REACH_FRAMES of a frame
        vote, the nearer the louder; failing those, the nearest window within twice that; failing
        that, the frame goes with the speech before it. Linear in frames and windows."""
        count = speaking.size
        mine = np.zeros(count, dtype=bool)
        if count == 0:
            return mine
        decided = np.zeros(count, dtype=bool)
        if centres.size:
            # Triangular weights as a convolution of the windows' scores laid out on the frames.
            pad = REACH_FRAMES
            inside = (centres >= first - pad) & (centres < first + count + pad)
            at = centres[inside] - first + pad
            votes, voters = np.zeros(count + 2 * pad), np.zeros(count + 2 * pad)
            np.add.at(votes, at, scores[inside])
            np.add.at(voters, at, 1.0)
            kernel = (REACH_FRAMES + 1 - np.abs(np.arange(-REACH_FRAMES, REACH_FRAMES + 1))).astype(
                np.float64
            )
            weighted = np.convolve(votes, kernel, mode="same")[pad : pad + count]
            weight = np.convolve(voters, kernel, mode="same")[pad : pad + count]
            decided = weight > 0
            mine[decided] = weighted[decided] >= 0
            order = np.argsort(centres, kind="stable")
            ordered = centres[order]
            frames = np.arange(first, first + count)
            right = np.clip(np.searchsorted(ordered, frames), 0, ordered.size - 1)
            left = np.clip(right - 1, 0, ordered.size - 1)
            nearest = np.where(np.abs(ordered[right] - frames) <= np.abs(ordered[left] - frames), right, left)
            distance = np.abs(ordered[nearest] - frames)
            fallback = ~decided & (distance <= 2 * REACH_FRAMES)
            mine[fallback] = scores[order[nearest[fallback]]] >= 0
            decided |= fallback
        # Speech with no window in reach goes with the speech before it.
        carried = self._last_mine
        for index in np.flatnonzero(speaking):
            if decided[index]:
                carried = bool(mine[index])
            else:
                mine[index] = carried
        self._last_mine = carried
        return mine

    def _forget(self) -> None:
        """Drop audio and decisions no window will need again (a recording keeps every decision,
        one byte a frame, since finish() judges every frame; its audio is dropped all the same)."""
        next_needed = self._pending[0] if self._pending else self._next_window
        keep = next_needed if self._whole_call else min(next_needed, self._released)
        if keep > self._audio_from:
            self._audio = self._audio[(keep - self._audio_from) * FRAME_SAMPLES :]
            self._audio_from = keep
        if not self._whole_call and keep > self._speaking_from:
            del self._speaking[: keep - self._speaking_from]
            self._speaking_from = keep


def attribute_single_microphone(
    blocks: Iterable[np.ndarray], encoder: VoiceEncoder, voice: VoicePrint
) -> list[tuple[bool, bool]]:
    """(you, them) per 20 ms frame of a recording in which one microphone hears both sides, given
    as blocks of audio in order (a file is streamed, never held whole)."""
    attribution = VoiceAttribution(encoder, voice, whole_call=True)
    activity = ChannelActivity()
    for samples in blocks:
        attribution.feed(samples, activity.feed(samples))
    attribution.feed(np.zeros(0, dtype=np.int16), activity.flush())
    return attribution.finish()

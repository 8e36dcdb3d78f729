"""Live single-microphone attribution: the one channel's speech, judged window by window against
your enrolled voice in a worker thread, released to the coaching session in order.

Frames of silence pass straight through; frames of speech wait until the window holding them has
been judged (about 3 s plus the time to compute an x-vector), so this mode's figures run a few
seconds behind the call. The Qt-free session sees the usual (you, them) pairs.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from salesmirror.coaching.voice_activity import FRAME_SAMPLES
from salesmirror.speech.model_folder import ModelError
from salesmirror.speech.speaker_id import DEFAULT_THRESHOLD, WINDOW_S, VoiceEmbedder, VoicePrint

_WINDOW_FRAMES = round(WINDOW_S / 0.02)


@dataclass(frozen=True, slots=True)
class SingleMicrophoneSetup:
    """What live single-microphone attribution needs: a way to build the embedder (in the
    worker's thread, where it is used), your enrolled voice, and the decision threshold."""

    embedder_factory: Callable[[], VoiceEmbedder]
    voice: VoicePrint
    threshold: float = DEFAULT_THRESHOLD


class JudgeDone:
    """Sent by the judging worker once every window it was given has been judged."""


@dataclass(frozen=True, slots=True)
class WindowJudged:
    """Sent by the judging worker: window `window_id` is yours (True), theirs, or unmeasurable."""

    window_id: int
    mine: bool | None


class SingleMicrophoneAttributor:
    """Cuts the microphone's bridged speech into windows and releases frames once judged."""

    def __init__(self, judge: Callable[[int, np.ndarray], None]) -> None:
        self._judge = judge
        self._audio = np.zeros(0, dtype=np.int16)  # samples from frame `_audio_from` on
        self._audio_from = 0
        self._frames: deque[bool] = deque()  # decisions from frame `_released` on
        self._released = 0
        self._window_of: dict[int, int] = {}  # first frame of each window -> window id
        self._windows: dict[int, tuple[int, int]] = {}
        self._labels: dict[int, bool | None] = {}
        self._run_start: int | None = None
        self._last_label = True

    def add_audio(self, samples: np.ndarray) -> None:
        self._audio = np.concatenate((self._audio, samples))

    def add_decisions(self, decisions: list[bool]) -> list[tuple[bool, bool]]:
        for speaking in decisions:
            index = self._released + len(self._frames)
            self._frames.append(speaking)
            if speaking and self._run_start is None:
                self._run_start = index
            elif not speaking and self._run_start is not None:
                self._cut(self._run_start, index)
                self._run_start = None
            if self._run_start is not None and index + 1 - self._run_start >= _WINDOW_FRAMES:
                self._cut(self._run_start, index + 1)
                self._run_start = index + 1
        return self._release()

    def judged(self, verdict: WindowJudged) -> list[tuple[bool, bool]]:
        self._labels[verdict.window_id] = verdict.mine
        return self._release()

    def finish(self) -> list[tuple[bool, bool]]:
        if self._run_start is not None:
            self._cut(self._run_start, self._released + len(self._frames))
            self._run_start = None
        return self._release()

    def _cut(self, first: int, end: int) -> None:
        if end <= first:
            return
        window_id = len(self._windows)
        self._windows[window_id] = (first, end)
        self._window_of[first] = window_id
        start = (first - self._audio_from) * FRAME_SAMPLES
        self._judge(window_id, self._audio[start : (end - self._audio_from) * FRAME_SAMPLES].copy())

    def _release(self) -> list[tuple[bool, bool]]:
        out: list[tuple[bool, bool]] = []
        current: bool | None = None
        while self._frames:
            index = self._released
            if self._frames[0]:
                window_id = self._window_containing(index)
                if window_id is None or window_id not in self._labels:
                    break  # still speaking, or the window is being judged
                label = self._labels[window_id]
                current = self._last_label if label is None else label
                if index + 1 == self._windows[window_id][1]:
                    self._last_label = current
                out.append((current, not current))
            else:
                out.append((False, False))
            self._frames.popleft()
            self._released += 1
        self._forget_audio()
        return out

    def _window_containing(self, index: int) -> int | None:
        for window_id in range(len(self._windows) - 1, -1, -1):
            first, end = self._windows[window_id]
            if first <= index < end:
                return window_id
            if end <= index:
                return None
        return None

    def _forget_audio(self) -> None:
        keep_from = self._run_start if self._run_start is not None else self._released
        drop = max(0, keep_from - self._audio_from)
        if drop:
            self._audio = self._audio[drop * FRAME_SAMPLES :]
            self._audio_from += drop


class VoiceJudge:
    """The worker that computes x-vectors and compares them with your voice, off the analysis
    thread (an x-vector costs about a third of the window's duration on two cores)."""

    def __init__(self, setup: SingleMicrophoneSetup, emit: Callable[[object], None]) -> None:
        self._factory = setup.embedder_factory
        self._voice = setup.voice
        self._threshold = setup.threshold
        self._emit = emit
        self._queue: queue.SimpleQueue[tuple[int, np.ndarray] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="voice-judge")

    def start(self) -> None:
        self._thread.start()

    def judge(self, window_id: int, audio: np.ndarray) -> None:
        self._queue.put((window_id, audio))

    def stop(self) -> None:
        self._queue.put(None)

    def join(self) -> None:
        self._thread.join()

    def _run(self) -> None:
        try:
            embedder = self._factory()
        except ModelError as exc:
            self._emit(exc)
            embedder = None
        while (item := self._queue.get()) is not None:
            window_id, audio = item
            vector = embedder.embed(audio) if embedder is not None else None
            mine = None if vector is None else self._voice.similarity(vector) >= self._threshold
            self._emit(WindowJudged(window_id, mine))
        self._emit(JudgeDone())

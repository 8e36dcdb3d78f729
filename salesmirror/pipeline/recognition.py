"""Recognition workers: one thread per channel, fed blocks through a queue, sharing one model."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.events import Speaker
from salesmirror.model_files import ModelError
from salesmirror.pipeline.speech_gate import EndOfTurn, GateOutput, ResumeAt
from salesmirror.speech.model_folder import load_model
from salesmirror.speech.recognizer import ChannelRecognizer, RecognitionEvent

_END = object()
# Live, a recogniser may fall this far behind (a busy machine, a model still loading) before audio
# is skipped; past the second figure it stops giving partial results until it has caught up.
LIVE_BACKLOG_S = 60.0
_PARTIALS_BACKLOG_S = 2.0


class SharedModel:
    """Loads a model once, in its own thread, for every recogniser of every call to wait on.

    The app starts loading its model at launch (or when one is chosen) and shares it with each
    call; a call that starts before it is ready keeps its audio in the recognisers' queues
    meanwhile, so the first words are not lost.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = threading.Event()
        self.model: Any = None
        self.error: str | None = None
        self._thread = threading.Thread(target=self._load, name="model-loader", daemon=True)
        self._starting = threading.Lock()

    def start(self) -> None:
        """Begin loading, once; later calls do nothing."""
        with self._starting:
            if not self._thread.is_alive() and not self._ready.is_set():
                self._thread.start()

    def _load(self) -> None:
        try:
            self.model = load_model(self.path)
        except ModelError as exc:
            self.error = str(exc)
        except Exception as exc:  # out of memory, a broken library: said, never a silent wait
            self.error = f"The speech model in {self.path} could not be loaded ({exc})."
        finally:
            self._ready.set()

    def wait(self) -> Any:
        self._ready.wait()
        return self.model


class RecognitionWorker:
    """Owns one channel's recogniser; results go to `emit` from this worker's thread."""

    def __init__(
        self,
        speaker: Speaker,
        model: SharedModel,
        emit: Callable[[WorkerMessage], None],
        max_queued_blocks: int = 0,
        live_backlog_s: float = LIVE_BACKLOG_S,
    ) -> None:
        self.speaker = speaker
        self._model = model
        self._emit = emit
        # Flat out, the queue is bounded and the caller waits; live, nobody may wait, so the
        # backlog is bounded by skipping audio instead (and saying so).
        self._live = max_queued_blocks == 0
        self._queue: queue.Queue[Any] = queue.Queue(max_queued_blocks)
        self._backlog_limit = round(live_backlog_s * SAMPLE_RATE)
        # Samples queued and samples recognised: each counter is written by one thread only.
        self._queued_total = 0
        self._done_total = 0
        self._position_s = 0.0  # session time of the end of what was given to feed()
        self._skipping = False
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"recognizer-{speaker}")

    def start(self) -> None:
        self._thread.start()

    def feed(self, item: GateOutput) -> None:
        """Queue a block (or a gap, or a turn's end); blocks the caller only when a bound was set
        (flat-out file analysis). Live, audio beyond the backlog limit is skipped: the utterance
        in progress is closed, and recognition resumes where the audio does."""
        if self._cancelled.is_set():
            return
        if isinstance(item, ResumeAt):
            self._position_s = item.session_s
        elif isinstance(item, np.ndarray):
            self._position_s += item.size / SAMPLE_RATE
            if self._live and self._backlog + item.size > self._backlog_limit:
                if not self._skipping:  # said once an episode, as it starts
                    self._emit(RecognitionSkipped(self.speaker))
                self._skipping = True
                return
            if self._skipping:
                self._queue.put(EndOfTurn())
                self._queue.put(ResumeAt(self._position_s - item.size / SAMPLE_RATE))
                self._skipping = False
            self._queued_total += item.size
        self._queue.put(item)

    @property
    def _backlog(self) -> int:
        """Samples queued but not yet recognised."""
        return self._queued_total - self._done_total

    @property
    def backlog_s(self) -> float:
        return self._backlog / SAMPLE_RATE

    def end(self) -> None:
        self._queue.put(_END)

    def cancel(self) -> None:
        """Drop queued audio and finish soon (stop pressed or window closed)."""
        self._cancelled.set()
        self._queue.put(_END)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        recognizer = self._make_recognizer()
        while True:
            item = self._queue.get()
            if item is _END:
                break
            if recognizer is None or self._cancelled.is_set():
                if isinstance(item, np.ndarray):
                    self._done_total += item.size
                continue
            try:
                self._recognise(recognizer, item)
            except Exception as exc:  # a damaged model can fail mid-call: say so, drain the rest
                self._emit(ModelError(f"Speech recognition stopped on the {self.speaker} side ({exc})."))
                recognizer = None
        if recognizer is not None:
            try:
                self._send(recognizer.finish())
            except Exception as exc:
                self._emit(ModelError(f"Speech recognition stopped on the {self.speaker} side ({exc})."))
        self._emit(RecognizerDone(self.speaker))

    def _make_recognizer(self) -> ChannelRecognizer | None:
        """The channel's recogniser, or None (and said why) when the model cannot make one: a
        damaged model passes the folder check and loads, then fails here."""
        model = self._model.wait()
        if model is None:
            return None
        try:
            return ChannelRecognizer(model, self.speaker)
        except Exception as exc:
            self._emit(
                ModelError(
                    f"The speech model in {self._model.path} could not recognise speech ({exc}); "
                    "it may be damaged: download it again in the model manager. Running on talk time only."
                )
            )
            return None

    def _recognise(self, recognizer: ChannelRecognizer, item: object) -> None:
        if isinstance(item, ResumeAt):
            recognizer.resume_at(item.session_s)
        elif isinstance(item, EndOfTurn):
            self._send(recognizer.end_utterance())
        elif isinstance(item, np.ndarray):
            self._done_total += item.size
            behind = self._backlog > _PARTIALS_BACKLOG_S * SAMPLE_RATE
            self._send(recognizer.accept(item, partials=not behind))

    def _send(self, events: list[RecognitionEvent]) -> None:
        for event in events:
            self._emit(event)


class RecognitionSkipped:
    """A live recogniser fell so far behind that it began skipping one side's speech."""

    def __init__(self, speaker: Speaker) -> None:
        self.speaker = speaker

    def __str__(self) -> str:
        side = "your" if self.speaker is Speaker.YOU else "their"
        return (
            f"The computer is too busy to recognise every word: some of {side} speech is being "
            "skipped, so the transcript has gaps. Talk time is not affected."
        )


class RecognizerDone:
    """Sent by a recognition worker once it has delivered everything it will."""

    def __init__(self, speaker: Speaker) -> None:
        self.speaker = speaker


# What a recognition worker sends the analysis worker.
WorkerMessage = RecognitionEvent | ModelError | RecognitionSkipped | RecognizerDone

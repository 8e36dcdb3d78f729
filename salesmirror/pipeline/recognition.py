"""Recognition workers: one thread per channel, fed blocks through a queue, sharing one model."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from salesmirror.coaching.events import Speaker
from salesmirror.speech.model_folder import ModelError, load_model
from salesmirror.speech.recognizer import ChannelRecognizer, RecognitionEvent

_END = object()


class SharedModel:
    """Loads the model once, in its own thread, for every channel's recogniser to wait on.

    Capture starts before the model is ready; the recognisers' queues hold the audio meanwhile, so
    the first words are not lost.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = threading.Event()
        self.model: Any = None
        self.error: str | None = None
        self._thread = threading.Thread(target=self._load, name="model-loader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _load(self) -> None:
        try:
            self.model = load_model(self.path)
        except ModelError as exc:
            self.error = str(exc)
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
        emit: Callable[[object], None],
        max_queued_blocks: int = 0,
    ) -> None:
        self.speaker = speaker
        self._model = model
        self._emit = emit
        self._queue: queue.Queue[Any] = queue.Queue(max_queued_blocks)
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"recognizer-{speaker}")

    def start(self) -> None:
        self._thread.start()

    def feed(self, samples: np.ndarray) -> None:
        """Queue a block; blocks the caller only when a bound was set (flat-out file analysis)."""
        if not self._cancelled.is_set():
            self._queue.put(samples)

    def end(self) -> None:
        self._queue.put(_END)

    def cancel(self) -> None:
        """Drop queued audio and finish soon (stop pressed or window closed)."""
        self._cancelled.set()
        self._queue.put(_END)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        model = self._model.wait()
        recognizer = ChannelRecognizer(model, self.speaker) if model is not None else None
        while True:
            item = self._queue.get()
            if item is _END:
                break
            if recognizer is not None and not self._cancelled.is_set():
                self._send(recognizer.accept(item))
        if recognizer is not None:
            self._send(recognizer.finish())
        self._emit(RecognizerDone(self.speaker))

    def _send(self, events: list[RecognitionEvent]) -> None:
        for event in events:
            self._emit(event)


class RecognizerDone:
    """Sent by a recognition worker once it has delivered everything it will."""

    def __init__(self, speaker: Speaker) -> None:
        self.speaker = speaker

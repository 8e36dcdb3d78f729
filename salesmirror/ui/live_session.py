"""The Qt face of a running call: pipeline events become queued signals on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from salesmirror.audio.source import AudioSource
from salesmirror.coaching.events import Nudge, PartialText, Utterance
from salesmirror.coaching.session import CoachSettings
from salesmirror.pipeline.call_pipeline import CallPipeline, Snapshot


class LiveSession(QObject):
    """Starts and stops calls; the listener methods run on the analysis worker and only emit.

    Signals cross to the GUI thread as queued events, so a nudge is on screen as soon as the GUI
    thread is free, without waiting for the 10 Hz refresh that feeds the gauge.
    """

    nudge = Signal(object)
    utterance = Signal(object)
    partial = Signal(object)
    problem = Signal(str)
    finished = Signal()

    def __init__(
        self,
        make_sources: Callable[[], list[AudioSource]],
        coach_settings: Callable[[], CoachSettings],
        model_path: Callable[[], Path | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._make_sources = make_sources
        self._coach_settings = coach_settings
        self._model_path = model_path
        self.pipeline: CallPipeline | None = None

    @property
    def running(self) -> bool:
        return self.pipeline is not None and not self.pipeline.finished.is_set()

    def start(self) -> None:
        """Start a new call; raises AudioUnavailableError (or OSError) when capture cannot start."""
        if self.running:
            return
        pipeline = CallPipeline(self._make_sources(), self, self._coach_settings(), self._model_path())
        pipeline.start()
        self.pipeline = pipeline

    def stop(self) -> None:
        """Never blocks: the workers wind down and `finished` follows."""
        if self.pipeline is not None:
            self.pipeline.stop()

    def snapshot(self) -> Snapshot | None:
        return self.pipeline.latest() if self.pipeline is not None else None

    # PipelineListener, called on the analysis worker thread.
    def on_nudge(self, nudge: Nudge) -> None:
        self.nudge.emit(nudge)

    def on_utterance(self, utterance: Utterance) -> None:
        self.utterance.emit(utterance)

    def on_partial(self, partial: PartialText) -> None:
        self.partial.emit(partial)

    def on_problem(self, message: str) -> None:
        self.problem.emit(message)

    def on_finished(self) -> None:
        self.finished.emit()

"""The Qt face of a running call: pipeline events become queued signals on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from salesmirror.events import Nudge, PartialText, Utterance
from salesmirror.pipeline.call_pipeline import CallPipeline, PipelineListener, Snapshot
from salesmirror.ui.gui_inbox import GuiInbox


class LiveSession(QObject):
    """Starts and stops calls. The listener methods run on the analysis worker and only post to
    the GUI inbox; the signals are emitted on the GUI thread as soon as the inbox hands them over,
    so a nudge is on screen without waiting for the 10 Hz refresh of the gauge."""

    nudge = Signal(object)
    utterance = Signal(object)
    partial = Signal(object)
    problem = Signal(str)
    finished = Signal()

    def __init__(
        self, make_pipeline: Callable[[PipelineListener], CallPipeline], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._make_pipeline = make_pipeline
        self.pipeline: CallPipeline | None = None
        self._inbox = GuiInbox(self)
        self._call = 0  # which call's events are current; a failed or older call's are dropped
        self.finished.connect(self._inbox.stop)

    @property
    def running(self) -> bool:
        return self.pipeline is not None and not self.pipeline.finished.is_set()

    def start(self) -> None:
        """Start a new call; raises AudioUnavailableError (or OSError) when capture cannot start."""
        if self.running:
            return
        self._call += 1
        pipeline = self._make_pipeline(_CallRelay(self, self._call))
        self._inbox.start()
        try:
            pipeline.start()
        except Exception:
            # Its workers still wind down and say 'finished': numbered, that news is dropped
            # instead of ending the next call.
            self._call += 1
            self._inbox.stop()
            raise
        self.pipeline = pipeline

    def stop(self) -> None:
        """Never blocks: the workers wind down and `finished` follows."""
        if self.pipeline is not None:
            self.pipeline.stop()

    def forget(self) -> None:
        """Stop the call and let go of it: its figures are no longer this session's to show
        (leaving the demo), and what its workers still say as they wind down is dropped."""
        self.stop()
        self._call += 1
        self.pipeline = None
        self._inbox.stop()

    def snooze(self, seconds: float | None) -> None:
        """Silence nudges for `seconds` of this call, or (None) let them through again."""
        if self.pipeline is not None:
            self.pipeline.snooze(seconds)

    @property
    def keeps_audio(self) -> bool:
        """Is the running call's audio being kept? (Shown plainly while it is.)"""
        journal = self.pipeline.journal if self.pipeline is not None else None
        return self.running and journal is not None and journal.keeps_audio

    @property
    def last_session_id(self) -> int | None:
        """The stored session of the current or last call, once its journal has created it."""
        journal = self.pipeline.journal if self.pipeline is not None else None
        return journal.session_id if journal is not None else None

    def save_outcome(self) -> tuple[bool, str] | None:
        """After a call: (was all of it kept, what was kept in words); None when not saving."""
        journal = self.pipeline.journal if self.pipeline is not None else None
        return None if journal is None else (journal.complete, journal.outcome())

    def snapshot(self) -> Snapshot | None:
        return self.pipeline.latest() if self.pipeline is not None else None

    def _deliver(self, call: int, signal: Callable[..., None], *args: object) -> None:
        """GUI thread: emit one call's event, unless a newer call has begun since."""
        if call == self._call:
            signal(*args)


class _CallRelay:
    """The PipelineListener of one call, on its analysis worker: posts to the GUI inbox, tagged
    with the call's number, and never touches Qt."""

    def __init__(self, session: LiveSession, call: int) -> None:
        self._session, self._call = session, call

    def _post(self, signal: Callable[..., None], *args: object) -> None:
        self._session._inbox.post(self._session._deliver, self._call, signal, *args)

    def on_nudge(self, nudge: Nudge) -> None:
        self._post(self._session.nudge.emit, nudge)

    def on_utterance(self, utterance: Utterance) -> None:
        self._post(self._session.utterance.emit, utterance)

    def on_partial(self, partial: PartialText) -> None:
        self._post(self._session.partial.emit, partial)

    def on_problem(self, message: str) -> None:
        self._post(self._session.problem.emit, message)

    def on_finished(self) -> None:
        self._post(self._session.finished.emit)

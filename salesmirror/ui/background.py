"""Runs one slow job (a download, a catalogue fetch) off the GUI thread and reports back by signal."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, SignalInstance


class BackgroundTask(QObject):
    """`job(report)` runs on a worker thread; `report(x)` emits `progress(x)` on the GUI thread.

    `succeeded`/`failed` arrive as queued signals; exceptions of the expected types become a
    message for the user, anything else is re-raised in the worker (a bug, not a user error).
    """

    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        job: Callable[[Callable[[object], None]], object],
        expected_errors: tuple[type[BaseException], ...],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._job = job
        self._expected = expected_errors
        self._thread = threading.Thread(target=self._run, name="background-task", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            result = self._job(self._report)
        except self._expected as exc:
            self._emit(self.failed, str(exc))
        else:
            self._emit(self.succeeded, result)

    def _report(self, value: object) -> None:
        self._emit(self.progress, value)

    @staticmethod
    def _emit(signal: SignalInstance, value: object) -> None:
        # RuntimeError: the dialog that asked was closed meanwhile, so there is nobody to tell.
        with contextlib.suppress(RuntimeError):
            signal.emit(value)

"""Runs one slow job (a download, a catalogue fetch) off the GUI thread and reports back by signal."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, SignalInstance

from salesmirror.ui.gui_inbox import GuiInbox


class BackgroundTask(QObject):
    """`job(report)` runs on a worker thread; `report(x)` emits `progress(x)` on the GUI thread.

    `succeeded`/`failed` are emitted on the GUI thread through a `GuiInbox`; exceptions of the
    expected types become the user's message as they are. Anything else is a bug, but the dialog
    waiting on the job must still hear that it ended, or it stays busy for ever: it fails with
    a plain sentence, and the traceback goes to standard error for a bug report.
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
        self._inbox = GuiInbox(self)

    def start(self) -> None:
        self._inbox.start()
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            result = self._job(self._report)
        except self._expected as exc:
            self._inbox.post(self._finish, self.failed, str(exc))
        except Exception as exc:
            traceback.print_exception(exc)  # the detail, for a bug report
            self._inbox.post(
                self._finish, self.failed, f"Something unexpected went wrong ({type(exc).__name__}: {exc})."
            )
        else:
            self._inbox.post(self._finish, self.succeeded, result)

    def _report(self, value: object) -> None:
        self._inbox.post(self.progress.emit, value)

    def _finish(self, signal: SignalInstance, value: object) -> None:
        self._inbox.stop()
        signal.emit(value)

"""Carries events from worker threads to the GUI thread, so that only the GUI thread touches Qt.

Workers are plain Python threads (the core has no Qt); emitting Qt signals from them relies on
PySide's cross-thread machinery, which has had reference-counting bugs for threads Qt did not
create (PYSIDE-3124). Instead, workers put (handler, arguments) into a thread-safe queue and a
GUI-thread timer drains it every 25 ms: a nudge is on screen within one tick, inside the 50 ms
budget, and the thread boundary is one visible line of code. Workers never touch a Qt object, so
one that outlives its window cannot reach a deleted one. (Each tick wakes the whole event loop:
at 15 ms the ticks alone cost a live call about 0.7 % of a core more than at 50 ms.)
"""

from __future__ import annotations

import queue
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

DRAIN_EVERY_MS = 25


class GuiInbox(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = DRAIN_EVERY_MS) -> None:
        super().__init__(parent)
        self._queue: queue.SimpleQueue[tuple[Callable[..., None], tuple[object, ...]]] = queue.SimpleQueue()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.drain)

    def post(self, handler: Callable[..., None], *args: object) -> None:
        """Any thread: run `handler(*args)` on the GUI thread at the next tick."""
        self._queue.put((handler, args))

    def drain(self) -> None:
        """GUI thread: run everything posted so far, in order."""
        while True:
            try:
                handler, args = self._queue.get_nowait()
            except queue.Empty:
                return
            handler(*args)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.drain()

"""Carries events from worker threads to the GUI thread, so that only the GUI thread touches Qt.

Workers are plain Python threads (the core has no Qt); emitting Qt signals from them relies on
PySide's cross-thread machinery, which has had reference-counting bugs for threads Qt did not
create (PYSIDE-3124). Instead, workers put (handler, arguments) into a thread-safe queue, and a
relay thread that Qt did create (a QThread) waits on that queue and emits one queued signal per
batch: the GUI thread runs the handlers as soon as its event loop is free, and is not woken at
all while nothing arrives. (An earlier version polled the queue from a 25 ms timer: those 40
wake-ups a second cost a live call about 0.6 % of a core while a nudge waited up to one tick.)
Workers never touch a Qt object, so one that outlives its window cannot reach a deleted one.
"""

from __future__ import annotations

import atexit
import queue
import threading
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

_Posted = tuple[Callable[..., None], tuple[object, ...]]
_STOP = object()  # put in a relay's queue: it hands over what came before and ends

# Relays still running. A QThread destroyed while it runs aborts the process, so every relay is
# held here until it ends, and the ones an owner never stopped are ended before Python exits.
_running: set[_Relay] = set()
_running_lock = threading.Lock()


class _Relay(QThread):
    """Moves what workers post from the queue to the GUI thread's list, then says so by signal."""

    arrived = Signal()

    def __init__(self, posted: queue.SimpleQueue[_Posted | object], ready: deque[_Posted]) -> None:
        super().__init__()
        self._posted = posted
        self._ready = ready

    def run(self) -> None:
        while True:
            item = self._posted.get()
            stopping = item is _STOP
            while not stopping:
                assert isinstance(item, tuple)
                self._ready.append(item)
                try:
                    item = self._posted.get_nowait()
                except queue.Empty:
                    break
                stopping = item is _STOP
            self.arrived.emit()
            if stopping:
                return

    def end(self) -> None:
        """Any thread but this one: hand over what was posted so far and stop."""
        self._posted.put(_STOP)
        self.wait()
        with _running_lock:
            _running.discard(self)


class GuiInbox(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._posted: queue.SimpleQueue[_Posted | object] = queue.SimpleQueue()
        self._ready: deque[_Posted] = deque()  # handed over by the relay, not yet run
        self._relay: _Relay | None = None

    def post(self, handler: Callable[..., None], *args: object) -> None:
        """Any thread: run `handler(*args)` on the GUI thread soon, in the order posted."""
        self._posted.put((handler, args))

    def drain(self) -> None:
        """GUI thread: run everything handed over so far, in order."""
        while self._ready:
            handler, args = self._ready.popleft()
            handler(*args)

    def start(self) -> None:
        if self._relay is not None:
            return
        relay = _Relay(self._posted, self._ready)
        relay.arrived.connect(self.drain)  # queued: emitted on the relay's thread
        with _running_lock:
            _running.add(relay)
        self._relay = relay
        relay.start()

    def stop(self) -> None:
        """GUI thread: run everything posted so far, then stop relaying."""
        relay, self._relay = self._relay, None
        if relay is not None:
            relay.end()
        while True:  # posted after the relay's last batch
            try:
                item = self._posted.get_nowait()
            except queue.Empty:
                break
            assert isinstance(item, tuple)
            self._ready.append(item)
        self.drain()


@atexit.register
def _end_relays() -> None:
    with _running_lock:
        relays = list(_running)
    for relay in relays:
        relay.end()

"""The GUI inbox: workers' events reach the GUI thread in order and at once, and an idle inbox
leaves the GUI thread asleep."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from salesmirror.ui.gui_inbox import GuiInbox


class _EventsTo(QObject):
    """Counts the events Qt delivers to `target` and the objects under it."""

    def __init__(self, target: QObject) -> None:
        super().__init__()
        self._target = target
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt names it)
        node = watched
        while node is not None:
            if node is self._target:
                self.count += 1
                break
            node = node.parent()
        return False


def test_an_idle_inbox_does_not_wake_the_gui_thread(qtbot) -> None:
    """It used to poll every 25 ms: 40 wake-ups a second for nothing, through a whole call."""
    inbox = GuiInbox()
    events = _EventsTo(inbox)
    app = QApplication.instance()
    app.installEventFilter(events)
    inbox.start()
    try:
        qtbot.wait(300)
    finally:
        app.removeEventFilter(events)
        inbox.stop()
    assert events.count == 0


def test_workers_events_run_on_the_gui_thread_in_order_without_waiting_for_a_tick(qtbot) -> None:
    inbox = GuiInbox()
    inbox.start()
    gui = threading.get_ident()
    ran: list[tuple[int, int, bool]] = []

    def worker(number: int) -> None:
        for i in range(500):
            inbox.post(lambda i=i: ran.append((number, i, threading.get_ident() == gui)))

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    qtbot.waitUntil(lambda: len(ran) == 2000, timeout=2000)
    inbox.stop()
    assert all(on_gui for _, _, on_gui in ran)
    for number in range(4):
        assert [i for n, i, _ in ran if n == number] == list(range(500))

    # One event alone is handed over as soon as the event loop turns, not at a timer's next tick.
    inbox.start()
    inbox.post(ran.append, (9, 0, True))
    deadline = time.monotonic() + 2
    while len(ran) == 2000 and time.monotonic() < deadline:
        QApplication.processEvents()
    inbox.stop()
    assert ran[-1] == (9, 0, True)


def test_stop_runs_everything_posted_before_it(qtbot) -> None:
    inbox = GuiInbox()
    inbox.start()
    ran: list[int] = []
    poster = threading.Thread(target=lambda: [inbox.post(ran.append, i) for i in range(1000)])
    poster.start()
    poster.join()
    inbox.stop()  # no event loop turned in between
    assert ran == list(range(1000))
    inbox.post(ran.append, 1000)  # after stop: kept for the next start
    inbox.start()
    inbox.stop()
    assert ran[-1] == 1000


def test_an_inbox_never_stopped_does_not_crash_the_app_at_exit(tmp_path) -> None:
    """Its relay is a QThread; destroying a running QThread aborts the process."""
    script = textwrap.dedent(
        """
        from PySide6.QtWidgets import QApplication, QWidget
        from salesmirror.ui.gui_inbox import GuiInbox
        app = QApplication([])
        window = QWidget()
        inbox = GuiInbox(window)
        inbox.start()
        inbox.post(print, "posted")
        window.deleteLater()
        app.processEvents()
        del window, inbox
        print("done")
        """
    )
    finished = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert finished.returncode == 0, finished.stderr
    assert "done" in finished.stdout
    assert "QThread" not in finished.stderr

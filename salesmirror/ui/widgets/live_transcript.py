"""The live transcript: follows the call unless the user scrolled up to read, and says so.

A plain text edit scrolls on append only while its scroll bar sits at the very bottom; any change
of its height (a nudge banner appearing above it, the window resized) leaves the bar short of the
bottom, and from then on the transcript silently stops following. Here following is the user's
choice, changed only by their own scrolling, and kept through every resize.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractSlider, QPlainTextEdit, QWidget


class LiveTranscript(QPlainTextEdit):
    following_changed = Signal(bool)  # False: the user scrolled up; new lines arrive below

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setMaximumBlockCount(500)
        self._following = True
        self.verticalScrollBar().actionTriggered.connect(self._user_scrolled)
        self.verticalScrollBar().sliderReleased.connect(self._user_scrolled)

    def sizeHint(self) -> QSize:
        """A few lines: it takes whatever height is spare (a large stretch in the window), but
        asking for a text edit's usual 190 pixels made the window scroll on a short screen."""
        return QSize(super().sizeHint().width(), 90)

    @property
    def following(self) -> bool:
        return self._following

    def add_line(self, text: str) -> None:
        self.appendPlainText(text)
        if self._following:
            self.show_latest()

    def show_latest(self) -> None:
        """Back to the newest line, following again."""
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
        self._set_following(True)

    def clear_lines(self) -> None:
        self.clear()
        self._set_following(True)

    # --- what only the user does ----------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:
        super().wheelEvent(event)
        self._user_scrolled()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        self._user_scrolled()

    def _user_scrolled(self, _action: int | None = None) -> None:
        bar: QAbstractSlider = self.verticalScrollBar()
        # actionTriggered fires before the move; look once it has happened.
        self._set_following(bar.sliderPosition() >= bar.maximum())

    # --- what only the layout does ----------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._following:
            bar = self.verticalScrollBar()
            bar.setValue(bar.maximum())

    def _set_following(self, following: bool) -> None:
        if following != self._following:
            self._following = following
            self.following_changed.emit(following)

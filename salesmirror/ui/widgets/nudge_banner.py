"""The one nudge on screen: calm colours, the evidence a click away, the principle behind it on
demand, a snooze, and fading out on its own."""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QPropertyAnimation, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsOpacityEffect,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from salesmirror.coaching.playbook import playbook
from salesmirror.events import Nudge
from salesmirror.ui import theme

SHOW_SECONDS = 12.0
FADE_MS = 1500


class NudgeBanner(QFrame):
    """Shows one nudge at a time; a newer one replaces the current one."""

    snooze_requested = Signal()

    def __init__(self, parent: QWidget | None = None, show_seconds: float = SHOW_SECONDS) -> None:
        super().__init__(parent)
        self.setObjectName("nudge")
        self.setStyleSheet(
            f"QFrame#nudge {{ background: {theme.NUDGE.name()}; border-radius: 10px;"
            f" border-left: 5px solid {theme.NUDGE_ACCENT.name()}; }}"
            "QLabel { background: transparent; }"
        )
        self.current: Nudge | None = None
        self._text = QLabel()
        self._text.setWordWrap(True)
        self._text.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self._evidence = QLabel()
        self._evidence.setWordWrap(True)
        self._evidence.setObjectName("muted")
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.why_button = QPushButton("Why?")
        self.why_button.setCheckable(True)
        self.why_button.setToolTip("The selling principle behind this nudge")
        self.why_button.toggled.connect(self._show_why)
        self.snooze_button = QPushButton("Snooze 5 min")
        self.snooze_button.setToolTip("No nudges for five minutes (Ctrl+M)")
        self.snooze_button.clicked.connect(self.snooze_requested)
        for button in (self.why_button, self.snooze_button):
            button.setFlat(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setStyleSheet(f"color: {theme.NUDGE_ACCENT.name()}; padding: 2px 6px;")
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        actions.addWidget(self.why_button)
        actions.addStretch(1)
        actions.addWidget(self.snooze_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 12, 6)
        layout.addWidget(self._text)
        layout.addWidget(self._evidence)
        layout.addWidget(self.why)
        layout.addLayout(actions)
        self._opacity = QGraphicsOpacityEffect(self)
        self.setGraphicsEffect(self._opacity)
        self._fade = QPropertyAnimation(self._opacity, b"opacity", self)
        self._fade.setDuration(FADE_MS)
        self._fade.setEasingCurve(QEasingCurve.Type.InOutQuad)
        self._fade.finished.connect(self._faded)
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.setInterval(round(show_seconds * 1000))
        self._hold.timeout.connect(self.fade_out)
        self.setAccessibleName("Nudge")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.hide()

    def set_show_seconds(self, seconds: float) -> None:
        """How long a nudge stays fully visible before it fades."""
        self._hold.setInterval(round(seconds * 1000))

    @property
    def text(self) -> str:
        return self._text.text()

    def show_nudge(self, nudge: Nudge) -> None:
        self.current = nudge
        self._text.setText(nudge.text)
        self._evidence.setText(f"Because {nudge.evidence}")
        self._evidence.hide()
        kind = playbook().get(nudge.kind)
        self.why.setText(kind.why if kind is not None else "")
        self.why_button.setVisible(kind is not None)
        self.why_button.setChecked(False)
        self.why.hide()
        self.setToolTip(f"Because {nudge.evidence}\n(click to show)")
        self._fade.stop()
        self._opacity.setOpacity(1.0)
        self.show()
        self._hold.start()

    def fade_out(self) -> None:
        if self.isVisible():
            self._fade.setStartValue(self._opacity.opacity())
            self._fade.setEndValue(0.0)
            self._fade.start()

    def _faded(self) -> None:
        self.hide()
        self.current = None

    def _show_why(self, shown: bool) -> None:
        self.why.setVisible(shown)
        if shown:
            self._fade.stop()
            self._opacity.setOpacity(1.0)
            self._hold.start()  # reading it: keep it up

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._evidence.setVisible(not self._evidence.isVisible())
        self._hold.start()  # reading it: keep it up
        super().mousePressEvent(event)

"""A speaker's activity light: a dot that glows while that side is talking."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from salesmirror.ui import theme


class ActivityLight(QWidget):
    def __init__(self, label: str, colour: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.colour = colour
        self.active = False
        self.setAccessibleName(f"{label} talking")
        self.setMinimumHeight(28)

    def sizeHint(self) -> QSize:
        return QSize(96, 30)

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            self.setAccessibleDescription("talking" if active else "quiet")
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        d = min(self.height() - 8, max(18.0, self.height() * 0.45))  # larger when presented
        y = (self.height() - d) / 2
        if self.active:
            glow = QColor(self.colour)
            glow.setAlpha(70)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(glow)
            p.drawEllipse(QRectF(0, y - 4, d + 8, d + 8))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.colour if self.active else theme.SURFACE.lighter(160))
        p.drawEllipse(QRectF(4, y, d, d))
        p.setPen(theme.TEXT if self.active else theme.MUTED)
        p.drawText(
            QRectF(d + 14, 0, self.width() - d - 14, self.height()),
            Qt.AlignmentFlag.AlignVCenter,
            self.label,
        )
        p.end()

"""A small chart of your talk share across your recent calls, with the 43 % target and 65 % limit."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from salesmirror.ui import theme
from salesmirror.ui.widgets.ratio_gauge import ratio_colour


class TrendChart(QWidget):
    """One dot a call, oldest left; the call being replayed is ringed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[str, float]] = []  # (label, ratio)
        self.current: int | None = None
        self.setMinimumSize(240, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(320, 150)

    def set_points(self, points: list[tuple[str, float]], current: int | None) -> None:
        self.points, self.current = points, current
        ratios = ", ".join(f"{label} {ratio * 100:.0f} %" for label, ratio in points)
        self.setAccessibleDescription(f"Your share of the talk in your recent calls: {ratios}")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(QFont(self.font().family(), 9))
        plot = QRectF(44, 24, self.width() - 60, self.height() - 36)
        painter.setPen(theme.MUTED)
        painter.drawText(
            QRectF(0, 0, self.width(), 18), Qt.AlignmentFlag.AlignLeft, "Your share, recent calls"
        )

        def y(ratio: float) -> float:  # 20 % at the bottom, 80 % at the top: where calls fall
            shown = min(max(ratio, 0.2), 0.8)
            return plot.bottom() - (shown - 0.2) / 0.6 * plot.height()

        for ratio, colour, label in (
            (theme.TARGET_RATIO, theme.HEALTHY, "43 %"),
            (theme.TOO_MUCH_FROM, theme.TOO_MUCH, "65 %"),
        ):
            painter.setPen(QPen(colour, 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(plot.left(), y(ratio)), QPointF(plot.right(), y(ratio)))
            painter.drawText(QRectF(0, y(ratio) - 8, 38, 16), Qt.AlignmentFlag.AlignRight, label)
        if not self.points:
            painter.setPen(theme.MUTED)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "Your first call: the trend starts here")
            return
        step = plot.width() / max(1, len(self.points) - 1) if len(self.points) > 1 else 0.0
        xs = [plot.left() + i * step if step else plot.center().x() for i in range(len(self.points))]
        painter.setPen(QPen(theme.MUTED, 1.5))
        for i in range(1, len(self.points)):
            painter.drawLine(
                QPointF(xs[i - 1], y(self.points[i - 1][1])), QPointF(xs[i], y(self.points[i][1]))
            )
        for i, (_label, ratio) in enumerate(self.points):
            centre = QPointF(xs[i], y(ratio))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(ratio_colour(ratio))
            painter.drawEllipse(centre, 4.5, 4.5)
            if i == self.current:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(theme.TEXT, 2))
                painter.drawEllipse(centre, 8, 8)

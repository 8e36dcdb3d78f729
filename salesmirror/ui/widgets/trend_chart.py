"""A small chart of one figure across your recent calls, with its aim and limit drawn in."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from salesmirror.coaching.targets import TARGETS, Target, Verdict
from salesmirror.ui import theme

VERDICT_COLOURS: dict[Verdict, QColor] = {
    "good": theme.HEALTHY,
    "fair": theme.CAUTION,
    "poor": theme.TOO_MUCH,
}


class TrendChart(QWidget):
    """One dot a call, oldest left, coloured by how it did; the call being replayed is ringed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target: Target = TARGETS[0]
        self.points: list[tuple[str, float, float]] = []  # (call title, value, call length in s)
        self.current: int | None = None
        # It gives up height first on a short screen: the nudge's why below it must be read whole.
        self.setMinimumSize(240, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)

    def sizeHint(self) -> QSize:
        return QSize(320, 150)

    def set_trend(self, target: Target, points: list[tuple[str, float, float]], current: int | None) -> None:
        self.target, self.points, self.current = target, points, current
        values = ", ".join(f"{title} {target.show(value)}" for title, value, _length in points)
        self.setAccessibleDescription(f"{target.label} in your recent calls: {values}")
        self.update()

    def _value_range(self) -> tuple[float, float]:
        values = [v for _t, v, _l in self.points] + [mark for mark, _verdict in self.target.marks]
        low, high = (min(values), max(values)) if values else (0.0, 1.0)
        if self.target.key == "talk_ratio_you":
            low, high = min(low, 0.2), max(high, 0.8)
        pad = (high - low) * 0.12 or max(abs(high) * 0.2, 1.0)
        bottom = max(0.0, low - pad) if low >= 0 else low - pad  # figures that cannot go negative
        return bottom, high + pad

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(QFont(self.font().family(), 9))
        plot = QRectF(50, 10, self.width() - 66, self.height() - 20)
        low, high = self._value_range()

        def y(value: float) -> float:
            return plot.bottom() - (value - low) / (high - low) * plot.height()

        for mark, verdict in self.target.marks:
            colour = VERDICT_COLOURS[verdict]
            painter.setPen(QPen(colour, 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(plot.left(), y(mark)), QPointF(plot.right(), y(mark)))
            painter.drawText(
                QRectF(0, y(mark) - 8, 44, 16), Qt.AlignmentFlag.AlignRight, self.target.show(mark)
            )
        if not self.points:
            painter.setPen(theme.MUTED)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "Your first call: the trend starts here")
            return
        step = plot.width() / (len(self.points) - 1) if len(self.points) > 1 else 0.0
        xs = [plot.left() + i * step if step else plot.center().x() for i in range(len(self.points))]
        painter.setPen(QPen(theme.MUTED, 1.5))
        for i in range(1, len(self.points)):
            painter.drawLine(
                QPointF(xs[i - 1], y(self.points[i - 1][1])), QPointF(xs[i], y(self.points[i][1]))
            )
        for i, (_title, value, length) in enumerate(self.points):
            centre = QPointF(xs[i], y(value))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(VERDICT_COLOURS[self.target.judge(value, length)])
            painter.drawEllipse(centre, 4.5, 4.5)
            if i == self.current:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(theme.TEXT, 2))
                painter.drawEllipse(centre, 8, 8)

"""The talk-ratio gauge: a half dial with the healthy band, the target and the too-much zone."""

from __future__ import annotations

from math import cos, radians, sin

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from salesmirror.ui import theme


def ratio_colour(ratio: float) -> QColor:
    if ratio > theme.TOO_MUCH_FROM:
        return theme.TOO_MUCH
    low, high = theme.HEALTHY_BAND
    return theme.HEALTHY if low <= ratio <= high else theme.CAUTION


class TalkRatioGauge(QWidget):
    """Shows your share of the recent talk (needle and big number) and of the whole call."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recent: float | None = None
        self.overall: float | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(220, 130)
        self.setAccessibleName("Talk ratio")

    def sizeHint(self) -> QSize:
        return QSize(320, 190)

    def set_ratios(self, recent: float | None, overall: float | None) -> None:
        if (recent, overall) != (self.recent, self.overall):
            self.recent, self.overall = recent, overall
            self.setAccessibleDescription(self.caption())
            self.update()

    def caption(self) -> str:
        if self.recent is None:
            return "Waiting for someone to speak"
        return f"You {self.recent * 100:.0f} % of the last 5 minutes"

    @staticmethod
    def _angle(ratio: float) -> float:
        """Qt angles: 180° is the left end (0 %), 0° the right end (100 %)."""
        return 180.0 - 180.0 * ratio

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        thickness = max(10.0, min(w, h) * 0.09)
        caption = QFontMetrics(self._small_font(min(w, h) / 2)).height() * 1.6
        radius = max(20.0, min(w / 2 - thickness, h - thickness * 1.6 - caption))
        centre_x, centre_y = w / 2, thickness + radius
        arc = QRectF(centre_x - radius, centre_y - radius, 2 * radius, 2 * radius)

        def band(start: float, end: float, colour: QColor, width: float) -> None:
            pen = QPen(colour, width)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            p.setPen(pen)
            start_angle = self._angle(start)
            span = self._angle(end) - start_angle
            p.drawArc(arc, round(start_angle * 16), round(span * 16))

        band(0.0, 1.0, theme.SURFACE.lighter(130), thickness)
        low, high = theme.HEALTHY_BAND
        band(low, high, theme.HEALTHY.darker(140), thickness)
        band(theme.TOO_MUCH_FROM, 1.0, theme.TOO_MUCH.darker(150), thickness)
        self._tick(p, centre_x, centre_y, radius, thickness, theme.TARGET_RATIO)
        if self.recent is not None:
            band(0.0, self.recent, ratio_colour(self.recent), thickness * 0.45)
            self._needle(p, centre_x, centre_y, radius - thickness, self.recent)
        self._labels(p, centre_x, centre_y, radius, thickness)
        p.end()

    def _small_font(self, radius: float) -> QFont:
        small = QFont(self.font())
        small.setPointSizeF(max(8.0, radius * 0.075))
        return small

    def _tick(self, p: QPainter, cx: float, cy: float, r: float, t: float, ratio: float) -> None:
        a = radians(self._angle(ratio))
        p.setPen(QPen(theme.TEXT, 2))
        inner, outer = r - t * 0.8, r + t * 0.8
        p.drawLine(
            round(cx + inner * cos(a)), round(cy - inner * sin(a)),
            round(cx + outer * cos(a)), round(cy - outer * sin(a)),
        )  # fmt: skip

    def _needle(self, p: QPainter, cx: float, cy: float, length: float, ratio: float) -> None:
        a = radians(self._angle(ratio))
        p.setPen(QPen(theme.TEXT, 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(round(cx), round(cy), round(cx + length * cos(a)), round(cy - length * sin(a)))
        p.setBrush(theme.TEXT)
        p.drawEllipse(QRectF(cx - 5, cy - 5, 10, 10))

    def _labels(self, p: QPainter, cx: float, cy: float, r: float, t: float) -> None:
        big = QFont(self.font())
        big.setPointSizeF(max(14.0, r * 0.24))
        big.setBold(True)
        p.setFont(big)
        p.setPen(theme.TEXT if self.recent is None else ratio_colour(self.recent))
        number = "—" if self.recent is None else f"{self.recent * 100:.0f} %"
        p.drawText(QRectF(cx - r, cy - r * 0.72, 2 * r, r * 0.42), Qt.AlignmentFlag.AlignCenter, number)
        p.setFont(self._small_font(r))
        p.setPen(theme.MUTED)
        p.drawText(
            QRectF(cx - r, cy - r * 0.32, 2 * r, r * 0.2),
            Qt.AlignmentFlag.AlignCenter,
            "you · last 5 minutes",
        )
        overall = "" if self.overall is None else f"   ·   whole call {self.overall * 100:.0f} %"
        caption = f"target {theme.TARGET_RATIO * 100:.0f} %{overall}"
        below = QRectF(0, cy + t * 0.6, self.width(), self.height() - cy - t * 0.6)
        p.drawText(below, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, caption)

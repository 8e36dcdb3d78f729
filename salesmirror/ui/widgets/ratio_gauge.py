"""The talk-ratio gauge: a half dial with the healthy band, the target and the too-much zone."""

from __future__ import annotations

from dataclasses import dataclass
from math import cos, hypot, pi, radians, sin

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from salesmirror.coaching.targets import (
    TALK_RATIO_AIM,
    TALK_RATIO_HEALTHY,
    TALK_RATIO_TOO_MUCH,
    talk_ratio_verdict,
)
from salesmirror.ui import theme


def ratio_colour(ratio: float) -> QColor:
    verdict = talk_ratio_verdict(ratio)
    return theme.HEALTHY if verdict == "good" else theme.TOO_MUCH if verdict == "poor" else theme.CAUTION


class TalkRatioGauge(QWidget):
    """Shows your share of the recent talk (pointer and big number) and of the whole call.

    The live window hands it new figures 20 times a second for the whole call, so it repaints only
    when what it draws changes, and keeps its geometry and its unchanging dial (the bands and the
    target) from one paint to the next: fitting the big number's font and stroking antialiased arcs
    cost more than the rest of the window's painting together.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recent: float | None = None
        self.overall: float | None = None
        self._drawn: tuple[int | None, int | None] = (None, None)
        self._dial: tuple[tuple[int, int, str], Dial] | None = None
        self._background: tuple[tuple[int, int, str, float], QPixmap] | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(220, 130)
        self.setAccessibleName("Talk ratio")

    def sizeHint(self) -> QSize:
        return QSize(320, 190)

    def set_ratios(self, recent: float | None, overall: float | None) -> None:
        self.recent, self.overall = recent, overall
        # What the paint shows: where the pointer's tip falls, to a pixel along the arc (the big
        # number changes less often), and the whole call's share in whole percent.
        dial = self.dial()
        pixels_per_ratio = pi * (dial.r + dial.t)
        drawn = (
            None if recent is None else round(recent * pixels_per_ratio),
            None if overall is None else round(overall * 100),
        )
        if drawn != self._drawn:
            self._drawn = drawn
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

    def dial(self) -> Dial:
        """Where everything goes at the current size. The pointer reaches only from just inside
        the arc outwards, and the number is sized to stay inside that circle, so at no ratio
        does the pointer cross the big percentage (a centre needle did, from 55 to 80 %)."""
        key = (self.width(), self.height(), self.font().key())
        if self._dial is None or self._dial[0] != key:
            self._dial = key, self._fit_dial()
        return self._dial[1]

    def _fit_dial(self) -> Dial:
        w, h = self.width(), self.height()
        thickness = max(10.0, min(w, h) * 0.09)
        caption = QFontMetrics(self._small_font(min(w, h) / 2)).height() * 1.6
        radius = max(20.0, min(w / 2 - thickness, h - thickness * 1.6 - caption))
        centre_x, centre_y = w / 2, thickness + radius
        pointer_from = radius - thickness * 1.2
        clear = pointer_from - 3.0  # what text may reach, from the centre
        big = QFont(self.font())
        big.setBold(True)
        size = max(14.0, radius * 0.24)
        while True:
            big.setPointSizeF(size)
            number = self._text_box(big, "100 %", centre_x, centre_y - radius * 0.5)
            if _reach(number, centre_x, centre_y) <= clear or size <= 8.0:
                break
            size -= 0.5
        small = self._small_font(radius)
        under = self._text_box(
            small, "you · last 5 minutes", centre_x, number.bottom() + radius * 0.02, top=True
        )
        return Dial(centre_x, centre_y, radius, thickness, pointer_from, big, number, small, under)

    @staticmethod
    def _text_box(font: QFont, text: str, cx: float, y: float, top: bool = False) -> QRectF:
        metrics = QFontMetrics(font)
        width, height = metrics.horizontalAdvance(text), metrics.height()
        return QRectF(cx - width / 2, y if top else y - height / 2, width, height)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        d = self.dial()
        p.drawPixmap(0, 0, self._dial_background(d))
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.recent is not None:
            self._band(p, d, 0.0, self.recent, ratio_colour(self.recent), d.t * 0.45)
            self._pointer(p, d, self.recent)
        self._labels(p, d)
        p.end()

    def _dial_background(self, d: Dial) -> QPixmap:
        """The bands and the target tick, drawn once per size and screen."""
        scale = self.devicePixelRatioF()
        key = (self.width(), self.height(), self.font().key(), scale)
        if self._background is None or self._background[0] != key:
            pixmap = QPixmap(round(self.width() * scale), round(self.height() * scale))
            pixmap.setDevicePixelRatio(scale)
            pixmap.fill(Qt.GlobalColor.transparent)
            p = QPainter(pixmap)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._band(p, d, 0.0, 1.0, theme.SURFACE.lighter(130), d.t)
            low, high = TALK_RATIO_HEALTHY
            self._band(p, d, low, high, theme.HEALTHY.darker(140), d.t)
            self._band(p, d, TALK_RATIO_TOO_MUCH, 1.0, theme.TOO_MUCH.darker(150), d.t)
            self._tick(p, d.cx, d.cy, d.r, d.t, TALK_RATIO_AIM)
            p.end()
            self._background = key, pixmap
        return self._background[1]

    def _band(self, p: QPainter, d: Dial, start: float, end: float, colour: QColor, width: float) -> None:
        pen = QPen(colour, width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        p.setPen(pen)
        start_angle = self._angle(start)
        span = self._angle(end) - start_angle
        p.drawArc(QRectF(d.cx - d.r, d.cy - d.r, 2 * d.r, 2 * d.r), round(start_angle * 16), round(span * 16))

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

    def _pointer(self, p: QPainter, d: Dial, ratio: float) -> None:
        a = radians(self._angle(ratio))
        inner, outer = d.pointer_from, d.r + d.t * 0.6
        p.setPen(QPen(theme.TEXT, 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(
            round(d.cx + inner * cos(a)), round(d.cy - inner * sin(a)),
            round(d.cx + outer * cos(a)), round(d.cy - outer * sin(a)),
        )  # fmt: skip

    def _labels(self, p: QPainter, d: Dial) -> None:
        p.setFont(d.number_font)
        p.setPen(theme.TEXT if self.recent is None else ratio_colour(self.recent))
        number = "—" if self.recent is None else f"{self.recent * 100:.0f} %"
        p.drawText(d.number, Qt.AlignmentFlag.AlignCenter, number)
        p.setFont(d.caption_font)
        p.setPen(theme.MUTED)
        p.drawText(d.under, Qt.AlignmentFlag.AlignCenter, "you · last 5 minutes")
        overall = "" if self.overall is None else f"   ·   whole call {self.overall * 100:.0f} %"
        caption = f"target {TALK_RATIO_AIM * 100:.0f} %{overall}"
        below = QRectF(0, d.cy + d.t * 0.6, self.width(), self.height() - d.cy - d.t * 0.6)
        p.drawText(below, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, caption)


@dataclass(frozen=True)
class Dial:
    """The gauge's geometry at one size (pixels)."""

    cx: float
    cy: float
    r: float
    t: float
    pointer_from: float  # the pointer's inner end, from the centre
    number_font: QFont
    number: QRectF  # the big percentage (sized for "100 %")
    caption_font: QFont
    under: QRectF  # "you · last 5 minutes"

    def reach(self, box: QRectF) -> float:
        return _reach(box, self.cx, self.cy)


def _reach(box: QRectF, cx: float, cy: float) -> float:
    """How far from the centre the box's farthest corner lies."""
    return max(hypot(x - cx, y - cy) for x in (box.left(), box.right()) for y in (box.top(), box.bottom()))

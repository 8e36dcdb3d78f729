"""The replay timeline: one lane per speaker, long monologues underlined, nudges as markers.

The view shows a window of the call that zooms from the whole call down to a few seconds (wheel
with Ctrl, or `zoom_by`) and scrolls (wheel, or `scroll_to`). Clicking or dragging moves the
playhead (`position_changed`); clicking a nudge marker reports that nudge (`nudge_clicked`).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from salesmirror.events import Nudge, Speaker
from salesmirror.sessions.timeline import MONOLOGUE_TOO_LONG_S, Timeline, tick_step
from salesmirror.timefmt import clock
from salesmirror.ui import theme

MIN_SPAN_S = 5.0
_LABEL_W, _MARKER_H, _LANE_H, _LANE_GAP, _AXIS_H = 58, 22, 40, 12, 24
_LANES = ((Speaker.YOU, "You", theme.YOU), (Speaker.THEM, "Them", theme.THEM))


class TimelineView(QWidget):
    position_changed = Signal(float)  # the user moved the playhead (seconds)
    nudge_clicked = Signal(object)  # a Nudge
    view_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline: Timeline | None = None
        self.position = 0.0
        self.view_start = 0.0
        self.view_span = 60.0
        self.setMinimumHeight(_MARKER_H + 2 * _LANE_H + _LANE_GAP + _AXIS_H + 8)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Timeline of who spoke when")

    def sizeHint(self) -> QSize:
        return QSize(900, self.minimumHeight())

    # --- state --------------------------------------------------------------------------------

    def set_timeline(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.position = 0.0
        self.view_start, self.view_span = 0.0, timeline.duration_s
        self.view_changed.emit()
        self.update()

    @property
    def duration_s(self) -> float:
        return self.timeline.duration_s if self.timeline is not None else 1.0

    def set_position(self, t: float, ensure_visible: bool = True) -> None:
        """Move the playhead (from code: no `position_changed`)."""
        self.position = min(max(0.0, t), self.duration_s)
        if ensure_visible and not self.view_start <= self.position <= self.view_start + self.view_span:
            self.scroll_to(self.position - self.view_span * 0.25)
        self.update()

    def zoom_to(self, span_s: float, around: float | None = None) -> None:
        """Show `span_s` seconds, keeping `around` (default: the playhead) at the same place."""
        anchor = self.position if around is None else around
        span = min(max(MIN_SPAN_S, span_s), self.duration_s)
        fraction = (anchor - self.view_start) / self.view_span if self.view_span else 0.5
        self.view_span = span
        self.scroll_to(anchor - fraction * span)

    def zoom_by(self, factor: float, around: float | None = None) -> None:
        self.zoom_to(self.view_span * factor, around)

    def scroll_to(self, start_s: float) -> None:
        self.view_start = min(max(0.0, start_s), max(0.0, self.duration_s - self.view_span))
        self.view_changed.emit()
        self.update()

    # --- geometry -----------------------------------------------------------------------------

    def _plot_width(self) -> float:
        return max(1.0, self.width() - _LABEL_W - 24)  # room for the last time label

    def x_of(self, t: float) -> float:
        return _LABEL_W + (t - self.view_start) / self.view_span * self._plot_width()

    def t_of(self, x: float) -> float:
        return self.view_start + (x - _LABEL_W) / self._plot_width() * self.view_span

    def lane_rect(self, speaker: Speaker) -> QRectF:
        row = 0 if speaker is Speaker.YOU else 1
        top = _MARKER_H + row * (_LANE_H + _LANE_GAP)
        return QRectF(_LABEL_W, top, self._plot_width(), _LANE_H)

    def nudge_at(self, x: float, y: float) -> Nudge | None:
        if self.timeline is None or y > _MARKER_H + 4:
            return None
        near = [n for n in self.timeline.nudges if abs(self.x_of(n.t) - x) <= 9]
        return min(near, key=lambda n: abs(self.x_of(n.t) - x)) if near else None

    # --- input --------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.timeline is None:
            return
        point = event.position()
        nudge = self.nudge_at(point.x(), point.y())
        if nudge is not None:
            self.set_position(nudge.t)
            self.position_changed.emit(self.position)
            self.nudge_clicked.emit(nudge)
            return
        self._scrub(point.x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._scrub(point.x())
            return
        nudge = self.nudge_at(point.x(), point.y())
        self.setToolTip(f"{clock(nudge.t)}  {nudge.text}" if nudge is not None else "")

    def _scrub(self, x: float) -> None:
        if x < _LABEL_W:
            return
        self.set_position(self.t_of(x), ensure_visible=False)
        self.position_changed.emit(self.position)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120 or event.angleDelta().x() / 120
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(0.8**steps, around=self.t_of(event.position().x()))
        else:
            self.scroll_to(self.view_start - steps * self.view_span * 0.1)
        event.accept()

    # --- painting -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), theme.SURFACE)
        if self.timeline is None:
            return
        self._paint_axis(painter)
        painter.setClipRect(QRectF(_LABEL_W, 0, self._plot_width(), self.height()))
        self._paint_lanes(painter)
        self._paint_nudges(painter)
        self._paint_playhead(painter)
        painter.setClipping(False)
        self._paint_labels(painter)

    def _paint_axis(self, painter: QPainter) -> None:
        bottom = self.height() - _AXIS_H
        step = tick_step(self.view_span, max(2, int(self._plot_width() / 80)))
        painter.setFont(QFont(self.font().family(), 9))
        t = (self.view_start // step) * step
        while t <= self.view_start + self.view_span:
            x = self.x_of(t)
            if x >= _LABEL_W:
                painter.setPen(QPen(QColor("#2c3440"), 1))
                painter.drawLine(QPointF(x, _MARKER_H - 2), QPointF(x, bottom))
                painter.setPen(theme.MUTED)
                painter.drawText(
                    QRectF(x - 40, bottom + 2, 80, _AXIS_H - 4), Qt.AlignmentFlag.AlignCenter, clock(t)
                )
            t += step

    def _paint_lanes(self, painter: QPainter) -> None:
        assert self.timeline is not None
        end = self.view_start + self.view_span
        for speaker, _label, colour in _LANES:
            lane = self.lane_rect(speaker)
            for segment in self.timeline.lanes[speaker]:
                if segment.end < self.view_start or segment.start > end:
                    continue
                x0, x1 = self.x_of(segment.start), self.x_of(segment.end)
                painter.fillRect(QRectF(x0, lane.top(), max(1.0, x1 - x0), lane.height()), colour)
        under = self.lane_rect(Speaker.YOU).bottom() + 2
        for monologue in self.timeline.monologues:
            colour = theme.TOO_MUCH if monologue.duration >= MONOLOGUE_TOO_LONG_S else theme.CAUTION
            x0, x1 = self.x_of(monologue.start), self.x_of(monologue.end)
            painter.fillRect(QRectF(x0, under, x1 - x0, 5), colour)

    def _paint_nudges(self, painter: QPainter) -> None:
        assert self.timeline is not None
        painter.setPen(Qt.PenStyle.NoPen)
        for nudge in self.timeline.nudges:
            x = self.x_of(nudge.t)
            painter.setBrush(theme.NUDGE_ACCENT)
            painter.drawPolygon(QPolygonF([QPointF(x - 8, 2), QPointF(x + 8, 2), QPointF(x, _MARKER_H - 4)]))
            painter.setPen(QPen(theme.NUDGE_ACCENT, 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(x, _MARKER_H - 4), QPointF(x, self.height() - _AXIS_H))
            painter.setPen(Qt.PenStyle.NoPen)

    def _paint_playhead(self, painter: QPainter) -> None:
        x = self.x_of(self.position)
        painter.setPen(QPen(theme.TEXT, 2))
        painter.drawLine(QPointF(x, 0), QPointF(x, self.height() - _AXIS_H))

    def _paint_labels(self, painter: QPainter) -> None:
        painter.setFont(QFont(self.font().family(), 10, QFont.Weight.DemiBold))
        for speaker, label, colour in _LANES:
            lane = self.lane_rect(speaker)
            painter.setPen(colour)
            painter.drawText(
                QRectF(6, lane.top(), _LABEL_W - 10, lane.height()), Qt.AlignmentFlag.AlignVCenter, label
            )

"""Finds what a user would see as broken in a laid-out window: text cut off or elided, and
widgets drawn over each other. Used by the layout tests at several screen sizes."""

from __future__ import annotations

from itertools import combinations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QLabel, QWidget

_DIRECT = Qt.FindChildOption.FindDirectChildrenOnly


def layout_problems(window: QWidget) -> list[str]:
    problems: list[str] = []
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisibleTo(window) or widget.width() <= 0:
            continue
        name = widget.objectName() or type(widget).__name__
        if isinstance(widget, QLabel) and widget.text():
            problems += _clipped_label(widget)
        elif (
            isinstance(widget, QAbstractButton)
            and widget.text()
            and widget.sizeHint().width() > widget.width() + 1
        ):
            needs = widget.sizeHint().width()
            problems.append(f"button {widget.text()!r} elided: needs {needs} px, has {widget.width()}")
        problems += _overlapping_children(widget, name)
        problems += _past_the_edge(window, widget)
    return problems


def _past_the_edge(window: QWidget, widget: QWidget) -> list[str]:
    """Laid out beyond the window's edge: what is there is never seen (inside a scroll area it
    can be scrolled to, and is left alone)."""
    if widget is window or _scrolls(widget, window):
        return []
    corner = widget.mapTo(window, QPoint(0, 0))
    placed = QRect(corner, widget.size())
    if window.rect().adjusted(-1, -1, 1, 1).contains(placed):
        return []
    return [f"{_describe(widget)} reaches past the window's edge ({placed} in {window.rect()})"]


def _scrolls(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _clipped_label(label: QLabel) -> list[str]:
    room = label.contentsRect()
    text = label.text()
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            return [f"label {text[:40]!r} cut off: needs {needed} px of height, has {label.height()}"]
        return []
    if label.textFormat() != Qt.TextFormat.PlainText and "<" in text:
        return []  # one line of markup: its width is not the width of its characters
    widest = max(label.fontMetrics().horizontalAdvance(line) for line in text.splitlines())
    if widest > room.width() + 1:
        return [f"label {text[:40]!r} cut off: needs {widest} px of width, has {room.width()}"]
    return []


def _overlapping_children(parent: QWidget, name: str) -> list[str]:
    if parent.layout() is None:
        return []  # painted or placed by hand (a scroll area's viewport, a stacked page)
    children = [
        c
        for c in parent.findChildren(QWidget, options=_DIRECT)
        if c.isVisibleTo(parent) and not c.isWindow() and c.width() > 0 and c.height() > 0
    ]
    problems = []
    for a, b in combinations(children, 2):
        overlap = a.geometry().intersected(b.geometry())
        if overlap.width() > 1 and overlap.height() > 1:
            problems.append(f"in {name}: {_describe(a)} overlaps {_describe(b)}")
    return problems


def _describe(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    label = text() if callable(text) else ""
    return f"{type(widget).__name__}({label[:30]!r})" if label else type(widget).__name__

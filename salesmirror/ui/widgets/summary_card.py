"""The summary card: each figure of the call next to what good selling aims for."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from salesmirror.coaching.targets import TARGETS, Score, Verdict
from salesmirror.ui import theme

VERDICT_COLOURS: dict[Verdict, str] = {
    "good": theme.HEALTHY.name(),
    "fair": theme.CAUTION.name(),
    "poor": theme.TOO_MUCH.name(),
}


class SummaryCard(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setStyleSheet(
            f"QFrame#card {{ background: {theme.SURFACE.name()}; border-radius: 10px; }}"
            " QFrame#card QLabel { background: transparent; }"
        )
        grid = QGridLayout(self)
        grid.setContentsMargins(14, 12, 14, 12)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        self.values: dict[str, QLabel] = {}
        for row, target in enumerate(TARGETS):
            name = QLabel(target.label)
            value = QLabel("—")
            value.setStyleSheet("font-size: 13pt; font-weight: 600;")
            goal = QLabel(target.goal)
            goal.setObjectName("muted")
            # One line each: a grid gives every row one line's height, so a wrapped goal was
            # cut through the middle. The goals are written short enough not to need it.
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1)
            grid.addWidget(goal, row, 2)
            self.values[target.key] = value
        grid.setColumnStretch(2, 1)

    def show_scores(self, scores: list[Score]) -> None:
        for score in scores:
            label = self.values[score.target.key]
            label.setText(score.shown)
            colour = VERDICT_COLOURS[score.verdict] if score.verdict else theme.MUTED.name()
            label.setStyleSheet(f"font-size: 13pt; font-weight: 600; color: {colour};")
            label.setToolTip(f"{score.target.label}: {score.shown} — aim for {score.target.goal}")

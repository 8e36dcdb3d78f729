"""The Nudges page of Settings: every kind of the playbook with a switch and its threshold, the
delivery gaps, and the words that name your product and your competitors."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from salesmirror.coaching.playbook import NudgeKind, playbook
from salesmirror.settings import Settings

_SUFFIX = {"seconds": " s", "percent": " %", "words per minute": " wpm", "times as often": " ×"}


def _terms(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


class NudgeSettingsPage(QWidget):
    def __init__(self, settings: Settings, cue_detector: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.switches: dict[str, QCheckBox] = {}
        self.thresholds: dict[str, QDoubleSpinBox] = {}
        grid = QGridLayout()
        grid.setColumnStretch(0, 1)
        for row, kind in enumerate(playbook().values()):
            switch = QCheckBox(kind.title)
            switch.setChecked(kind.name not in settings.disabled_nudges)
            # Rich text, so Qt wraps it: as plain text the why was one 1,200-pixel line.
            switch.setToolTip(f"<qt><b>“{html.escape(kind.says())}”</b><br><br>{html.escape(kind.why)}</qt>")
            self.switches[kind.name] = switch
            grid.addWidget(switch, row, 0)
            if kind.threshold is not None:
                box = _threshold_box(kind, settings.nudge_thresholds.get(kind.name, kind.threshold))
                box.setEnabled(switch.isChecked())
                switch.toggled.connect(box.setEnabled)
                self.thresholds[kind.name] = box
                grid.addWidget(box, row, 1)

        self.gap_s = _seconds_box(10, 600, settings.nudge_gap_s)
        self.repeat_gap_s = _seconds_box(10, 1800, settings.nudge_repeat_gap_s)
        self.product_terms = QLineEdit(", ".join(settings.product_terms))
        self.product_terms.setPlaceholderText("e.g. Acme Cloud, Acme, dashboards")
        self.product_terms.setToolTip("Words that name your product or company, separated by commas")
        self.competitors = QLineEdit(", ".join(settings.competitors))
        self.competitors.setPlaceholderText("e.g. Globex, Initech")
        self.competitors.setToolTip("Your competitors' names, separated by commas")
        form = QFormLayout()
        form.addRow("Any two nudges at least", self.gap_s)
        form.addRow("The same nudge at most every", self.repeat_gap_s)
        form.addRow("Your product and company", self.product_terms)
        form.addRow("Your competitors", self.competitors)

        hint = QLabel("Hover over a nudge to read why it matters.")
        hint.setObjectName("muted")
        self.cue_detector = QLabel(f"Customer cues: {cue_detector}" if cue_detector else "")
        self.cue_detector.setWordWrap(True)
        self.cue_detector.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.cue_detector)
        layout.addLayout(grid)
        layout.addLayout(form)
        layout.addStretch(1)

    def apply(self, settings: Settings) -> None:
        settings.disabled_nudges = [name for name, box in self.switches.items() if not box.isChecked()]
        kinds = playbook()
        settings.nudge_thresholds = {
            name: box.value() for name, box in self.thresholds.items() if box.value() != kinds[name].threshold
        }
        settings.nudge_gap_s = float(self.gap_s.value())
        settings.nudge_repeat_gap_s = float(self.repeat_gap_s.value())
        settings.product_terms = _terms(self.product_terms.text())
        settings.competitors = _terms(self.competitors.text())


def _threshold_box(kind: NudgeKind, value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    decimals = 2 if kind.maximum <= 2 else 1 if kind.unit == "times as often" else 0
    box.setDecimals(decimals)
    box.setSingleStep({2: 0.05, 1: 0.1}.get(decimals, 5 if kind.maximum >= 100 else 1))
    box.setRange(kind.minimum, kind.maximum)
    box.setValue(value)
    box.setSuffix(_SUFFIX.get(kind.unit, f" {kind.unit}"))
    box.setToolTip(f"{kind.title}: threshold in {kind.unit}")
    box.setAccessibleName(f"{kind.title} threshold")
    return box


def _seconds_box(low: int, high: int, value: float) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSuffix(" s")
    box.setValue(round(value))
    return box

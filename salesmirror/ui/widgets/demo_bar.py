"""The demo's controls: play/pause, restart, speed, jump to the next nudge, and its sound."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from salesmirror.ui import theme

SPEEDS = (1.0, 2.0, 4.0)


class DemoBar(QFrame):
    play_pause = Signal()
    restart = Signal()
    speed_chosen = Signal(float)
    next_nudge = Signal()
    toggle_sound = Signal()
    leave = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoBar")
        self.setStyleSheet(
            f"QFrame#demoBar {{ background: {theme.SURFACE.name()}; border-radius: 8px; }}"
            " QFrame#demoBar QLabel { background: transparent; }"
        )
        root = QVBoxLayout(self)
        root.setContentsMargins(8, 6, 8, 6)
        buttons = QHBoxLayout()
        more = QHBoxLayout()
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Play or pause the demo (Space)")
        self.restart_button = QPushButton("Restart")
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(f"{speed:g}×", speed)
        self.speed.setToolTip("Play the demo faster")
        self.next_button = QPushButton("Next nudge ›")
        self.next_button.setToolTip("Skip ahead to just before the next nudge")
        self.sound_button = QPushButton("Sound on")
        self.sound_button.setCheckable(True)
        self.sound_button.setChecked(True)
        self.leave_button = QPushButton("Leave demo")
        for widget in (self.play_button, self.restart_button, self.speed):
            buttons.addWidget(widget)
        more.addWidget(self.next_button)
        more.addWidget(self.sound_button)
        more.addStretch(1)
        more.addWidget(self.leave_button)
        root.addLayout(buttons)
        root.addLayout(more)
        self.play_button.clicked.connect(self.play_pause)
        self.restart_button.clicked.connect(self.restart)
        self.next_button.clicked.connect(self.next_nudge)
        self.sound_button.clicked.connect(self.toggle_sound)
        self.leave_button.clicked.connect(self.leave)
        self.speed.currentIndexChanged.connect(
            lambda _i: self.speed_chosen.emit(float(self.speed.currentData()))
        )

    def set_playing(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")

    def set_speed(self, speed: float) -> None:
        self.speed.setCurrentIndex(max(0, self.speed.findData(speed)))

    def set_sound(self, state: str, available: bool, on: bool) -> None:
        """`state` is the demo's own words for what the room hears (the tooltip)."""
        self.sound_button.setEnabled(available)
        self.sound_button.setChecked(available and on)
        self.sound_button.setText("No sound" if not available else "Sound on" if on else "Sound off")
        self.sound_button.setToolTip(f"{state} (M)")

"""Presentation mode: the live coach full screen for a room — a live call, the demo or a stored
session played again. Large type, high contrast, and a side panel that explains each nudge as it
fires. Keys suit a presenter remote: Space plays or pauses, → / PageDown jumps to the next nudge,
← / PageUp restarts, ↑ / ↓ change the speed, F5 starts, Esc leaves."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from salesmirror.coaching.events import Nudge, Speaker, Utterance
from salesmirror.coaching.playbook import playbook
from salesmirror.timefmt import clock
from salesmirror.ui import theme
from salesmirror.ui.demo_mode import DemoMode
from salesmirror.ui.live_session import LiveSession
from salesmirror.ui.widgets.activity_light import ActivityLight
from salesmirror.ui.widgets.ratio_gauge import TalkRatioGauge

REFRESH_MS = 100
_KEYS_HELP = "Space play / pause · → next nudge · ← restart · ↑ ↓ speed · Esc leave"


def principle(why: str, sentences: int = 2) -> str:
    """The first sentences of a nudge's why: the principle, short enough to read from the back."""
    parts = re.split(r"(?<=[.!?])\s+", why.strip())
    return " ".join(parts[:sentences])


class PresentationWindow(QWidget):
    def __init__(
        self,
        session: LiveSession,
        start_or_stop: Callable[[], None],
        demo: DemoMode | None = None,
        title: str = "",
        monologue_limit_s: float = 90.0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.session = session
        self.demo = demo
        self._start_or_stop = start_or_stop
        self._monologue_limit_s = monologue_limit_s
        self.setWindowTitle("SalesMirror — presentation")
        self.setStyleSheet(
            f"QWidget {{ background: {theme.BACKGROUND.name()}; color: {theme.TEXT.name()}; }}"
            f" QLabel#muted {{ color: {theme.MUTED.name()}; }}"
        )
        self._build(title)
        self._wire()

    def _build(self, title: str) -> None:
        root = QHBoxLayout(self)
        root.setContentsMargins(36, 32, 36, 32)
        root.setSpacing(32)

        stage = QVBoxLayout()
        stage.setSpacing(18)
        top = QHBoxLayout()
        self.title = QLabel(title or "SalesMirror")
        self.title.setStyleSheet("font-size: 30pt; font-weight: 700;")
        self.title.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.status.setStyleSheet("font-size: 20pt;")
        top.addWidget(self.title, 1)
        top.addWidget(self.status)
        stage.addLayout(top)
        self.gauge = TalkRatioGauge()
        self.gauge.setMinimumSize(360, 260)
        stage.addWidget(self.gauge, 5)
        figures = QHBoxLayout()
        self.you_light = ActivityLight("You", theme.YOU)
        self.them_light = ActivityLight("Them", theme.THEM)
        for light in (self.you_light, self.them_light):
            light.setStyleSheet("font-size: 24pt;")
            light.setMinimumSize(150, 64)
            figures.addWidget(light)
        figures.addStretch(1)
        self.monologue = QLabel("0:00")
        self.monologue.setStyleSheet("font-size: 36pt; font-weight: 700;")
        caption = QLabel("monologue")
        caption.setObjectName("muted")
        caption.setStyleSheet("font-size: 14pt;")
        figures.addWidget(caption)
        figures.addWidget(self.monologue)
        self.elapsed = QLabel("0:00")
        self.elapsed.setObjectName("muted")
        self.elapsed.setStyleSheet("font-size: 24pt; margin-left: 16px;")
        top.addWidget(self.elapsed)
        stage.addLayout(figures)
        self.nudge = QLabel()
        self.nudge.setWordWrap(True)
        self.nudge.setMinimumHeight(120)
        self.nudge.setStyleSheet(
            f"background: {theme.NUDGE.name()}; border-left: 10px solid {theme.NUDGE_ACCENT.name()};"
            " border-radius: 14px; padding: 18px 26px; font-size: 34pt; font-weight: 700;"
        )
        self.nudge.hide()
        stage.addWidget(self.nudge)
        self.said = QLabel()
        self.said.setWordWrap(True)
        self.said.setStyleSheet("font-size: 20pt;")
        self.said.setMinimumHeight(90)
        stage.addWidget(self.said)
        root.addLayout(stage, 3)

        self.panel = QFrame()
        self.panel.setObjectName("panel")
        self.panel.setStyleSheet(
            f"QFrame#panel {{ background: {theme.SURFACE.name()}; border-radius: 18px; }}"
            " QFrame#panel QLabel { background: transparent; }"
        )
        side = QVBoxLayout(self.panel)
        side.setContentsMargins(32, 28, 32, 28)
        heading = QLabel("Why this nudge")
        heading.setObjectName("muted")
        heading.setStyleSheet("font-size: 18pt; font-weight: 600; letter-spacing: 1px;")
        self.why_title = QLabel("Nudges appear here as they fire")
        self.why_title.setWordWrap(True)
        self.why_title.setStyleSheet(
            f"font-size: 28pt; font-weight: 700; color: {theme.NUDGE_ACCENT.name()};"
        )
        self.why = QLabel(
            "Each nudge follows a principle of good selling: a dialogue, not a monologue; "
            "understand before you pitch; let the customer tell their story."
        )
        self.why.setWordWrap(True)
        self.why.setStyleSheet("font-size: 22pt; line-height: 130%;")
        self.evidence = QLabel()
        self.evidence.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the customer
        self.evidence.setWordWrap(True)
        self.evidence.setObjectName("muted")
        self.evidence.setStyleSheet("font-size: 16pt;")
        self.history = QLabel()
        self.history.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the customer
        self.history.setWordWrap(True)
        self.history.setObjectName("muted")
        self.history.setStyleSheet("font-size: 16pt;")
        keys = QLabel(_KEYS_HELP if self.demo is not None else "Space start / stop · Esc leave")
        keys.setObjectName("muted")
        keys.setWordWrap(True)
        keys.setStyleSheet("font-size: 13pt;")
        for widget in (heading, self.why_title, self.why, self.evidence):
            side.addWidget(widget)
        side.addStretch(1)
        side.addWidget(self.history)
        side.addWidget(keys)
        root.addWidget(self.panel, 2)

    def _wire(self) -> None:
        self.session.nudge.connect(self.show_nudge)
        self.session.utterance.connect(self.show_utterance)
        self.session.finished.connect(self.refresh)
        self.fired: list[Nudge] = []
        demo = self.demo
        shortcuts: dict[str, Callable[[], object]] = {
            "Esc": self.close,
            "Space": demo.play_pause if demo is not None else self._start_or_stop,
            "F5": self._start,
        }
        if demo is not None:
            shortcuts |= {
                "Right": demo.next_nudge,
                "PgDown": demo.next_nudge,
                "Left": demo.restart,
                "PgUp": demo.restart,
                "Up": lambda: demo.faster(1),
                "Down": lambda: demo.faster(-1),
            }
        for keys, slot in shortcuts.items():
            QShortcut(QKeySequence(keys), self, slot)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.nudge_timer = QTimer(self)
        self.nudge_timer.setSingleShot(True)
        self.nudge_timer.timeout.connect(self.nudge.hide)

    def _start(self) -> None:
        if not self.session.running:
            self._start_or_stop()

    def refresh(self) -> None:
        snapshot = self.session.snapshot()
        if snapshot is None:
            self.status.setText("Press Space to start")
            return
        figures = snapshot.figures
        self.gauge.set_ratios(figures.recent_ratio_you, figures.ratio_you)
        self.you_light.set_active(snapshot.you_speaking)
        self.them_light.set_active(snapshot.them_speaking)
        self.monologue.setText(clock(figures.monologue_s))
        colour = theme.monologue_colour(figures.monologue_s, self._monologue_limit_s) or theme.TEXT
        style = f"font-size: 36pt; font-weight: 700; color: {colour.name()};"
        if style != self.monologue.styleSheet():
            self.monologue.setStyleSheet(style)
        self.elapsed.setText(clock(figures.t))
        if not self.session.running:
            self.status.setText("Finished — press Space to play again" if self.demo else "Call ended")
        elif self.demo is not None and self.demo.playback is not None and self.demo.playback.paused:
            self.status.setText("Paused")
        elif self.demo is not None:
            self.status.setText(f"Playing at {self.demo.speed:g}×")
        else:
            self.status.setText("Listening")

    @Slot(object)
    def show_nudge(self, nudge: Nudge) -> None:
        kind = playbook().get(nudge.kind)
        self.nudge.setText(nudge.text)
        self.nudge.show()
        self.nudge_timer.start(12_000)
        self.why_title.setText(kind.title if kind is not None else nudge.text)
        self.why.setText(principle(kind.why) if kind is not None else "")
        self.evidence.setText(f"{clock(nudge.t)} — because {nudge.evidence}")
        self.fired.append(nudge)
        recent = self.fired[-4:]
        self.history.setText("So far: " + " · ".join(f"{clock(n.t)} {n.text}" for n in recent))

    @Slot(object)
    def show_utterance(self, utterance: Utterance) -> None:
        who = "You" if utterance.speaker is Speaker.YOU else "Them"
        colour = theme.YOU if utterance.speaker is Speaker.YOU else theme.THEM
        text = utterance.text if len(utterance.text) <= 160 else utterance.text[:157] + "…"
        # What was said is shown as written, never as markup ("<b>" in a transcript stays "<b>").
        said = html.escape(text)
        self.said.setText(f"<span style='color:{colour.name()}'><b>{who}:</b></span> {said}")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timer.stop()
        super().closeEvent(event)

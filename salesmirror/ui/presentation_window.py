"""Presentation mode: the live coach full screen for a room — a live call, the demo or a stored
session played again. Large type, high contrast, and a side panel that explains each nudge as it
fires. Keys suit a presenter remote: Space plays or pauses, → / PageDown jumps to the next nudge,
← / PageUp restarts, ↑ / ↓ change the speed, F5 starts, Esc leaves."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from salesmirror.coaching.playbook import playbook
from salesmirror.events import Nudge, Speaker, Utterance
from salesmirror.timefmt import clock
from salesmirror.ui import theme
from salesmirror.ui.demo_mode import DemoMode
from salesmirror.ui.live_session import LiveSession
from salesmirror.ui.widgets.activity_light import ActivityLight
from salesmirror.ui.widgets.ratio_gauge import TalkRatioGauge

REFRESH_MS = 100
HISTORY_LINES = 8  # the latest nudges listed in the side panel, one a line
_KEYS_HELP = "Space play / pause · → next nudge · ← restart · ↑ ↓ speed · M sound · Esc leave"


def principle(why: str, sentences: int = 2) -> str:
    """The first sentences of a nudge's why: the principle, short enough to read from the back."""
    parts = re.split(r"(?<=[.!?])\s+", why.strip())
    return " ".join(parts[:sentences])


def nudge_history(fired: list[Nudge], lines: int = HISTORY_LINES) -> str:
    """The call's nudges for the side panel: how many, then the latest, one a line."""
    earlier = len(fired) - lines
    listed = [f"{clock(n.t)}  {n.text}" for n in fired[-lines:]]
    more = [f"… and {earlier} earlier"] if earlier > 0 else []
    return "\n".join([f"Nudges so far: {len(fired)}", *more, *listed])


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
        # Type is designed for 1920×1080 and scaled to the screen it is shown on (see
        # resizeEvent): fixed sizes overflowed a 1366×768 projector.
        self._type: list[tuple[QWidget, float, str]] = []
        self._scale = 1.0
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
        self._sized(self.title, 30, "font-weight: 700;")
        self.title.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("muted")
        self._sized(self.status, 20)
        # The status and the clock keep their width; the title wraps in what is left.
        self.status.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        top.addWidget(self.title, 1)
        top.addWidget(self.status)
        stage.addLayout(top)
        self.gauge = TalkRatioGauge()
        stage.addWidget(self.gauge, 5)
        figures = QHBoxLayout()
        self.you_light = ActivityLight("You", theme.YOU)
        self.them_light = ActivityLight("Them", theme.THEM)
        for light in (self.you_light, self.them_light):
            self._sized(light, 24)
            light.setMinimumSize(150, 64)
            figures.addWidget(light)
        figures.addStretch(1)
        self.monologue = QLabel("0:00")
        self._sized(self.monologue, 36, "font-weight: 700;")
        caption = QLabel("monologue")
        caption.setObjectName("muted")
        self._sized(caption, 14)
        figures.addWidget(caption)
        figures.addWidget(self.monologue)
        self.elapsed = QLabel("0:00")
        self.elapsed.setObjectName("muted")
        self._sized(self.elapsed, 24, "margin-left: 16px;")
        self.elapsed.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        top.addWidget(self.elapsed)
        stage.addLayout(figures)
        # A frame around a plain label: padding on a word-wrapped label itself makes Qt
        # under-estimate its height, and the last line was cut off.
        self.nudge = QFrame()
        self.nudge.setObjectName("nudge")
        self.nudge.setStyleSheet(
            f"QFrame#nudge {{ background: {theme.NUDGE.name()}; border-radius: 14px;"
            f" border-left: 10px solid {theme.NUDGE_ACCENT.name()}; }}"
            " QFrame#nudge QLabel { background: transparent; border: none; }"
        )
        nudge_layout = QVBoxLayout(self.nudge)
        nudge_layout.setContentsMargins(26, 16, 26, 16)
        self.nudge_text = QLabel()
        self.nudge_text.setWordWrap(True)
        self._sized(self.nudge_text, 34, "font-weight: 700;")
        nudge_layout.addWidget(self.nudge_text)
        self.nudge.hide()
        stage.addWidget(self.nudge)
        self.said = QLabel()
        self.said.setWordWrap(True)
        self._sized(self.said, 20)
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
        self._sized(heading, 18, "font-weight: 600; letter-spacing: 1px;")
        self.why_title = QLabel()
        self.why_title.setWordWrap(True)
        self._sized(self.why_title, 28, f"font-weight: 700; color: {theme.NUDGE_ACCENT.name()};")
        self.why = QLabel()
        self.why.setWordWrap(True)
        self._sized(self.why, 22)
        self.evidence = QLabel()
        self.evidence.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the customer
        self.evidence.setWordWrap(True)
        self.evidence.setObjectName("muted")
        self._sized(self.evidence, 16)
        self.history = QLabel()
        self.history.setTextFormat(Qt.TextFormat.PlainText)
        self.history.setWordWrap(True)
        self.history.setObjectName("muted")
        self._sized(self.history, 17)
        keys = QLabel(_KEYS_HELP if self.demo is not None else "Space start / stop · Esc leave")
        keys.setObjectName("muted")
        keys.setWordWrap(True)
        self._sized(keys, 13)
        for widget in (heading, self.why_title, self.why, self.evidence):
            side.addWidget(widget)
        side.addStretch(1)
        side.addWidget(self.history)
        side.addSpacing(12)
        side.addWidget(keys)
        root.addWidget(self.panel, 2)
        self._show_intro()

    def _show_intro(self) -> None:
        self.why_title.setText("Nudges appear here as they fire")
        self.why.setText(
            "Each nudge follows a principle of good selling: a dialogue, not a monologue; "
            "understand before you pitch; let the customer tell their story."
        )
        self.evidence.clear()
        self.history.clear()

    def _wire(self) -> None:
        self.session.nudge.connect(self.show_nudge)
        self.session.utterance.connect(self.show_utterance)
        self.session.finished.connect(self.refresh)
        self.fired: list[Nudge] = []  # the shown call's nudges
        self._call_shown: object = None  # the pipeline they came from
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
                "M": demo.toggle_sound,
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

    def _follow_call(self) -> None:
        """A new call (the demo restarted or played again, or Start) begins with a clean panel:
        the nudges listed are always this call's."""
        if self.session.pipeline is self._call_shown:
            return
        self._call_shown = self.session.pipeline
        self.fired.clear()
        self.nudge.hide()
        self.said.clear()
        self._show_intro()

    def refresh(self) -> None:
        self._follow_call()
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
        style = f"font-size: {36 * self._scale:.1f}pt; font-weight: 700; color: {colour.name()};"
        if style != self.monologue.styleSheet():
            self.monologue.setStyleSheet(style)
        self.elapsed.setText(clock(figures.t))
        if not self.session.running:
            self.status.setText("Finished · Space plays again" if self.demo else "Call ended")
        elif self.demo is not None and self.demo.playback is not None and self.demo.playback.paused:
            self.status.setText("Paused")
        elif self.demo is not None:
            sound = self.demo.sound_state
            heard = "" if sound == "Sound on" else f" · {sound.partition(':')[0].lower()}"
            self.status.setText(f"Playing at {self.demo.speed:g}×{heard}")
        else:
            self.status.setText("Listening")

    @Slot(object)
    def show_nudge(self, nudge: Nudge) -> None:
        self._follow_call()
        kind = playbook().get(nudge.kind)
        self.nudge_text.setText(nudge.text)
        self.nudge.show()
        self.nudge_timer.start(12_000)
        self.why_title.setText(kind.title if kind is not None else nudge.text)
        self.why.setText(principle(kind.why) if kind is not None else "")
        self.evidence.setText(f"{clock(nudge.t)} — because {nudge.evidence}")
        self.fired.append(nudge)
        self.history.setText(nudge_history(self.fired))

    @Slot(object)
    def show_utterance(self, utterance: Utterance) -> None:
        who = "You" if utterance.speaker is Speaker.YOU else "Them"
        colour = theme.YOU if utterance.speaker is Speaker.YOU else theme.THEM
        text = utterance.text if len(utterance.text) <= 160 else utterance.text[:157] + "…"
        # What was said is shown as written, never as markup ("<b>" in a transcript stays "<b>").
        said = html.escape(text)
        self.said.setText(f"<span style='color:{colour.name()}'><b>{who}:</b></span> {said}")

    def _sized(self, widget: QWidget, points: float, style: str = "") -> None:
        """Give `widget` type of `points` at 1920×1080, scaled with the window."""
        self._type.append((widget, points, style))
        widget.setStyleSheet(f"font-size: {points * self._scale:.1f}pt; {style}")

    def resizeEvent(self, event: QResizeEvent) -> None:
        scale = max(0.5, min(1.6, self.width() / 1920, self.height() / 1080))
        if abs(scale - self._scale) > 0.01:
            self._scale = scale
            for widget, points, style in self._type:
                widget.setStyleSheet(f"font-size: {points * scale:.1f}pt; {style}")
            self.gauge.setMinimumSize(round(360 * scale), round(260 * scale))
            for light in (self.you_light, self.them_light):
                light.setMinimumSize(round(150 * scale), round(64 * scale))
        super().resizeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timer.stop()
        super().closeEvent(event)

"""The compact live window that sits beside a video call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from salesmirror.events import Nudge, PartialText, Speaker, Utterance
from salesmirror.pipeline.call_pipeline import Recognition
from salesmirror.settings import Settings
from salesmirror.speech.speaker_id import VoicesHeard
from salesmirror.timefmt import clock
from salesmirror.ui import theme
from salesmirror.ui.capture_privacy import hide_from_capture
from salesmirror.ui.demo_mode import DemoMode
from salesmirror.ui.live_session import LiveSession
from salesmirror.ui.widgets.activity_light import ActivityLight
from salesmirror.ui.widgets.demo_bar import DemoBar
from salesmirror.ui.widgets.live_transcript import LiveTranscript
from salesmirror.ui.widgets.nudge_banner import NudgeBanner
from salesmirror.ui.widgets.ratio_gauge import TalkRatioGauge

REFRESH_MS = 100  # the gauge and lights are fed from the pipeline's mailbox at 10 Hz
_NOISY_WHERE = {Speaker.YOU: "on your microphone", Speaker.THEM: "on the call's audio"}
_VOICES_HEARD = {
    VoicesHeard.NOT_YET: "One microphone: still learning the voices in this call",
    VoicesHeard.ONLY_THEIRS: "One microphone: your voice not heard yet, so all talk counts as theirs",
    VoicesHeard.ONLY_YOURS: "One microphone: only your voice heard so far, so all talk counts as yours",
    VoicesHeard.YOURS_AND_ANOTHER: "One microphone: your voice and another; who spoke when is estimated",
}


@dataclass(frozen=True)
class WindowActions:
    """What the window can ask of the application, which owns settings, models and dialogs."""

    open_settings: Callable[[], None]
    choose_model_folder: Callable[[], None]
    download_model: Callable[[], None]
    save_settings: Callable[[], None]
    open_sessions: Callable[[], None]
    open_replay: Callable[[int], None]
    start_demo: Callable[[], None]
    present: Callable[[], None]
    open_recording: Callable[[], None]


def quit_everything() -> None:
    QApplication.closeAllWindows()
    QApplication.quit()


class LiveWindow(QWidget):
    def __init__(
        self,
        session: LiveSession,
        settings: Settings,
        actions: WindowActions,
        source_label: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._monologue_limit_s = 90.0  # set from the settings when a call starts
        self.settings = settings
        self.app_actions = actions
        self.source_label = source_label
        self.setWindowTitle("SalesMirror")
        self.setMinimumSize(300, 420)
        self.resize(360, 560)
        self._build()
        self._wire()
        self._restore_geometry()
        self.set_recognition_available(True)

    # --- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        # Everything sits in a scroll area: on a short screen with every notice and a nudge's
        # why open, the window scrolls instead of squeezing text until it is cut off.
        self._content = QWidget()
        root = QVBoxLayout(self._content)
        root.setContentsMargins(12, 10, 12, 12)
        root.setSpacing(8)

        header = QHBoxLayout()
        self.status = QLabel("Ready")
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        header.addStretch(1)
        self.pin_button = QToolButton()
        self.pin_button.setText("Pin")
        self.pin_button.setCheckable(True)
        self.pin_button.setToolTip("Keep this window on top of the call (Ctrl+P)")
        self.settings_button = QToolButton()
        self.settings_button.setText("Settings")
        self.settings_button.setToolTip("Devices, model and thresholds (Ctrl+,)")
        self.sessions_button = QToolButton()
        self.sessions_button.setText("Calls")
        self.sessions_button.setToolTip("Your stored calls: replay, search, export (Ctrl+L)")
        self.more_button = QToolButton()
        self.more_button.setText("⋯")
        self.more_button.setToolTip("Present, open a recording, play the demo call")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        more = QMenu(self.more_button)
        self.present_action = more.addAction("Present — full screen for a room (F5)")
        self.present_action.triggered.connect(lambda _checked: self.app_actions.present())
        self.open_recording_action = more.addAction("Open a recording…")
        self.open_recording_action.setShortcut(QKeySequence("Ctrl+O"))
        self.addAction(self.open_recording_action)  # the shortcut works with the menu closed
        self.open_recording_action.triggered.connect(lambda _checked: self.app_actions.open_recording())
        self.play_demo_action = more.addAction("Play the demo call")
        self.play_demo_action.triggered.connect(lambda _checked: self.app_actions.start_demo())
        self.more_button.setMenu(more)
        header.addWidget(self.pin_button)
        header.addWidget(self.sessions_button)
        header.addWidget(self.settings_button)
        header.addWidget(self.more_button)
        root.addLayout(header)
        root.addWidget(self.status)
        self.noise_notice = QLabel()
        self.noise_notice.setObjectName("noiseNotice")
        self.noise_notice.setWordWrap(True)
        self.noise_notice.setStyleSheet("QLabel#noiseNotice { color: #e0a040; }")
        self.noise_notice.hide()
        root.addWidget(self.noise_notice)
        self.voices_notice = QLabel()
        self.voices_notice.setWordWrap(True)
        self.voices_notice.setStyleSheet("color: #e0a040;")
        self.voices_notice.hide()
        root.addWidget(self.voices_notice)
        self.dropped_notice = QLabel()
        self.dropped_notice.setWordWrap(True)
        self.dropped_notice.setStyleSheet("color: #e0a040;")
        self.dropped_notice.hide()
        root.addWidget(self.dropped_notice)

        self.notice = QFrame()
        self.notice.setObjectName("notice")
        notice_layout = QVBoxLayout(self.notice)
        notice_layout.setContentsMargins(10, 8, 10, 8)
        self.notice_text = QLabel()
        self.notice_text.setWordWrap(True)
        self.notice_text.setStyleSheet("background: transparent;")
        self.notice_close = QToolButton()
        self.notice_close.setText("×")
        self.notice_close.setToolTip("Hide this note (the status line still says talk time only)")
        self.notice_close.setAutoRaise(True)
        self.notice_close.clicked.connect(self._dismiss_model_notice)
        notice_top = QHBoxLayout()
        notice_top.addWidget(self.notice_text, 1)
        notice_top.addWidget(self.notice_close, 0, Qt.AlignmentFlag.AlignTop)
        notice_layout.addLayout(notice_top)
        notice_buttons = QHBoxLayout()
        self.use_folder_button = QPushButton("Use a model folder…")
        self.download_button = QPushButton("Download a model…")
        notice_buttons.addWidget(self.use_folder_button)
        notice_buttons.addWidget(self.download_button)
        notice_layout.addLayout(notice_buttons)
        root.addWidget(self.notice)

        # A frame around a plain label: padding set on a word-wrapped label itself makes Qt
        # under-estimate its height, and the last line was cut off.
        self.audio_notice_frame = QFrame()
        self.audio_notice_frame.setObjectName("audioNotice")
        self.audio_notice_frame.setStyleSheet(
            "QFrame#audioNotice { background: #33262a; border: 1px solid #6b3f3a; border-radius: 8px; }"
        )
        audio_layout = QVBoxLayout(self.audio_notice_frame)
        audio_layout.setContentsMargins(10, 8, 10, 8)
        self.audio_notice = QLabel()
        self.audio_notice.setWordWrap(True)
        self.audio_notice.setStyleSheet("background: transparent; border: none;")
        audio_layout.addWidget(self.audio_notice)
        self.audio_notice_frame.hide()
        root.addWidget(self.audio_notice_frame)
        self.keeping_audio = QLabel("● Keeping this call's audio (Settings → Privacy)")
        self.keeping_audio.setStyleSheet(f"color: {theme.TOO_MUCH.name()}; font-weight: 600;")
        self.keeping_audio.setToolTip("The audio is stored on this computer with the session, for the replay")
        self.keeping_audio.hide()
        root.addWidget(self.keeping_audio)
        self.try_demo = QPushButton("Try the demo call — no microphone needed")
        self.try_demo.setToolTip(
            "Plays a bundled sales call through the coach, with its nudges (also in ⋯, and "
            "'salesmirror demo')"
        )
        self.try_demo.hide()
        root.addWidget(self.try_demo)
        self.demo_bar = DemoBar()
        self.demo_bar.hide()
        root.addWidget(self.demo_bar)
        self.demo: DemoMode | None = None

        self.gauge = TalkRatioGauge()
        # Its height stays put when a nudge banner appears: the transcript below gives way.
        self.gauge.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        root.addWidget(self.gauge)

        lights = QHBoxLayout()
        self.you_light = ActivityLight("You", theme.YOU)
        self.them_light = ActivityLight("Them", theme.THEM)
        lights.addWidget(self.you_light)
        lights.addWidget(self.them_light)
        lights.addStretch(1)
        monologue_box = QVBoxLayout()
        monologue_caption = QLabel("monologue")
        monologue_caption.setObjectName("muted")
        monologue_caption.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.monologue = QLabel("0:00")
        self.monologue.setObjectName("monologue")
        self.monologue.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.monologue.setToolTip("How long you have talked without them speaking for a second")
        monologue_box.addWidget(monologue_caption)
        monologue_box.addWidget(self.monologue)
        lights.addLayout(monologue_box)
        root.addLayout(lights)

        self.banner = NudgeBanner()
        root.addWidget(self.banner)
        self.snoozed = QPushButton()
        self.snoozed.setFlat(True)
        self.snoozed.setObjectName("muted")
        self.snoozed.setToolTip("Nudges are snoozed; click to let them through again (Ctrl+M)")
        self.snoozed.hide()
        root.addWidget(self.snoozed)

        self.transcript_toggle = QToolButton()

        self.transcript_toggle.setText("Transcript")
        self.transcript_toggle.setCheckable(True)
        self.transcript_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.transcript_toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.transcript_toggle.setToolTip("Show or hide the live transcript (Ctrl+T)")
        root.addWidget(self.transcript_toggle)
        self.transcript = LiveTranscript()
        self.transcript.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.back_to_latest = QPushButton("↓ New lines below — back to the latest")
        self.back_to_latest.setToolTip("You scrolled up, so the transcript stopped following the call")
        self.back_to_latest.clicked.connect(self.transcript.show_latest)
        self.back_to_latest.hide()
        self.transcript.following_changed.connect(
            lambda following: self.back_to_latest.setVisible(not following and self.transcript.isVisible())
        )
        self.partial = QLabel()
        self.partial.setObjectName("muted")
        self.partial.setWordWrap(True)
        root.addWidget(self.transcript, 1000)
        root.addWidget(self.back_to_latest)
        root.addWidget(self.partial)
        # Spare height goes here, below everything, when there is no transcript to take it.
        root.addStretch(1)

        footer = QHBoxLayout()
        self.start_button = QPushButton("Start")
        self.start_button.setObjectName("primary")
        self.start_button.setCheckable(True)
        self.start_button.setToolTip("Start or stop listening (Space)")
        self.elapsed = QLabel("0:00")
        self.elapsed.setObjectName("muted")
        self.replay_button = QPushButton("Replay")
        self.replay_button.setToolTip("Replay the call you just finished (Ctrl+R)")
        self.replay_button.hide()
        footer.addWidget(self.start_button, 1)
        footer.addWidget(self.replay_button)
        footer.addWidget(self.elapsed)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(scroll, 1)
        # Start and Stop never scroll out of reach.
        footer.setContentsMargins(12, 6, 12, 12)
        footer.setSpacing(10)
        outer.addLayout(footer)

        self.transcript_toggle.setChecked(self.settings.transcript_visible)
        self._show_transcript(self.settings.transcript_visible)
        self.pin_button.setChecked(self.settings.always_on_top)

    def _wire(self) -> None:
        self.start_button.clicked.connect(self.toggle_running)
        self.pin_button.toggled.connect(self.set_always_on_top)
        self.settings_button.clicked.connect(self.app_actions.open_settings)
        self.sessions_button.clicked.connect(self.app_actions.open_sessions)
        self.try_demo.clicked.connect(self.app_actions.start_demo)
        self.replay_button.clicked.connect(self.replay_last_call)
        self.use_folder_button.clicked.connect(self.app_actions.choose_model_folder)
        self.download_button.clicked.connect(self.app_actions.download_model)
        self.transcript_toggle.toggled.connect(self._show_transcript)
        self.session.nudge.connect(self.show_nudge)
        self.banner.snooze_requested.connect(self.snooze_nudges)
        self.banner.why_button.toggled.connect(lambda _shown: QTimer.singleShot(0, self.fit_content))
        self.snoozed.clicked.connect(self.resume_nudges)
        self.session.utterance.connect(self.add_utterance)
        self.session.partial.connect(self.show_partial)
        self.session.problem.connect(self.show_problem)
        self.session.finished.connect(self._on_finished)
        shortcuts = {
            "Space": self._space,
            "M": self._toggle_demo_sound,
            "F5": self.app_actions.present,
            "Ctrl+,": self.app_actions.open_settings,
            "Ctrl+T": self.transcript_toggle.toggle,
            "Ctrl+P": self.pin_button.toggle,
            "Ctrl+M": self.toggle_snooze,
            "Ctrl+L": self.app_actions.open_sessions,
            "Ctrl+R": self.replay_last_call,
        }
        for keys, slot in shortcuts.items():
            QShortcut(QKeySequence(keys), self, slot)
        # Quit means quit, from any of the app's windows: every window closes (this one ends the
        # call as Stop does and saves the settings), then the event loop ends.
        quit_keys = QShortcut(QKeySequence("Ctrl+Q"), self, quit_everything)
        quit_keys.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)

    # --- state ----------------------------------------------------------------------------

    def set_recognition_available(self, available: bool, reason: str = "") -> None:
        """Show or hide the 'talk time only' notice with its two ways out (and, without a model,
        the transcript, which would stay empty)."""
        self.notice.setVisible(not available)
        self.transcript_toggle.setVisible(available)
        self._show_transcript(available and self.settings.transcript_visible, remember=False)
        if not available:
            self.notice_text.setText(
                reason
                or "Talk time only: with no speech model there is no transcript and no nudge "
                "about the customer's words."
            )
        # Without a transcript, no hole where it was; a size the user chose (restored at start,
        # before the window shows) is kept.
        self.fit_content(shrink=not available and self.isVisible())

    def _dismiss_model_notice(self) -> None:
        self.notice.hide()
        QTimer.singleShot(0, lambda: self.fit_content(shrink=not self.transcript.isVisible()))
        self.status.setText("Talk time only: no speech model (Settings → Speech model)")

    def set_first_run(self, first: bool) -> None:
        """Before the first call, offer the demo: the app shown without a call or a model."""
        self.try_demo.setVisible(first and self.demo is None)
        self.fit_content()

    def show_demo(self, demo: DemoMode) -> None:
        self.demo = demo
        bar = self.demo_bar
        bar.setToolTip(f"{demo.material.title}: talk time from its audio, the words from its script")
        bar.set_speed(demo.speed)
        bar.play_pause.connect(demo.play_pause)
        bar.restart.connect(demo.restart)
        bar.speed_chosen.connect(demo.set_speed)
        bar.next_nudge.connect(demo.next_nudge)
        bar.toggle_sound.connect(demo.toggle_sound)
        # A method of this window, not a lambda: Qt drops the connection when the window goes, so a
        # demo that changes state as it winds down never reaches a deleted button.
        demo.changed.connect(self._show_demo_state)
        self._show_demo_state()
        self.try_demo.hide()
        bar.show()

    def hide_demo(self) -> None:
        if self.demo is not None:
            self.demo.changed.disconnect(self._show_demo_state)
            for signal in (
                self.demo_bar.play_pause,
                self.demo_bar.restart,
                self.demo_bar.speed_chosen,
                self.demo_bar.next_nudge,
                self.demo_bar.toggle_sound,
            ):
                signal.disconnect()
        self.demo = None
        self.demo_bar.hide()

    @Slot()
    def _show_demo_state(self) -> None:
        demo = self.demo
        if demo is None:
            return
        self.demo_bar.set_playing(demo.playing)
        self.demo_bar.set_sound(
            demo.sound_state, demo.has_sound and demo.sound_problem is None, demo.sound_on
        )

    def _toggle_demo_sound(self) -> None:
        if self.demo is not None:
            self.demo.toggle_sound()

    def _space(self) -> None:
        if self.demo is not None:
            self.demo.play_pause()
        else:
            self.start_button.click()

    def explain_audio_problem(self, message: str) -> None:
        """No microphone, or a device that cannot open: say what is needed instead of failing."""
        self.audio_notice.setText(message)
        self.audio_notice_frame.setVisible(bool(message))
        self.fit_content()

    def fit_content(self, shrink: bool = False) -> None:
        """Grow taller when notices need the room: a word-wrapped text squeezed below its
        height is cut off mid-line (the layout's minimum ignores height-for-width)."""
        layout = self._content.layout()
        if layout is None:
            return
        layout.activate()
        footer = self.start_button.sizeHint().height() + 18
        needed = layout.totalHeightForWidth(self.width()) + footer
        screen = self.screen()
        if screen is not None:
            needed = min(needed, screen.availableGeometry().height() - 40)
        if needed > self.height() or (shrink and needed < self.height()):
            self.resize(self.width(), needed)

    def toggle_running(self) -> None:
        if self.session.running:
            self.stop()
        else:
            self.start()

    def start(self) -> None:
        from salesmirror.audio.devices import AudioUnavailableError

        try:
            self.session.start()
        except (AudioUnavailableError, OSError) as exc:
            self.start_button.setChecked(False)
            self.explain_audio_problem(str(exc))
            self.status.setText("Not listening")
            return
        self.explain_audio_problem("")
        # The call's coaching settings are fixed at its start; the timer follows the same limit.
        pipeline = self.session.pipeline
        assert pipeline is not None
        self._monologue_limit_s = pipeline.session.settings.nudges.threshold("monologue") or 90.0
        self.transcript.clear_lines()
        self._set_partial("")
        self._clear_notices()
        self.replay_button.hide()
        self.keeping_audio.setVisible(self.session.keeps_audio)
        self.start_button.setChecked(True)
        self.start_button.setText("Stop")
        self.try_demo.hide()
        self.demo_bar.set_playing(True)
        self.status.setText(f"Listening: {self.source_label()}")
        self.refresh_timer.start()

    def stop(self) -> None:
        self.session.stop()
        self.status.setText("Stopping…")

    @Slot()
    def _on_finished(self) -> None:
        self.refresh()
        self.refresh_timer.stop()
        self.start_button.setChecked(False)
        self.start_button.setText("Start")
        self.keeping_audio.hide()
        self.demo_bar.set_playing(False)
        self.replay_button.setVisible(self.session.last_session_id is not None)
        outcome = self.session.save_outcome()
        if outcome is None or outcome[1].startswith("nothing to keep"):
            self.status.setText("Call ended — press Start for a new one")
        elif outcome[0]:
            self.status.setText("Call ended and saved — Replay it, or press Start for a new one")
        else:  # the journal already explained why; say plainly what is kept
            self.status.setText(f"Call ended — {outcome[1]}. Press Start for a new one")
        self.you_light.set_active(False)
        self.them_light.set_active(False)

    def clear_call(self) -> None:
        """Back to an empty window, as before any call (after leaving the demo)."""
        self.refresh_timer.stop()
        self.gauge.set_ratios(None, None)
        self.monologue.setText(clock(0))
        self._warn_of_monologue(0)
        self.elapsed.setText(clock(0))
        self.you_light.set_active(False)
        self.them_light.set_active(False)
        self.replay_button.hide()
        self.snoozed.hide()
        self.banner.hide()
        self.transcript.clear_lines()
        self._set_partial("")
        self._clear_notices()
        self.start_button.setChecked(False)
        self.start_button.setText("Start")

    def _clear_notices(self) -> None:
        """The notices speak of one call's figures (they stay up after it ends, beside them): a
        new call, or an empty window, starts without them."""
        self._show_noise(())
        self._show_voices(None)
        self._show_dropped(0)

    def replay_last_call(self) -> None:
        session_id = self.session.last_session_id
        if session_id is not None and not self.session.running:
            self.app_actions.open_replay(session_id)

    def refresh(self) -> None:
        """Timer slot: copy the newest snapshot into the widgets (cheap, no computation)."""
        snapshot = self.session.snapshot()
        if snapshot is None:
            return
        figures = snapshot.figures
        self.gauge.set_ratios(figures.recent_ratio_you, figures.ratio_you)
        self.you_light.set_active(snapshot.you_speaking)
        self.them_light.set_active(snapshot.them_speaking)
        self.monologue.setText(clock(figures.monologue_s))
        self._warn_of_monologue(figures.monologue_s)
        self.elapsed.setText(clock(figures.t))
        self.snoozed.setVisible(snapshot.snoozed_for_s > 0)
        if snapshot.snoozed_for_s > 0:
            self.snoozed.setText(f"Nudges snoozed — {clock(snapshot.snoozed_for_s)} left · resume")
        if snapshot.recognition is Recognition.LOADING:
            self._set_partial("Loading the speech model…")
        self._show_noise(snapshot.noisy)
        self._show_voices(snapshot.voices)
        self._show_dropped(snapshot.dropped_blocks)

    def _show_noise(self, noisy: tuple[Speaker, ...]) -> None:
        """The mirror is honest: when the room drowns the voices, the figures say so."""
        where = " and ".join(_NOISY_WHERE[s] for s in noisy)
        text = f"Background noise is high {where}: figures may be less exact" if noisy else ""
        if text != self.noise_notice.text():
            self.noise_notice.setText(text)
            self.noise_notice.setVisible(bool(text))

    def _show_voices(self, voices: VoicesHeard | None) -> None:
        """One microphone: say what the split of the talk rests on, since it is an estimate."""
        text = _VOICES_HEARD[voices] if voices is not None else ""
        if text != self.voices_notice.text():
            self.voices_notice.setText(text)
            self.voices_notice.setVisible(bool(text))

    def _show_dropped(self, blocks: int) -> None:
        """Audio the microphone lost (the computer fell behind) is talk time not counted: said,
        not hidden."""
        text = (
            f"Audio was lost {blocks} time{'s' if blocks != 1 else ''}: this computer is too busy to "
            "keep up, so some talk time is missing. Closing other programs helps."
            if blocks
            else ""
        )
        if text != self.dropped_notice.text():
            self.dropped_notice.setText(text)
            self.dropped_notice.setVisible(bool(text))

    def _warn_of_monologue(self, seconds: float) -> None:
        """The soft warning: the timer turns amber two thirds of the way to the monologue nudge,
        red once it is due."""
        colour = theme.monologue_colour(seconds, self._monologue_limit_s)
        style = "" if colour is None else f"color: {colour.name()};"
        if style != self.monologue.styleSheet():  # restyling re-polishes: only on change
            self.monologue.setStyleSheet(style)

    @Slot(object)
    def show_nudge(self, nudge: Nudge) -> None:
        self.banner.show_nudge(nudge)
        QTimer.singleShot(0, self.fit_content)  # once the banner has its height

    SNOOZE_S = 300.0

    def snooze_nudges(self) -> None:
        self.session.snooze(self.SNOOZE_S)
        self.banner.fade_out()
        self.snoozed.setText(f"Nudges snoozed — {clock(self.SNOOZE_S)} left · resume")
        self.snoozed.setVisible(self.session.running)

    def resume_nudges(self) -> None:
        self.session.snooze(None)
        self.snoozed.hide()

    def toggle_snooze(self) -> None:
        if self.snoozed.isVisible():
            self.resume_nudges()
        else:
            self.snooze_nudges()

    @Slot(object)
    def add_utterance(self, utterance: Utterance) -> None:
        who = "You" if utterance.speaker is Speaker.YOU else "Them"
        self.transcript.add_line(f"{clock(utterance.start)}  {who}: {utterance.text}")
        self._set_partial("")

    @Slot(object)
    def show_partial(self, partial: PartialText) -> None:
        who = "You" if partial.speaker is Speaker.YOU else "Them"
        self._set_partial(f"{who}: {partial.text}…")

    def _set_partial(self, text: str) -> None:
        self.partial.setText(text)
        self.partial.setVisible(bool(text) and self.transcript_toggle.isChecked())

    @Slot(str)
    def show_problem(self, message: str) -> None:
        self.explain_audio_problem(message)

    def set_always_on_top(self, on: bool) -> None:
        self.settings.always_on_top = on
        was_visible = self.isVisible()
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on)
        if was_visible:
            self.show()  # changing window flags hides a window

    def _show_transcript(self, visible: bool, remember: bool = True) -> None:
        if remember:
            self.settings.transcript_visible = visible
        self.transcript.setVisible(visible)
        self.back_to_latest.setVisible(visible and not self.transcript.following)
        self.partial.setVisible(visible and bool(self.partial.text()))
        self.transcript_toggle.setArrowType(Qt.ArrowType.DownArrow if visible else Qt.ArrowType.RightArrow)
        if not visible and self.isVisible():
            QTimer.singleShot(0, lambda: self.fit_content(shrink=True))  # no hole where it was

    def _restore_geometry(self) -> None:
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        if self.settings.always_on_top:
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)

    def showEvent(self, event: QShowEvent) -> None:
        """Every show, because changing window flags (pinning on top) makes a new native window,
        which starts out visible to screen sharing again."""
        super().showEvent(event)
        self.apply_capture_privacy()

    def apply_capture_privacy(self) -> str | None:
        """Hide the window from screen sharing as the settings ask; on Linux, where a window
        cannot, returns the advice the Settings dialog shows."""
        return hide_from_capture(self, self.settings.hide_from_screen_sharing)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember size and place; ask workers to stop without waiting for them."""
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.app_actions.save_settings()
        self.refresh_timer.stop()
        self.session.stop()
        super().closeEvent(event)

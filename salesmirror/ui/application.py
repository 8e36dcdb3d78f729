"""The composition root: builds settings, sources, the session and the windows, and wires them."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from salesmirror import __version__
from salesmirror.audio.backend import AudioBackend
from salesmirror.audio.call_audio import CallAudioProposal
from salesmirror.audio.decode import AudioFileError
from salesmirror.audio.devices import AudioUnavailableError
from salesmirror.audio.source import AudioSource
from salesmirror.coaching.learned_cues import describe_cue_detector
from salesmirror.coaching.script import ScriptError
from salesmirror.coaching.sentence_encoder import CUE_ENCODER_NAME
from salesmirror.demo import DemoMaterial, bundled_demo, stored_material
from salesmirror.events import CaptureMode
from salesmirror.model_files import ModelError
from salesmirror.paths import AppPaths, app_paths
from salesmirror.pipeline.call_pipeline import CallPipeline, PipelineListener
from salesmirror.pipeline.call_plan import CallPlan, demo_call, live_call, recording_from_files
from salesmirror.pipeline.recognition import SharedModel
from salesmirror.pipeline.single_microphone import SingleMicrophoneSetup
from salesmirror.sessions.journal import SessionJournal
from salesmirror.sessions.store import SessionStore, StoreError
from salesmirror.settings import load_settings, save_settings
from salesmirror.speech.model_folder import check_model_folder, resolve_model
from salesmirror.speech.speaker_id import VoicePrint
from salesmirror.speech.voice_encoder import VOICE_ENCODER_NAME, VoiceEncoder, installed_voice_encoder
from salesmirror.ui import theme
from salesmirror.ui.demo_mode import DemoMode
from salesmirror.ui.enrolment_dialog import EnrolmentDialog
from salesmirror.ui.live_session import LiveSession
from salesmirror.ui.live_window import LiveWindow, WindowActions
from salesmirror.ui.model_manager import ModelManagerDialog
from salesmirror.ui.presentation_window import PresentationWindow
from salesmirror.ui.replay_window import ReplayWindow
from salesmirror.ui.session_list import SessionListWindow
from salesmirror.ui.settings_dialog import SettingsDialog

# The reverse-DNS id of the installed menu entry (installers/linux/*.desktop, AppStream metadata).
DESKTOP_ENTRY_ID = "io.github.salesmirror.SalesMirror"

NO_MICROPHONE = (
    "No microphone was found. Connect a headset or microphone and press Start, or try it with a "
    "recorded call: ⋯ → Open a recording…"
)
RECORDING_FILES = "Recordings (*.wav *.flac *.ogg *.oga *.mp3 *.aiff *.aif);;All files (*)"


class AppController(QObject):
    """Owns everything for one run of the app; the window only asks it for things."""

    def __init__(
        self,
        paths: AppPaths,
        audio: AudioBackend,
        recording: CallPlan | None = None,
        model_override: Path | None = None,
        playback_speed: float = 1.0,
        demo: DemoMaterial | None = None,
        demo_muted: bool = False,
    ) -> None:
        super().__init__()
        self.paths = paths
        self.audio = audio
        self.playback_speed = playback_speed
        self.demo_muted = demo_muted  # this run only (`demo --mute`); the switch is remembered
        self.settings, settings_warning = load_settings(paths.settings_file)
        self.recording = recording  # a recorded call to play instead of the devices
        self.model_override = model_override
        self._model: SharedModel | None = None
        self._apply_call_audio_proposal()
        self.store, store_message = self._open_store()
        self.replays: list[ReplayWindow] = []
        self.session_list: SessionListWindow | None = None
        self.session = LiveSession(self.make_pipeline)
        actions = WindowActions(
            open_settings=self.open_settings,
            choose_model_folder=self.choose_model_folder,
            download_model=self.download_model,
            save_settings=self.save,
            open_sessions=self.open_sessions,
            open_replay=self.open_replay,
            start_demo=self.start_demo,
            present=self.present,
            open_recording=self.open_recording,
        )
        self.window = LiveWindow(self.session, self.settings, actions, self._source_label)
        self.demo_mode: DemoMode | None = None
        self.presentation: PresentationWindow | None = None
        self.window.set_first_run(self.store is not None and not self.store.sessions(limit=1))
        if demo is not None:
            self.use_demo(demo)
        self.update_model_notice()
        if settings_warning or store_message:
            self.window.status.setText(" ".join(m for m in (settings_warning, store_message) if m))
        if recording is None and demo is None:
            QTimer.singleShot(0, self.check_microphone)

    # --- sessions ---------------------------------------------------------------------------

    def _open_store(self) -> tuple[SessionStore | None, str | None]:
        """The session store, or None and why: calls still run, they are just not kept."""
        try:
            store = SessionStore(self.paths.sessions_dir)
        except StoreError as exc:
            return None, f"Calls are not being saved: {exc}"
        return store, " ".join(store.notices) or None

    def call_plan(self) -> CallPlan:
        """The call Start begins: the demo, an opened recording, or the devices in Settings."""
        demo = self.demo_mode
        if demo is not None:
            material = demo.material
            return demo_call(demo.new_playback, material.script, material.lanes, material.duration_s)
        if self.recording is not None:
            return self.recording
        settings = self.settings
        return live_call(self.audio, settings.you_device, settings.them_device, settings.headset)

    def make_pipeline(self, listener: PipelineListener) -> CallPipeline:
        """One call, built from the settings as they are when it starts."""
        plan = self.call_plan()
        settings = self.settings.coach_settings(self.paths.models_dir)
        if self.demo_mode is not None:  # words from the script: no speech model needed, none loaded
            return plan.pipeline(
                listener,
                settings=self.demo_mode.material.coach_settings(settings),
                journal=self.make_journal(plan, None, listener.on_problem),
            )
        model = self._shared_model()
        return plan.pipeline(
            listener,
            settings=settings,
            model=model,
            single_microphone=self.single_microphone_setup(),
            journal=self.make_journal(plan, model, listener.on_problem),
        )

    def make_journal(
        self, plan: CallPlan, model: SharedModel | None, on_problem: Callable[[str], None]
    ) -> SessionJournal | None:
        if self.store is None:
            return None
        info = plan.session_info(model.path.name if model else None, self.settings.keep_audio)
        return SessionJournal(self.store.folder, info, on_problem)

    def open_sessions(self) -> None:
        if self.store is None:
            self.window.status.setText("Your calls cannot be listed: the session store could not be opened.")
            return
        if self.session_list is None:
            self.session_list = SessionListWindow(self.store, self.open_replay)
        self.session_list.refresh()
        self.session_list.show()
        self.session_list.raise_()

    def open_replay(self, session_id: int) -> None:
        if self.store is None:
            return
        try:
            replay = ReplayWindow(self.store, session_id, self.audio, present=self.present_session)
        except StoreError as exc:
            self.window.status.setText(str(exc))
            return
        replay.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        replay.destroyed.connect(lambda: self.replays.remove(replay) if replay in self.replays else None)
        self.replays.append(replay)
        replay.show()

    # --- recordings ---------------------------------------------------------------------------

    def open_recording(self, paths: list[Path] | None = None, you_first: bool | None = None) -> None:
        """Play a recorded call through the coach: one file with two channels (you on the left,
        them on the right), or a pair of files (the user says which one is them)."""
        if self.session.running:
            self.window.status.setText("Stop the current call before opening a recording.")
            return
        if paths is None:
            names, _ = QFileDialog.getOpenFileNames(
                self.window, "Open a recording: one file with two channels, or your and their file",
                str(Path.home()), RECORDING_FILES,
            )  # fmt: skip
            paths = [Path(name) for name in names]
        if not paths:
            return
        if len(paths) == 2 and you_first is None:
            you_first = self._ask_which_is_you(paths)
            if you_first is None:
                return
        try:
            plan = recording_from_files(
                paths, you_first is not False, self.playback_speed, voice_enrolled=self._voice_enrolled()
            )
        except AudioFileError as exc:
            self.window.explain_audio_problem(str(exc))
            return
        self.leave_demo()
        self.recording = plan
        self.window.explain_audio_problem("")
        self.window.start()

    def _ask_which_is_you(self, paths: list[Path]) -> bool | None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Which one is you?",
            "Which recording is your side of the call?",
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        first = box.addButton(paths[0].name, QMessageBox.ButtonRole.AcceptRole)
        second = box.addButton(paths[1].name, QMessageBox.ButtonRole.AcceptRole)
        box.exec()
        clicked = box.clickedButton()
        return True if clicked is first else False if clicked is second else None

    # --- demo and presentation -------------------------------------------------------------

    def use_demo(self, material: DemoMaterial) -> DemoMode:
        """Put the live window in demo mode with this material (the call starts on Play)."""
        self.leave_demo()
        self.demo_mode = DemoMode(
            material,
            self.session,
            self.window.start,
            lambda: self.settings.coach_settings(self.paths.models_dir),
            self.audio.speakers,
            self.playback_speed,
            sound_on=self.settings.demo_sound and not self.demo_muted,
        )
        self.demo_mode.sound_switched.connect(self._remember_demo_sound)
        self.window.show_demo(self.demo_mode)
        self.window.demo_bar.leave.connect(self.leave_demo)
        # The demo adds its controls and a transcript: give them room, as far as the screen has it.
        screen = self.window.screen()
        tallest = screen.availableGeometry().height() - 40 if screen is not None else 760
        self.window.resize(max(self.window.width(), 400), min(max(self.window.height(), 760), tallest))
        self.window.fit_content()
        self.update_model_notice()
        return self.demo_mode

    def _remember_demo_sound(self, on: bool) -> None:
        self.settings.demo_sound = on
        self.demo_muted = False
        self.save()

    def start_demo(self) -> None:
        """'Try the demo': the bundled call, playing at once."""
        if self.session.running:
            return
        try:
            material = bundled_demo()
        except (OSError, ScriptError, AudioFileError) as exc:
            self.window.status.setText(f"The demo cannot be played: {exc}")
            return
        self.use_demo(material)
        self.window.start()

    def leave_demo(self) -> None:
        if self.demo_mode is None:
            return
        self.session.forget()
        self.demo_mode.close()
        with contextlib.suppress(RuntimeError):
            self.window.demo_bar.leave.disconnect(self.leave_demo)
        self.window.hide_demo()
        self.window.clear_call()
        self.demo_mode = None
        self.window.status.setText("Ready")
        self.update_model_notice()

    def present(self) -> None:
        """Presentation mode for whatever the live window shows: a call or the demo."""
        if self.presentation is not None:
            self.presentation.close()
        demo = self.demo_mode
        title = demo.material.title if demo is not None else "Live call"
        settings = self.settings.coach_settings(self.paths.models_dir)
        if demo is not None:
            settings = demo.material.coach_settings(settings)
        self.presentation = PresentationWindow(
            self.session,
            self.window.toggle_running,
            demo,
            title,
            monologue_limit_s=settings.nudges.threshold("monologue") or 90.0,
        )
        self.presentation.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.presentation.destroyed.connect(self._presentation_closed)
        screen = self.window.screen() or QApplication.primaryScreen()
        self.presentation.setGeometry(screen.geometry())  # where no window manager sizes it
        self.presentation.showFullScreen()

    def _presentation_closed(self) -> None:
        self.presentation = None

    def present_session(self, session_id: int) -> None:
        """A stored call played again in presentation mode, from its stored segments and lines."""
        if self.store is None or self.session.running:
            return
        try:
            material = stored_material(self.store.load(session_id))
        except (StoreError, ScriptError) as exc:
            self.window.status.setText(str(exc))
            return
        self.use_demo(material)
        self.present()
        self.window.start()

    # --- sources and model ------------------------------------------------------------------

    def _source_label(self) -> str:
        if self.demo_mode is not None:
            return f"{self.demo_mode.material.title} (demo)"
        if self.recording is not None:
            if self.recording.mode is CaptureMode.SINGLE_MICROPHONE:
                return "recorded call, one microphone (split by your voice)"
            return "recorded call"
        mode = self.capture_mode()
        return f"{mode} — {mode.explanation}"

    def single_microphone_setup(self) -> SingleMicrophoneSetup | None:
        """Your enrolled voice, when one microphone hears both sides and the models are there."""
        if self.capture_mode() is not CaptureMode.SINGLE_MICROPHONE:
            return None
        if not self.paths.voiceprint_file.exists():
            return None
        try:
            voice = VoicePrint.load(self.paths.voiceprint_file)
            return SingleMicrophoneSetup(self._voice_encoder_factory(), voice)
        except ModelError as exc:
            self.window.explain_audio_problem(f"{exc} Everything you hear counts as you.")
            return None

    def _voice_enrolled(self) -> bool:
        """Could a one-microphone call be split by voice now: your voice enrolled, the encoder
        installed?"""
        try:
            installed_voice_encoder(self.paths.models_dir)
        except ModelError:
            return False
        return self.paths.voiceprint_file.exists()

    def _voice_encoder_factory(self) -> Callable[[], VoiceEncoder]:
        """Checks now (clear errors), loads later (in the worker that uses it)."""
        folder = installed_voice_encoder(self.paths.models_dir)
        return lambda: VoiceEncoder(folder)

    def enrol_voice(self) -> None:
        # Called from the Settings dialog: what it says must appear over that dialog, not on the
        # window behind it, where the button looked dead.
        over = QApplication.activeModalWidget() or self.window
        try:
            factory = self._voice_encoder_factory()
        except ModelError as exc:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                "Teach it my voice",
                f"{exc}\n\nThe voice encoder (17 MB) tells your voice from theirs when one microphone "
                "hears both. Download it now?",
                QMessageBox.StandardButton.Cancel,
                over,
            )
            download = box.addButton("Download…", QMessageBox.ButtonRole.AcceptRole)
            box.exec()
            if box.clickedButton() is download:
                self.download_model()
            return
        dialog = EnrolmentDialog(
            self.paths.voiceprint_file,
            lambda: self.audio.microphone(self.settings.you_device),
            factory,
            over,
        )
        dialog.exec()

    def _probe_sources(self, you: str | None, them: str | None) -> list[AudioSource]:
        return live_call(self.audio, you, them, headset=False).open_sources()

    def capture_mode(self) -> CaptureMode:
        return self.call_plan().mode

    def propose_call_audio(self) -> CallAudioProposal:
        return self.audio.propose_call_audio()

    def _apply_call_audio_proposal(self) -> None:
        """First runs: hear the other side the way this platform allows, until the user chooses."""
        if not self.settings.call_audio_chosen and self.recording is None:
            self.settings.them_device = self.propose_call_audio().them_device

    def _shared_model(self) -> SharedModel | None:
        """The speech model of this app run: loaded once in the background, shared by every call
        (a new one only when the user chooses another)."""
        path = self._model_path()
        if path is None:
            self._model = None
        elif self._model is None or self._model.path != path:
            self._model = SharedModel(path)
            self._model.start()
        return self._model

    def _model_path(self) -> Path | None:
        try:
            return resolve_model(self.model_override, self.settings.model_path, self.paths.models_dir)
        except ModelError:
            return None  # the notice already says why; the call runs on talk time alone

    def update_model_notice(self) -> None:
        if self.demo_mode is not None:
            self.window.set_recognition_available(True)  # the demo's words come from its script
            return
        try:
            model = resolve_model(self.model_override, self.settings.model_path, self.paths.models_dir)
        except ModelError as exc:
            self.window.set_recognition_available(False, f"{exc} Running on talk time only.")
            return
        self.window.set_recognition_available(model is not None)
        self._shared_model()  # start loading now, so the first call finds it ready

    def check_microphone(self) -> None:
        try:
            devices = self.audio.input_devices()
        except AudioUnavailableError as exc:
            self.window.explain_audio_problem(str(exc))
            return
        if not devices:
            self.window.explain_audio_problem(NO_MICROPHONE)

    # --- actions the window asks for ------------------------------------------------------

    def open_settings(self) -> None:
        dialog = SettingsDialog(
            self.settings,
            self.audio.input_devices,
            self._download,
            self.propose_call_audio(),
            self._probe_sources,
            self.enrol_voice,
            self.window,
            cue_detector=describe_cue_detector(
                self.settings.coach_settings(self.paths.models_dir).nudges.cue_model
            ),
        )
        if dialog.exec():
            self.save()
            self.update_model_notice()

    def choose_model_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Choose a Vosk model folder")
        if folder:
            self.use_model_folder(Path(folder))

    def use_model_folder(self, folder: Path) -> None:
        try:
            check_model_folder(folder)
        except ModelError as exc:
            self.window.set_recognition_available(False, str(exc))
            return
        self.settings.model_path = str(folder)
        self.save()
        self.update_model_notice()

    def _download(self) -> Path | None:
        dialog = ModelManagerDialog(self.paths.models_dir, parent=self.window)
        dialog.exec()
        return dialog.installed

    def download_model(self) -> None:
        folder = self._download()
        if folder is not None and folder.name == VOICE_ENCODER_NAME:
            self.window.status.setText("Voice encoder installed: enrol your voice in Settings.")
        elif folder is not None and folder.name == CUE_ENCODER_NAME:
            self.window.status.setText(
                "Customer-cue model installed: from the next call, problems, goals and competitors "
                "are heard in any wording."
            )
        elif folder is not None:
            self.use_model_folder(folder)

    def save(self) -> None:
        try:
            save_settings(self.settings, self.paths.settings_file)
        except OSError as exc:
            self.window.status.setText(f"Settings could not be saved: {exc.strerror or exc}")

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """After the window closed: let the last call finish its bookkeeping, briefly."""
        self.session.stop()
        if self.demo_mode is not None:
            self.demo_mode.close(timeout_s)
        if self.session.pipeline is not None:
            self.session.pipeline.wait(timeout_s)
        if self.store is not None:
            self.store.close()


def end_on_signals(app: QApplication) -> QTimer:
    """Ctrl+C, a logout (SIGTERM) or a closed terminal (SIGHUP) end the app as its window would:
    settings saved, the call stopped and stored as finished. Python runs signal handlers only
    between its own bytecodes and Qt's event loop runs none, so a timer wakes Python a few times
    a second; the handler only schedules the close on the event loop."""

    def close_everything(signum: int, frame: object) -> None:
        QTimer.singleShot(0, app.closeAllWindows)
        QTimer.singleShot(0, app.quit)

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)  # Windows has no SIGHUP
        if number is not None:
            signal.signal(number, close_everything)
    wake = QTimer(app)
    wake.setInterval(200)
    wake.timeout.connect(lambda: None)
    wake.start()
    return wake


def desktop_application() -> QApplication:
    """The one QApplication, named, styled and given the app icon. The desktop file name lets a
    Wayland or GNOME shell match the window to the installed menu entry and its icon."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("SalesMirror")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_ENTRY_ID)
    app.setWindowIcon(theme.app_icon())
    app.setStyleSheet(theme.STYLESHEET)
    return app


def run_app(
    recording: CallPlan | None = None,
    model_override: Path | None = None,
    demo: DemoMaterial | None = None,
    present: bool = False,
    speed: float = 1.0,
    muted: bool = False,
) -> int:
    app = desktop_application()
    controller = AppController(
        app_paths(), AudioBackend(), recording, model_override, playback_speed=speed, demo=demo,
        demo_muted=muted,
    )  # fmt: skip
    controller.window.show()
    if recording is not None or demo is not None:
        QTimer.singleShot(0, controller.window.start)
    if present:
        QTimer.singleShot(0, controller.present)
    end_on_signals(app)
    code = app.exec()
    controller.shutdown()
    return code


def run_presented_session(session_id: int) -> int:
    """`salesmirror demo --session ID`: a stored call played again in presentation mode."""
    app = desktop_application()
    controller = AppController(app_paths(), AudioBackend())
    controller.window.show()
    QTimer.singleShot(0, lambda: controller.present_session(session_id))
    end_on_signals(app)
    code = app.exec()
    controller.shutdown()
    return code


def run_replay(store: SessionStore, session_id: int) -> int:
    """`salesmirror sessions open ID`: one call's replay window on its own."""
    app = desktop_application()
    window = ReplayWindow(store, session_id, AudioBackend())
    window.show()
    end_on_signals(app)
    return app.exec()

"""The composition root: builds settings, sources, the session and the windows, and wires them."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from salesmirror.audio.devices import AudioUnavailableError, InputDevice, list_input_devices
from salesmirror.audio.file_playback import FilePlayback
from salesmirror.audio.microphone import InputDeviceSource
from salesmirror.audio.source import AudioSource
from salesmirror.coaching.events import Speaker
from salesmirror.paths import AppPaths, app_paths
from salesmirror.settings import load_settings, save_settings
from salesmirror.speech.model_folder import ModelError, check_model_folder, resolve_model
from salesmirror.ui import theme
from salesmirror.ui.live_session import LiveSession
from salesmirror.ui.live_window import LiveWindow, WindowActions
from salesmirror.ui.model_manager import ModelManagerDialog
from salesmirror.ui.settings_dialog import SettingsDialog

NO_MICROPHONE = (
    "No microphone was found. SalesMirror listens to your microphone (and, if you choose one in "
    "Settings, the call's audio). Connect a headset or microphone and press Start — or try it "
    "with a recorded call: salesmirror --you YOU.wav --them THEM.wav"
)


class AppController(QObject):
    """Owns everything for one run of the app; the window only asks it for things."""

    def __init__(
        self,
        paths: AppPaths,
        recorded_call: dict[Speaker, np.ndarray] | None = None,
        model_override: Path | None = None,
        playback_speed: float = 1.0,
        list_devices: Callable[[], list[InputDevice]] = list_input_devices,
    ) -> None:
        super().__init__()
        self.paths = paths
        self.playback_speed = playback_speed
        self.list_devices = list_devices
        self.settings, settings_warning = load_settings(paths.settings_file)
        self.recorded_call = recorded_call
        self.model_override = model_override
        self.session = LiveSession(self._make_sources, self.settings.coach_settings, self._model_path)
        actions = WindowActions(
            open_settings=self.open_settings,
            choose_model_folder=self.choose_model_folder,
            download_model=self.download_model,
            save_settings=self.save,
        )
        label = "recorded call" if recorded_call else "microphone"
        self.window = LiveWindow(self.session, self.settings, actions, label)
        self.update_model_notice()
        if settings_warning:
            self.window.status.setText(settings_warning)
        if recorded_call is None:
            QTimer.singleShot(0, self.check_microphone)

    # --- sources and model ------------------------------------------------------------------

    def _make_sources(self) -> list[AudioSource]:
        if self.recorded_call is not None:
            return [FilePlayback(self.recorded_call, speed=self.playback_speed)]
        sources: list[AudioSource] = [InputDeviceSource(Speaker.YOU, self.settings.you_device)]
        if self.settings.them_device:
            sources.append(InputDeviceSource(Speaker.THEM, self.settings.them_device))
        return sources

    def _model_path(self) -> Path | None:
        try:
            return resolve_model(self.model_override, self.settings.model_path, self.paths.models_dir)
        except ModelError:
            return None  # the notice already says why; the call runs on talk time alone

    def update_model_notice(self) -> None:
        try:
            model = resolve_model(self.model_override, self.settings.model_path, self.paths.models_dir)
        except ModelError as exc:
            self.window.set_recognition_available(False, f"{exc} Running on talk time only.")
            return
        self.window.set_recognition_available(model is not None)

    def check_microphone(self) -> None:
        try:
            devices = self.list_devices()
        except AudioUnavailableError as exc:
            self.window.explain_audio_problem(str(exc))
            return
        if not devices:
            self.window.explain_audio_problem(NO_MICROPHONE)

    # --- actions the window asks for ------------------------------------------------------

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self.list_devices, self._download, self.window)
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
        if folder is not None:
            self.use_model_folder(folder)

    def save(self) -> None:
        try:
            save_settings(self.settings, self.paths.settings_file)
        except OSError as exc:
            self.window.status.setText(f"Settings could not be saved: {exc.strerror or exc}")

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """After the window closed: let the last call finish its bookkeeping, briefly."""
        self.session.stop()
        if self.session.pipeline is not None:
            self.session.pipeline.wait(timeout_s)


def run_app(
    recorded_call: dict[Speaker, np.ndarray] | None = None, model_override: Path | None = None
) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("SalesMirror")
    app.setStyleSheet(theme.STYLESHEET)
    controller = AppController(app_paths(), recorded_call, model_override)
    controller.window.show()
    if recorded_call is not None:
        QTimer.singleShot(0, controller.window.start)
    code = app.exec()
    controller.shutdown()
    return code

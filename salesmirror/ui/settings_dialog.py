"""Settings: which devices are you and them, which model, and the nudges (their own page)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from salesmirror.audio.call_audio import (
    SYSTEM_AUDIO,
    CallAudioProposal,
    capture_mode,
)
from salesmirror.audio.devices import AudioUnavailableError, InputDevice
from salesmirror.audio.level_probe import FLOOR_DB, LevelProbe
from salesmirror.audio.source import AudioSource
from salesmirror.coaching.room_level import NOISY_FLOOR_DB
from salesmirror.events import CaptureMode, Speaker
from salesmirror.model_files import ModelError
from salesmirror.settings import Settings
from salesmirror.speech.model_folder import check_model_folder, is_model_folder
from salesmirror.ui.capture_privacy import LINUX_ADVICE
from salesmirror.ui.nudge_settings import NudgeSettingsPage

NO_DEVICE = "None — one microphone hears both sides"
CALL_AUDIO = "Call audio — what this computer plays (recommended)"


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        list_devices: Callable[[], list[InputDevice]],
        download_model: Callable[[], Path | None],
        proposal: CallAudioProposal | None = None,
        open_sources: Callable[[str | None, str | None], list[AudioSource]] | None = None,
        enrol_voice: Callable[[], None] | None = None,
        parent: QWidget | None = None,
        cue_detector: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("SalesMirror settings")
        self.setMinimumWidth(440)
        self._download_model = download_model
        self.settings = settings  # edited in place on OK, so every holder sees the change

        self._proposal = proposal
        self._open_sources = open_sources
        self._probe: LevelProbe | None = None
        self.you_device = QComboBox()
        self.them_device = QComboBox()
        self.device_note = QLabel()
        self.device_note.setWordWrap(True)
        self.device_note.setObjectName("muted")
        self.meter_problems = QLabel()
        self.meter_problems.setWordWrap(True)
        self.meter_problems.setStyleSheet("color: #e0a040;")
        self.meter_problems.hide()
        self.headset = QCheckBox("I wear a headset (my microphone hears only me)")
        self.headset.setChecked(settings.headset)
        self.mode = QLabel()
        self.mode.setWordWrap(True)
        self.keep_audio = QCheckBox("Keep the call's audio with each session, to listen to it in the replay")
        self.keep_audio.setChecked(settings.keep_audio)
        self.keep_audio.setToolTip(
            "Off by default. The audio stays on this computer, in your private sessions folder, "
            "and is deleted with the session. The live window shows when it is being kept."
        )
        self.hide_from_sharing = QCheckBox("Hide SalesMirror when I share my screen")
        self.hide_from_sharing.setChecked(settings.hide_from_screen_sharing)
        self.hide_from_sharing.setToolTip(
            "On by default: the customer never sees a nudge, even when you share the whole screen "
            "(Windows 10 2004+, macOS). Turn it off to show SalesMirror in a shared screen on purpose."
        )
        self.sharing_note = QLabel(LINUX_ADVICE if not sys.platform.startswith(("win", "darwin")) else "")
        self.sharing_note.setWordWrap(True)
        self.sharing_note.setObjectName("muted")
        self.sharing_note.setVisible(bool(self.sharing_note.text()))
        self.you_level = _meter()
        self.them_level = _meter()
        self.you_floor = _floor_label()
        self.them_floor = _floor_label()
        self._fill_devices(list_devices, settings)
        self._meter_timer = QTimer(self)
        self._meter_timer.setInterval(100)
        self._meter_timer.timeout.connect(self._show_levels)
        for changed in (self.you_device.currentIndexChanged, self.them_device.currentIndexChanged):
            changed.connect(self._devices_changed)
        self.enrol_button = QPushButton("Teach it my voice…")
        self.enrol_button.setToolTip("Single microphone: tell your voice from theirs (approximate)")
        if enrol_voice is not None:
            self.enrol_button.clicked.connect(enrol_voice)
        self.headset.toggled.connect(self._show_mode)
        self._show_mode()

        self.model_path = QLineEdit(settings.model_path or "")
        self.model_path.setPlaceholderText("Newest model in the models folder")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_model)
        fetch = QPushButton("Download…")
        fetch.clicked.connect(self._fetch_model)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model_path, 1)
        model_row.addWidget(browse)
        model_row.addWidget(fetch)

        self.nudges = NudgeSettingsPage(settings, cue_detector)

        form = QFormLayout()
        form.addRow("You (microphone)", self.you_device)
        form.addRow("", _beside(self.you_level, self.you_floor))
        form.addRow("Them (call audio)", self.them_device)
        form.addRow("", _beside(self.them_level, self.them_floor))
        form.addRow("", self.meter_problems)
        form.addRow("", self.headset)
        form.addRow("Mode", self.mode)
        form.addRow("", self.enrol_button)
        form.addRow("", self.device_note)
        form.addRow("Speech model", model_row)
        form.addRow("Privacy", self.keep_audio)
        form.addRow("", self.hide_from_sharing)
        form.addRow("", self.sharing_note)
        audio_page = QWidget()
        audio_page.setLayout(form)
        self.pages = QTabWidget()
        self.pages.addTab(audio_page, "Audio and model")
        self.pages.addTab(self.nudges, "Nudges")
        self.error = QLabel()
        self.error.setStyleSheet("color: #e27d6b;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _fill_devices(self, list_devices: Callable[[], list[InputDevice]], s: Settings) -> None:
        try:
            devices = list_devices()
        except AudioUnavailableError as exc:
            devices = []
            self.device_note.setText(str(exc))
        self.you_device.addItem("System default", None)
        proposal = self._proposal
        if proposal is not None and proposal.them_device == SYSTEM_AUDIO:
            self.them_device.addItem(CALL_AUDIO, SYSTEM_AUDIO)
        self.them_device.addItem(NO_DEVICE, None)
        for device in devices:
            self.you_device.addItem(device.label, device.name)
            self.them_device.addItem(device.label, device.name)
        if proposal is not None and proposal.guidance:
            self.device_note.setText(proposal.guidance)
        elif not devices and not self.device_note.text():
            self.device_note.setText("No input device found: connect a microphone or headset.")
        them_wanted = s.them_device
        if not s.call_audio_chosen and proposal is not None:
            them_wanted = proposal.them_device  # the platform's best default, until chosen
        for combo, wanted in ((self.you_device, s.you_device), (self.them_device, them_wanted)):
            index = combo.findData(wanted)
            if index < 0 and wanted:
                combo.addItem(f"{wanted} (not connected)", wanted)
                index = combo.count() - 1
            combo.setCurrentIndex(max(index, 0))

    def chosen_mode(self) -> CaptureMode:
        return capture_mode(self.them_device.currentData(), self.headset.isChecked())

    def _show_mode(self) -> None:
        mode = self.chosen_mode()
        approximate = mode is CaptureMode.SINGLE_MICROPHONE
        self.mode.setText(f"<b>{mode}</b>: {mode.explanation}")
        self.mode.setStyleSheet("color: #e8c05a;" if approximate else "")
        self.headset.setEnabled(not approximate)
        self.enrol_button.setVisible(approximate)

    def _devices_changed(self) -> None:
        self._show_mode()
        if self._probe is not None:
            self.start_meters()

    def start_meters(self) -> None:
        """Open the chosen devices just to show their levels (stopped when the dialog closes)."""
        self.stop_meters()
        if self._open_sources is None:
            return
        try:
            sources = self._open_sources(self.you_device.currentData(), self.them_device.currentData())
        except AudioUnavailableError as exc:
            self.device_note.setText(str(exc))
            return
        self._probe = LevelProbe(sources)
        self._probe.start()
        self._meter_timer.start()

    def stop_meters(self) -> None:
        self._meter_timer.stop()
        if self._probe is not None:
            self._probe.stop()
            self._probe = None

    def _show_levels(self) -> None:
        if self._probe is None:
            return
        levels, floors = self._probe.levels(), self._probe.noise_floors()
        rows = (
            (Speaker.YOU, self.you_level, self.you_floor),
            (Speaker.THEM, self.them_level, self.them_floor),
        )
        problems = []
        for speaker, meter, floor_label in rows:
            problem = self._probe.problems.get(speaker)
            level = levels.get(speaker)
            meter.setValue(round(level if level is not None else FLOOR_DB))
            # The bar has room for a level, not a sentence: a problem is said in full below.
            meter.setFormat("not available" if problem else "—" if level is None else f"{meter.value()} dB")
            meter.setToolTip(problem or "")
            if problem:
                problems.append(f"{'You' if speaker is Speaker.YOU else 'Them'}: {problem}")
            floor = floors.get(speaker)
            floor_label.setText("noise —" if floor is None else f"noise {floor:.0f} dB")
            loud = floor is not None and floor > NOISY_FLOOR_DB
            floor_label.setToolTip(
                "The quietest this input gets: the room, fans and line hiss between words. "
                + ("It is high: talk-time figures may be less exact." if loud else "It is low: good.")
            )
            floor_label.setStyleSheet(f"color: {'#e0a040' if loud else '#9aa4ad'};")
        self.meter_problems.setText("\n".join(problems))
        self.meter_problems.setVisible(bool(problems))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.start_meters()

    def done(self, result: int) -> None:
        self.stop_meters()
        super().done(result)

    def _browse_model(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a Vosk model folder")
        if folder:
            self.model_path.setText(folder)

    def _fetch_model(self) -> None:
        folder = self._download_model()
        if folder is not None and is_model_folder(folder):  # not the voice encoder or cue model
            self.model_path.setText(str(folder))

    def accept(self) -> None:
        model = self.model_path.text().strip() or None
        if model is not None:
            try:
                check_model_folder(Path(model))
            except ModelError as exc:
                self.error.setText(str(exc))
                return
        s = self.settings
        s.you_device = self.you_device.currentData()
        s.them_device = self.them_device.currentData()
        s.headset = self.headset.isChecked()
        s.keep_audio = self.keep_audio.isChecked()
        s.hide_from_screen_sharing = self.hide_from_sharing.isChecked()
        s.call_audio_chosen = True
        s.model_path = model
        self.nudges.apply(s)
        super().accept()


def _floor_label() -> QLabel:
    label = QLabel("noise —")
    label.setMinimumWidth(label.fontMetrics().horizontalAdvance("noise −60 dB") + 4)
    return label


def _beside(meter: QProgressBar, label: QLabel) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(meter, 1)
    layout.addWidget(label)
    return row


def _meter() -> QProgressBar:
    meter = QProgressBar()
    meter.setRange(round(FLOOR_DB), 0)
    meter.setValue(round(FLOOR_DB))
    meter.setFormat("—")
    meter.setMaximumHeight(14)
    meter.setTextVisible(True)
    return meter

"""Settings: which devices are you and them, which model, and the nudge thresholds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from salesmirror.audio.devices import AudioUnavailableError, InputDevice
from salesmirror.settings import Settings
from salesmirror.speech.model_folder import ModelError, check_model_folder

NO_DEVICE = "None — headset, or the call plays through this microphone"


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        list_devices: Callable[[], list[InputDevice]],
        download_model: Callable[[], Path | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("SalesMirror settings")
        self.setMinimumWidth(440)
        self._download_model = download_model
        self.settings = settings  # edited in place on OK, so every holder sees the change

        self.you_device = QComboBox()
        self.them_device = QComboBox()
        self.device_note = QLabel()
        self.device_note.setWordWrap(True)
        self.device_note.setObjectName("muted")
        self._fill_devices(list_devices, settings)

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

        self.monologue_on = QCheckBox("Nudge after a monologue of")
        self.monologue_on.setChecked(settings.monologue_nudge)
        self.monologue_s = QSpinBox()
        self.monologue_s.setRange(20, 600)
        self.monologue_s.setSuffix(" s")
        self.monologue_s.setValue(round(settings.monologue_threshold_s))
        monologue_row = QHBoxLayout()
        monologue_row.addWidget(self.monologue_on)
        monologue_row.addWidget(self.monologue_s)
        monologue_row.addStretch(1)
        self.problem_on = QCheckBox("Nudge when the customer names a problem")
        self.problem_on.setChecked(settings.problem_nudge)
        self.repeat_gap_s = QSpinBox()
        self.repeat_gap_s.setRange(10, 900)
        self.repeat_gap_s.setSuffix(" s")
        self.repeat_gap_s.setValue(round(settings.nudge_repeat_gap_s))

        form = QFormLayout()
        form.addRow("You (microphone)", self.you_device)
        form.addRow("Them (call audio)", self.them_device)
        form.addRow("", self.device_note)
        form.addRow("Speech model", model_row)
        form.addRow("", monologue_row)
        form.addRow("", self.problem_on)
        form.addRow("Same nudge at most every", self.repeat_gap_s)
        self.error = QLabel()
        self.error.setStyleSheet("color: #e27d6b;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _fill_devices(self, list_devices: Callable[[], list[InputDevice]], s: Settings) -> None:
        try:
            devices = list_devices()
        except AudioUnavailableError as exc:
            devices = []
            self.device_note.setText(str(exc))
        self.you_device.addItem("System default", None)
        self.them_device.addItem(NO_DEVICE, None)
        for device in devices:
            self.you_device.addItem(device.label, device.name)
            self.them_device.addItem(device.label, device.name)
        if devices and not self.device_note.text():
            self.device_note.setText(
                "For the other side, choose the monitor of your speakers or a loopback device; "
                "with none, SalesMirror hears only what your microphone picks up."
            )
        elif not devices and not self.device_note.text():
            self.device_note.setText("No input device found: connect a microphone or headset.")
        for combo, wanted in ((self.you_device, s.you_device), (self.them_device, s.them_device)):
            index = combo.findData(wanted)
            if index < 0 and wanted:
                combo.addItem(f"{wanted} (not connected)", wanted)
                index = combo.count() - 1
            combo.setCurrentIndex(max(index, 0))

    def _browse_model(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a Vosk model folder")
        if folder:
            self.model_path.setText(folder)

    def _fetch_model(self) -> None:
        folder = self._download_model()
        if folder is not None:
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
        s.model_path = model
        s.monologue_nudge = self.monologue_on.isChecked()
        s.monologue_threshold_s = float(self.monologue_s.value())
        s.problem_nudge = self.problem_on.isChecked()
        s.nudge_repeat_gap_s = float(self.repeat_gap_s.value())
        super().accept()

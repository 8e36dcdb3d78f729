"""Voice enrolment for single-microphone mode: read a few sentences once; delete any time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from salesmirror.audio.devices import AudioUnavailableError
from salesmirror.audio.source import AudioBlock, AudioSource, SourceEvent
from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.model_files import ModelError
from salesmirror.speech.speaker_id import ENROLMENT_SENTENCES, VoicePrint, enroll
from salesmirror.speech.voice_encoder import VoiceEncoder
from salesmirror.ui.background import BackgroundTask

MAX_SECONDS = 40


class EnrolmentDialog(QDialog):
    """Records you reading, turns it into a voice print in the background, and stores it."""

    def __init__(
        self,
        voiceprint_file: Path,
        open_microphone: Callable[[], AudioSource],
        make_encoder: Callable[[], VoiceEncoder],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Teach SalesMirror your voice")
        self.setMinimumWidth(480)
        self._file = voiceprint_file
        self._open_microphone = open_microphone
        self._make_encoder = make_encoder
        self._source: AudioSource | None = None
        self._blocks: list[np.ndarray] = []
        self._lock = threading.Lock()
        self._task: BackgroundTask | None = None

        intro = QLabel(
            "With one microphone for both sides, SalesMirror tells your voice from theirs by how "
            "you sound. Press Record and read these sentences at your normal pace:"
        )
        intro.setWordWrap(True)
        sentences = QLabel("<ol>" + "".join(f"<li>{s}</li>" for s in ENROLMENT_SENTENCES) + "</ol>")
        sentences.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, MAX_SECONDS)
        self.progress.setFormat("%v s")
        self.message = QLabel(self._status_text())
        self.message.setWordWrap(True)
        self.record_button = QPushButton("Record")
        self.delete_button = QPushButton("Delete my voice")
        self.delete_button.setEnabled(self._file.exists())
        close = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(sentences)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.record_button.clicked.connect(self.toggle_recording)
        self.delete_button.clicked.connect(self.delete_voice)
        close.clicked.connect(self.reject)
        self._timer = QTimer(self)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._tick)

    def _status_text(self) -> str:
        if self._file.exists():
            return "Your voice is enrolled. It stays on this computer; delete it any time."
        return "No voice enrolled yet."

    @property
    def recorded_seconds(self) -> float:
        with self._lock:
            return sum(b.size for b in self._blocks) / SAMPLE_RATE

    def toggle_recording(self) -> None:
        if self._source is None:
            self.start_recording()
        else:
            self.stop_recording()

    def start_recording(self) -> None:
        with self._lock:
            self._blocks = []
        try:
            source = self._open_microphone()
            source.start(self._on_event)
        except AudioUnavailableError as exc:
            self.message.setText(str(exc))
            return
        self._source = source
        self.record_button.setText("Stop and save")
        self.message.setText("Recording… read the sentences, then press Stop.")
        self._timer.start()

    def _on_event(self, event: SourceEvent) -> None:  # audio thread: copy and return
        if isinstance(event, AudioBlock):
            with self._lock:
                self._blocks.append(event.samples)

    def _tick(self) -> None:
        seconds = self.recorded_seconds
        self.progress.setValue(min(MAX_SECONDS, round(seconds)))
        if seconds >= MAX_SECONDS:
            self.stop_recording()

    def stop_recording(self) -> None:
        self._timer.stop()
        if self._source is not None:
            self._source.stop()
            self._source = None
        self.record_button.setText("Record")
        with self._lock:
            audio = np.concatenate(self._blocks) if self._blocks else np.zeros(0, np.int16)
        self.message.setText("Measuring your voice…")
        self.record_button.setEnabled(False)
        make_encoder, target = self._make_encoder, self._file

        def job(report: Callable[[object], None]) -> VoicePrint:
            voice = enroll(make_encoder(), audio)
            voice.save(target)
            return voice

        self._task = BackgroundTask(job, (ModelError, OSError), self)
        self._task.succeeded.connect(self._enrolled)
        self._task.failed.connect(self._failed)
        self._task.start()

    def _enrolled(self, voice: object) -> None:
        self.record_button.setEnabled(True)
        self.delete_button.setEnabled(True)
        seconds = voice.speech_seconds if isinstance(voice, VoicePrint) else 0
        self.message.setText(f"Done: your voice is enrolled from {seconds:.0f} s of speech.")

    def _failed(self, message: str) -> None:
        self.record_button.setEnabled(True)
        self.message.setText(message)

    def delete_voice(self) -> None:
        self._file.unlink(missing_ok=True)
        self.delete_button.setEnabled(False)
        self.message.setText("Your voice print is deleted.")

    def done(self, result: int) -> None:
        if self._source is not None:
            self._timer.stop()
            self._source.stop()
            self._source = None
        super().done(result)

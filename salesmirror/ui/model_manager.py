"""The model manager: the official Vosk catalogue, and a download only when the user asks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from salesmirror.speech import download
from salesmirror.speech.download import (
    CatalogueEntry,
    DownloadCancelled,
    DownloadError,
    Progress,
)
from salesmirror.ui.background import BackgroundTask


def describe_progress(p: Progress) -> str:
    mib = p.done_bytes / 2**20
    text = f"{mib:.0f} of {p.total_bytes / 2**20:.0f} MiB" if p.total_bytes else f"{mib:.0f} MiB"
    if p.bytes_per_s > 0:
        text += f" · {p.bytes_per_s / 2**20:.1f} MiB/s"
    if p.eta_s is not None and p.bytes_per_s > 0:
        minutes, seconds = divmod(round(p.eta_s), 60)
        text += f" · {minutes}:{seconds:02d} left"
    return text


class ModelManagerDialog(QDialog):
    """Lists models (English first), downloads the chosen one with progress, cancel and resume."""

    def __init__(
        self,
        models_dir: Path,
        catalogue_url: str = download.CATALOGUE_URL,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Download a model")
        self.resize(560, 420)
        self.models_dir = models_dir
        self.catalogue_url = catalogue_url
        self.installed: Path | None = None
        self._entries = download.bundled_catalogue()
        self._task: BackgroundTask | None = None
        self._cancel = threading.Event()

        intro = QLabel(
            "Models run entirely on this computer. Pick one and press Download; nothing is "
            "fetched until you do. Small models (about 40 MiB) suit most laptops."
        )
        intro.setWordWrap(True)
        self.all_languages = QCheckBox("Show all languages")
        self.refresh_button = QPushButton("Get the current list")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Language", "Model", "Size", "Licence"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.progress = QProgressBar()
        self.progress.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.download_button = QPushButton("Download")
        self.download_button.setDefault(True)
        self.cancel_button = QPushButton("Close")

        top = QHBoxLayout()
        top.addWidget(self.all_languages)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.all_languages.toggled.connect(self._fill)
        self.refresh_button.clicked.connect(self.refresh_catalogue)
        self.download_button.clicked.connect(self.start_download)
        self.cancel_button.clicked.connect(self._cancel_or_close)
        self._fill()

    def visible_entries(self) -> list[CatalogueEntry]:
        return [e for e in self._entries if self.all_languages.isChecked() or e.is_english or e.any_language]

    def _fill(self) -> None:
        entries = self.visible_entries()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            licence = entry.licence or "as published"
            for column, text in enumerate((entry.language, entry.name, entry.size_text, licence)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry)
                self.table.setItem(row, column, item)
        if entries:
            self.table.selectRow(0)

    def selected_entry(self) -> CatalogueEntry | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        entry = item.data(Qt.ItemDataRole.UserRole) if item else None
        return entry if isinstance(entry, CatalogueEntry) else None

    def _busy(self, busy: bool) -> None:
        self.download_button.setEnabled(not busy)
        self.refresh_button.setEnabled(not busy)
        self.table.setEnabled(not busy)
        self.cancel_button.setText("Cancel" if busy else "Close")

    def refresh_catalogue(self) -> None:
        url = self.catalogue_url
        self._run(lambda report: download.fetch_catalogue(url), self._catalogue_arrived)
        self.message.setText("Getting the current model list…")

    def _catalogue_arrived(self, entries: object) -> None:
        self._entries = list(entries)  # type: ignore[call-overload]
        self._fill()
        self.message.setText(f"{len(self._entries)} models in the current list.")

    def start_download(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            self.message.setText("Choose a model first.")
            return
        self._cancel.clear()
        models_dir, url, cancel = self.models_dir, self.catalogue_url, self._cancel

        def job(report: Callable[[object], None]) -> Path:
            md5 = entry.md5
            if not md5 and not entry.sha256:  # the bundled snapshot has no checksums: look them up
                md5 = download.published_md5(entry, url)
            return download.download_model(
                entry.url, models_dir, md5, report, cancel, expected_sha256=entry.sha256
            )

        self.progress.setRange(0, 0)
        self.progress.show()
        self.message.setText(f"Downloading {entry.name}…")
        self._run(job, self._installed)

    def _run(
        self, job: Callable[[Callable[[object], None]], object], on_success: Callable[[object], None]
    ) -> None:
        self._busy(True)
        self._task = BackgroundTask(job, (DownloadError, DownloadCancelled, OSError), self)
        self._task.progress.connect(self._on_progress)
        self._task.succeeded.connect(on_success)
        self._task.succeeded.connect(lambda _: self._busy(False))
        self._task.failed.connect(self._on_failed)
        self._task.start()

    def _on_progress(self, p: object) -> None:
        if isinstance(p, Progress):
            if p.total_bytes:
                self.progress.setRange(0, 1000)
                self.progress.setValue(round(1000 * p.done_bytes / p.total_bytes))
            self.message.setText(describe_progress(p))

    def _installed(self, folder: object) -> None:
        self.installed = Path(str(folder))
        self.progress.hide()
        self.message.setText(f"Installed {self.installed.name}.")
        self.accept()

    def _on_failed(self, message: str) -> None:
        self._busy(False)
        self.progress.hide()
        if self._cancel.is_set():
            message = "Download cancelled. Press Download again to resume where it stopped."
        self.message.setText(message)

    def _cancel_or_close(self) -> None:
        if self._task is not None and self._task.is_running():
            self._cancel.set()
        else:
            self.reject()

    def done(self, result: int) -> None:
        self._cancel.set()  # a running download stops at its next chunk; never wait for it here
        super().done(result)

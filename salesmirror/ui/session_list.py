"""Your stored calls: search their transcripts, filter by date, rename, annotate, export, delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from salesmirror.sessions.export import ExportFormat, export
from salesmirror.sessions.records import SessionRow, SessionSource, SessionState
from salesmirror.sessions.store import SessionStore, StoreError
from salesmirror.timefmt import clock

# The report first: what a seller most often sends on.
_EXPORT_CHOICES = (ExportFormat.HTML, ExportFormat.MARKDOWN, ExportFormat.JSON)

SEARCH_DELAY_MS = 200  # search as the user types, once they pause
PERIODS: dict[str, int | None] = {
    "Any time": None,
    "Today": 0,
    "Last 7 days": 6,
    "Last 30 days": 29,
    "Last year": 364,
}
_COLUMNS = ("Date", "Title", "Length", "Your share", "Nudges", "Note")


class SessionListWindow(QWidget):
    def __init__(
        self, store: SessionStore, open_replay: Callable[[int], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store = store
        self.open_replay = open_replay
        self.rows: list[SessionRow] = []
        self.setWindowTitle("SalesMirror — your calls")
        self.resize(960, 560)
        self._build()
        self.refresh()

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(14, 12, 14, 12)
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search what was said, titles and notes…")
        self.search.setClearButtonEnabled(True)
        self.period = QComboBox()
        self.period.addItems(list(PERIODS))
        filters.addWidget(self.search, 1)
        filters.addWidget(self.period)
        root.addLayout(filters)

        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setHorizontalHeaderLabels(_COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        root.addWidget(self.table, 1)
        self.empty = QLabel()
        self.empty.setObjectName("muted")
        root.addWidget(self.empty)

        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open replay")
        self.open_button.setObjectName("primary")
        self.rename_button = QPushButton("Rename…")
        self.note_button = QPushButton("Note…")
        self.export_button = QPushButton("Export…")
        self.delete_button = QPushButton("Delete…")
        for button in (self.open_button, self.rename_button, self.note_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        root.addLayout(buttons)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._search_timer.start)
        self.period.currentIndexChanged.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._enable_buttons)
        self.table.cellDoubleClicked.connect(lambda _row, _column: self.open_selected())
        self.open_button.clicked.connect(self.open_selected)
        self.rename_button.clicked.connect(lambda _checked=False: self.rename_selected())
        self.note_button.clicked.connect(lambda _checked=False: self.annotate_selected())
        self.export_button.clicked.connect(lambda _checked=False: self.export_selected())
        self.delete_button.clicked.connect(lambda _checked=False: self.delete_selected())
        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self, self.delete_selected)
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        self._enable_buttons()

    # --- the list -----------------------------------------------------------------------------

    def refresh(self) -> None:
        days = PERIODS[self.period.currentText()]
        since = None if days is None else date.today() - timedelta(days=days)
        selected = self.selected_id()
        try:
            self.rows = self.store.sessions(self.search.text(), since=since)
        except StoreError as exc:
            self.rows = []
            self.empty.setText(str(exc))
        else:
            filtered = self.search.text().strip() or days is not None
            self.empty.setText(
                (
                    "No calls match."
                    if filtered
                    else "No calls yet: the calls you take with SalesMirror appear here."
                )
                if not self.rows
                else f"{len(self.rows)} call{'s' if len(self.rows) != 1 else ''}"
            )
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            ratio = "—" if row.talk_ratio_you is None else f"{row.talk_ratio_you * 100:.0f} %"
            title = row.display_title + ("  (demo)" if row.source is SessionSource.DEMO else "")
            title += "  (recovered)" if row.state is SessionState.RECOVERED else ""
            cells = (
                f"{row.started_at.astimezone():%a %d %b %Y  %H:%M}",
                title,
                clock(row.duration_s),
                ratio,
                str(row.nudges),
                row.note,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                self.table.setItem(i, column, item)
            if row.id == selected:
                self.table.selectRow(i)
        self._enable_buttons()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def select(self, session_id: int) -> None:
        for i, row in enumerate(self.rows):
            if row.id == session_id:
                self.table.selectRow(i)

    def _enable_buttons(self) -> None:
        chosen = self.selected_id() is not None
        for button in (
            self.open_button,
            self.rename_button,
            self.note_button,
            self.export_button,
            self.delete_button,
        ):
            button.setEnabled(chosen)

    # --- actions (a value given: no dialog, as the tests and scripts use them) -----------------

    def open_selected(self) -> None:
        session_id = self.selected_id()
        if session_id is not None:
            self.open_replay(session_id)

    def rename_selected(self, title: str | None = None) -> None:
        session_id = self.selected_id()
        if session_id is None:
            return
        if title is None:
            current = self.store.row(session_id).display_title
            title, ok = QInputDialog.getText(self, "Rename call", "Title:", text=current)
            if not ok:
                return
        self._edit(lambda: self.store.rename(session_id, title))

    def annotate_selected(self, note: str | None = None) -> None:
        session_id = self.selected_id()
        if session_id is None:
            return
        if note is None:
            current = self.store.row(session_id).note
            note, ok = QInputDialog.getMultiLineText(self, "Note", "Your note on this call:", current)
            if not ok:
                return
        self._edit(lambda: self.store.set_note(session_id, note))

    def export_selected(self, path: Path | None = None, fmt: ExportFormat = ExportFormat.HTML) -> None:
        session_id = self.selected_id()
        if session_id is None:
            return
        if path is None:
            chosen, kind = QFileDialog.getSaveFileName(
                self,
                "Export this call",
                str(Path.home() / f"call-{session_id}.html"),
                ";;".join(f.file_filter for f in _EXPORT_CHOICES),
            )
            if not chosen:
                return
            path = Path(chosen)
            fmt = next(f for f in _EXPORT_CHOICES if f.file_filter == kind)
        try:
            path.write_text(export(self.store.load(session_id), fmt), encoding="utf-8")
        except (OSError, StoreError) as exc:
            self.empty.setText(f"The export failed: {getattr(exc, 'strerror', None) or exc}")
            return
        self.empty.setText(f"Exported to {path}")

    def delete_selected(self, confirmed: bool = False) -> None:
        session_id = self.selected_id()
        if session_id is None:
            return
        if not confirmed:
            title = self.store.row(session_id).display_title
            answer = QMessageBox.question(
                self,
                "Delete call",
                f"Delete “{title}” for good? Its transcript, figures and any kept audio are removed.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._edit(lambda: self.store.delete(session_id))

    def _edit(self, change: Callable[[], None]) -> None:
        try:
            change()
        except StoreError as exc:
            self.empty.setText(str(exc))
            return
        self.refresh()

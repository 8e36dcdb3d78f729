"""The replay of one stored call: timeline, transcript with the nudges in place, figures and trend.

The timeline and the transcript follow each other: clicking a line moves the playhead there,
moving the playhead selects the line being said. A nudge (a marker on the timeline or an entry in
the transcript) shows its evidence and the principle behind it. Kept audio plays from the playhead.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollBar,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from salesmirror.audio.backend import AudioBackend
from salesmirror.audio.devices import AudioUnavailableError
from salesmirror.audio.kept_audio import KeptAudio, SessionPlayer
from salesmirror.coaching.playbook import playbook
from salesmirror.coaching.targets import TARGETS, scorecard
from salesmirror.events import Nudge, Speaker, Utterance
from salesmirror.sessions.export import ExportFormat, export
from salesmirror.sessions.records import SessionRow, SessionSource, StoredSession
from salesmirror.sessions.store import SessionStore, StoreError
from salesmirror.sessions.timeline import Timeline
from salesmirror.timefmt import clock
from salesmirror.ui import theme
from salesmirror.ui.widgets.summary_card import SummaryCard
from salesmirror.ui.widgets.timeline_view import TimelineView
from salesmirror.ui.widgets.trend_chart import TrendChart
from salesmirror.ui.widgets.wrapping_label import WrappingLabel

PLAYHEAD_MS = 100
_SCROLL_UNITS = 1000  # the scroll bar counts in thousandths of the call


@dataclass(frozen=True, slots=True)
class _Entry:
    """One row of the transcript list: a line said, or a nudge at its moment."""

    t: float
    line: Utterance | None = None
    nudge: Nudge | None = None


class ReplayWindow(QWidget):
    def __init__(
        self,
        store: SessionStore,
        session_id: int,
        audio: AudioBackend,
        parent: QWidget | None = None,
        present: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store = store
        self.audio = audio
        self._present = present
        self.stored: StoredSession = store.load(session_id)
        self.timeline_model = Timeline.of(self.stored)
        self.entries = sorted(
            [_Entry(u.start, line=u) for u in self.stored.lines]
            + [_Entry(n.t, nudge=n) for n in self.stored.nudges],
            key=lambda e: (e.t, e.nudge is not None),
        )
        self._entry_times = [e.t for e in self.entries]
        self.player: SessionPlayer | None = None
        self._recent: list[SessionRow] | None = None  # for the trend, read once
        self.setWindowTitle(f"{self.stored.row.display_title} — SalesMirror replay")
        self._fit_to_screen()
        self._build()
        self._wire()
        self._fill()

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 14, 16, 14)
        root.setSpacing(10)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 17pt; font-weight: 600;")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("muted")
        self.fairness_notice = QLabel()
        self.fairness_notice.setWordWrap(True)
        self.fairness_notice.setStyleSheet("color: #e0a040;")
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        titles.addWidget(self.fairness_notice)
        header.addLayout(titles, 1)
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        for label, fmt in (
            ("Markdown…", ExportFormat.MARKDOWN),
            ("HTML report…", ExportFormat.HTML),
            ("JSON…", ExportFormat.JSON),
        ):
            menu.addAction(label, partial(self.ask_export, fmt))
        self.export_button.setMenu(menu)
        self.present_button = QToolButton()
        self.present_button.setText("Present")
        self.present_button.setToolTip("Play this call again full screen, for a room (F5)")
        self.present_button.setVisible(self._present is not None)
        header.addWidget(self.present_button)
        header.addWidget(self.export_button)
        root.addLayout(header)

        self.timeline = TimelineView()
        root.addWidget(self.timeline)
        controls = QHBoxLayout()
        self.play_button = QPushButton("Play")
        self.play_button.setObjectName("primary")
        self.play_button.setToolTip("Play the kept audio from the playhead (Space)")
        self.position_label = QLabel("0:00")
        self.position_label.setMinimumWidth(110)
        self.whole_call = QPushButton("Whole call")
        self.zoom_out = QPushButton("−")
        self.zoom_in = QPushButton("+")
        self.zoom_in.setToolTip("Zoom in (Ctrl + wheel, or +)")
        self.zoom_out.setToolTip("Zoom out (Ctrl + wheel, or −)")
        self.scroller = QScrollBar(Qt.Orientation.Horizontal)
        self.next_nudge = QPushButton("Next nudge ›")
        self.next_nudge.setToolTip("Jump to the next nudge (N)")
        for widget in (self.play_button, self.position_label):
            controls.addWidget(widget)
        controls.addWidget(self.scroller, 1)
        for widget in (self.zoom_out, self.zoom_in, self.whole_call, self.next_nudge):
            controls.addWidget(widget)
        root.addLayout(controls)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.transcript = QListWidget()
        self.transcript.setWordWrap(True)
        self.transcript.setAlternatingRowColors(False)
        self.transcript.setAccessibleName("Transcript")
        split.addWidget(self.transcript)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(10, 0, 0, 0)
        self.card = SummaryCard()
        trend_header = QHBoxLayout()
        trend_caption = QLabel("Across your recent calls:")
        trend_caption.setObjectName("muted")
        self.trend_figure = QComboBox()
        for target in TARGETS:
            self.trend_figure.addItem(target.label, target.key)
        trend_header.addWidget(trend_caption)
        trend_header.addWidget(self.trend_figure, 1)
        self.trend = TrendChart()
        self.why = WrappingLabel("Click a nudge on the timeline or in the transcript to see why it fired.")
        self.why.setWordWrap(True)
        self.why.setObjectName("muted")
        self.why.setTextFormat(Qt.TextFormat.RichText)
        self.why.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.why.setStyleSheet("background: transparent;")
        # A frame around the label: padding set on a word-wrapped label itself makes Qt
        # under-estimate its height, and the explanation was cut mid-sentence.
        why_panel = QFrame()
        why_panel.setObjectName("why")
        why_panel.setStyleSheet(f"QFrame#why {{ background: {theme.NUDGE.name()}; border-radius: 10px; }}")
        why_layout = QVBoxLayout(why_panel)
        why_layout.setContentsMargins(10, 10, 10, 10)
        why_layout.addWidget(self.why)
        side_layout.addWidget(self.card)
        side_layout.addLayout(trend_header)
        side_layout.addWidget(self.trend)
        side_layout.addWidget(why_panel, 1)
        split.addWidget(side)
        split.setSizes([700, 540])
        root.addWidget(split, 1)

    def _wire(self) -> None:
        self.timeline.position_changed.connect(self.follow_playhead)
        self.timeline.nudge_clicked.connect(self.explain)
        self.timeline.view_changed.connect(self._sync_scroll)
        self.scroller.valueChanged.connect(self._scrolled)
        self.transcript.itemClicked.connect(self._entry_clicked)
        self.zoom_in.clicked.connect(lambda: self.timeline.zoom_by(0.5))
        self.zoom_out.clicked.connect(lambda: self.timeline.zoom_by(2.0))
        self.whole_call.clicked.connect(lambda: self.timeline.zoom_to(self.timeline.duration_s))
        self.next_nudge.clicked.connect(self.jump_to_next_nudge)
        self.play_button.clicked.connect(self.toggle_playback)
        self.trend_figure.currentIndexChanged.connect(self._fill_trend)
        self.present_button.clicked.connect(self.present)
        for keys, slot in {
            "Space": self.toggle_playback,
            "+": self.zoom_in.click,
            "-": self.zoom_out.click,
            "N": self.jump_to_next_nudge,
            "Ctrl+W": self.close,
            "F5": self.present,
        }.items():
            QShortcut(QKeySequence(keys), self, slot)
        self.playhead_timer = QTimer(self)
        self.playhead_timer.setInterval(PLAYHEAD_MS)
        self.playhead_timer.timeout.connect(self._follow_player)

    def _fill(self) -> None:
        row = self.stored.row
        self.title.setText(row.display_title)
        note = f" · {row.note}" if row.note else ""
        self.subtitle.setText(row.describe() + note)
        notices = self.stored.fairness_notices()
        self.fairness_notice.setText("\n".join(notices))
        self.fairness_notice.setVisible(bool(notices))
        self.timeline.set_timeline(self.timeline_model)
        for entry in self.entries:
            self.transcript.addItem(self._item(entry))
        if not self.entries:
            self.transcript.addItem("No transcript: this call ran on talk time only (no speech model).")
        self.card.show_scores(scorecard(self.stored.summary().figures))
        self._fill_trend()
        has_audio = row.audio_kept and self.store.audio_folder(row.id).is_dir()
        self.play_button.setEnabled(has_audio)
        if not has_audio:
            self.play_button.setToolTip(
                "The audio of this call was not kept (Settings → Keep the call's audio)"
            )
        self.next_nudge.setEnabled(bool(self.stored.nudges))
        self._show_position(0.0)

    def _item(self, entry: _Entry) -> QListWidgetItem:
        if entry.nudge is not None:
            item = QListWidgetItem(f"{clock(entry.t)}   ⚑ {entry.nudge.text}")
            item.setForeground(QBrush(theme.NUDGE_ACCENT))
            item.setToolTip(f"because {entry.nudge.evidence}")
        else:
            assert entry.line is not None
            who = "You" if entry.line.speaker is Speaker.YOU else "Them"
            item = QListWidgetItem(f"{clock(entry.t)}   {who}: {entry.line.text}")
            item.setForeground(QBrush(theme.YOU if entry.line.speaker is Speaker.YOU else theme.THEM))
        return item

    def _fill_trend(self) -> None:
        """The chosen figure across the seller's last ten calls up to this one."""
        if self._recent is None:
            try:
                row = self.stored.row
                self._recent = self.store.recent(
                    10, until=row.started_at, with_demos=row.source is SessionSource.DEMO
                )
            except StoreError:
                self._recent = []
        target = TARGETS[max(0, self.trend_figure.currentIndex())]
        points: list[tuple[str, float, float]] = []
        current = None
        for row in self._recent:
            if row.figures is None:
                continue
            score = next(s for s in scorecard(row.figures) if s.target is target)
            if score.value is None:
                continue
            if row.id == self.stored.row.id:
                current = len(points)
            points.append((row.display_title, score.value, row.duration_s))
        self.trend.set_trend(target, points, current)

    def present(self) -> None:
        if self._present is not None:
            self._present(self.stored.row.id)

    # --- sync ---------------------------------------------------------------------------------

    def follow_playhead(self, t: float) -> None:
        """The playhead moved (scrubbed, clicked or playing): the transcript follows."""
        self._show_position(t)
        index = bisect.bisect_right(self._entry_times, t + 1e-6) - 1
        if index >= 0 and self.entries:
            self.transcript.blockSignals(True)
            self.transcript.setCurrentRow(index)
            self.transcript.scrollToItem(self.transcript.item(index))
            self.transcript.blockSignals(False)
        if self.player is not None and self.player.playing and abs(self.player.position_s - t) > 0.5:
            self._play_from(t)

    def _entry_clicked(self, item: QListWidgetItem) -> None:
        row = self.transcript.row(item)
        if not 0 <= row < len(self.entries):
            return
        entry = self.entries[row]
        self.timeline.set_position(entry.t)
        self.follow_playhead(entry.t)
        if entry.nudge is not None:
            self.explain(entry.nudge)

    def explain(self, nudge: Nudge) -> None:
        kind = playbook().get(nudge.kind)
        why = kind.why if kind is not None else ""
        self.why.setText(
            f"<p style='color:{theme.NUDGE_ACCENT.name()}; font-size:12pt'><b>{clock(nudge.t)} · "
            f"{escape(nudge.text)}</b></p><p style='color:{theme.TEXT.name()}'>Because "
            f"{escape(nudge.evidence)}.</p><p style='color:{theme.MUTED.name()}'>{escape(why)}</p>"
        )

    def jump_to_next_nudge(self) -> None:
        nudge = self.timeline_model.next_nudge_after(self.timeline.position)
        if nudge is not None:
            self.timeline.set_position(nudge.t)
            self.follow_playhead(nudge.t)
            self.explain(nudge)

    def _show_position(self, t: float) -> None:
        self.position_label.setText(f"{clock(t)} / {clock(self.timeline.duration_s)}")

    def _sync_scroll(self) -> None:
        hidden = max(0.0, self.timeline.duration_s - self.timeline.view_span)
        self.scroller.blockSignals(True)
        self.scroller.setRange(0, round(hidden / self.timeline.duration_s * _SCROLL_UNITS))
        self.scroller.setPageStep(round(self.timeline.view_span / self.timeline.duration_s * _SCROLL_UNITS))
        self.scroller.setValue(round(self.timeline.view_start / self.timeline.duration_s * _SCROLL_UNITS))
        self.scroller.blockSignals(False)

    def _scrolled(self, value: int) -> None:
        self.timeline.scroll_to(value / _SCROLL_UNITS * self.timeline.duration_s)

    # --- audio --------------------------------------------------------------------------------

    def toggle_playback(self) -> None:
        if not self.play_button.isEnabled():
            return
        if self.player is not None and self.player.playing:
            self.player.pause()
            self.playhead_timer.stop()
            self.play_button.setText("Play")
            return
        self._play_from(self.timeline.position)

    def _play_from(self, t: float) -> None:
        try:
            if self.player is None:
                self.player = self.audio.player(KeptAudio(self.store.audio_folder(self.stored.row.id)))
            self.player.play(t)
        except (AudioUnavailableError, OSError) as exc:
            self.why.setText(escape(str(exc)))
            self.play_button.setText("Play")
            return
        self.play_button.setText("Pause")
        self.playhead_timer.start()

    def _follow_player(self) -> None:
        if self.player is None:
            return
        t = self.player.position_s
        self.timeline.set_position(t)
        self.follow_playhead(t)
        if t >= self.player.audio.duration_s - 0.05:
            self.toggle_playback()

    # --- export -------------------------------------------------------------------------------

    def ask_export(self, fmt: ExportFormat) -> None:
        name = f"{self.stored.row.display_title}.{fmt}".replace("/", "-").replace(":", ".")
        path, _ = QFileDialog.getSaveFileName(
            self, "Export this call", str(Path.home() / name), fmt.file_filter
        )
        if path:
            self.export_to(Path(path), fmt)

    def export_to(self, path: Path, fmt: ExportFormat) -> bool:
        try:
            self.store.row(self.stored.row.id)  # deleted since this window opened: nothing to export
        except StoreError as exc:
            self.why.setText(escape(f"Not exported: {exc}"))
            return False
        try:
            path.write_text(export(self.stored, fmt), encoding="utf-8")
        except OSError as exc:
            self.why.setText(escape(f"The export could not be written: {exc.strerror or exc}"))
            return False
        self.why.setText(escape(f"Exported to {path}"))
        return True

    def _fit_to_screen(self) -> None:
        """1280×800 where it fits; on a smaller screen (a 1366×768 projector), what it has."""
        screen = self.screen()
        room = screen.availableGeometry() if screen is not None else None
        width, height = 1280, 800
        if room is not None:
            width, height = min(width, room.width() - 40), min(height, room.height() - 60)
        self.resize(width, height)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.player is not None:
            self.player.pause()
        self.playhead_timer.stop()
        super().closeEvent(event)

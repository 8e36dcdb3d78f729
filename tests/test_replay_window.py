"""The replay window and the session list under pytest-qt, over sessions stored by the real journal."""

from __future__ import annotations

import html
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from fake_portaudio import fake_audio
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from recordings import (
    TWO_SPEAKER_CALLS,
    make_call,
    read_rttm,
    recorded_audio,
    speakers_by_talk_time,
    with_echo,
)
from room_noise import add_noise, with_floor

from salesmirror.analysis import analyze_script
from salesmirror.audio.backend import AudioBackend
from salesmirror.audio.file_playback import FilePlayback
from salesmirror.audio.kept_audio import KeptAudio, SessionPlayer
from salesmirror.call_summary import CallFigures, CallSummary
from salesmirror.cli import format_summary
from salesmirror.cli import main as cli_main
from salesmirror.coaching.playbook import kind
from salesmirror.coaching.talk_time import monologues_of
from salesmirror.coaching.targets import scorecard
from salesmirror.events import CautionKind, Speaker
from salesmirror.paths import app_paths
from salesmirror.pipeline.call_pipeline import CallPipeline, ProblemCollector
from salesmirror.sessions.export import ExportFormat, export
from salesmirror.sessions.journal import SessionJournal
from salesmirror.sessions.records import SessionInfo, SessionSource
from salesmirror.sessions.store import SessionStore
from salesmirror.timefmt import clock
from salesmirror.ui import theme
from salesmirror.ui.application import AppController
from salesmirror.ui.replay_window import ReplayWindow
from salesmirror.ui.session_list import SessionListWindow
from salesmirror.ui.widgets.ratio_gauge import ratio_colour
from salesmirror.ui.widgets.summary_card import SummaryCard

CALLS = Path(__file__).parent / "data" / "playbook" / "calls"


def store_script(folder: Path, name: str) -> int:
    journal = SessionJournal(folder, SessionInfo(SessionSource.SCRIPT))
    analyze_script(CALLS / f"{name}.jsonl", journal=journal)
    assert journal.session_id is not None
    return journal.session_id


def store_recording(folder: Path, name: str, keep_audio: bool = False) -> int:
    you, them, _ = make_call(name)
    return store_tracks(folder, you, them, keep_audio)


def store_tracks(folder: Path, you: np.ndarray, them: np.ndarray, keep_audio: bool = False) -> int:
    journal = SessionJournal(folder, SessionInfo(SessionSource.RECORDING, keep_audio=keep_audio))
    pipeline = CallPipeline(
        [FilePlayback({Speaker.YOU: you, Speaker.THEM: them}, speed=None)],
        ProblemCollector(),
        flat_out=True,
        journal=journal,
    )
    pipeline.start()
    assert pipeline.wait(60)
    assert journal.session_id is not None
    return journal.session_id


@pytest.fixture
def store(tmp_path: Path):
    store = SessionStore(tmp_path / "sessions")
    yield store
    store.close()


def open_replay(
    qtbot, store: SessionStore, session_id: int, audio: AudioBackend | None = None
) -> ReplayWindow:
    window = ReplayWindow(store, session_id, audio or fake_audio())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def colour_at(window: ReplayWindow, x: float, y: float) -> QColor:
    return window.timeline.grab().toImage().pixelColor(round(x), round(y))


def test_a_deleted_call_is_not_exported_from_its_open_replay(qtbot, store, tmp_path: Path) -> None:
    session_id = store_recording(store.folder, "ami_dev00")
    window = open_replay(qtbot, store, session_id)
    store.delete(session_id)
    assert not window.export_to(tmp_path / "call.md", ExportFormat.MARKDOWN)
    assert not (tmp_path / "call.md").exists()
    assert f"There is no session {session_id}" in window.why.text()


def test_what_made_a_calls_figures_less_exact_is_said_with_them_again(qtbot, capsys) -> None:
    """A fan under the seller's voice and a microphone that heard the call: the live window said
    so during the call, and the replay, the exports and `sessions show` say so with the figures."""
    you, them, _ = make_call("ami_dev01", "MEE012")
    store = SessionStore(app_paths().sessions_dir)
    try:
        noisy_echo = add_noise(with_echo(you, them, 6), "pink", 8)
        session_id = store_tracks(store.folder, noisy_echo, with_floor(them, seed=1))
        clean_id = store_recording(store.folder, "ami_dev01")

        stored = store.load(session_id)
        assert [c.kind for c in stored.cautions] == [CautionKind.NOISY_YOU, CautionKind.ECHO_HEARD]
        notice = stored.fairness_notices()[0]
        assert notice.startswith("These figures may be less exact: from 0:0")
        assert "background noise was high on your microphone; from 0:" in notice
        assert notice.endswith(
            "your microphone heard the call's sound, so some of their words may count as yours."
        )
        window = open_replay(qtbot, store, session_id)
        assert window.fairness_notice.isVisibleTo(window) and window.fairness_notice.text() == notice
        assert notice in export(stored, ExportFormat.MARKDOWN)
        assert html.escape(notice) in export(stored, ExportFormat.HTML)
        cautions = json.loads(export(stored, ExportFormat.JSON))["cautions"]
        assert [c["kind"] for c in cautions] == ["noisy_you", "echo_heard"]
        assert cli_main(["sessions", "show", str(session_id)]) == 0
        assert notice in capsys.readouterr().out

        assert store.load(clean_id).cautions == []
        clean = open_replay(qtbot, store, clean_id)
        assert not clean.fairness_notice.isVisibleTo(clean)
    finally:
        store.close()


def test_the_lanes_show_the_stored_segments_of_a_real_call(qtbot, store: SessionStore) -> None:
    session_id = store_recording(store.folder, "ami_dev00")
    stored = store.load(session_id)
    window = open_replay(qtbot, store, session_id)
    view = window.timeline
    for speaker, colour in ((Speaker.YOU, theme.YOU), (Speaker.THEM, theme.THEM)):
        mine = [s for s in stored.segments if s.speaker is speaker]
        assert view.timeline is not None and view.timeline.lanes[speaker] == mine
        lane = view.lane_rect(speaker)
        wide = [s for s in mine if view.x_of(s.end) - view.x_of(s.start) >= 4]
        assert wide, "the call has segments wide enough to see"
        for segment in wide:
            middle = view.x_of((segment.start + segment.end) / 2)
            assert colour_at(window, middle, lane.center().y()) == colour
        # Between this speaker's segments the lane is empty.
        gaps = [
            (a.end, b.start)
            for a, b in itertools.pairwise(mine)
            if view.x_of(b.start) - view.x_of(a.end) >= 6
        ]
        for start, end in gaps:
            assert colour_at(window, view.x_of((start + end) / 2), lane.center().y()) != colour


def test_clicking_a_line_moves_the_timeline_and_scrubbing_moves_the_transcript(qtbot, store) -> None:
    session_id = store_script(store.folder, "well_run_discovery")
    window = open_replay(qtbot, store, session_id)
    entries = window.entries
    index = next(i for i, e in enumerate(entries) if e.line is not None and e.t > 200)
    item = window.transcript.item(index)
    window.transcript.scrollToItem(item)
    rect = window.transcript.visualItemRect(item)
    qtbot.mouseClick(window.transcript.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.timeline.position == pytest.approx(entries[index].t)
    assert window.position_label.text().startswith(f"{clock(entries[index].t)} / ")

    # Scrub: press on the timeline at 1:00 — the transcript selects the line being said then.
    view = window.timeline
    x = view.x_of(60.0)
    qtbot.mouseClick(
        view, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(view.lane_rect(Speaker.YOU).center().y()))
    )
    assert view.position == pytest.approx(60.0, abs=view.view_span / view.width() * 2)
    current = entries[window.transcript.currentRow()]
    assert current.t <= view.position
    later = [e for e in entries if e.t > current.t]
    assert not later or later[0].t > view.position


def test_the_summary_card_shows_the_stored_figures(qtbot, store) -> None:
    session_id = store_script(store.folder, "badly_run_pitch")
    stored = store.load(session_id)
    window = open_replay(qtbot, store, session_id)
    figures = stored.summary().figures
    metrics = figures.metrics
    assert metrics is not None
    values = window.card.values
    assert figures.talk_ratio_you is not None
    assert values["talk_ratio_you"].text() == f"{figures.talk_ratio_you * 100:.0f} %" == "66 %"
    assert values["longest_monologue_s"].text() == "1:32"
    assert values["questions_asked"].text() == str(metrics.questions_asked)
    assert values["interruptions"].text() == str(metrics.interruptions)
    assert values["words_per_minute"].text() == f"{metrics.words_per_minute} wpm"
    assert theme.TOO_MUCH.name() in values["talk_ratio_you"].styleSheet()  # 66 % is past 65 %


def test_a_nudge_marker_shows_its_why_and_next_nudge_walks_them(qtbot, store) -> None:
    session_id = store_script(store.folder, "badly_run_pitch")
    window = open_replay(qtbot, store, session_id)
    view = window.timeline
    first = window.stored.nudges[0]
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(round(view.x_of(first.t)), 8))
    assert view.position == pytest.approx(first.t)
    why = window.why.text()
    assert first.text in why.replace("&#x27;", "'")
    assert kind(first.kind).why.split()[0] in why
    window.jump_to_next_nudge()
    assert view.position == pytest.approx(window.stored.nudges[1].t)
    # The nudge is in the transcript at its moment, right after what was said before it.
    row = window.transcript.currentRow()
    assert window.entries[row].nudge == window.stored.nudges[1]


def test_zoom_from_the_whole_call_to_seconds(qtbot, store) -> None:
    session_id = store_script(store.folder, "well_run_discovery")
    window = open_replay(qtbot, store, session_id)
    view = window.timeline
    assert view.view_span == pytest.approx(view.duration_s)
    view.set_position(300.0)
    view.zoom_to(5.0)
    assert view.view_span == 5.0
    assert view.view_start <= 300.0 <= view.view_start + 5.0
    assert window.scroller.maximum() > 0
    window.scroller.setValue(0)
    assert view.view_start == 0.0
    window.whole_call.click()
    assert view.view_span == pytest.approx(view.duration_s)
    assert window.scroller.maximum() == 0


def test_without_kept_audio_play_is_disabled_and_says_why(qtbot, store) -> None:
    window = open_replay(qtbot, store, store_script(store.folder, "well_run_discovery"))
    assert not window.play_button.isEnabled()
    assert "not kept" in window.play_button.toolTip()


def test_without_words_the_card_shows_a_dash_not_a_poor_zero(qtbot, store) -> None:
    session_id = store_recording(store.folder, "ami_dev00")  # talk time only: no model
    window = open_replay(qtbot, store, session_id)
    questions = window.card.values["questions_asked"]
    assert questions.text() == "—"
    assert theme.TOO_MUCH.name() not in questions.styleSheet()


def test_the_trend_marks_this_call_among_the_recent_ones(qtbot, store) -> None:
    first = store_script(store.folder, "well_run_discovery")
    second = store_script(store.folder, "badly_run_pitch")
    window = open_replay(qtbot, store, second)
    ratios = [value for _title, value, _length in window.trend.points]
    assert ratios == [store.row(first).talk_ratio_you, store.row(second).talk_ratio_you]
    assert window.trend.current == 1
    demo = SessionJournal(store.folder, SessionInfo(SessionSource.DEMO))
    analyze_script(CALLS / "badly_run_pitch.jsonl", journal=demo)
    assert [r.id for r in store.recent()] == [first, second]  # a trainer's demo is not your trend
    window.trend_figure.setCurrentText("Questions asked")
    questions = [value for _title, value, _length in window.trend.points]
    figures = [store.load(s).summary().figures.metrics for s in (first, second)]
    assert questions == [m.questions_asked for m in figures if m is not None]
    assert window.trend.target.key == "questions_asked"


def test_the_session_list_searches_renames_notes_exports_and_deletes(qtbot, store, tmp_path) -> None:
    discovery = store_script(store.folder, "well_run_discovery")
    pitch = store_script(store.folder, "badly_run_pitch")
    opened: list[int] = []
    window = SessionListWindow(store, opened.append)
    qtbot.addWidget(window)
    window.show()
    assert window.table.rowCount() == 2

    qtbot.keyClicks(window.search, "firefighting")
    qtbot.waitUntil(lambda: window.table.rowCount() == 1, timeout=2000)
    assert window.rows[0].id == discovery
    window.search.clear()
    qtbot.waitUntil(lambda: window.table.rowCount() == 2, timeout=2000)

    window.select(pitch)
    window.rename_selected("Acme — first pitch")
    window.annotate_selected("Too much product talk")
    row = store.row(pitch)
    assert (row.title, row.note) == ("Acme — first pitch", "Too much product talk")
    titles = [window.table.item(i, 1).text() for i in range(window.table.rowCount())]
    assert "Acme — first pitch" in titles
    assert window.selected_id() == pitch

    report = tmp_path / "pitch.md"
    window.export_selected(report, ExportFormat.MARKDOWN)
    assert report.read_text(encoding="utf-8").startswith("# Acme — first pitch")

    window.open_button.click()
    assert opened == [pitch]
    window.delete_selected(confirmed=True)
    assert [r.id for r in store.sessions()] == [discovery]
    assert window.table.rowCount() == 1

    window.period.setCurrentText("Today")
    assert window.table.rowCount() == 1


def test_a_finished_call_in_the_live_window_opens_its_replay(qtbot) -> None:
    you, them, _ = make_call("ami_dev01")
    controller = AppController(
        app_paths(), fake_audio(), recorded_audio({Speaker.YOU: you, Speaker.THEM: them}, 8.0)
    )
    controller.settings.keep_audio = True
    qtbot.addWidget(controller.window)
    controller.window.show()
    try:
        controller.window.start()
        assert controller.window.keeping_audio.isVisible()
        with qtbot.waitSignal(controller.session.finished, timeout=20_000):
            pass
        assert not controller.window.keeping_audio.isVisible()
        assert controller.window.replay_button.isVisible()
        controller.window.replay_button.click()
        [replay] = controller.replays
        qtbot.addWidget(replay)
        assert replay.stored.row.source == "recording"
        assert replay.stored.row.duration_s == pytest.approx(30.0, abs=0.1)
        assert replay.play_button.isEnabled()  # the audio was kept
        controller.window.sessions_button.click()
        assert controller.session_list is not None
        qtbot.addWidget(controller.session_list)
        assert controller.session_list.table.rowCount() == 1
    finally:
        controller.shutdown()


class RecordingOutput:
    """A sound card stand-in that pulls audio through the player's real callback on demand."""

    class PortAudioError(Exception):
        pass

    def __init__(self) -> None:
        self.streams: list[RecordingOutput.Stream] = []

    class Stream:
        def __init__(self, callback, **_settings) -> None:
            self.callback = callback

        def start(self) -> None:
            pass

        def close(self) -> None:
            pass

        def pull(self, frames: int) -> np.ndarray:
            out = np.zeros((frames, 1), dtype=np.float32)
            self.callback(out, frames, None, None)
            return out[:, 0]

    def OutputStream(self, callback, **settings):  # noqa: N802 - sounddevice's name
        stream = RecordingOutput.Stream(callback, **settings)
        self.streams.append(stream)
        return stream


def test_kept_audio_plays_from_the_playhead_and_the_playhead_follows(qtbot, store) -> None:
    you, them, _ = make_call("ami_dev00")
    audio = KeptAudio(store.audio_folder(store_recording(store.folder, "ami_dev00", keep_audio=True)))
    assert audio.duration_s == pytest.approx(30.0, abs=0.1)
    # The mix is both sides, as they were said (Vorbis is lossy: compare the shape, not the bits).
    mixed = audio.read(10.0, 16000)
    original = (you[160000:176000].astype(np.float32) + them[160000:176000]) / 32768
    assert np.corrcoef(mixed, original)[0, 1] > 0.95

    output = RecordingOutput()
    player = SessionPlayer(audio, sd=output)
    player.play(10.0)
    [stream] = output.streams
    qtbot.waitUntil(player._chunks.full, timeout=2000)
    heard = np.concatenate([stream.pull(1600) for _ in range(5)])
    assert np.allclose(heard, audio.read(10.0, 8000), atol=1e-6)
    assert player.position_s == pytest.approx(10.5)
    player.pause()
    assert not player.playing and player.position_s == pytest.approx(10.5)


def test_play_without_a_sound_output_says_so(qtbot, store) -> None:
    session_id = store_recording(store.folder, "pyannote_sample", keep_audio=True)
    window = open_replay(qtbot, store, session_id)  # a stand-in sound card with no output
    assert window.play_button.isEnabled()
    window.play_button.click()
    assert "cannot be played: no usable sound output" in window.why.text()
    assert window.play_button.text() == "Play"
    window.close()


def test_play_in_the_window_sends_the_kept_audio_to_the_sound_output(qtbot, store) -> None:
    session_id = store_recording(store.folder, "pyannote_sample", keep_audio=True)
    output = RecordingOutput()
    window = open_replay(qtbot, store, session_id, AudioBackend(output))  # type: ignore[arg-type]
    window.timeline.set_position(10.0)  # both sides are talking here
    window.play_button.click()
    assert window.play_button.text() == "Pause"
    [stream] = output.streams
    assert window.player is not None
    qtbot.waitUntil(window.player._chunks.full, timeout=2000)
    heard = np.concatenate([stream.pull(1600) for _ in range(10)])
    assert np.abs(heard).max() > 0.01  # the call's voices, not silence
    window.play_button.click()
    assert window.play_button.text() == "Play"
    window.close()


def test_the_app_says_when_it_kept_a_damaged_store_aside(qtbot) -> None:
    folder = app_paths().sessions_dir
    folder.mkdir(parents=True)
    (folder / "sessions.db").write_bytes(b"not a database" * 50)
    controller = AppController(app_paths(), fake_audio())
    qtbot.addWidget(controller.window)
    try:
        assert "damaged" in controller.window.status.text()
        assert controller.store is not None and controller.store.sessions() == []
        assert len(list(folder.glob("sessions.damaged-*.db"))) == 1
    finally:
        controller.shutdown()


@pytest.mark.parametrize("ratio", [0.25, 0.31, 0.43, 0.55, 0.58, 0.65, 0.66, 0.9])
def test_the_gauge_the_summary_card_and_the_cli_judge_a_talk_ratio_alike(qtbot, ratio: float) -> None:
    """One healthy band and one too-much line: the gauge called 31 % healthy while the summary
    card called it fair, and the CLI had numbers of its own."""
    card = SummaryCard()
    qtbot.addWidget(card)
    figures = CallFigures(
        duration_s=600.0,
        you_seconds=600.0 * ratio,
        them_seconds=600.0 * (1 - ratio),
        talk_ratio_you=ratio,
        longest_monologue_s=0.0,
        metrics=None,
    )
    card.show_scores(scorecard(figures))
    card_colour = QColor(card.values["talk_ratio_you"].styleSheet().split("color:")[1].split(";")[0].strip())
    assert card_colour.name() == ratio_colour(ratio).name()
    report = format_summary(CallSummary(figures, segments=(), nudges=(), transcript=()))
    too_much = ratio_colour(ratio).name() == theme.TOO_MUCH.name()
    assert ("too much" in report) is too_much


@pytest.mark.parametrize("name", TWO_SPEAKER_CALLS)
def test_the_replay_finds_the_monologues_the_live_timer_measured(store, name: str) -> None:
    """One rule for the live timer, the replay's highlights and the stored longest monologue: a
    copy of it over stored segments disagreed with the live timer on 7 of 8 real recordings."""
    ranked = speakers_by_talk_time(read_rttm(name))
    for you_speaker in ranked[:2]:
        you, them, _ = make_call(name, you_speaker)
        journal = SessionJournal(store.folder, SessionInfo(SessionSource.RECORDING))
        pipeline = CallPipeline(
            [FilePlayback({Speaker.YOU: with_floor(you), Speaker.THEM: with_floor(them)}, speed=None)],
            ProblemCollector(),
            flat_out=True,
            journal=journal,
        )
        pipeline.start()
        assert pipeline.wait(60)
        live = [(round(m.start, 2), round(m.end, 2)) for m in pipeline.session.talk.monologues]
        assert live, "every recording has stretches of you talking"
        stored = store.load(journal.session_id)
        replayed = [(round(m.start, 2), round(m.end, 2)) for m in monologues_of(stored.segments)]
        assert replayed == live, (you_speaker, replayed, live)
        exported = stored.summary().figures.longest_monologue_s
        assert exported == pytest.approx(max(end - start for start, end in replayed), abs=0.011)

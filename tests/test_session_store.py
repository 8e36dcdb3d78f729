"""The session store: calls written as they happen and read back, crashes, damage, full disks."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile
from locks import hold_lock
from recordings import make_call

from salesmirror.analysis import analyze_script
from salesmirror.audio.file_playback import FilePlayback
from salesmirror.call_summary import CallNotes
from salesmirror.events import CaptureMode, Speaker
from salesmirror.pipeline.call_pipeline import CallPipeline, ProblemCollector
from salesmirror.pipeline.recognition import SharedModel
from salesmirror.sessions import store as store_module
from salesmirror.sessions.call_json import summary_json
from salesmirror.sessions.journal import SessionJournal
from salesmirror.sessions.records import SessionInfo, SessionSource, SessionState
from salesmirror.sessions.store import LATEST_VERSION, SessionStore, StoreError, connect, migrate

CALLS = Path(__file__).parent / "data" / "playbook" / "calls"
CHILD = Path(__file__).parent / "session_child.py"


def play_call(
    folder: Path, name: str = "pyannote_sample", model: Path | None = None, keep_audio: bool = False
) -> tuple[CallPipeline, SessionJournal, ProblemCollector]:
    """A real recorded call through the live pipeline (flat out), journaled into `folder`."""
    SessionStore(folder).close()
    you, them, _ = make_call(name)
    problems = ProblemCollector()
    info = SessionInfo(
        SessionSource.RECORDING,
        mode=CaptureMode.SEPARATE_TRACKS,
        model=model.name if model else None,
        keep_audio=keep_audio,
    )
    journal = SessionJournal(folder, info, problems.on_problem)
    pipeline = CallPipeline(
        [FilePlayback({Speaker.YOU: you, Speaker.THEM: them}, speed=None)],
        problems,
        model=SharedModel(model) if model else None,
        flat_out=True,
        journal=journal,
    )
    pipeline.start()
    assert pipeline.wait(120)
    return pipeline, journal, problems


@pytest.mark.vosk
def test_a_recorded_call_is_read_back_exactly_as_it_was_analysed(tmp_path: Path, korean_model: Path) -> None:
    pipeline, journal, problems = play_call(tmp_path, model=korean_model)
    assert problems.problems == []
    session = pipeline.session
    assert session.transcript, "the real model should have produced transcript lines"

    store = SessionStore(tmp_path)
    assert journal.session_id is not None
    stored = store.load(journal.session_id, with_words=True)
    assert stored.row.state == "finished"
    assert stored.row.model == korean_model.name
    assert summary_json(stored.summary()) == summary_json(session.summary())
    assert stored.segments == session.talk.segments
    by_start = sorted(session.transcript, key=lambda u: u.start)
    assert [u.words for u in stored.lines] == [u.words for u in by_start]
    assert all(w.end >= w.start for u in stored.lines for w in u.words)
    # The figures over time run to the end of the call.
    assert store.figures_over_time(journal.session_id)[-1][0] == pytest.approx(session.now, abs=1.0)


def test_a_timed_script_is_stored_with_its_nudges_and_evidence(tmp_path: Path) -> None:
    SessionStore(tmp_path).close()
    journal = SessionJournal(tmp_path, SessionInfo(SessionSource.SCRIPT))
    session = analyze_script(CALLS / "badly_run_pitch.jsonl", journal=journal)
    stored = SessionStore(tmp_path).load(journal.session_id or 0)
    assert stored.nudges == session.nudges.fired
    assert len(stored.nudges) == 11
    assert summary_json(stored.summary()) == summary_json(session.summary())


def test_a_call_killed_mid_way_is_recovered_up_to_two_seconds_before_the_kill(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(tmp_path), "ami_dev00", "1.0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert child.stdout is not None
    t_printed = 0.0
    for line in child.stdout:
        if line.startswith("t="):
            t_printed = float(line[2:])
            if t_printed >= 8.0:
                child.send_signal(signal.SIGKILL)
                break
    child.wait(10)
    assert child.returncode == -signal.SIGKILL
    killed_at = t_printed + 0.1  # the clock runs on while the line travels to us

    store = SessionStore(tmp_path)
    [row] = store.sessions()
    assert row.id in store.recovered
    assert row.state == "recovered"
    assert row.ended_at is not None
    assert killed_at - 2.0 <= row.duration_s <= killed_at + 0.5
    stored = store.load(row.id)

    # Everything the uninterrupted analysis found before (kill − 2 s) is there, unchanged.
    reference, _, _ = play_call(tmp_path / "reference", "ami_dev00")
    horizon = killed_at - 2.0
    finished_before = [s for s in reference.session.talk.segments if s.end <= horizon]
    assert finished_before, "the call should have speech in its first seconds"
    assert [s for s in stored.segments if s.end <= horizon] == finished_before
    assert store.figures_over_time(row.id)[-1][0] >= horizon
    assert stored.row.figures is not None and stored.row.figures.duration_s >= horizon - 1.0
    # A recovered session is a session like any other.
    assert "recovered" in store.notices[0]


def test_a_stored_call_keeps_its_typed_figures_notes_source_and_mode(tmp_path: Path) -> None:
    """What the store reads back is the records the call was analysed into, enums included."""
    SessionStore(tmp_path).close()
    notes = CallNotes(recognition="words from the script", customer_cues="phrase lists")
    info = SessionInfo(SessionSource.SCRIPT, mode=CaptureMode.SEPARATE_TRACKS, notes=notes)
    journal = SessionJournal(tmp_path, info)
    session = analyze_script(CALLS / "well_run_discovery.jsonl", journal=journal)
    row = SessionStore(tmp_path).row(journal.session_id or 0)
    assert row.figures == session.headline()
    assert row.figures.metrics is not None and row.figures.metrics.questions_asked == 15
    assert row.notes == notes
    assert (row.source, row.mode, row.state) == (
        SessionSource.SCRIPT,
        CaptureMode.SEPARATE_TRACKS,
        SessionState.FINISHED,
    )
    assert isinstance(row.source, SessionSource) and isinstance(row.state, SessionState)


def test_opening_the_first_schema_version_migrates_it_and_keeps_every_row(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    old = connect(tmp_path / store_module.DATABASE_NAME)
    migrate(old, target=1)
    old.execute(
        "INSERT INTO sessions (id, started_at, ended_at, duration_s, state, source, summary)"
        " VALUES (1, '2026-01-05T09:00:00.000+00:00', '2026-01-05T09:10:00.000+00:00', 600, 'finished',"
        " 'live', '{\"talk_ratio_you\": 0.5}')"
    )
    old.execute(
        "INSERT INTO lines (session_id, speaker, start, end, text)"
        " VALUES (1, 'them', 3.0, 6.0, 'our onboarding takes far too long')"
    )
    old.close()

    store = SessionStore(tmp_path)
    version = store._connection.execute("PRAGMA user_version").fetchone()[0]
    assert version == LATEST_VERSION > 1
    [row] = store.sessions(search="onboarding")
    assert row.talk_ratio_you == 0.5
    assert store.load(1).lines[0].text == "our onboarding takes far too long"


def test_a_deleted_calls_number_is_never_given_to_another(tmp_path: Path) -> None:
    """`sessions delete 3` from shell history must not delete the call that took number 3 after
    the first 3 was deleted; across a reopening of the store, too."""

    def save_script() -> int:
        SessionStore(tmp_path).close()
        journal = SessionJournal(tmp_path, SessionInfo(SessionSource.SCRIPT))
        analyze_script(CALLS / "well_run_discovery.jsonl", journal=journal)
        assert journal.session_id is not None
        return journal.session_id

    first, second = save_script(), save_script()
    store = SessionStore(tmp_path)
    store.delete(second)
    store.close()
    third = save_script()
    assert (first, second, third) == (1, 2, 3)


def test_a_damaged_database_is_kept_aside_and_a_new_one_started(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    damaged = b"this is not a database" * 200
    (tmp_path / "sessions.db").write_bytes(damaged)
    store = SessionStore(tmp_path)
    [kept] = tmp_path.glob("sessions.damaged-*.db")
    assert kept.read_bytes() == damaged
    assert "damaged" in store.notices[0] and kept.name in store.notices[0]
    assert store.sessions() == []


def test_two_damaged_databases_in_the_same_second_are_both_kept(tmp_path: Path) -> None:
    first, second = b"first damaged file" * 200, b"second damaged file" * 200
    (tmp_path / "sessions.db").write_bytes(first)
    SessionStore(tmp_path).close()
    (tmp_path / "sessions.db").unlink()
    (tmp_path / "sessions.db").write_bytes(second)
    SessionStore(tmp_path).close()
    kept = sorted(p.read_bytes() for p in tmp_path.glob("sessions.damaged-*.db"))
    assert kept == sorted([first, second])


def test_damage_inside_one_page_is_found_at_open_and_kept_aside(tmp_path: Path) -> None:
    """Random bytes over the root page of the transcript lines, as a bad sector would leave:
    listing calls still works on such a file, so only a check at open finds it. The damaged file
    is kept aside and new calls go into a new one."""
    import random

    for name in ("badly_run_pitch", "well_run_discovery"):
        SessionStore(tmp_path).close()
        analyze_script(
            CALLS / f"{name}.jsonl", journal=SessionJournal(tmp_path, SessionInfo(SessionSource.SCRIPT))
        )
    database = sqlite3.connect(tmp_path / "sessions.db")
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    [(root,)] = database.execute("SELECT rootpage FROM sqlite_master WHERE name = 'lines'").fetchall()
    [(page_size,)] = database.execute("PRAGMA page_size").fetchall()
    database.close()
    with open(tmp_path / "sessions.db", "r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(random.Random(3).randbytes(page_size))
    original = (tmp_path / "sessions.db").read_bytes()

    store = SessionStore(tmp_path)
    [kept] = tmp_path.glob("sessions.damaged-*.db")
    assert kept.read_bytes() == original
    assert "damaged" in store.notices[0] and kept.name in store.notices[0]
    assert store.sessions() == []
    store.close()
    SessionStore(tmp_path).close()
    assert len(list(tmp_path.glob("sessions.damaged-*.db"))) == 1  # the new file is sound


def test_a_lock_by_another_process_mid_call_holds_saving_up_and_loses_nothing(tmp_path: Path) -> None:
    """Another program (a backup tool, a second SalesMirror) holds the database for 3 s, longer
    than SQLite's busy wait, in the middle of a call: saving pauses, says so, catches up, and the
    whole call is stored. Before, the first failed write ended saving for the rest of the call."""
    import time

    SessionStore(tmp_path).close()
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(tmp_path), "ami_dev00", "4"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert child.stdout is not None
    holder = None
    lines = []
    for line in child.stdout:
        lines.append(line)
        if holder is None and line.startswith("t=") and float(line[2:]) >= 8.0:
            holder = hold_lock(tmp_path / "sessions.db", 3)
            started = time.monotonic()
    assert child.wait(60) == 0 and holder is not None
    assert holder.wait(10) == 0 and time.monotonic() - started >= 3
    problems = [line for line in lines if line.startswith("problem:")]
    assert len(problems) == 2, "".join(lines[-20:])
    assert "Saving is held up: the session database is locked by another program" in problems[0]
    assert "Saving caught up" in problems[1]
    store = SessionStore(tmp_path)
    [row] = store.sessions()
    stored = store.load(row.id)
    store.close()
    _you, _them, turns = make_call("ami_dev00")
    call_length = max(turn.end for turn in turns)
    assert row.state == "finished" and row.duration_s >= call_length - 1
    assert max(segment.end for segment in stored.segments) >= call_length - 2  # after the lock too


def test_wal_files_left_read_only_are_made_writable_again(tmp_path: Path) -> None:
    """A store restored read-only, then made writable: its -shm kept the old mode and failed
    every write. Opening the store gives the database and both WAL files back to the user."""
    SessionStore(tmp_path).close()
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp_path / 'sessions.db'}{suffix}").write_bytes(b"")
        os.chmod(f"{tmp_path / 'sessions.db'}{suffix}", 0o400)
    os.chmod(tmp_path / "sessions.db", 0o400)
    store = SessionStore(tmp_path)
    try:  # while it is open, all three exist
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{tmp_path / 'sessions.db'}{suffix}")
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, suffix
    finally:
        store.close()


def test_a_locked_database_gives_a_clear_message_and_is_not_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    SessionStore(tmp_path).close()
    before = (tmp_path / "sessions.db").read_bytes()
    holder = sqlite3.connect(tmp_path / "sessions.db", isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked by another program"):
            SessionStore(tmp_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (tmp_path / "sessions.db").read_bytes() == before
    assert not list(tmp_path.glob("*damaged*"))


def _small_disk_command() -> list[str] | None:
    """A way to give the child process a tiny disk of its own (a private tmpfs), if this machine
    allows one: a user namespace, or plain root."""
    for prefix in (["unshare", "-Urm"], ["unshare", "-m"]):
        probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
        if shutil.which("unshare") and probe.returncode == 0:
            return prefix
    return None


def test_a_full_disk_holds_saving_up_says_so_and_keeps_what_was_written(tmp_path: Path) -> None:
    prefix = _small_disk_command()
    if prefix is None:
        pytest.skip("this machine allows no private tmpfs (unshare) to make a full disk")
    disk, kept = tmp_path / "disk", tmp_path / "kept"
    disk.mkdir()
    script = (
        f'mount -t tmpfs -o size=2m tmpfs "{disk}"'
        f' && "{sys.executable}" "{CHILD}" "{disk}" ami_dev00 4 131072'
        f' ; status=$?; cp -a "{disk}" "{kept}"; exit $status'
    )
    result = subprocess.run(
        [*prefix, "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem:")]
    assert len(problems) == 2, result.stdout[-2000:]
    assert "Saving is held up: the disk is full. SalesMirror keeps trying" in problems[0]
    assert "could not be saved to the end: the disk is full" in problems[1]
    assert "is kept" in problems[1]

    (kept / "ballast").unlink()
    store = SessionStore(kept)
    [row] = store.sessions()
    stored = store.load(row.id)
    assert stored.segments, "what was committed before the disk filled is still there"
    assert 0 < row.duration_s < 30.0


def test_delete_removes_the_rows_and_the_kept_audio(tmp_path: Path) -> None:
    _, journal, problems = play_call(tmp_path, keep_audio=True)
    assert problems.problems == []
    store = SessionStore(tmp_path)
    session_id = journal.session_id
    assert session_id is not None
    audio = store.audio_folder(session_id)
    you = soundfile.read(audio / "you.ogg", dtype="int16")[0]
    expected, _, _ = make_call("pyannote_sample")
    assert abs(len(you) - len(expected)) < 16000 * 0.1
    assert np.corrcoef(you[: 16000 * 10].astype(float), expected[: 16000 * 10].astype(float))[0, 1] > 0.9

    store.delete(session_id)
    assert not audio.exists()
    assert store.sessions() == []
    db = store._connection
    for table in ("segments", "lines", "words", "nudges", "figures"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM lines_search").fetchone()[0] == 0


def test_the_sessions_folder_is_private(tmp_path: Path) -> None:
    SessionStore(tmp_path / "sessions").close()
    mode = stat.S_IMODE((tmp_path / "sessions").stat().st_mode)
    assert mode == 0o700


def test_search_rename_note_and_dates(tmp_path: Path) -> None:
    SessionStore(tmp_path).close()
    for script in ("badly_run_pitch", "well_run_discovery"):
        journal = SessionJournal(tmp_path, SessionInfo(SessionSource.SCRIPT))
        analyze_script(CALLS / f"{script}.jsonl", journal=journal)
    store = SessionStore(tmp_path)
    pitch, discovery = sorted(store.sessions(), key=lambda r: r.id)
    assert [r.id for r in store.sessions(search="firefighting")] == [discovery.id]
    assert [r.id for r in store.sessions(search="out of the box")] == [pitch.id]
    assert [r.id for r in store.sessions(search="escalat")] == [discovery.id, pitch.id]  # a prefix
    assert store.sessions(search="zebra crossing") == []
    assert len(store.sessions(search='"unbalanced ( quotes')) == 0  # no FTS syntax error
    store.rename(discovery.id, "Acme discovery")
    store.set_note(discovery.id, "Follow up on the budget")
    assert [r.display_title for r in store.sessions(search="acme")] == ["Acme discovery"]
    assert [r.id for r in store.sessions(search="follow up on the budget")] == [discovery.id]
    today = discovery.started_at.astimezone().date()
    assert len(store.sessions(since=today, until=today)) == 2
    assert store.sessions(until=today.replace(year=today.year - 1)) == []
    assert [r.id for r in store.recent()] == [pitch.id, discovery.id]
    with pytest.raises(StoreError, match="no session 99"):
        store.load(99)


def test_a_call_stopped_before_it_started_is_not_kept(tmp_path: Path) -> None:
    SessionStore(tmp_path).close()
    you, them, _ = make_call("pyannote_sample")
    journal = SessionJournal(tmp_path, SessionInfo(SessionSource.RECORDING))
    pipeline = CallPipeline(
        [FilePlayback({Speaker.YOU: you, Speaker.THEM: them}, speed=1.0)], ProblemCollector(), journal=journal
    )
    pipeline.start()
    pipeline.stop()
    assert pipeline.wait(10)
    assert SessionStore(tmp_path).sessions() == []


def test_stored_json_matches_the_analyze_output(tmp_path: Path) -> None:
    SessionStore(tmp_path).close()
    journal = SessionJournal(tmp_path, SessionInfo(SessionSource.SCRIPT))
    session = analyze_script(CALLS / "well_run_discovery.jsonl", journal=journal)
    from salesmirror.sessions.export import ExportFormat, export

    exported = export(SessionStore(tmp_path).load(journal.session_id or 0), ExportFormat.JSON)
    assert json.loads(exported) == json.loads(summary_json(session.summary()))


def test_every_folder_the_store_creates_is_private_whatever_the_umask(tmp_path: Path) -> None:
    import os
    import stat

    from salesmirror.settings import Settings, save_settings

    data = tmp_path / "profile" / "data"
    previous = os.umask(0)
    try:
        SessionStore(data / "sessions").close()
        save_settings(Settings(), tmp_path / "profile" / "config" / "settings.json")
    finally:
        os.umask(previous)
    for folder in (tmp_path / "profile", data, data / "sessions", tmp_path / "profile" / "config"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_many_processes_starting_together_on_a_new_profile_all_open_the_store(tmp_path: Path) -> None:
    """Forty processes, each waiting for the same moment (imports done), then opening the store."""
    import subprocess
    import sys
    import time

    folder = tmp_path / "sessions"
    opener = (
        "import sys, time; from pathlib import Path; from salesmirror.sessions.store import SessionStore\n"
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time()))\n"
        "SessionStore(Path(sys.argv[1])).close()"
    )
    moment = str(time.time() + 6.0)
    children = [
        subprocess.Popen([sys.executable, "-c", opener, str(folder), moment], stderr=subprocess.PIPE)
        for _ in range(40)
    ]
    failures = [c.stderr.read().decode() for c in children if c.wait(60) != 0]  # type: ignore[union-attr]
    assert failures == []
    store = SessionStore(folder)
    assert store.sessions() == []
    store.close()

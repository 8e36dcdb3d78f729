"""The session store's three goals: what writing a live call costs, how fast a 60-minute replay
opens, and how fast 500 stored hours of transcript are searched.

    .venv/bin/python tests/benchmarks/session_store.py [--live-seconds 60] [--hours 500]

1. Write cost: a real recorded call plays at real-time pace through the live pipeline, with words
   from a timed script, while the journal stores it (and, second run, keeps its audio). Cost = the
   journal's writer thread CPU (from /proc) plus the journal's hooks on the analysis worker (the
   same 60-minute script run flat out with and without a journal, main-thread CPU).
2. Opening the replay of a 60-minute call: load + build + first paint of the replay window.
3. Searching 500 hours: a store filled with 500 one-hour calls of transcript lines, then the
   session list's full-text search, median of five.
4. Playing a stored call again (`demo --session`, Present in a replay): the 60-minute call's
   rehearsal run flat out from its stored segments and lines, CPU of the process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from _calls import long_call
from fake_portaudio import fake_audio

from salesmirror.audio.file_playback import FilePlayback
from salesmirror.coaching.script import load_script, run_script
from salesmirror.coaching.session import CoachingSession
from salesmirror.events import Speaker, Utterance
from salesmirror.pipeline.call_pipeline import CallPipeline, ProblemCollector
from salesmirror.sessions.journal import SessionJournal
from salesmirror.sessions.records import SessionInfo, SessionSource
from salesmirror.sessions.store import SessionStore, connect, now_utc

DATA = Path(__file__).resolve().parent.parent / "data" / "playbook"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


# The long call of the figures: an hour (two minutes with --quick, to prove the script runs).
CALL_S = 120.0 if "--quick" in sys.argv else 3600.0


def hour_of_script() -> list[Utterance]:
    """The two whole-call scripts, alternated and shifted until they fill the long call."""
    calls = [
        load_script(DATA / "calls" / f"{name}.jsonl") for name in ("well_run_discovery", "badly_run_pitch")
    ]
    lines: list[Utterance] = []
    offset = 0.0
    while offset < CALL_S:
        call = calls[len(lines) % 2]
        for u in call:
            lines.append(Utterance(u.speaker, u.start + offset, u.end + offset, u.text))
        offset += max(u.end for u in call) + 5
    return [u for u in lines if u.end <= CALL_S]


def thread_cpu_s(native_id: int) -> float:
    fields = Path(f"/proc/self/task/{native_id}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def writer_cpu_per_minute(seconds: float, keep_audio: bool) -> float:
    """CPU seconds of the journal's writer thread per minute of a live call."""
    you, them = long_call(seconds / 60)
    script = [u for u in hour_of_script() if u.end <= seconds]
    with tempfile.TemporaryDirectory() as folder:
        SessionStore(Path(folder)).close()
        journal = SessionJournal(Path(folder), SessionInfo(SessionSource.LIVE, keep_audio=keep_audio))
        pipeline = CallPipeline(
            [FilePlayback({Speaker.YOU: you, Speaker.THEM: them}, speed=1.0)],
            ProblemCollector(),
            journal=journal,
            script=script,
        )
        pipeline.start()
        writer = next(t for t in threading.enumerate() if t.name == "session journal")
        native_id = writer.native_id
        assert native_id is not None
        cpu = 0.0
        while writer.is_alive():
            cpu = thread_cpu_s(native_id)  # read while it lives; /proc forgets it afterwards
            time.sleep(0.2)
        pipeline.wait()
    return cpu / seconds * 60


def hook_cpu_per_minute() -> float:
    """Main-thread CPU the journal adds to the coaching session, per minute of call."""
    lines = hour_of_script()
    timings = []
    for with_journal in (False, True, False, True):
        with tempfile.TemporaryDirectory() as folder:
            journal = None
            if with_journal:
                SessionStore(Path(folder)).close()
                journal = SessionJournal(Path(folder), SessionInfo(SessionSource.SCRIPT))
                journal.start()
            started = time.thread_time()
            run_script(lines, CoachingSession(observer=journal))
            timings.append((with_journal, time.thread_time() - started))
            if journal is not None:
                journal.wait()
    bare = min(t for j, t in timings if not j)
    journaled = min(t for j, t in timings if j)
    return max(0.0, journaled - bare) / (CALL_S / 60)


def store_hour_call(folder: Path) -> int:
    """An hour of the real recordings (talk time) with the scripts' words, stored."""
    SessionStore(folder).close()
    you, them = long_call(CALL_S / 60)
    journal = SessionJournal(folder, SessionInfo(SessionSource.RECORDING))
    pipeline = CallPipeline(
        [FilePlayback({Speaker.YOU: you, Speaker.THEM: them}, speed=None)],
        ProblemCollector(),
        flat_out=True,
        journal=journal,
        script=hour_of_script(),
    )
    pipeline.start()
    pipeline.wait()
    assert journal.session_id is not None
    return journal.session_id


def replay_open_s() -> tuple[float, int, int]:
    from PySide6.QtWidgets import QApplication

    from salesmirror.ui.replay_window import ReplayWindow

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        session_id = store_hour_call(Path(folder))
        store = SessionStore(Path(folder))
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            window = ReplayWindow(store, session_id, fake_audio())
            window.show()
            window.repaint()
            app.processEvents()
            timings.append(time.perf_counter() - started)
            lines, segments = len(window.stored.lines), len(window.stored.segments)
            window.close()
            window.deleteLater()
            app.processEvents()
        store.close()
    return statistics.median(timings), lines, segments


def fill_hours(folder: Path, hours: int) -> int:
    """`hours` one-hour sessions of transcript, drawn from the playbook's real lines."""
    texts = []
    for name in ("utterances_them.tsv", "utterances_you.tsv"):
        for row in (DATA / name).read_text(encoding="utf-8").splitlines()[1:]:
            texts.append(row.split("\t")[-1])
    per_hour = 600  # lines an hour: about 9,000 words, as in a real hour of talk
    SessionStore(folder).close()
    db = connect(folder / "sessions.db")
    rng = random.Random(7)
    summary = json.dumps({"talk_ratio_you": 0.45})
    db.execute("BEGIN")
    for hour in range(hours):
        started = now_utc().isoformat(timespec="milliseconds")
        session_id = db.execute(
            "INSERT INTO sessions (started_at, ended_at, duration_s, state, source, summary)"
            " VALUES (?, ?, 3600, 'finished', 'live', ?)",
            (started, started, summary),
        ).lastrowid
        db.executemany(
            "INSERT INTO lines (session_id, speaker, start, end, text) VALUES (?, ?, ?, ?, ?)",
            [
                (session_id, "you" if i % 2 else "them", i * 6.0, i * 6.0 + 5, rng.choice(texts))
                for i in range(per_hour)
            ],
        )
        if hour % 50 == 49:
            db.execute("COMMIT")
            db.execute("BEGIN")
    db.execute("COMMIT")
    lines = db.execute("SELECT count(*) FROM lines").fetchone()[0]
    db.close()
    return lines


def replay_again_cpu_s() -> tuple[float, int]:
    """CPU to play a stored call again flat out (who spoke when comes from its segments)."""
    from salesmirror.coaching.session import CoachSettings
    from salesmirror.demo import rehearsal, stored_material

    with tempfile.TemporaryDirectory() as folder:
        session_id = store_hour_call(Path(folder))
        store = SessionStore(Path(folder))
        material = stored_material(store.load(session_id))
        store.close()
        started = time.process_time()
        pipeline = rehearsal(material, material.coach_settings(CoachSettings()))
        pipeline.start()
        pipeline.wait()
        return time.process_time() - started, len(pipeline.session.nudges.fired)


def search_ms(hours: int) -> list[tuple[str, float, int]]:
    with tempfile.TemporaryDirectory() as folder:
        lines = fill_hours(Path(folder), hours)
        print(f"   ({hours} hours stored: {lines:,} transcript lines)")
        store = SessionStore(Path(folder))
        results = []
        for query in ("budget", "onboarding takes", "competitor", "zebra"):
            timings, found = [], 0
            for _ in range(5):
                started = time.perf_counter()
                found = len(store.sessions(query))
                timings.append(time.perf_counter() - started)
            results.append((query, statistics.median(timings) * 1000, found))
        store.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--live-seconds", type=float, default=60.0)
    parser.add_argument("--hours", type=int, default=500)
    parser.add_argument("--quick", action="store_true", help="small sizes, to prove the script runs")
    args = parser.parse_args()
    if args.quick:
        args.live_seconds, args.hours = 5.0, 2

    hooks = hook_cpu_per_minute()
    print("1. Write cost of a live call (goal: under 1 % of one core)")
    for keep_audio in (False, True):
        writer = writer_cpu_per_minute(args.live_seconds, keep_audio)
        total = writer + hooks
        label = "with its audio kept" if keep_audio else "without audio      "
        print(
            f"   {label}: writer {writer * 1000:.0f} ms + hooks {hooks * 1000:.0f} ms of CPU per minute"
            f" = {total / 60 * 100:.2f} % of one core"
        )
    opened, lines, segments = replay_open_s()
    print(
        f"2. Opening the replay of a {CALL_S / 60:.0f}-minute call ({lines} lines, {segments} segments): "
        f"{opened * 1000:.0f} ms (goal: under 1 s)"
    )
    print("3. Searching stored transcripts (goal: under 200 ms)")
    for query, ms, found in search_ms(args.hours):
        print(f"   {query!r:20} {ms:7.1f} ms  ({found} sessions match)")
    cpu, nudges = replay_again_cpu_s()
    print(
        f"4. Playing the {CALL_S / 60:.0f}-minute call again from the store: {cpu:.2f} s of CPU "
        f"({nudges} nudges at their stored moments)"
    )


if __name__ == "__main__":
    main()

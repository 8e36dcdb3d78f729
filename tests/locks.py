"""Another process holding the session database's lock, as a backup tool or a second
SalesMirror would: the real thing, not a stand-in, for the tests of saving under contention."""

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

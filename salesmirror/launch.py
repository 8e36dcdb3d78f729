"""The programs' entry point (`salesmirror`, `salesmirror-cli`, `python -m salesmirror`, the frozen
bundle): settles process-wide settings before any library loads, then runs the command line.

Our matrix work is many small products (a voice encoder step, an echo fit) on a machine that also
runs speech recognition and the window: BLAS threads would only spin against them. OpenBLAS reads
its thread count once, when NumPy loads, so it is set here, first; a value the user exported wins.
Importing the package as a library changes nothing in the caller's process.
"""

from __future__ import annotations

import os


def main() -> int:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from salesmirror.cli import main as run_command_line

    return run_command_line()

"""Peak memory of `salesmirror analyze` against the length of the call, in each mode: a 10- and a
60-minute recording at 48 kHz stereo (tiled from the shared recordings, with typing and line
hiss), analysed by the CLI in a child process; the child's peak RSS is printed. Recordings are
decoded block by block, so the two should differ little.

    .venv/bin/python tests/benchmarks/analyze_memory.py [--minutes 10 60] [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile
import soxr
from _calls import TESTS, long_call

sys.path.insert(0, str(TESTS))
from room_noise import add_noise, with_floor

RATE = 48_000


def write_stereo(path: Path, audio: np.ndarray) -> None:
    """16 kHz mono in, 48 kHz stereo WAV out, written a minute at a time."""
    with soundfile.SoundFile(str(path), "w", RATE, 2, "PCM_16") as out:
        for at in range(0, audio.size, 60 * 16_000):
            up = soxr.resample(audio[at : at + 60 * 16_000].astype(np.float32) / 32768, 16_000, RATE)
            up16 = (np.clip(up, -1, 1) * 32767).astype(np.int16)
            out.write(np.stack((up16, up16), axis=1))


# Runs the CLI in this child and reports its peak RSS in kB on the last line. VmHWM counts only
# this program (getrusage's maxrss would include the parent's pages the child had before exec).
_CHILD = """
import runpy, sys
sys.argv = ["salesmirror", *sys.argv[1:]]
try:
    runpy.run_module("salesmirror", run_name="__main__")
finally:
    status = open("/proc/self/status").read().splitlines()
    print(next(line.split()[1] for line in status if line.startswith("VmHWM")), file=sys.stderr)
"""


def peak_mb(args: list[str]) -> float:
    """Peak RSS of one `salesmirror analyze` process, in MB."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "analyze", *args, "--json"],
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, nargs="+", default=[10.0, 60.0])
    parser.add_argument("--quick", action="store_true", help="one minute, to prove the script runs")
    args = parser.parse_args()
    lengths = [1.0] if args.quick else args.minutes
    print(f"{'call':>8} {'--you/--them':>14} {'--mic/--system':>16}")
    for minutes in lengths:
        you, them = long_call(minutes)
        with tempfile.TemporaryDirectory() as folder:
            you_path, them_path = Path(folder) / "you.wav", Path(folder) / "them.wav"
            write_stereo(you_path, add_noise(you, "clicks", 20))
            write_stereo(them_path, with_floor(them))
            tracks = peak_mb(["--you", str(you_path), "--them", str(them_path)])
            echo = peak_mb(["--mic", str(you_path), "--system", str(them_path)])
        print(f"{minutes:>5.0f} min {tracks:>11.0f} MB {echo:>13.0f} MB")
    print("(peak RSS of each analyze process)")


if __name__ == "__main__":
    main()

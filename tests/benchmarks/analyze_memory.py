"""Peak memory and processor time of `salesmirror analyze` against the length of the call, in each
mode: a 10- and a 60-minute recording at 48 kHz stereo (tiled from the shared recordings, with
typing and line hiss), analysed by the CLI in a child process; the child's peak RSS and processor
time are printed. Recordings are decoded block by block, so memory should differ little, and
processor time should grow in proportion to the length. `--mono` (one microphone, both voices
mixed, enrolled from another part of the recordings) runs when the voice encoder is installed
(`make test` fetches it; SALESMIRROR_TEST_VOICE_ENCODER names its folder).

    .venv/bin/python tests/benchmarks/analyze_memory.py [--minutes 10 60] [--quick]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile
import soxr
from _calls import TESTS, long_call

sys.path.insert(0, str(TESTS))
from recordings import turns_audio
from room_noise import add_noise, with_floor

from salesmirror.speech.voice_encoder import VOICE_ENCODER_NAME

RATE = 48_000
VOICE_ENCODER = Path(
    os.environ.get("SALESMIRROR_TEST_VOICE_ENCODER", TESTS.parent / ".venv" / VOICE_ENCODER_NAME)
)


def write_stereo(path: Path, audio: np.ndarray) -> None:
    """16 kHz mono in, 48 kHz stereo WAV out, written a minute at a time."""
    with soundfile.SoundFile(str(path), "w", RATE, 2, "PCM_16") as out:
        for at in range(0, audio.size, 60 * 16_000):
            up = soxr.resample(audio[at : at + 60 * 16_000].astype(np.float32) / 32768, 16_000, RATE)
            up16 = (np.clip(up, -1, 1) * 32767).astype(np.int16)
            out.write(np.stack((up16, up16), axis=1))


# Runs the CLI in this child and reports its peak RSS in kB and its processor time on the last
# line. VmHWM counts only this program (getrusage's maxrss would include the parent's pages the
# child had before exec).
_CHILD = """
import runpy, sys, time
sys.argv = ["salesmirror", *sys.argv[1:]]
try:
    runpy.run_module("salesmirror", run_name="__main__")
finally:
    status = open("/proc/self/status").read().splitlines()
    peak = next(line.split()[1] for line in status if line.startswith("VmHWM"))
    print(peak, time.process_time(), file=sys.stderr)
"""


def peak_and_cpu(args: list[str]) -> tuple[float, float]:
    """Peak RSS (MB) and processor time (s) of one `salesmirror analyze` process."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "analyze", *args, "--json"],
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    peak, cpu = done.stderr.strip().splitlines()[-1].split()
    return int(peak) / 1024, float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, nargs="+", default=[10.0, 60.0])
    parser.add_argument("--quick", action="store_true", help="one minute, to prove the script runs")
    args = parser.parse_args()
    lengths = [1.0] if args.quick else args.minutes
    modes = ["--you/--them", "--mic/--system"] + (["--mono"] if VOICE_ENCODER.is_dir() else [])
    print(f"{'call':>8}" + "".join(f" {mode:>22}" for mode in modes))
    for minutes in lengths:
        you, them = long_call(minutes)
        you, them = add_noise(you, "clicks", 20), with_floor(them)
        with tempfile.TemporaryDirectory() as folder:
            paths = {name: Path(folder) / f"{name}.wav" for name in ("you", "them", "mix", "me")}
            write_stereo(paths["you"], you)
            write_stereo(paths["them"], them)
            runs = {
                "--you/--them": ["--you", str(paths["you"]), "--them", str(paths["them"])],
                "--mic/--system": ["--mic", str(paths["you"]), "--system", str(paths["them"])],
            }
            if "--mono" in modes:
                mixed = np.clip(you.astype(np.int32) + them, -32768, 32767).astype(np.int16)
                write_stereo(paths["mix"], mixed)
                # Enrolled from one voice of the recordings: only memory and time count here.
                soundfile.write(str(paths["me"]), np.tile(turns_audio("ami_dev01", "MEE009"), 3), 16_000)
                runs["--mono"] = [
                    "--mono", str(paths["mix"]), "--enroll", str(paths["me"]),
                    "--speaker-model", str(VOICE_ENCODER),
                ]  # fmt: skip
            figures = [peak_and_cpu(runs[mode]) for mode in modes]
        print(f"{minutes:>5.0f} min" + "".join(f" {mb:>7.0f} MB {cpu:>8.1f} s CPU" for mb, cpu in figures))
    print("(peak RSS and processor time of each analyze process)")


if __name__ == "__main__":
    main()

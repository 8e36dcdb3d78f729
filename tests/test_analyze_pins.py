"""`analyze --json` pinned: every figure on the shared recordings and the whole-call scripts.

Refactoring the core must not move a figure. The pins in tests/data/analyze_pins.json were written
by this module (`python tests/test_analyze_pins.py` rewrites them) and are changed only on purpose,
in a commit that says which rule changed. Recordings carry a line-hiss floor, as every talk-time test
does. Words and names must match exactly; times may move by one 20 ms frame and the talk ratio by
0.2 of a point, because the neural voice-activity detector's arithmetic is not bit-identical on
every processor.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile
from recordings import CONVERSATIONS, RATE, TWO_SPEAKER_CALLS, make_call, with_echo
from room_noise import with_floor

from salesmirror.cli import main

PINS = Path(__file__).parent / "data" / "analyze_pins.json"
CALLS = Path(__file__).parent / "data" / "playbook" / "calls"
RECORDINGS = (*TWO_SPEAKER_CALLS, "ami_trn05")
SECONDS_TOLERANCE = 0.021
RATIO_TOLERANCE = 0.002


def _write(folder: Path, name: str, audio: np.ndarray) -> str:
    path = folder / f"{name}.wav"
    soundfile.write(str(path), audio, RATE)
    return str(path)


def _arguments(case: str, folder: Path) -> list[str]:
    """The `analyze` command line of one pinned case, with its audio written into `folder`."""
    kind, name = case.split(":")
    if kind == "script":
        return ["--script", str(CALLS / f"{name}.jsonl")]
    you, them, _ = make_call(name)
    you, them = with_floor(you, seed=1), with_floor(them, seed=2)
    if kind == "tracks":
        return ["--you", _write(folder, "you", you), "--them", _write(folder, "them", them)]
    if kind == "words":
        return [
            "--you", _write(folder, "you", you), "--them", _write(folder, "them", them),
            "--script", str(CONVERSATIONS / f"{name}.jsonl"),
        ]  # fmt: skip
    assert kind == "echo"
    mic = with_echo(you, them, -6.0)
    return ["--mic", _write(folder, "mic", mic), "--system", _write(folder, "system", them)]


CASES = (
    *(f"tracks:{name}" for name in RECORDINGS),
    "words:pyannote_sample",
    "echo:ami_dev01",
    *(f"script:{path.stem}" for path in sorted(CALLS.glob("*.jsonl"))),
)


def _analyze(case: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["analyze", *_arguments(case, folder), "--json"]) == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


def _differences(pinned: object, measured: object, where: str = "") -> list[str]:
    """Where two `analyze --json` objects differ by more than the tolerances above."""
    if isinstance(pinned, dict) and isinstance(measured, dict):
        if pinned.keys() != measured.keys():
            return [f"{where}: keys {sorted(pinned)} became {sorted(measured)}"]
        return [d for key in pinned for d in _differences(pinned[key], measured[key], f"{where}.{key}")]
    if isinstance(pinned, list) and isinstance(measured, list):
        if len(pinned) != len(measured):
            return [f"{where}: {len(pinned)} items became {len(measured)}"]
        return [
            d
            for i, (p, m) in enumerate(zip(pinned, measured, strict=True))
            for d in _differences(p, m, f"{where}[{i}]")
        ]
    if isinstance(pinned, float) and isinstance(measured, int | float) and not isinstance(measured, bool):
        tolerance = RATIO_TOLERANCE if "ratio" in where else SECONDS_TOLERANCE
        return [] if abs(pinned - measured) <= tolerance else [f"{where}: {pinned} became {measured}"]
    return [] if pinned == measured else [f"{where}: {pinned!r} became {measured!r}"]


@pytest.mark.parametrize("case", CASES)
def test_analyze_json_is_unchanged(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    pinned = json.loads(PINS.read_text(encoding="utf-8"))[case]
    assert _differences(pinned, _analyze(case, tmp_path, capsys)) == []


def test_the_tolerances_catch_a_moved_figure():
    pinned = {"talk_ratio_you": 0.4312, "segments": [{"speaker": "you", "start": 1.0, "end": 2.5}]}
    assert (
        _differences(
            pinned, {"talk_ratio_you": 0.4322, "segments": [{"speaker": "you", "start": 1.02, "end": 2.5}]}
        )
        == []
    )
    assert _differences(
        pinned, {"talk_ratio_you": 0.4362, "segments": [{"speaker": "you", "start": 1.0, "end": 2.5}]}
    )
    assert _differences(
        pinned, {"talk_ratio_you": 0.4312, "segments": [{"speaker": "them", "start": 1.0, "end": 2.5}]}
    )
    assert _differences(
        pinned, {"talk_ratio_you": 0.4312, "segments": [{"speaker": "you", "start": 1.06, "end": 2.5}]}
    )


def _rewrite_pins() -> None:
    import contextlib
    import io
    import tempfile

    pins = {}
    for case in CASES:
        with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(io.StringIO()) as printed:
            assert main(["analyze", *_arguments(case, Path(folder)), "--json"]) == 0
        pins[case] = json.loads(printed.getvalue())
        print(case, pins[case]["talk_ratio_you"], file=sys.stderr)
    PINS.write_text(json.dumps(pins, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    _rewrite_pins()

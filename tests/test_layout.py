"""The windows a user meets, laid out on real screen sizes: the live window at its default size
with every notice and a long nudge's why open, presentation mode full screen, a replay with a
nudge explained and the demo playing (in the window and presented), at 1366×768 (a common
projector), 1920×1080 and 1920×1080 at 150 % scaling.
Nothing may be cut off, elided, drawn over something else, or laid out past the window's edge
(tests/layout_check.py). Each screen needs its own Qt process: layout_child.py runs there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = Path(__file__).parent / "layout_child.py"
SCREENS = {
    "1366x768": (1366, 768, 96, 1.0),
    "1920x1080": (1920, 1080, 96, 1.0),
    "1920x1080 at 150 %": (1920, 1080, 144, 1.5),
}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_no_text_is_cut_off_and_nothing_overlaps(screen: str, tmp_path: Path) -> None:
    width, height, dpi, ratio = SCREENS[screen]
    config = tmp_path / "screen.json"
    screen_entry = {"name": "test", "x": 0, "y": 0, "width": width, "height": height}
    screen_entry |= {"logicalDpi": dpi, "logicalBaseDpi": 96, "dpr": ratio}
    config.write_text(json.dumps({"screens": [screen_entry]}))
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        SALESMIRROR_HOME=str(tmp_path / "home"),
        PYTHONPATH=os.pathsep.join(sys.path),
    )
    done = subprocess.run(
        [sys.executable, str(CHILD), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "", done.stdout
    shots = {p.name for p in tmp_path.glob("*.png")}
    assert shots == {"live.png", "presentation.png", "replay.png", "demo.png", "demo-presentation.png"}

"""Opens the windows a user meets on one screen and prints what looks broken in each, one line
per problem (see layout_check.py): the live window at its default size with every notice and a
long nudge, presentation mode full screen, the replay of a stored call with a nudge's why open,
and the demo playing (without speakers, so its sound switch says so) in the window and presented.

    QT_QPA_PLATFORM=offscreen:configfile=SCREEN.json python tests/layout_child.py [SHOTS_FOLDER]

Run by test_layout.py with a screen of each size; with SHOTS_FOLDER it also saves what it saw.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fake_portaudio import fake_audio
from layout_check import layout_problems
from PySide6.QtTest import QTest

from salesmirror.analysis import analyze_script
from salesmirror.demo import bundled_demo
from salesmirror.events import Nudge, Speaker
from salesmirror.paths import app_paths
from salesmirror.sessions.journal import SessionJournal
from salesmirror.sessions.records import SessionInfo, SessionSource
from salesmirror.sessions.store import SessionStore
from salesmirror.speech.speaker_id import VoicesHeard
from salesmirror.ui.application import NO_MICROPHONE, AppController, desktop_application

CALLS = Path(__file__).parent / "data" / "playbook" / "calls"
LONG_NUDGE = Nudge(
    12.0,
    "problem",
    "They just mentioned a problem — ask why it matters to them and what it costs them today",
    "they said: the licence costs are killing us and nobody can tell me what we actually use",
)


def main() -> int:
    shots = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    app = desktop_application()  # kept: the windows need it alive
    assert app is not None
    SessionStore(app_paths().sessions_dir).close()
    journal = SessionJournal(app_paths().sessions_dir, SessionInfo(SessionSource.SCRIPT))
    analyze_script(CALLS / "badly_run_pitch.jsonl", journal=journal)
    controller = AppController(app_paths(), fake_audio())
    window = controller.window
    window.show()
    window.set_recognition_available(False)
    window.explain_audio_problem(NO_MICROPHONE)
    window._show_noise((Speaker.YOU, Speaker.THEM))  # every notice at once, the longest wording
    window._show_voices(VoicesHeard.YOURS_AND_ANOTHER)
    window._show_dropped(12)
    window.show_nudge(LONG_NUDGE)
    window.banner.why_button.click()
    QTest.qWait(300)  # the window grows once the banner has its height
    seen = {"live": window}

    controller.present()
    QTest.qWait(300)
    assert controller.presentation is not None
    controller.presentation.show_nudge(LONG_NUDGE)
    QTest.qWait(300)  # a refresh or two: the status line has its text
    seen["presentation"] = controller.presentation

    controller.open_replay(journal.session_id or 1)
    [replay] = controller.replays
    replay.show()
    replay.jump_to_next_nudge()  # a nudge's why, open under the summary card
    QTest.qWait(300)
    seen["replay"] = replay

    demo = AppController(app_paths(), fake_audio(), demo=bundled_demo())
    demo.window.show()
    demo.window.start()
    QTest.qWait(300)
    seen["demo"] = demo.window
    demo.present()
    QTest.qWait(300)
    assert demo.presentation is not None
    seen["demo presentation"] = demo.presentation

    for name, shown in seen.items():
        for problem in layout_problems(shown):
            print(f"{name}: {problem}")
        if shots is not None:
            shown.grab().save(str(shots / f"{name.replace(' ', '-')}.png"))
    demo.shutdown()
    controller.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Opens every window and dialog of an installed SalesMirror and closes it again, from wherever it
is run: the check that an installed wheel finds everything it reads (icons, playbook, catalogue,
demo) outside a source checkout. installers/linux/check-wheel.sh runs it in a fresh environment.

    python installers/check_windows.py

Exits 1 naming the window that failed; prints what it opened otherwise. Uses the user's data
folder, so run it with a throwaway HOME.
"""

from __future__ import annotations

import os
import sys
import traceback

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from salesmirror.audio.backend import AudioBackend
from salesmirror.demo import bundled_demo
from salesmirror.paths import app_paths
from salesmirror.ui.application import AppController, desktop_application


def main() -> int:
    app = desktop_application()
    controller = AppController(app_paths(), AudioBackend())  # the real sound, as the installed app
    controller.window.show()
    opened: list[str] = []

    def close_modal_dialog() -> None:
        """The settings, model manager and enrolment dialogs run modally: close each once shown."""
        dialog = QApplication.activeModalWidget()
        if dialog is not None:
            opened.append(type(dialog).__name__)
            dialog.close()

    closer = QTimer(app)
    closer.timeout.connect(close_modal_dialog)
    closer.start(300)

    def shown(widget: QWidget | None) -> None:
        if widget is not None and widget.isVisible():
            opened.append(type(widget).__name__)
            app.processEvents()
            widget.close()

    opened.append(type(controller.window).__name__)
    steps = [
        ("Settings", controller.open_settings),
        ("the model manager", controller.download_model),
        ("voice enrolment", controller.enrol_voice),
        ("Calls", lambda: (controller.open_sessions(), shown(controller.session_list))),
        ("presentation mode", lambda: (controller.present(), shown(controller.presentation))),
        ("the demo", lambda: (controller.use_demo(bundled_demo()), opened.append("DemoMode"))),
    ]
    stored = controller.store.sessions() if controller.store is not None else []
    if stored:

        def replay() -> None:
            controller.open_replay(stored[0].id)
            for window in list(controller.replays):
                shown(window)

        steps.append(("a replay", replay))
    for name, step in steps:
        try:
            step()
            app.processEvents()
        except Exception:
            traceback.print_exc()
            print(f"check_windows: opening {name} failed", file=sys.stderr)
            return 1
    controller.shutdown()
    print("opened: " + ", ".join(opened))
    return 0


if __name__ == "__main__":
    sys.exit(main())

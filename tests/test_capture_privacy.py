"""Screen sharing must never show the customer a nudge: the live window asks Windows and macOS
to leave it out of every capture, through the one native call each offers, and says on Linux
what to do instead. The native calls cannot run here; the tests check the call each platform
gets (the window's own native handle and the value the system documents) and what the user is
told when it fails."""

from __future__ import annotations

import sys

import pytest
from fake_portaudio import fake_audio

from salesmirror.paths import app_paths
from salesmirror.settings import load_settings, save_settings
from salesmirror.ui.application import AppController
from salesmirror.ui.capture_privacy import (
    LINUX_ADVICE,
    NS_WINDOW_SHARING_NONE,
    NS_WINDOW_SHARING_READ_ONLY,
    WDA_EXCLUDEFROMCAPTURE,
    WDA_NONE,
    hide_from_capture,
)
from salesmirror.ui.settings_dialog import SettingsDialog


@pytest.fixture
def window(qtbot):
    controller = AppController(app_paths(), fake_audio())
    qtbot.addWidget(controller.window)
    yield controller.window
    controller.shutdown()


@pytest.mark.parametrize(
    ("platform", "hidden", "value"),
    [
        ("win32", True, WDA_EXCLUDEFROMCAPTURE),
        ("win32", False, WDA_NONE),
        ("darwin", True, NS_WINDOW_SHARING_NONE),
        ("darwin", False, NS_WINDOW_SHARING_READ_ONLY),
    ],
)
def test_each_system_gets_its_call_on_the_windows_own_handle(window, platform, hidden, value) -> None:
    calls: list[tuple[int, int]] = []
    said = hide_from_capture(window, hidden, platform, lambda handle, v: calls.append((handle, v)) or True)
    assert said is None
    assert calls == [(int(window.winId()), value)]
    assert WDA_EXCLUDEFROMCAPTURE == 0x11 and NS_WINDOW_SHARING_NONE == 0  # as the systems define them


def test_a_refusing_system_is_explained_not_ignored(window) -> None:
    said = hide_from_capture(window, True, "win32", lambda handle, value: False)
    assert said is not None and "share one window" in said


def test_linux_says_how_to_keep_it_private(window) -> None:
    assert hide_from_capture(window, True, "linux") == LINUX_ADVICE
    assert hide_from_capture(window, False, "linux") is None


def test_it_is_on_by_default_and_the_switch_is_kept(qtbot, window) -> None:
    settings = window.settings
    assert settings.hide_from_screen_sharing
    dialog = SettingsDialog(settings, list, lambda: None, None)
    qtbot.addWidget(dialog)
    assert dialog.hide_from_sharing.isChecked()
    if sys.platform.startswith("linux"):
        assert dialog.sharing_note.text() == LINUX_ADVICE
    dialog.hide_from_sharing.setChecked(False)
    dialog.accept()
    assert settings.hide_from_screen_sharing is False
    save_settings(settings, app_paths().settings_file)
    saved, _ = load_settings(app_paths().settings_file)
    assert saved.hide_from_screen_sharing is False

"""The live window under pytest-qt: real widgets, real recordings played through the real pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fake_portaudio import LAPTOP, FakePortAudio, fake_audio
from locks import hold_lock
from PySide6.QtCore import Qt
from recordings import make_call, recorded_audio, with_echo
from room_noise import add_noise, at_dbfs, with_floor

from salesmirror.audio.devices import AudioUnavailableError, InputDevice
from salesmirror.audio.source import BLOCK_SAMPLES
from salesmirror.coaching.echo_leak import echo_heard_message
from salesmirror.events import Speaker
from salesmirror.paths import app_paths
from salesmirror.pipeline.call_pipeline import Recognition
from salesmirror.settings import load_settings
from salesmirror.ui.application import AppController
from salesmirror.ui.settings_dialog import SettingsDialog

FAST = 8.0  # play recordings eight times faster than real time


def no_devices() -> list[InputDevice]:
    return []


def playing_window(qtbot, you: np.ndarray, them: np.ndarray) -> AppController:
    """The app, its window shown, set to play this call (as separate tracks) eight times faster."""
    controller = AppController(
        app_paths(), fake_audio(), recorded_audio({Speaker.YOU: you, Speaker.THEM: them}, FAST)
    )
    qtbot.addWidget(controller.window)
    controller.window.show()
    return controller


@pytest.fixture
def recorded_app(qtbot):
    you, them, _ = make_call("ami_trn03")
    controller = playing_window(qtbot, you, them)
    yield controller
    controller.shutdown()


def test_playing_a_call_moves_the_gauge_and_finishes(qtbot, recorded_app):
    window = recorded_app.window
    window.start()
    assert window.start_button.text() == "Stop"
    with qtbot.waitSignal(recorded_app.session.finished, timeout=20_000):
        pass
    # ami_trn03 as "you": one speaker holds the floor for 29 of 30 seconds.
    assert window.gauge.recent is not None and window.gauge.recent > 0.9
    assert window.gauge.overall == pytest.approx(window.gauge.recent)
    assert window.elapsed.text() == "0:30"
    assert window.start_button.text() == "Start"
    assert not window.you_light.active


def test_a_call_the_store_refused_to_the_end_says_what_was_kept(qtbot, recorded_app):
    """Another program locks the session database from 2 s into the call until well after its
    end: the window says saving is held up, and at the end exactly how much was kept, never
    "Call ended and saved"."""
    window = recorded_app.window
    window.start()
    qtbot.waitUntil(lambda: (window.elapsed.text() or "0:00") >= "0:02", timeout=10_000)
    holder = hold_lock(app_paths().sessions_dir / "sessions.db", 30)
    try:
        qtbot.waitUntil(lambda: "Saving is held up" in window.audio_notice.text(), timeout=10_000)
        with qtbot.waitSignal(recorded_app.session.finished, timeout=40_000):
            pass
    finally:
        holder.kill()
        holder.wait()
    status = window.status.text()
    assert status.startswith("Call ended — only the first 0:0"), status
    assert "saved, as session 1" in status and "Call ended and saved" not in status


def test_a_nudge_appears_and_then_clears(qtbot, recorded_app):
    recorded_app.settings.nudge_thresholds["monologue"] = 20
    window = recorded_app.window
    window.banner.set_show_seconds(0.3)
    window.start()
    qtbot.waitUntil(window.banner.isVisible, timeout=20_000)
    assert window.banner.text == "You've talked for 20 seconds — ask them a question"
    assert window.banner.current is not None and window.banner.current.kind == "monologue"
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: not recorded_app.session.running, timeout=20_000)


def test_the_nudge_explains_why_and_snoozing_silences_the_rest_of_the_call(qtbot, recorded_app):
    recorded_app.settings.nudge_thresholds["monologue"] = 10
    recorded_app.settings.nudge_repeat_gap_s = 10
    recorded_app.settings.nudge_gap_s = 10
    window = recorded_app.window
    window.banner.set_show_seconds(30)
    window.start()
    qtbot.waitUntil(window.banner.isVisible, timeout=20_000)
    assert not window.banner.why.isVisible()
    window.banner.why_button.click()
    assert window.banner.why.isVisible() and "dialogue" in window.banner.why.text()
    window.banner.snooze_button.click()
    qtbot.waitUntil(window.snoozed.isVisible, timeout=5_000)
    assert "Nudges snoozed" in window.snoozed.text()
    # The snooze reached the coaching session on its worker: it reports the time left.
    qtbot.waitUntil(lambda: recorded_app.session.snapshot().snoozed_for_s > 200, timeout=5_000)
    qtbot.waitUntil(lambda: not recorded_app.session.running, timeout=20_000)
    engine = recorded_app.session.pipeline.session.nudges
    assert engine.snoozed_until is not None and [n.kind for n in engine.fired] == ["monologue"]


def test_stop_returns_at_once_and_the_call_winds_down(qtbot, recorded_app):
    window = recorded_app.window
    window.start()
    qtbot.waitUntil(lambda: window.elapsed.text() != "0:00", timeout=10_000)
    with qtbot.waitSignal(recorded_app.session.finished, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.start_button.text() == "Start"


def test_without_a_microphone_the_window_opens_and_explains(qtbot):
    controller = AppController(app_paths(), fake_audio())
    qtbot.addWidget(controller.window)
    controller.window.show()
    qtbot.waitUntil(controller.window.audio_notice.isVisible)
    assert "No microphone was found" in controller.window.audio_notice.text()


def test_start_with_a_missing_device_explains_instead_of_crashing(qtbot):
    controller = AppController(app_paths(), fake_audio())
    controller.settings.you_device = "USB headset that is not plugged in"
    qtbot.addWidget(controller.window)
    controller.window.start()
    assert not controller.session.running
    assert not controller.window.start_button.isChecked()
    text = controller.window.audio_notice.text()
    assert "not connected" in text or "No microphone" in text or "PortAudio" in text


def test_a_failed_start_leaves_nothing_behind_for_the_next_call(qtbot):
    """Start with a microphone that is not there, then the demo: the failed call's workers
    still say 'finished' as they wind down, which used to end the demo in the window ('Call
    ended and saved') while it played on invisibly."""
    from salesmirror.demo import bundled_demo

    controller = AppController(app_paths(), fake_audio(), playback_speed=2.0)
    controller.settings.you_device = "USB headset that is not plugged in"
    window = controller.window
    qtbot.addWidget(window)
    window.start()
    assert not controller.session.running
    controller.use_demo(bundled_demo())
    window.start()
    qtbot.wait(1500)  # the failed call's news has long arrived
    try:
        assert controller.session.running
        assert window.start_button.text() == "Stop" and window.start_button.isChecked()
        assert "Call ended" not in window.status.text()
        assert window.refresh_timer.isActive()
    finally:
        controller.shutdown()


def test_ctrl_q_from_any_window_quits_everything_and_ends_the_call(qtbot, recorded_app):
    """Ctrl+Q in the Calls window with a call running: every window closes and the call ends
    (it used to close only the live window, leaving orphan windows and a running process)."""
    from PySide6.QtWidgets import QApplication

    window = recorded_app.window
    window.start()
    recorded_app.open_sessions()
    calls = recorded_app.session_list
    assert calls is not None and calls.isVisible()
    calls.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is calls, timeout=5_000)
    qtbot.keyClick(calls, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not calls.isVisible() and not window.isVisible()
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == []
    qtbot.waitUntil(lambda: not recorded_app.session.running, timeout=10_000)


def test_without_a_model_it_says_talk_time_only_with_two_ways_out(qtbot, korean_model, tmp_path):
    controller = AppController(app_paths(), fake_audio())
    window = controller.window
    qtbot.addWidget(window)
    window.show()
    controller.update_model_notice()
    assert window.notice.isVisible()
    assert "Talk time only" in window.notice_text.text()
    assert window.use_folder_button.isVisible() and window.download_button.isVisible()
    assert not window.transcript.isVisible()  # nothing to transcribe without a model

    controller.use_model_folder(tmp_path)
    assert "is not a Vosk model folder" in window.notice_text.text()

    controller.use_model_folder(korean_model)
    assert not window.notice.isVisible()
    assert window.transcript.isVisible()
    saved, _ = load_settings(app_paths().settings_file)
    assert saved.model_path == str(korean_model)


def test_size_position_and_pin_are_remembered(qtbot):
    first = AppController(app_paths(), fake_audio())
    qtbot.addWidget(first.window)
    first.window.show()
    first.window.resize(420, 640)
    first.window.pin_button.click()
    assert first.window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    first.window.close()
    stored = json.loads(app_paths().settings_file.read_text(encoding="utf-8"))
    assert stored["always_on_top"] is True

    second = AppController(app_paths(), fake_audio())
    qtbot.addWidget(second.window)
    assert (second.window.width(), second.window.height()) == (420, 640)
    assert second.window.pin_button.isChecked()


def test_the_transcript_follows_the_call_until_the_user_scrolls_up(qtbot):
    """A nudge banner or a resize changes the transcript's height; it used to stop following
    the call from then on (stuck at 0:09–0:40 while the call was at 3:10)."""
    from salesmirror.events import Utterance

    controller = AppController(app_paths(), fake_audio())
    window = controller.window
    qtbot.addWidget(window)
    window.show()
    window.set_recognition_available(True)
    bar = window.transcript.verticalScrollBar()

    def say(first: int, count: int) -> None:
        for i in range(first, first + count):
            window.add_utterance(Utterance(Speaker.THEM, i, i + 0.5, f"line number {i} of the call"))
            qtbot.wait(1)

    say(0, 40)
    assert bar.maximum() > 0 and bar.value() == bar.maximum()
    window.resize(window.width(), window.height() - 120)  # what a nudge banner does to it
    qtbot.wait(50)
    say(40, 20)
    assert bar.value() == bar.maximum() and window.transcript.following
    assert not window.back_to_latest.isVisible()

    window.transcript.setFocus()
    qtbot.keyClick(window.transcript, Qt.Key.Key_PageUp)  # the user scrolls up to read
    reading = bar.value()
    assert reading < bar.maximum() and not window.transcript.following
    say(60, 10)
    assert bar.value() == reading  # left where they are reading
    assert window.back_to_latest.isVisible()
    window.back_to_latest.click()
    assert bar.value() == bar.maximum() and window.transcript.following
    assert not window.back_to_latest.isVisible()
    controller.shutdown()


def test_transcript_collapses_and_the_choice_sticks(qtbot, korean_model):
    controller = AppController(app_paths(), fake_audio())
    window = controller.window
    controller.use_model_folder(korean_model)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts reach the active window only
    assert window.transcript.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert not window.transcript.isVisible()
    assert controller.settings.transcript_visible is False


def test_settings_dialog_edits_thresholds_and_refuses_a_bad_model(qtbot, tmp_path: Path):
    controller = AppController(app_paths(), fake_audio())
    qtbot.addWidget(controller.window)
    devices = [InputDevice(3, "Desk mic", "ALSA", 1, 48000.0, True)]
    dialog = SettingsDialog(controller.settings, lambda: devices, lambda: None)
    qtbot.addWidget(dialog)
    dialog.nudges.thresholds["monologue"].setValue(75)
    dialog.nudges.switches["problem"].setChecked(False)
    dialog.nudges.product_terms.setText("Acme Cloud, , dashboards ")
    dialog.them_device.setCurrentIndex(dialog.them_device.findData("Desk mic"))
    dialog.model_path.setText(str(tmp_path))
    dialog.accept()
    assert "not a Vosk model folder" in dialog.error.text()
    assert controller.settings.nudge_thresholds == {}

    dialog.model_path.setText("")
    dialog.accept()
    s = controller.settings
    assert (s.nudge_thresholds, s.disabled_nudges) == ({"monologue": 75.0}, ["problem"])
    assert s.them_device == "Desk mic"
    assert s.product_terms == ["Acme Cloud", "dashboards"]
    coach = s.coach_settings().nudges
    assert coach.threshold("monologue") == 75 and not coach.enabled("problem") and coach.enabled("pace")
    dialog.nudges.switches["pace"].setChecked(False)
    assert not dialog.nudges.thresholds["pace"].isEnabled()


def test_settings_dialog_explains_missing_audio(qtbot):
    def broken() -> list[InputDevice]:
        raise AudioUnavailableError("The PortAudio library is missing; install libportaudio2")

    dialog = SettingsDialog(load_settings(app_paths().settings_file)[0], broken, lambda: None)
    qtbot.addWidget(dialog)
    assert "PortAudio library is missing" in dialog.device_note.text()


def test_settings_propose_call_audio_name_the_mode_and_show_live_levels(qtbot):
    from salesmirror.audio.call_audio import SYSTEM_AUDIO, CallAudioProposal
    from salesmirror.audio.file_playback import FilePlayback

    you, them, _ = make_call("ami_dev00")
    opened: list[tuple[str | None, str | None]] = []

    def play_as_devices(you_device, them_device):
        opened.append((you_device, them_device))
        return [FilePlayback({Speaker.YOU: you, Speaker.THEM: them}, speed=1.0)]

    settings = load_settings(app_paths().settings_file)[0]
    proposal = CallAudioProposal(SYSTEM_AUDIO, "Call audio: monitor of the default output", "")
    dialog = SettingsDialog(settings, no_devices, lambda: None, proposal, play_as_devices)
    qtbot.addWidget(dialog)
    assert dialog.them_device.currentData() == SYSTEM_AUDIO  # proposed before the user chose
    assert "two streams" in dialog.mode.text()

    dialog.headset.setChecked(True)
    assert "headset" in dialog.mode.text()
    dialog.them_device.setCurrentIndex(dialog.them_device.findData(None))
    assert "single microphone" in dialog.mode.text() and "approximate" in dialog.mode.text()

    dialog.show()
    qtbot.waitUntil(lambda: dialog.you_level.value() > -40, timeout=5000)
    assert dialog.them_level.format() == "-60 dB"  # live, and silent: they start at 13 s
    dialog.them_device.setCurrentIndex(dialog.them_device.findData(SYSTEM_AUDIO))
    dialog.accept()  # closing stops the meters' sources
    assert opened[0] == (None, SYSTEM_AUDIO) or opened[0] == (None, None)
    assert (settings.them_device, settings.headset, settings.call_audio_chosen) == (
        SYSTEM_AUDIO,
        True,
        True,
    )


def test_a_noisy_room_is_said_plainly_while_the_call_goes_on(qtbot):
    you, them, _ = make_call("ami_trn03")
    noisy = add_noise(you, "pink", 8)  # a loud fan under the seller's voice
    controller = playing_window(qtbot, noisy, them)
    window = controller.window
    try:
        assert not window.noise_notice.isVisible()
        window.start()
        qtbot.waitUntil(window.noise_notice.isVisible, timeout=20_000)
        assert window.noise_notice.text() == (
            "Background noise is high on your microphone: figures may be less exact"
        )
        qtbot.waitUntil(lambda: not controller.session.running, timeout=20_000)
    finally:
        controller.shutdown()


def test_a_headset_microphone_that_hears_the_call_is_said_on_screen(qtbot):
    """With "I wear a headset" ticked while the call plays through speakers the gauge leans to you
    with their words, and the window says why instead of showing a confident wrong figure."""
    you, them, _ = make_call("ami_dev01", "MEE012")
    controller = playing_window(qtbot, with_echo(you, them, 6), them)
    window = controller.window
    try:
        assert not window.audio_notice_frame.isVisible()
        window.start()
        qtbot.waitUntil(window.audio_notice_frame.isVisible, timeout=20_000)
        assert window.audio_notice.text() == echo_heard_message(removing_echo=False)
        qtbot.waitUntil(lambda: not controller.session.running, timeout=20_000)
        assert window.audio_notice_frame.isVisible()  # still said once the call is over
    finally:
        controller.shutdown()


def test_settings_show_each_inputs_noise_floor_beside_its_meter(qtbot):
    from salesmirror.audio.call_audio import SYSTEM_AUDIO, CallAudioProposal
    from salesmirror.audio.file_playback import FilePlayback

    fan = at_dbfs("pink", 20, -40)
    silence = np.zeros_like(fan)

    def play_as_devices(you_device, them_device):
        return [FilePlayback({Speaker.YOU: fan, Speaker.THEM: silence}, speed=1.0)]

    settings = load_settings(app_paths().settings_file)[0]
    proposal = CallAudioProposal(SYSTEM_AUDIO, "Call audio: monitor of the default output", "")
    dialog = SettingsDialog(settings, no_devices, lambda: None, proposal, play_as_devices)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.you_floor.text() != "noise —", timeout=5000)
    floor = float(dialog.you_floor.text().removeprefix("noise ").removesuffix(" dB"))
    assert -46 < floor < -40  # pink noise at -40 dBFS, measured in 60 ms blocks
    assert "high" in dialog.you_floor.toolTip()
    qtbot.waitUntil(lambda: dialog.them_floor.text() == "noise -60 dB", timeout=5000)
    assert "low" in dialog.them_floor.toolTip()
    dialog.reject()


def test_the_speech_model_loads_once_at_launch_and_serves_every_call(qtbot, korean_model, monkeypatch):
    from salesmirror.pipeline import recognition

    loads: list[Path] = []
    real_load = recognition.load_model

    def counted_load(path: Path):
        loads.append(path)
        return real_load(path)

    monkeypatch.setattr(recognition, "load_model", counted_load)
    you, them, _ = make_call("ami_trn03")
    n = 5 * 16_000
    controller = AppController(
        app_paths(),
        fake_audio(),
        recorded_audio({Speaker.YOU: you[:n], Speaker.THEM: them[:n]}, FAST),
        korean_model,
    )
    qtbot.addWidget(controller.window)
    try:
        qtbot.waitUntil(lambda: len(loads) == 1, timeout=20_000)  # at launch, before any call
        for _ in range(2):
            controller.window.start()
            with qtbot.waitSignal(controller.session.finished, timeout=30_000):
                pass
            assert controller.session.snapshot().recognition is Recognition.ON
        assert loads == [korean_model.resolve()]
    finally:
        controller.shutdown()


@pytest.mark.parametrize("size", [(220, 130), (360, 200), (640, 360), (1200, 700)])
def test_the_pointer_never_crosses_the_percentage(qtbot, size):
    """A needle from the centre painted over the big number from 55 to 80 % (most of a real call):
    the pointer now starts just inside the arc, and both texts stay inside its reach."""
    from salesmirror.ui.widgets.ratio_gauge import TalkRatioGauge

    gauge = TalkRatioGauge()
    qtbot.addWidget(gauge)
    gauge.resize(*size)
    dial = gauge.dial()
    for box in (dial.number, dial.under):
        assert dial.reach(box) < dial.pointer_from, (size, box)
    assert dial.number.bottom() <= dial.under.top()  # the number and its caption do not overlap


def test_the_gauge_repaints_only_when_what_it_shows_changes_and_refits_to_its_size_and_font(qtbot):
    """The window hands the gauge new figures 20 times a second; it repainted (and refitted its
    font) every time, the largest part of the GUI thread's work during a call."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from salesmirror.ui.widgets.ratio_gauge import TalkRatioGauge

    class CountingGauge(TalkRatioGauge):
        paints = 0

        def paintEvent(self, event):  # noqa: N802 (Qt's name)
            CountingGauge.paints += 1
            super().paintEvent(event)

    gauge = CountingGauge()
    qtbot.addWidget(gauge)
    gauge.resize(320, 190)
    gauge.show()
    qtbot.waitExposed(gauge)

    def paints_after(recent: float, overall: float) -> int:
        before = CountingGauge.paints
        gauge.set_ratios(recent, overall)
        QApplication.processEvents()
        return CountingGauge.paints - before

    assert paints_after(0.5, 0.5) == 1
    assert paints_after(0.5001, 0.5001) == 0  # the pointer moves less than a pixel
    assert gauge.recent == 0.5001  # the figure itself is kept exactly
    assert paints_after(0.52, 0.5001) == 1
    assert paints_after(0.52, 0.53) == 1  # the whole call's share, in whole percent

    small = gauge.dial()
    gauge.resize(640, 360)
    assert gauge.dial().r > small.r
    assert gauge.dial().number_font.family() != "Serif"
    gauge.setFont(QFont("Serif"))
    assert gauge.dial().number_font.family() == "Serif"


def test_teach_my_voice_without_the_encoder_answers_over_the_settings_dialog(qtbot):
    """Its error used to land on the live window behind the modal Settings dialog: the button
    looked dead. Now a message over the dialog says why and offers the download."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    controller = AppController(app_paths(), fake_audio())
    qtbot.addWidget(controller.window)
    seen: list[tuple[str, object, list[str]]] = []

    def answer_message() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append((box.text(), box.parent(), [b.text() for b in box.buttons()]))
            box.reject()
        elif box is not None and not seen:
            QTimer.singleShot(50, answer_message)

    def press_teach() -> None:
        settings = QApplication.activeModalWidget()
        assert isinstance(settings, SettingsDialog)
        QTimer.singleShot(50, answer_message)
        settings.enrol_button.click()
        settings.reject()

    QTimer.singleShot(50, press_teach)
    controller.open_settings()
    [(text, parent, buttons)] = seen
    assert "voice encoder" in text.lower() and "Download it now?" in text
    assert isinstance(parent, SettingsDialog)
    assert "Download…" in buttons
    assert "voice encoder" not in controller.window.audio_notice.text().lower()
    controller.shutdown()


def test_a_recording_is_opened_from_the_window_not_the_command_line(qtbot, tmp_path):
    """A GUI user was told to run 'salesmirror --you YOU.wav --them THEM.wav'. ⋯ → Open a
    recording… takes one file with two channels (you left, them right) or a pair of files."""
    import soundfile

    from salesmirror.audio.decode import load_audio
    from salesmirror.sessions.store import SessionStore
    from salesmirror.ui.application import NO_MICROPHONE

    assert "--you" not in NO_MICROPHONE and "Open a recording" in NO_MICROPHONE
    stereo = Path(__file__).parent / "data" / "speech" / "stereo_diarization.wav"
    left, right = load_audio(stereo, 0), load_audio(stereo, 1)
    assert left.size == right.size == 5 * 16_000 and not np.array_equal(left, right)

    controller = AppController(app_paths(), fake_audio(), playback_speed=FAST)
    window = controller.window
    qtbot.addWidget(window)
    mono = tmp_path / "mono.wav"
    soundfile.write(str(mono), left, 16_000)
    controller.open_recording([mono])
    assert not controller.session.running and "one channel" in window.audio_notice.text()

    menu = [a.text() for a in window.more_button.menu().actions()]
    assert menu == ["Present — full screen for a room (F5)", "Open a recording…", "Play the demo call"]
    with qtbot.waitSignal(controller.session.finished, timeout=20_000):
        controller.open_recording([stereo])
    you, them = tmp_path / "me.wav", tmp_path / "customer.wav"
    soundfile.write(str(you), left, 16_000)
    soundfile.write(str(them), right, 16_000)
    with qtbot.waitSignal(controller.session.finished, timeout=20_000):
        controller.open_recording([them, you], you_first=False)
    store = SessionStore(app_paths().sessions_dir)
    rows = store.sessions()
    stored = [store.load(r.id) for r in rows]
    store.close()
    assert [(r.source, r.mode) for r in rows] == [("recording", "separate tracks")] * 2
    assert [r.devices for r in rows] == [{"you": "me.wav", "them": "customer.wav"}, {"call": stereo.name}]
    # Left is you in the one file, "me.wav" is you in the pair: the same call either way.
    assert stored[0].segments == stored[1].segments and stored[0].segments
    controller.shutdown()


def test_the_demo_stays_reachable_after_the_first_call(qtbot, recorded_app):
    window = recorded_app.window
    with qtbot.waitSignal(recorded_app.session.finished, timeout=20_000):
        window.start()
    assert not window.try_demo.isVisible()  # the first-run offer is gone…
    [demo] = [a for a in window.more_button.menu().actions() if a.text() == "Play the demo call"]
    demo.trigger()  # …the menu still has it
    assert recorded_app.demo_mode is not None and recorded_app.session.running


def test_settings_meters_say_problems_in_full_and_a_missing_input_is_a_dash(qtbot):
    """The meter cut its own error at 60 characters, and 'Them' showed −60 dB with no input."""
    from salesmirror.audio.microphone import InputDeviceSource

    def unplugged(you_device, them_device):
        return [InputDeviceSource(Speaker.YOU, "USB headset that is not plugged in")]

    settings = load_settings(app_paths().settings_file)[0]
    dialog = SettingsDialog(settings, no_devices, lambda: None, None, unplugged)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.meter_problems.isVisible, timeout=5000)
    problem = dialog.meter_problems.text()
    assert problem.startswith("You: ") and len(problem) > 60
    assert dialog.you_level.format() == "not available"
    assert dialog.you_level.toolTip() == problem.removeprefix("You: ")
    assert dialog.them_level.format() == "—"
    dialog.reject()
    nudges = dialog.nudges
    [tip] = {switch.toolTip() for name, switch in nudges.switches.items() if name == "monologue"}
    assert tip.startswith("<qt>") and "dialogue" in tip  # rich text: Qt wraps it


def test_a_nudge_does_not_move_the_gauge_and_a_hidden_transcript_leaves_no_hole(qtbot):
    from salesmirror.events import Nudge

    controller = AppController(app_paths(), fake_audio())
    window = controller.window
    qtbot.addWidget(window)
    window.show()
    window.set_recognition_available(True)
    qtbot.wait(50)
    before = window.gauge.geometry()
    window.show_nudge(Nudge(30.0, "monologue", "You've talked for 90 seconds — ask them a question", "90 s"))
    qtbot.waitUntil(window.banner.isVisible, timeout=2000)
    qtbot.wait(50)
    assert window.gauge.geometry() == before  # the transcript gave way, not the gauge

    window.transcript_toggle.setChecked(False)
    qtbot.wait(100)
    toggle_bottom = window.transcript_toggle.mapTo(window, window.transcript_toggle.rect().bottomLeft()).y()
    start_top = window.start_button.mapTo(window, window.start_button.rect().topLeft()).y()
    assert start_top - toggle_bottom < 40, (toggle_bottom, start_top)  # no empty band between them
    controller.shutdown()


def test_audio_the_microphone_lost_is_said_on_screen_and_kept_with_the_call(qtbot):
    """Input overflows were counted by the microphone source and never shown: talk time went
    missing silently when the computer was too busy. Real microphone and call-audio sources, fed
    through the stand-in PortAudio as the sound card would."""
    you, them, _ = make_call("ami_trn03")
    you, them = with_floor(you, seed=1), with_floor(them, seed=2)
    pa = FakePortAudio(LAPTOP)
    controller = AppController(app_paths(), fake_audio(pa=pa))
    controller.settings.you_device = "HDA Intel PCH: ALC257 Analog"
    controller.settings.them_device = "Monitor of Built-in Audio"
    qtbot.addWidget(controller.window)
    window = controller.window
    window.show()
    window.start()
    mic, monitor = pa.streams
    try:
        for i, at in enumerate(range(0, 200 * BLOCK_SAMPLES, BLOCK_SAMPLES)):
            mic.deliver(you[at : at + BLOCK_SAMPLES], overflow=i in (50, 120, 121))
            monitor.deliver(them[at : at + BLOCK_SAMPLES])
            if i == 40:
                qtbot.wait(300)
                assert not window.dropped_notice.isVisible()
        qtbot.waitUntil(lambda: "Audio was lost 3 times" in window.dropped_notice.text(), timeout=5000)
        assert window.dropped_notice.isVisible()
        assert controller.session.snapshot().dropped_blocks == 3
    finally:
        with qtbot.waitSignal(controller.session.finished, timeout=10_000):
            window.stop()
    assert controller.store is not None
    [row] = controller.store.sessions()
    stored = controller.store.load(row.id)
    assert [round(loss.t, 1) for loss in stored.audio_lost] == [3.0, 7.2, 7.3]
    controller.open_replay(row.id)
    [replay] = controller.replays
    qtbot.addWidget(replay)
    assert replay.fairness_notice.isVisibleTo(replay)
    assert replay.fairness_notice.text().startswith("Audio was lost 3 times (0:03, 0:07, 0:07)")
    controller.shutdown()

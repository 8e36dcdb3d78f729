"""The demo heard through the speakers: the mix the device is given, the mute switch, the bound on
drift, resampling for devices that refuse 16 kHz, and the demo played in the window through real
PortAudio onto ALSA's null device (CI has no sound card)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from fake_portaudio import LAPTOP, FakePortAudio, fake_audio
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from salesmirror.audio.backend import AudioBackend
from salesmirror.audio.devices import AudioUnavailableError
from salesmirror.audio.source import BLOCK_SAMPLES
from salesmirror.audio.speaker_output import MAX_LAG_S, SpeakerOutput
from salesmirror.demo import bundled_demo, trainer_material
from salesmirror.paths import app_paths
from salesmirror.settings import load_settings
from salesmirror.ui.application import AppController

CALLS = Path(__file__).parent / "data" / "playbook" / "calls"
BLOCK = BLOCK_SAMPLES


def opened(pa: FakePortAudio) -> SpeakerOutput:
    output = SpeakerOutput(pa)
    output.open()
    return output


def test_both_voices_are_mixed_and_silence_fills_what_is_not_queued() -> None:
    pa = FakePortAudio(LAPTOP)
    output = opened(pa)
    you = np.full(BLOCK, 1000, np.int16)
    them = np.full(BLOCK, 32000, np.int16)
    output.play([you, -you])
    output.play([you, them])
    pulled = pa.outputs[0].pull(3 * BLOCK)
    assert (pulled[:BLOCK] == 0).all()  # 1000 and -1000 cancel
    assert (pulled[BLOCK : 2 * BLOCK] == 32767).all()  # clipped, not wrapped round
    assert (pulled[2 * BLOCK :] == 0).all()  # nothing queued: silence, never stale data
    assert output.played_s == pytest.approx(2 * BLOCK / 16000)


def test_muting_silences_at_once_even_what_was_already_queued() -> None:
    pa = FakePortAudio(LAPTOP)
    output = opened(pa)
    voice = np.full(BLOCK, 5000, np.int16)
    output.play([voice, voice])
    output.muted = True
    output.play([voice, voice])
    assert (pa.outputs[0].pull(2 * BLOCK) == 0).all()
    assert output.played_s == 0.0
    output.muted = False
    output.play([voice, voice])
    assert (pa.outputs[0].pull(BLOCK) == 10000).all()


def test_a_device_that_falls_behind_never_lets_the_sound_drift_behind_the_gauge() -> None:
    pa = FakePortAudio(LAPTOP)
    output = opened(pa)
    voice = np.full(BLOCK, 100, np.int16)
    for _ in range(40):  # seconds handed over, nothing taken by the device
        output.play([voice, voice])
    stream = pa.outputs[0]
    queued = np.count_nonzero(stream.pull(40 * BLOCK)) / 16000
    assert queued <= MAX_LAG_S + stream.latency
    assert output.dropped_s == pytest.approx(40 * BLOCK / 16000 - queued)


def test_a_device_that_refuses_16_khz_gets_the_voices_resampled_smoothly() -> None:
    pa = FakePortAudio(LAPTOP, output_rates=(48000,))
    output = opened(pa)
    assert output.device_rate == 48000
    assert pa.outputs[0].kwargs["blocksize"] == 3 * BLOCK
    t = np.arange(16000) / 16000
    tone = (10000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    pulled = []
    for at in range(0, tone.size, BLOCK):  # the device takes a block as each comes, one behind
        output.play([tone[at : at + BLOCK], np.zeros_like(tone[at : at + BLOCK])])
        if at:
            pulled.append(pa.outputs[0].pull(3 * BLOCK))
    pulled = np.concatenate([*pulled, pa.outputs[0].pull(3 * BLOCK)])[:47990].astype(float)
    assert (
        output.played_s == pytest.approx(1.0, abs=1e-3) and output.dropped_s == 0
    )  # all but the carried sample
    spectrum = np.abs(np.fft.rfft(pulled))
    assert np.argmax(spectrum) == pytest.approx(440, abs=2)  # 1 Hz per bin over one second
    # No clicks at block edges: no step larger than the tone's own steepest slope at 48 kHz.
    assert np.abs(np.diff(pulled)).max() <= 2 * np.pi * 440 * 10000 / 48000 * 1.05


def test_no_speakers_or_a_busy_device_is_said_plainly() -> None:
    with pytest.raises(AudioUnavailableError, match=r"^No speakers or headphones were found\.$"):
        opened(FakePortAudio([]))
    busy = FakePortAudio(LAPTOP)
    busy.open_error = "Device unavailable"
    with pytest.raises(AudioUnavailableError, match=r"^The speakers cannot be opened: Device unavailable$"):
        opened(busy)


# --- in the window ------------------------------------------------------------------------------


@pytest.fixture
def null_speakers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Real PortAudio with ALSA's null device as the default output (it discards what it gets)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("ALSA's null device is Linux's")
    import sounddevice

    home = tmp_path / "alsa-home"
    home.mkdir()
    (home / ".asoundrc").write_text("pcm.!default {\n  type null\n}\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    sounddevice._terminate()
    sounddevice._initialize()
    yield
    monkeypatch.undo()
    sounddevice._terminate()
    sounddevice._initialize()


def test_the_room_hears_the_demo_in_step_and_m_switches_it_off_and_on(qtbot, null_speakers) -> None:
    controller = AppController(app_paths(), AudioBackend(), demo=bundled_demo())  # the real one: ALSA null
    window = controller.window
    qtbot.addWidget(window)
    window.show()
    try:
        bar = window.demo_bar
        window.start()
        demo = controller.demo_mode
        assert demo is not None
        qtbot.waitUntil(lambda: demo.position_s > 1.5, timeout=5000)
        speakers = demo.speakers
        assert speakers is not None and speakers.device_rate == 16000
        # Everything delivered at 1× was handed to the device, no more than a block apart.
        assert abs(speakers.played_s - demo.position_s) <= 0.1
        assert bar.sound_button.text() == "Sound on" and bar.sound_button.isChecked()

        QTest.keyClick(window, Qt.Key.Key_M)
        assert bar.sound_button.text() == "Sound off"
        heard = speakers.played_s
        qtbot.wait(400)
        assert speakers.played_s == pytest.approx(heard, abs=0.06)
        assert load_settings(app_paths().settings_file)[0].demo_sound is False  # remembered

        bar.sound_button.click()
        assert bar.sound_button.text() == "Sound on"
        qtbot.waitUntil(lambda: speakers.played_s > heard + 0.3, timeout=3000)

        bar.speed.setCurrentIndex(bar.speed.findData(2.0))
        assert bar.sound_button.toolTip() == "Sound plays at 1× only (M)"
        qtbot.wait(100)
        at_2x = speakers.played_s
        qtbot.wait(400)
        assert speakers.played_s == pytest.approx(at_2x, abs=0.06)

        bar.leave_button.click()
        qtbot.waitUntil(lambda: not controller.session.running, timeout=10_000)
        assert demo.speakers is None  # the device is let go with the demo
    finally:
        controller.shutdown()


def test_without_speakers_the_demo_plays_silently_and_says_why(qtbot) -> None:
    controller = AppController(
        app_paths(),
        fake_audio(),
        demo=bundled_demo(),
        playback_speed=4.0,
    )
    qtbot.addWidget(controller.window)
    controller.window.show()
    try:
        controller.window.start()
        demo = controller.demo_mode
        qtbot.waitUntil(lambda: demo.position_s > 2.0, timeout=5000)
        button = controller.window.demo_bar.sound_button
        assert button.text() == "No sound" and not button.isEnabled()
        assert button.toolTip() == "No sound: No speakers or headphones were found. (M)"
        controller.present()
        qtbot.waitUntil(lambda: "no sound" in controller.presentation.status.text(), timeout=2000)
    finally:
        controller.shutdown()


def test_a_script_without_its_recording_has_no_sound_to_switch(qtbot) -> None:
    pa = FakePortAudio(LAPTOP)
    controller = AppController(
        app_paths(),
        fake_audio(pa=pa),
        demo=trainer_material(next(CALLS.glob("*.jsonl"))),
        playback_speed=1.0,
    )
    qtbot.addWidget(controller.window)
    try:
        controller.window.start()
        button = controller.window.demo_bar.sound_button
        assert not button.isEnabled() and button.toolTip().startswith("No sound: this demo has no recording")
        assert pa.outputs == []  # the speakers were not even opened
    finally:
        controller.shutdown()


def test_demo_mute_starts_silent_without_forgetting_the_remembered_choice(qtbot) -> None:
    pa = FakePortAudio(LAPTOP)
    controller = AppController(
        app_paths(),
        fake_audio(pa=pa),
        demo=bundled_demo(),
        demo_muted=True,
    )
    qtbot.addWidget(controller.window)
    try:
        controller.window.start()
        assert controller.window.demo_bar.sound_button.text() == "Sound off"
        assert pa.outputs == []
        assert controller.settings.demo_sound is True
    finally:
        controller.shutdown()

"""The input-device source: the real PortAudio callback fed real blocks, lost audio stored with the call, a
device that disappears mid-call, and devices listed from a recorded device table."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fake_portaudio import LAPTOP, FakePortAudio
from recordings import make_call
from room_noise import with_floor

from salesmirror.audio.devices import AudioUnavailableError, list_input_devices
from salesmirror.audio.microphone import InputDeviceSource
from salesmirror.audio.source import BLOCK_SAMPLES
from salesmirror.events import CaptureMode, Nudge, PartialText, Speaker, Utterance
from salesmirror.pipeline.call_pipeline import CallPipeline
from salesmirror.sessions.export import ExportFormat, export
from salesmirror.sessions.journal import SessionJournal
from salesmirror.sessions.records import SessionInfo, SessionSource
from salesmirror.sessions.store import SessionStore


class Listener:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.problem_reported = threading.Event()

    def on_nudge(self, nudge: Nudge) -> None: ...
    def on_utterance(self, utterance: Utterance) -> None: ...
    def on_partial(self, partial: PartialText) -> None: ...
    def on_problem(self, message: str) -> None:
        self.problems.append(message)
        self.problem_reported.set()

    def on_finished(self) -> None: ...


def test_only_devices_that_record_are_listed_default_first():
    devices = list_input_devices(FakePortAudio(LAPTOP, default_input=2))
    assert [d.label for d in devices] == [
        "Monitor of Built-in Audio (PulseAudio)",
        "HDA Intel PCH: ALC257 Analog (ALSA)",
    ]
    assert devices[0].is_default


def test_callback_blocks_drive_the_pipeline_and_lost_audio_is_stored_with_the_call(tmp_path: Path):
    you, them, _ = make_call("ami_dev00")
    you, them = with_floor(you, seed=1), with_floor(them, seed=2)
    pa = FakePortAudio(LAPTOP)
    mic = InputDeviceSource(Speaker.YOU, "HDA Intel PCH: ALC257 Analog", pa)
    monitor = InputDeviceSource(Speaker.THEM, "Monitor of Built-in Audio", pa)
    listener = Listener()
    SessionStore(tmp_path).close()
    journal = SessionJournal(tmp_path, SessionInfo(SessionSource.LIVE, mode=CaptureMode.TWO_STREAMS))
    pipeline = CallPipeline([mic, monitor], listener, journal=journal)
    pipeline.start()
    mic_stream, monitor_stream = pa.streams
    assert mic_stream.kwargs["samplerate"] == 16_000 and mic_stream.kwargs["dtype"] == "int16"
    for i, at in enumerate(range(0, you.size - BLOCK_SAMPLES, BLOCK_SAMPLES)):
        mic_stream.deliver(you[at : at + BLOCK_SAMPLES], overflow=i in (7, 300))
        monitor_stream.deliver(them[at : at + BLOCK_SAMPLES])
    pipeline.stop()
    assert pipeline.wait(10)
    assert mic_stream.closed and monitor_stream.closed
    assert pipeline.latest().dropped_blocks == 2
    figures = pipeline.session.figures()
    assert figures.ratio_you == pytest.approx(0.72, abs=0.03)
    assert listener.problems == []

    stored = SessionStore(tmp_path).load(journal.session_id or 0)
    assert [loss.speaker for loss in stored.audio_lost] == [Speaker.YOU] * 2
    assert [loss.t for loss in stored.audio_lost] == pytest.approx([7 * 0.06, 300 * 0.06], abs=0.5)
    assert stored.audio_lost_notice().startswith("Audio was lost 2 times (0:00, 0:18)")
    assert stored.audio_lost_notice() in export(stored, ExportFormat.MARKDOWN)


def test_a_pulled_headset_is_reported_and_the_other_side_goes_on():
    you, them, _ = make_call("ami_dev01")
    pa = FakePortAudio(LAPTOP)
    listener = Listener()
    pipeline = CallPipeline(
        [
            InputDeviceSource(Speaker.YOU, None, pa),
            InputDeviceSource(Speaker.THEM, "Monitor of Built-in Audio", pa),
        ],
        listener,
    )
    pipeline.start()
    mic_stream, monitor_stream = pa.streams
    half = you.size // 2 - (you.size // 2) % BLOCK_SAMPLES
    for at in range(0, half, BLOCK_SAMPLES):
        mic_stream.deliver(you[at : at + BLOCK_SAMPLES])
        monitor_stream.deliver(them[at : at + BLOCK_SAMPLES])
    mic_stream.pull_the_plug()
    for at in range(half, them.size - BLOCK_SAMPLES, BLOCK_SAMPLES):
        monitor_stream.deliver(them[at : at + BLOCK_SAMPLES])
    pipeline.stop()
    assert pipeline.wait(10)
    assert len(listener.problems) == 1
    assert "stopped delivering audio" in listener.problems[0]
    figures = pipeline.session.figures()
    assert figures.t == pytest.approx(30, abs=0.5)  # their side kept the clock going
    assert figures.you_seconds == pytest.approx(4.75, abs=0.5)  # the human turns before the plug


def test_a_device_that_cannot_open_gives_a_plain_reason():
    pa = FakePortAudio(LAPTOP)
    pa.open_error = "Invalid sample rate"
    source = InputDeviceSource(Speaker.YOU, None, pa)
    with pytest.raises(AudioUnavailableError, match="cannot be opened for recording: Invalid"):
        source.start(lambda event: None)


def test_a_chosen_device_that_is_gone_is_named():
    source = InputDeviceSource(Speaker.YOU, "USB Headset", FakePortAudio(LAPTOP))
    with pytest.raises(AudioUnavailableError, match="“USB Headset” is not connected"):
        source.start(lambda event: None)

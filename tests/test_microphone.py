"""The input-device source: the real PortAudio callback fed real blocks, overflow counting, a
device that disappears mid-call, and devices listed from a recorded device table."""

from __future__ import annotations

import threading

import pytest
from fake_portaudio import LAPTOP, FakePortAudio
from recordings import make_call

from salesmirror.audio.devices import AudioUnavailableError, list_input_devices
from salesmirror.audio.microphone import InputDeviceSource
from salesmirror.audio.source import BLOCK_SAMPLES
from salesmirror.events import Nudge, PartialText, Speaker, Utterance
from salesmirror.pipeline.call_pipeline import CallPipeline


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


def test_callback_blocks_drive_the_pipeline_and_overflows_are_counted():
    you, them, _ = make_call("ami_dev00")
    pa = FakePortAudio(LAPTOP)
    mic = InputDeviceSource(Speaker.YOU, "HDA Intel PCH: ALC257 Analog", pa)
    monitor = InputDeviceSource(Speaker.THEM, "Monitor of Built-in Audio", pa)
    listener = Listener()
    pipeline = CallPipeline([mic, monitor], listener)
    pipeline.start()
    mic_stream, monitor_stream = pa.streams
    assert mic_stream.kwargs["samplerate"] == 16_000 and mic_stream.kwargs["dtype"] == "int16"
    for i, at in enumerate(range(0, you.size - BLOCK_SAMPLES, BLOCK_SAMPLES)):
        mic_stream.deliver(you[at : at + BLOCK_SAMPLES], overflow=(i == 7))
        monitor_stream.deliver(them[at : at + BLOCK_SAMPLES])
    pipeline.stop()
    assert pipeline.wait(10)
    assert mic_stream.closed and monitor_stream.closed
    assert mic.overflows == 1
    figures = pipeline.session.figures()
    assert figures.ratio_you == pytest.approx(0.72, abs=0.03)
    assert listener.problems == []


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

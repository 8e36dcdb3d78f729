"""The call's own audio: the per-OS default from recorded device lists, the Linux monitor through
PulseAudio's tools, WASAPI loopback conversion, and keeping quiet loopback streams on the clock."""

from __future__ import annotations

import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
import soxr
from fake_portaudio import LAPTOP, FakePortAudio
from recordings import RATE, make_call
from test_microphone import Listener

from salesmirror.audio.call_audio import (
    SYSTEM_AUDIO,
    capture_mode,
    propose_call_audio,
)
from salesmirror.audio.clocked import ClockedDelivery
from salesmirror.audio.devices import AudioUnavailableError, InputDevice, list_input_devices
from salesmirror.audio.microphone import InputDeviceSource
from salesmirror.audio.pulse_monitor import PulseMonitorSource, default_monitor
from salesmirror.audio.source import BLOCK_SAMPLES, AudioBlock, SourceEnded
from salesmirror.audio.wasapi_loopback import WasapiLoopbackSource
from salesmirror.events import CaptureMode, Speaker
from salesmirror.pipeline.call_pipeline import CallPipeline

MACBOOK = [
    InputDevice(0, "MacBook Pro Microphone", "Core Audio", 1, 48000.0, True),
    InputDevice(2, "BlackHole 2ch", "Core Audio", 2, 48000.0),
]
WINDOWS = [
    InputDevice(1, "Microphone Array (Realtek(R) Audio)", "Windows WASAPI", 2, 48000.0, True),
    InputDevice(5, "Stereo Mix (Realtek(R) Audio)", "Windows WASAPI", 2, 48000.0),
]


def tools(*present: str):
    return lambda name: name in present


def test_linux_with_pulse_tools_proposes_the_output_monitor():
    linux = list_input_devices(FakePortAudio(LAPTOP))
    proposal = propose_call_audio("linux", linux, tools("parec", "pactl"), tools())
    assert proposal.them_device == SYSTEM_AUDIO and proposal.guidance == ""


def test_linux_without_pulse_tools_falls_back_to_a_listed_monitor_or_explains():
    linux = list_input_devices(FakePortAudio(LAPTOP))
    fallback = propose_call_audio("linux", linux, tools(), tools())
    assert fallback.them_device == "Monitor of Built-in Audio"
    without_monitor = [d for d in linux if "Monitor" not in d.name]
    nothing = propose_call_audio("linux", without_monitor, tools(), tools())
    assert nothing.them_device is None
    assert "pulseaudio-utils" in nothing.guidance


def test_windows_proposes_wasapi_loopback_when_pyaudiowpatch_is_there():
    assert propose_call_audio("win32", WINDOWS, tools(), tools("pyaudiowpatch")).them_device == (SYSTEM_AUDIO)
    missing = propose_call_audio("win32", WINDOWS, tools(), tools())
    assert missing.them_device is None and "PyAudioWPatch" in missing.guidance


def test_macos_proposes_blackhole_or_explains_how_to_get_it():
    assert propose_call_audio("darwin", MACBOOK, tools(), tools()).them_device == "BlackHole 2ch"
    guidance = propose_call_audio("darwin", MACBOOK[:1], tools(), tools()).guidance
    assert "BlackHole" in guidance and "Multi-Output Device" in guidance


def test_capture_modes_are_named_plainly():
    assert capture_mode(SYSTEM_AUDIO, headset=False) is CaptureMode.TWO_STREAMS
    assert capture_mode(SYSTEM_AUDIO, headset=True) is CaptureMode.HEADSET
    assert capture_mode(None, headset=True) is CaptureMode.SINGLE_MICROPHONE
    assert "approximate" in CaptureMode.SINGLE_MICROPHONE.explanation


def _stand_in(folder: Path, name: str, body: str) -> str:
    """An executable standing in for a PulseAudio tool (same arguments, same output)."""
    path = folder / name
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body), encoding="utf-8")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def pulse_tools(tmp_path: Path):
    _, them, _ = make_call("ami_dev00")
    (tmp_path / "them.raw").write_bytes(them.tobytes())
    pactl = _stand_in(
        tmp_path,
        "pactl",
        """
        print("Server Name: PulseAudio (on PipeWire 1.0.5)")
        print("Default Sink: alsa_output.pci-0000_00_1f.3.analog-stereo")
        print("Default Source: alsa_input.pci-0000_00_1f.3.analog-stereo")
        """,
    )
    parec = _stand_in(
        tmp_path,
        "parec",
        f"""
        import sys
        open({str(tmp_path / "args")!r}, "w").write(" ".join(sys.argv[1:]))
        sys.stdout.buffer.write(open({str(tmp_path / "them.raw")!r}, "rb").read())
        """,
    )
    return pactl, parec, tmp_path


def test_default_monitor_comes_from_the_sound_server(pulse_tools):
    pactl, _, _ = pulse_tools
    assert default_monitor(pactl) == "alsa_output.pci-0000_00_1f.3.analog-stereo.monitor"
    with pytest.raises(AudioUnavailableError, match="pulseaudio-utils"):
        default_monitor("/nonexistent/pactl")


def test_the_output_monitor_is_them_in_a_two_stream_call(pulse_tools):
    pactl, parec, folder = pulse_tools
    you, _, _ = make_call("ami_dev00")
    pa = FakePortAudio(LAPTOP)
    listener = Listener()
    monitor = PulseMonitorSource(Speaker.THEM, parec=parec, pactl=pactl)
    pipeline = CallPipeline([InputDeviceSource(Speaker.YOU, None, pa), monitor], listener)
    pipeline.start()
    for at in range(0, you.size - BLOCK_SAMPLES, BLOCK_SAMPLES):
        pa.streams[0].deliver(you[at : at + BLOCK_SAMPLES])
    assert listener.problem_reported.wait(20)  # the stand-in parec ends after its 30 s
    pipeline.stop()
    assert pipeline.wait(20)
    args = (folder / "args").read_text()
    assert "--device=alsa_output.pci-0000_00_1f.3.analog-stereo.monitor" in args
    assert "--rate=16000" in args and "--channels=1" in args and "--format=s16le" in args
    assert pipeline.session.figures().ratio_you == pytest.approx(0.72, abs=0.03)
    assert listener.problems and "Capturing the call's audio stopped" in listener.problems[0]


def test_a_failing_capture_tool_is_reported_with_its_reason(tmp_path: Path):
    pactl = _stand_in(tmp_path, "pactl", 'print("Default Sink: sink0")')
    parec = _stand_in(
        tmp_path,
        "parec",
        """
        import sys
        sys.stderr.write("Stream error: No such entity\\n")
        sys.exit(1)
        """,
    )
    events: list[object] = []
    done = threading.Event()

    def sink(event: object) -> None:
        events.append(event)
        done.set()

    source = PulseMonitorSource(parec=parec, pactl=pactl)
    source.start(sink)
    assert done.wait(20)
    source.stop()
    assert isinstance(events[-1], SourceEnded)
    assert events[-1].error == "Capturing the call's audio stopped: Stream error: No such entity"


def test_a_quiet_loopback_stream_is_kept_on_the_clock():
    now = [100.0]
    blocks: list[AudioBlock] = []
    delivery = ClockedDelivery(Speaker.THEM, blocks.append, clock=lambda: now[0])
    delivery.deliver(np.ones(BLOCK_SAMPLES, np.int16))
    now[0] += 0.1
    delivery.catch_up()
    assert len(blocks) == 1  # within the slack: audio may be in flight
    now[0] += 2.0  # two seconds of nothing playing
    delivery.catch_up()
    total = sum(b.samples.size for b in blocks)
    assert total == pytest.approx(2.1 * RATE, abs=2 * BLOCK_SAMPLES)
    assert not any(b.samples.any() for b in blocks[1:])


class FakeWasapi:
    """PyAudioWPatch's surface, with a recorded default loopback device (48 kHz stereo)."""

    paInt16 = 8  # noqa: N815 - the library's names
    paContinue = 0  # noqa: N815

    def __init__(self) -> None:
        self.callback = None
        self.opened: dict[str, object] = {}

    def PyAudio(self):  # noqa: N802 - the library's name
        return self

    def get_default_wasapi_loopback(self) -> dict[str, object]:
        return {
            "index": 11,
            "name": "Speakers (Realtek(R) Audio) [Loopback]",
            "defaultSampleRate": 48000.0,
            "maxInputChannels": 2,
        }

    def open(self, **kwargs):
        self.opened = kwargs
        self.callback = kwargs["stream_callback"]
        return self

    def is_active(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def terminate(self) -> None:
        pass


def test_wasapi_loopback_is_downmixed_and_resampled_to_16_khz():
    speech, _, _ = make_call("ami_trn03")
    speech = speech[: 2 * RATE]
    stereo48 = soxr.resample(speech.astype(np.float32) / 32768, RATE, 48000)
    frames = (np.repeat(stereo48[:, None], 2, axis=1) * 32767).astype(np.int16)
    fake = FakeWasapi()
    received: list[np.ndarray] = []
    enough = threading.Event()

    def sink(event: object) -> None:
        if isinstance(event, AudioBlock):
            received.append(event.samples)
            if sum(r.size for r in received) >= 1.9 * RATE:
                enough.set()

    source = WasapiLoopbackSource(module=fake)
    source.start(sink)
    assert fake.opened["rate"] == 48000 and fake.opened["channels"] == 2
    assert fake.opened["input_device_index"] == 11
    for at in range(0, len(frames), 2880):  # 60 ms at 48 kHz
        fake.callback(frames[at : at + 2880].tobytes(), 2880, None, 0)
    assert enough.wait(10)
    source.stop()
    out = np.concatenate(received)[: int(1.9 * RATE)]
    original = speech[: out.size].astype(np.float64)
    correlation = np.corrcoef(out.astype(np.float64), original)[0, 1]
    assert correlation > 0.9
    assert source.device_name == "Speakers (Realtek(R) Audio) [Loopback]"


def test_starting_never_waits_for_a_slow_sound_server(tmp_path: Path):
    """start() runs on the GUI thread: the server lookup must happen on the source's thread.

    The stand-in server answers only once the test releases it, after start() has returned; a
    start() that waited for it would time out and raise instead."""
    release = tmp_path / "release"
    pactl = _stand_in(
        tmp_path,
        "pactl",
        f"""
        import os, sys, time
        while not os.path.exists({str(release)!r}):
            time.sleep(0.01)
        sys.stderr.write("Connection failure: Connection refused\\n")
        sys.exit(1)
        """,
    )
    parec = _stand_in(tmp_path, "parec", "pass")
    events: list[object] = []
    done = threading.Event()

    def sink(event: object) -> None:
        events.append(event)
        done.set()

    source = PulseMonitorSource(parec=parec, pactl=pactl)
    source.start(sink)
    assert events == []
    release.touch()  # only now does the "server" answer
    assert done.wait(20)
    source.stop()
    assert isinstance(events[-1], SourceEnded)
    assert "is PulseAudio or PipeWire running?" in (events[-1].error or "")


def test_missing_pulse_tools_are_named_before_anything_starts(tmp_path: Path):
    source = PulseMonitorSource(parec="/nonexistent/parec", pactl="/nonexistent/pactl")
    with pytest.raises(AudioUnavailableError, match="pulseaudio-utils"):
        source.start(lambda event: None)

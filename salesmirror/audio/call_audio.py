"""Where the other side of the call comes from, and which capture mode that makes.

Two streams (your microphone plus the call's own audio) are the honest answer to "who is
speaking". What "the call's own audio" means differs per operating system; this module proposes
the right default from what the machine offers, and names the mode plainly for the UI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from salesmirror.audio.devices import AudioUnavailableError, InputDevice
from salesmirror.audio.microphone import InputDeviceSource
from salesmirror.audio.pulse_monitor import PulseMonitorSource
from salesmirror.audio.source import AudioSource
from salesmirror.audio.wasapi_loopback import WasapiLoopbackSource
from salesmirror.events import CaptureMode, Speaker

SYSTEM_AUDIO = "system"  # the settings value meaning "the platform's own capture of the output"
_LOOPBACK_NAMES = ("blackhole", "loopback", "soundflower", "monitor of", "stereo mix", "vb-audio")


def capture_mode(them_device: str | None, headset: bool) -> CaptureMode:
    if not them_device:
        return CaptureMode.SINGLE_MICROPHONE
    return CaptureMode.HEADSET if headset else CaptureMode.TWO_STREAMS


@dataclass(frozen=True, slots=True)
class CallAudioProposal:
    """What to use for "them": a settings value (or None) and what to tell the user."""

    them_device: str | None
    label: str
    guidance: str


def _no_call_audio(guidance: str) -> CallAudioProposal:
    return CallAudioProposal(None, "No call audio", guidance)


def propose_call_audio(
    platform: str,
    devices: list[InputDevice],
    has_command: Callable[[str], bool],
    has_module: Callable[[str], bool],
) -> CallAudioProposal:
    """The default "them" source for this platform, from the devices and tools it has."""
    loopbacks = [d for d in devices if any(n in d.name.lower() for n in _LOOPBACK_NAMES)]
    if platform.startswith("linux"):
        if has_command("parec") and has_command("pactl"):
            return CallAudioProposal(SYSTEM_AUDIO, "Call audio: monitor of the default output", "")
        if loopbacks:
            return CallAudioProposal(loopbacks[0].name, loopbacks[0].label, "")
        return _no_call_audio(
            "To hear the other side, install PulseAudio's tools (sudo apt-get install "
            "pulseaudio-utils); they work with PipeWire too."
        )
    if platform == "win32":
        if has_module("pyaudiowpatch"):
            return CallAudioProposal(SYSTEM_AUDIO, "Call audio: WASAPI loopback of the output", "")
        return _no_call_audio("To hear the other side, install PyAudioWPatch (pip install PyAudioWPatch).")
    if platform == "darwin":
        if loopbacks:
            return CallAudioProposal(loopbacks[0].name, loopbacks[0].label, "")
        return _no_call_audio(
            "macOS cannot record what it plays without a loopback device. Install BlackHole "
            "(2ch), create a Multi-Output Device with your speakers and BlackHole in Audio MIDI "
            "Setup, make it the output, and choose BlackHole here."
        )
    if loopbacks:
        return CallAudioProposal(loopbacks[0].name, loopbacks[0].label, "")
    return _no_call_audio("Choose an input that carries the call's audio.")


def open_call_audio(them_device: str, platform: str, portaudio: ModuleType | None = None) -> AudioSource:
    """The source for a "them" settings value: the platform's output capture, or an input device."""
    if them_device != SYSTEM_AUDIO:
        return InputDeviceSource(Speaker.THEM, them_device, portaudio)
    if platform.startswith("linux"):
        return PulseMonitorSource(Speaker.THEM)
    if platform == "win32":
        return WasapiLoopbackSource(Speaker.THEM)
    raise AudioUnavailableError(
        "This system cannot record its own output directly; choose a loopback device such as "
        "BlackHole as the call's audio in Settings."
    )

"""The machine's sound, in one object: the devices the app lists, records from and plays through.

The window and its dialogs reach audio hardware only through an `AudioBackend`. The app uses the
real one (PortAudio through sounddevice, the platform's own capture of its output); a test hands
the window one built on a stand-in PortAudio module, so no window test depends on, or disturbs,
the sound of the machine it runs on.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from salesmirror.audio.call_audio import CallAudioProposal, open_call_audio, propose_call_audio
from salesmirror.audio.devices import AudioUnavailableError, InputDevice, list_input_devices
from salesmirror.audio.kept_audio import KeptAudio, SessionPlayer
from salesmirror.audio.microphone import InputDeviceSource
from salesmirror.audio.source import AudioSource
from salesmirror.audio.speaker_output import SpeakerOutput
from salesmirror.events import Speaker


def _has_command(name: str) -> bool:
    return shutil.which(name) is not None


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


@dataclass(frozen=True, slots=True)
class AudioBackend:
    """Where sound comes from and goes to. `portaudio`: the sounddevice module or a stand-in
    (None: sounddevice, loaded when first needed); `platform`: as `sys.platform` names it."""

    portaudio: ModuleType | None = None
    platform: str = sys.platform
    # What the platform's output capture needs: a program (PulseAudio's parec) or a module.
    has_command: Callable[[str], bool] = _has_command
    has_module: Callable[[str], bool] = _has_module

    def input_devices(self) -> list[InputDevice]:
        """Devices that record, the default first; raises AudioUnavailableError without PortAudio."""
        return list_input_devices(self.portaudio)

    def microphone(self, device: str | None) -> AudioSource:
        """Your side: the named input device, or the default one."""
        return InputDeviceSource(Speaker.YOU, device, self.portaudio)

    def call_audio(self, device: str) -> AudioSource:
        """Their side, from a settings value: an input device, or the platform's output capture."""
        return open_call_audio(device, self.platform, self.portaudio)

    def speakers(self) -> SpeakerOutput:
        """The output the demo plays its two voices through."""
        return SpeakerOutput(self.portaudio)

    def player(self, audio: KeptAudio) -> SessionPlayer:
        """A stored call's kept audio, played through the default output."""
        return SessionPlayer(audio, self.portaudio)

    def propose_call_audio(self) -> CallAudioProposal:
        """How this machine can hear the other side of a call, for first runs and Settings."""
        try:
            devices = self.input_devices()
        except AudioUnavailableError:
            devices = []
        return propose_call_audio(self.platform, devices, self.has_command, self.has_module)

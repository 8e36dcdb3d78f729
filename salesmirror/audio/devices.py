"""Input devices as PortAudio sees them, with the error a user can act on when there are none."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType


class AudioUnavailableError(RuntimeError):
    """Audio capture cannot work here; the message says what is missing."""


@dataclass(frozen=True, slots=True)
class InputDevice:
    index: int
    name: str
    host_api: str
    channels: int
    default_rate: float
    is_default: bool = False

    @property
    def label(self) -> str:
        return f"{self.name} ({self.host_api})"


def portaudio() -> ModuleType:
    """Import sounddevice, turning a missing PortAudio library into a plain instruction."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio cannot be loaded
        raise AudioUnavailableError(
            "The PortAudio library is missing; install it (Debian/Ubuntu: sudo apt-get install "
            f"libportaudio2) and restart SalesMirror. ({exc})"
        ) from None
    module: ModuleType = sounddevice  # untyped: every use goes through this module object
    return module


def list_input_devices(sd: ModuleType | None = None) -> list[InputDevice]:
    """Every device that can record, default first."""
    sd = sd or portaudio()
    try:
        devices = sd.query_devices()
        host_apis = sd.query_hostapis()
        default_in = sd.default.device[0]
    except sd.PortAudioError as exc:
        raise AudioUnavailableError(f"Audio devices cannot be listed: {exc}") from None
    found = [
        InputDevice(
            index=i,
            name=str(d["name"]),
            host_api=str(host_apis[d["hostapi"]]["name"]),
            channels=int(d["max_input_channels"]),
            default_rate=float(d["default_samplerate"]),
            is_default=i == default_in,
        )
        for i, d in enumerate(devices)
        if d["max_input_channels"] > 0
    ]
    return sorted(found, key=lambda d: not d.is_default)


def find_input_device(name: str | None, sd: ModuleType | None = None) -> InputDevice:
    """The device with this name (or the default when `name` is None)."""
    devices = list_input_devices(sd)
    if not devices:
        raise AudioUnavailableError(
            "No microphone was found. Connect a headset or microphone, or play a recorded call "
            "with --you and --them."
        )
    if name is None:
        return devices[0]
    for device in devices:
        if name in (device.name, device.label):
            return device
    raise AudioUnavailableError(f"The input device “{name}” is not connected. Choose another in Settings.")

"""The call's audio on Linux: the monitor of the default output, through PulseAudio's `parec`.

PortAudio's ALSA path often lists no monitor sources, while `parec` reaches them on PulseAudio and
on PipeWire (through pipewire-pulse) alike, resamples to 16 kHz mono itself, and keeps recording
across output-device changes when pointed at the default sink's monitor.
"""

from __future__ import annotations

import shutil
import subprocess
import threading

import numpy as np

from salesmirror.audio.devices import AudioUnavailableError
from salesmirror.audio.source import BLOCK_SAMPLES, AudioBlock, BlockSink, SourceEnded
from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.events import Speaker

INSTALL_HINT = "install PulseAudio's tools (Debian/Ubuntu: sudo apt-get install pulseaudio-utils)"


def default_monitor(pactl: str = "pactl") -> str:
    """The monitor source of the default output, e.g. 'alsa_output.pci-0000_00_1f.3.analog-stereo.monitor'."""
    if shutil.which(pactl) is None:
        raise AudioUnavailableError(f"The call's audio cannot be captured: {INSTALL_HINT}.")
    try:
        info = subprocess.run([pactl, "info"], capture_output=True, text=True, timeout=5, check=True).stdout
    except (subprocess.SubprocessError, OSError) as exc:
        raise AudioUnavailableError(
            f"The sound server did not answer ({exc}); is PulseAudio or PipeWire running?"
        ) from None
    for line in info.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Default Sink" and value.strip():
            return f"{value.strip()}.monitor"
    raise AudioUnavailableError("The sound server reports no default output to listen to.")


class PulseMonitorSource:
    """Records the monitor of the default output (what the computer plays) as "them"."""

    def __init__(
        self,
        speaker: Speaker = Speaker.THEM,
        monitor: str | None = None,
        parec: str = "parec",
        pactl: str = "pactl",
    ) -> None:
        self._speaker = speaker
        self._monitor = monitor
        self._parec = parec
        self._pactl = pactl
        self._process: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    @property
    def speakers(self) -> tuple[Speaker, ...]:
        return (self._speaker,)

    def start(self, sink: BlockSink) -> None:
        """Returns at once (the GUI thread calls it): asking the sound server for its default
        output can take seconds, so that and the recording happen on this source's own thread,
        and a failure there arrives as `SourceEnded` with the reason."""
        for tool in (self._parec, self._pactl):
            if shutil.which(tool) is None:
                raise AudioUnavailableError(f"The call's audio cannot be captured: {INSTALL_HINT}.")
        self._stopping.clear()
        self._thread = threading.Thread(target=self._record, args=(sink,), name="pulse-monitor")
        self._thread.start()

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()

    def _record(self, sink: BlockSink) -> None:
        try:
            monitor = self._monitor or default_monitor(self._pactl)
        except AudioUnavailableError as exc:
            if not self._stopping.is_set():
                sink(SourceEnded(self._speaker, str(exc)))
            return
        command = [
            self._parec,
            f"--device={monitor}",
            "--format=s16le",
            f"--rate={SAMPLE_RATE}",
            "--channels=1",
            "--raw",
            "--latency-msec=60",
        ]
        with self._lock:
            if self._stopping.is_set():
                return
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
            )
            self._process = process
        with process:  # closes both pipes and reaps the process, however this ends
            assert process.stdout is not None
            block_bytes = BLOCK_SAMPLES * 2
            while True:
                data = process.stdout.read(block_bytes)
                if len(data) < 2:
                    break
                samples = np.frombuffer(data[: len(data) // 2 * 2], np.int16).copy()
                sink(AudioBlock(self._speaker, samples))
            process.wait()
            if self._stopping.is_set():
                return  # stopped on purpose: the pipeline already closed this channel
            detail = process.stderr.read().decode(errors="replace").strip() if process.stderr else ""
        reason = detail.splitlines()[-1] if detail else f"exit code {process.returncode}"
        sink(SourceEnded(self._speaker, f"Capturing the call's audio stopped: {reason}"))

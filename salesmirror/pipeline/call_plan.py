"""One call, planned before it starts: where each side's sound comes from and how it was captured.

The window and the CLI both turn the user's choice (the devices in Settings, a pair of recordings,
one recording with two channels, demo material) into a `CallPlan` and start the call from it, so
the same recording is the same call, with the same capture mode in the store, whichever of them
plays it. Qt-free; building a plan checks the files at once and opens nothing else, and the
sources are opened only when the call starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from salesmirror.audio.backend import AudioBackend
from salesmirror.audio.call_audio import capture_mode
from salesmirror.audio.decode import AudioFileError, AudioStream
from salesmirror.audio.file_playback import FilePlayback
from salesmirror.audio.source import AudioSource
from salesmirror.call_summary import CallNotes
from salesmirror.coaching.session import CoachSettings
from salesmirror.events import CaptureMode, Speaker, Utterance
from salesmirror.pipeline.call_pipeline import CallPipeline, PipelineListener
from salesmirror.pipeline.recognition import SharedModel
from salesmirror.pipeline.single_microphone import SingleMicrophoneSetup
from salesmirror.sessions.journal import SessionJournal
from salesmirror.sessions.records import SessionInfo, SessionSource


@dataclass(frozen=True)
class CallPlan:
    """Everything about a call's sound, decided before it starts."""

    source: SessionSource
    mode: CaptureMode
    open_sources: Callable[[], list[AudioSource]]  # called once, when the call starts
    devices: dict[str, str] = field(default_factory=dict)  # what the stored call names: device or file
    script: list[Utterance] | None = None  # the words, when a script gives them
    lanes: dict[Speaker, bytearray] | None = None  # who speaks when, when not from the audio
    keep_from_s: float = 0.0  # kept only if it runs this long (see SessionInfo)

    @property
    def cancel_echo(self) -> bool:
        """Only a microphone that hears the call through speakers has the far side's echo in it."""
        return self.mode is CaptureMode.TWO_STREAMS

    def session_info(
        self, model: str | None, keep_audio: bool, notes: CallNotes | None = None
    ) -> SessionInfo:
        """What the store records about this call when it starts."""
        return SessionInfo(
            source=self.source,
            mode=self.mode,
            devices=self.devices,
            model=model,
            keep_audio=keep_audio,
            notes=notes or CallNotes(),
            keep_from_s=self.keep_from_s,
        )

    def pipeline(
        self,
        listener: PipelineListener,
        *,
        settings: CoachSettings | None = None,
        model: SharedModel | None = None,
        journal: SessionJournal | None = None,
        single_microphone: SingleMicrophoneSetup | None = None,
        flat_out: bool = False,
    ) -> CallPipeline:
        """The call, ready to start; opens the sources (a device that cannot open raises here)."""
        return CallPipeline(
            self.open_sources(),
            listener,
            settings=settings,
            model=model,
            cancel_echo=self.cancel_echo,
            single_microphone=single_microphone if self.mode is CaptureMode.SINGLE_MICROPHONE else None,
            journal=journal,
            script=self.script,
            speech_lanes=self.lanes,
            flat_out=flat_out,
        )


def live_call(
    audio: AudioBackend, you_device: str | None, them_device: str | None, headset: bool
) -> CallPlan:
    """The devices chosen in Settings: your microphone, and the call's audio if there is one."""

    def open_sources() -> list[AudioSource]:
        sources = [audio.microphone(you_device)]
        if them_device:
            sources.append(audio.call_audio(them_device))
        return sources

    devices = {"you": you_device, "them": them_device}
    return CallPlan(
        SessionSource.LIVE,
        capture_mode(them_device, headset),
        open_sources,
        devices={key: name for key, name in devices.items() if name},
    )


def recorded_pair(
    tracks: dict[Speaker, Path], speed: float | None, microphone_hears_call: bool = False
) -> CallPlan:
    """A recording for each side (or one side only). `microphone_hears_call`: "you" is a
    microphone that also heard the "them" track through speakers, so its echo is removed first."""
    for path in tracks.values():
        AudioStream(path).close()  # a clear error now, not when the call starts
    return CallPlan(
        SessionSource.RECORDING,
        CaptureMode.TWO_STREAMS if microphone_hears_call else CaptureMode.SEPARATE_TRACKS,
        lambda: [FilePlayback.from_files(tracks, speed=speed)],
        devices={str(speaker): path.name for speaker, path in tracks.items()},
    )


def two_channel_recording(path: Path, speed: float | None) -> CallPlan:
    """One recording of the whole call: you on the left channel, them on the right."""
    probe = AudioStream(path)
    channels = probe.channels
    probe.close()
    if channels < 2:
        raise AudioFileError(
            f"{path.name} has one channel, so it cannot tell you from them: choose a recording "
            "with two channels (you left, them right), or two files, yours and theirs."
        )

    def open_sources() -> list[AudioSource]:
        streams = {Speaker.YOU: AudioStream(path, 0), Speaker.THEM: AudioStream(path, 1)}
        return [FilePlayback(dict(streams), speed=speed)]

    return CallPlan(
        SessionSource.RECORDING,
        CaptureMode.SEPARATE_TRACKS,
        open_sources,
        devices={"call": path.name},
    )


def one_microphone_recording(path: Path, speed: float | None) -> CallPlan:
    """One channel that heard both sides (a laptop's microphone in a room): who speaks when is
    told by your enrolled voice, as in a live single-microphone call."""
    AudioStream(path).close()  # a clear error now, not when the call starts
    return CallPlan(
        SessionSource.RECORDING,
        CaptureMode.SINGLE_MICROPHONE,
        lambda: [FilePlayback.from_files({Speaker.YOU: path}, speed=speed)],
        devices={"mix": path.name},
    )


def recording_from_files(
    paths: list[Path], you_first: bool, speed: float | None, voice_enrolled: bool = False
) -> CallPlan:
    """What the user opened: one file with two channels, or two files (`you_first`: the first is
    yours), or, once your voice is enrolled, one file with one channel that heard both sides.
    Raises AudioFileError with the reason for anything else."""
    if len(paths) == 1:
        probe = AudioStream(paths[0])
        channels = probe.channels
        probe.close()
        if channels == 1 and voice_enrolled:
            return one_microphone_recording(paths[0], speed)
        if channels == 1:
            raise AudioFileError(
                f"{paths[0].name} has one channel, so only your voice could tell you from them: "
                "enrol it (Settings → Your voice) and open it again, or choose a recording with two "
                "channels (you left, them right), or two files, yours and theirs."
            )
        return two_channel_recording(paths[0], speed)
    if len(paths) != 2:
        raise AudioFileError("Choose one recording with two channels, or two recordings: yours and theirs.")
    you, them = paths if you_first else paths[::-1]
    return recorded_pair({Speaker.YOU: you, Speaker.THEM: them}, speed)


def demo_call(
    open_playback: Callable[[], AudioSource],
    script: list[Utterance],
    lanes: dict[Speaker, bytearray] | None,
    duration_s: float,
) -> CallPlan:
    """Demo material: its two tracks, its words from the script, kept only when played to the end."""
    return CallPlan(
        SessionSource.DEMO,
        CaptureMode.SEPARATE_TRACKS,
        lambda: [open_playback()],
        script=script,
        lanes=lanes,
        keep_from_s=duration_s - 1.0,  # skipping ahead to the end counts; stopping part way does not
    )

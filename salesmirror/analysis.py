"""Recorded calls and timed scripts through the same pipeline as a live call, as fast as possible."""

from __future__ import annotations

from pathlib import Path

from salesmirror.audio.file_playback import FilePlayback
from salesmirror.coaching.events import Nudge, PartialText, Speaker, Utterance
from salesmirror.coaching.script import load_script, run_script
from salesmirror.coaching.session import CoachingSession, CoachSettings
from salesmirror.pipeline.call_pipeline import CallPipeline


class _Collector:
    """Listener for a headless run: the session keeps the results; problems are gathered."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def on_nudge(self, nudge: Nudge) -> None:
        pass

    def on_utterance(self, utterance: Utterance) -> None:
        pass

    def on_partial(self, partial: PartialText) -> None:
        pass

    def on_problem(self, message: str) -> None:
        self.problems.append(message)

    def on_finished(self) -> None:
        pass


def analyze_recording(
    tracks: dict[Speaker, Path],
    model_path: Path | None = None,
    settings: CoachSettings | None = None,
    cancel_echo: bool = False,
) -> tuple[CoachingSession, list[str]]:
    """Run a recorded call flat out; returns the finished session and any problems met.

    `cancel_echo`: the "you" track is a microphone that also hears the "them" track played
    through speakers (`analyze --mic/--system`).
    """
    playback = FilePlayback.from_files(tracks, speed=None)
    collector = _Collector()
    pipeline = CallPipeline(
        [playback],
        collector,
        settings=settings,
        model_path=model_path,
        flat_out=True,
        cancel_echo=cancel_echo,
    )
    pipeline.start()
    pipeline.wait()
    return pipeline.session, collector.problems


def analyze_script(path: Path, settings: CoachSettings | None = None) -> CoachingSession:
    session = CoachingSession(settings)
    run_script(load_script(path), session)
    return session


def analyze_single_microphone(
    mix: Path,
    enrolment: Path,
    model_path: Path,
    speaker_model_path: Path,
    settings: CoachSettings | None = None,
) -> CoachingSession:
    """One microphone heard both sides: enrol from `enrolment`, attribute each stretch of `mix`."""
    from salesmirror.audio.decode import load_audio
    from salesmirror.speech.model_folder import load_model
    from salesmirror.speech.speaker_id import (
        VoiceEmbedder,
        attribute_single_microphone,
        enroll,
        load_speaker_model,
    )

    mixed, enrolled = load_audio(mix), load_audio(enrolment)
    embedder = VoiceEmbedder(load_model(model_path), load_speaker_model(speaker_model_path))
    session = CoachingSession(settings)
    for you, them in attribute_single_microphone(mixed, embedder, enroll(embedder, enrolled)):
        session.on_frame(you, them)
    session.finish()
    return session

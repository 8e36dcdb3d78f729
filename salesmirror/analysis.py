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

"""Recorded calls and timed scripts through the same pipeline as a live call, as fast as possible."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from salesmirror.coaching.script import load_script, run_script
from salesmirror.coaching.session import CoachingSession, CoachSettings
from salesmirror.events import Speaker, Utterance
from salesmirror.pipeline.call_pipeline import ProblemCollector
from salesmirror.pipeline.call_plan import CallPlan, recorded_pair
from salesmirror.pipeline.recognition import SharedModel
from salesmirror.sessions.journal import SessionJournal

_BLOCK_SAMPLES = 16_000  # a second of a single-microphone recording at a time
_WIND_DOWN_S = 10.0  # after Ctrl+C: time for the workers to store what they have


def analyze_recording(
    tracks: dict[Speaker, Path],
    model: Path | SharedModel | None = None,
    *,
    settings: CoachSettings | None = None,
    cancel_echo: bool = False,
    journal: SessionJournal | None = None,
    script: list[Utterance] | None = None,
) -> tuple[CoachingSession, list[str]]:
    """Run a recorded call flat out; returns the finished session and any problems met.

    `model`: a folder, or a model already loaded. `cancel_echo`: the "you" track is a
    microphone that also hears the "them" track played through speakers (`analyze
    --mic/--system`). `script`: the words, from a timed transcript instead of a speech model.
    """
    plan = recorded_pair(tracks, speed=None, microphone_hears_call=cancel_echo)
    return analyze_plan(replace(plan, script=script), model, settings=settings, journal=journal)


def analyze_plan(
    plan: CallPlan,
    model: Path | SharedModel | None = None,
    *,
    settings: CoachSettings | None = None,
    journal: SessionJournal | None = None,
) -> tuple[CoachingSession, list[str]]:
    """A planned call from recordings, flat out (its sources must not wait for a clock)."""
    collector = ProblemCollector()
    pipeline = plan.pipeline(
        collector,
        settings=settings,
        model=SharedModel(model) if isinstance(model, Path) else model,
        journal=journal,
        flat_out=True,
    )
    pipeline.start()
    try:
        pipeline.wait()
    except KeyboardInterrupt:
        # Ctrl+C or SIGTERM: end the call where it got to, as Stop does live, so a saved call is
        # stored as finished up to there instead of waiting for the crash sweep.
        pipeline.stop()
        pipeline.wait(_WIND_DOWN_S)
        raise
    if pipeline.failure is not None:  # a defect in the worker is the caller's error too
        raise pipeline.failure
    return pipeline.session, collector.problems


def analyze_script(
    path: Path, settings: CoachSettings | None = None, journal: SessionJournal | None = None
) -> CoachingSession:
    lines = load_script(path)
    session = CoachingSession(settings, observer=journal)
    if journal is not None:
        journal.start()
    run_script(lines, session)
    if journal is not None:
        journal.wait()
    return session


def analyze_single_microphone(
    mix: Path,
    enrolment: Path,
    voice_encoder_path: Path,
    *,
    settings: CoachSettings | None = None,
    journal: SessionJournal | None = None,
) -> CoachingSession:
    """One microphone heard both sides: enrol from `enrolment`, attribute each stretch of `mix`."""
    from salesmirror.audio.decode import AudioStream, load_audio
    from salesmirror.speech.speaker_id import attribute_single_microphone, enroll
    from salesmirror.speech.voice_encoder import VoiceEncoder

    mixed, enrolled = AudioStream(mix), load_audio(enrolment)
    encoder = VoiceEncoder(voice_encoder_path)
    session = CoachingSession((settings or CoachSettings()).on_one_channel(), observer=journal)
    if journal is not None:
        journal.start()
    try:
        frames = attribute_single_microphone(mixed.blocks(_BLOCK_SAMPLES), encoder, enroll(encoder, enrolled))
        for you, them in frames:
            session.on_frame(you, them)
    finally:  # also on Ctrl+C: what was judged is stored as a finished call
        mixed.close()
        session.finish()
        if journal is not None:
            journal.wait()
    return session

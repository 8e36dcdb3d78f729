"""Demo material: the bundled demo call, trainers' own scripts and recordings, and stored sessions,
made ready to play through the normal live pipeline.

With audio, talk time comes from the audio; the words always come from the script, so a demo
needs no speech model. A script without audio (or a stored session without kept audio) gives
who-speaks-when itself, over a silent track that keeps the clock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from salesmirror.audio.decode import load_audio
from salesmirror.audio.file_playback import FilePlayback
from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.coaching.script import ScriptError, load_script, speech_lanes
from salesmirror.coaching.session import CoachSettings
from salesmirror.events import Nudge, Speaker, Utterance
from salesmirror.pipeline.call_pipeline import CallPipeline, ProblemCollector
from salesmirror.pipeline.call_plan import demo_call
from salesmirror.resource_files import resource_path
from salesmirror.sessions.records import StoredSession

TAIL_S = 1.0  # silence after the last word, so the last line lands before the call ends


@dataclass(frozen=True, slots=True)
class ExpectedNudge:
    """Where the bundled demo is written to fire a nudge: while this line is said."""

    kind: str
    start: float
    end: float


@dataclass(frozen=True)
class DemoMaterial:
    title: str
    script: list[Utterance]
    tracks: dict[Speaker, np.ndarray]
    lanes: dict[Speaker, bytearray] | None = None  # who speaks when, when not from the audio
    thresholds: dict[str, float] = field(default_factory=dict)  # the demo's own settings
    gap_s: float | None = None
    expected: list[ExpectedNudge] = field(default_factory=list)
    recorded_nudges: tuple[Nudge, ...] | None = None  # a stored call: the nudges it had
    one_channel: bool = False  # a stored single-microphone call: its monologues follow that rule

    @property
    def duration_s(self) -> float:
        return max(len(t) for t in self.tracks.values()) / SAMPLE_RATE

    def coach_settings(self, base: CoachSettings) -> CoachSettings:
        """The user's settings with the demo's own thresholds and pace of nudges."""
        nudges = base.nudges
        thresholds = {**nudges.thresholds, **self.thresholds}
        gap = nudges.global_gap_s if self.gap_s is None else self.gap_s
        nudges = replace(nudges, thresholds=thresholds, global_gap_s=gap)
        settings = replace(base, nudges=nudges, recorded_nudges=self.recorded_nudges)
        return settings.on_one_channel() if self.one_channel else settings


def bundled_demo() -> DemoMaterial:
    """The demo call written for SalesMirror (salesmirror/data/demo): mistakes first, then the recovery."""
    folder = resource_path("demo")
    settings = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
    expected = []
    for line in (folder / "call.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        expected += [ExpectedNudge(kind, entry["start"], entry["end"]) for kind in entry.get("expect", [])]
    return DemoMaterial(
        title="Demo: Alex calls Dana",
        script=load_script(folder / "call.jsonl"),
        tracks={speaker: load_audio(folder / f"{speaker}.ogg") for speaker in Speaker},
        thresholds=settings.get("nudge_thresholds", {}),
        gap_s=settings.get("nudge_gap_s"),
        expected=expected,
    )


def trainer_material(script: Path, you: Path | None = None, them: Path | None = None) -> DemoMaterial:
    """A trainer's own timed script, with the recording pair it was taken from if there is one."""
    lines = load_script(script)
    tracks = {
        speaker: load_audio(path) for speaker, path in ((Speaker.YOU, you), (Speaker.THEM, them)) if path
    }
    if tracks:
        return DemoMaterial(script.stem, lines, tracks)
    lanes = speech_lanes([(u.speaker, u.start, u.end) for u in lines])
    return DemoMaterial(script.stem, lines, _silence(max(u.end for u in lines)), lanes)


def stored_material(stored: StoredSession) -> DemoMaterial:
    """A stored session played again: its words, and who spoke when from its stored segments —
    exactly what the analysis decided then, so no audio needs decoding (the demo plays silently)."""
    if not stored.segments and not stored.lines:
        raise ScriptError("This session has nothing to play: no speech was stored.")
    lanes = speech_lanes([(s.speaker, s.start, s.end) for s in stored.segments])
    silence = _silence(stored.row.duration_s)
    return DemoMaterial(
        stored.row.display_title,
        stored.lines,
        silence,
        lanes,
        recorded_nudges=tuple(stored.nudges),
        one_channel=stored.row.one_channel,
    )


def _silence(seconds: float) -> dict[Speaker, np.ndarray]:
    samples = int((seconds + TAIL_S) * SAMPLE_RATE)
    return {speaker: np.zeros(samples, dtype=np.int16) for speaker in Speaker}


def rehearsal(material: DemoMaterial, settings: CoachSettings) -> CallPipeline:
    """The call played flat out once, to find the moments its nudges fire: what 'jump to the next
    nudge' jumps to. A few seconds of CPU (voice activity on every block), so the demo runs it in
    the background and stops it if the presenter leaves first."""
    plan = demo_call(
        lambda: FilePlayback(material.tracks, speed=None),
        material.script,
        material.lanes,
        material.duration_s,
    )
    return plan.pipeline(ProblemCollector(), settings=settings, flat_out=True)

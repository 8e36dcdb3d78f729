"""The monologue and problem nudges, on real audio and on timed scripts, with their negatives."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile
from recordings import RATE, SPEECH

from salesmirror.analysis import analyze_recording, analyze_script
from salesmirror.coaching.nudges import NudgeSettings
from salesmirror.coaching.session import CoachSettings
from salesmirror.coaching.utterance_cues import problem_detector
from salesmirror.events import Speaker


def write_script(folder: Path, lines: list[tuple[float, float, str, str]]) -> Path:
    path = folder / "call.jsonl"
    rows = [json.dumps({"start": a, "end": b, "speaker": s, "text": t}) for a, b, s, t in lines]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def kinds(session) -> list[str]:
    return [n.kind for n in session.nudges.fired]


def test_a_hundred_seconds_of_only_you_gives_one_monologue_nudge_at_ninety(tmp_path: Path):
    speech, rate = soundfile.read(str(SPEECH / "librispeech_2412-153948-0000.flac"), dtype="int16")
    assert rate == RATE
    gap = np.zeros(int(0.4 * RATE), dtype=np.int16)
    you = np.tile(np.concatenate((speech, gap)), 10)[: 100 * RATE]
    you_path, them_path = tmp_path / "you.wav", tmp_path / "them.wav"
    soundfile.write(str(you_path), you, RATE)
    soundfile.write(str(them_path), np.zeros_like(you), RATE)

    session, _ = analyze_recording({Speaker.YOU: you_path, Speaker.THEM: them_path})

    monologue_nudges = [n for n in session.nudges.fired if n.kind == "monologue"]
    assert len(monologue_nudges) == 1
    assert monologue_nudges[0].t == pytest.approx(90, abs=2)
    assert "90 seconds" in monologue_nudges[0].text


def test_monologue_threshold_is_configurable(tmp_path: Path):
    script = write_script(tmp_path, [(0, 50, "you", "Let me walk you through our whole platform.")])
    settings = CoachSettings(nudges=NudgeSettings(thresholds={"monologue": 45}))
    session = analyze_script(script, settings)
    assert [(n.kind, round(n.t)) for n in session.nudges.fired] == [("monologue", 45)]


def test_no_monologue_nudge_in_a_dialogue(tmp_path: Path):
    lines = []
    t = 0.0
    for i in range(20):
        speaker = "you" if i % 2 == 0 else "them"
        lines.append((t, t + 25, speaker, "We could talk about the weather."))
        t += 26
    session = analyze_script(write_script(tmp_path, lines), None)
    assert "monologue" not in kinds(session)


PROBLEMS = [
    "Honestly our biggest problem is that onboarding takes forever.",
    "We're struggling to keep the reports up to date.",
    "It's a real headache every month end.",
    "The current tool is too slow for our team.",
    "We keep losing deals because follow-up falls through the cracks.",
    "Our support team can't keep up with the tickets.",
    "It's frustrating when the export breaks.",
    "we have a lot of issues with data quality",  # as speech arrives: no punctuation
]

NOT_PROBLEMS = [
    "No problem, happy to help.",
    "That's not really an issue for us.",
    "It's not slow at all, it's fine.",
    "Honestly, no issues so far.",
    "We've never had a problem with that.",
    "Is that a problem for you?",
    "what problems do you see",
    "Sounds great, thanks for the overview.",
]


@pytest.mark.parametrize("text", PROBLEMS)
def test_problem_statements_are_recognised(text: str):
    assert problem_detector().evidence(text) is not None


@pytest.mark.parametrize("text", NOT_PROBLEMS)
def test_denials_questions_and_small_talk_are_not_problems(text: str):
    assert problem_detector().evidence(text) is None


def test_problem_nudge_fires_when_they_name_a_problem(tmp_path: Path):
    script = write_script(
        tmp_path,
        [
            (0, 4, "you", "Thanks for making time today. What's on your mind?"),
            (5, 11, "them", "Our biggest problem is that month end takes forever."),
            (12, 15, "you", "Right. Let's look at the pricing, the licence is per seat."),
        ],
    )
    session = analyze_script(script)
    assert kinds(session) == ["problem"]
    nudge = session.nudges.fired[0]
    assert nudge.t == pytest.approx(15)  # when you went on without asking about it
    assert nudge.text == "They just mentioned a problem — ask why"
    assert "month end takes forever" in nudge.evidence and "per seat" in nudge.evidence


def test_no_problem_nudge_when_you_ask_why(tmp_path: Path):
    script = write_script(
        tmp_path,
        [
            (5, 11, "them", "Our biggest problem is that month end takes forever."),
            (12, 14, "you", "Mm-hm."),
            (14.5, 17, "you", "Why does it take so long?"),
            (18, 40, "them", "Mostly because the data arrives late from the branches."),
        ],
    )
    assert kinds(analyze_script(script)) == []


def test_problem_nudge_is_due_when_you_stay_quiet_after_they_finish(tmp_path: Path):
    """While they keep telling it you are listening; quiet for 8 s after they stop is a pass."""
    script = write_script(
        tmp_path,
        [
            (5, 11, "them", "The problem is the reports are slow."),
            (12, 30, "them", "And then on Mondays we wait for finance as well."),
            (45, 47, "you", "Okay, next topic."),
        ],
    )
    session = analyze_script(script)
    assert [(n.kind, n.t) for n in session.nudges.fired] == [("problem", pytest.approx(38))]


def test_your_own_problem_words_do_not_fire(tmp_path: Path):
    script = write_script(tmp_path, [(0, 5, "you", "Many of our clients had a big problem with churn.")])
    assert kinds(analyze_script(script)) == []


def test_the_same_kind_waits_the_repeat_gap(tmp_path: Path):
    script = write_script(
        tmp_path,
        [
            (0, 5, "them", "The problem is the reports are slow."),
            (20, 25, "them", "And another issue is the export."),
            (90, 95, "them", "We also struggle with onboarding."),
            (104, 105, "them", "Anyway."),
        ],
    )
    # Due at 13, 33 (too soon after the first) and 103.
    assert [round(n.t) for n in analyze_script(script).nudges.fired] == [13, 103]


def test_problem_nudge_can_be_turned_off(tmp_path: Path):
    script = write_script(
        tmp_path, [(0, 5, "them", "The problem is the reports are slow."), (16, 18, "them", "Yes.")]
    )
    assert kinds(analyze_script(script)) == ["problem"]  # quiet from 5 s to 13 s
    settings = CoachSettings(nudges=NudgeSettings(disabled=frozenset({"problem"})))
    assert kinds(analyze_script(script, settings)) == []


def test_one_thing_they_said_gets_one_nudge(tmp_path: Path):
    """A pitch right after a need is one mistake: the more urgent nudge speaks for it."""
    script = write_script(
        tmp_path,
        [
            (0, 6, "them", "We need to get onboarding down to two weeks."),
            (6.5, 12, "you", "Our platform does exactly that, let me show you our onboarding module."),
            (13, 20, "them", "Alright."),
        ],
    )
    settings = CoachSettings(nudges=NudgeSettings(global_gap_s=1.0))
    assert kinds(analyze_script(script, settings)) == ["premature_pitch"]
    alone = CoachSettings(nudges=NudgeSettings(global_gap_s=1.0, disabled=frozenset({"premature_pitch"})))
    assert kinds(analyze_script(script, alone)) == ["dig_deeper"]

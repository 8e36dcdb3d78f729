"""The figures behind the nudges, computed from timed scripts through the same core as live."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_nudges import write_script

from salesmirror.analysis import analyze_script


def metrics(tmp_path: Path, lines) -> dict:
    return analyze_script(write_script(tmp_path, lines)).metrics()


def test_questions_you_ask_are_counted_with_or_without_punctuation(tmp_path: Path):
    m = metrics(
        tmp_path,
        [
            (0, 3, "you", "How do you handle renewals today?"),
            (4, 8, "them", "Mostly by hand. Why do you ask?"),
            (9, 12, "you", "Because it matters."),
            (13, 16, "you", "what would success look like for you"),
            (17, 20, "you", "Tell me more about the team."),
        ],
    )
    # Theirs do not count; "Tell me more about ..." asks for an answer, so it does.
    assert m.questions_asked == 3


def test_the_customers_longest_story_survives_backchannels_not_interjections(tmp_path: Path):
    m = metrics(
        tmp_path,
        [
            (0, 40, "them", "Let me tell you how this started."),
            (12, 12.5, "you", "Mm-hm."),
            (41, 44, "you", "I see."),
            (45, 60, "them", "And then it got worse."),
            (50, 52, "you", "Wait, we can fix that."),
        ],
    )
    assert m.longest_customer_story_s == pytest.approx(40, abs=0.1)


def test_patience_is_the_median_pause_before_you_answer(tmp_path: Path):
    m = metrics(
        tmp_path,
        [
            (0, 5, "them", "First point."),
            (5.6, 8, "you", "Right."),
            (9, 14, "them", "Second point."),
            (15.0, 18, "you", "Go on."),
            (19, 24, "them", "Third point."),
            (25.4, 28, "you", "Understood."),
            (29, 32, "them", "A last one."),
            (40, 42, "you", "After a long silence: a new topic, not patience."),
        ],
    )
    assert m.patience_s == pytest.approx(1.0, abs=0.05)


def test_starting_over_them_is_an_interruption_but_a_short_backchannel_is_not(tmp_path: Path):
    m = metrics(
        tmp_path,
        [
            (0, 10, "them", "We tried three vendors and each one"),
            (4, 4.4, "you", "Mm-hm."),  # backchannel
            (7, 12, "you", "Let me stop you there."),  # interruption
            (20, 30, "them", "Another long explanation"),
            (20.1, 22, "you", "Sorry, go ahead."),  # both started at once: not mid-turn
        ],
    )
    assert m.interruptions == 1


def test_pace_is_words_per_minute_of_your_recognised_speech(tmp_path: Path):
    words = " ".join(["word"] * 75)
    m = metrics(tmp_path, [(0, 30, "you", words), (31, 34, "them", "Okay.")])
    assert m.words_per_minute == 150
    assert metrics(tmp_path, [(0, 2, "you", "Too short to judge.")]).words_per_minute is None


@pytest.mark.parametrize(
    ("call_s", "story_s", "verdict"),
    [
        (90, 16, "good"),
        (90, 14, "fair"),  # was poor: fair began at 20 s, above good in a 90-second call
        (90, 4, "poor"),
        (600, 60, "good"),
        (600, 20, "fair"),
        (600, 19, "poor"),
    ],
)
def test_their_longest_story_is_judged_against_the_length_of_the_call(call_s, story_s, verdict):
    from salesmirror.call_summary import CallFigures, CallMetrics
    from salesmirror.coaching.targets import scorecard

    metrics = CallMetrics(0.4, 0.4, 30.0, story_s, None, None, 0, None)
    figures = CallFigures(call_s, 0.4 * call_s, 0.6 * call_s, 0.4, 30.0, metrics)
    [story] = [s for s in scorecard(figures) if s.target.key == "longest_customer_story_s"]
    assert story.verdict == verdict

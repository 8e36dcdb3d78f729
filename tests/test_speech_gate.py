"""The recogniser hears speech, not silence: only the channel's voiced stretches (with a half
second before each) reach it, and each turn's end closes its utterance at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from recordings import RATE, make_call, read_rttm, speakers_by_talk_time, write_call
from room_noise import add_noise, with_floor

from salesmirror.coaching.voice_activity import ChannelActivity
from salesmirror.events import Speaker
from salesmirror.pipeline.speech_gate import TURN_END_S, EndOfTurn, ResumeAt, SpeechGate


def _gated(audio: np.ndarray) -> list[tuple[float, float]]:
    """The session spans (start, end) a recogniser would hear, block by block as live."""
    activity, gate = ChannelActivity(own_voice=True), SpeechGate()
    spans: list[tuple[float, float]] = []
    at: float | None = None
    for offset in range(0, audio.size, 960):
        block = audio[offset : offset + 960]
        activity.feed(block)
        for item in gate.push(block, activity.heard_voice_within(TURN_END_S)):
            if isinstance(item, ResumeAt):
                at = item.session_s
                spans.append((at, at))
            elif isinstance(item, EndOfTurn):
                at = None
            else:
                assert at is not None
                start, end = spans[-1]
                spans[-1] = (start, end + item.size / RATE)
    return spans


def test_only_speech_reaches_the_recogniser_and_every_turn_does():
    name = "ami_dev01"
    turns = read_rttm(name)
    speaker = speakers_by_talk_time(turns)[0]
    you, _, _ = make_call(name, speaker)
    spans = _gated(add_noise(you, "clicks", 20))  # typing between the turns is not speech
    passed = sum(end - start for start, end in spans)
    assert passed < 0.75 * you.size / RATE
    mine = [t for t in turns if t.speaker == speaker and t.end - t.start > 0.5]
    for turn in mine:  # each turn's middle is heard
        middle = (turn.start + turn.end) / 2
        assert any(start <= middle <= end for start, end in spans), turn
    # The half second before speech is passed on, so the first syllable is never cut.
    first = min(t.start for t in mine)
    assert min(start for start, _ in spans) <= first


def test_silence_never_reaches_the_recogniser():
    silent_room = with_floor(np.zeros(30 * RATE, dtype=np.int16), snr_db=0)
    assert _gated(silent_room) == []


@pytest.mark.vosk
def test_words_keep_their_session_times_across_the_gaps(korean_model: Path, tmp_path: Path):
    from salesmirror.analysis import analyze_recording

    name = "pyannote_sample"
    turns = read_rttm(name)
    you_speaker = speakers_by_talk_time(turns)[0]
    you, them = write_call(name, tmp_path, you_speaker)
    session, problems = analyze_recording({Speaker.YOU: you, Speaker.THEM: them}, korean_model)
    assert problems == []
    by_speaker = {Speaker.YOU: you_speaker, Speaker.THEM: speakers_by_talk_time(turns)[1]}
    lines = session.transcript
    assert len(lines) >= 6  # a line per turn or so, not one run-on line per channel
    for line in lines:
        spoken = [t for t in turns if t.speaker == by_speaker[line.speaker]]
        for word in line.words:  # inside one of that speaker's turns, give or take the pre-roll
            assert any(t.start - 0.6 <= word.start and word.end <= t.end + 0.6 for t in spoken), word

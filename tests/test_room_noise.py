"""Honest ears in a real room: typing, chatter, line noise and headsets must not move the gauge.

Every recording here carries noise from `room_noise`; the figures are checked against the human
speaker turns, through the same pipeline as `analyze`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile
from recordings import (
    RATE,
    TWO_SPEAKER_CALLS,
    frames_right,
    make_call,
    read_rttm,
    reference_frames,
    reference_tracker,
    speakers_by_talk_time,
)
from room_noise import add_noise, at_dbfs, hiss, speech_rms, with_floor

from salesmirror.analysis import analyze_recording
from salesmirror.audio_format import FRAME_SAMPLES
from salesmirror.coaching.room_level import RoomLevel, frame_levels
from salesmirror.coaching.session import CoachingSession
from salesmirror.coaching.voice_activity import PauseBridge, TurnBridge
from salesmirror.events import Speaker


def _write(folder: Path, name: str, audio: np.ndarray) -> Path:
    path = folder / f"{name}.wav"
    soundfile.write(str(path), audio, RATE)
    return path


def _analyze(folder: Path, you: np.ndarray, them: np.ndarray, echo: bool = False) -> CoachingSession:
    session, problems = analyze_recording(
        {Speaker.YOU: _write(folder, "you", you), Speaker.THEM: _write(folder, "them", them)},
        cancel_echo=echo,
    )
    assert problems == []
    return session


def _ratio_errors(folder: Path, kind: str, snr_db: float) -> list[float]:
    errors = []
    for name in TWO_SPEAKER_CALLS:
        turns = read_rttm(name)
        ranked = speakers_by_talk_time(turns)
        for you_speaker, them_speaker in ((ranked[0], ranked[1]), (ranked[1], ranked[0])):
            you, them, _ = make_call(name, you_speaker)
            session = _analyze(folder, add_noise(you, kind, snr_db, exclude=name), with_floor(them))
            expected = reference_tracker(turns, you_speaker, them_speaker).figures().ratio_you
            errors.append(100 * (session.figures().ratio_you - expected))
    return errors


@pytest.mark.parametrize("dbfs", [-35, -50, -65])
def test_typing_alone_is_not_talking(dbfs: int, tmp_path: Path):
    """Two minutes of notes taken while nobody speaks: WebRTC alone counted 105 s of it as you."""
    typing = at_dbfs("clicks", 120, dbfs)
    session = _analyze(tmp_path, typing, with_floor(np.zeros_like(typing)))
    assert session.figures().you_seconds <= 3.0
    assert "monologue" not in [n.kind for n in session.nudges.fired]


@pytest.mark.parametrize("dbfs", [-50, -60])
def test_distant_chatter_alone_is_not_you(dbfs: int, tmp_path: Path):
    """Six other voices, two minutes, nobody on the call speaking."""
    chatter = at_dbfs("babble", 120, dbfs)
    session = _analyze(tmp_path, chatter, with_floor(np.zeros_like(chatter)))
    # Measured 3.0 s at -50 dBFS, all in the first five seconds, while the room is being learned.
    assert session.figures().you_seconds <= 3.5
    assert "monologue" not in [n.kind for n in session.nudges.fired]


@pytest.mark.parametrize(("kind", "snr_db"), [("clicks", 20), ("babble", 15), ("pink", 10)])
def test_noise_on_the_microphone_keeps_the_talk_ratio(kind: str, snr_db: float, tmp_path: Path):
    errors = _ratio_errors(tmp_path, kind, snr_db)
    assert np.mean(np.abs(errors)) <= 3.0, errors
    # Pink noise at 10 dB hides the quiet ends of MEE009's far-field words on ami_dev00: bridged
    # as in a quiet room (0.7 s), that was -8.5 points; bridged up to 1.0 s in a noisy room, -4.5.
    assert max(np.abs(errors)) <= 6.0, errors


def test_line_noise_is_not_double_talk_and_nobody_is_told_to_let_them_finish(tmp_path: Path):
    """A telephone call, 8 kHz, with line hiss on both channels: speech overlaps only where the
    human turns overlap, and no interruption is invented (nobody interrupts in this call; at
    10 s one speaker gives way as the other starts, which bridging used to hide)."""
    name = "pyannote_sample"
    turns = read_rttm(name)
    you_speaker, them_speaker = speakers_by_talk_time(turns)[:2]
    you, them, _ = make_call(name, you_speaker)
    line = []
    for seed, channel in enumerate((you, them)):
        narrow = soundfile_resample(channel)
        floor = speech_rms(channel) * 10 ** (-25 / 20) * hiss(channel.size, seed)
        line.append(np.clip(narrow + floor, -32768, 32767).astype(np.int16))
    session = _analyze(tmp_path, *line)
    both = _overlap(session.talk.segments)
    you_ref = np.array(reference_frames(turns, you_speaker))
    them_ref = np.array(reference_frames(turns, them_speaker))
    reference_both = float(np.sum(you_ref & them_ref)) * 0.02
    assert abs(both - reference_both) <= 3.0, (both, reference_both)
    assert reference_tracker(turns, you_speaker, them_speaker).turns.interruptions == 0
    assert session.talk.turns.interruptions == 0
    assert "interrupt" not in [n.kind for n in session.nudges.fired]


def soundfile_resample(channel: np.ndarray) -> np.ndarray:
    """Through a telephone line: down to 8 kHz and back to 16 kHz."""
    import soxr

    narrow = soxr.resample(channel.astype(np.float64), RATE, 8_000)
    return soxr.resample(narrow, 8_000, RATE)[: channel.size]


def _overlap(segments) -> float:
    you = [(s.start, s.end) for s in segments if s.speaker is Speaker.YOU]
    them = [(s.start, s.end) for s in segments if s.speaker is Speaker.THEM]
    return sum(max(0.0, min(a1, b1) - max(a0, b0)) for a0, a1 in you for b0, b1 in them)


@pytest.mark.parametrize("name", TWO_SPEAKER_CALLS)
def test_headset_mode_is_in_step_with_separate_tracks(name: str, tmp_path: Path):
    """Two streams, no echo: the echo search must not hold your speech back in time."""
    turns = read_rttm(name)
    you_speaker, them_speaker = speakers_by_talk_time(turns)[:2]
    you, them, _ = make_call(name, you_speaker)
    you, them = with_floor(you), with_floor(them, seed=1)
    n = you.size // RATE * 10
    tracks = frames_right(_analyze(tmp_path, you, them).talk.segments, turns, you_speaker, them_speaker, n)
    headset = _analyze(tmp_path, you, them, echo=True)
    in_step = frames_right(headset.talk.segments, turns, you_speaker, them_speaker, n)
    assert in_step >= tracks - 0.02, (in_step, tracks)


def _room_after(audio: np.ndarray) -> RoomLevel:
    room = RoomLevel(own_voice=True)
    for level in frame_levels(audio[: audio.size // 320 * 320].reshape(-1, 320)):
        room.judge(float(level), detected=True)
    return room


def test_the_room_level_learns_the_floor_and_your_voice():
    you, _, _ = make_call("ami_trn03")
    room = _room_after(add_noise(you, "pink", 10))  # measured: floor 21 dB under the voice
    pink_level = 20 * np.log10(speech_rms(you) * 10 ** (-10 / 20) / 32768)
    assert room.floor_db == pytest.approx(pink_level, abs=4)
    assert room.voice_db is not None and room.voice_db > room.floor_db + 10
    assert room.noisy  # 10 dB is close enough to say the figures may be less exact
    assert not _room_after(with_floor(you)).noisy


@pytest.mark.parametrize("bridge", ["pause", "turn"])
def test_a_noisy_room_bridges_longer_pauses_than_a_quiet_one(bridge: str):
    """Noise hides the quiet ends of words, so pauses grow: a 0.9 s pause is still the same turn
    in a noisy room, and a turn change in a quiet one (where 0.7 s is bridged)."""
    you, _, _ = make_call("ami_trn03")
    frames = [True] * 50 + [False] * 45 + [True] * 50  # 1 s, a 0.9 s pause, 1 s
    filled = {}
    for label, audio in (("noisy", add_noise(you, "pink", 10)), ("quiet", with_floor(you))):
        room = _room_after(audio)
        if bridge == "pause":
            pause_bridge = PauseBridge(room=room)
            out = [d for d in map(pause_bridge.push, frames) if d is not None] + pause_bridge.flush()
        else:
            # The turn bridge asks how the room was when its channel decided each frame: the
            # pauses come at the end of the audio the room heard.
            turn_bridge = TurnBridge(rooms=(room, None))
            call = [False] * (audio.size // FRAME_SAMPLES - len(frames)) + frames
            pairs = [p for f in call if (p := turn_bridge.push(f, False)) is not None] + turn_bridge.flush()
            out = [mine for mine, _ in pairs][-len(frames) :]
        assert len(out) == len(frames)
        filled[label] = all(out)
    assert filled == {"noisy": True, "quiet": False}


def test_the_turn_bridge_does_not_depend_on_how_far_ahead_a_room_was_heard():
    """The turn bridge widens a side's pauses once its room is noisy. It read the room as it was
    when the bridge stepped, so a channel analysed further ahead (a larger block, another device's
    timing) widened pauses before the noise began: live and `analyze` could disagree."""
    quiet, _, _ = make_call("ami_trn03")
    noisy = add_noise(quiet, "pink", 10)
    audio = np.concatenate((with_floor(quiet), noisy))  # the room turns noisy half way through
    levels = frame_levels(audio[: audio.size // FRAME_SAMPLES * FRAME_SAMPLES].reshape(-1, FRAME_SAMPLES))
    # Short turns with 0.9 s pauses all through: bridged once noisy, a turn change before.
    frames = ([True] * 50 + [False] * 45) * (levels.size // 95) + [False] * (levels.size % 95)
    outputs = []
    for ahead in (20, levels.size):  # the room heard 20 frames ahead of the bridge, or all of it
        room = RoomLevel(own_voice=True)
        bridge = TurnBridge(rooms=(room, None))
        heard = 0
        out = []
        for frame, speech in enumerate(frames):
            while heard < min(levels.size, frame + ahead):
                room.judge(float(levels[heard]), detected=True)
                heard += 1
            if (pair := bridge.push(speech, False)) is not None:
                out.append(pair[0])
        outputs.append(out + [mine for mine, _ in bridge.flush()])
    assert outputs[0] == outputs[1]
    half = len(frames) // 2
    assert not all(outputs[0][:half]) and all(outputs[0][half + 500 : -100])  # both kinds were there


@pytest.mark.parametrize("kind", ["clicks", "pink", "brown", "babble", "hiss"])
def test_noise_kinds_have_the_level_they_are_asked_for(kind: str):
    you, _, _ = make_call("ami_dev00")
    mixed = add_noise(you, kind, 10, exclude="ami_dev00")
    added = mixed.astype(np.float64) - you
    snr = 20 * np.log10(speech_rms(you) / np.sqrt(np.mean(added**2)))
    assert snr == pytest.approx(10, abs=0.5)
    alone = at_dbfs(kind, 5, -40).astype(np.float64)
    assert 20 * np.log10(np.sqrt(np.mean(alone**2)) / 32768) == pytest.approx(-40, abs=0.5)

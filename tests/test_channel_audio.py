"""Live audio is analysed in gathered pieces, the channels together: every sample arrives, in
order, the echo canceller still gets what it needs, the channels' voice activity judged together
is what each would be alone, and the figures of a call played in real time are those of the same
call analysed flat out."""

from __future__ import annotations

import numpy as np
from recordings import make_call, with_echo
from room_noise import add_noise, with_floor

from salesmirror.audio.file_playback import FilePlayback
from salesmirror.audio.source import BLOCK_SAMPLES
from salesmirror.coaching.neural_vad import SileroFrames, feed_together
from salesmirror.coaching.voice_activity import ChannelActivity, feed_channels
from salesmirror.events import Speaker
from salesmirror.pipeline.call_pipeline import CallPipeline, ProblemCollector
from salesmirror.pipeline.channel_audio import AsDelivered, Gathered, WithoutEcho

PIECE = 4 * BLOCK_SAMPLES


def test_source_blocks_are_analysed_in_larger_pieces_with_nothing_lost_or_reordered() -> None:
    you, them, _ = make_call("pyannote_sample")
    gathered = Gathered(AsDelivered(), PIECE)
    out: dict[Speaker, list[np.ndarray]] = {Speaker.YOU: [], Speaker.THEM: []}
    for at in range(0, you.size, BLOCK_SAMPLES):  # as a live source delivers: a block of each
        for speaker, track in ((Speaker.YOU, you), (Speaker.THEM, them)):
            for heard, samples in gathered.push(speaker, track[at : at + BLOCK_SAMPLES]):
                out[heard].append(samples)
    for speaker in (Speaker.YOU, Speaker.THEM):
        for heard, samples in gathered.end(speaker):
            out[heard].append(samples)
    for speaker, track in ((Speaker.YOU, you), (Speaker.THEM, them)):
        assert np.array_equal(np.concatenate(out[speaker]), track)
        assert all(piece.size >= PIECE for piece in out[speaker][:-1])


def test_the_microphone_still_waits_for_the_calls_audio_to_remove_its_echo() -> None:
    you, them, _ = make_call("pyannote_sample")
    mic = (you.astype(np.int32) + them.astype(np.int32) // 2).clip(-32768, 32767).astype(np.int16)
    gathered = Gathered(WithoutEcho(), PIECE)
    heard: dict[Speaker, int] = {Speaker.YOU: 0, Speaker.THEM: 0}
    for at in range(0, mic.size, BLOCK_SAMPLES):
        for speaker, track in ((Speaker.YOU, mic), (Speaker.THEM, them)):
            for who, samples in gathered.push(speaker, track[at : at + BLOCK_SAMPLES]):
                heard[who] += samples.size
    for speaker in (Speaker.THEM, Speaker.YOU):
        for who, samples in gathered.end(speaker):
            heard[who] += samples.size
    assert heard == {Speaker.YOU: mic.size, Speaker.THEM: them.size}


def _figures(you: np.ndarray, them: np.ndarray, speed: float | None):
    problems = ProblemCollector()
    pipeline = CallPipeline(
        [FilePlayback({Speaker.YOU: you, Speaker.THEM: them}, speed=speed)], problems, flat_out=speed is None
    )
    pipeline.start()
    assert pipeline.wait(120)
    assert problems.problems == []
    return pipeline.session.summary().figures


def test_a_call_played_live_gives_the_figures_of_the_same_call_analysed_flat_out() -> None:
    you, them, _ = make_call("pyannote_sample")
    you, them = add_noise(you, "clicks", 20), with_floor(them)
    assert _figures(you, them, speed=16.0) == _figures(you, them, speed=None)


def test_the_microphones_last_audio_has_its_echo_removed_though_the_calls_was_still_held() -> None:
    """The microphone ended while the call's last blocks waited for their piece to fill: the
    canceller finished the microphone without them, and its last second kept the echo."""
    them, _, _ = make_call("ami_trn03")  # its main speaker, as the far side
    held = 3 * BLOCK_SAMPLES  # a piece not yet full on either channel when the call's audio ends
    loud = [
        n * BLOCK_SAMPLES
        for n in range(3, them.size // BLOCK_SAMPLES)
        if n % 4 == 3
        and np.sqrt(np.mean(them[n * BLOCK_SAMPLES - held : n * BLOCK_SAMPLES].astype(np.float64) ** 2)) > 300
    ]
    them = them[: loud[len(loud) // 2]]  # the recording ends while they speak
    mic = with_echo(np.zeros_like(them), them, 6)  # only the call's sound, through the speakers
    gathered = Gathered(WithoutEcho(), PIECE)
    out: list[np.ndarray] = []
    blocks = range(0, them.size, BLOCK_SAMPLES)
    for at in blocks:
        out += [
            s for who, s in gathered.push(Speaker.THEM, them[at : at + BLOCK_SAMPLES]) if who is Speaker.YOU
        ]
        out += [
            s for who, s in gathered.push(Speaker.YOU, mic[at : at + BLOCK_SAMPLES]) if who is Speaker.YOU
        ]
    out += [s for who, s in gathered.end(Speaker.YOU) if who is Speaker.YOU]
    out += [s for who, s in gathered.end(Speaker.THEM) if who is Speaker.YOU]
    left = np.concatenate(out).astype(np.float64)
    assert left.size == mic.size
    tail = slice(-held, None)  # what was still held when the microphone ended
    echo_db = 10 * np.log10(np.mean(mic[tail].astype(np.float64) ** 2) + 1)
    left_db = 10 * np.log10(np.mean(left[tail] ** 2) + 1)
    assert np.mean(mic[tail].astype(np.float64) ** 2) > 1000  # the call is speaking there
    assert left_db < echo_db - 10


def test_both_channels_come_out_together_and_a_stalled_one_holds_nothing_back() -> None:
    you, them, _ = make_call("pyannote_sample")
    gathered = Gathered(AsDelivered(), PIECE)
    released_together = 0
    for at in range(0, 40 * BLOCK_SAMPLES, BLOCK_SAMPLES):
        gathered.push(Speaker.YOU, you[at : at + BLOCK_SAMPLES])
        out = gathered.push(Speaker.THEM, them[at : at + BLOCK_SAMPLES])
        if out:
            assert [speaker for speaker, _ in out] == [Speaker.YOU, Speaker.THEM]
            released_together += 1
    assert released_together == 10
    # The call's audio stops arriving: the microphone goes on alone, at most two pieces behind.
    sizes = []
    for at in range(40 * BLOCK_SAMPLES, 80 * BLOCK_SAMPLES, BLOCK_SAMPLES):
        for speaker, samples in gathered.push(Speaker.YOU, you[at : at + BLOCK_SAMPLES]):
            assert speaker is Speaker.YOU
            sizes.append(samples.size)
    assert sizes == [2 * PIECE] * 5
    assert gathered.end(Speaker.THEM) == []  # it delivered nothing since
    assert gathered.end(Speaker.YOU) == []


def test_two_channels_judged_together_decide_exactly_as_each_alone() -> None:
    you, them, _ = make_call("ami_dev00")
    you, them = add_noise(you, "clicks", 20), with_floor(them)
    alone = {Speaker.YOU: ChannelActivity(own_voice=True), Speaker.THEM: ChannelActivity()}
    together = {Speaker.YOU: ChannelActivity(own_voice=True), Speaker.THEM: ChannelActivity()}
    decided_alone: dict[Speaker, list[bool]] = {Speaker.YOU: [], Speaker.THEM: []}
    decided_together: dict[Speaker, list[bool]] = {Speaker.YOU: [], Speaker.THEM: []}
    for at in range(0, you.size, PIECE - 130):  # pieces that split chunks and frames anywhere
        pieces = [(Speaker.YOU, you[at : at + PIECE - 130]), (Speaker.THEM, them[at : at + PIECE - 130])]
        for speaker, samples in pieces:
            decided_alone[speaker] += alone[speaker].feed(samples)
        fed = feed_channels([(together[speaker], samples) for speaker, samples in pieces])
        for (speaker, _), decisions in zip(pieces, fed, strict=True):
            decided_together[speaker] += decisions
    for speaker in (Speaker.YOU, Speaker.THEM):
        decided_alone[speaker] += alone[speaker].flush()
        decided_together[speaker] += together[speaker].flush()
    assert decided_together == decided_alone
    assert any(decided_alone[Speaker.YOU]) and any(decided_alone[Speaker.THEM])


def test_speech_probabilities_of_a_batch_are_those_of_each_channel_alone() -> None:
    you, them, _ = make_call("pyannote_sample")
    them = with_floor(them)
    alone, batched = [SileroFrames(), SileroFrames()], [SileroFrames(), SileroFrames()]
    step = 3000
    for at in range(0, you.size, step):
        blocks = [you[at : at + step], them[at : at + step + 700]]  # the channels run out of step
        separate = [frames.feed(block) for frames, block in zip(alone, blocks, strict=True)]
        assert feed_together(list(zip(batched, blocks, strict=True))) == separate

"""The first stage of a call, chosen by its capture mode: each source block becomes clean audio of
one channel.

With a headset, separate tracks or one microphone, a block is its channel's audio as it is. With
two streams through speakers, the microphone also hears the call: the far side's echo is removed
first, which holds the microphone back until the call's audio for the same moment has arrived.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

import numpy as np

from salesmirror.coaching.echo import EchoCanceller
from salesmirror.events import Speaker

ChannelBlocks = list[tuple[Speaker, np.ndarray]]


class ChannelAudio(Protocol):
    def push(self, speaker: Speaker, samples: np.ndarray) -> ChannelBlocks:
        """One source block in; the channel audio ready now out (maybe none, maybe several)."""
        ...

    def end(self, speaker: Speaker) -> ChannelBlocks:
        """This channel's source ended: what was held back for it comes out."""
        ...


class AsDelivered:
    """Each channel is clean as it arrives: a headset, separate tracks, one microphone."""

    def push(self, speaker: Speaker, samples: np.ndarray) -> ChannelBlocks:
        return [(speaker, samples)]

    def end(self, speaker: Speaker) -> ChannelBlocks:
        return []


class WithoutEcho:
    """Two streams: the call's audio passes as it is, and is the reference for removing its echo
    from your microphone."""

    def __init__(self) -> None:
        self._canceller = EchoCanceller()

    def push(self, speaker: Speaker, samples: np.ndarray) -> ChannelBlocks:
        if speaker is Speaker.YOU:
            return _yours(self._canceller.push_microphone(samples))
        return [(speaker, samples), *_yours(self._canceller.push_reference(samples))]

    def end(self, speaker: Speaker) -> ChannelBlocks:
        # The microphone ended: everything held comes out. The call's audio ended: the microphone
        # passes through from here on.
        if speaker is Speaker.YOU:
            return _yours(self._canceller.flush())
        return _yours(self._canceller.end_reference())


class Gathered:
    """Source blocks gathered per channel into analysis blocks of at least `samples` before the
    stage they feed (`inner`).

    A microphone delivers 60 ms at a time, so the level meters and the queue stay quick; analysing
    each block on its own cost more than analysing the same audio in larger pieces: on the
    two-minute call of `tests/benchmarks/live_cpu.py` the analysis worker took 3.1 % of a core
    with 60 ms blocks and 1.9 % with 240 ms (Silero's network and the Python around each block
    run warm several times in a row instead of once per wake-up). Released together, the
    channels' pieces share the network's runs (`feed_channels`); a channel whose partner has
    fallen behind (a stalled device) goes alone once it holds two pieces, or two of the largest
    blocks a source delivered. Decisions already come out about 1.2 s late, so the wait adds
    little where it shows.
    """

    def __init__(self, inner: ChannelAudio, samples: int) -> None:
        self._inner = inner
        self._samples = samples
        self._held: defaultdict[Speaker, list[np.ndarray]] = defaultdict(list)
        self._held_samples: defaultdict[Speaker, int] = defaultdict(int)  # also: the channels open
        self._alone = 2 * samples  # held this much, a channel stops waiting for the others

    def push(self, speaker: Speaker, samples: np.ndarray) -> ChannelBlocks:
        self._held[speaker].append(samples)
        self._held_samples[speaker] += samples.size
        self._alone = max(self._alone, 2 * samples.size)  # recordings played flat out: 1.2 s blocks
        if self._held_samples[speaker] < self._samples:
            return []
        if all(held >= self._samples for held in self._held_samples.values()):
            ready = list(self._held_samples)
        elif self._held_samples[speaker] >= self._alone:
            ready = [speaker]
        else:
            return []
        return [block for channel in ready for block in self._inner.push(channel, self._take(channel))]

    def end(self, speaker: Speaker) -> ChannelBlocks:
        # Everything that arrived before the end goes on before it, on every channel: the echo
        # canceller finishes a stream with what the other has delivered by then.
        out = [
            block
            for channel, held in list(self._held_samples.items())
            if held
            for block in self._inner.push(channel, self._take(channel))
        ]
        self._held_samples.pop(speaker, None)  # the others no longer wait for it
        return [*out, *self._inner.end(speaker)]

    def _take(self, speaker: Speaker) -> np.ndarray:
        held = self._held.pop(speaker, [])
        self._held_samples[speaker] = 0
        if len(held) == 1:
            return held[0]
        return np.concatenate(held) if held else np.zeros(0, dtype=np.int16)


def _yours(blocks: list[np.ndarray]) -> ChannelBlocks:
    return [(Speaker.YOU, samples) for samples in blocks]

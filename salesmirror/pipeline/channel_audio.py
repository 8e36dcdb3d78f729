"""The first stage of a call, chosen by its capture mode: each source block becomes clean audio of
one channel.

With a headset, separate tracks or one microphone, a block is its channel's audio as it is. With
two streams through speakers, the microphone also hears the call: the far side's echo is removed
first, which holds the microphone back until the call's audio for the same moment has arrived.
"""

from __future__ import annotations

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


def _yours(blocks: list[np.ndarray]) -> ChannelBlocks:
    return [(Speaker.YOU, samples) for samples in blocks]

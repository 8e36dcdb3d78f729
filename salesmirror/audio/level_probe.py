"""Live input levels for the settings dialog: opens the chosen sources and keeps the latest level."""

from __future__ import annotations

from collections import deque

import numpy as np

from salesmirror.audio.source import AudioBlock, AudioSource, SourceEnded, SourceEvent
from salesmirror.events import Speaker

FLOOR_DB = -60.0
# Block levels kept per stream for its noise floor: about six seconds of 60 ms blocks.
_FLOOR_BLOCKS = 100


class LevelProbe:
    """Runs sources only to measure them; `levels()` is safe to read from the GUI thread."""

    def __init__(self, sources: list[AudioSource]) -> None:
        self._sources = sources
        self._levels: dict[Speaker, float] = {}
        self._recent: dict[Speaker, deque[float]] = {}
        self.problems: dict[Speaker, str] = {}

    def start(self) -> None:
        for source in self._sources:
            try:
                source.start(self._on_event)
            except Exception as exc:  # shown next to that meter; the other one still works
                for speaker in source.speakers:
                    self.problems[speaker] = str(exc)

    def stop(self) -> None:
        for source in self._sources:
            source.stop()

    def levels(self) -> dict[Speaker, float]:
        return dict(self._levels)

    def noise_floors(self) -> dict[Speaker, float]:
        """Each stream's noise floor: the 10th percentile of its recent block levels (the quiet
        between words, or the room when nobody speaks). Computed here, on the reader's thread."""
        return {
            speaker: float(np.percentile(list(recent), 10))
            for speaker, recent in list(self._recent.items())
            if len(recent) >= 10
        }

    def _on_event(self, event: SourceEvent) -> None:
        if isinstance(event, AudioBlock) and event.samples.size:
            rms = float(np.sqrt(np.mean(event.samples.astype(np.float64) ** 2)))
            level = max(FLOOR_DB, 20 * np.log10(max(rms, 1e-9) / 32768))
            self._levels[event.speaker] = level
            self._recent.setdefault(event.speaker, deque(maxlen=_FLOOR_BLOCKS)).append(level)
        elif isinstance(event, SourceEnded) and event.error:
            self.problems[event.speaker] = event.error

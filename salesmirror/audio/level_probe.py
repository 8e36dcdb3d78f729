"""Live input levels for the settings dialog: opens the chosen sources and keeps the latest level."""

from __future__ import annotations

import numpy as np

from salesmirror.audio.source import AudioBlock, AudioSource, SourceEnded, SourceEvent
from salesmirror.coaching.events import Speaker

FLOOR_DB = -60.0


class LevelProbe:
    """Runs sources only to measure them; `levels()` is safe to read from the GUI thread."""

    def __init__(self, sources: list[AudioSource]) -> None:
        self._sources = sources
        self._levels: dict[Speaker, float] = {}
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

    def _on_event(self, event: SourceEvent) -> None:
        if isinstance(event, AudioBlock) and event.samples.size:
            rms = float(np.sqrt(np.mean(event.samples.astype(np.float64) ** 2)))
            self._levels[event.speaker] = max(FLOOR_DB, 20 * np.log10(max(rms, 1e-9) / 32768))
        elif isinstance(event, SourceEnded) and event.error:
            self.problems[event.speaker] = event.error

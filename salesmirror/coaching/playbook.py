"""The playbook: every kind of nudge with its text, its "why" and its default threshold, read from
`salesmirror/data/playbook.toml` so that trainers can edit the words without touching code."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from salesmirror.resource_files import resource_path


@dataclass(frozen=True, slots=True)
class NudgeKind:
    """One entry of the playbook. `priority` is its place in the file: 0 is the most urgent."""

    name: str
    priority: int
    title: str
    text: str
    why: str
    valid_s: float
    threshold: float | None = None
    unit: str = ""
    minimum: float = 0.0
    maximum: float = 0.0
    repeat_group: str = ""  # kinds that say the same thing share a repeat gap

    def says(self, threshold: float | None = None) -> str:
        """The nudge's text with its threshold filled in."""
        value = self.threshold if threshold is None else threshold
        return self.text.replace("{threshold}", format_threshold(value, self.unit))


def format_threshold(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "seconds" and value >= 1:
        seconds = round(value)
        if seconds < 120:
            return f"{seconds} seconds"
        return f"{seconds // 60} minutes" if seconds % 60 == 0 else f"{seconds / 60:.1f} minutes"
    number = f"{value:g}"
    return f"{number} %" if unit == "percent" else f"{number} {unit}".strip()


@cache
def playbook() -> dict[str, NudgeKind]:
    """Every nudge kind by name, in priority order."""
    with resource_path("playbook.toml").open("rb") as source:
        raw = tomllib.load(source)
    kinds: dict[str, NudgeKind] = {}
    for priority, (name, entry) in enumerate(raw.items()):
        threshold = entry.get("threshold")
        kinds[name] = NudgeKind(
            name=name,
            priority=priority,
            title=entry["title"],
            text=entry["text"],
            why=" ".join(entry["why"].split()),
            valid_s=float(entry["valid_s"]),
            threshold=None if threshold is None else float(threshold),
            unit=entry.get("unit", ""),
            minimum=float(entry.get("minimum", 0.0)),
            maximum=float(entry.get("maximum", 0.0)),
            repeat_group=entry.get("repeat_group", name),
        )
    return kinds


def kind(name: str) -> NudgeKind:
    return playbook()[name]

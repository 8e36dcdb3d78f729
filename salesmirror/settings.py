"""User settings: a small JSON file, read once at start-up and handed to whoever needs it."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from salesmirror.coaching.nudges import NudgeSettings
from salesmirror.coaching.session import CoachSettings


@dataclass
class Settings:
    you_device: str | None = None
    them_device: str | None = None  # an input device name, "system" (the output), or None
    headset: bool = False  # the microphone hears only you: no echo to remove
    call_audio_chosen: bool = False  # until the user confirms, the platform's proposal applies
    model_path: str | None = None
    monologue_threshold_s: float = 90.0
    nudge_repeat_gap_s: float = 60.0
    problem_nudge: bool = True
    monologue_nudge: bool = True
    always_on_top: bool = False
    transcript_visible: bool = True
    window_geometry: str | None = None  # Qt's saveGeometry(), base64
    unknown: dict[str, object] = field(default_factory=dict, repr=False)

    def coach_settings(self) -> CoachSettings:
        return CoachSettings(
            nudges=NudgeSettings(
                monologue_s=self.monologue_threshold_s,
                same_kind_gap_s=self.nudge_repeat_gap_s,
                monologue_enabled=self.monologue_nudge,
                problem_enabled=self.problem_nudge,
            )
        )


def _field_types() -> dict[str, object]:
    return {f.name: f.default for f in fields(Settings) if f.name != "unknown"}


def load_settings(path: Path) -> tuple[Settings, str | None]:
    """Read settings; a missing file gives defaults, a damaged one gives defaults and a warning.

    Values of the wrong type are ignored one by one, so one bad edit does not lose the rest.
    """
    if not path.exists():
        return Settings(), None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        return Settings(), f"The settings file {path} could not be read ({exc}); using defaults."
    settings = Settings()
    defaults = _field_types()
    for key, value in raw.items():
        if key not in defaults:
            settings.unknown[key] = value
            continue
        default = defaults[key]
        expected = type(default) if default is not None else str
        if expected is float and isinstance(value, int | float) and not isinstance(value, bool):
            setattr(settings, key, float(value))
        elif isinstance(value, expected):
            setattr(settings, key, value)
        elif value is None and default is None:
            setattr(settings, key, None)
    return settings, None


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically, so a crash mid-write never leaves a half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(settings)
    data.update(data.pop("unknown"))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
    os.replace(tmp, path)

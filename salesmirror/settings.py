"""User settings: a small JSON file, read once at start-up and handed to whoever needs it."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path

from salesmirror.coaching.learned_cues import cue_model_folder, cue_model_installed
from salesmirror.coaching.nudges import NudgeSettings
from salesmirror.coaching.playbook import playbook
from salesmirror.coaching.session import CoachSettings
from salesmirror.paths import make_private_folder


@dataclass
class Settings:
    you_device: str | None = None
    them_device: str | None = None  # an input device name, "system" (the output), or None
    headset: bool = False  # the microphone hears only you: no echo to remove
    call_audio_chosen: bool = False  # until the user confirms, the platform's proposal applies
    model_path: str | None = None
    keep_audio: bool = False  # the call's audio kept with its session (opt-in)
    disabled_nudges: list[str] = field(default_factory=list)
    nudge_thresholds: dict[str, float] = field(default_factory=dict)  # overrides of the playbook
    nudge_gap_s: float = 30.0  # between any two nudges
    nudge_repeat_gap_s: float = 90.0  # before the same kind again
    product_terms: list[str] = field(default_factory=list)  # your product and company names
    competitors: list[str] = field(default_factory=list)
    always_on_top: bool = False
    hide_from_screen_sharing: bool = True  # Windows and macOS: the customer never sees a nudge
    transcript_visible: bool = True
    demo_sound: bool = True  # the demo's voices through the speakers (the M key switches it)
    window_geometry: str | None = None  # Qt's saveGeometry(), base64
    unknown: dict[str, object] = field(default_factory=dict, repr=False)

    def coach_settings(self, models_dir: Path | None = None) -> CoachSettings:
        """What the coach needs of these settings; with the app's models folder, the learned
        customer-cue model too when it is installed there."""
        kinds = playbook()
        cue_model = None
        if models_dir is not None and cue_model_installed(models_dir):
            cue_model = cue_model_folder(models_dir)
        return CoachSettings(
            nudges=NudgeSettings(
                disabled=frozenset(self.disabled_nudges),
                thresholds={k: v for k, v in self.nudge_thresholds.items() if k in kinds},
                global_gap_s=self.nudge_gap_s,
                repeat_gap_s=self.nudge_repeat_gap_s,
                product_terms=tuple(self.product_terms),
                competitors=tuple(self.competitors),
                cue_model=cue_model,
            )
        )


def _field_types() -> dict[str, object]:
    defaults: dict[str, object] = {}
    for f in fields(Settings):
        if f.name != "unknown":
            defaults[f.name] = f.default if f.default_factory is MISSING else f.default_factory()
    return defaults


def _upgrade(raw: dict[str, object]) -> None:
    """Settings written by 0.1 had one switch and one threshold per nudge."""
    disabled = raw.setdefault("disabled_nudges", [])
    thresholds = raw.setdefault("nudge_thresholds", {})
    if isinstance(disabled, list) and isinstance(thresholds, dict):
        for old, kind in (("monologue_nudge", "monologue"), ("problem_nudge", "problem")):
            if raw.pop(old, True) is False and kind not in disabled:
                disabled.append(kind)
        if isinstance(monologue := raw.pop("monologue_threshold_s", None), int | float):
            thresholds.setdefault("monologue", float(monologue))


def _valid_items(key: str, value: list[object] | dict[str, object]) -> object:
    """Lists of names and maps of thresholds keep their well-typed entries only."""
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return {
        k: float(v)
        for k, v in value.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and (key != "nudge_thresholds" or v > 0)
    }


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
    _upgrade(raw)
    for key, value in raw.items():
        if key not in defaults:
            settings.unknown[key] = value
            continue
        default = defaults[key]
        expected = type(default) if default is not None else str
        if expected is float and isinstance(value, int | float) and not isinstance(value, bool):
            setattr(settings, key, float(value))
        elif isinstance(value, list | dict) and isinstance(value, expected):
            setattr(settings, key, _valid_items(key, value))
        elif isinstance(value, expected):
            setattr(settings, key, value)
        elif value is None and default is None:
            setattr(settings, key, None)
    return settings, None


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically, so a crash mid-write never leaves a half file."""
    make_private_folder(path.parent)
    data = asdict(settings)
    data.update(data.pop("unknown"))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
    os.replace(tmp, path)

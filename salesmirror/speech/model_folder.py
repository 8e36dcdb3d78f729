"""Finding and loading a Vosk model folder, with messages a user can act on."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

# Files every Vosk (Kaldi nnet3) model folder has; checked before Vosk sees the folder because a
# bad folder makes Vosk log noise and raise a bare "Failed to create a model".
_REQUIRED = ("am/final.mdl", "conf/model.conf")
_vosk_lock = threading.Lock()


class ModelError(ValueError):
    """A model folder that cannot be used; the message says which and why."""


def check_model_folder(path: Path) -> Path:
    """Raise ModelError unless `path` looks like a Vosk model folder; return it resolved."""
    if not path.exists():
        raise ModelError(f"The model folder {path} does not exist.")
    if not path.is_dir():
        raise ModelError(f"{path} is a file; choose the unpacked model folder instead.")
    missing = [name for name in _REQUIRED if not (path / name).is_file()]
    if missing:
        inner = [p for p in path.iterdir() if p.is_dir() and (p / _REQUIRED[0]).is_file()]
        hint = f" Did you mean {inner[0]}?" if inner else ""
        raise ModelError(f"{path} is not a Vosk model folder (missing {', '.join(missing)}).{hint}")
    return path.resolve()


def is_model_folder(path: Path) -> bool:
    """Does `path` hold a Vosk model (not the voice encoder or the customer-cue model)?"""
    return all((path / name).is_file() for name in _REQUIRED)


def load_model(path: Path) -> Any:
    """Load a Vosk model (seconds for large models: call it from a worker thread)."""
    folder = check_model_folder(path)
    import vosk

    with _vosk_lock:
        vosk.SetLogLevel(-1)
    try:
        return vosk.Model(str(folder))
    except Exception as exc:  # vosk raises a bare Exception for every kind of failure
        raise ModelError(
            f"{folder} could not be loaded as a Vosk model ({exc}); it may be damaged or made "
            "for a newer Vosk. Download it again or choose another model."
        ) from None


def installed_models(models_dir: Path) -> list[Path]:
    """Model folders under the app's models folder, newest first."""
    if not models_dir.is_dir():
        return []
    found = []
    for child in models_dir.iterdir():
        try:
            found.append(check_model_folder(child))
        except ModelError:
            continue
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def resolve_model(cli_path: Path | None, settings_path: str | None, models_dir: Path) -> Path | None:
    """Pick the model folder: the command line, then the settings, then the models folder.

    An explicit choice that is broken raises ModelError rather than silently falling back.
    """
    if cli_path is not None:
        return check_model_folder(cli_path)
    if settings_path:
        return check_model_folder(Path(settings_path))
    models = installed_models(models_dir)
    return models[0] if models else None

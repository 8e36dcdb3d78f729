"""Finding and loading a Vosk model folder, with messages a user can act on."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from salesmirror.model_files import ModelError

# Files every Vosk (Kaldi nnet3) model folder has; checked before Vosk sees the folder because a
# bad folder makes Vosk log noise and raise a bare "Failed to create a model".
_REQUIRED = ("am/final.mdl", "conf/model.conf")
_vosk_lock = threading.Lock()


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


_PROBE_SAMPLE_RATE = 16_000.0  # any rate the model accepts; the recognisers use the app's own


def load_model(path: Path) -> Any:
    """Load a Vosk model (seconds for large models: call it from a worker thread)."""
    folder = check_model_folder(path)
    import vosk

    with _vosk_lock:
        vosk.SetLogLevel(-1)
    model, failure = None, None
    with _native_stderr() as printed:
        try:
            model = vosk.Model(str(folder))
            # A damaged decoding graph passes the folder check and may even load; making a
            # recogniser (a tenth of a second) reads it. Find out here, once, not in each channel.
            vosk.KaldiRecognizer(model, _PROBE_SAMPLE_RATE)
        except Exception as exc:  # vosk raises a bare Exception for every kind of failure
            failure = str(exc)
    if failure is None:
        if printed:  # not ours to hide
            sys.stderr.write("\n".join(printed) + "\n")
        return model
    reason = next((line.removeprefix("ERROR: ").strip() for line in printed if line.strip()), failure)
    if model is None:
        raise ModelError(
            f"{folder} could not be loaded as a Vosk model ({reason}); it may be damaged or made "
            "for a newer Vosk. Download it again or choose another model."
        )
    raise ModelError(
        f"The speech model in {folder} is damaged: it loads but cannot recognise speech ({reason}). "
        "Download it again in the model manager or choose another model."
    )


@contextlib.contextmanager
def _native_stderr() -> Iterator[list[str]]:
    """What native code printed to file descriptor 2 meanwhile, as lines. Kaldi's decoder
    prints its reasons there, past SetLogLevel, as several raw lines: the user gets one message
    with the first of them instead."""
    lines: list[str] = []
    sys.stderr.flush()
    with tempfile.TemporaryFile() as captured:
        saved = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            yield lines
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines += captured.read().decode("utf-8", "replace").splitlines()


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

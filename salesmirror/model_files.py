"""What every downloaded model shares, whichever layer runs it: the error that says a model cannot
be used, and the check that a weights file is the one published.

The speech models (Vosk, the voice encoder) and the customer-cue encoder live in different layers;
both raise `ModelError`, which the window and the CLI show as it is.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


class ModelError(ValueError):
    """A model that cannot be used; the message says which and why."""


def check_published_file(path: Path, sha256: str, remedy: str) -> None:
    """Raise ModelError unless `path` is byte for byte the published file. A damaged byte in a
    weights file loads without complaint and gives wrong answers, which the app would show as
    facts; a tenth of a second at load finds it."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise ModelError(f"{path} cannot be read ({exc.strerror or exc}).") from None
    if digest.hexdigest() != sha256:
        raise ModelError(f"{path} is damaged (it differs from the published file); {remedy}.")

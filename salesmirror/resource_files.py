"""Finds files under `resources/` from a source checkout, an installed tree or a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The folder that holds the phrase lists, the model catalogue snapshot and the demo material."""
    frozen_root = getattr(sys, "_MEIPASS", None)  # set by PyInstaller
    if frozen_root is not None:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)

"""Finds the files SalesMirror reads at run time: package data under `salesmirror/data/`, found
through importlib.resources, so an installed wheel, an editable checkout and a frozen build
(PyInstaller collects the folder with the package) all read the same files.

The top-level `resources/` folder holds only what is never read at run time: screenshots and the
demo call's renderer.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resources_dir() -> Path:
    """The folder that holds the playbook, the phrase lists, the model catalogue snapshot, the
    customer-cue heads and the demo call."""
    folder = resources.files("salesmirror") / "data"
    # Installed as files (a wheel, a checkout, a one-folder build): a real folder on disk, which
    # the audio decoder and the tests need. A zipped install is not supported.
    return Path(str(folder))


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)

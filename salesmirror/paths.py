"""Every folder the app writes to, from one place.

`SALESMIRROR_HOME` points everything at one folder instead of the platform's user folders; the
test suite sets it so no test ever touches a real profile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "SalesMirror"


@dataclass(frozen=True, slots=True)
class AppPaths:
    config_dir: Path
    data_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def sessions_dir(self) -> Path:
        """The session database and any kept audio; private to the user."""
        return self.data_dir / "sessions"

    @property
    def voiceprint_file(self) -> Path:
        """Your enrolled voice (single-microphone mode); readable only by you, deletable."""
        return self.data_dir / "voiceprint.json"


def make_private_folder(folder: Path) -> None:
    """Create `folder` and any missing parents readable only by this user, whatever the umask
    (with umask 000, a plain mkdir would leave the data folder writable by everyone)."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for path in reversed(missing):
        path.mkdir(exist_ok=True)
        os.chmod(path, 0o700)


def app_paths() -> AppPaths:
    home = os.environ.get("SALESMIRROR_HOME")
    if home:
        root = Path(home)
        return AppPaths(config_dir=root / "config", data_dir=root / "data")
    return AppPaths(
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
    )

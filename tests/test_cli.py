"""The command line: summaries, JSON, and one-line errors with exit code 2 for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile
from locks import hold_lock, store_of_child
from recordings import write_call
from room_noise import with_floor

from salesmirror import __version__
from salesmirror.cli import main

CALLS = Path(__file__).parent / "data" / "playbook" / "calls"

JSON_KEYS = {
    "duration_s",
    "you_seconds",
    "them_seconds",
    "talk_ratio_you",
    "longest_monologue_s",
    "segments",
    "nudges",
    "transcript",
}


def test_version(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"salesmirror {__version__}"


def test_analyze_recorded_call_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    you, them = write_call("ami_dev00", tmp_path)
    assert main(["analyze", "--you", str(you), "--them", str(them), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result.keys() >= JSON_KEYS
    assert result["duration_s"] == pytest.approx(30, abs=0.1)
    assert 0.69 < result["talk_ratio_you"] < 0.75
    assert {s["speaker"] for s in result["segments"]} == {"you", "them"}
    assert all(s["end"] > s["start"] for s in result["segments"])


def test_one_two_channel_recording_is_the_same_call_as_its_two_tracks(tmp_path: Path, capsys):
    """`--call` plays a recording of the whole call (you left, them right) as the window's
    Open a recording… does: the same figures as its channels given as --you and --them."""
    import numpy as np
    import soundfile

    you, them = write_call("ami_dev01", tmp_path)
    left, right = soundfile.read(str(you), dtype="int16")[0], soundfile.read(str(them), dtype="int16")[0]
    call = tmp_path / "call.wav"
    soundfile.write(str(call), np.stack([left, right], axis=1), 16_000)
    assert main(["analyze", "--call", str(call), "--json"]) == 0
    as_one = json.loads(capsys.readouterr().out)
    assert main(["analyze", "--you", str(you), "--them", str(them), "--json"]) == 0
    as_pair = json.loads(capsys.readouterr().out)
    assert as_one == as_pair
    assert 0.5 < as_one["talk_ratio_you"] < 0.7


def test_analyze_readable_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    you, them = write_call("ami_dev00", tmp_path)
    assert main(["analyze", "--you", str(you), "--them", str(them)]) == 0
    out = capsys.readouterr().out
    assert "Your share         71 %  (too much: above 65 %)" in out
    assert "talk time only" in out
    # Without words, questions and pace cannot be known: a dash and why, never "0" read as bad.
    assert "Questions asked    —  (needs the words: a speech model or a script)" in out
    assert "Pace               —  (needs the words" in out


def test_a_recording_nobody_speaks_in_gets_no_praise(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A silent file said "Nudges: none — well done"; a call nobody was heard in earned no verdict."""
    silent = tmp_path / "silent.wav"
    soundfile.write(str(silent), with_floor(np.zeros(10 * 16_000, dtype=np.int16)), 16_000)
    assert main(["analyze", "--you", str(silent), "--them", str(silent)]) == 0
    out = capsys.readouterr().out
    assert "no speech was heard" in out
    assert "well done" not in out


def test_analyze_script_prints_nudges_with_evidence(tmp_path: Path, capsys):
    script = tmp_path / "call.jsonl"
    script.write_text(
        '{"start": 0, "end": 95, "speaker": "you", "text": "Our platform does everything."}\n'
        '{"start": 121, "end": 125, "speaker": "them", "text": "Our problem is churn."}\n'
        '{"start": 126, "end": 129, "speaker": "you", "text": "Anyway, on to the timeline."}\n',
        encoding="utf-8",
    )
    assert main(["analyze", "--script", str(script), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(n["kind"], n["t"]) for n in result["nudges"]] == [("monologue", 90.0), ("problem", 129.0)]
    assert result["nudges"][1]["evidence"] == (
        '"Our problem is churn." (problem); you went on: "Anyway, on to the timeline."'
    )
    assert result["transcript"][1] == {
        "speaker": "them",
        "start": 121.0,
        "end": 125.0,
        "text": "Our problem is churn.",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "--you", "{tmp}/missing.wav"], "missing.wav: no such file"),
        (["analyze", "--you", "{tmp}/text.wav"], "not a readable audio file"),
        (["analyze", "--you", "{tmp}/empty.wav"], "the recording is empty"),
        (["analyze", "--you", "{tmp}"], "is a folder"),
        (["analyze", "--script", "{tmp}/bad.jsonl"], "bad.jsonl:2: not valid JSON"),
        (["analyze"], "give --you and/or --them"),
        (["analyze", "--you", "{tmp}/ok.wav", "--model", "{tmp}"], "is not a Vosk model folder"),
        (["analyze", "--bogus"], "unrecognized arguments: --bogus"),
        (["analyze", "--mic", "{tmp}/ok.wav"], "--mic and --system go together"),
        (
            ["analyze", "--mic", "{tmp}/ok.wav", "--system", "{tmp}/ok.wav", "--you", "{tmp}/ok.wav"],
            "use --mic/--system or --you/--them, not both",
        ),
        (["analyze", "--mic", "{tmp}/ok.wav", "--system", "{tmp}/missing.wav"], "missing.wav: no such file"),
        (["analyze", "--call", "{tmp}/ok.wav"], "ok.wav has one channel, so it cannot tell you from them"),
        (["analyze", "--call", "{tmp}/ok.wav", "--you", "{tmp}/ok.wav"], "--call is the whole call"),
    ],
)
def test_bad_input_gets_one_clear_line_and_exit_code_2(tmp_path: Path, args, message):
    import numpy as np
    import soundfile

    (tmp_path / "text.wav").write_text("hello", encoding="utf-8")
    soundfile.write(str(tmp_path / "empty.wav"), np.zeros(0, dtype=np.int16), 16_000)
    soundfile.write(str(tmp_path / "ok.wav"), np.zeros(1600, dtype=np.int16), 16_000)
    (tmp_path / "bad.jsonl").write_text(
        '{"start": 0, "end": 1, "speaker": "you", "text": "hi"}\n{oops\n', encoding="utf-8"
    )
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    done = subprocess.run(
        [sys.executable, "-m", "salesmirror", *argv], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("salesmirror: error: ")
    assert message in lines[0]


def test_starting_the_window_without_a_screen_says_so(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(
        [sys.executable, "-m", "salesmirror"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "salesmirror: error: no screen found (DISPLAY is not set): start SalesMirror from a desktop "
        "session, or analyse recordings headless with 'salesmirror analyze'"
    ]


def test_unequal_tracks_last_as_long_as_the_longer(tmp_path: Path, capsys):
    import numpy as np
    import soundfile

    soundfile.write(str(tmp_path / "you.wav"), np.zeros(16_000 * 10, dtype=np.int16), 16_000)
    soundfile.write(str(tmp_path / "them.flac"), np.zeros(44_100 * 4, dtype=np.int16), 44_100)
    argv = ["analyze", "--you", str(tmp_path / "you.wav"), "--them", str(tmp_path / "them.flac"), "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["duration_s"] == 10.0
    assert result["talk_ratio_you"] is None  # nobody spoke


def test_analyze_microphone_and_system_audio_removes_the_echo(tmp_path: Path, capsys):
    import soundfile
    from recordings import RATE, make_call, with_echo

    you, them, _ = make_call("ami_trn03", "MEE067")  # speaks about 4 % of the time
    soundfile.write(str(tmp_path / "mic.wav"), with_echo(you, them, 3), RATE)
    soundfile.write(str(tmp_path / "system.wav"), them, RATE)
    argv = ["analyze", "--mic", str(tmp_path / "mic.wav"), "--system", str(tmp_path / "system.wav")]
    assert main([*argv, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["talk_ratio_you"] < 0.06


def test_analyze_says_what_made_the_figures_less_exact(tmp_path: Path, capsys):
    """The same recording given as a headset's tracks: the far side's voice is in "you". The
    command warns once, with what to change, and says so above the figures."""
    from recordings import RATE, make_call, with_echo

    you, them, _ = make_call("ami_trn03", "MEE067")
    soundfile.write(str(tmp_path / "you.wav"), with_floor(with_echo(you, them, 3)), RATE)
    soundfile.write(str(tmp_path / "them.wav"), with_floor(them, seed=1), RATE)
    argv = ["analyze", "--you", str(tmp_path / "you.wav"), "--them", str(tmp_path / "them.wav")]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert err.count("salesmirror: warning: Your microphone also hears the call's sound") == 1
    assert "analyze it with --mic and --system" in err
    first = out.splitlines()[0]
    assert (
        main(["analyze", "--you", str(tmp_path / "you.wav"), "--them", str(tmp_path / "them.wav"), "--json"])
        == 0
    )
    (caution,) = json.loads(capsys.readouterr().out)["cautions"]
    assert caution["kind"] == "echo_heard" and caution["text"] in first
    assert first.startswith("These figures may be less exact: from 0:0")
    assert first.endswith(
        "your microphone heard the call's sound, so some of their words may count as yours."
    )


def test_an_unexpected_failure_is_one_line_and_exit_2_with_the_detail_in_a_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """A lone surrogate in a script's text cannot be printed: no traceback, one line."""
    script = tmp_path / "call.jsonl"
    script.write_text('{"start": 1.0, "end": 2.0, "speaker": "them", "text": "bad \\ud800 text"}\n')
    assert main(["analyze", "--script", str(script), "--json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "something unexpected went wrong" in err[0]
    log = Path(err[0].rsplit("the details are in ", 1)[1])
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_a_defect_in_the_analysis_worker_ends_the_command_with_one_line_not_a_hang(tmp_path: Path):
    """The installed app once failed to find the voice network in its analysis thread: the thread
    died with a traceback and `analyze` waited for it forever (even SIGTERM could not end it)."""
    you, them = write_call("ami_dev00", tmp_path)
    code = (
        "import sys; from salesmirror.coaching import neural_vad;"
        "neural_vad.silero_session = lambda: 1 / 0;"
        "from salesmirror.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "analyze", "--you", str(you), "--them", str(them)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, SALESMIRROR_HOME=str(tmp_path)),
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "ZeroDivisionError" in done.stderr, done.stderr


def test_a_closed_pipe_ends_quietly(tmp_path: Path):
    """`salesmirror analyze ... | head`: the reader left; no BrokenPipeError traceback."""
    script = Path(__file__).parent / "data" / "playbook" / "calls" / "badly_run_pitch.jsonl"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from salesmirror.cli import main; import sys; sys.exit(main(sys.argv[1:]))",
            "analyze",
            "--script",
            str(script),
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, SALESMIRROR_HOME=str(tmp_path)),
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader is gone before a byte is written
    err = child.stderr.read().decode()
    child.wait(60)
    assert "Traceback" not in err and "BrokenPipeError" not in err


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_ends_the_call_cleanly_and_the_app_exits(tmp_path: Path, signal_name: str):
    """Ctrl+C, a logout or a closed terminal: the call is stored as finished, not left to be
    'recovered' at the next start, and the settings are saved."""
    import signal
    import time

    from salesmirror.sessions.store import SessionStore

    you, them = write_call("ami_trn03", tmp_path)
    home = tmp_path / "home"
    env = dict(os.environ, SALESMIRROR_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, "-m", "salesmirror", "--you", str(you), "--them", str(them)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    sessions = store_of_child(home)
    time.sleep(3)  # a few seconds of the call are stored
    child.send_signal(getattr(signal, signal_name))
    assert child.wait(10) is not None
    assert "Traceback" not in (child.stderr.read() if child.stderr else "")
    store = SessionStore(sessions)
    [row] = store.sessions()
    store.close()
    assert row.state == "finished" and row.duration_s > 1
    assert (home / "config" / "settings.json").exists()


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_an_interrupted_analysis_stops_at_once_and_keeps_the_call_so_far(tmp_path: Path, signal_name: str):
    """Ctrl+C or `kill` during `analyze --save` of a long recording: one line, exit 130, the
    workers stop instead of analysing to the end, and the call so far is stored as finished."""
    import signal
    import time

    import numpy as np
    import soundfile

    from salesmirror.sessions.store import SessionStore

    you, them = write_call("ami_trn03", tmp_path)
    for track in (you, them):  # 40 times over: far more than a few seconds of analysis
        audio, rate = soundfile.read(str(track))
        soundfile.write(str(track), np.tile(audio, 40), rate)
    home = tmp_path / "home"
    env = dict(os.environ, SALESMIRROR_HOME=str(home))
    child = subprocess.Popen(
        [sys.executable, "-m", "salesmirror", "analyze", "--you", str(you), "--them", str(them), "--save"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sessions = store_of_child(home)
    time.sleep(1.5)
    child.send_signal(getattr(signal, signal_name))
    out, err = child.communicate(timeout=20)
    assert child.returncode == 130, err
    assert err.strip() == "salesmirror: interrupted; the call up to here is in your sessions"
    assert out == ""
    store = SessionStore(sessions)
    [row] = store.sessions()
    store.close()
    full_length = soundfile.info(str(you)).duration
    assert row.state == "finished" and 0 < row.duration_s < full_length / 2


def test_analyze_save_says_what_was_not_kept_and_exits_3(tmp_path: Path, capsys):
    """Another program holds the session database's write lock for the whole analysis (reading
    still works, so the store opens): the figures are printed, the journal keeps trying, and at
    the end the command says the call was not saved and exits 3, not 0."""
    import time

    from salesmirror.paths import app_paths
    from salesmirror.sessions.store import SessionStore

    sessions = app_paths().sessions_dir
    SessionStore(sessions).close()
    holder = hold_lock(sessions / "sessions.db", 60, kind="IMMEDIATE")
    try:
        started = time.monotonic()
        code = main(["analyze", "--script", str(CALLS / "well_run_discovery.jsonl"), "--save"])
    finally:
        holder.kill()
        holder.wait()
    out, err = capsys.readouterr()
    assert code == 3
    assert "Your share" in out  # the analysis itself was done and shown
    assert "Saving is held up: the session database is locked by another program" in err
    assert err.strip().endswith("salesmirror: error: the call was not saved")
    assert time.monotonic() - started < 30

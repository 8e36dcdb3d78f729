"""`analyze --save` and `salesmirror sessions list | show | export | delete`."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from recordings import write_call

from salesmirror.cli import main
from salesmirror.paths import app_paths

CALLS = Path(__file__).parent / "data" / "playbook" / "calls"


def _saved_id(err: str) -> int:
    match = re.search(r"Saved as session (\d+)", err)
    assert match, err
    return int(match.group(1))


def test_a_saved_recording_exports_the_same_json_as_analyze(tmp_path: Path, capsys) -> None:
    you, them = write_call("ami_dev01", tmp_path)
    assert main(["analyze", "--you", str(you), "--them", str(them), "--json", "--save"]) == 0
    captured = capsys.readouterr()
    analysed = json.loads(captured.out)
    session_id = _saved_id(captured.err)

    assert main(["sessions", "export", str(session_id), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == analysed
    assert analysed["recognition"].startswith("off")

    assert main(["sessions", "list"]) == 0
    listing = capsys.readouterr().out
    row = rf"^\s*{session_id}\s+\d{{4}}-\d\d-\d\d \d\d:\d\d\s+0:30\s+\d+ %"
    assert re.search(row, listing, re.M), listing


def test_show_export_and_delete_a_saved_script(tmp_path: Path, capsys) -> None:
    assert main(["analyze", "--script", str(CALLS / "badly_run_pitch.jsonl"), "--save"]) == 0
    session_id = _saved_id(capsys.readouterr().err)

    assert main(["sessions", "show", str(session_id)]) == 0
    shown = capsys.readouterr().out
    assert "Nudges (11)" in shown and "Your share         66 %" in shown

    report = tmp_path / "call.html"
    assert main(["sessions", "export", str(session_id), "--format", "html", "-o", str(report)]) == 0
    html = report.read_text(encoding="utf-8")
    assert "<svg" in html and "Who spoke when" in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")  # self-contained
    assert html.count("<rect") > 20  # the lanes are drawn

    assert main(["sessions", "export", str(session_id), "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "| Your share of the talk | 66 % | about 43 %, never above 65 % |" in markdown
    assert "## Transcript" in markdown

    assert main(["sessions", "list", "--search", "out of the box"]) == 0
    assert f"{session_id:>4}  " in capsys.readouterr().out
    assert main(["sessions", "delete", str(session_id), "--yes"]) == 0
    assert f"Deleted session {session_id}" in capsys.readouterr().out
    assert main(["sessions", "list"]) == 0
    assert "No sessions yet" in capsys.readouterr().out


def test_export_takes_its_format_from_the_file_name(tmp_path: Path, capsys) -> None:
    """`-o call.html` without --format used to write Markdown into the .html file."""
    assert main(["analyze", "--script", str(CALLS / "badly_run_pitch.jsonl"), "--save"]) == 0
    session_id = str(_saved_id(capsys.readouterr().err))
    for name, starts in (("call.html", "<!DOCTYPE html>"), ("call.json", "{"), ("call.md", "# ")):
        assert main(["sessions", "export", session_id, "-o", str(tmp_path / name)]) == 0
        assert (tmp_path / name).read_text(encoding="utf-8").lstrip().startswith(starts), name
    assert main(["sessions", "export", session_id, "-o", str(tmp_path / "call.pdf")]) == 2
    assert "Name it .md, .html or .json, or add --format" in capsys.readouterr().err
    assert not (tmp_path / "call.pdf").exists()


def test_delete_asks_first_and_a_script_must_say_yes(capsys, monkeypatch) -> None:
    import io

    assert main(["analyze", "--script", str(CALLS / "badly_run_pitch.jsonl"), "--save"]) == 0
    session_id = str(_saved_id(capsys.readouterr().err))

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert main(["sessions", "delete", session_id]) == 1
    assert "Nothing was deleted" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a pipe: nobody to ask
    assert main(["sessions", "delete", session_id]) == 2
    assert "add --yes" in capsys.readouterr().err
    assert main(["sessions", "show", session_id]) == 0  # still there
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    assert main(["sessions", "delete", session_id]) == 0
    assert f"Deleted session {session_id}" in capsys.readouterr().out


def test_analyze_help_says_which_recordings_go_together(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    shown = capsys.readouterr().out
    for combination in (
        "--you YOU.wav --them THEM.wav",
        "--mic MIC.wav --system SYS.wav",
        "--mono MIX.wav --enroll ME.wav",
        "--script CALL.jsonl",
    ):
        assert combination in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sessions", "show", "42"], "There is no session 42"),
        (["sessions", "delete", "42"], "There is no session 42"),
        (["sessions", "list", "--since", "yesterday"], "is not a date like"),
        (["sessions", "export", "1", "--format", "pdf"], "invalid choice"),
        (["sessions"], "the following arguments are required"),
        # SQLite integers end at 2**63 - 1; Python's dates have no room for local midnights
        # around years 1 and 9999. Each used to end in "something unexpected went wrong".
        (["sessions", "show", str(2**63)], "is not a session id"),
        (["sessions", "delete", "0"], "is not a session id"),
        (["demo", "--session", "-3"], "is not a session id"),
        (["sessions", "list", "--since", "0001-01-01"], "outside the years calls can have"),
        (["sessions", "list", "--until", "9999-12-31"], "outside the years calls can have"),
    ],
)
def test_bad_session_commands_get_one_clear_line(capsys, args: list[str], message: str) -> None:
    try:
        code = main(args)
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_a_damaged_store_is_reported_and_kept(capsys) -> None:
    folder = app_paths().sessions_dir
    folder.mkdir(parents=True)
    (folder / "sessions.db").write_bytes(b"garbage" * 100)
    assert main(["sessions", "list"]) == 0
    err = capsys.readouterr().err
    assert "damaged" in err and "kept as sessions.damaged-" in err
    assert len(list(folder.glob("sessions.damaged-*.db"))) == 1


def test_a_locked_store_fails_clearly_without_running_the_analysis(capsys, monkeypatch) -> None:
    from salesmirror.sessions import store

    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.2)
    assert main(["sessions", "list"]) == 0
    capsys.readouterr()
    holder = sqlite3.connect(app_paths().sessions_dir / "sessions.db", isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code = main(["analyze", "--script", str(CALLS / "badly_run_pitch.jsonl"), "--save"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2
    captured = capsys.readouterr()
    assert "locked by another program" in captured.err
    assert captured.out == ""


def test_a_recording_with_its_transcript_as_a_script(tmp_path: Path, capsys) -> None:
    """Talk time from the real audio, the words from a timed transcript (the human one here)."""
    you, them = write_call("pyannote_sample", tmp_path, you_speaker="speaker90")
    script = Path(__file__).parent / "data" / "conversations" / "pyannote_sample.jsonl"
    args = ["analyze", "--you", str(you), "--them", str(them), "--script", str(script), "--json", "--save"]
    assert main(args) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["recognition"] == "words from the script pyannote_sample.jsonl"
    assert [line["text"] for line in result["transcript"]][:3] == ["Hello?", "Hello?", "Oh, hello."]
    assert len(result["transcript"]) == 13
    assert 0.40 < result["talk_ratio_you"] < 0.60  # from the audio: about 49 / 51
    session_id = _saved_id(captured.err)
    assert main(["sessions", "list", "--search", "Chicago"]) == 0
    assert f"{session_id:>4}  " in capsys.readouterr().out


def test_a_script_with_a_model_is_refused(tmp_path: Path, capsys) -> None:
    you, _them = write_call("pyannote_sample", tmp_path)
    script = Path(__file__).parent / "data" / "conversations" / "pyannote_sample.jsonl"
    code = main(["analyze", "--you", str(you), "--script", str(script), "--model", str(tmp_path)])
    assert code == 2
    assert "cannot be combined with --model" in capsys.readouterr().err

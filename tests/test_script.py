"""Timed scripts: what is accepted and the one-line errors for what is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesmirror.coaching.script import ScriptError, load_script


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "call.jsonl"
    path.write_text(text, encoding="utf-8")
    return path


def test_lines_are_read_and_sorted(tmp_path: Path):
    path = write(
        tmp_path,
        '{"start": 5, "end": 6, "speaker": "them", "text": "Yes."}\n\n'
        '{"start": 0, "end": 4.5, "speaker": "you", "text": " Hello there. "}\n',
    )
    lines = load_script(path)
    assert [(u.speaker.value, u.start, u.text) for u in lines] == [
        ("you", 0.0, "Hello there."),
        ("them", 5.0, "Yes."),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the script is empty"),
        ("not json\n", ":1: not valid JSON"),
        ('{"start": 0, "end": 1, "speaker": "you", "text": "a"}\n[1, 2]\n', ":2: expected a JSON object"),
        ('{"start": "0", "end": 1, "speaker": "you", "text": "a"}', "'start' must be a number"),
        ('{"start": 2, "end": 1, "speaker": "you", "text": "a"}', "'end' (1.0) is before"),
        ('{"start": 0, "end": 1, "speaker": "me", "text": "a"}', "'speaker' must be"),
        ('{"start": 0, "end": 1, "speaker": "you"}', "'text' must be a string"),
        ('{"start": -1, "end": 1, "speaker": "you", "text": "a"}', "must not be negative"),
    ],
)
def test_bad_scripts_name_file_line_and_reason(tmp_path: Path, content: str, message: str):
    path = write(tmp_path, content)
    with pytest.raises(ScriptError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_script(path)


def test_missing_and_binary_files(tmp_path: Path):
    with pytest.raises(ScriptError, match="no such file"):
        load_script(tmp_path / "nope.jsonl")
    binary = tmp_path / "b.jsonl"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(ScriptError, match="not a text file"):
        load_script(binary)

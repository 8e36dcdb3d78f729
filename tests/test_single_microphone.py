"""Single-microphone mode with the real Vosk speaker model: enrolment, the voice print kept on this
machine, attribution of a mixed recording, and clear errors."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import pytest
import soundfile
from recordings import CONVERSATIONS, RATE, read_rttm

from salesmirror.cli import main
from salesmirror.speech.model_folder import ModelError, load_model
from salesmirror.speech.speaker_id import (
    VoiceEmbedder,
    VoicePrint,
    attribute_single_microphone,
    check_speaker_model_folder,
    enroll,
    load_speaker_model,
)

pytestmark = pytest.mark.vosk


def _turns_of(name: str, speaker: str) -> np.ndarray:
    audio, _ = soundfile.read(str(CONVERSATIONS / f"{name}.wav"), dtype="int16")
    parts = [audio[int(t.start * RATE) : int(t.end * RATE)] for t in read_rttm(name) if t.speaker == speaker]
    return np.concatenate(parts)


@pytest.fixture(scope="module")
def embedder(korean_model: Path, speaker_model: Path) -> VoiceEmbedder:
    return VoiceEmbedder(load_model(korean_model), load_speaker_model(speaker_model))


def test_an_enrolled_voice_recognises_its_owner_in_another_recording(embedder, tmp_path: Path):
    # AMI dev01 and dev00 share two speakers: enrol from one, recognise in the other.
    voice = enroll(embedder, _turns_of("ami_dev01", "MEE009"))
    own = embedder.embed(_turns_of("ami_dev00", "MEE009"))
    other = embedder.embed(_turns_of("ami_dev00", "MEE012"))
    assert own is not None and other is not None
    assert voice.similarity(own) > voice.similarity(other) + 0.2

    path = tmp_path / "voiceprint.json"
    voice.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # stays private on this machine
    again = VoicePrint.load(path)
    assert np.allclose(again.vector, voice.vector)


def test_a_mixed_recording_is_split_between_you_and_them(embedder):
    voice = enroll(embedder, _turns_of("ami_dev01", "MEE009"))
    mix, _ = soundfile.read(str(CONVERSATIONS / "ami_dev00.wav"), dtype="int16")
    frames = attribute_single_microphone(mix, embedder, voice)
    you = sum(a for a, _ in frames) * 0.02
    them = sum(b for _, b in frames) * 0.02
    assert you > 5 and them > 1
    assert not any(a and b for a, b in frames)  # one microphone: one label a moment


def test_too_little_enrolment_speech_is_refused_with_the_reason(embedder):
    with pytest.raises(ModelError, match="Only 2 s of speech was heard"):
        enroll(embedder, _turns_of("ami_dev01", "MEE009")[: 2 * RATE])


def test_a_folder_that_is_not_a_speaker_model_is_refused(tmp_path: Path):
    with pytest.raises(ModelError, match="is not a Vosk speaker model"):
        check_speaker_model_folder(tmp_path)
    with pytest.raises(ModelError, match="No voice is enrolled yet"):
        VoicePrint.load(tmp_path / "voiceprint.json")


def test_analyze_mono_with_enrolment(korean_model, speaker_model, tmp_path: Path, capsys):
    soundfile.write(str(tmp_path / "me.wav"), _turns_of("ami_dev01", "MEE009"), RATE)
    argv = [
        "analyze",
        "--mono",
        str(CONVERSATIONS / "ami_dev00.wav"),
        "--enroll",
        str(tmp_path / "me.wav"),
        "--model",
        str(korean_model),
        "--speaker-model",
        str(speaker_model),
        "--json",
    ]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["attribution"].startswith("single microphone")
    assert 0 < result["talk_ratio_you"] < 1
    assert main(["analyze", "--mono", str(tmp_path / "me.wav")]) == 2
    assert "--mono and --enroll go together" in capsys.readouterr().err


def test_speech_waits_for_its_window_to_be_judged_and_silence_does_not():
    from salesmirror.pipeline.single_microphone import SingleMicrophoneAttributor, WindowJudged

    asked: list[tuple[int, int]] = []
    attributor = SingleMicrophoneAttributor(lambda wid, audio: asked.append((wid, audio.size)))
    attributor.add_audio(np.ones(320 * 400, dtype=np.int16))
    released = attributor.add_decisions([False] * 10 + [True] * 200 + [False] * 20)
    assert released == [(False, False)] * 10  # speech from frame 10 on waits for its verdicts
    assert [wid for wid, _ in asked] == [0, 1]  # 150 frames (3 s), then the 50-frame rest
    assert asked[0][1] == 150 * 320
    released = attributor.judged(WindowJudged(1, False))
    assert released == []  # window 0 comes first
    released = attributor.judged(WindowJudged(0, True))
    assert released == [(True, False)] * 150 + [(False, True)] * 50 + [(False, False)] * 20


def test_live_single_microphone_call_through_the_pipeline(korean_model, speaker_model):
    from salesmirror.audio.file_playback import FilePlayback
    from salesmirror.coaching.events import Speaker
    from salesmirror.pipeline.call_pipeline import CallPipeline, ProblemCollector
    from salesmirror.pipeline.single_microphone import SingleMicrophoneSetup

    asr, spk = load_model(korean_model), load_speaker_model(speaker_model)
    voice = enroll(VoiceEmbedder(asr, spk), _turns_of("ami_dev01", "MEE009"))
    mix, _ = soundfile.read(str(CONVERSATIONS / "ami_dev00.wav"), dtype="int16")
    setup = SingleMicrophoneSetup(lambda: VoiceEmbedder(asr, spk), voice)
    pipeline = CallPipeline(
        [FilePlayback({Speaker.YOU: mix}, speed=None)],
        ProblemCollector(),
        flat_out=True,
        single_microphone=setup,
    )
    pipeline.start()
    assert pipeline.wait(120)
    figures = pipeline.session.figures()
    assert figures.t == pytest.approx(30, abs=0.1)  # every frame released, in order
    assert figures.you_seconds > 5 and figures.them_seconds > 1


def test_enrolment_dialog_records_stores_and_deletes_the_voice(qtbot, korean_model, speaker_model):
    from salesmirror.audio.file_playback import FilePlayback
    from salesmirror.coaching.events import Speaker
    from salesmirror.paths import app_paths
    from salesmirror.ui.enrolment_dialog import EnrolmentDialog

    reading = _turns_of("ami_dev01", "MEE009")  # 10.5 s of one person speaking
    target = app_paths().voiceprint_file
    dialog = EnrolmentDialog(
        target,
        lambda: FilePlayback({Speaker.YOU: reading}, speed=8.0),  # the "microphone"
        lambda: VoiceEmbedder(load_model(korean_model), load_speaker_model(speaker_model)),
    )
    qtbot.addWidget(dialog)
    assert dialog.message.text() == "No voice enrolled yet."
    dialog.record_button.click()
    qtbot.waitUntil(lambda: dialog.recorded_seconds >= 10.4, timeout=10_000)
    dialog.record_button.click()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Done"), timeout=60_000)
    assert target.exists() and VoicePrint.load(target).speech_seconds > 8

    dialog.delete_button.click()
    assert not target.exists()
    assert dialog.message.text() == "Your voice print is deleted."

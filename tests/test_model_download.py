"""The user-started model download: progress, checksum, resume, safe unpacking, clear errors."""

from __future__ import annotations

import json
import threading
import zipfile
from pathlib import Path

import pytest
from model_server import md5, model_zip, serve

from salesmirror.speech.download import (
    CUE_ENCODER_ENTRY,
    VOICE_ENCODER_ENTRY,
    DownloadCancelled,
    DownloadError,
    Progress,
    bundled_catalogue,
    download_model,
    fetch_catalogue,
    parse_catalogue,
    unpack_model,
)
from salesmirror.speech.model_folder import check_model_folder
from salesmirror.speech.voice_encoder import installed_voice_encoder


def test_download_verifies_unpacks_and_reports_progress(tmp_path: Path):
    archive = model_zip()
    seen: list[Progress] = []
    with serve({"/m.zip": archive}) as (base, _):
        folder = download_model(f"{base}/m.zip", tmp_path, md5(archive), seen.append)
    assert folder == tmp_path / "vosk-model-test-0.1"
    assert check_model_folder(folder)
    assert seen[-1].done_bytes == seen[-1].total_bytes == len(archive)
    assert not list(tmp_path.glob("*.downloading"))


def test_checksum_mismatch_deletes_the_download(tmp_path: Path):
    with (
        serve({"/m.zip": model_zip()}) as (base, _),
        pytest.raises(DownloadError, match="checksum mismatch"),
    ):
        download_model(f"{base}/m.zip", tmp_path, "0" * 32)
    assert list(tmp_path.iterdir()) == []


def test_cancelled_download_resumes_where_it_stopped(tmp_path: Path):
    archive = model_zip()
    cancel = threading.Event()
    with serve({"/m.zip": archive}) as (base, ranges):
        partial = tmp_path / "m.zip.downloading"
        partial.write_bytes(archive[:50_000])  # what an earlier, cancelled try left behind
        cancel.set()
        with pytest.raises(DownloadCancelled):
            download_model(f"{base}/m.zip", tmp_path, md5(archive), cancel=cancel)
        assert partial.stat().st_size == 50_000
        folder = download_model(f"{base}/m.zip", tmp_path, md5(archive))
    assert ranges == ["bytes=50000-", "bytes=50000-"]
    assert check_model_folder(folder)


def test_archive_escaping_the_models_folder_is_refused(tmp_path: Path):
    evil = tmp_path / "evil.zip"
    evil.write_bytes(model_zip(extra={"../../outside.txt": b"gotcha"}))
    models = tmp_path / "models"
    models.mkdir()
    with pytest.raises(DownloadError, match="outside the models folder"):
        unpack_model(evil, models)
    assert not (tmp_path / "outside.txt").exists()
    assert list(models.iterdir()) == []


def test_archive_without_a_model_is_refused(tmp_path: Path):
    junk = tmp_path / "junk.zip"
    with zipfile.ZipFile(junk, "w") as z:
        z.writestr("notes/readme.txt", "hello")
    with pytest.raises(DownloadError, match="does not hold a Vosk model"):
        unpack_model(junk, tmp_path)


def test_unreachable_server_and_missing_file_give_reasons(tmp_path: Path):
    with serve({}) as (base, _), pytest.raises(DownloadError, match="404"):
        download_model(f"{base}/nothing.zip", tmp_path)
    with pytest.raises(DownloadError, match="could not be downloaded"):
        download_model("http://127.0.0.1:9/m.zip", tmp_path)


def test_catalogue_lists_english_first_and_drops_obsolete_models():
    raw = json.dumps(
        [
            {"lang": "de", "lang_text": "German", "name": "de-small", "url": "u1", "size": 5},
            {"lang": "en-us", "lang_text": "US English", "name": "en-big", "url": "u2", "size": 9},
            {"lang": "en-us", "lang_text": "US English", "name": "en-old", "url": "u3",
             "obsolete": "true"},
            {"lang": "en-us", "lang_text": "US English", "name": "en-small", "url": "u4", "size": 1,
             "md5": "abc"},
            {"lang": "spk", "name": "vosk-model-spk-0.4", "url": "u5", "type": "spk"},
            {"lang": "en-in", "lang_text": "Indian English", "name": "en-in", "url": "u6", "size": 1},
            {"lang": "en-us", "lang_text": "US English", "name": "odd-size", "url": "u7", "size": "big"},
        ]
    )  # fmt: skip
    voice, cues = VOICE_ENCODER_ENTRY.name, CUE_ENCODER_ENTRY.name
    names = [e.name for e in parse_catalogue(raw)]
    assert names == ["odd-size", "en-small", "en-big", "en-in", "de-small", cues, voice]
    with pytest.raises(DownloadError, match="not valid JSON"):
        parse_catalogue("<html>")


def test_current_catalogue_is_fetched_only_on_request():
    raw = json.dumps([{"lang": "en-us", "lang_text": "US English", "name": "m", "url": "u"}])
    with serve({"/model-list.json": raw.encode()}) as (base, requests):
        assert requests == []
        names = [e.name for e in fetch_catalogue(f"{base}/model-list.json")]
        assert names == ["m", CUE_ENCODER_ENTRY.name, VOICE_ENCODER_ENTRY.name]


def test_the_bundled_snapshot_offers_small_english_models():
    entries = bundled_catalogue()
    assert entries[0].is_english
    assert any(e.name == "vosk-model-small-en-us-0.15" for e in entries)
    assert entries[-1] == VOICE_ENCODER_ENTRY and entries[-1].any_language


def _wheel_with(tmp_path: Path, weights: bytes) -> Path:
    """A wheel shaped like Resemblyzer's: code, metadata, licence and the weights."""
    wheel = tmp_path / "Resemblyzer-0.1.4-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zipped:
        zipped.writestr("resemblyzer/__init__.py", "raise SystemExit('never imported')\n")
        zipped.writestr("resemblyzer/pretrained.pt", weights)
        zipped.writestr("Resemblyzer-0.1.4.dist-info/LICENSE", "Apache License 2.0\n")
    return wheel


def test_the_voice_encoder_wheel_leaves_only_its_weights_and_licence(tmp_path: Path, voice_encoder_folder):
    wheel = _wheel_with(tmp_path, (voice_encoder_folder / "pretrained.pt").read_bytes())
    folder = unpack_model(wheel, tmp_path / "models")
    assert folder == tmp_path / "models" / "voice-encoder-ge2e"
    assert sorted(p.name for p in folder.iterdir()) == ["LICENSE", "pretrained.pt"]
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["voice-encoder-ge2e"]
    assert installed_voice_encoder(tmp_path / "models") == folder


def test_a_voice_encoder_wheel_with_unusable_weights_is_refused(tmp_path: Path):
    with pytest.raises(DownloadError, match="voice encoder in the download cannot be used"):
        unpack_model(_wheel_with(tmp_path, b"not weights"), tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []


def test_a_zip_bomb_is_refused_before_anything_is_written(tmp_path: Path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("model/am/final.mdl", b"\0" * (64 * 2**20))  # 64 MB of zeros, about 64 kB packed
    models = tmp_path / "models"
    models.mkdir()
    with pytest.raises(DownloadError, match="would expand to 64 MB"):
        unpack_model(bomb, models)
    assert list(models.iterdir()) == []


def _patched(archive: Path, offsets: list[int], value: bytes) -> None:
    data = bytearray(archive.read_bytes())
    for at in offsets:
        data[at : at + len(value)] = value
    archive.write_bytes(bytes(data))


def _header_offsets(archive: Path) -> tuple[int, int]:
    """Where the one entry's local header and central directory record start."""
    data = archive.read_bytes()
    return data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")


def test_encrypted_or_unsupported_archives_are_refused_with_a_reason(tmp_path: Path):
    models = tmp_path / "models"
    models.mkdir()
    for name, field, value, reason in (
        ("encrypted.zip", (6, 8), b"\x01\x00", "is encrypted"),  # general purpose flag, bit 0
        ("aes.zip", (8, 10), b"\x63\x00", "cannot be unpacked"),  # compression method 99
    ):
        archive = tmp_path / name
        archive.write_bytes(model_zip())
        with zipfile.ZipFile(archive) as z:
            assert len(z.infolist()) >= 1
        local, central = _header_offsets(archive)
        _patched(archive, [local + field[0], central + field[1]], value)
        with pytest.raises(DownloadError, match=reason):
            unpack_model(archive, models)
        assert [p.name for p in models.iterdir()] == []

"""The user-started model download: progress, checksum, resume, safe unpacking, clear errors."""

from __future__ import annotations

import json
import threading
import zipfile
from pathlib import Path

import pytest
from model_server import md5, model_zip, serve

from salesmirror.speech.download import (
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
        ]
    )  # fmt: skip
    assert [e.name for e in parse_catalogue(raw)] == ["en-small", "en-big", "de-small"]
    with pytest.raises(DownloadError, match="not valid JSON"):
        parse_catalogue("<html>")


def test_current_catalogue_is_fetched_only_on_request():
    raw = json.dumps([{"lang": "en-us", "lang_text": "US English", "name": "m", "url": "u"}])
    with serve({"/model-list.json": raw.encode()}) as (base, requests):
        assert requests == []
        assert [e.name for e in fetch_catalogue(f"{base}/model-list.json")] == ["m"]


def test_the_bundled_snapshot_offers_small_english_models():
    entries = bundled_catalogue()
    assert entries[0].is_english
    assert any(e.name == "vosk-model-small-en-us-0.15" for e in entries)

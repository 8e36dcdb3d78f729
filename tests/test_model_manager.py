"""The model manager dialog: nothing fetched until asked, then list, download, install."""

from __future__ import annotations

import json
from pathlib import Path

from model_server import md5, model_zip, serve

from salesmirror.speech.model_folder import check_model_folder
from salesmirror.ui.model_manager import ModelManagerDialog


def test_dialog_fetches_the_list_and_installs_the_chosen_model(qtbot, tmp_path: Path):
    archive = model_zip("vosk-model-small-en-us-test")
    files = {"/m.zip": archive}
    with serve(files) as (base, requests):
        files["/list.json"] = json.dumps(
            [
                {"lang": "en-us", "lang_text": "US English", "name": "vosk-model-small-en-us-test",
                 "url": f"{base}/m.zip", "size": len(archive), "size_text": "0.2MiB",
                 "md5": md5(archive), "obsolete": "false"},
                {"lang": "de", "lang_text": "German", "name": "de", "url": f"{base}/de.zip"},
            ]
        ).encode()  # fmt: skip
        dialog = ModelManagerDialog(tmp_path / "models", catalogue_url=f"{base}/list.json")
        qtbot.addWidget(dialog)
        assert requests == [], "opening the dialog must not touch the network"
        assert dialog.table.rowCount() > 0  # the bundled snapshot, English only

        dialog.refresh_button.click()
        # + the customer-cue model and the voice encoder, each with its size and licence
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 3, timeout=10_000)
        assert [dialog.table.item(1, c).text() for c in (0, 2, 3)] == ["English", "87MiB", "MIT"]
        assert "Customer-cue model" in dialog.table.item(1, 1).text()
        assert [dialog.table.item(2, c).text() for c in (0, 3)] == ["Any language", "Apache-2.0"]
        dialog.all_languages.setChecked(True)
        assert dialog.table.rowCount() == 4
        dialog.table.selectRow(0)

        dialog.download_button.click()
        qtbot.waitUntil(lambda: dialog.installed is not None, timeout=10_000)
    assert dialog.installed == tmp_path / "models" / "vosk-model-small-en-us-test"
    assert check_model_folder(dialog.installed)


def test_dialog_reports_a_failed_download_and_stays_usable(qtbot, tmp_path: Path):
    with serve({}) as (base, _):
        dialog = ModelManagerDialog(tmp_path / "models", catalogue_url=f"{base}/list.json")
        qtbot.addWidget(dialog)
        dialog.refresh_button.click()
        qtbot.waitUntil(lambda: "could not be fetched" in dialog.message.text(), timeout=10_000)
        assert dialog.download_button.isEnabled()


def test_the_small_us_english_model_is_recommended_first(qtbot, tmp_path: Path):
    """The bundled list used to open on Indian English ('English (India)' sorts first)."""
    dialog = ModelManagerDialog(tmp_path / "models")
    qtbot.addWidget(dialog)
    chosen = dialog.selected_entry()
    assert chosen is not None and chosen.name == "vosk-model-small-en-us-0.15"


def test_offline_the_download_says_there_is_no_internet(qtbot, tmp_path: Path):
    """The bundled snapshot has no checksums, so Download looks them up first; offline that
    failure used to read 'The model list could not be fetched', like a different problem."""
    dialog = ModelManagerDialog(
        tmp_path / "models", catalogue_url="http://models.salesmirror.invalid/list.json"
    )
    qtbot.addWidget(dialog)
    dialog.download_button.click()
    qtbot.waitUntil(dialog.download_button.isEnabled, timeout=20_000)
    message = dialog.message.text()
    assert "The model could not be downloaded: there is no internet connection" in message, message

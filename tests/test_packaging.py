"""What an installed SalesMirror needs beyond its Python files: every file under
`salesmirror/data/` is declared as package data (a file left out works from the checkout and
fails in every installer), the app icon reaches the window, and downloads trust the same
certificate authorities frozen or not."""

from __future__ import annotations

import fnmatch
import ssl
import tomllib
from pathlib import Path

import certifi

from salesmirror.resource_files import resources_dir
from salesmirror.speech.download import tls_context

ROOT = Path(__file__).resolve().parent.parent


def package_data_patterns() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return project["tool"]["setuptools"]["package-data"]["salesmirror"]


def test_every_runtime_file_is_declared_as_package_data() -> None:
    patterns = package_data_patterns()
    data = resources_dir()
    assert data == ROOT / "salesmirror" / "data"
    files = [p.relative_to(ROOT / "salesmirror").as_posix() for p in data.rglob("*") if p.is_file()]
    assert len(files) > 20
    undeclared = [f for f in files if not any(fnmatch.fnmatch(f, pattern) for pattern in patterns)]
    assert undeclared == []


def test_the_app_icon_reaches_every_window_in_every_size(qapp) -> None:
    from salesmirror.ui.application import desktop_application

    app = desktop_application()
    sizes = {size.width() for size in app.windowIcon().availableSizes()}
    assert {16, 32, 48, 256, 512} <= sizes
    assert app.desktopFileName() == "io.github.salesmirror.SalesMirror"
    assert (ROOT / "installers" / "linux" / f"{app.desktopFileName()}.desktop").is_file()


def test_downloads_verify_servers_against_certifis_authorities() -> None:
    context = tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    bundled = Path(certifi.where()).read_text(encoding="ascii").count("BEGIN CERTIFICATE")
    assert len(context.get_ca_certs()) == bundled > 100

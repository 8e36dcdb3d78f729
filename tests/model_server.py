"""A loopback HTTP server that serves model archives with range requests, like a real mirror."""

from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar


def model_zip(top: str = "vosk-model-test-0.1", extra: dict[str, bytes] | None = None) -> bytes:
    """A zip shaped like a Vosk model: the files a model folder must have, plus padding."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(f"{top}/am/final.mdl", b"\0" * 200_000)
        z.writestr(f"{top}/conf/model.conf", b"--sample-frequency=16000\n")
        z.writestr(f"{top}/README", b"test model\n")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.headers.get("Range", ""))
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        start = 0
        if (wanted := self.headers.get("Range")) and wanted.startswith("bytes="):
            start = int(wanted[6:].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        self.wfile.write(body[start:])

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(files: dict[str, bytes]) -> Iterator[tuple[str, list[str]]]:
    """Serve `files` on 127.0.0.1; yields the base URL and the Range headers seen."""
    handler = type("Handler", (_Handler,), {"files": files, "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="test-model-server")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", handler.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

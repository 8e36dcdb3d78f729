"""Renders the app icon from `salesmirror.svg` into every file that ships it.

    python resources/icon/render.py

Writes the PNG sizes the window and the Linux menu use (package data, `salesmirror/data/icon/`),
and the Windows `.ico` and macOS `.icns` the installers embed (`installers/icons/`). It also draws
the spin boxes' arrows, which a styled spin box loses (`salesmirror/data/icon/arrow-*.png`). Both container
formats hold plain PNG images, which Windows Vista+ and macOS 10.7+ read, so Qt's SVG renderer is
all this needs. Run it again after editing the SVG and commit what it writes.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPolygonF
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SOURCE = HERE / "salesmirror.svg"
PACKAGE_ICONS = ROOT / "salesmirror" / "data" / "icon"
INSTALLER_ICONS = ROOT / "installers" / "icons"

# What the window (QIcon picks the nearest) and the hicolor theme of a Linux menu use.
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 256)
# macOS icon types that hold PNG data, by pixel size (the @2x types share sizes with larger 1x ones).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic07", 128),
    (b"ic13", 256),
    (b"ic08", 256),
    (b"ic14", 512),
    (b"ic09", 512),
    (b"ic10", 1024),
)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return png_bytes(image)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico_file(images: dict[int, bytes]) -> bytes:
    """An ICO directory of PNG entries: a 6-byte header, 16 bytes per entry, then the images."""
    header = struct.pack("<HHH", 0, 1, len(ICO_SIZES))
    offset = len(header) + 16 * len(ICO_SIZES)
    entries, payload = b"", b""
    for size in ICO_SIZES:
        png = images[size]
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(payload))
        payload += png
    return header + entries + payload


def icns_file(images: dict[int, bytes]) -> bytes:
    """An ICNS container: 'icns' and the total length, then type, length and PNG per entry."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(images[size])) + images[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def arrow_png(pointing_up: bool) -> bytes:
    """A small filled triangle in the theme's text colour, 14×11 pixels."""
    image = QImage(14, 11, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#eef2f7"))
    ys = (9, 2, 9) if pointing_up else (2, 9, 2)
    painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in zip((0, 7, 14), ys, strict=True)]))
    painter.end()
    return png_bytes(image)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"{SOURCE} is not a valid SVG", file=sys.stderr)
        return 1
    sizes = sorted({*PNG_SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    images = {size: render_png(renderer, size) for size in sizes}
    PACKAGE_ICONS.mkdir(parents=True, exist_ok=True)
    INSTALLER_ICONS.mkdir(parents=True, exist_ok=True)
    for size in PNG_SIZES:
        (PACKAGE_ICONS / f"salesmirror-{size}.png").write_bytes(images[size])
    (PACKAGE_ICONS / "arrow-up.png").write_bytes(arrow_png(True))
    (PACKAGE_ICONS / "arrow-down.png").write_bytes(arrow_png(False))
    (INSTALLER_ICONS / "salesmirror.ico").write_bytes(ico_file(images))
    (INSTALLER_ICONS / "salesmirror.icns").write_bytes(icns_file(images))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())

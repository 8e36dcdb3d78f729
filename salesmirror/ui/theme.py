"""Colours and type in one place: calm, high-contrast, readable from across a room."""

from PySide6.QtGui import QColor, QIcon

from salesmirror.resource_files import resource_path

BACKGROUND = QColor("#14181f")
SURFACE = QColor("#1d232d")
TEXT = QColor("#eef2f7")
MUTED = QColor("#8b96a8")
YOU = QColor("#5aa9e6")
THEM = QColor("#f2b36b")
HEALTHY = QColor("#4fbf8a")
CAUTION = QColor("#e8c05a")
TOO_MUCH = QColor("#e27d6b")
NUDGE = QColor("#2c3a4f")
NUDGE_ACCENT = QColor("#8fc1f0")


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """The gauge icon in every rendered size (resources/icon/render.py), so a taskbar, a dock and
    a window title each get a sharp one."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(resource_path("icon", f"salesmirror-{size}.png")))
    return icon


def monologue_colour(seconds: float, limit_s: float) -> QColor | None:
    """The soft warning on a monologue timer: amber two thirds of the way to the monologue
    nudge, red once it is due, plain before."""
    if seconds >= limit_s:
        return TOO_MUCH
    return CAUTION if seconds >= limit_s * 2 / 3 else None


# A styled spin box loses its native arrows: these are drawn by resources/icon/render.py (package
# data, so an installed app finds them). Forward slashes: what Qt's url() wants on Windows too.
_ARROW_UP = resource_path("icon", "arrow-up.png").as_posix()
_ARROW_DOWN = resource_path("icon", "arrow-down.png").as_posix()

STYLESHEET = f"""
QWidget {{ background: {BACKGROUND.name()}; color: {TEXT.name()}; font-size: 10.5pt; }}
QLabel#muted {{ color: {MUTED.name()}; }}
QLabel#status {{ color: {MUTED.name()}; font-size: 9.5pt; }}
QLabel#monologue {{ font-size: 15pt; font-weight: 600; }}
QPushButton, QToolButton {{
    background: {SURFACE.name()}; border: 1px solid #2e3746; border-radius: 6px; padding: 5px 8px;
}}
QPushButton:hover, QToolButton:hover {{ border-color: {NUDGE_ACCENT.name()}; }}
QPushButton#primary {{ background: #2f6fa8; border-color: #3d86c6; font-weight: 600; }}
QPushButton#primary:checked {{ background: #7a3a33; border-color: #a04c42; }}
QToolButton:checked {{ background: #2f4a66; }}
QPlainTextEdit, QListWidget, QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QTableWidget {{
    background: {SURFACE.name()}; border: 1px solid #2e3746; border-radius: 6px;
}}
QPushButton:disabled, QToolButton:disabled, QPushButton#primary:disabled {{
    color: {MUTED.name()}; background: {BACKGROUND.name()}; border-color: #2e3746;
}}
QScrollBar:horizontal {{ background: {SURFACE.name()}; height: 12px; border-radius: 6px; }}
QScrollBar::handle:horizontal {{ background: #3a4658; min-width: 24px; border-radius: 6px; }}
QScrollBar::add-line:horizontal, QScrollBar::sub-line:horizontal {{ width: 0; }}
QScrollBar::add-page:horizontal, QScrollBar::sub-page:horizontal {{ background: none; }}
QScrollBar:vertical {{ background: {SURFACE.name()}; width: 12px; border-radius: 6px; }}
QScrollBar::handle:vertical {{ background: #3a4658; min-height: 24px; border-radius: 6px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
QCheckBox::indicator {{
    width: 14px; height: 14px; border: 1px solid {MUTED.name()}; border-radius: 3px;
    background: {SURFACE.name()};
}}
QCheckBox::indicator:checked {{ background: #3d86c6; border-color: {NUDGE_ACCENT.name()}; }}
QCheckBox::indicator:disabled {{ border-color: #2e3746; }}
QSpinBox::up-button, QDoubleSpinBox::up-button, QSpinBox::down-button, QDoubleSpinBox::down-button {{
    subcontrol-origin: border; width: 16px; border-left: 1px solid #2e3746; background: {SURFACE.name()};
}}
QSpinBox::up-button, QDoubleSpinBox::up-button {{ subcontrol-position: top right; }}
QSpinBox::down-button, QDoubleSpinBox::down-button {{ subcontrol-position: bottom right; }}
QSpinBox::up-arrow, QDoubleSpinBox::up-arrow {{ image: url("{_ARROW_UP}"); width: 8px; height: 6px; }}
QSpinBox::down-arrow, QDoubleSpinBox::down-arrow {{ image: url("{_ARROW_DOWN}"); width: 8px; height: 6px; }}
QFrame#notice {{ background: #2a2f22; border: 1px solid #5b5a34; border-radius: 8px; }}
QFrame#notice QPushButton {{ font-size: 9.5pt; padding: 4px 6px; }}
"""

"""Keeps the coach out of screen sharing: when the seller shares their screen, the customer must
never read "They just mentioned a problem — ask why".

Windows excludes a window from every capture (screen sharing, screenshots, recording) through its
display affinity; macOS through the window's sharing type. Both are one call on the native window
behind the Qt widget. Linux compositors offer nothing of the kind: there, sharing one window
instead of the whole screen keeps SalesMirror private, and the app says so.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

from PySide6.QtWidgets import QWidget

WDA_NONE = 0x0
WDA_EXCLUDEFROMCAPTURE = 0x11  # Windows 10 2004 and later; older ones ignore the window instead
NS_WINDOW_SHARING_NONE = 0
NS_WINDOW_SHARING_READ_ONLY = 1

LINUX_ADVICE = (
    "On Linux a window cannot hide itself from screen sharing: share one window (your slides, "
    "the browser) rather than the whole screen, and the customer will not see SalesMirror."
)


def hide_from_capture(
    window: QWidget,
    hidden: bool,
    platform: str = sys.platform,
    native_call: Callable[[int, int], bool] | None = None,
) -> str | None:
    """Hide (or show again) `window` in screen sharing. Returns None when done, otherwise a
    sentence for the user saying why not and what to do instead. `native_call(handle, value)`
    replaces the system call, for tests on other systems."""
    if platform == "win32":
        call = native_call or _set_display_affinity
        value = WDA_EXCLUDEFROMCAPTURE if hidden else WDA_NONE
    elif platform == "darwin":
        call = native_call or _set_sharing_type
        value = NS_WINDOW_SHARING_NONE if hidden else NS_WINDOW_SHARING_READ_ONLY
    else:
        return LINUX_ADVICE if hidden else None
    handle = int(window.winId())  # creates the native window if it does not exist yet
    if call(handle, value):
        return None
    return (
        "SalesMirror could not hide itself from screen sharing on this system: share one window "
        "rather than the whole screen to keep it private."
    )


def _set_display_affinity(hwnd: int, affinity: int) -> bool:
    user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
    user32.SetWindowDisplayAffinity.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    user32.SetWindowDisplayAffinity.restype = ctypes.c_int
    return bool(user32.SetWindowDisplayAffinity(ctypes.c_void_p(hwnd), affinity))


def _set_sharing_type(view: int, sharing_type: int) -> bool:
    """[[view window] setSharingType:sharing_type] through the Objective-C runtime: Qt's winId()
    on macOS is the NSView."""
    objc = ctypes.cdll.LoadLibrary("/usr/lib/libobjc.dylib")
    objc.sel_registerName.restype = ctypes.c_void_p
    objc.sel_registerName.argtypes = [ctypes.c_char_p]
    send = objc.objc_msgSend
    send.restype = ctypes.c_void_p
    send.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    ns_window = send(ctypes.c_void_p(view), objc.sel_registerName(b"window"))
    if not ns_window:
        return False
    send.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong]
    send(ctypes.c_void_p(ns_window), objc.sel_registerName(b"setSharingType:"), sharing_type)
    return True

"""SalesMirror: a private, offline sales-call coach that sits beside your video call."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("salesmirror")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

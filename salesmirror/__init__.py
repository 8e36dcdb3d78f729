"""SalesMirror: a private, offline sales-call coach that sits beside your video call."""

import os
from importlib.metadata import PackageNotFoundError, version

# Our matrix work is many small products (a voice encoder step, an echo fit) on a machine that also
# runs speech recognition and the window: BLAS threads would only spin against them. Set before
# NumPy loads; a value the user exported wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

try:
    __version__ = version("salesmirror")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

"""The frozen programs' entry point: both `salesmirror` (windowed) and `salesmirror-cli` (console)
run the same command line as the installed package's scripts."""

import sys

from salesmirror.launch import main

if __name__ == "__main__":
    sys.exit(main())

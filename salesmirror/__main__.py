"""`python -m salesmirror` behaves exactly like the `salesmirror` command."""

import sys

from salesmirror.cli import main

sys.exit(main())

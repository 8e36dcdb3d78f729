"""`python -m salesmirror` behaves exactly like the `salesmirror` command."""

import sys

from salesmirror.launch import main

sys.exit(main())

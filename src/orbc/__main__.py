"""`python -m orbc` is the `orbc` command."""

import sys

from orbc.cli import main

sys.exit(main())

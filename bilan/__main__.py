"""``python -m bilan`` : voir ``bilan.cli``."""

import sys

from bilan.cli import main

sys.exit(main())

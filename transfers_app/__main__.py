"""``python -m transfers_app``."""

import sys

from transfers_app.cli import main

sys.exit(main())

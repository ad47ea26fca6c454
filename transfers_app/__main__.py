"""``python -m transfers_app``."""

from transfers_app.cli import run

run()

"""``python -m newswatch.cli`` runs the ``newswatch`` command."""

from newswatch.cli import run

run()

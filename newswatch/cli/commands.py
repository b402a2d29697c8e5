"""Imports every command module so that it registers itself on `main`."""

# One line per command module; keep sorted.
from newswatch.cli import archive, db, export, stories, topics  # noqa: F401

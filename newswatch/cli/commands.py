"""Imports every command module so that it registers itself on `main`."""

# One line per command module; keep sorted.
from newswatch.cli import archive, db, export, topics  # noqa: F401

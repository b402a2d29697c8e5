"""Imports every command module so that it registers itself on `main`."""

# One line per command module; keep sorted.
import newswatch.cli.check  # noqa: F401
from newswatch.cli import archive, db  # noqa: F401

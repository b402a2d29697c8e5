"""The `newswatch` command. Each sub-command group lives in its own module of this package."""

from __future__ import annotations

import click

from newswatch import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newswatch")
def main() -> None:
    """newswatch: crawl news sites, keep every meaningful version of every article, query it."""


def _register() -> None:
    # Imported here so that each module can import `main` without a cycle.
    from newswatch.cli import commands  # noqa: F401


_register()

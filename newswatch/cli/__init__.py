"""The `newswatch` command. Each sub-command group lives in its own module of this package."""

from __future__ import annotations

import gc

import click

from newswatch import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newswatch")
def main() -> None:
    """newswatch: crawl news sites, keep every meaningful version of every article, query it."""


def run() -> None:
    """The ``newswatch`` console script (and ``python -m newswatch.cli``): :data:`main`, then
    a quick exit.

    When a command has returned, the process ends; its last garbage collection would walk
    everything a crawl imported and built (0.1-0.2 s of a small site's 2 s crawl) to free
    memory that the process is about to give back anyway. The commands close what must be
    closed (databases, the run lock, output files) themselves, and the log is flushed at
    exit as usual, so the collection is skipped. Only here, not in :data:`main`: a test or a
    program that calls ``main`` in its own process keeps its garbage collector."""
    try:
        main()
    finally:
        gc.freeze()


def _register() -> None:
    # Imported here so that each module can import `main` without a cycle.
    from newswatch.cli import commands  # noqa: F401


_register()

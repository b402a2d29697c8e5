"""Imports every command module so that it registers itself on `main`.

One plain ``import`` line per module (kept sorted), so that adding a command touches one line.
"""

import newswatch.cli.archive
import newswatch.cli.check
import newswatch.cli.crawl
import newswatch.cli.db
import newswatch.cli.demo  # noqa: F401

"""Imports every command module so that it registers itself on `main`.

One plain ``import`` line per module (kept sorted), so that adding a command touches one line.
"""

import newswatch.cli.archive
import newswatch.cli.check
import newswatch.cli.crawl
import newswatch.cli.db
import newswatch.cli.demo
import newswatch.cli.export
import newswatch.cli.extract
import newswatch.cli.stories
import newswatch.cli.topics  # noqa: F401

"""The store's exceptions. Messages are one clear line and never contain a password."""

from __future__ import annotations


class StoreError(Exception):
    """Base class: something about the archive that the user has to fix."""


class BadDatabaseURL(StoreError):
    """The database URL cannot be parsed or names a database newswatch does not support."""


class DatabaseUnavailable(StoreError):
    """The database server or file cannot be reached or opened."""


class DatabaseLocked(StoreError):
    """Another writer held the database longer than the busy/lock timeout."""


class DatabaseFull(StoreError):
    """The database could not grow: disk full, quota, or SQLite's ``max_page_count``."""


class SchemaAheadError(StoreError):
    """The database was migrated by a newer newswatch: its revision is unknown to this code."""


class ArticleNotFound(StoreError):
    """No stored article matches the given URL or id."""

"""Article extraction: metadata and body from one HTML page, as plain data."""

from newswatch.article import Article

__all__ = ["Article"]

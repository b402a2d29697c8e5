"""newswatch: a news-monitoring crawler that keeps every meaningful version of every article."""

__version__ = "0.1.0"

"""The versioned article archive (SQLAlchemy 2; SQLite by default, PostgreSQL in production)."""

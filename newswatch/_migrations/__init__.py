"""Placeholder for the migration scripts of an installed newswatch.

pyproject.toml maps the package ``newswatch._migrations`` to the top-level ``migrations/``
directory, so a wheel installs the Alembic scripts here. In a source checkout this directory
stays empty and ``newswatch.store.migrate`` uses ``migrations/`` directly.
"""

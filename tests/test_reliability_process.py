"""Process faults: what a `newswatch crawl` killed at any point leaves behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, inspect

from newswatch.store import ensure_schema, make_engine


def test_a_schema_creation_cut_short_leaves_an_empty_database_the_next_run_can_use(
    tmp_path: Path,
) -> None:
    """A crawl killed while it creates the schema of a new archive (a first cron run cut short
    by a reboot) must not leave half a schema behind that makes every later run fail."""
    engine = make_engine(f"sqlite:///{tmp_path / 'archive.db'}")

    def crash_midway(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("CREATE TABLE ARTICLES"):
            raise KeyboardInterrupt("the process dies here")

    event.listen(engine, "before_cursor_execute", crash_midway)
    with pytest.raises(KeyboardInterrupt):
        ensure_schema(engine)
    event.remove(engine, "before_cursor_execute", crash_midway)

    assert inspect(engine).get_table_names() == []
    ensure_schema(engine)
    assert {"articles", "article_versions", "article_search"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()

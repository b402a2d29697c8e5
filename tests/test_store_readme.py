"""The SQL examples in README.md's schema section run on both dialects and say what they claim."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from newswatch.store import save_article
from tests.store_db import migrated_engine
from tests.store_samples import FETCHED_AT, english_article, german_article

README = Path(__file__).resolve().parents[1] / "README.md"
EDITED_TITLE = "Stargate: 100 Milliarden Dollar für KI-Rechenzentren"


def schema_queries() -> list[str]:
    readme = README.read_text(encoding="utf-8")
    section = re.search(
        r"<!-- BEGIN section:schema -->(.*?)<!-- END section:schema -->", readme, re.S
    )
    assert section is not None
    return re.findall(r"```sql\n(.*?)```", section.group(1), re.S)


def test_readme_has_three_example_queries() -> None:
    assert len(schema_queries()) == 3


def test_readme_example_queries_answer_their_questions(db_url: str) -> None:
    with migrated_engine(db_url) as (engine, factory):
        with factory() as session:
            save_article(session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT)
            edited = german_article(title=EDITED_TITLE)
            later = FETCHED_AT + timedelta(hours=1)
            save_article(session, edited, source_name="tagesschau", fetched_at=later)
            save_article(session, english_article(), source_name="example", fetched_at=FETCHED_AT)
        per_source, changed_headlines, german_stargate = schema_queries()
        with engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(text(per_source))] == [
                ("tagesschau", 1, 2),
                ("example", 1, 1),
            ]
            assert [tuple(r) for r in conn.execute(text(changed_headlines))] == [
                (german_article().canonical_url, german_article().title, EDITED_TITLE, 2)
            ]
            rows = conn.execute(text(german_stargate)).all()
            assert [(r.source_name, r.title, r.canonical_url) for r in rows] == [
                ("tagesschau", EDITED_TITLE, german_article().canonical_url)
            ]

"""Every query of README.md's SQL cookbook runs on SQLite and PostgreSQL against a small archive
and gives the answer it promises; the views it relies on return rows."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from newswatch.article import Article
from newswatch.store import save_article
from newswatch.stories.store import cluster_archive
from newswatch.topics import compile_topics, match_topics, parse_topics
from newswatch.topics.store import record_topic_matches, sync_topics
from tests.store_db import migrated_engine
from tests.test_stories_store import copy_for

README = Path(__file__).resolve().parents[1] / "README.md"
T = datetime(2025, 1, 22, 6, 0, tzinfo=UTC)
TOPICS = compile_topics(
    parse_topics('[[topic]]\nname = "ai-investment"\nquery = \'Stargate OR "OpenAI"\'\n')
)
HEISE = "https://www.heise.de/news/stargate.html"
TAGESSCHAU = "https://www.tagesschau.de/wirtschaft/stargate.html"
REUTERS_AI = "https://www.reuters.com/technology/stargate-data-centres"
REUTERS_FOOTBALL = "https://www.reuters.com/sports/bundesliga"
SPIEGEL = "https://www.spiegel.de/wirtschaft/rechenzentren-foerderung"
ZEIT = "https://www.zeit.de/digital/rechenzentren-foerderung"
HEISE_TITLE_1 = "Stargate: OpenAI plant neue Rechenzentren"
HEISE_TITLE_2 = "Stargate: 500 Milliarden für Rechenzentren"


def cookbook_queries() -> dict[tuple[str, str | None], str]:
    """{(name, dialect or None): SQL} from the cookbook section."""
    readme = README.read_text(encoding="utf-8")
    section = re.search(
        r"<!-- BEGIN section:cookbook -->(.*?)<!-- END section:cookbook -->", readme, re.S
    )
    assert section is not None
    found = re.findall(
        r"```sql\n-- cookbook: ([\w-]+)(?: \((sqlite|postgresql)\))?\n(.*?)```",
        section.group(1),
        re.S,
    )
    return {(name, dialect or None): sql for name, dialect, sql in found}


def run(conn: Connection, name: str) -> list[tuple[object, ...]]:
    queries = cookbook_queries()
    sql = queries.get((name, conn.dialect.name)) or queries[(name, None)]
    return [tuple(row) for row in conn.execute(text(sql))]


def store(
    session: Session,
    url: str,
    source: str,
    *,
    title: str,
    body: str,
    authors: list[str],
    published: datetime,
    fetched: datetime,
    topic_ids: dict[str, int],
) -> None:
    """Save one fetch and tag it the way the crawl pipeline does."""
    article = Article(
        url=url,
        canonical_url=url,
        title=title,
        body=body,
        authors=authors,
        published_at=published,
        language="en" if "reuters" in url else "de",
    )
    outcome = save_article(session, article, source_name=source, fetched_at=fetched)
    if outcome.status != "unchanged":
        record_topic_matches(
            session,
            article_id=outcome.article_id,
            version_id=outcome.version_id,
            results=match_topics(TOPICS, article, source_name=source),
            topic_ids=topic_ids,
        )
        session.commit()


def fill(session: Session) -> None:
    topic_ids = sync_topics(session, [t.config for t in TOPICS])
    session.commit()
    minutes = timedelta(minutes=1)
    stargate = (
        "OpenAI und SoftBank wollen im Projekt Stargate Milliarden investieren.\n\n"
        "Die ersten Standorte entstehen in Texas, weitere sind geplant."
    )
    for fetched, title in ((T + 10 * minutes, HEISE_TITLE_1), (T + 70 * minutes, HEISE_TITLE_2)):
        store(
            session,
            HEISE,
            "heise",
            title=title,
            body=stargate + " Rechenzentren.",
            authors=["Anna Schmidt"],
            published=T,
            fetched=fetched,
            topic_ids=topic_ids,
        )
    for fetched, body in (
        (T + 65 * minutes, stargate),
        (T + 90 * minutes, stargate + "\n\nKorrektur: Es sind 500, nicht 100 Milliarden Dollar."),
    ):
        store(
            session,
            TAGESSCHAU,
            "tagesschau",
            title="Das Stargate-Projekt",
            body=body,
            authors=["Anna Schmidt", "Ben Weber"],
            published=T + 60 * minutes,
            fetched=fetched,
            topic_ids=topic_ids,
        )
    store(
        session,
        REUTERS_AI,
        "reuters",
        title="Stargate: the data centre race",
        body="OpenAI and SoftBank start building the first Stargate data centre in Texas.",
        authors=["Carl Jones"],
        published=T + timedelta(days=1),
        fetched=T + timedelta(days=1, minutes=5),
        topic_ids=topic_ids,
    )
    for fetched, body in (
        (T + 125 * minutes, "Bayern gewinnt in Dortmund."),
        (T + 240 * minutes, "Bayern gewinnt 2:1 in Dortmund."),
    ):
        store(
            session,
            REUTERS_FOOTBALL,
            "reuters",
            title="Bundesliga",
            body=body,
            authors=["Carl Jones"],
            published=T + 120 * minutes,
            fetched=fetched,
            topic_ids=topic_ids,
        )
    for url, source, site in ((SPIEGEL, "spiegel", "Hamburg"), (ZEIT, "zeit", "Berlin")):
        store(
            session,
            url,
            source,
            title="Bund fördert Rechenzentren",
            body=copy_for(site),
            authors=["dpa"],
            published=T + 180 * minutes,
            fetched=T + 185 * minutes,
            topic_ids=topic_ids,
        )
    cluster_archive(session)
    session.commit()


@pytest.fixture
def archive(db_url: str) -> Iterator[Engine]:
    with migrated_engine(db_url) as (engine, factory):
        with factory() as session:
            fill(session)
        yield engine


def test_the_cookbook_has_every_question_for_both_dialects() -> None:
    names = {name for name, _ in cookbook_queries()}
    assert names == {
        "per-source-per-day",
        "title-changes",
        "median-minutes-to-first-edit",
        "authors-on-topic",
        "fulltext",
        "versions-of-url",
        "multi-source-stories",
    }
    for name in names:
        variants = {d for n, d in cookbook_queries() if n == name}
        assert variants in ({None}, {"sqlite", "postgresql"}), name


def test_articles_per_source_per_day_for_a_topic(archive: Engine) -> None:
    with archive.connect() as conn:
        rows = [(source, str(day), n) for source, day, n in run(conn, "per-source-per-day")]
    assert rows == [
        ("heise", "2025-01-22", 1),
        ("tagesschau", "2025-01-22", 1),
        ("reuters", "2025-01-23", 1),
    ]


def test_title_changes_after_publication(archive: Engine) -> None:
    with archive.connect() as conn:
        rows = run(conn, "title-changes")
    assert [row[:3] for row in rows] == [(HEISE, HEISE_TITLE_1, HEISE_TITLE_2)]


def test_median_minutes_from_publication_to_first_edit(archive: Engine) -> None:
    # first edits seen after 70 (heise), 30 (tagesschau) and 120 (reuters) minutes
    with archive.connect() as conn:
        rows = run(conn, "median-minutes-to-first-edit")
    assert [float(str(median)) for (median,) in rows] == [70.0]


def test_authors_most_often_on_a_topic(archive: Engine) -> None:
    with archive.connect() as conn:
        rows = run(conn, "authors-on-topic")
    assert rows == [("Anna Schmidt", 2), ("Ben Weber", 1), ("Carl Jones", 1)]


def test_full_text_query(archive: Engine) -> None:
    with archive.connect() as conn:
        rows = run(conn, "fulltext")
    assert rows == [("heise", HEISE_TITLE_2, HEISE)]


def test_all_versions_of_one_url(archive: Engine) -> None:
    with archive.connect() as conn:
        rows = run(conn, "versions-of-url")
    assert [(row[0], row[2]) for row in rows] == [(1, HEISE_TITLE_1), (2, HEISE_TITLE_2)]


def test_stories_covered_by_several_sources(archive: Engine) -> None:
    with archive.connect() as conn:
        rows = run(conn, "multi-source-stories")
    assert [(row[2], row[3], row[4]) for row in rows] == [
        (2, "spiegel", SPIEGEL),
        (2, "zeit", ZEIT),
    ]


def test_topic_articles_shows_the_latest_matching_version_with_hits_per_term(
    archive: Engine,
) -> None:
    with archive.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT url, version_no, term_hits FROM topic_articles "
                "WHERE topic = 'ai-investment' ORDER BY url"
            )
        ).all()
    assert [(url, version_no) for url, version_no, _ in rows] == [
        (HEISE, 2),
        (REUTERS_AI, 1),
        (TAGESSCHAU, 2),
    ]
    assert [_json(term_hits) for _, _, term_hits in rows] == [
        {"Stargate": 2, '"OpenAI"': 1},
        {"Stargate": 2, '"OpenAI"': 1},
        {"Stargate": 2, '"OpenAI"': 1},
    ]


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value

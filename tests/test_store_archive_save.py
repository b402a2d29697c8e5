"""StoreArchive.save: a new version and its topic matches are committed together or not at all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, insert, select

from newswatch.config import CrawlConfig, SourceConfig
from newswatch.pages import FetchedPage
from newswatch.store import models
from newswatch.store.engine import make_engine
from newswatch.store.migrate import upgrade
from newswatch.store_archive import StoreArchive
from newswatch.topics import TopicConfig, compile_topics, match_topics
from newswatch.topics.store import UnknownTopicError, sync_topics
from tests.store_samples import FETCHED_AT, german_article

SOURCE = SourceConfig(name="tagesschau", language="de", domains=("tagesschau.de",))
TOPICS = compile_topics([TopicConfig(name="stargate", query="Stargate")])


@pytest.fixture
def archive(db_url: str) -> Iterator[StoreArchive]:
    engine = make_engine(db_url)
    upgrade(engine)
    archive = StoreArchive(engine, crawl_config=CrawlConfig(), sources=[SOURCE], owns_engine=True)
    yield archive
    archive.close()


def page() -> FetchedPage:
    return FetchedPage(
        url=german_article().url, source_name=SOURCE.name, body=b"<html>", fetched_at=FETCHED_AT
    )


def count(archive: StoreArchive, table: type[models.Base]) -> int:
    with archive.sessions() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_a_new_version_is_stored_with_its_topic_matches(archive: StoreArchive) -> None:
    with archive.sessions() as session:
        archive.topic_ids = sync_topics(session, [topic.config for topic in TOPICS])
        session.commit()
    article = german_article(body="Stargate. Stargate again.")
    results = match_topics(TOPICS, article, source_name=SOURCE.name)

    assert archive.save(article, page(), results) == "new"

    with archive.sessions() as session:
        row = session.scalars(select(models.TopicMatch)).one()
        version = session.scalars(select(models.ArticleVersion)).one()
    assert (row.version_id, row.matched_terms, row.hit_count) == (version.id, ["Stargate"], 3)


def test_when_the_topic_matches_cannot_be_written_the_version_is_not_stored_either(
    archive: StoreArchive,
) -> None:
    article = german_article(body="Stargate.")
    results = match_topics(TOPICS, article, source_name=SOURCE.name)  # topic never synced

    with pytest.raises(UnknownTopicError):
        archive.save(article, page(), results)

    assert count(archive, models.ArticleVersion) == 0
    assert count(archive, models.Article) == 0


def _another_worker_creates_the_source_first(archive: StoreArchive, db_url: str) -> None:
    """Just before this archive inserts the source row, a second page worker of the same crawl
    (its own connection) inserts and commits it: the race of a new source's first pages."""
    other = make_engine(db_url)
    done: list[bool] = []

    def insert_first(conn: object, cursor: object, statement: str, *_: object) -> None:
        if not done and statement.lstrip().upper().startswith("INSERT INTO SOURCES"):
            done.append(True)
            with other.begin() as connection:
                connection.execute(
                    insert(models.Source).values(
                        name=SOURCE.name, domains=[], config={},
                        created_at=FETCHED_AT, updated_at=FETCHED_AT,
                    )
                )
            other.dispose()

    event.listen(archive.engine, "before_cursor_execute", insert_first)


@pytest.mark.parametrize("first_write", ["save", "remember_seen"])
def test_a_source_another_worker_creates_at_the_same_moment_is_no_error(
    archive: StoreArchive, db_url: str, first_write: str
) -> None:
    _another_worker_creates_the_source_first(archive, db_url)

    if first_write == "save":
        assert archive.save(german_article(), page()) == "new"
    else:
        archive.remember_seen(
            "https://www.tagesschau.de/haushalt.html", source_name=SOURCE.name, seen_at=FETCHED_AT
        )

    with archive.sessions() as session:
        (source_id,) = session.scalars(select(models.Source.id)).all()  # one row, the other's
        seen = [row.source_id for row in session.scalars(select(models.SeenUrl))]
    assert seen == ([] if first_write == "save" else [source_id])


def test_known_urls_names_archived_articles_and_seen_urls_among_many(
    archive: StoreArchive,
) -> None:
    stored = german_article()
    assert archive.save(stored, page()) == "new"
    seen = "https://www.tagesschau.de/inland/kein-thema-100.html"
    archive.remember_seen(seen, source_name=SOURCE.name, seen_at=FETCHED_AT)
    unknown = [f"https://www.tagesschau.de/ausland/meldung-{n}.html" for n in range(1000)]
    asked = [*unknown[:500], stored.canonical_url or stored.url, seen, *unknown[500:], seen]

    known = archive.known_urls(asked)  # more URLs than one query takes, one of them twice

    assert known == {stored.canonical_url or stored.url, seen}


def test_known_urls_of_nothing_is_nothing(archive: StoreArchive) -> None:
    assert archive.known_urls([]) == set()

"""Topics in the archive: syncing topics.toml, recording matches, and resumable rematch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from newswatch.article import Article as ArticleData
from newswatch.store.models import Article, ArticleVersion, Topic, TopicMatch
from newswatch.topics import TopicConfig, compile_topics, match_topics
from newswatch.topics.store import (
    UnknownTopicError,
    add_topic_matches,
    record_topic_matches,
    rematch,
    sync_topics,
)
from tests.archive_factory import BACKENDS, T0, add_article, fresh_session, shared_archive

STARGATE = TopicConfig(name="stargate", query="Stargate AND (OpenAI OR SoftBank)")
CHIPS = TopicConfig(name="chips", query="Nvidia OR =TSMC", languages=("en",))


@pytest.fixture(scope="module", params=BACKENDS)
def archive_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    with shared_archive(request.param, tmp_path_factory.mktemp("archive")) as engine:
        yield engine


@pytest.fixture
def session(archive_engine: Engine) -> Iterator[Session]:
    with fresh_session(archive_engine) as session:
        yield session


def matches(session: Session) -> set[tuple[str, str, int]]:
    """(topic, url, version_no) of every topic_matches row."""
    rows = session.execute(
        select(Topic.name, Article.canonical_url, ArticleVersion.version_no)
        .join(TopicMatch, TopicMatch.topic_id == Topic.id)
        .join(ArticleVersion, ArticleVersion.id == TopicMatch.version_id)
        .join(Article, Article.id == TopicMatch.article_id)
    )
    return {(name, url, version_no) for name, url, version_no in rows}


# --- sync_topics -----------------------------------------------------------------------------


def test_sync_inserts_topics_and_returns_their_ids(session: Session) -> None:
    ids = sync_topics(session, [STARGATE, CHIPS], now=T0)
    rows = {t.name: t for t in session.scalars(select(Topic))}
    assert ids == {"stargate": rows["stargate"].id, "chips": rows["chips"].id}
    assert rows["chips"].query == "Nvidia OR =TSMC"
    assert rows["chips"].config == {
        "description": "",
        "languages": ["en"],
        "sources": [],
        "min_hits": 1,
    }


def test_sync_updates_a_changed_topic_and_keeps_an_unchanged_one(session: Session) -> None:
    sync_topics(session, [STARGATE, CHIPS], now=T0)
    later = T0 + timedelta(days=1)
    edited = TopicConfig(name="stargate", query="Stargate", min_hits=2)
    ids = sync_topics(session, [edited, CHIPS], now=later)
    rows = {t.name: t for t in session.scalars(select(Topic))}
    assert set(ids) == {"stargate", "chips"}
    assert (rows["stargate"].query, rows["stargate"].config["min_hits"]) == ("Stargate", 2)
    assert rows["stargate"].updated_at == later
    assert rows["chips"].updated_at == T0


def test_sync_keeps_topics_that_left_the_file(session: Session) -> None:
    sync_topics(session, [STARGATE, CHIPS], now=T0)
    sync_topics(session, [CHIPS], now=T0)
    assert {t.name for t in session.scalars(select(Topic))} == {"stargate", "chips"}


# --- record_topic_matches --------------------------------------------------------------------


def test_records_matched_topics_with_terms_and_hit_count(session: Session) -> None:
    article = add_article(session, "https://a.example/1", "Stargate: OpenAI, OpenAI and SoftBank")
    ids = sync_topics(session, [STARGATE, CHIPS])
    data = ArticleData(url=article.canonical_url, body=article.versions[0].body, language="en")
    results = match_topics(compile_topics([STARGATE, CHIPS]), data)

    count = record_topic_matches(
        session, article_id=article.id, version_id=article.versions[0].id, results=results, now=T0
    )

    assert count == 1
    row = session.scalars(select(TopicMatch)).one()
    assert (row.topic_id, row.article_id, row.version_id) == (
        ids["stargate"],
        article.id,
        article.versions[0].id,
    )
    assert row.matched_terms == ["Stargate", "OpenAI", "SoftBank"]
    assert row.hit_count == 4
    assert row.matched_at == T0


def test_recording_twice_is_idempotent_and_unmatched_results_remove_rows(
    session: Session,
) -> None:
    article = add_article(session, "https://a.example/1", "Stargate and OpenAI")
    sync_topics(session, [STARGATE])
    version_id = article.versions[0].id
    results = match_topics(compile_topics([STARGATE]), ArticleData(url="u", body="Stargate OpenAI"))
    record_topic_matches(session, article_id=article.id, version_id=version_id, results=results)
    record_topic_matches(session, article_id=article.id, version_id=version_id, results=results)
    assert len(session.scalars(select(TopicMatch)).all()) == 1

    no_match = match_topics(compile_topics([STARGATE]), ArticleData(url="u", body="nothing"))
    record_topic_matches(session, article_id=article.id, version_id=version_id, results=no_match)
    assert session.scalars(select(TopicMatch)).all() == []


def test_recording_a_topic_that_was_never_synced_is_an_error(session: Session) -> None:
    article = add_article(session, "https://a.example/1", "Stargate OpenAI")
    results = match_topics(compile_topics([STARGATE]), ArticleData(url="u", body="Stargate OpenAI"))
    with pytest.raises(UnknownTopicError, match="'stargate' is not in the topics table"):
        record_topic_matches(
            session, article_id=article.id, version_id=article.versions[0].id, results=results
        )


# --- add_topic_matches -----------------------------------------------------------------------


def test_adding_matches_to_a_new_version_writes_the_rows_recording_would(session: Session) -> None:
    first = add_article(session, "https://a.example/1", "Stargate: OpenAI, OpenAI and SoftBank")
    second = add_article(session, "https://a.example/2", "Stargate: OpenAI, OpenAI and SoftBank")
    sync_topics(session, [STARGATE, CHIPS])
    data = ArticleData(url="u", body=first.versions[0].body, language="en")
    results = match_topics(compile_topics([STARGATE, CHIPS]), data)

    recorded = record_topic_matches(
        session, article_id=first.id, version_id=first.versions[0].id, results=results, now=T0
    )
    added = add_topic_matches(
        session, article_id=second.id, version_id=second.versions[0].id, results=results, now=T0
    )

    assert added == recorded == 1
    rows = session.scalars(select(TopicMatch).order_by(TopicMatch.article_id)).all()
    fields = [(r.topic_id, r.matched_terms, r.hit_count, r.term_hits, r.matched_at) for r in rows]
    assert fields[0] == fields[1]


def test_adding_only_unmatched_results_writes_nothing(session: Session) -> None:
    article = add_article(session, "https://a.example/1", "nothing to see")
    results = match_topics(compile_topics([STARGATE]), ArticleData(url="u", body="nothing"))
    added = add_topic_matches(
        session, article_id=article.id, version_id=article.versions[0].id, results=results
    )
    assert added == 0
    assert session.scalars(select(TopicMatch)).all() == []


def test_adding_a_match_of_a_topic_that_was_never_synced_is_an_error(session: Session) -> None:
    article = add_article(session, "https://a.example/1", "Stargate OpenAI")
    results = match_topics(compile_topics([STARGATE]), ArticleData(url="u", body="Stargate OpenAI"))
    with pytest.raises(UnknownTopicError, match="'stargate' is not in the topics table"):
        add_topic_matches(
            session, article_id=article.id, version_id=article.versions[0].id, results=results
        )


# --- rematch ---------------------------------------------------------------------------------


def test_rematch_tags_the_latest_version_of_every_article(session: Session) -> None:
    add_article(session, "https://a.example/1", "Stargate by OpenAI")
    add_article(session, "https://a.example/2", "draft", "Stargate and SoftBank, updated")
    add_article(session, "https://a.example/3", "Nvidia results")
    add_article(session, "https://a.example/4", "Nvidia Ergebnisse", language="de")
    session.commit()

    report = rematch(session, [STARGATE, CHIPS], batch_size=2)

    assert matches(session) == {
        ("stargate", "https://a.example/1", 1),
        ("stargate", "https://a.example/2", 2),
        ("chips", "https://a.example/3", 1),
    }
    assert (report.versions_checked, report.batches, report.matched) == (4, 2, 3)


def test_rematch_of_one_topic_leaves_other_topics_alone(session: Session) -> None:
    add_article(session, "https://a.example/1", "Stargate by OpenAI, chips by Nvidia")
    session.commit()
    rematch(session, [STARGATE, CHIPS], topic="chips")
    assert matches(session) == {("chips", "https://a.example/1", 1)}


def test_rematch_after_a_topic_edit_removes_matches_that_no_longer_hold(session: Session) -> None:
    add_article(session, "https://a.example/1", "Stargate by OpenAI")
    add_article(session, "https://a.example/2", "Stargate by SoftBank")
    session.commit()
    rematch(session, [STARGATE])
    narrowed = TopicConfig(name="stargate", query="Stargate AND OpenAI")

    report = rematch(session, [narrowed])

    assert report.passes == {"stargate": "full"}
    assert matches(session) == {("stargate", "https://a.example/1", 1)}


def test_rematch_of_unchanged_topics_checks_only_articles_changed_since_the_last_run(
    session: Session,
) -> None:
    day = timedelta(days=1)
    add_article(session, "https://a.example/1", "Stargate by OpenAI")
    add_article(session, "https://a.example/2", "Nvidia chips")
    rematch(session, [STARGATE], now=T0 + day)
    add_article(session, "https://a.example/2", "Stargate by SoftBank", fetched_at=T0 + 2 * day)
    add_article(session, "https://a.example/3", "Stargate and OpenAI", fetched_at=T0 + 2 * day)

    again = rematch(session, [STARGATE], now=T0 + 3 * day)

    assert (again.passes, again.versions_checked) == ({"stargate": "incremental"}, 2)
    assert matches(session) == {
        ("stargate", "https://a.example/1", 1),
        ("stargate", "https://a.example/2", 2),
        ("stargate", "https://a.example/3", 1),
    }
    nothing_new = rematch(session, [STARGATE], now=T0 + 4 * day)
    assert nothing_new.versions_checked == 0
    forced = rematch(session, [STARGATE], restart=True, now=T0 + 5 * day)
    assert (forced.passes, forced.versions_checked) == ({"stargate": "full"}, 3)


def test_interrupted_rematch_resumes_after_the_last_committed_batch(session: Session) -> None:
    for number in range(1, 6):
        add_article(session, f"https://a.example/{number}", "Stargate by OpenAI")
    session.commit()
    seen: list[int] = []

    def stop_after_second_batch(_report: object, last_article_id: int) -> None:
        seen.append(last_article_id)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rematch(session, [STARGATE], batch_size=2, on_batch=stop_after_second_batch)
    assert len(matches(session)) == 4

    report = rematch(session, [STARGATE], batch_size=2)

    assert report.passes == {"stargate": "resumed"}
    assert report.versions_checked == 1
    assert len(matches(session)) == 5


def test_rematch_honours_topic_sources(session: Session) -> None:
    add_article(session, "https://a.example/1", "Nvidia", source="heise")
    add_article(session, "https://b.example/1", "Nvidia", source="reuters")
    session.commit()
    heise_chips = TopicConfig(name="chips", query="Nvidia", sources=("heise",))
    rematch(session, [heise_chips])
    assert matches(session) == {("chips", "https://a.example/1", 1)}


def test_rematch_of_an_unknown_topic_is_an_error(session: Session) -> None:
    with pytest.raises(UnknownTopicError, match="no topic named 'nope'"):
        rematch(session, [STARGATE], topic="nope")

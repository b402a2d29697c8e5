"""Full-text search over latest versions: same answers on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from newswatch.store import models, save_article
from newswatch.store.search import SearchHit, query_words, search
from tests.store_db import migrated_engine
from tests.store_samples import FETCHED_AT, GERMAN_BODY, english_article, german_article

HANDELSBLATT = german_article(
    url="https://www.handelsblatt.com/technik/ki/rechenzentren-microsoft/100.html",
    canonical_url="https://www.handelsblatt.com/technik/ki/rechenzentren-microsoft/100.html",
    title="Microsoft baut Rechenzentren in Hessen",
    teaser="Der Konzern investiert Milliarden in künstliche Intelligenz in Deutschland.",
    body="Microsoft will bis 2025 rund 3,2 Milliarden Euro in Rechenzentren investieren. "
    "Ein Stargate-Projekt für Europa sei nicht geplant, sagte eine Sprecherin.",
    published_at=datetime(2025, 1, 20, 8, 0, tzinfo=UTC),
)


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    with migrated_engine(db_url) as (_engine, factory), factory() as session:
        save_article(session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT)
        save_article(session, english_article(), source_name="example", fetched_at=FETCHED_AT)
        save_article(session, HANDELSBLATT, source_name="handelsblatt", fetched_at=FETCHED_AT)
        yield session


def urls(hits: list[SearchHit]) -> list[str]:
    return [hit.url for hit in hits]


DE = german_article().canonical_url
EN = english_article().canonical_url
HB = HANDELSBLATT.canonical_url


def test_word_found_in_all_languages_newest_first(session: Session) -> None:
    assert urls(search(session, "Stargate")) == [DE, EN, HB]


def test_every_word_must_match_case_insensitively(session: Session) -> None:
    assert urls(search(session, "stargate SOFTBANK")) == [DE, EN]
    assert urls(search(session, "Rechenzentren Hessen")) == [HB]
    assert search(session, "Stargate Hessen Oracle") == []


def test_umlauts_and_hyphenated_words_are_found(session: Session) -> None:
    assert urls(search(session, "künstliche")) == [DE, HB]
    assert urls(search(session, "KÜNSTLICHE")) == [DE, HB]
    assert urls(search(session, "KI-Rechenzentren")) == [DE]


def test_hit_describes_latest_version(session: Session) -> None:
    [hit] = search(session, "Hessen")
    assert hit.title == "Microsoft baut Rechenzentren in Hessen"
    assert (hit.source_name, hit.language, hit.version_no) == ("handelsblatt", "de", 1)
    assert hit.published_at == datetime(2025, 1, 20, 8, 0, tzinfo=UTC)


def test_filters_source_language_since_and_limit(session: Session) -> None:
    assert urls(search(session, "Stargate", source="example")) == [EN]
    assert urls(search(session, "Stargate", lang="DE")) == [DE, HB]
    since = datetime(2025, 1, 21, tzinfo=UTC)
    assert urls(search(session, "Stargate", since=since)) == [DE, EN]
    assert urls(search(session, "Stargate", limit=1)) == [DE]


def test_search_follows_new_versions(session: Session) -> None:
    edited = german_article(body=GERMAN_BODY.replace("Abilene", "Amarillo"))
    save_article(session, edited, source_name="tagesschau", fetched_at=FETCHED_AT + timedelta(1))
    assert urls(search(session, "Amarillo")) == [DE]
    assert search(session, "Abilene", lang="de") == []
    assert urls(search(session, "Abilene")) == [EN]  # the English article is unchanged
    [hit] = search(session, "Amarillo")
    assert hit.version_no == 2


def test_deleting_the_latest_version_makes_the_previous_one_searchable(session: Session) -> None:
    edited = german_article(body=GERMAN_BODY.replace("Abilene", "Amarillo"))
    outcome = save_article(
        session, edited, source_name="tagesschau", fetched_at=FETCHED_AT + timedelta(1)
    )
    session.execute(
        delete(models.ArticleVersion).where(models.ArticleVersion.id == outcome.version_id)
    )
    session.commit()
    assert urls(search(session, "Abilene", lang="de")) == [DE]
    assert search(session, "Amarillo") == []


SYNTAX_ONLY_QUERIES = [
    '"Stargate',
    "Stargate*",
    "-Stargate",
    "Stargate:*",
    "Stargate' --",
    "Stargate & | ! ( )",
    "{Stargate}^",
]


def test_fts_syntax_characters_are_plain_separators(session: Session) -> None:
    for query in SYNTAX_ONLY_QUERIES:
        assert urls(search(session, query)) == [DE, EN, HB], query


def test_fts_operators_are_plain_words_that_must_match(session: Session) -> None:
    for query in ["Stargate OR Hessen", "NEAR(Stargate Hessen)", "title:Stargate", "NOT Hessen"]:
        assert search(session, query) == [], query


def test_query_without_words_finds_nothing(session: Session) -> None:
    assert search(session, ' "* - : ') == []


def test_query_words_are_lowercased_unique_runs_of_letters_and_digits() -> None:
    assert query_words('KI-Investitionen "Stargate" stargate 2025 foo_bar') == [
        "ki",
        "investitionen",
        "stargate",
        "2025",
        "foo",
        "bar",
    ]


def test_editing_a_stored_version_with_plain_sql_updates_the_index(session: Session) -> None:
    session.execute(
        update(models.ArticleVersion)
        .where(models.ArticleVersion.title == HANDELSBLATT.title)
        .values(body="Microsoft baut nun doch nicht in Hessen.")
    )
    session.commit()
    assert urls(search(session, "nun doch nicht")) == [HB]
    assert urls(search(session, "Sprecherin")) == []

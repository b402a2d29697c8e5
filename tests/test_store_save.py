"""save_article and friends: versions only on real change, bookkeeping on every check."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from newswatch.store import due_rechecks, mark_gone, mark_not_modified, models, save_article
from newswatch.store.compression import zstd
from newswatch.store.save import SaveOutcome, load_raw_page
from newswatch.store.search import search
from tests.store_db import migrated_engine
from tests.store_samples import FETCHED_AT, GERMAN_BODY, english_article, german_article

LATER = FETCHED_AT + timedelta(hours=1)
HTML = b"<html><head><title>Stargate</title></head><body><p>Stargate ...</p></body></html>"


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    with migrated_engine(db_url) as (_engine, factory):
        yield factory


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


def versions(session: Session, article_id: int) -> list[models.ArticleVersion]:
    query = (
        select(models.ArticleVersion)
        .where(models.ArticleVersion.article_id == article_id)
        .order_by(models.ArticleVersion.version_no)
    )
    return list(session.scalars(query))


def test_first_save_creates_article_version_one_and_source(session: Session) -> None:
    outcome = save_article(
        session,
        german_article(),
        source_name="tagesschau",
        fetched_at=FETCHED_AT,
        http_etag='"abc"',
        next_check_at=LATER,
    )
    assert (outcome.status, outcome.version_no, outcome.change_summary) == ("new", 1, {})
    article = session.get(models.Article, outcome.article_id)
    assert article is not None
    assert article.canonical_url == german_article().canonical_url
    assert article.source is not None and article.source.name == "tagesschau"
    assert (article.check_count, article.version_count, article.http_etag) == (1, 1, '"abc"')
    assert article.first_seen_at == article.last_changed_at == FETCHED_AT
    [version] = versions(session, outcome.article_id)
    assert version.id == outcome.version_id
    assert version.authors == ["Anna Beispiel", "Jonas Muster"]
    assert version.published_at == german_article().published_at
    assert version.word_count == german_article().word_count


def test_a_schedule_sets_next_check_from_first_sighting_and_check_count(session: Session) -> None:
    asked: list[tuple[object, int, str | None]] = []

    def schedule(first_seen: datetime, checks: int, source: str | None) -> datetime:
        asked.append((first_seen, checks, source))
        return first_seen + timedelta(hours=checks)

    first = save_article(
        session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT,
        schedule=schedule,
    )
    save_article(
        session, german_article(), source_name="tagesschau", fetched_at=LATER, schedule=schedule
    )

    assert asked == [(FETCHED_AT, 1, "tagesschau"), (FETCHED_AT, 2, "tagesschau")]
    article = session.get(models.Article, first.article_id)
    assert article is not None and article.next_check_at == FETCHED_AT + timedelta(hours=2)


def test_the_offset_the_page_stated_for_its_date_is_kept_beside_the_utc_time(
    session: Session,
) -> None:
    article = english_article()
    article.published_offset_minutes = -300  # 22:30 in New York is 03:30 UTC the next day

    outcome = save_article(session, article, source_name="nyt", fetched_at=FETCHED_AT)

    [version] = versions(session, outcome.article_id)
    assert version.published_offset_minutes == -300
    assert version.published_at == article.published_at


def test_refetch_with_same_content_only_updates_check_bookkeeping(session: Session) -> None:
    first = save_article(session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT)
    again = save_article(
        session,
        german_article(),
        source_name="tagesschau",
        fetched_at=LATER,
        http_etag='"v2"',
        http_last_modified="Wed, 22 Jan 2025 10:00:00 GMT",
        next_check_at=LATER + timedelta(hours=6),
    )
    assert again.status == "unchanged"
    assert (again.version_id, again.version_no) == (first.version_id, 1)
    article = session.get(models.Article, first.article_id)
    assert article is not None
    assert (article.check_count, article.version_count) == (2, 1)
    assert article.last_checked_at == LATER
    assert article.last_changed_at == FETCHED_AT
    assert article.http_etag == '"v2"'
    assert article.http_last_modified == "Wed, 22 Jan 2025 10:00:00 GMT"
    assert article.next_check_at == LATER + timedelta(hours=6)
    assert len(versions(session, first.article_id)) == 1


def test_noise_only_refetch_makes_no_new_version(session: Session) -> None:
    save_article(
        session,
        german_article(body="Kommentare5548\nvor 5 Minuten\n\n" + GERMAN_BODY),
        source_name="tagesschau",
        fetched_at=FETCHED_AT,
    )
    noisy = german_article(body="Kommentare5611   \nvor 2 Std.\n\n" + GERMAN_BODY + "\n")
    outcome = save_article(session, noisy, source_name="tagesschau", fetched_at=LATER)
    assert outcome.status == "unchanged"
    assert outcome.version_no == 1


def test_edited_paragraph_makes_version_two_with_a_change_summary(session: Session) -> None:
    first = save_article(session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT)
    edited_body = GERMAN_BODY.replace(
        "Elon Musk schrieb auf seiner Plattform X, SoftBank habe das Geld nicht.",
        "OpenAI-Chef Sam Altman wies die Kritik von Elon Musk zurück.",
    )
    outcome = save_article(
        session, german_article(body=edited_body), source_name="tagesschau", fetched_at=LATER
    )
    assert outcome.status == "changed"
    assert outcome.article_id == first.article_id
    assert outcome.version_no == 2
    assert outcome.change_summary["fields"] == ["body"]
    assert outcome.change_summary["words_added"] == 8  # "Elon Musk" stays
    assert outcome.change_summary["words_removed"] == 10
    stored = versions(session, first.article_id)
    assert [v.version_no for v in stored] == [1, 2]
    assert stored[1].change_summary == outcome.change_summary
    article = session.get(models.Article, first.article_id)
    assert article is not None
    assert (article.version_count, article.last_changed_at) == (2, LATER)


def test_one_changed_word_makes_a_new_version(session: Session) -> None:
    save_article(session, english_article(), source_name="example", fetched_at=FETCHED_AT)
    edited = english_article(body=english_article().body.replace("Abilene", "Amarillo"))
    outcome = save_article(session, edited, source_name="example", fetched_at=LATER)
    assert outcome.status == "changed"
    assert outcome.change_summary == {"fields": ["body"], "words_added": 1, "words_removed": 1}


def test_edited_headline_is_reported_as_a_title_change(session: Session) -> None:
    save_article(session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT)
    edited = german_article(
        title="Stargate: 100 Milliarden Dollar für KI-Rechenzentren", section="Technik"
    )
    outcome = save_article(session, edited, source_name="tagesschau", fetched_at=LATER)
    assert outcome.version_no == 2
    assert outcome.change_summary["fields"] == ["title", "section"]
    assert outcome.change_summary["words_added"] == 1
    assert outcome.change_summary["words_removed"] == 1


def test_canonical_url_is_the_identity(session: Session) -> None:
    first = save_article(session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT)
    amp = german_article(url="https://www.tagesschau.de/amp/wirtschaft/stargate-100.html")
    outcome = save_article(session, amp, source_name="tagesschau", fetched_at=LATER)
    assert (outcome.status, outcome.article_id) == ("unchanged", first.article_id)
    without_canonical = german_article(canonical_url=None)
    assert (
        save_article(
            session, without_canonical, source_name="tagesschau", fetched_at=LATER
        ).article_id
        == first.article_id
    )
    assert session.scalar(select(func.count()).select_from(models.Article)) == 1


def test_source_row_is_shared_by_name(session: Session) -> None:
    save_article(session, german_article(), source_name="tagesschau", fetched_at=FETCHED_AT)
    other = german_article(canonical_url="https://www.tagesschau.de/inland/other-100.html")
    save_article(session, other, source_name="tagesschau", fetched_at=LATER)
    save_article(session, english_article(), source_name=None, fetched_at=LATER)
    assert session.scalars(select(models.Source.name)).all() == ["tagesschau"]


def test_raw_html_is_compressed_and_stored_once_per_content(session: Session) -> None:
    first = save_article(
        session, german_article(), source_name="t", fetched_at=FETCHED_AT, raw_html=HTML
    )
    second = save_article(
        session, english_article(), source_name="e", fetched_at=FETCHED_AT, raw_html=HTML
    )
    [page] = session.scalars(select(models.RawPage)).all()
    assert (page.compression, page.size) == ("zstd", len(HTML))
    assert zstd.decompress(page.content) == HTML
    for outcome in (first, second):
        version = session.get(models.ArticleVersion, outcome.version_id)
        assert version is not None and version.raw_page_sha256 == page.sha256
    assert load_raw_page(session, page.sha256) == HTML


@pytest.mark.parametrize("level", [1, 6, 9])
def test_raw_pages_stored_zlib_compressed_by_earlier_versions_still_read(
    session: Session, level: int
) -> None:
    digest = hashlib.sha256(HTML).hexdigest()
    session.add(
        models.RawPage(
            sha256=digest,
            compression="zlib",
            content=zlib.compress(HTML, level),
            size=len(HTML),
            created_at=FETCHED_AT,
        )
    )
    session.commit()
    assert load_raw_page(session, digest) == HTML


def test_on_new_version_runs_in_the_transaction_of_a_new_version_only(session: Session) -> None:
    seen: list[tuple[str, bool]] = []

    def hook(hook_session: Session, outcome: SaveOutcome) -> None:
        stored = hook_session.get(models.ArticleVersion, outcome.version_id) is not None
        seen.append((outcome.status, stored and hook_session.in_transaction()))

    for body in (GERMAN_BODY, GERMAN_BODY, GERMAN_BODY + " Neu."):
        article = german_article(body=body)
        save_article(session, article, source_name="t", fetched_at=LATER, on_new_version=hook)
    assert seen == [("new", True), ("changed", True)]


def test_a_failing_on_new_version_leaves_nothing_of_the_save(session: Session) -> None:
    def hook(_session: Session, _outcome: SaveOutcome) -> None:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        save_article(
            session, german_article(), source_name="t", fetched_at=FETCHED_AT, on_new_version=hook
        )
    assert session.scalar(select(func.count()).select_from(models.Article)) == 0
    assert session.scalar(select(func.count()).select_from(models.ArticleVersion)) == 0


def test_naive_datetimes_are_rejected(session: Session) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        save_article(
            session, german_article(), source_name="t", fetched_at=FETCHED_AT.replace(tzinfo=None)
        )


def test_not_modified_recheck_updates_bookkeeping(session: Session) -> None:
    first = save_article(
        session, german_article(), source_name="t", fetched_at=FETCHED_AT, http_etag='"a"'
    )
    url = german_article().canonical_url
    assert url is not None
    assert mark_not_modified(session, url, checked_at=LATER, next_check_at=LATER + timedelta(1))
    session.expire_all()
    article = session.get(models.Article, first.article_id)
    assert article is not None
    assert (article.check_count, article.last_checked_at, article.http_etag) == (2, LATER, '"a"')
    assert article.next_check_at == LATER + timedelta(1)
    assert not mark_not_modified(
        session, "https://nowhere.example/x", checked_at=LATER, next_check_at=None
    )


def test_gone_article_keeps_its_versions_and_is_not_rechecked(session: Session) -> None:
    first = save_article(
        session, german_article(), source_name="t", fetched_at=FETCHED_AT, next_check_at=LATER
    )
    url = german_article().canonical_url
    assert url is not None
    assert mark_gone(session, url, checked_at=LATER)
    session.expire_all()
    article = session.get(models.Article, first.article_id)
    assert article is not None and article.status == "gone"
    assert len(versions(session, first.article_id)) == 1
    assert due_rechecks(session, LATER + timedelta(days=30)) == []


def test_due_rechecks_lists_overdue_active_articles_most_overdue_first(session: Session) -> None:
    save_article(
        session,
        german_article(),
        source_name="tagesschau",
        fetched_at=FETCHED_AT,
        http_etag='"de"',
        next_check_at=FETCHED_AT + timedelta(hours=2),
    )
    save_article(
        session,
        english_article(),
        source_name="example",
        fetched_at=FETCHED_AT,
        http_last_modified="Tue, 21 Jan 2025 23:15:00 GMT",
        next_check_at=FETCHED_AT + timedelta(hours=1),
    )
    later = english_article(canonical_url="https://www.example-news.com/later")
    save_article(
        session,
        later,
        source_name="example",
        fetched_at=FETCHED_AT,
        next_check_at=FETCHED_AT + timedelta(days=1),
    )
    now = FETCHED_AT + timedelta(hours=3)
    due = due_rechecks(session, now)
    assert [(d.url, d.source_name) for d in due] == [
        (english_article().canonical_url, "example"),
        (german_article().canonical_url, "tagesschau"),
    ]
    assert due[0].http_last_modified == "Tue, 21 Jan 2025 23:15:00 GMT"
    assert due[1].http_etag == '"de"'
    assert [d.source_name for d in due_rechecks(session, now, sources=["tagesschau"])] == [
        "tagesschau"
    ]
    assert len(due_rechecks(session, now, limit=1)) == 1


def test_concurrent_saves_of_one_url_number_versions_without_gaps_or_duplicates(
    sessions: sessionmaker[Session],
) -> None:
    def save(n: int) -> str:
        with sessions() as session:
            edited = german_article(body=f"{GERMAN_BODY}\n\nNachtrag Nummer {n}.")
            return save_article(session, edited, source_name="t", fetched_at=LATER).status

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(save, range(24)))
    assert statuses.count("new") == 1
    assert statuses.count("changed") == 23
    with sessions() as session:
        [article] = session.scalars(select(models.Article)).all()
        assert [v.version_no for v in versions(session, article.id)] == list(range(1, 25))
        assert article.version_count == 24
        assert article.check_count == 24


def test_concurrent_first_saves_of_identical_content_make_one_version(
    sessions: sessionmaker[Session],
) -> None:
    def save(_: int) -> str:
        with sessions() as session:
            return save_article(
                session, english_article(), source_name="example", fetched_at=LATER
            ).status

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(save, range(12)))
    assert sorted(statuses) == ["new"] + ["unchanged"] * 11
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(models.ArticleVersion)) == 1
        assert session.scalar(select(func.count()).select_from(models.Source)) == 1


def test_nul_characters_are_dropped_so_every_dialect_can_store_the_text(session: Session) -> None:
    broken = german_article(title="Stargate:\x00 500 Milliarden", authors=["Anna\x00 Beispiel"])
    outcome = save_article(session, broken, source_name="t", fetched_at=FETCHED_AT)
    version = session.get(models.ArticleVersion, outcome.version_id)
    assert version is not None
    assert (version.title, version.authors) == ("Stargate: 500 Milliarden", ["Anna Beispiel"])


def test_a_huge_junk_body_is_saved_and_its_beginning_searchable(session: Session) -> None:
    junk = " ".join(hashlib.md5(str(i).encode()).hexdigest() for i in range(40_000))
    outcome = save_article(
        session, german_article(body="Anfang " + junk), source_name="t", fetched_at=FETCHED_AT
    )
    assert outcome.status == "new"
    assert [hit.article_id for hit in search(session, "Anfang")] == [outcome.article_id]
    beyond_index = hashlib.md5(b"39999").hexdigest()  # past the first 200,000 characters
    assert search(session, beyond_index) == []

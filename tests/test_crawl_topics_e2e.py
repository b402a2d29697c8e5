"""`newswatch crawl` tags new and changed versions with topics.toml; `--only-topics` stores only
matching articles and remembers the others (local site, subprocess crawls, both dialects)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from newswatch.demo.server import Page, SiteServer
from newswatch.store import models
from tests.crawl_site import (
    PARAGRAPHS,
    archive,
    article_html,
    crawl,
    rss,
    run_newswatch,
    write_sources,
    xml_page,
)

pytestmark = pytest.mark.slow

TOPICS = """
[[topic]]
name = "stargate"
query = 'Stargate OR "OpenAI-Rechenzentrum"'
"""

ON_TOPIC = [*PARAGRAPHS, "Das Vorhaben ist Teil des Stargate-Programms von OpenAI."]

OFF_TOPIC = [
    "Der Stadtrat beschloss am Abend einen neuen Haushalt für die Sanierung der Schulen.",
    "Die Opposition kritisierte die Pläne als zu spät und zu klein.",
]


@pytest.fixture
def site() -> Iterator[SiteServer]:
    with SiteServer() as server:
        yield server


def feed(site: SiteServer, *names: str) -> None:
    site.set("/feed.xml", xml_page(rss(site.base_url, [f"/artikel/{n}.html" for n in names])))


def write_topics(path: Path) -> Path:
    path.write_text(TOPICS, encoding="utf-8")
    return path


def matches_by_url(db_url: str) -> dict[str, list[tuple[int, str, dict[str, int]]]]:
    """{article URL: [(version_no, topic, term_hits), ...]} in version order."""
    with archive(db_url) as session:
        rows = session.execute(
            select(
                models.Article.canonical_url,
                models.ArticleVersion.version_no,
                models.Topic.name,
                models.TopicMatch.term_hits,
            )
            .join(models.TopicMatch, models.TopicMatch.article_id == models.Article.id)
            .join(models.ArticleVersion, models.ArticleVersion.id == models.TopicMatch.version_id)
            .join(models.Topic, models.Topic.id == models.TopicMatch.topic_id)
            .order_by(models.ArticleVersion.version_no)
        ).all()
    found: dict[str, list[tuple[int, str, dict[str, int]]]] = {}
    for url, version_no, topic, term_hits in rows:
        found.setdefault(url, []).append((version_no, topic, term_hits))
    return found


def stored_urls(db_url: str) -> set[str]:
    with archive(db_url) as session:
        return set(session.scalars(select(models.Article.canonical_url)))


def test_matching_article_is_tagged_with_its_terms_and_a_non_matching_one_is_not(
    site: SiteServer, tmp_path: Path, db_url: str
) -> None:
    feed(site, "stargate", "haushalt")
    site.set("/artikel/stargate.html", Page(article_html("Milliarden für Rechenzentren", ON_TOPIC)))
    site.set("/artikel/haushalt.html", Page(article_html("Neuer Haushalt", OFF_TOPIC)))
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])
    topics = write_topics(tmp_path / "topics.toml")

    result = crawl(sources, db_url, "--topics", str(topics))

    assert result.returncode == 0, result.stderr
    assert matches_by_url(db_url) == {
        site.url("/artikel/stargate.html"): [(1, "stargate", {"Stargate": 1})]
    }
    assert stored_urls(db_url) == {
        site.url("/artikel/stargate.html"),
        site.url("/artikel/haushalt.html"),
    }


def test_topics_toml_in_the_working_directory_is_used_by_default(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    feed(site, "stargate")
    site.set("/artikel/stargate.html", Page(article_html("Milliarden für Rechenzentren", ON_TOPIC)))
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])
    write_topics(tmp_path / "topics.toml")  # crawl() runs in the directory of sources.toml

    assert crawl(sources, sqlite_url).returncode == 0

    assert list(matches_by_url(sqlite_url)) == [site.url("/artikel/stargate.html")]


def test_an_edited_version_that_newly_matches_gets_its_own_match(
    site: SiteServer, tmp_path: Path, db_url: str
) -> None:
    feed(site, "update")
    site.set("/artikel/update.html", Page(article_html("Rechenzentren in Hessen")))
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])
    topics = write_topics(tmp_path / "topics.toml")
    assert crawl(sources, db_url, "--topics", str(topics)).returncode == 0
    assert matches_by_url(db_url) == {}

    update_note = "Update: Das Projekt gehört zum Stargate-Programm von OpenAI."
    site.set(
        "/artikel/update.html",
        Page(article_html("Rechenzentren in Hessen", [*PARAGRAPHS, update_note])),
    )
    with archive(db_url) as session:  # the re-check ladder's next step has come
        session.execute(update(models.Article).values(next_check_at=models.Article.first_seen_at))
        session.commit()
    second = crawl(sources, db_url, "--topics", str(topics))

    assert second.returncode == 0, second.stderr
    assert matches_by_url(db_url) == {
        site.url("/artikel/update.html"): [(2, "stargate", {"Stargate": 1})]
    }


def test_only_topics_stores_matching_articles_and_does_not_refetch_the_others(
    site: SiteServer, tmp_path: Path, db_url: str
) -> None:
    feed(site, "stargate", "haushalt")
    site.set("/artikel/stargate.html", Page(article_html("Milliarden für Rechenzentren", ON_TOPIC)))
    site.set("/artikel/haushalt.html", Page(article_html("Neuer Haushalt", OFF_TOPIC)))
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])
    topics = write_topics(tmp_path / "topics.toml")

    first = crawl(sources, db_url, "--topics", str(topics), "--only-topics")
    second = crawl(sources, db_url, "--topics", str(topics), "--only-topics")

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert stored_urls(db_url) == {site.url("/artikel/stargate.html")}
    with archive(db_url) as session:
        seen = session.scalars(select(models.SeenUrl)).all()
    assert [(s.url, s.reason) for s in seen] == [(site.url("/artikel/haushalt.html"), "off_topic")]
    assert len(site.requests_for("/artikel/haushalt.html")) == 1
    check = run_newswatch("check", "--db", db_url, cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr


def test_an_explicitly_named_missing_topics_file_is_a_config_error(
    tmp_path: Path, site: SiteServer
) -> None:
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])

    result = crawl(sources, f"sqlite:///{tmp_path / 'a.db'}", "--topics", "nope.toml")

    assert result.returncode == 2
    assert "nope.toml: topics file not found" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "a.db").exists()


def test_only_topics_without_any_topics_file_is_a_config_error(
    tmp_path: Path, site: SiteServer
) -> None:
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])

    result = crawl(sources, f"sqlite:///{tmp_path / 'a.db'}", "--only-topics")

    assert result.returncode == 2
    assert "--only-topics needs topics" in result.stderr

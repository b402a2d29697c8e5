"""`newswatch crawl` end to end against a local site (subprocess crawls, real archive)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from newswatch.demo.server import Page, SiteServer
from newswatch.scheduling import RunLock
from newswatch.store import models
from tests.crawl_site import (
    PAGE_PROCESSING,
    PARAGRAPHS,
    archive,
    article_html,
    articles_by_url,
    child_env,
    crawl,
    last_run,
    newswatch_command,
    rss,
    section,
    sitemap,
    write_sources,
    xml_page,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def site() -> Iterator[SiteServer]:
    server = SiteServer()
    server.set(
        "/robots.txt", Page(b"User-agent: *\nDisallow: /intern/\n", content_type="text/plain")
    )
    with server:
        yield server


def make_due_now(db_url: str) -> None:
    """Pretend the re-check ladder's next step has come for every article."""
    with archive(db_url) as session:
        session.execute(update(models.Article).values(next_check_at=models.Article.first_seen_at))
        session.commit()


def test_articles_are_discovered_from_feeds_sitemaps_and_sections(
    site: SiteServer, tmp_path: Path, db_url: str
) -> None:
    site.set("/feed.xml", xml_page(rss(site.base_url, ["/artikel/aus-dem-feed.html"])))
    site.set("/sitemap.xml", xml_page(sitemap(site.base_url, ["/artikel/aus-der-sitemap.html"])))
    site.set("/wirtschaft/", Page(section(["/artikel/aus-der-rubrik.html", "/impressum.html"])))
    for name in ("aus-dem-feed", "aus-der-sitemap", "aus-der-rubrik"):
        site.set(f"/artikel/{name}.html", Page(article_html(f"Artikel {name}")))
    sources = write_sources(
        tmp_path / "sources.toml",
        site,
        feeds=["/feed.xml"],
        sitemaps=["/sitemap.xml"],
        sections=["/wirtschaft/"],
    )

    result = crawl(sources, db_url)

    assert result.returncode == 0, result.stderr
    assert sorted(articles_by_url(db_url)) == sorted(
        site.url(f"/artikel/{n}.html")
        for n in ("aus-dem-feed", "aus-der-rubrik", "aus-der-sitemap")
    )
    assert "new 3" in result.stdout
    run = last_run(db_url)
    assert run.status == "finished" and run.counters["new"] == 3 and run.sources == ["site"]
    assert not site.requests_for("/impressum.html")  # not an article link (allow rule)


def test_one_article_reached_by_two_urls_is_stored_once(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    canonical = site.url("/artikel/stargate.html")
    site.set(
        "/feed.xml",
        xml_page(
            rss(
                site.base_url,
                [
                    "/artikel/stargate.html?utm_source=rss&utm_medium=feed",
                    "/artikel/amp/stargate.html",
                ],
            )
        ),
    )
    site.set("/wirtschaft/", Page(section(["/artikel/stargate.html#kommentare"])))
    site.set("/artikel/stargate.html", Page(article_html("Stargate", canonical=canonical)))
    site.set("/artikel/amp/stargate.html", Page(article_html("Stargate", canonical=canonical)))
    sources = write_sources(
        tmp_path / "sources.toml", site, feeds=["/feed.xml"], sections=["/wirtschaft/"]
    )

    assert crawl(sources, sqlite_url).returncode == 0

    articles = articles_by_url(sqlite_url)
    assert list(articles) == [canonical]
    assert articles[canonical].version_count == 1
    assert len(site.requests_for("/artikel/stargate.html")) == 1


def test_robots_txt_disallow_is_respected(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    site.set(
        "/feed.xml",
        xml_page(rss(site.base_url, ["/artikel/offen.html", "/intern/artikel/geheim.html"])),
    )
    site.set("/artikel/offen.html", Page(article_html("Offen")))
    site.set("/intern/artikel/geheim.html", Page(article_html("Geheim")))
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])

    result = crawl(sources, sqlite_url)

    assert result.returncode == 0, result.stderr
    assert not site.requests_for("/intern/artikel/geheim.html")
    assert list(articles_by_url(sqlite_url)) == [site.url("/artikel/offen.html")]
    assert last_run(sqlite_url).counters["skipped"].get("robots") == 1


def test_private_addresses_are_refused_unless_the_source_allows_them(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    site.set("/feed.xml", xml_page(rss(site.base_url, ["/artikel/a.html"])))
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])
    sources.write_text(
        sources.read_text().replace("allow_private_addresses = true", ""), encoding="utf-8"
    )

    result = crawl(sources, sqlite_url)

    assert result.returncode == 0, result.stderr
    assert site.log == []  # not even robots.txt was fetched
    assert last_run(sqlite_url).counters["skipped"]["private_address"] >= 1


def test_unchanged_article_rechecked_with_etag_gets_304_and_no_parsing(
    site: SiteServer, tmp_path: Path, db_url: str
) -> None:
    site.set("/feed.xml", xml_page(rss(site.base_url, ["/artikel/a.html"])))
    site.set("/artikel/a.html", Page(article_html("A")))
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])
    assert crawl(sources, db_url).returncode == 0
    make_due_now(db_url)

    second = crawl(sources, db_url)

    assert second.returncode == 0, second.stderr
    first_fetch, recheck = site.requests_for("/artikel/a.html")
    assert "if-none-match" not in first_fetch.headers
    assert recheck.headers["if-none-match"] and recheck.status == 304
    run = last_run(db_url)
    assert run.counters["not_modified"] == 1 and run.counters["pages"] == 0
    (article,) = articles_by_url(db_url).values()
    assert article.check_count == 2 and article.version_count == 1
    assert article.next_check_at is not None and article.next_check_at > article.first_seen_at


@pytest.mark.parametrize("processing", PAGE_PROCESSING)
def test_edited_article_becomes_version_2_and_a_ticking_comment_counter_does_not(
    site: SiteServer, tmp_path: Path, db_url: str, processing: str
) -> None:
    site.set(
        "/feed.xml", xml_page(rss(site.base_url, ["/artikel/edit.html", "/artikel/forum.html"]))
    )
    site.set("/artikel/edit.html", Page(article_html("Milliarden für KI")))
    site.set("/artikel/forum.html", Page(article_html("Debatte", comments=12)))
    sources = write_sources(
        tmp_path / "sources.toml",
        site,
        feeds=["/feed.xml"],
        crawl_extra=PAGE_PROCESSING[processing],
    )
    assert crawl(sources, db_url).returncode == 0

    correction = "Korrektur: Das Investitionsvolumen beträgt zwölf, nicht zwanzig Milliarden Euro."
    site.set(
        "/artikel/edit.html", Page(article_html("Milliarden für KI", [*PARAGRAPHS, correction]))
    )
    site.set("/artikel/forum.html", Page(article_html("Debatte", comments=13)))
    make_due_now(db_url)
    second = crawl(sources, db_url)

    assert second.returncode == 0, second.stderr
    articles = articles_by_url(db_url)
    edited = articles[site.url("/artikel/edit.html")]
    assert [v.version_no for v in edited.versions] == [1, 2]
    assert correction not in edited.versions[0].body
    assert correction in edited.versions[1].body
    assert "body" in edited.versions[1].change_summary["fields"]
    assert edited.versions[1].change_summary["words_added"] >= len(correction.split()) - 1
    forum = articles[site.url("/artikel/forum.html")]
    assert forum.version_count == 1 and forum.check_count == 2
    run = last_run(db_url)
    assert (run.counters["changed"], run.counters["unchanged"]) == (1, 1)


def test_rechecked_article_that_is_gone_is_marked_gone_and_keeps_its_versions(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    site.set("/feed.xml", xml_page(rss(site.base_url, ["/artikel/weg.html"])))
    site.set("/artikel/weg.html", Page(article_html("Bald weg")))
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])
    assert crawl(sources, sqlite_url).returncode == 0
    site.set("/artikel/weg.html", Page(b"gone", status=410, content_type="text/plain"))
    make_due_now(sqlite_url)

    assert crawl(sources, sqlite_url).returncode == 0

    (article,) = articles_by_url(sqlite_url).values()
    assert article.status == "gone" and article.version_count == 1 and article.next_check_at is None
    assert last_run(sqlite_url).counters["gone"] == 1


def test_429_with_retry_after_is_retried_after_the_wait(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    site.set("/feed.xml", xml_page(rss(site.base_url, ["/artikel/a.html"])))
    site.set("/artikel/a.html", Page(article_html("A")))
    site.script("/artikel/a.html", Page(b"slow down", status=429, headers={"Retry-After": "1"}))
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])

    result = crawl(sources, sqlite_url)

    assert result.returncode == 0, result.stderr
    assert [r.status for r in site.requests_for("/artikel/a.html")] == [429, 200]
    assert list(articles_by_url(sqlite_url)) == [site.url("/artikel/a.html")]


def test_retry_after_beyond_the_limit_is_given_up_and_counted(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    site.set("/feed.xml", xml_page(rss(site.base_url, ["/artikel/a.html"])))
    site.script(
        "/artikel/a.html", Page(b"come back tomorrow", status=503, headers={"Retry-After": "86400"})
    )
    sources = write_sources(
        tmp_path / "sources.toml", site, feeds=["/feed.xml"], crawl_extra="retry_after_max = 60"
    )

    result = crawl(sources, sqlite_url)

    assert result.returncode == 0, result.stderr
    assert [r.status for r in site.requests_for("/artikel/a.html")] == [503]
    errors = last_run(sqlite_url).counters["errors"]
    assert errors["retry_after_too_long"] == 1 and errors["http_503"] == 1


def test_server_error_then_success_is_retried(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    site.set("/feed.xml", xml_page(rss(site.base_url, ["/artikel/a.html"])))
    site.set("/artikel/a.html", Page(article_html("A")))
    site.script("/artikel/a.html", Page(b"oops", status=500), Page(b"oops", status=502))
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])

    result = crawl(sources, sqlite_url)

    assert result.returncode == 0, result.stderr
    assert [r.status for r in site.requests_for("/artikel/a.html")] == [500, 502, 200]
    assert last_run(sqlite_url).counters["new"] == 1


def test_an_overlapping_run_exits_at_once_with_exit_code_3(
    site: SiteServer, tmp_path: Path
) -> None:
    site.set("/feed.xml", xml_page(rss(site.base_url, [])))
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])
    db = tmp_path / "archive.db"

    with RunLock(tmp_path / "archive.db.lock"):
        result = crawl(sources, f"sqlite:///{db}")

    assert result.returncode == 3
    assert "another crawl is running" in result.stderr and "not starting" in result.stderr
    assert site.log == []


def test_bad_config_exits_2_before_anything_runs(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "x"\nfeeds = ["https://x.example/rss"]\nfeeed = 1\n')

    result = crawl(sources, f"sqlite:///{tmp_path / 'a.db'}")

    assert result.returncode == 2
    assert "unknown key 'feeed'" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "a.db").exists()


@pytest.mark.parametrize("processing", PAGE_PROCESSING)
def test_sigterm_mid_crawl_leaves_no_half_written_article_and_a_new_run_completes(
    site: SiteServer, tmp_path: Path, sqlite_url: str, processing: str
) -> None:
    child = start_slow_crawl(site, tmp_path, sqlite_url, PAGE_PROCESSING[processing])
    try:
        child.send_signal(signal.SIGTERM)
        stdout, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, stderr
    interrupted = last_run(sqlite_url)
    assert interrupted.status == "interrupted" and "interrupted" in stdout
    stored = articles_by_url(sqlite_url)
    assert 0 < len(stored) < 30
    assert all(a.version_count == 1 and len(a.versions) == 1 for a in stored.values())

    again = crawl(tmp_path / "sources.toml", sqlite_url)

    assert again.returncode == 0, again.stderr
    assert last_run(sqlite_url).status == "finished"
    assert len(articles_by_url(sqlite_url)) == 30


def test_runs_lists_recent_runs(site: SiteServer, tmp_path: Path, sqlite_url: str) -> None:
    site.set("/feed.xml", xml_page(rss(site.base_url, [])))
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])
    assert crawl(sources, sqlite_url).returncode == 0

    listing = subprocess.run(
        newswatch_command("runs", "--db", sqlite_url),
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    header, row = listing.splitlines()[:2]
    assert header.split()[:3] == ["id", "started", "(UTC)"]
    assert row.split()[0] == str(last_run(sqlite_url).id) and "finished" in row


def test_unreachable_feed_is_retried_with_backoff_then_counted(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: connection refused
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])
    sources.write_text(
        sources.read_text().replace(
            site.url("/feed.xml"), f"http://127.0.0.1:{closed_port}/feed.xml"
        ),
        encoding="utf-8",
    )

    result = crawl(sources, sqlite_url)

    assert result.returncode == 0, result.stderr
    assert last_run(sqlite_url).counters["errors"] == {"connection_refused": 1}


def test_scrapy_crawl_news_runs_the_same_spider(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    site.set("/feed.xml", xml_page(rss(site.base_url, ["/artikel/a.html"])))
    site.set("/artikel/a.html", Page(article_html("A")))
    sources = write_sources(
        tmp_path / "sources.toml", site, feeds=["/feed.xml"], crawl_extra="obey_robots_txt = false"
    )
    (tmp_path / "scrapy.cfg").write_text("[settings]\ndefault = newswatch.settings\n")

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "news",
            "-s",
            f"NEWSWATCH_SOURCES={sources}",
            "-s",
            f"NEWSWATCH_DATABASE_URL={sqlite_url}",
        ],
        cwd=tmp_path,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert list(articles_by_url(sqlite_url)) == [site.url("/artikel/a.html")]
    assert not site.requests_for("/robots.txt")  # the file's [crawl] table was applied


def start_slow_crawl(
    site: SiteServer, tmp_path: Path, db_url: str, crawl_extra: str = ""
) -> subprocess.Popen[str]:
    """A crawl of 30 slow articles, returned once it is busy fetching them."""
    paths = [f"/artikel/a{i}.html" for i in range(30)]
    site.set("/feed.xml", xml_page(rss(site.base_url, paths)))
    for i, path in enumerate(paths):
        site.set(path, Page(article_html(f"Artikel {i}"), delay=0.2))
    sources = write_sources(
        tmp_path / "sources.toml",
        site,
        feeds=["/feed.xml"],
        crawl_extra="concurrent_requests = 2\n" + crawl_extra,
    )
    child = subprocess.Popen(
        newswatch_command("crawl", "--sources", str(sources), "--db", db_url),
        cwd=tmp_path,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(600):  # wait (at most ~60 s) until a few articles have been served
        if sum(1 for r in site.log if r.path.startswith("/artikel/")) >= 5:
            break
        time.sleep(0.1)
    return child


def test_a_killed_run_is_reported_by_the_next_one_and_its_row_closed(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    child = start_slow_crawl(site, tmp_path, sqlite_url)
    child.kill()
    child.communicate(timeout=60)
    killed_run = last_run(sqlite_url)
    assert killed_run.status == "running"  # nobody could record its end

    again = crawl(tmp_path / "sources.toml", sqlite_url)

    assert again.returncode == 0, again.stderr
    assert "did not end cleanly" in again.stderr and f"pid {child.pid}" in again.stderr
    with archive(sqlite_url) as session:
        closed = session.get(models.CrawlRun, killed_run.id)
        assert closed is not None and closed.status == "failed"
        assert "killed" in (closed.error or "")
    stored = articles_by_url(sqlite_url)
    assert len(stored) == 30 and all(len(a.versions) == 1 for a in stored.values())


def test_log_file_gets_the_log_and_the_summary(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    site.set("/feed.xml", xml_page(rss(site.base_url, ["/artikel/a.html"])))
    site.set("/artikel/a.html", Page(article_html("A")))
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])
    log = tmp_path / "logs" / "crawl.log"
    log.parent.mkdir()

    result = crawl(sources, sqlite_url, "--log-file", str(log))

    assert result.returncode == 0, result.stderr
    text = log.read_text(encoding="utf-8")
    assert "Spider opened" in text and "crawl run 1 finished: pages 1, new 1" in text
    assert result.stderr == ""


def test_check_validates_config_and_database_without_crawling(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    sources = write_sources(tmp_path / "sources.toml", site, feeds=["/feed.xml"])

    result = crawl(sources, sqlite_url, "--check")

    assert result.returncode == 0, result.stderr
    assert "1 source(s) OK" in result.stdout
    assert site.log == []


def test_oversized_pages_and_xml_bombs_are_counted_not_stored(
    site: SiteServer, tmp_path: Path, sqlite_url: str
) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<rss><channel><item><title>&b;</title><link>/artikel/bomb.html</link></item>"
        b"</channel></rss>"
    )
    site.set("/bomb.xml", xml_page(bomb))
    site.set("/feed.xml", xml_page(rss(site.base_url, ["/artikel/riesig.html"])))
    site.set("/artikel/riesig.html", Page(article_html("Riesig", PARAGRAPHS * 200)))
    sources = write_sources(
        tmp_path / "sources.toml",
        site,
        feeds=["/feed.xml", "/bomb.xml"],
        crawl_extra="download_maxsize = 65536\ndownload_warnsize = 32768",
    )

    result = crawl(sources, sqlite_url)

    assert result.returncode == 0, result.stderr
    assert last_run(sqlite_url).counters["errors"] == {"bad_feed": 1, "too_large": 1}
    assert articles_by_url(sqlite_url) == {}
    assert not site.requests_for("/artikel/bomb.html")

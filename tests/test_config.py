"""sources.toml is validated up front, with messages that name the file, source and field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from newswatch.config import (
    DEFAULT_LADDER,
    ConfigError,
    load_config,
    parse_duration,
    resolve_sources_path,
)
from newswatch.extract import ExtractOverrides
from newswatch.topics import load_topics

TEMPLATES = Path(__file__).resolve().parents[1] / "newswatch" / "templates"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_source_needs_only_a_name_and_one_url(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, '[[source]]\nname = "heise"\nfeeds = ["https://www.heise.de/rss/heise-atom.xml"]\n')
    )
    (source,) = config.sources
    assert source.name == "heise"
    assert source.feeds == ("https://www.heise.de/rss/heise-atom.xml",)
    assert source.domains == ("heise.de",)
    assert source.allow_private_addresses is False
    assert source.max_age_days == config.crawl.max_age_days
    assert config.crawl.recheck_ladder == DEFAULT_LADDER


def test_all_source_keys_are_parsed_into_typed_values(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            """
[crawl]
contact = "mailto:ops@example.org"
recheck_ladder = ["30m", "2h", "1d"]
max_age_days = 5

[[source]]
name = "guardian"
language = "en"
feeds = ["https://www.theguardian.com/technology/rss"]
sitemaps = ["https://www.theguardian.com/sitemaps/news.xml"]
sections = ["https://www.theguardian.com/technology"]
allow = ['/\\d{4}/[a-z]{3}/\\d{2}/']
deny = ['/live/']
domains = ["guardian.co.uk"]
max_age_days = 3
allow_private_addresses = true
timezone = "Europe/London"
body_selector = "div.article-body"
date_selector = "time[datetime]"
""",
        )
    )
    source = config.source("guardian")
    assert source.language == "en"
    assert source.max_age == timedelta(days=3)
    assert source.domains == ("guardian.co.uk", "theguardian.com")
    assert source.timezone is not None and str(source.timezone) == "Europe/London"
    assert source.extract == ExtractOverrides(
        body_selector="div.article-body", date_selector="time[datetime]", timezone="Europe/London"
    )
    assert source.link_allowed("https://www.theguardian.com/world/2025/jan/22/stargate")
    assert not source.link_allowed("https://www.theguardian.com/world/live/2025/jan/22/x")
    assert not source.link_allowed("https://www.theguardian.com/technology")
    assert config.crawl.recheck_ladder == (
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(days=1),
    )
    assert "ops@example.org" in config.crawl.full_user_agent


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\nfeed = []\n',
         "source 'a': unknown key 'feed'"),
        ('[[source]]\nname = "a"\n', "source 'a': needs at least one URL"),
        ('[[source]]\nfeeds = ["https://a.example/rss"]\n',
         "source #1: name: required key missing"),
        ('[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\nallow = ["(unclosed"]\n',
         "source 'a': allow: invalid regular expression '(unclosed'"),
        ('[[source]]\nname = "a"\nfeeds = ["ftp://a.example/rss"]\n',
         "source 'a': feeds: 'ftp://a.example/rss' is not an absolute http(s) URL"),
        ('[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\nmax_age_days = "7"\n',
         "source 'a': max_age_days: must be an integer"),
        ('[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\nallow_private_addresses = 1\n',
         "source 'a': allow_private_addresses: must be true or false"),
        ('[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\ntimezone = "Mars/Olympus"\n',
         "source 'a': timezone: unknown time zone 'Mars/Olympus'"),
        ('[crawl]\nretry_times = -1\n[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n',
         "[crawl]: retry_times: must be at least 0"),
        ('[crawl]\npage_workers = -1\n[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n',
         "[crawl]: page_workers: must be at least 0"),
        ('[crawl]\npage_workers_after = -2\n[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n',
         "[crawl]: page_workers_after: must be at least 0"),
        ('[crawl]\nrecheck_ladder = ["4h", "1h"]\n[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n',
         "[crawl]: recheck_ladder: steps must be positive and increasing"),
        ('[crawl]\nuseragent = "x"\n[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n',
         "[crawl]: unknown key 'useragent'"),
        ('[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n'
         '[[source]]\nname = "a"\nfeeds = ["https://a.example/atom"]\n',
         "source 'a': name: duplicate source name"),
        ('sources = []\n', "unknown top-level key 'sources'"),
        ('[crawl]\n', "no [[source]] tables"),
        ('[[source]\nname = "a"\n', "invalid TOML"),
    ],
)
def test_invalid_config_names_file_source_and_field(
    tmp_path: Path, body: str, message: str
) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    assert str(excinfo.value).startswith(str(path))
    assert message in str(excinfo.value)


def test_page_workers_default_to_the_machine_and_can_be_set(tmp_path: Path) -> None:
    source = '[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n'
    assert load_config(write(tmp_path, source)).crawl.page_workers is None
    chosen = load_config(write(tmp_path, "[crawl]\npage_workers = 0\n" + source))
    assert chosen.crawl.page_workers == 0


def test_page_workers_start_after_two_seconds_of_waiting_work_unless_set(tmp_path: Path) -> None:
    source = '[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n'
    assert load_config(write(tmp_path, source)).crawl.page_workers_after == 2.0
    chosen = load_config(write(tmp_path, "[crawl]\npage_workers_after = 0\n" + source))
    assert chosen.crawl.page_workers_after == 0.0


def test_missing_file_suggests_newswatch_init(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="newswatch init"):
        load_config(tmp_path / "nope.toml")


def test_sources_path_comes_from_option_then_environment_then_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSWATCH_SOURCES", "/etc/newswatch/sources.toml")
    assert resolve_sources_path("mine.toml") == Path("mine.toml")
    assert resolve_sources_path(None) == Path("/etc/newswatch/sources.toml")
    monkeypatch.delenv("NEWSWATCH_SOURCES")
    assert resolve_sources_path(None) == Path("sources.toml")


def test_selecting_an_unknown_source_is_an_error(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n'))
    assert config.select([]) == config.sources
    with pytest.raises(ConfigError, match="no source named 'b'"):
        config.select(["b"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90s", timedelta(seconds=90)), ("4h", timedelta(hours=4)), ("1.5d", timedelta(hours=36)),
     ("2w", timedelta(days=14))],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


def test_starter_sources_file_is_valid_and_has_german_and_english_sources() -> None:
    config = load_config(TEMPLATES / "sources.toml")
    languages = {s.language for s in config.sources}
    assert {"de", "en"} <= languages
    assert {"tagesschau", "spiegel", "heise", "guardian", "bbc"} <= {s.name for s in config.sources}


def test_starter_topics_file_has_the_ai_investment_topic_in_both_languages() -> None:
    (topic,) = load_topics(TEMPLATES / "topics.toml")
    assert (topic.name, topic.languages) == ("ai-investment", ("de", "en"))
    for term in ("Stargate", "Rechenzentr*", "invest*", "=KI", "=AI"):
        assert term in topic.query


def test_crawl_commits_skip_the_wal_flush_unless_synchronous_commit_is_set(
    tmp_path: Path,
) -> None:
    source = '[[source]]\nname = "a"\nfeeds = ["https://a.example/rss"]\n'
    assert load_config(write(tmp_path, source)).crawl.synchronous_commit is False
    chosen = load_config(write(tmp_path, "[crawl]\nsynchronous_commit = true\n" + source))
    assert chosen.crawl.synchronous_commit is True
    with pytest.raises(ConfigError, match="synchronous_commit"):
        load_config(write(tmp_path, '[crawl]\nsynchronous_commit = "off"\n' + source))

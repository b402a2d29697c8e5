"""sources.toml -> typed, validated configuration objects.

The file has one optional ``[crawl]`` table (politeness and scheduling settings shared by all
sources) and one ``[[source]]`` table per news site. Everything is validated up front: a wrong
type, a bad regex, an unknown key or a missing required key raises :class:`ConfigError` whose
message names the file, the source and the field. Nothing in here touches the network.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newswatch import __version__
from newswatch.extract import ExtractOverrides

#: Environment variable naming the sources file when ``--sources`` is not given.
SOURCES_ENV = "NEWSWATCH_SOURCES"
#: Environment variable naming the shared frontier's Redis (overrides ``[crawl] redis_url``).
REDIS_ENV = "NEWSWATCH_REDIS_URL"
_REDIS_SCHEMES = ("redis", "rediss", "unix")
DEFAULT_SOURCES_PATH = Path("sources.toml")

DEFAULT_LADDER: tuple[timedelta, ...] = (
    timedelta(hours=1),
    timedelta(hours=4),
    timedelta(hours=12),
    timedelta(days=1),
    timedelta(days=3),
    timedelta(days=7),
)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class ConfigError(ValueError):
    """A configuration file is missing, unreadable or invalid. The message is user-facing."""


@dataclass(frozen=True)
class CrawlConfig:
    """Politeness and scheduling settings shared by every source (the ``[crawl]`` table)."""

    user_agent: str = f"newswatch/{__version__} (news archive crawler)"
    contact: str = ""
    concurrent_requests: int = 16
    concurrent_requests_per_domain: int = 2
    download_delay: float = 1.0
    autothrottle: bool = True
    autothrottle_target_concurrency: float = 1.0
    autothrottle_max_delay: float = 60.0
    obey_robots_txt: bool = True
    retry_times: int = 3
    retry_backoff_base: float = 2.0
    retry_backoff_max: float = 60.0
    retry_after_max: float = 300.0
    download_timeout: float = 30.0
    download_maxsize: int = 10 * 1024 * 1024
    download_warnsize: int = 2 * 1024 * 1024
    max_age_days: int = 14
    #: links read from one feed or sitemap at most (the rest: skipped/link_limit)
    max_links_per_feed: int = 5000
    recheck_ladder: tuple[timedelta, ...] = DEFAULT_LADDER
    lock_file: Path | None = None
    #: Redis of the shared frontier (scrapy-redis); None: one host, Scrapy's own scheduler.
    redis_url: str | None = None
    #: Prefix of the frontier's Redis keys (several archives can share one Redis).
    redis_prefix: str = "newswatch"
    #: Seconds an idle worker waits for busy ones to produce more work; a worker silent for
    #: this long counts as gone.
    frontier_wait: float = 30.0
    #: Processes that extract and store pages beside the crawl process (0: in the crawl
    #: process); None: one per CPU beyond the first, but two on two CPUs,
    #: at most four.
    page_workers: int | None = None
    #: Page workers start once the pages waiting would keep the crawl process busy this many
    #: seconds (until then it processes them itself: starting a worker costs about half a
    #: second of CPU, which a small site never earns back); 0: with the first page.
    page_workers_after: float = 2.0
    #: PostgreSQL: whether each article's commit waits for the WAL flush to disk. False (the
    #: default): a crash of the database server or machine can lose the last fraction of a
    #: second of saved articles, which the next crawl fetches again; the same trade as SQLite's
    #: WAL mode with ``synchronous = NORMAL``. True: PostgreSQL's own default.
    synchronous_commit: bool = False

    @property
    def full_user_agent(self) -> str:
        """The User-Agent header: the configured agent plus the contact, when given."""
        if self.contact and self.contact not in self.user_agent:
            return f"{self.user_agent} (+{self.contact})"
        return self.user_agent


@dataclass(frozen=True)
class SourceConfig:
    """One news site (a ``[[source]]`` table)."""

    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    language: str | None = None
    allow: tuple[re.Pattern[str], ...] = ()
    deny: tuple[re.Pattern[str], ...] = ()
    domains: tuple[str, ...] = ()
    max_age_days: int = CrawlConfig.max_age_days
    allow_private_addresses: bool = False
    timezone: ZoneInfo | None = None
    extract: ExtractOverrides | None = None

    @property
    def start_urls(self) -> tuple[str, ...]:
        return self.feeds + self.sitemaps + self.sections

    @property
    def max_age(self) -> timedelta:
        return timedelta(days=self.max_age_days)

    def link_allowed(self, url: str) -> bool:
        """Whether an article link passes this source's ``allow``/``deny`` rules."""
        if any(p.search(url) for p in self.deny):
            return False
        return not self.allow or any(p.search(url) for p in self.allow)

    def snapshot(self) -> dict[str, Any]:
        """A JSON-able picture of this source (stored with the source row)."""
        return {
            "name": self.name,
            "language": self.language,
            "feeds": list(self.feeds),
            "sitemaps": list(self.sitemaps),
            "sections": list(self.sections),
            "allow": [p.pattern for p in self.allow],
            "deny": [p.pattern for p in self.deny],
            "domains": list(self.domains),
            "max_age_days": self.max_age_days,
            "allow_private_addresses": self.allow_private_addresses,
            "timezone": str(self.timezone) if self.timezone else None,
        }


@dataclass(frozen=True)
class NewswatchConfig:
    """A whole sources.toml: crawl settings plus the sources, in file order."""

    path: Path
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    sources: tuple[SourceConfig, ...] = ()

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)

    def select(self, names: tuple[str, ...] | list[str]) -> tuple[SourceConfig, ...]:
        """The named sources (all when ``names`` is empty); unknown names are a ConfigError."""
        if not names:
            return self.sources
        known = {s.name for s in self.sources}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ConfigError(
                f"{self.path}: no source named {', '.join(map(repr, unknown))} "
                f"(known: {', '.join(sorted(known)) or 'none'})"
            )
        return tuple(s for s in self.sources if s.name in set(names))


def resolve_sources_path(cli_value: str | os.PathLike[str] | None) -> Path:
    """``--sources`` if given, else ``$NEWSWATCH_SOURCES``, else ``./sources.toml``."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get(SOURCES_ENV)
    if env:
        return Path(env)
    return DEFAULT_SOURCES_PATH


def load_config(path: str | os.PathLike[str]) -> NewswatchConfig:
    """Read and validate a sources.toml file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: file not found (create one with `newswatch init`, or pass --sources)"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return parse_config(data, path)


def parse_config(data: Mapping[str, Any], path: Path) -> NewswatchConfig:
    """Validate already-parsed TOML data (``path`` is only used in messages)."""
    _reject_unknown(data, {"crawl", "source"}, f"{path}", "top-level key")
    crawl = _parse_crawl(data.get("crawl", {}), path)
    raw_sources = data.get("source")
    if raw_sources is None:
        raise ConfigError(f"{path}: no [[source]] tables (add at least one source)")
    if not isinstance(raw_sources, list):
        raise ConfigError(f"{path}: 'source' must be an array of tables ([[source]])")
    sources: list[SourceConfig] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_sources, start=1):
        source = _parse_source(raw, path, index, crawl)
        if source.name in seen:
            raise ConfigError(f"{path}: source '{source.name}': name: duplicate source name")
        seen.add(source.name)
        sources.append(source)
    return NewswatchConfig(path=path, crawl=crawl, sources=tuple(sources))


# --- [crawl] -------------------------------------------------------------------------------

_CRAWL_NUMBERS: dict[str, tuple[type, float]] = {
    # key: (type, minimum)
    "concurrent_requests": (int, 1),
    "concurrent_requests_per_domain": (int, 1),
    "download_delay": (float, 0),
    "autothrottle_target_concurrency": (float, 0.1),
    "autothrottle_max_delay": (float, 0),
    "retry_times": (int, 0),
    "retry_backoff_base": (float, 0),
    "retry_backoff_max": (float, 0),
    "retry_after_max": (float, 0),
    "download_timeout": (float, 1),
    "download_maxsize": (int, 1024),
    "download_warnsize": (int, 0),
    "max_age_days": (int, 1),
    "frontier_wait": (float, 0.5),
    "max_links_per_feed": (int, 1),
    "page_workers": (int, 0),
    "page_workers_after": (float, 0),
}


def _parse_crawl(raw: Any, path: Path) -> CrawlConfig:
    where = f"{path}: [crawl]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a table")
    allowed = set(_CRAWL_NUMBERS) | {
        "user_agent",
        "contact",
        "autothrottle",
        "obey_robots_txt",
        "synchronous_commit",
        "recheck_ladder",
        "lock_file",
        "redis_url",
        "redis_prefix",
    }
    _reject_unknown(raw, allowed, where, "key")
    values: dict[str, Any] = {}
    for key, (kind, minimum) in _CRAWL_NUMBERS.items():
        if key in raw:
            values[key] = _number(raw[key], kind, minimum, f"{where}: {key}")
    for key in ("user_agent", "contact"):
        if key in raw:
            values[key] = _string(raw[key], f"{where}: {key}", allow_empty=key == "contact")
    for key in ("autothrottle", "obey_robots_txt", "synchronous_commit"):
        if key in raw:
            values[key] = _bool(raw[key], f"{where}: {key}")
    if "recheck_ladder" in raw:
        values["recheck_ladder"] = _ladder(raw["recheck_ladder"], f"{where}: recheck_ladder")
    if "lock_file" in raw:
        lock = _string(raw["lock_file"], f"{where}: lock_file")
        values["lock_file"] = (path.parent / lock) if not Path(lock).is_absolute() else Path(lock)
    if "redis_url" in raw:
        values["redis_url"] = check_redis_url(
            _string(raw["redis_url"], f"{where}: redis_url"), f"{where}: redis_url"
        )
    if "redis_prefix" in raw:
        prefix = _string(raw["redis_prefix"], f"{where}: redis_prefix")
        if not re.match(r"^[A-Za-z0-9_.:-]+$", prefix):
            raise ConfigError(
                f"{where}: redis_prefix: {prefix!r} may only use letters, digits, '_.:-'"
            )
        values["redis_prefix"] = prefix
    return CrawlConfig(**values)


def check_redis_url(url: str, where: str) -> str:
    """``url`` if it is a redis://, rediss:// or unix:// URL, else a ConfigError."""
    if urlsplit(url).scheme not in _REDIS_SCHEMES:
        raise ConfigError(f"{where}: {url!r} is not a redis://, rediss:// or unix:// URL")
    return url


def with_environment(crawl: CrawlConfig) -> CrawlConfig:
    """``crawl`` with ``$NEWSWATCH_REDIS_URL`` applied (it overrides ``[crawl] redis_url``;
    set but empty, it is ignored)."""
    url = os.environ.get(REDIS_ENV, "").strip()
    if not url:
        return crawl
    return replace(crawl, redis_url=check_redis_url(url, REDIS_ENV))


def parse_duration(text: str) -> timedelta:
    """``"90s"``, ``"30m"``, ``"4h"``, ``"1.5d"``, ``"2w"`` -> timedelta (ValueError if not)."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration like '4h' or '3d': {text!r}")
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def _ladder(raw: Any, where: str) -> tuple[timedelta, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{where}: must be a non-empty list of durations like \"4h\", \"3d\"")
    steps: list[timedelta] = []
    for item in raw:
        if not isinstance(item, str):
            raise ConfigError(f"{where}: {item!r} is not a duration string like \"4h\"")
        try:
            step = parse_duration(item)
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        if step <= timedelta(0) or (steps and step <= steps[-1]):
            raise ConfigError(f"{where}: steps must be positive and increasing ({item!r})")
        steps.append(step)
    return tuple(steps)


# --- [[source]] ----------------------------------------------------------------------------

_SOURCE_KEYS = {
    "name",
    "language",
    "feeds",
    "sitemaps",
    "sections",
    "allow",
    "deny",
    "domains",
    "max_age_days",
    "allow_private_addresses",
    "timezone",
    "body_selector",
    "title_selector",
    "date_selector",
}


def _parse_source(raw: Any, path: Path, index: int, crawl: CrawlConfig) -> SourceConfig:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: source #{index}: must be a table")
    name = raw.get("name")
    if name is None:
        raise ConfigError(f"{path}: source #{index}: name: required key missing")
    name = _string(name, f"{path}: source #{index}: name")
    if not _SOURCE_NAME.match(name):
        raise ConfigError(
            f"{path}: source #{index}: name: {name!r} may only use letters, digits, '_', '.', '-'"
        )
    where = f"{path}: source '{name}'"
    _reject_unknown(raw, _SOURCE_KEYS, where, "key")

    feeds = _urls(raw.get("feeds", []), f"{where}: feeds")
    sitemaps = _urls(raw.get("sitemaps", []), f"{where}: sitemaps")
    sections = _urls(raw.get("sections", []), f"{where}: sections")
    if not (feeds or sitemaps or sections):
        raise ConfigError(f"{where}: needs at least one URL in feeds, sitemaps or sections")

    language = None
    if "language" in raw:
        language = _string(raw["language"], f"{where}: language")
        if not re.match(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$", language):
            raise ConfigError(f"{where}: language: {language!r} is not a code like 'de' or 'en'")

    domains = [
        _host(d, f"{where}: domains")
        for d in _string_list(raw.get("domains", []), f"{where}: domains")
    ]
    for url in (*feeds, *sitemaps, *sections):
        host = (urlsplit(url).hostname or "").lower()
        if host.startswith("www."):
            host = host[4:]
        if host and host not in domains:
            domains.append(host)

    timezone = None
    if "timezone" in raw:
        tzname = _string(raw["timezone"], f"{where}: timezone")
        try:
            timezone = ZoneInfo(tzname)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"{where}: timezone: unknown time zone {tzname!r}") from None

    extract_settings: dict[str, str] = {
        key: _string(raw[key], f"{where}: {key}")
        for key in ("body_selector", "title_selector", "date_selector")
        if key in raw
    }
    if timezone is not None:
        extract_settings["timezone"] = str(timezone)
    overrides = ExtractOverrides(**extract_settings) if extract_settings else None

    return SourceConfig(
        name=name,
        language=language,
        feeds=feeds,
        sitemaps=sitemaps,
        sections=sections,
        allow=_patterns(raw.get("allow", []), f"{where}: allow"),
        deny=_patterns(raw.get("deny", []), f"{where}: deny"),
        domains=tuple(domains),
        max_age_days=int(
            _number(raw["max_age_days"], int, 1, f"{where}: max_age_days")
            if "max_age_days" in raw
            else crawl.max_age_days
        ),
        allow_private_addresses=_bool(
            raw.get("allow_private_addresses", False), f"{where}: allow_private_addresses"
        ),
        timezone=timezone,
        extract=overrides,
    )


# --- field validators ----------------------------------------------------------------------


def _reject_unknown(raw: Mapping[str, Any], allowed: set[str], where: str, what: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}: unknown {what} {', '.join(map(repr, unknown))} "
            f"(allowed: {', '.join(sorted(allowed))})"
        )


def _string(value: Any, where: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: must be a string, not {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise ConfigError(f"{where}: must not be empty")
    return value.strip()


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: must be true or false, not {value!r}")
    return value


def _number(value: Any, kind: type, minimum: float, where: str) -> Any:
    ok = isinstance(value, int) if kind is int else isinstance(value, int | float)
    if isinstance(value, bool) or not ok:
        raise ConfigError(f"{where}: must be {'an integer' if kind is int else 'a number'}")
    if value < minimum:
        raise ConfigError(f"{where}: must be at least {minimum:g}")
    return kind(value)


def _string_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def _urls(value: Any, where: str) -> tuple[str, ...]:
    urls = _string_list(value, where)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{where}: {url!r} is not an absolute http(s) URL")
    return tuple(urls)


def _host(value: str, where: str) -> str:
    host = value.lower().strip().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if not re.match(r"^[a-z0-9.-]+$", host) or ("." not in host and host != "localhost"):
        raise ConfigError(f"{where}: {value!r} is not a host name like 'example.com'")
    return host


def _patterns(value: Any, where: str) -> tuple[re.Pattern[str], ...]:
    patterns = []
    for text in _string_list(value, where):
        try:
            patterns.append(re.compile(text))
        except re.error as exc:
            raise ConfigError(f"{where}: invalid regular expression {text!r}: {exc}") from None
    return tuple(patterns)

"""``extract_article``: one page in, one cleaned ``Article`` out.

The page is decoded once and parsed once; the same lxml tree feeds the metadata readers and
trafilatura (which works on its own copy).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from urllib.parse import urljoin

from lxml.html import HtmlElement

from newswatch.article import Article
from newswatch.clean import clean_article
from newswatch.clean.normalize import normalize_inline
from newswatch.extract.ads import remove_ad_blocks
from newswatch.extract.authors import clean_authors
from newswatch.extract.body import (
    json_ld_body_is_better,
    paragraphs_in,
    split_json_ld_body,
    trafilatura_body,
)
from newswatch.extract.dates import default_zone_for_language, parse_local_date, utc_offset_minutes
from newswatch.extract.decoding import decode_html
from newswatch.extract.language import first_language, guess_language
from newswatch.extract.metadata import (
    PageMetadata,
    first,
    printed_bylines,
    read_metadata,
    visible_bylines,
)
from newswatch.extract.overrides import ExtractOverrides, select, selected_text
from newswatch.extract.page_dates import find_page_date
from newswatch.extract.parsing import parse_page
from newswatch.extract.paywall import is_paywalled
from newswatch.extract.title import choose_title

LOGGER = logging.getLogger(__name__)

@dataclass(frozen=True)
class BodyOptions:
    """How trafilatura is run (the defaults are what the quality benchmark found best)."""

    favor_precision: bool = True
    favor_recall: bool = False
    fast: bool = True


DEFAULT_BODY_OPTIONS = BodyOptions()


def _key(text: str) -> str:
    """``text`` for comparison: case-folded, whitespace runs as single spaces (the texts here
    are normalised already, see ``clean_article``)."""
    return " ".join(text.split()).casefold()


def _drop_leading_furniture(paragraphs: list[str], titles: list[str], teaser: str) -> list[str]:
    """Remove the headline (any of its variants, with short kicker lines before it) and the
    teaser from the top of the body: they are in ``title`` and ``teaser``. All texts are
    normalised (cleaned) already."""
    known_titles = {_key(title) for title in titles if title}
    head = [_key(p) for p in paragraphs[:6]]
    for index, paragraph in enumerate(head):
        if paragraph in known_titles and all(len(p.split()) <= 12 for p in head[:index]):
            paragraphs = paragraphs[index + 1 :]
            break
    teaser_key = _key(teaser)
    for index, paragraph in enumerate(paragraphs[:4]):
        if teaser_key and _key(paragraph) == teaser_key:
            return paragraphs[:index] + paragraphs[index + 1 :]
    return paragraphs


def choose_authors(meta: PageMetadata, tree: HtmlElement) -> list[str]:
    """Names from the most trusted source that has any (JSON-LD, meta tags, microdata), else
    from the first visible byline; the site's own name is not an author."""
    not_authors = {name.casefold() for name in meta.site_names + meta.publishers}
    for group in _author_candidates(meta, tree):
        names = [n for n in clean_authors(group) if n.casefold() not in not_authors]
        if names:
            return names
    return []


def _author_candidates(meta: PageMetadata, tree: HtmlElement) -> Iterator[list[str]]:
    """Author lists, most trusted first. The page is searched for bylines only when the markup
    names nobody, and for a byline in words ("Von Andreas Kürten") only when no byline element
    does."""
    yield from meta.author_groups
    for byline in visible_bylines(tree)[:3]:
        yield [byline]
    for byline in printed_bylines(tree):
        yield [byline]


def _first_date(values: list[str], zone: str, now: datetime) -> datetime | None:
    """The first value that parses, in the UTC offset it states (see ``parse_local_date``)."""
    for value in values:
        parsed = parse_local_date(value, default_zone=zone, now=now)
        if parsed is not None:
            return parsed
    return None


def choose_published(values: list[str], modified: datetime | None, zone: str,
                     now: datetime) -> datetime | None:
    """The first publication date that parses, unless it is later than the page's own
    modification date: such a "published" stamp is a re-save (a CMS migration, a re-publish),
    and a later candidate that is not after the modification is the first publication."""
    dates = [d for d in (parse_local_date(v, default_zone=zone, now=now) for v in values[:10])
             if d is not None]
    if not dates:
        return None
    if modified is not None and dates[0] > modified:
        for candidate in dates[1:]:
            if candidate <= modified:
                return candidate
    return dates[0]


def _first_url(values: list[str], base: str) -> str | None:
    for value in values:
        value = (value or "").strip()
        if value and not value.startswith(("data:", "javascript:")):
            absolute = urljoin(base, value) if base else value
            if absolute.startswith(("http://", "https://")):
                return absolute
    return None


def extract_article(
    html: bytes | str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    overrides: ExtractOverrides | None = None,
    fetched_at: datetime | None = None,
    body_options: BodyOptions = DEFAULT_BODY_OPTIONS,
) -> Article:
    """Metadata and body of one article page, cleaned. Never raises on bad input: a page that
    cannot be parsed yields an ``Article`` with only its ``url``."""
    now = fetched_at or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    try:
        return _extract(html, url, headers, overrides or ExtractOverrides(), now, body_options)
    except Exception:  # one odd page must never take the crawl down; logged, not hidden
        LOGGER.warning("extraction failed on %s", url, exc_info=True)
        return Article(url=url)


def _extract(html: bytes | str, url: str, headers: Mapping[str, str] | None,
             overrides: ExtractOverrides, now: datetime, body_options: BodyOptions) -> Article:
    text = decode_html(html if isinstance(html, bytes | str) else b"", headers)
    tree = parse_page(text)
    if tree is None:
        return Article(url=url)
    meta = read_metadata(tree, url)

    title = (overrides.title_selector and selected_text(tree, overrides.title_selector)) or (
        choose_title(meta, url)
    )
    teaser = unescape(first(meta.descriptions) or "")
    header_language = None
    for name, value in (headers or {}).items():
        if name.lower() == "content-language":
            header_language = value
    language = first_language([*meta.languages[:1], header_language, *meta.languages[1:]])

    remove_ad_blocks(tree, text)  # ad text changes between fetches: never body text
    paragraphs: list[str] = []
    if overrides.body_selector:
        paragraphs = paragraphs_in(select(tree, overrides.body_selector))
    if not paragraphs:
        paragraphs = trafilatura_body(
            tree, url, favor_precision=body_options.favor_precision,
            favor_recall=body_options.favor_recall, fast=body_options.fast,
        )
        if meta.article_body and json_ld_body_is_better(meta.article_body, paragraphs):
            paragraphs = split_json_ld_body(meta.article_body)
    if language is None:
        language = guess_language(" ".join(paragraphs) or title)

    zone = overrides.timezone or default_zone_for_language(language)
    date_override = overrides.date_selector and selected_text(
        tree, overrides.date_selector, attributes=("datetime", "content")
    )
    modified = _first_date(meta.modified, zone, now)
    published = _first_date([date_override] if date_override else [], zone, now) or (
        choose_published(meta.published, modified, zone, now)
    )
    if published is None:
        published = find_page_date(tree, url, zone, now)
    published_offset = utc_offset_minutes(published) if published is not None else None
    if published is not None:
        published = published.astimezone(UTC)
    if modified is not None:
        modified = modified.astimezone(UTC)
    if modified is not None and published is not None and modified < published:
        modified = None

    authors = choose_authors(meta, tree)

    article = Article(
        url=url,
        title=title,
        teaser=teaser,
        body="\n\n".join(paragraphs),
        authors=authors,
        published_at=published,
        modified_at=modified,
        language=language,
        section=first(meta.sections),
        tags=meta.tags[:50],
        canonical_url=_first_url(meta.canonical_urls, url),
        image_url=_first_url(meta.images, url),
        is_paywalled=False,
        publisher=first(meta.publishers) or first(meta.site_names),
        published_offset_minutes=published_offset,
    )
    # Boilerplate goes first, so that a wall above the headline does not hide the headline.
    article = clean_article(article)
    titles = [article.title, *(normalize_inline(unescape(t)) for t in meta.titles),
              *(normalize_inline(h.text) for h in meta.h1s[:1])]
    article.body = "\n\n".join(
        _drop_leading_furniture(article.body.split("\n\n"), titles, article.teaser)
    )
    article.is_paywalled = is_paywalled(meta, tree, article.word_count)
    return article

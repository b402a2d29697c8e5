"""The publication date of a page whose metadata gives none, found in the already parsed tree.

In this order, the first plausible date wins:

1. a date in the path of the page's URL or its canonical link that htmldate does not read
   as one ("/meldungen/29-10-2021", "/2021_10_29/");
2. htmldate's fast search (``extensive_search=False``): meta tags it knows beyond ours, the URL,
   ``<time>``/``<abbr>`` and date-classed elements with numeric dates. It never calls
   dateparser, whose language detection builds regular expressions for about 200 locales the
   first time it runs in a process.
3. elements whose class, id or itemprop says date, time, publish, posted, byline, meta or
   info (``<time>``, ``<abbr>`` too), outside related-posts lists, sidebars and comments: the
   first date printed in them ("Datum: 03.11.2021", "10. September 2017", "March 5, 2020").
4. the page's visible text: the date printed nearest to the headline — the first one after
   the ``<h1>`` (a dateline under it), else the last one before it (a dateline above it, not
   the current date many site headers print at the top).

Dates are read with ``parse_local_date`` (German and English month names, numeric forms), so
they keep the offset of the zone they were read in.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from newswatch.extract.dates import MONTH_NAMES, parse_local_date
from newswatch.extract.metadata import in_other_content, is_other_content

LOGGER = logging.getLogger(__name__)

_MONTH = "|".join(sorted((re.escape(name) for name in MONTH_NAMES), key=len, reverse=True))
_TIME = r"(?:,?\s*(?:um\s+|at\s+|-\s*|–\s*)?\d{1,2}[:.]\d{2}(?:\s*(?:Uhr|[AaPp]\.?[Mm]\.?))?)?"
#: A printed date with day, month and year, and an optional time of day after it.
DATE_EXPRESSION = re.compile(
    r"(?<![\d.])(?:"
    r"\d{1,2}\.\s?\d{1,2}\.\s?(?:19|20)\d{2}"  # 23.01.2025, 3.1.2025
    r"|(?:19|20)\d{2}-\d{1,2}-\d{1,2}"  # 2025-01-23
    r"|\d{1,2}/\d{1,2}/(?:19|20)\d{2}"  # 23/01/2025 (day first, as parse_date reads it)
    rf"|\d{{1,2}}\.?\s+(?:{_MONTH})\.?,?\s+(?:19|20)\d{{2}}"  # 23. Januar 2025, 5 March 2020
    rf"|(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}"  # March 5, 2020
    rf")(?![\d]){_TIME}",
    re.IGNORECASE,
)

_URL_DATE = re.compile(
    r"(?<![\d])(?:(?P<y1>(?:19|20)\d{2})[-_](?P<m1>\d{1,2})[-_](?P<d1>\d{1,2})"
    r"|(?P<d2>\d{1,2})[-_.](?P<m2>\d{1,2})[-_.](?P<y2>(?:19|20)\d{2}))(?![\d])"
)
#: Elements whose tag, class, id or itemprop marks a date, a byline or a meta/info line.
_CUE_TAGS = frozenset({"time", "abbr"})
_CUE_CLASS_WORDS = ("date", "Date", "datum", "Datum", "time", "publish", "posted", "byline",
                    "meta", "info")
_CUE_ID_WORDS = ("date", "Date")
_MAX_CUE_ELEMENTS = 60
_MAX_CUE_TEXT = 160
#: Elements whose text is not page text.
_NOT_TEXT = frozenset({"script", "style", "noscript", "template"})
_MAX_TEXT_CHARS = 200_000


def first_printed_date(text: str, zone: str, now: datetime) -> datetime | None:
    """The first plausible date (with its time, if printed) in ``text``."""
    for match in DATE_EXPRESSION.finditer(text):
        found = parse_local_date(match.group(0), default_zone=zone, now=now)
        if found is not None:
            return found
    return None


def date_in_url(url: str, zone: str, now: datetime) -> datetime | None:
    """A day-month-year or year-month-day date written with dashes or underscores in the path
    of ``url`` ("/29-10-2021", "/2021_10_29-titel"); slashed paths are htmldate's."""
    path = urlsplit(url).path
    for match in _URL_DATE.finditer(path):
        year = match.group("y1") or match.group("y2")
        month = match.group("m1") or match.group("m2")
        day = match.group("d1") or match.group("d2")
        found = parse_local_date(f"{year}-{int(month):02d}-{int(day):02d}",
                                 default_zone=zone, now=now)
        if found is not None:
            return found
    return None


def _date_in_urls(tree: HtmlElement, url: str, zone: str, now: datetime) -> datetime | None:
    canonical = tree.xpath("/html/head/link[@rel='canonical']/@href")
    for candidate in (url, *(str(href) for href in canonical[:1])):
        found = date_in_url(candidate, zone, now) if candidate else None
        if found is not None:
            return found
    return None


def last_printed_date(text: str, zone: str, now: datetime) -> datetime | None:
    """The last plausible date in ``text`` (the one nearest to what follows it)."""
    for match in reversed(list(DATE_EXPRESSION.finditer(text))):
        found = parse_local_date(match.group(0), default_zone=zone, now=now)
        if found is not None:
            return found
    return None


def _htmldate_fast(tree: HtmlElement, url: str, zone: str, now: datetime) -> datetime | None:
    try:
        from htmldate import find_date

        found = find_date(tree, url=url or None, original_date=True, extensive_search=False,
                          max_date=now.strftime("%Y-%m-%d"))
    except Exception:  # htmldate is a heuristic; any failure means "no date"
        LOGGER.debug("htmldate failed", exc_info=True)
        return None
    return parse_local_date(found, default_zone=zone, now=now) if found else None


def _body(tree: HtmlElement) -> HtmlElement | None:
    return next(tree.getroottree().getroot().iter("body"), None)


def _is_cue(element: HtmlElement) -> bool:
    if element.tag in _CUE_TAGS:
        return True
    css, ident = element.get("class"), element.get("id")
    return bool(
        (css and any(word in css for word in _CUE_CLASS_WORDS))
        or (ident and any(word in ident for word in _CUE_ID_WORDS))
        or "date" in (element.get("itemprop") or "")
    )


def _cue_elements(tree: HtmlElement) -> list[HtmlElement]:
    """The first elements inside <body> that ``_is_cue``, in document order (one walk with
    lxml's iterator: an XPath with a dozen ``contains()`` tests per element is far slower)."""
    body = _body(tree)
    if body is None:
        return []
    found: list[HtmlElement] = []
    for element in body.iterdescendants(etree.Element):
        if _is_cue(element):
            found.append(element)
            if len(found) == _MAX_CUE_ELEMENTS:
                break
    return found


def _date_in_cue_elements(tree: HtmlElement, zone: str, now: datetime) -> datetime | None:
    for element in _cue_elements(tree):
        text = " ".join(element.text_content().split())
        if not text or len(text) > _MAX_CUE_TEXT or in_other_content(element):
            continue
        found = first_printed_date(text, zone, now)
        if found is not None:
            return found
    return None


def _page_text(tree: HtmlElement) -> str:
    """The text of <body> in document order, without scripts and styles and without
    related-posts lists, sidebars, widgets and comment sections (at most about
    ``_MAX_TEXT_CHARS``); whitespace runs become single spaces."""
    body = _body(tree)
    if body is None:
        return ""
    parts: list[str] = []
    size = 0
    skipping: HtmlElement | None = None  # the outermost element whose text is left out

    def add(text: str | None) -> bool:
        nonlocal size
        piece = " ".join(text.split()) if text else ""
        if piece:
            parts.append(piece)
            size += len(piece)
        return size > _MAX_TEXT_CHARS

    for event, element in etree.iterwalk(body, events=("start", "end")):
        is_element = isinstance(element.tag, str)
        if event == "start":
            if skipping is None and is_element and (
                element.tag in _NOT_TEXT or is_other_content(element)
            ):
                skipping = element
            if skipping is None and is_element and add(element.text):
                break
        else:
            if element is skipping:
                skipping = None
            if skipping is None and element is not body and add(element.tail):
                break
    return " ".join(parts)


def _date_in_page_text(tree: HtmlElement, zone: str, now: datetime) -> datetime | None:
    text = _page_text(tree)
    headline = next(tree.iter("h1"), None)
    title = " ".join(headline.text_content().split()) if headline is not None else ""
    start = text.find(title) if title else -1
    if start < 0:
        return first_printed_date(text, zone, now)
    return first_printed_date(text[start:], zone, now) or (
        last_printed_date(text[:start], zone, now)
    )


def find_page_date(tree: HtmlElement, url: str, zone: str, now: datetime) -> datetime | None:
    """The publication date printed on a page without one in its metadata, or None."""
    for search in (
        lambda: _date_in_urls(tree, url, zone, now),
        lambda: _htmldate_fast(tree, url, zone, now),
        lambda: _date_in_cue_elements(tree, zone, now),
        lambda: _date_in_page_text(tree, zone, now),
    ):
        try:
            found = search()
        except (ValueError, TypeError, RecursionError):
            LOGGER.debug("date search failed", exc_info=True)
            continue
        if found is not None:
            return found
    return None

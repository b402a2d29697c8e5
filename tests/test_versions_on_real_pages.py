"""Version tracking on real pages by others (../shared/corpus): a re-fetch that differs only in
noise gives the same content fingerprint; a real edit gives a new one.

Each page is extracted as fetched and again after a change to its HTML, the way a re-crawl
would see it. Noise: re-indented markup, other scripts, a comment counter or view counter that
ticks, a relative time that moves on, a rotating ad slot, a "Lesen Sie auch"/"Read more" box
or a related-links list pointing elsewhere. Edits: one word, one added sentence, the headline
(everywhere, or in the visible <h1> only).
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.article import Article
from newswatch.extract import extract_article
from newswatch.store.fingerprint import content_fingerprint

FETCHED = datetime(2025, 1, 23, 12, 0, tzinfo=UTC)
#: A fixed sample: German and English news pages with a body of some length.
PAGES = [
    "fr.de.nordkorea.html",
    "tagesschau.de.rheinmetall.html",
    "zeit.de.zugverkehr.html",
    "heise.de.lithium.html",
    "theguardian.com.academics.html",
    "nytimes.com.blackouts.html",
]


@functools.cache
def _load(corpus: Path, name: str) -> tuple[str, str, Article] | None:
    """The page's HTML, URL and extracted article (once per page for the whole module)."""
    path = corpus / "pages" / f"{name}.gz"
    if not path.exists():
        return None
    url = json.loads((corpus / "expected.json").read_text())[name]["url"]
    html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
    return html, url, extract_article(html, url, fetched_at=FETCHED)


def _fingerprint(article: Article) -> str:
    return content_fingerprint(article.title, article.teaser, article.body, article.authors)


def _after_paragraph(html: str, snippet: str, *, middle: bool, inside: bool = False) -> str:
    """``snippet`` after the first or the middle paragraph; ``inside``: at the end of its text,
    before its ``</p>``."""
    closings = list(re.finditer(r"</p>", html, flags=re.IGNORECASE))
    closing = closings[len(closings) // 2] if middle else closings[0]
    position = closing.start() if inside else closing.end()
    return html[:position] + snippet + html[position:]


def _both(snippet: Callable[[str], str], *, middle: bool) -> Callable[[str], tuple[str, str]]:
    def apply(html: str) -> tuple[str, str]:
        return (
            _after_paragraph(html, snippet("a"), middle=middle),
            _after_paragraph(html, snippet("b"), middle=middle),
        )

    return apply


def _both_inside(snippet: Callable[[str], str]) -> Callable[[str], tuple[str, str]]:
    def apply(html: str) -> tuple[str, str]:
        return (
            _after_paragraph(html, snippet("a"), middle=True, inside=True),
            _after_paragraph(html, snippet("b"), middle=True, inside=True),
        )

    return apply


_OTHER = {"a": ("12", "Bahnstreik legt Verkehr lahm"), "b": ("47", "Neue Regeln für E-Scooter")}
NOISE: dict[str, Callable[[str], tuple[str, str]]] = {
    "re-indented markup": lambda h: (
        re.sub(r">\s*<", ">\n    <", h),
        re.sub(r">\s*<", ">\n\t\t<", h),
    ),
    "other scripts": lambda h: (
        re.sub(r"(<script[^>]*>)(.*?)(</script>)", r"\1var a=1;\3", h, flags=re.S | re.I),
        re.sub(r"(<script[^>]*>)(.*?)(</script>)", r"\1track(42);\3", h, flags=re.S | re.I),
    ),
    "comment counter": _both(lambda k: f"<p>Kommentare{_OTHER[k][0]}</p>", middle=False),
    "view counter": _both(lambda k: f"<p>{_OTHER[k][0]}.345 Aufrufe</p>", middle=False),
    "relative time": _both(lambda k: f"<p>Aktualisiert vor {_OTHER[k][0]} Minuten</p>",
                           middle=False),
    "rotating ad": _both(
        lambda k: f'<div class="ad"><span>Anzeige</span><p>{_OTHER[k][1]}: jetzt bestellen</p>'
        "</div>",
        middle=True,
    ),
    "read-also box": _both(
        lambda k: f'<p><strong>Lesen Sie auch:</strong> <a href="/{k}.html">{_OTHER[k][1]}</a>'
        "</p>",
        middle=True,
    ),
    "read-also link in brackets inside a paragraph": _both_inside(
        lambda k: f' (Lesen Sie auch: <a href="/{k}.html">{_OTHER[k][1]}</a>)'
    ),
    "read-more link": _both(
        lambda k: f'<p>Read more: <a href="/{k}.html">{_OTHER[k][1]}</a></p>', middle=True
    ),
    "related links": _both(
        lambda k: f'<div class="related"><h3>Mehr zum Thema</h3><ul><li><a href="/{k}.html">'
        f"{_OTHER[k][1]}</a></li></ul></div>",
        middle=True,
    ),
}


def _edit_one_word(html: str, article: Article) -> str | None:
    for paragraph in sorted(article.body.split("\n\n"), key=len, reverse=True):
        for word in paragraph.split():
            if len(word) > 6 and word.isalpha() and html.count(word) == 1:
                return html.replace(word, word[::-1])
    return None


def _add_sentence(html: str, article: Article) -> str | None:
    for paragraph in sorted(article.body.split("\n\n"), key=len, reverse=True):
        tail = " ".join(paragraph.split()[-3:])
        if html.count(tail) == 1:
            return html.replace(tail, tail + " Die Regierung hat sich dazu nicht geäußert.")
    return None


def _edit_headline(html: str, article: Article) -> str | None:
    if article.title and article.title in html:
        return html.replace(article.title, article.title + " – neue Zahlen")
    return None


def _edit_visible_headline(html: str, article: Article) -> str | None:
    """The headline changed in its <h1> only, the metadata titles left as they were."""
    for heading in re.finditer(r"<h1[\s>].*?</h1>", html, flags=re.S | re.I):
        if article.title and article.title in heading.group():
            edited = heading.group().replace(article.title, article.title + " – neue Zahlen")
            return html[: heading.start()] + edited + html[heading.end():]
    return None


EDITS: dict[str, Callable[[str, Article], str | None]] = {
    "one word": _edit_one_word,
    "one sentence": _add_sentence,
    "headline": _edit_headline,
    "headline in the <h1> only": _edit_visible_headline,
}


@pytest.fixture(params=PAGES)
def page(request: pytest.FixtureRequest, corpus_dir: Path) -> tuple[str, str, Article]:
    loaded = _load(corpus_dir, request.param)
    if loaded is None:
        pytest.skip(f"{request.param} not in the corpus")
    return loaded


@pytest.mark.parametrize("noise", sorted(NOISE))
def test_noise_makes_no_new_version(page: tuple[str, str, Article], noise: str) -> None:
    html, url, _ = page
    before, after = NOISE[noise](html)
    assert _fingerprint(extract_article(before, url, fetched_at=FETCHED)) == _fingerprint(
        extract_article(after, url, fetched_at=FETCHED)
    )


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_real_edit_makes_a_new_version(page: tuple[str, str, Article], edit: str) -> None:
    html, url, article = page
    edited = EDITS[edit](html, article)
    if edited is None:
        pytest.skip(f"no place on this page to make a '{edit}' edit")
    assert _fingerprint(extract_article(edited, url, fetched_at=FETCHED)) != _fingerprint(
        article
    )

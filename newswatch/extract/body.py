"""The article body as a list of paragraphs: trafilatura on the already parsed tree, a per-source
CSS/XPath selector when configured, and JSON-LD ``articleBody`` when it is complete and better.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.settings import MANUALLY_CLEANED

LOGGER = logging.getLogger(__name__)

# Trafilatura's block elements after its tag conversion.
_BLOCKS_TEXT_ITEMS = {"list"}
_HTML_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption",
                "dd", "dt")
_WORD = re.compile(r"\w+")
#: A precision-mode body shorter than this is checked against trafilatura's balanced mode ...
SHORT_BODY_WORDS = 50
#: ... whose body replaces it only with at least this many paragraphs.
MIN_BROADER_PARAGRAPHS = 3

#: Elements trafilatura's tree cleaning deletes with all they hold, in every mode, and that
#: nothing before the cleaning looks into: trafilatura looks into the ``<head>`` (JSON-LD
#: scripts tell a forum thread), ``<script>`` (ditto), ``<figure>`` (one holding a table
#: becomes a ``<div>``), ``<form>`` (kept when it wraps the page) and ``<math>`` (formulas
#: are salvaged), so those stay.
_ALWAYS_DISCARDED = tuple(
    tag for tag in MANUALLY_CLEANED if tag not in {"head", "script", "figure", "form", "math"}
)


def without_discarded_elements(tree: HtmlElement) -> HtmlElement:
    """A copy of ``tree`` without what trafilatura's precision mode would delete unseen anyway
    (:data:`_ALWAYS_DISCARDED`, scripts other than JSON-LD). Its body is the same; its pruning
    passes, which run over the raw tree before the cleaning, then visit half as many elements.
    (Its balanced mode measures the raw page's text, so it gets the tree as it is.)"""
    copy = deepcopy(tree)
    etree.strip_elements(copy, *_ALWAYS_DISCARDED, with_tail=False)  # tails are kept
    for script in list(copy.iter("script")):
        if "ld+json" not in (script.get("type") or ""):
            script.drop_tree()
    return copy


def _text(element: etree._Element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def paragraphs_from_trafilatura_body(body: etree._Element) -> list[str]:
    """Paragraphs of trafilatura's converted body (p, head, list, quote, table, …)."""
    paragraphs: list[str] = []
    for child in body:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _BLOCKS_TEXT_ITEMS:
            for item in child.iter("item"):
                text = _text(item)
                if text:
                    paragraphs.append(text)
        elif tag == "table":
            for row in child.iter("row"):
                cells = [_text(cell) for cell in row.iter("cell")]
                line = " | ".join(cell for cell in cells if cell)
                if line:
                    paragraphs.append(line)
        else:
            text = _text(child)
            if text:
                paragraphs.append(text)
        if child.tail and child.tail.strip():
            paragraphs.append(" ".join(child.tail.split()))
    return paragraphs


def trafilatura_paragraphs(tree: HtmlElement, url: str, *, favor_precision: bool,
                           favor_recall: bool, fast: bool) -> list[str]:
    """Body paragraphs found by trafilatura in ``tree`` (it works on a copy). Never raises."""
    try:
        document = bare_extraction(
            tree, url=url, with_metadata=False, include_comments=False, include_tables=True,
            include_images=False, include_links=False, favor_precision=favor_precision,
            favor_recall=favor_recall, fast=fast, deduplicate=False,
            output_format="txt",  # the body tree only: "python" also renders it as text
        )
    except Exception:  # trafilatura raises assorted errors on hostile markup
        LOGGER.debug("trafilatura failed on %s", url, exc_info=True)
        return []
    body = getattr(document, "body", None)
    if body is None:
        return []
    return paragraphs_from_trafilatura_body(body)


def _word_count(paragraphs: list[str]) -> int:
    return sum(len(paragraph.split()) for paragraph in paragraphs)


def trafilatura_body(tree: HtmlElement, url: str, *, favor_precision: bool, favor_recall: bool,
                     fast: bool) -> list[str]:
    """trafilatura's body paragraphs. Precision mode sometimes keeps only a fragment of the
    article (a lede, a caption) or nothing: when it finds fewer than ``SHORT_BODY_WORDS``
    words, the balanced mode is asked too, and its body wins when it is at least twice as long
    and made of paragraphs."""
    paragraphs = trafilatura_paragraphs(
        without_discarded_elements(tree) if favor_precision and not favor_recall else tree,
        url, favor_precision=favor_precision, favor_recall=favor_recall, fast=fast,
    )
    count = _word_count(paragraphs)
    if favor_precision and count < SHORT_BODY_WORDS:
        broader = trafilatura_paragraphs(
            tree, url, favor_precision=False, favor_recall=favor_recall, fast=fast
        )
        # a whole page run into one paragraph is trafilatura's last resort, not an article
        if len(broader) >= MIN_BROADER_PARAGRAPHS and _word_count(broader) >= 2 * max(count, 1):
            return broader
    return paragraphs


def paragraphs_in(elements: list[HtmlElement]) -> list[str]:
    """Paragraphs inside elements a selector chose: their block children, else their text."""
    paragraphs: list[str] = []
    for element in elements:
        element = deepcopy(element)
        for unwanted in element.xpath(".//script|.//style|.//noscript|.//template"):
            unwanted.drop_tree()
        blocks = [b for b in element.iter(*_HTML_BLOCKS)
                  if not any(isinstance(a.tag, str) and a.tag in _HTML_BLOCKS
                             for a in b.iterancestors())]
        texts = [_text(block) for block in blocks] if blocks else [_text(element)]
        paragraphs.extend(text for text in texts if text)
    return paragraphs


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def json_ld_body_is_better(json_ld_body: str, paragraphs: list[str]) -> bool:
    """Use articleBody when it is complete (not cut off with an ellipsis) and clearly longer
    than what the HTML gave, while containing most of it (so it is the same article)."""
    body_words = words(json_ld_body)
    if len(body_words) < 40 or json_ld_body.rstrip().endswith(("…", "...", "[…]")):
        return False
    html_words = words(" ".join(paragraphs))
    if not html_words:
        return True
    if len(body_words) < 1.3 * len(html_words):
        return False
    vocabulary = set(body_words)
    shared = sum(1 for word in html_words if word in vocabulary)
    return shared >= 0.8 * len(html_words)


def split_json_ld_body(text: str) -> list[str]:
    """articleBody as paragraphs (it may contain HTML or newlines)."""
    if "<" in text and ">" in text:
        try:
            fragment = etree.fromstring(f"<div>{text}</div>", etree.HTMLParser())
            if fragment is not None:
                found = paragraphs_in([fragment])
                if found:
                    return found
        except (etree.ParserError, ValueError):
            pass
    return [" ".join(line.split()) for line in re.split(r"\n\s*\n|\n", text) if line.strip()]

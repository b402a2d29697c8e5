"""Is the article behind a paywall? Declared (schema.org ``isAccessibleForFree: false``,
``article:content_tier=locked``) or visible (a known paywall container while the body is short).
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from newswatch.extract.metadata import PageMetadata

# class/id fragments of paywall containers used by common paywall vendors and publishers.
PAYWALL_MARKERS: tuple[str, ...] = (
    "paywall", "piano-offer", "tp-container-inner", "js-paywall", "plus-teaser",
    "article-paid-content", "subscriber-only", "premium-content-teaser", "regwall",
    "laterpay", "steady-paywall", "pw-container",
)
# Below this many words, a body on a page with a paywall container is taken as truncated.
SHORT_BODY_WORDS = 150


_MARKER_PATTERN = re.compile("|".join(map(re.escape, PAYWALL_MARKERS)), re.IGNORECASE)


def has_paywall_marker(tree: HtmlElement) -> bool:
    """Whether an element's class or id names a paywall container."""
    try:
        attributes = tree.xpath("//@class | //@id")
    except (ValueError, TypeError):
        return False
    return any(_MARKER_PATTERN.search(value) for value in attributes)


def is_paywalled(meta: PageMetadata, tree: HtmlElement, body_words: int) -> bool:
    if meta.accessible_for_free is False:
        return True
    if meta.content_tier in {"locked", "premium", "subscriber"}:
        return True
    return body_words < SHORT_BODY_WORDS and has_paywall_marker(tree)

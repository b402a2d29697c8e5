"""Advertising blocks, recognised by their markup, removed before the body is extracted.

An ad slot's text changes from one fetch to the next, so ad text that reached the body would
make a new version of an unchanged article (and is not article text anyway). Ads are found by
the class/id tokens that ad servers and CMSs give their containers (``ad``, ``ad-slot``,
``adsbygoogle``, ``anzeige``, ``taboola`` …) and by ad-server attributes (``data-ad-slot`` …).
Tokens that merely *end* in "ad"/"ads" are not taken: they are mostly modifiers of content
blocks ("section--ads", "has-ads" = a section that carries ads). A container that holds more
than a few paragraphs is never removed either.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

#: class/id tokens (lower-case) that name an ad container.
_AD_TOKEN = re.compile(
    r"""^(?:
        ads?|adv|advert(?:s|isement|isements|ising)?|adsbygoogle|adunit|adslot|adbox|adbanner
      | (?:ad|ads|adv|advert|advertisement)[-_].+
      | anzeige[-_a-z0-9]* | werbung[-_a-z0-9]* | sponsored[-_a-z0-9]* | sponsor[-_a-z0-9]*
      | outbrain[-_a-z0-9]* | taboola[-_a-z0-9]* | plista[-_a-z0-9]* | dfp[-_].+
      | google[-_]?ads?[-_a-z0-9]*
    )$""",
    re.VERBOSE,
)
_AD_ATTRIBUTES = ("data-ad-slot", "data-ad-client", "data-ad-unit", "data-google-query-id")
_NEVER_REMOVED = frozenset({"html", "body", "main", "article"})
#: A block with more paragraphs than this is content, whatever its class says.
_MAX_AD_PARAGRAPHS = 3


def is_ad_token(token: str) -> bool:
    """Whether one class or id token names an advertising container."""
    return bool(_AD_TOKEN.match(token.lower()))


def _looks_like_ad(element: HtmlElement) -> bool:
    if element.tag in _NEVER_REMOVED:
        return False
    if any(name in element.attrib for name in _AD_ATTRIBUTES):
        return True
    tokens = (element.get("class") or "").split() + (element.get("id") or "").split()
    return any(is_ad_token(token) for token in tokens)


def remove_ad_blocks(tree: HtmlElement) -> int:
    """Remove advertising containers from ``tree`` in place; returns how many were removed."""
    removed = 0
    candidates = [
        element
        for element in tree.iter()
        if isinstance(element.tag, str) and _looks_like_ad(element)
    ]
    for element in candidates:
        if element.getparent() is None:
            continue  # already gone with an ancestor, or the root
        if len(element.findall(".//p")) > _MAX_AD_PARAGRAPHS:
            continue
        element.drop_tree()
        removed += 1
    return removed

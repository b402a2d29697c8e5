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
_AD_TOKEN_ALTERNATIVES = r"""
        ads?|adv|advert(?:s|isement|isements|ising)?|adsbygoogle|adunit|adslot|adbox|adbanner
      | (?:ad|ads|adv|advert|advertisement)[-_]\S+
      | anzeige[-_a-z0-9]* | werbung[-_a-z0-9]* | sponsored[-_a-z0-9]* | sponsor[-_a-z0-9]*
      | outbrain[-_a-z0-9]* | taboola[-_a-z0-9]* | plista[-_a-z0-9]* | dfp[-_]\S+
      | google[-_]?ads?[-_a-z0-9]*
"""
_AD_TOKEN = re.compile(rf"^(?:{_AD_TOKEN_ALTERNATIVES})$", re.VERBOSE)
#: The same tokens anywhere in a whitespace-separated "class id" string, in one search.
_AD_TOKEN_IN_LIST = re.compile(rf"(?:^|\s)(?:{_AD_TOKEN_ALTERNATIVES})(?=\s|$)", re.VERBOSE)
_AD_ATTRIBUTES = ("data-ad-slot", "data-ad-client", "data-ad-unit", "data-google-query-id")
_NEVER_REMOVED = frozenset({"html", "body", "main", "article"})
#: A block with more paragraphs than this is content, whatever its class says.
_MAX_AD_PARAGRAPHS = 3


def is_ad_token(token: str) -> bool:
    """Whether one class or id token names an advertising container."""
    return bool(_AD_TOKEN.match(token.lower()))


# Only elements with a class, an id or an ad-server attribute can be ads (lxml selects them;
# string functions in the XPath would be slower than the one regex search per element).
_CANDIDATES_XPATH = "//*[@class or @id" + "".join(f" or @{a}" for a in _AD_ATTRIBUTES) + "]"


def _looks_like_ad(element: HtmlElement) -> bool:
    if element.tag in _NEVER_REMOVED:
        return False
    attributes = element.attrib
    if any(name in attributes for name in _AD_ATTRIBUTES):
        return True
    label = f"{attributes.get('class') or ''} {attributes.get('id') or ''}".lower()
    return _AD_TOKEN_IN_LIST.search(label) is not None


def remove_ad_blocks(tree: HtmlElement) -> int:
    """Remove advertising containers from ``tree`` in place; returns how many were removed."""
    removed = 0
    candidates = [element for element in tree.xpath(_CANDIDATES_XPATH) if _looks_like_ad(element)]
    for element in candidates:
        if element.getparent() is None:
            continue  # already gone with an ancestor, or the root
        if len(element.findall(".//p")) > _MAX_AD_PARAGRAPHS:
            continue
        element.drop_tree()
        removed += 1
    return removed

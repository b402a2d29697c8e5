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

from lxml import etree
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


#: What every ad-server attribute name starts with (one search tells whether a page has any).
_AD_ATTRIBUTE_PREFIX = re.compile("data-(?:ad-|google-query-id)")


def _ad_containers(tree: HtmlElement, page_text: str | None) -> list[HtmlElement]:
    """Elements whose class/id or ad-server attribute names an ad container, in document order.

    One walk over the tree in lxml's C iterator (faster than an XPath predicate on every
    element), each distinct class/id pair tested once per page; ad-server attributes are only
    looked for when the page's text has one."""
    attributes = _AD_ATTRIBUTES if page_text is None or _AD_ATTRIBUTE_PREFIX.search(
        page_text
    ) else ()
    verdicts: dict[tuple[str | None, str | None], bool] = {}
    found: list[HtmlElement] = []
    for element in tree.iter(etree.Element):
        css, ident = element.get("class"), element.get("id")
        if attributes and any(element.get(name) is not None for name in attributes):
            verdict = True
        elif css is None and ident is None:
            continue
        else:
            key = (css, ident)
            cached = verdicts.get(key)
            if cached is None:
                label = f"{css or ''} {ident or ''}".lower()
                cached = verdicts[key] = _AD_TOKEN_IN_LIST.search(label) is not None
            verdict = cached
        if verdict and element.tag not in _NEVER_REMOVED:
            found.append(element)
    return found


def remove_ad_blocks(tree: HtmlElement, page_text: str | None = None) -> int:
    """Remove advertising containers from ``tree`` in place; returns how many were removed.

    ``page_text`` is the HTML the tree was parsed from, when the caller has it: a page whose
    text names no ad-server attribute is not searched for one."""
    removed: list[HtmlElement] = []
    for element in _ad_containers(tree, page_text):
        if element.getparent() is None or any(
            ancestor in removed for ancestor in element.iterancestors()
        ):
            continue  # the root, or already gone with an ancestor
        if len(element.findall(".//p")) > _MAX_AD_PARAGRAPHS:
            continue
        element.drop_tree()
        removed.append(element)
    return len(removed)

"""Per-source selectors that override automatic extraction (from sources.toml)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from lxml import etree
from lxml.cssselect import CSSSelector, SelectorError
from lxml.html import HtmlElement

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractOverrides:
    """Selectors for one source. A selector starting with ``/`` (or ``(``) is XPath, anything
    else CSS. ``timezone`` (an IANA name) is the zone for times printed without one; by default
    Europe/Berlin on German pages and UTC otherwise."""

    body_selector: str | None = None
    title_selector: str | None = None
    date_selector: str | None = None
    timezone: str | None = None


def is_xpath(selector: str) -> bool:
    return selector.lstrip().startswith(("/", "(", "./"))


def select(tree: HtmlElement, selector: str | None) -> list[HtmlElement]:
    """Elements matching a CSS or XPath selector; [] for no match or an invalid selector."""
    if not selector or not selector.strip():
        return []
    try:
        found = tree.xpath(selector) if is_xpath(selector) else CSSSelector(selector)(tree)
    except (etree.XPathError, SelectorError, ValueError, TypeError) as error:
        LOGGER.warning("invalid selector %r: %s", selector, error)
        return []
    return [element for element in found if isinstance(element, etree._Element)]


def selected_text(tree: HtmlElement, selector: str | None, *,
                  attributes: tuple[str, ...] = ()) -> str | None:
    """Text (or the first present attribute) of the first element the selector matches."""
    if selector and is_xpath(selector):
        try:
            found = tree.xpath(selector)
        except (etree.XPathError, ValueError, TypeError):
            found = []
        for item in found if isinstance(found, list) else [found]:
            if isinstance(item, str) and item.strip():
                return str(item).strip()  # an XPath that selects text() or an attribute
    for element in select(tree, selector):
        for attribute in attributes:
            value = element.get(attribute)
            if value and value.strip():
                return value.strip()
        text = " ".join(" ".join(element.itertext()).split())
        if text:
            return text
    return None

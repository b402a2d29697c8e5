"""One hardened XML parser for everything newswatch reads from the web (feeds, sitemaps).

Feeds and sitemaps never need a DTD of their own, so a document whose DOCTYPE declares entities
(the shape of every billion-laughs and XXE attack) is refused outright. Behind that check the
parser itself never expands or fetches entities, loads no DTD, never touches the network and
keeps lxml's huge-tree guard on.
"""

from __future__ import annotations

import re

from lxml import etree

#: How far into a document the DOCTYPE is looked for (a prolog is short; the attack is in it).
_PROLOG_BYTES = 64 * 1024
_ENTITY_DECLARATION = re.compile(rb"<!DOCTYPE[^>\[]*\[.*?<!ENTITY", re.DOTALL | re.IGNORECASE)


class XMLDocumentError(ValueError):
    """The response is not an XML document newswatch can read."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes) -> etree._Element:
    """The root element of ``data``; :class:`XMLDocumentError` when there is none."""
    if _ENTITY_DECLARATION.search(data[:_PROLOG_BYTES]):
        raise XMLDocumentError(
            "refused: the document declares XML entities (entity expansion / XXE attempt)"
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise XMLDocumentError(f"not XML: {exc}") from None
    if root is None:
        raise XMLDocumentError("not XML: no root element")
    return root


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].lower()


def child(element: etree._Element, *names: str) -> etree._Element | None:
    """The first direct child whose local name is one of ``names`` (case-insensitive)."""
    wanted = {n.lower() for n in names}
    for node in element:
        if local_name(node) in wanted:
            return node
    return None


def text_of(element: etree._Element | None) -> str:
    """The element's own text content, entity references left out."""
    if element is None:
        return ""
    parts = [element.text or ""]
    for node in element:
        if isinstance(node.tag, str):
            parts.append(text_of(node))
        parts.append(node.tail or "")
    return "".join(parts).strip()

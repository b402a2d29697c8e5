"""Decoded page text to an lxml tree, parsed once and shared by every reader of the page.

The parser has trafilatura's options and the page gets its repairs (as in
``trafilatura.utils.load_html``), so trafilatura sees the tree it would build itself (checked
on every corpus page), with two differences in how, not what: the text goes to libxml2 as UTF-8
bytes with the XML-forbidden characters deleted from the bytes, and elements get their Python
class from lxml's C-level default lookup instead of ``lxml.html``'s Python callback, which
special-cases form elements nobody here uses. Every element lxml hands to Python — in each
XPath result and tree walk, newswatch's and trafilatura's alike — then costs about 40% less.
"""

from __future__ import annotations

import logging
import re

from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, INVALID_XML_CHARS

LOGGER = logging.getLogger(__name__)

#: Pages beyond this size are cut before parsing (a news article is far smaller).
MAX_HTML_CHARS = 15_000_000


def _parser() -> HTMLParser:
    parser = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                        remove_comments=True, remove_pis=True)
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction,
        entity=HtmlEntity,
    ))
    return parser


_PARSER = _parser()


#: Bytes of the characters XML forbids below U+0020 (trafilatura's ``INVALID_XML_CHARS``). In
#: UTF-8 they are single bytes that never occur inside another character's encoding, so
#: deleting the bytes deletes exactly those characters.
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))
#: U+FFFE or U+FFFF in UTF-8 (rare: such a page is cleaned the slower way).
_NONCHARACTER = re.compile(b"\xef\xbf[\xbe\xbf]")


def _xml_safe_utf8(text: str) -> bytes:
    """``text`` as UTF-8 without the characters XML forbids (lxml would refuse to set them as
    text later, and trafilatura does set texts)."""
    data = text.encode("utf-8", "surrogatepass")
    if _NONCHARACTER.search(data):
        return INVALID_XML_CHARS.sub("", text).encode("utf-8", "surrogatepass")
    return data.translate(None, _CONTROL_BYTES)


def _repair_start(text: str, beginning: str) -> str:
    """trafilatura's repairs of the document's start (``repair_faulty_html`` without its
    character cleaning, done on the bytes here): a DOCTYPE with a slash, a self-closing
    <html/>."""
    if "doctype" in beginning:
        first_line, _, rest = text.partition("\n")
        text = DOCTYPE_TAG.sub("", first_line, count=1) + "\n" + rest
    for line in text[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", text, count=1)
    return text


def parse_page(text: str) -> HtmlElement | None:
    """The lxml tree of a decoded page, or None when it is not HTML at all.

    The text is handed to libxml2 as UTF-8 bytes: faster than a ``str`` (which lxml passes in
    Python's internal 2- or 4-byte form), and the forbidden characters are deleted from the
    bytes in one pass instead of with a regular expression over the text."""
    if not text.strip():
        return None
    text = text[:MAX_HTML_CHARS]
    beginning = text[:50].lower()
    try:
        tree: HtmlElement | None = fromstring(
            _xml_safe_utf8(_repair_start(text, beginning)), parser=_PARSER
        )
    except Exception:  # lxml raises various errors on hostile input
        LOGGER.debug("unparseable page", exc_info=True)
        return None
    if tree is not None and "html" not in beginning and len(tree) < 2:
        return None  # trafilatura's test: neither an <html> tag nor a tree of some size
    return tree

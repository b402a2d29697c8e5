"""Turn the bytes of a fetched page into correct Unicode text.

Order of evidence: a byte-order mark, then the HTTP ``Content-Type`` charset, then the page's own
``<meta charset>``/``http-equiv`` declaration, then statistical detection (charset-normalizer).
A declared charset is checked against the bytes: German pages often say UTF-8 while sending
windows-1252 (or the reverse), which would otherwise turn umlauts into "�" or "Ã¼".
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

from charset_normalizer import from_bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE
)
# How far into the document a <meta charset> is looked for (HTML says 1024; pages are sloppy).
_META_SCAN_BYTES = 8192
# WHATWG: these labels mean windows-1252 in practice.
_LATIN1_ALIASES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"}
_WESTERN_FAMILIES = (
    "cp1250", "cp1252", "cp1254", "cp1257", "latin", "iso8859_1", "iso8859_2", "iso8859_15",
    "mac_roman", "mac_latin2", "cp1006", "cp437", "cp850", "ascii",
)
# UTF-8 bytes read as windows-1252: "Ã¤" "Ã¶" "Ã¼" "ÃŸ" "Ã„" "Ã–" "Ãœ" "â€" (quotes, dashes).
_MOJIBAKE = re.compile(
    "Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2018-\u203a\u20ac\u2122]|â€"
)


def charset_from_headers(headers: Mapping[str, str] | None) -> str | None:
    """The charset named in a ``Content-Type`` header, if any (header names case-insensitive)."""
    if not headers:
        return None
    for name, value in headers.items():
        if name.lower() == "content-type" and isinstance(value, str):
            match = _HEADER_CHARSET.search(value)
            if match:
                return match.group(1)
    return None


def charset_from_meta(data: bytes) -> str | None:
    """The charset a page declares for itself in ``<meta>`` near its start, if any."""
    match = _META_CHARSET.search(data[:_META_SCAN_BYTES])
    return match.group(1).decode("ascii", "ignore") if match else None


def _normalise_label(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _LATIN1_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _is_strict_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_declared(data: bytes, encoding: str) -> str | None:
    """Decode with a declared encoding unless the bytes contradict the declaration."""
    if encoding == "utf-8":
        if _is_strict_utf8(data):
            return data.decode("utf-8")
        # Declared UTF-8 but not valid UTF-8: almost always windows-1252 in the wild.
        return None
    if encoding in {"cp1252", "iso8859-15"} and not data.isascii() and _is_strict_utf8(data):
        # Declared single-byte, but the non-ASCII bytes form valid UTF-8 sequences: a
        # single-byte text practically never does by accident.
        return data.decode("utf-8")
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> str:
    if _is_strict_utf8(data):
        return data.decode("utf-8")
    best = from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None else None
    if encoding and not encoding.startswith(_WESTERN_FAMILIES):
        try:
            return data.decode(encoding, errors="replace")
        except LookupError:
            pass
    # Detection cannot tell the Latin code pages apart on short texts (German comes out as
    # cp1250 or even cp1006); the pages this project reads are overwhelmingly windows-1252.
    return data.decode("cp1252", errors="replace")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as windows-1252 ("fÃ¼r" -> "für"), when it clearly is."""
    if not _MOJIBAKE.search(text):
        return text
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    return repaired


def decode_html(data: bytes | str, headers: Mapping[str, str] | None = None) -> str:
    """Decode a page to text; never raises (undecodable bytes become U+FFFD)."""
    if isinstance(data, str):
        return repair_mojibake(data)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    for label in (charset_from_headers(headers), charset_from_meta(data)):
        declared = _normalise_label(label)
        if declared is None:
            continue
        if declared.startswith("utf-16") and b"\x00" not in data[:200]:
            continue  # a "utf-16" label on 8-bit bytes is a lie
        text = _decode_declared(data, declared)
        if text is not None:
            return text
    return _detect(data)

"""Is a compressed HTTP body whole? (gzip, deflate, br, zstd)

Scrapy decompresses what it can of a body whose compressed stream was cut off (a connection
dropped behind a proxy, a server dying mid-response) and hands the part on as if it were the
page. For an archive that keeps versions that is the worst case: a truncated article stored as
a version, and the full text later recorded as an "edit". :func:`is_cut_short` tells such
bodies apart by decompressing them once more, throwing the output away piece by piece, and
asking the decompressor whether the stream reached its end.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable

import brotli  # Scrapy's own dependency for br

try:
    from compression import zstd  # Python 3.14+
except ImportError:
    from backports import zstd  # Scrapy's dependency before 3.14

#: Output is produced (and thrown away) in pieces of this size: memory stays bounded.
_PIECE = 64 * 1024


def is_cut_short(body: bytes, content_encoding: Iterable[bytes | str], *, limit: int) -> bool:
    """True when ``body`` is not one complete stream of its (outermost) ``Content-Encoding``.

    Unknown encodings, bodies without one and streams that decompress to more than ``limit``
    bytes (Scrapy's size limit refuses those itself) are not judged: False. Inner layers of a
    rare double encoding (``gzip, br``) are not looked at.
    """
    codings = [
        part.strip().lower()
        for value in content_encoding
        for part in (value.decode("latin-1") if isinstance(value, bytes) else value).split(",")
        if part.strip()
    ]
    check = _CHECKS.get(codings[-1]) if codings else None
    if check is None:
        return False
    return check(body, limit) is False


def _gzip_whole(data: bytes, limit: int) -> bool | None:
    """Every gzip member ends properly (members may follow each other)."""
    remaining = data
    produced = 0
    while True:
        decompressor = zlib.decompressobj(wbits=31)
        whole, produced = _zlib_stream(decompressor, remaining, produced, limit)
        if whole is not True:
            return whole
        remaining = decompressor.unused_data
        if not remaining.strip(b"\x00"):
            return True


def _deflate_whole(data: bytes, limit: int) -> bool | None:
    """A zlib-wrapped deflate stream, or a raw one (as some servers send)."""
    whole, _ = _zlib_stream(zlib.decompressobj(wbits=15), data, 0, limit)
    if whole is False:
        whole, _ = _zlib_stream(zlib.decompressobj(wbits=-15), data, 0, limit)
    return whole


def _zlib_stream(
    decompressor: zlib._Decompress, data: bytes, produced: int, limit: int
) -> tuple[bool | None, int]:
    try:
        produced += len(decompressor.decompress(data, _PIECE))
        while not decompressor.eof:
            if produced > limit:
                return None, produced
            # more output may be pending even when all input is consumed: ask until none comes
            piece = decompressor.decompress(decompressor.unconsumed_tail, _PIECE)
            if not piece:
                break
            produced += len(piece)
    except zlib.error:
        return False, produced
    return decompressor.eof, produced


def _brotli_whole(data: bytes, limit: int) -> bool | None:
    decompressor = brotli.Decompressor()
    try:
        produced = len(decompressor.process(data, output_buffer_limit=_PIECE))
        while not decompressor.is_finished():
            if produced > limit:
                return None
            piece = decompressor.process(b"", output_buffer_limit=_PIECE)
            if not piece:
                break
            produced += len(piece)
    except brotli.error:
        return False
    return True if decompressor.is_finished() else (None if produced > limit else False)


def _zstd_whole(data: bytes, limit: int) -> bool | None:
    decompressor = zstd.ZstdDecompressor()
    try:
        produced = len(decompressor.decompress(data, max_length=_PIECE))
        while not decompressor.eof and not decompressor.needs_input:
            if produced > limit:
                return None
            produced += len(decompressor.decompress(b"", max_length=_PIECE))
    except zstd.ZstdError:
        return False
    return bool(decompressor.eof)


_CHECKS: dict[str, Callable[[bytes, int], bool | None]] = {
    "gzip": _gzip_whole,
    "x-gzip": _gzip_whole,
    "deflate": _deflate_whole,
    "br": _brotli_whole,
    "zstd": _zstd_whole,
}

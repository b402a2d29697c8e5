"""Telling whole compressed HTTP bodies from cut-off ones (gzip, deflate, br, zstd)."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable

import brotli
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newswatch.content_encoding import is_cut_short

try:
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:
    from backports import zstd  # type: ignore[import-not-found,no-redef]

PAGE = ("<html><body><article>" + "Ein Absatz über Rechenzentren. " * 400 + "</article>").encode()
LIMIT = 10 * 1024 * 1024


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-15)
    return packer.compress(data) + packer.flush()


COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": zstd.compress,
}


@pytest.mark.parametrize("coding", sorted(COMPRESSORS))
def test_a_whole_stream_is_not_cut_short(coding: str) -> None:
    assert not is_cut_short(COMPRESSORS[coding](PAGE), [coding.encode()], limit=LIMIT)


@pytest.mark.parametrize("coding", sorted(COMPRESSORS))
@pytest.mark.parametrize("kept", [0.1, 0.5, 0.9])
def test_a_stream_cut_off_anywhere_is_cut_short(coding: str, kept: float) -> None:
    packed = COMPRESSORS[coding](PAGE)
    assert is_cut_short(packed[: int(len(packed) * kept)], [coding.encode()], limit=LIMIT)


def test_raw_deflate_as_some_servers_send_it_is_judged_too() -> None:
    packed = raw_deflate(PAGE)
    assert not is_cut_short(packed, [b"deflate"], limit=LIMIT)
    assert is_cut_short(packed[:-8], [b"deflate"], limit=LIMIT)


def test_gzip_members_back_to_back_are_one_whole_body() -> None:
    two = gzip.compress(PAGE[:1000]) + gzip.compress(PAGE[1000:])
    assert not is_cut_short(two, [b"gzip"], limit=LIMIT)
    assert is_cut_short(two[:-4], [b"gzip"], limit=LIMIT)


def test_the_outermost_of_several_codings_is_judged() -> None:
    assert not is_cut_short(gzip.compress(brotli.compress(PAGE)), [b"br, gzip"], limit=LIMIT)
    assert is_cut_short(gzip.compress(PAGE)[:50], [b"br", b"gzip"], limit=LIMIT)


@pytest.mark.parametrize("coding", [[], [b"identity"], [b"compress"], [b""]])
def test_bodies_without_a_known_coding_are_not_judged(coding: list[bytes]) -> None:
    assert not is_cut_short(b"<html>plain</html>", coding, limit=LIMIT)


def test_a_stream_larger_than_the_limit_is_left_to_scrapys_size_limit() -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    assert not is_cut_short(bomb, [b"gzip"], limit=100_000)
    assert not is_cut_short(bomb[: len(bomb) // 2], [b"gzip"], limit=100_000)


def test_bytes_that_are_no_stream_of_the_declared_coding_are_not_a_whole_body() -> None:
    assert is_cut_short(b"<html>not gzip at all</html>", [b"gzip"], limit=LIMIT)


@given(data=st.binary(min_size=1, max_size=4000), coding=st.sampled_from(sorted(COMPRESSORS)))
def test_any_body_is_whole_compressed_and_cut_short_with_its_last_byte_missing(
    data: bytes, coding: str
) -> None:
    packed = COMPRESSORS[coding](data)
    assert not is_cut_short(packed, [coding], limit=LIMIT)
    assert is_cut_short(packed[:-1], [coding], limit=LIMIT)


@given(body=st.binary(max_size=2000), coding=st.sampled_from([*COMPRESSORS, "identity", "x"]))
def test_arbitrary_bytes_never_raise(body: bytes, coding: str) -> None:
    assert is_cut_short(body, [coding], limit=LIMIT) in (True, False)

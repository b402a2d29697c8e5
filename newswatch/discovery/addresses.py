"""SSRF guard: refuse crawl targets on private, loopback, link-local or reserved addresses.

Links found in third-party feeds or sitemaps could point a crawler at the machine it runs on
(``http://127.0.0.1:…``), at the local network or at a cloud metadata service
(``169.254.169.254``). newswatch only fetches from publicly routable addresses unless a source
sets ``allow_private_addresses = true``.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache

from newswatch.discovery.urls import split_url


class PrivateAddressError(ValueError):
    """A URL's host is (or resolves to) a non-public address."""


def _is_public_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


@lru_cache(maxsize=4096)
def resolve_host(host: str) -> tuple[str, ...]:
    """All addresses ``host`` resolves to (literal IPs are returned as they are)."""
    try:
        return (str(ipaddress.ip_address(host.strip("[]"))),)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return ()
    return tuple(sorted({str(info[4][0]).split("%")[0] for info in infos}))


def is_public_address(host: str) -> bool:
    """True when every address ``host`` resolves to is publicly routable.

    A host that does not resolve is not public (the fetch would fail anyway).
    """
    addresses = resolve_host(host.lower().rstrip("."))
    return bool(addresses) and all(_is_public_ip(ipaddress.ip_address(a)) for a in addresses)


def check_url_target(url: str, *, allow_private: bool) -> None:
    """Raise :class:`PrivateAddressError` when ``url`` must not be fetched."""
    if allow_private:
        return
    parts = split_url(url)
    host = parts.hostname if parts else None
    if not host:
        raise PrivateAddressError(f"no host in URL {url!r}")
    if not is_public_address(host):
        raise PrivateAddressError(
            f"{host} is not a public address (set allow_private_addresses = true on the source "
            "to crawl it)"
        )

"""URL canonicalisation: one spelling per article, so that two links to it are one article.

Rules: lower-case scheme and host, default port dropped, fragment dropped, tracking parameters
(utm_*, fbclid, gclid, …) dropped, remaining query parameters in a stable (sorted) order,
percent-encoding normalised (w3lib). A page's own rel=canonical / og:url wins over the URL it
was fetched from, but only when it points to the same site — a page cannot claim someone else's
URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree
from w3lib.url import canonicalize_url as _w3lib_canonicalize

#: Query parameters that only say where a click came from; never part of an article's identity.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "igshid", "ttclid",
        "mc_cid", "mc_eid", "ocid", "cmpid", "icid", "xtor", "wt_mc", "wt.mc_id", "ito",
        "ref_src", "ref_url", "_ga", "_gl", "s_cid", "cid", "ncid", "sr_share", "share",
        "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
        "ns_source", "ns_mchannel", "ns_campaign", "ns_linkname", "ns_fee",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "at_", "ga_")

_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def split_url(url: str) -> SplitResult | None:
    """``urlsplit(url)``, or ``None`` for text that is not a URL (e.g. a broken IPv6 literal)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def join_url(base: str, href: str) -> str | None:
    """``urljoin(base, href)``, or ``None`` when ``href`` cannot be resolved against ``base``."""
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def canonicalize_url(url: str) -> str:
    """The canonical spelling of ``url`` (see module docstring).

    Non-http(s) URLs and text that does not parse as a URL pass through (stripped).
    """
    parts = split_url(url.strip())
    if parts is None:
        return url.strip()
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url.strip()
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, v) for k, v in pairs if not is_tracking_param(k)]
    rebuilt = urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))
    return _w3lib_canonicalize(rebuilt, keep_fragments=False)


def site_host(url: str) -> str:
    """Lower-case host of ``url`` without a leading ``www.`` ('' when there is none)."""
    parts = split_url(url)
    host = ((parts.hostname if parts else None) or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def is_same_site(url: str, domains: Iterable[str]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or a subdomain of one."""
    host = site_host(url)
    if not host:
        return False
    return any(host == d or host.endswith("." + d) for d in domains)


def declared_canonical_url(html: bytes | str) -> str | None:
    """The page's ``<link rel="canonical">``, else its ``og:url``, else None (unvalidated)."""
    try:
        doc = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    for xpath in (
        "//link[contains(concat(' ', normalize-space(translate(@rel, 'CANONICAL', 'canonical')),"
        " ' '), ' canonical ')]/@href",
        "//meta[@property='og:url']/@content",
    ):
        values = doc.xpath(xpath)
        for value in values if isinstance(values, list) else []:
            if str(value).strip():
                return str(value).strip()
    return None


def choose_article_url(fetched_url: str, declared: str | None, domains: Iterable[str]) -> str:
    """The canonical URL to store an article under.

    ``declared`` (rel=canonical / og:url, relative URLs allowed) wins when it is an http(s) URL
    on the same site as one of ``domains``; otherwise the fetched URL is used.
    """
    candidate = join_url(fetched_url, declared) if declared else None
    parts = split_url(candidate) if candidate else None
    if candidate and parts and parts.scheme in _DEFAULT_PORTS and is_same_site(candidate, domains):
        return canonicalize_url(candidate)
    return canonicalize_url(fetched_url)

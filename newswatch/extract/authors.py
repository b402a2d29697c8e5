"""Split and clean bylines into author names ("Von Max Muster und Erika Beispiel" -> two names).

Agencies (dpa, AFP, Reuters, …) are kept as authors in their usual spelling; ``is_agency`` tells
them apart from people. Roles ("Redakteurin", "Korrespondent in Washington"), e-mail addresses,
URLs and site suffixes ("| FR") are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

AGENCIES: dict[str, str] = {
    name.lower(): name
    for name in (
        "dpa", "AFP", "AP", "Reuters", "KNA", "epd", "SID", "dts", "APA", "sda", "Keystone-SDA",
        "dapd", "ddp", "EFE", "ANSA", "Bloomberg", "AP Photo", "rtr", "afp/dpa", "idea", "KAP",
        "Xinhua", "UPI", "PA", "dpa-AFX", "AWP", "Agenturen", "Agencies",
    )
}

_PREFIX = re.compile(
    r"^\s*(?:(?:ein(?:e)?\s+)?(?:artikel|beitrag|kommentar|analyse|interview|gastbeitrag|essay"
    r"|kolumne|reportage)\s+von|(?:geschrieben|veröffentlicht|verfasst|erstellt|gepostet)\s+von"
    r"|written\s+by|posted\s+by|reported\s+by|published\s+by"
    r"|text(?:\s+und\s+fotos?)?\s*:|autor(?:in)?(?:en)?\s*:|author(?:s)?\s*:|von|by|from)\s*[:\s]",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(
    r"\s*(?:,|;|/|\||&|\+|•|·|\s(?:und|and|sowie|mit|with)\s)\s*", re.IGNORECASE
)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_PARENTHESES = re.compile(r"\(([^)]*)\)")
_ROLE_WORDS = re.compile(
    r"^(?:(?:stellv(?:ertretende[rn]?)?\.?|leitende[rn]?|freie[rn]?|senior|chief|deputy|"
    r"managing|executive|contributing|staff|freelance)\s+)*"
    r"(?:redakteur(?:in)?|redaktion|chefredakteur(?:in)?|korrespondent(?:in)?|reporter(?:in)?"
    r"|autor(?:in)?|ressortleiter(?:in)?|volontär(?:in)?|praktikant(?:in)?|moderator(?:in)?"
    r"|kolumnist(?:in)?|fotograf(?:in)?|leiter(?:in)?|editor|writer|correspondent|columnist"
    r"|contributor|photographer|producer|analyst|bureau\s+chief|reporter)\b",
    re.IGNORECASE,
)
_TRAILING_ROLE = re.compile(
    r"\s*[,–—-]\s*(?:(?:[\w.]+\s+){0,2}(?:redakteur|korrespondent|reporter|autor|editor|writer"
    r"|correspondent|columnist|chefredakteur|leiter)\w*\b.*)$",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"\d|[→←»«<>{}\[\]#@=©]|\b\w+\.(?:com|de|net|org|at|ch|co\.uk|info)\b"
    r"|^(?:admin|administrator|team|gast|guest|unknown|anonym\w*|homepage|startseite|mehr"
    r"|more|facebook|twitter|instagram)$",
    re.IGNORECASE,
)
MAX_NAME_WORDS = 5
MAX_NAME_CHARS = 60


def is_agency(name: str) -> bool:
    """Whether ``name`` is a news agency rather than a person."""
    return name.strip().lower() in AGENCIES


def _clean_part(part: str) -> str | None:
    part = part.strip(" \t\n\r.:-–—|,;\"'“”„»«~*")
    part = _PREFIX.sub("", part + " ").strip(" .:-–—")
    if not part:
        return None
    agency = AGENCIES.get(part.lower())
    if agency:
        return agency
    if _NOT_A_NAME.search(part):
        return None
    words = part.split()
    if len(words) > MAX_NAME_WORDS or len(part) > MAX_NAME_CHARS:
        return None
    if len(words) == 1 and part.isupper() and len(part) <= 4:
        return None  # a site code such as "FR" or "SZ"
    if part.isupper() and len(words) > 1:
        part = part.title()
    if not any(char.isalpha() for char in part):
        return None
    return part


def split_byline(byline: str) -> list[str]:
    """The author names in one byline, in order, without roles, addresses or site codes."""
    if not isinstance(byline, str):
        return []
    text = " ".join(byline.split())
    text = _EMAIL.sub(" ", text)
    text = _URL.sub(" ", text)
    extras = [inner for inner in _PARENTHESES.findall(text)]
    text = _PARENTHESES.sub(" ", text)
    text = _TRAILING_ROLE.sub("", text)
    names: list[str] = []
    roles: list[str] = []
    for chunk in [text, *extras]:
        chunk = _PREFIX.sub("", chunk + " ").strip()
        for part in _SEPARATORS.split(chunk):
            name = _clean_part(_TRAILING_ROLE.sub("", part))
            if name and _ROLE_WORDS.match(name) and not is_agency(name):
                roles.append(name)
            elif name:
                names.append(name)
    # A byline that is only a role ("Redaktion", "Staff Writer") names the desk: keep it.
    return names or roles[:1]


def clean_authors(bylines: Iterable[str]) -> list[str]:
    """Names from several byline strings, split, cleaned and deduplicated (case-insensitively)."""
    result: list[str] = []
    seen: set[str] = set()
    for byline in bylines:
        for name in split_byline(byline):
            key = name.casefold()
            if key not in seen:
                seen.add(key)
                result.append(name)
    return result

"""The headline: the visible ``<h1>`` when a metadata title confirms it, else the best
metadata title without the site's name around it.

A site's name is never the headline. Blog themes put the blog's name in the ``<h1>`` of every
page and in ``<title>`` ("Post title | Blog name", "Blog name » Blog Archive » Post title");
some pages give the site's name as their first metadata title. The names come from the page's
``og:site_name``/publisher, and from the ``<h1>`` itself when a metadata title shows it in
the site name's place (see :func:`_h1_names_the_site`). An ``<h1>`` that is only a link to
the home page is the site's title too (:mod:`newswatch.extract.metadata` skips it).
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from html import unescape
from urllib.parse import urlsplit

from newswatch.clean.normalize import normalize_inline
from newswatch.extract.body import words
from newswatch.extract.metadata import Heading, PageMetadata

#: How much of the <h1> a metadata title must share to confirm that the <h1> is the headline.
H1_AGREEMENT = 0.6
_TITLE_SEPARATORS = re.compile(r"\s+[|–—·•:»«›‹-]\s+|\s+::\s+")
_SEPARATOR_CHARACTERS = " |–—·•:»«›‹-"
#: A longer "site name" is something else (some pages give their title as og:site_name): it
#: is only taken when a title part is exactly it.
MAX_SITE_NAME_WORDS = 6
#: What WordPress themes put between the blog's name and the post's title.
_ARCHIVE_LABELS = frozenset({"blog archive", "blog archiv", "blog-archiv"})


def _overlap(a: str, b: str) -> float:
    """Share of the words of ``a`` that also occur in ``b``."""
    words_a, words_b = set(words(a)), set(words(b))
    return len(words_a & words_b) / len(words_a) if words_a else 0.0


def _h1_names_the_site(h1: str, candidates: list[str]) -> bool:
    """Whether a metadata title shows the <h1> in the site name's place: as its last part
    after a longer rest ("Nach langer Zeit mal wieder | Ein Hundetagebuch"), or as its first
    part before a WordPress archive label ("Time 4 talks » Blog Archiv » Kinos")."""
    key = h1.casefold()
    for candidate in candidates:
        parts = _TITLE_SEPARATORS.split(candidate)
        if len(parts) < 2:
            continue
        if parts[-1].casefold() == key and len(" ".join(parts[:-1]).split()) > len(h1.split()):
            return True
        if parts[0].casefold() == key and parts[1].casefold() in _ARCHIVE_LABELS:
            return True
    return False


#: The most words a kicker run into the <h1> before the headline may have.
MAX_KICKER_WORDS = 8


def _leading_pieces(title: str) -> list[str]:
    """``title`` and each run of its parts from the start to a separator: "A - B | C" gives
    "A - B | C", "A" and "A - B" (where a title has the headline: first)."""
    return [title, *(title[: match.start()] for match in _TITLE_SEPARATORS.finditer(title))]


#: Where a kicker printed in the headline's line ends: "Energiewende Oberland: Klimavorreiter".
_KICKER_END = re.compile(r"\s*[:|–—]\s+|\s+[-·•»]\s+")


def _kicker_ends_at(h1: str, lead: str | None, kicker_words: list[str]) -> bool:
    """Whether ``kicker_words`` are a kicker of their own: the <h1>'s leading element, or the
    text before a separator in it (not the first words of a headline ending in a keyword:
    "Eignet sich eine | Wärmepumpe im Altbau?")."""
    if lead is not None and words(lead) == kicker_words:
        return True
    parts = _KICKER_END.split(h1)
    return any(words(" ".join(parts[:end])) == kicker_words for end in range(1, len(parts)))


def _headline_after_kicker(h1: str, candidates: list[str], lead: str | None = None
                           ) -> str | None:
    """The headline of an <h1> that runs a kicker into it ("Interne Unterlagen im Netz Daten
    von Rheinmetall gehackt"), when a metadata title shows the headline without the kicker
    ("Daten von Rheinmetall gehackt - Interne Unterlagen im Netz": the title, or its leading
    part, is the end of the <h1>). A kicker that the metadata titles carry too ("Stargate:
    OpenAI plant …") stays part of the headline, and so does the first part of a headline in
    two parts ("Grüner Wasserstoff – das Schlüsselelement der Energiewende")."""
    h1_words = words(h1)
    best: str | None = None
    best_length = 0
    for candidate in candidates:
        for piece in _leading_pieces(candidate):
            piece_words = words(piece)
            length = len(piece_words)
            if (
                length >= 2
                and length < len(h1_words) <= length + MAX_KICKER_WORDS
                and h1_words[-length:] == piece_words
                and length > best_length
                and _kicker_ends_at(h1, lead, h1_words[:-length])
            ):
                best, best_length = piece.strip(_SEPARATOR_CHARACTERS), length
    return best


def _headline_after_lead(h1: str, lead: str | None, titles: list[tuple[str, str]]
                         ) -> str | None:
    """The <h1> without its leading element when that is a kicker the metadata titles leave
    out and a title's whole headline is in the rest (``<h1><span>Thema Verbraucherschutz
    </span>Mehr Transparenz bei Preisanpassungen</h1>`` with the title "BMJV | Transparenz
    bei Preisanpassungen"): not a subject the title words otherwise ("<span>Merz</span>
    kündigt Rücktritt an" for "Kanzler kündigt Rücktritt an"). ``titles``: each metadata
    title with its headline (the title without the site's name)."""
    if not lead or not h1.startswith(lead):
        return None
    rest = h1[len(lead):].strip(_SEPARATOR_CHARACTERS)
    lead_words = words(lead)
    rest_words = set(words(rest))
    if len(lead_words) > MAX_KICKER_WORDS or len(rest_words) < 2:
        return None
    if any(set(lead_words) & set(words(title)) for title, _ in titles):
        return None
    for _, headline in titles:
        headline_words = set(words(headline))
        if len(headline_words) >= 2 and headline_words <= rest_words:
            return rest
    return None


def _compact(text: str) -> str:
    """Letters and digits only, case-folded: "ARTE Radio" and "arteradio" compare equal."""
    return _NOT_ALPHANUMERIC.sub("", text.casefold())


_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


def host_names(url: str) -> set[str]:
    """The page's host as a site name could spell it: "arteradio.com" gives "arteradiocom" and
    "arteradio" (compacted, see :func:`_compact`)."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if "." not in host:
        return set()
    label = host.rsplit(".", 1)[0].rsplit(".", 1)[-1]
    return {name for name in (_compact(host), _compact(label)) if len(name) >= 4}


def _without_site_name(title: str, site_names: set[str],
                       hosts: AbstractSet[str] = frozenset(), *, loose: bool = True) -> str:
    """``title`` without the site's name before or after it. ``loose``: a short last part that
    is only part of a site name counts too (for metadata titles, not for the <h1>)."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    for index, part in enumerate(parts[1:-1], start=1):
        if part.casefold() in _ARCHIVE_LABELS:  # "Blog name » Blog Archive » Post title"
            return title[title.find(parts[index + 1], title.find(part) + len(part)):]
    last = parts[-1].casefold()
    # the last part is the site's name, or a short form of it ("… | SZ.de" for "sz.de";
    # "… - tagesschau.de" for "tagesschau"): never a short clause of the headline itself
    # ("Brand in Lagerhalle – zwei Verletzte")
    if last in site_names or _compact(last) in hosts or (
        loose
        and len(parts[-1].split()) <= 3 and len(" ".join(parts[:-1]).split()) >= 3
        and any(name in last or last in name for name in site_names
                if name and len(name.split()) <= MAX_SITE_NAME_WORDS)
    ):
        return title[: title.rfind(parts[-1])].rstrip(_SEPARATOR_CHARACTERS)
    if parts[0].casefold() in site_names or _compact(parts[0]) in hosts:
        rest = parts[1:]
        if len(rest) > 1 and rest[0].casefold() in _ARCHIVE_LABELS:
            rest = rest[1:]
        return title[title.find(rest[0], len(parts[0])):]
    return title


#: A headline this short is confirmed by a title even when the <h1> has a few words more
#: ("Zeitphilosophie – neue Zahlen" for the title "Zeitphilosophie – Blog"): added words
#: outweigh so short a title's share of the <h1> (longer ones keep ``H1_AGREEMENT``).
SHORT_HEADLINE_WORDS = 3
SHORT_HEADLINE_ADDED_WORDS = 4


def _extends(h1_words: list[str], piece: str) -> bool:
    """Whether the <h1> is the short headline ``piece`` with a few words added."""
    piece_words = words(piece)
    length = len(piece_words)
    if not 0 < length <= SHORT_HEADLINE_WORDS or not (
        length < len(h1_words) <= length + SHORT_HEADLINE_ADDED_WORDS
    ):
        return False
    return any(h1_words[start:start + length] == piece_words
               for start in range(len(h1_words) - length + 1))


def _agreement(h1: str, titles: list[tuple[str, str]]) -> float | None:
    """How well the metadata titles confirm ``h1`` as the headline, None when none does: a
    title that holds most of the <h1>'s words (or a short headline the <h1> holds), scored by
    the share of the <h1> it holds times the share of its headline the <h1> holds. A section's
    name in an <h1> ("Politik" for "Politik | Merz …") scores below the headline. ``titles``:
    each metadata title with its headline (the title without the site's name)."""
    h1_words = words(h1)
    best: float | None = None
    for title, headline in titles:
        forward = _overlap(h1, title)
        if forward < H1_AGREEMENT and not _extends(h1_words, headline):
            continue
        score = forward * _overlap(headline, h1)
        if best is None or score > best:
            best = score
    return best


def _confirmed_h1(headings: list[Heading], titles: list[tuple[str, str]]) -> Heading | None:
    """The <h1> the metadata titles confirm best (the first of equals), or None."""
    best: Heading | None = None
    best_score = -1.0
    for heading in headings:
        score = _agreement(heading.text, titles)
        if score is not None and score > best_score:
            best, best_score = heading, score
    return best


def choose_title(meta: PageMetadata, url: str = "") -> str:
    """The headline: the <h1> a metadata title confirms best, unless it is the site's name
    (without a kicker run into it that the metadata leaves out), else the first metadata title
    that is not the site's name, without the name around it (a name that spells the page's
    host counts too: "… | ARTE Radio" on arteradio.com). Menus, site titles and section names
    in earlier <h1>s do not hide the headline's <h1>, so an edit to the visible headline alone
    changes the title."""
    candidates = [normalize_inline(unescape(t)) for t in meta.titles if t and t.strip()]
    site_names = {normalize_inline(s).casefold() for s in meta.site_names + meta.publishers}
    site_names.discard("")
    hosts = host_names(url)
    headings: list[Heading] = []  # the <h1>s that are not the site's name, normalised
    for heading in meta.h1s:
        text = normalize_inline(unescape(heading.text))
        if text.casefold() in site_names or _h1_names_the_site(text, candidates):
            site_names.add(text.casefold())
        else:
            headings.append(Heading(text, heading.lead))
    with_headlines = [(c, _without_site_name(c, site_names, hosts)) for c in candidates]
    h1 = _confirmed_h1(headings, with_headlines)
    if h1 is not None:
        headline = (_headline_after_kicker(h1.text, candidates, h1.lead)
                    or _headline_after_lead(h1.text, h1.lead, with_headlines)
                    or h1.text)
        return _without_site_name(headline, site_names, hosts, loose=False)
    titles = [c for c in candidates if c.casefold() not in site_names]
    if not titles:
        return headings[0].text if headings else (candidates[0] if candidates else "")
    return _without_site_name(titles[0], site_names, hosts)

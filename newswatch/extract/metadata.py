"""Article metadata from the page's markup: JSON-LD, OpenGraph, article:*, parsely/sailthru/dc.*
meta tags, microdata and ``<time datetime>``, collected as ordered candidates.

Nothing is decided here beyond "which sources say what, best first": the caller picks the
first candidate that parses (dates) or survives cleaning (authors).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from newswatch.extract.jsonld import find_article, json_ld_objects, text_of, texts_of, type_names


@dataclass(frozen=True)
class Heading:
    """An <h1>: its text, and the text of its first child element when the heading starts
    with it (a kicker in a span of its own: <h1><span>Kicker</span> <span>Headline</span>)."""

    text: str
    lead: str | None = None


@dataclass
class PageMetadata:
    """What the markup says about the article, each list ordered from most to least trusted."""

    titles: list[str] = field(default_factory=list)
    #: the page's <h1> headings in document order, except those that only link home
    h1s: list[Heading] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    author_groups: list[list[str]] = field(default_factory=list)  # one list per source
    published: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    canonical_urls: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    site_names: list[str] = field(default_factory=list)
    article_body: str | None = None
    accessible_for_free: bool | None = None
    content_tier: str | None = None
    is_live_blog: bool = False


def _meta_index(tree: HtmlElement) -> dict[str, list[str]]:
    """<meta name|property|itemprop|http-equiv=KEY content=VALUE>, keys lower-cased, in order."""
    index: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None:
            content = meta.get("datetime") or meta.get("value")
        if not content or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attribute)
            if key:
                index.setdefault(key.strip().lower(), []).append(content.strip())
    return index


def _pick(index: dict[str, list[str]], *keys: str) -> list[str]:
    return [value for key in keys for value in index.get(key, [])]


def _split_keywords(values: list[str]) -> list[str]:
    tags: list[str] = []
    for value in values:
        for part in re.split(r"[,;|]", value):
            part = part.strip()
            if part and part not in tags:
                tags.append(part)
    return tags


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "//", "/"))


def _element_text(element: HtmlElement) -> str:
    return " ".join(" ".join(element.itertext()).split())


def _leading_child_text(heading: HtmlElement) -> str | None:
    """The text of the heading's first child element, when nothing comes before it and more
    comes after it."""
    children = [child for child in heading if isinstance(child.tag, str)]
    if not children or (heading.text or "").strip():
        return None
    first = children[0]
    if len(children) == 1 and not (first.tail or "").strip():
        return None
    return _element_text(first) or None


def _links_home(heading: HtmlElement, url: str) -> bool:
    """Whether the heading is the site's title: all its text is one link to the home page
    (``<h1 class="site-title"><a href="/" rel="home">Blog</a></h1>``), not the headline."""
    links = heading.findall(".//a")
    if len(links) != 1 or not url:
        return False
    target = urlsplit(urljoin(url, (links[0].get("href") or "").strip()))
    if target.netloc != urlsplit(url).netloc or target.path not in ("", "/") or target.query:
        return False
    return _element_text(links[0]) == _element_text(heading)


def _from_json_ld(tree: HtmlElement, meta: PageMetadata) -> None:
    objects = json_ld_objects(tree)
    article = find_article(objects)
    for obj in objects:
        if type_names(obj) & {"organization", "newsmediaorganization"} and not meta.site_names:
            name = text_of(obj.get("name"))
            if name:
                meta.site_names.append(name)
    if article is None:
        return
    get = article.get
    meta.titles.extend(texts_of(get("headline"))[:1] or texts_of(get("name"))[:1])
    meta.descriptions.extend(texts_of(get("description"))[:1])
    raw_authors = get("author") or get("creator")
    names = [text_of(author) for author in
             (raw_authors if isinstance(raw_authors, list) else [raw_authors])]
    meta.author_groups.append([name for name in names if name and not _is_url(name)])
    meta.published.extend(texts_of(get("datePublished"))[:1] or texts_of(get("dateCreated"))[:1])
    meta.modified.extend(texts_of(get("dateModified"))[:1])
    meta.languages.extend(texts_of(get("inLanguage"))[:1])
    meta.sections.extend(texts_of(get("articleSection"))[:1])
    keywords = get("keywords")
    meta.tags.extend(_split_keywords(texts_of(keywords)))
    url = text_of(get("url"))
    if url and _is_url(url):
        meta.canonical_urls.append(url)
    meta.images.extend(texts_of(get("image"))[:1] or texts_of(get("thumbnailUrl"))[:1])
    meta.publishers.extend(texts_of(get("publisher"))[:1])
    body = get("articleBody")
    if isinstance(body, str) and body.strip():
        meta.article_body = body
    free = get("isAccessibleForFree")
    if isinstance(free, str):
        free = free.strip().lower() not in {"false", "0", "no"}
    parts = get("hasPart")
    for part in parts if isinstance(parts, list) else [parts]:
        if isinstance(part, dict):
            part_free = part.get("isAccessibleForFree")
            if part_free is False or str(part_free).strip().lower() == "false":
                free = False
    if isinstance(free, bool):
        meta.accessible_for_free = free
    meta.is_live_blog = "liveblogposting" in type_names(article)


def _from_meta_tags(tree: HtmlElement, meta: PageMetadata) -> None:
    index = _meta_index(tree)
    meta.titles.extend(
        _pick(index, "og:title", "twitter:title", "parsely-title", "sailthru.title", "dc.title",
              "dcterms.title", "headline", "title")
    )
    meta.descriptions.extend(
        _pick(index, "og:description", "description", "twitter:description", "dc.description",
              "dcterms.description", "sailthru.description")
    )
    for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
                "dcterms.creator", "byl", "cxenseparse:author"):
        names = [a for a in index.get(key, []) if not _is_url(a) and not a.startswith("@")]
        meta.author_groups.append(names)
    meta.published.extend(
        _pick(index, "article:published_time", "og:article:published_time", "datepublished",
              "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued",
              "dc.date", "dcterms.date", "dcterms.created", "date", "pubdate", "publishdate",
              "publish-date", "publication_date", "article.published", "og:published_time",
              "cxenseparse:recs:publishtime", "created")
    )
    meta.modified.extend(
        _pick(index, "article:modified_time", "og:updated_time", "datemodified",
              "dcterms.modified", "dc.date.modified", "article.updated", "last-modified",
              "lastmod")
    )
    meta.languages.extend(_pick(index, "content-language", "language", "dc.language",
                                "og:locale", "inlanguage"))
    meta.sections.extend(_pick(index, "article:section", "parsely-section", "sailthru.section",
                               "og:article:section", "section", "category"))
    meta.tags.extend(
        tag for tag in _split_keywords(
            _pick(index, "article:tag", "parsely-tags", "sailthru.tags", "news_keywords",
                  "keywords", "dc.subject")
        ) if tag not in meta.tags
    )
    meta.canonical_urls.extend(_pick(index, "og:url", "twitter:url", "parsely-link"))
    meta.images.extend(_pick(index, "og:image", "og:image:url", "og:image:secure_url",
                             "twitter:image", "twitter:image:src", "parsely-image-url",
                             "sailthru.image.full", "thumbnailurl"))
    meta.site_names.extend(_pick(index, "og:site_name", "application-name", "publisher",
                                 "dc.publisher", "twitter:site"))
    tiers = _pick(index, "article:content_tier")
    meta.content_tier = tiers[0].lower() if tiers else None


# Containers of other articles' teasers (related posts, sidebars, widgets) and of comments:
# a <time> inside them dates another text, not the article. Matched case-insensitively as
# parts of class or id.
_OTHER_CONTENT_WORDS = (
    "related", "sidebar", "widget", "recommend", "comment", "popular", "readmore", "read-more",
    "morestories", "more-stories", "morearticles", "more-articles",
)
_OTHER_CONTENT = re.compile("|".join(map(re.escape, _OTHER_CONTENT_WORDS)), re.IGNORECASE)
_OTHER_CONTENT_TAGS = frozenset({"aside", "nav"})


def is_other_content(element: HtmlElement) -> bool:
    """Whether ``element`` is a related-posts list, sidebar, widget or comment section."""
    if element.tag in _OTHER_CONTENT_TAGS:
        return True
    label = f"{element.get('class') or ''} {element.get('id') or ''}"
    return bool(label.strip()) and _OTHER_CONTENT.search(label) is not None


def in_other_content(element: HtmlElement) -> bool:
    """Whether ``element`` sits in a related-posts list, sidebar, widget or comment section."""
    return any(is_other_content(ancestor) for ancestor in element.iterancestors())


def _microdata_and_times(
    root: HtmlElement,
) -> tuple[list[HtmlElement], list[HtmlElement], list[HtmlElement]]:
    """Article/BlogPosting itemscopes, elements with an itemprop, and <time datetime>
    elements of the page, each in document order, from one walk with lxml's iterator (three
    XPaths over the whole tree cost three times as much)."""
    scopes: list[HtmlElement] = []
    with_itemprop: list[HtmlElement] = []
    times: list[HtmlElement] = []
    for element in root.iter(etree.Element):
        if element.get("itemprop") is not None:
            with_itemprop.append(element)
        if element.get("itemscope") is not None:
            itemtype = element.get("itemtype") or ""
            if "Article" in itemtype or "BlogPosting" in itemtype:
                scopes.append(element)
        if element.tag == "time" and element.get("datetime") is not None:
            times.append(element)
    return scopes, with_itemprop, times


def _from_document(tree: HtmlElement, meta: PageMetadata, url: str) -> None:
    for link in tree.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical" and link.get("href"):
            meta.canonical_urls.insert(0, link.get("href", "").strip())
            break
    html = tree if tree.tag == "html" else tree.getroottree().getroot()
    lang = html.get("lang") or html.get("xml:lang")
    if lang:
        meta.languages.insert(0, lang)
    title = tree.find(".//title")
    if title is not None:
        text = _element_text(title)
        if text:
            meta.titles.append(text)
    for heading in tree.iter("h1"):
        text = _element_text(heading)
        if not text:
            continue
        if _links_home(heading, url):
            meta.site_names.append(text)  # the site's title, not the headline
        else:
            meta.h1s.append(Heading(text, _leading_child_text(heading)))
    # Microdata and <time>: datePublished/dateModified/author/headline as attributes or text.
    microdata_authors: list[str] = []
    scopes, with_itemprop, times = _microdata_and_times(html)
    author_scope = scopes[0] if scopes else None
    for element in with_itemprop[:2000]:
        prop = (element.get("itemprop") or "").strip()
        if element.tag == "meta":
            continue  # already read with the <meta> tags
        value = element.get("datetime") or element.get("content")
        if prop == "datePublished":
            meta.published.append(value or _element_text(element))
        elif prop == "dateModified":
            meta.modified.append(value or _element_text(element))
        elif prop == "author":
            if author_scope is not None and author_scope not in element.iterancestors():
                continue  # an author of a comment or of a teaser for another article
            if author_scope is None and microdata_authors:
                continue  # without an article scope only the first author is trusted
            names = element.xpath(".//*[@itemprop='name']")
            text = _element_text(names[0]) if names else (value or _element_text(element))
            if text and len(text) < 200:
                microdata_authors.append(text)
        elif prop == "headline" and not meta.titles:
            meta.titles.append(_element_text(element))
    meta.author_groups.append(microdata_authors)
    times = [t for t in times if not in_other_content(t)]
    published_times = [t for t in times if t.get("pubdate") is not None
                       or "publish" in (t.get("class") or "").lower()]
    for element in published_times or times[:1]:
        meta.published.append(element.get("datetime", ""))
    for href in meta.canonical_urls[:]:
        absolute = urljoin(url, href) if url else href
        if absolute != href:
            meta.canonical_urls[meta.canonical_urls.index(href)] = absolute


_NOT_BYLINES = frozenset({"body", "html", "article", "main"})


def _is_byline_label(css: str | None, ident: str | None) -> bool:
    css = css or ""
    return "byline" in css or "author" in css or "autor" in css or "author" in (ident or "")


def _in_comments(element: HtmlElement) -> bool:
    return any("comment" in (a.get("class") or "") or "comment" in (a.get("id") or "")
               for a in element.iterancestors())


def _byline_elements(tree: HtmlElement) -> list[HtmlElement]:
    """rel=author links, itemprop=author elements, and elements whose class says byline/author
    (or whose id says author) outside comment sections, in document order: one walk with
    lxml's iterator, each class/id pair judged once (an XPath with ``contains()`` on every
    element is twice as slow)."""
    verdicts: dict[tuple[str | None, str | None], bool] = {}
    found: list[HtmlElement] = []
    for element in tree.iter(etree.Element):
        if (element.tag == "a" and element.get("rel") == "author") or (
            element.get("itemprop") == "author"
        ):
            found.append(element)
            continue
        css, ident = element.get("class"), element.get("id")
        if css is None and ident is None:
            continue
        verdict = verdicts.get((css, ident))
        if verdict is None:
            verdict = verdicts[(css, ident)] = _is_byline_label(css, ident)
        if verdict and element.tag not in _NOT_BYLINES and not _in_comments(element):
            found.append(element)
    return found


#: A name as bylines print it: two to four capitalised words, with "von"/"van"/"de" … inside.
_NAME = (r"[A-ZÄÖÜ][\w'’.-]+(?:\s+(?:(?:von|van|de|der|den|zu|di|da|le|la)\s+)?"
         r"[A-ZÄÖÜ][\w'’.-]+){1,3}")


def visible_bylines(tree: HtmlElement) -> list[str]:
    """Texts of visible bylines (rel=author links, elements whose class says author/byline,
    outside comment sections), in document order; the first ones are the article's. From an
    author box with a biography, the name in its heading, bold text or link."""
    found: list[str] = []
    try:
        elements = _byline_elements(tree)
    except (ValueError, TypeError):
        return found
    for element in elements[:30]:
        text = _element_text(element)
        if len(text) >= 150:  # an author box with a biography: its name heading or link
            text = (_name_inside(element) if len(text) < MAX_AUTHOR_BOX_CHARS else None) or ""
        if text and text not in found:
            found.append(text)
    return found


_NAME_ONLY = re.compile(_NAME)
#: An element whose class says author but holds more text than this is a container (a whole
#: post, a sidebar), not an author box.
MAX_AUTHOR_BOX_CHARS = 800
#: Where an author box names its author.
_NAME_TAGS = ("h2", "h3", "h4", "h5", "h6", "strong", "b", "a")


def _name_inside(element: HtmlElement) -> str | None:
    """The first heading, bold text or link inside ``element`` that is just a name."""
    for child in element.iter(*_NAME_TAGS):
        text = _element_text(child)
        if len(text) < 60 and _NAME_ONLY.fullmatch(text):
            return text
    return None


#: An element that says only who wrote the article: "Von Andreas Kürten", "von Jana Weber und
#: Tim Roth", "By Jane Doe", "Von David Hutzler, dpa".
_PRINTED_BYLINE = re.compile(
    rf"(?i:von|by)\s+{_NAME}(?:\s*(?:,|&|(?i:und|and))\s*{_NAME})*(?:\s*,\s*[\w./ -]{{2,20}})?"
)
#: Where a printed byline is not the article's: site navigation, sidebars, teaser lists.
_NOT_THE_ARTICLES = frozenset({"nav", "aside", "footer"})


def printed_bylines(tree: HtmlElement) -> list[str]:
    """Texts of elements that hold only a byline in words ("Von Andreas Kürten"), outside
    navigation, sidebars, footers and comment sections, in document order. For pages whose
    markup names no author: a looser signal than :func:`visible_bylines`."""
    found: list[str] = []
    for element in tree.iter(etree.Element):
        start = (element.text or "").lstrip()[:3].lower()
        if start not in ("von", "by "):
            continue
        text = _element_text(element)
        if len(text) > 80 or not _PRINTED_BYLINE.fullmatch(text) or text in found:
            continue
        if any(a.tag in _NOT_THE_ARTICLES for a in element.iterancestors()) or _in_comments(
            element
        ):
            continue
        found.append(text)
        if len(found) == 3:
            break
    return found


def read_metadata(tree: HtmlElement, url: str) -> PageMetadata:
    """All metadata candidates of a parsed page. Never raises on odd markup."""
    meta = PageMetadata()
    for step in (_from_json_ld, _from_meta_tags):
        try:
            step(tree, meta)
        except (ValueError, TypeError, AttributeError, RecursionError):
            continue
    with contextlib.suppress(ValueError, TypeError, AttributeError):
        _from_document(tree, meta, url)
    return meta


def first(values: list[str]) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None

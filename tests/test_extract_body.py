"""The tree trafilatura's precision mode is given: what it would delete unseen is gone first."""

from __future__ import annotations

from lxml import etree

from newswatch.extract.body import trafilatura_paragraphs, without_discarded_elements
from newswatch.extract.parsing import parse_page

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Data centre deal</title>
<script type="application/ld+json">{"@type": "NewsArticle"}</script>
<script>window.dataLayer = [];</script><style>p {color: red}</style></head>
<body><nav><a href="/">Home</a> <a href="/tech">Tech</a></nav>
<form action="/search"><input name="q"></form><article><h1>Data centre deal</h1>
<p>The operator will spend four billion euros on a new data centre near Frankfurt.<svg><path
d="M0 0"/></svg> Building starts next spring, the company said on Tuesday.</p>
<p>The site is meant to host servers for artificial intelligence, and the first halls should
be running by the end of 2027, according to the plans filed with the city council.</p>
<p>Local officials welcomed the project but asked for guarantees on water use and on the
waste heat, which the operator wants to feed into the district heating network.</p>
<p>Analysts said the investment was part of a wider race among cloud providers to secure
power connections in Germany, where grid capacity has become the main bottleneck.</p>
<figure><table><tr><td>Capacity</td><td>300 MW</td></tr></table></figure>
<p>Formula: <math><mi>x</mi></math> and more text about the investment plans.</p>
<aside>Read also: another story</aside></article>
<footer>© Example Media</footer></body></html>"""


def _tree() -> etree._Element:
    tree = parse_page(PAGE)
    assert tree is not None
    return tree


def test_navigation_asides_footers_svg_and_plain_scripts_are_dropped() -> None:
    stripped = without_discarded_elements(_tree())
    for tag in ("nav", "aside", "footer", "svg", "style"):
        assert stripped.find(f".//{tag}") is None, tag
    scripts = stripped.findall(".//script")
    assert [script.get("type") for script in scripts] == ["application/ld+json"]


def test_elements_trafilatura_looks_into_stay() -> None:
    """A figure holding a table, a form (it may wrap the page), math and the head are
    trafilatura's to judge."""
    stripped = without_discarded_elements(_tree())
    for tag in ("head", "form", "figure", "math"):
        assert stripped.find(f".//{tag}") is not None, tag


def test_text_after_a_dropped_element_is_kept() -> None:
    stripped = without_discarded_elements(_tree())
    paragraph = stripped.find(".//p")
    assert "Building starts next spring" in "".join(paragraph.itertext())


def test_the_given_tree_is_not_changed() -> None:
    tree = _tree()
    without_discarded_elements(tree)
    assert tree.find(".//nav") is not None and tree.find(".//svg") is not None


def test_precision_mode_finds_the_same_body_on_the_dropped_tree() -> None:
    tree = _tree()
    options = {"favor_precision": True, "favor_recall": False, "fast": True}
    whole = trafilatura_paragraphs(tree, "https://example.org/a", **options)
    assert any("four billion euros" in paragraph for paragraph in whole)
    dropped = trafilatura_paragraphs(
        without_discarded_elements(tree), "https://example.org/a", **options
    )
    assert dropped == whole

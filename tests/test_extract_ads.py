"""Advertising blocks never reach the body, so a rotating ad slot makes no new version."""

from __future__ import annotations

import lxml.html
import pytest

from newswatch.extract import extract_article
from newswatch.extract.ads import is_ad_token, remove_ad_blocks
from newswatch.store.fingerprint import content_fingerprint

URL = "https://www.beispiel-zeitung.de/wirtschaft/rechenzentren-100.html"
PARAGRAPHS = [
    "Der Bau neuer Rechenzentren in Hessen kommt schneller voran als erwartet. Nach Angaben "
    "des Wirtschaftsministeriums sind im vergangenen Jahr Anlagen mit zusammen 400 Megawatt "
    "Anschlussleistung genehmigt worden.",
    "Vor allem im Rhein-Main-Gebiet suchen Betreiber nach Flächen. Die Netzbetreiber warnen "
    "allerdings, dass der Ausbau der Stromleitungen mit dem Tempo nicht Schritt halte.",
    "Die Landesregierung will deshalb ein Beschleunigungsgesetz vorlegen, das Genehmigungen "
    "für Umspannwerke vereinfacht. Ein Entwurf soll bis zum Sommer vorliegen.",
]


def page(ad_html: str) -> str:
    first, second, third = (f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<html lang='de'><head><title>Rechenzentren: Hessen genehmigt 400 Megawatt</title>"
        "</head><body><article><h1>Rechenzentren: Hessen genehmigt 400 Megawatt</h1>"
        f"{first}{ad_html}{second}{third}</article></body></html>"
    )


AD_SLOTS = [
    '<div class="ad"><span>Anzeige</span><p>Jetzt Angebot sichern: Tablets ab 99 Euro</p></div>',
    '<div id="ad-slot-3"><p>Sommerreifen jetzt günstig bei ReifenDirekt bestellen</p></div>',
    '<ins class="adsbygoogle" data-ad-slot="123">Kredit ohne Schufa: jetzt vergleichen</ins>',
    '<aside class="taboola-feed"><p>Das sollten Sie über Ihre Rente wissen</p></aside>',
]


@pytest.mark.parametrize("ad", AD_SLOTS)
def test_ad_slot_text_is_not_body_text(ad: str) -> None:
    article = extract_article(page(ad), URL)
    assert article.body.split("\n\n") == PARAGRAPHS


def test_a_rotating_ad_gives_the_same_fingerprint() -> None:
    one, other = (extract_article(page(ad), URL) for ad in AD_SLOTS[:2])
    assert content_fingerprint(one.title, one.teaser, one.body, one.authors) == (
        content_fingerprint(other.title, other.teaser, other.body, other.authors)
    )


@pytest.mark.parametrize(
    "token", ["ad", "ads", "ad-slot", "ad_container", "advertisement", "adsbygoogle", "anzeige",
              "werbung-rechts", "sponsored-content", "outbrain_widget", "google-ads"],
)
def test_ad_container_tokens(token: str) -> None:
    assert is_ad_token(token)


@pytest.mark.parametrize(
    "token", ["header", "read", "lead", "download", "shadow", "badge", "adresse", "add-comment",
              "TestReport__Section--Ads", "has-ads", "headline"],
)
def test_content_tokens_that_merely_contain_ad_are_kept(token: str) -> None:
    assert not is_ad_token(token)


def test_a_container_with_many_paragraphs_is_content_whatever_its_class() -> None:
    tree = lxml.html.fromstring(
        '<html><body><div class="ad-wrapper">' + "".join(f"<p>{p}</p>" for p in PARAGRAPHS * 2)
        + "</div></body></html>"
    )
    assert remove_ad_blocks(tree) == 0
    assert len(tree.findall(".//p")) == 6


def test_an_ad_server_attribute_marks_an_ad_whatever_its_class() -> None:
    html = ('<html><body><div class="promo-box" data-google-query-id="CJ2x">Kredit ohne '
            'Schufa</div><p>Text</p></body></html>')
    tree = lxml.html.fromstring(html)
    assert remove_ad_blocks(tree, html) == 1
    assert tree.xpath("//div") == []


def test_a_nested_ad_inside_a_removed_ad_is_counted_once() -> None:
    tree = lxml.html.fromstring(
        '<html><body><div class="ad"><div id="ad-slot-1"><p>Anzeige</p></div></div>'
        "<p>Text</p></body></html>"
    )
    assert remove_ad_blocks(tree) == 1

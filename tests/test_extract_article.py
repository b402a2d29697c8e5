"""extract_article on whole pages: metadata, body, cleaning, overrides."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.article import Article
from newswatch.extract import ExtractOverrides, extract_article

FIXTURES = Path(__file__).parent / "fixtures"
URL = "https://www.musterstadt-rundschau.de/wirtschaft/rechenzentren-93512874.html"
FETCHED = datetime(2025, 1, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def ippen_article() -> Article:
    html = (FIXTURES / "ippen_layout.html").read_bytes()
    return extract_article(html, URL, fetched_at=FETCHED)


def test_body_starts_with_the_lede_not_the_ad_blocker_wall(ippen_article: Article) -> None:
    assert ippen_article.body.startswith("Berlin - Bereits am Dienstag hatte das Kabinett")


def test_body_has_no_wall_credit_or_comment_counter(ippen_article: Article) -> None:
    body = ippen_article.body
    for noise in ("Ad-Blocker", "0,99€", "bereits gekauft", "Jederzeit kündbar",
                  "Rubriklistenbild", "IMAGO", "Kommentare", "5548", "Teilen"):
        assert noise not in body


def test_body_keeps_subheadings_and_the_last_paragraph(ippen_article: Article) -> None:
    paragraphs = ippen_article.body.split("\n\n")
    assert "Länder fürchten um ihre Stromnetze" in paragraphs
    assert paragraphs[-1].endswith("noch in diesem Jahr verschickt werden können.")


def test_headline_and_teaser_are_fields_not_body(ippen_article: Article) -> None:
    assert ippen_article.title == "Rechenzentren: Bund plant Milliardenprogramm – Länder uneins"
    assert ippen_article.teaser.startswith("Die Bundesregierung will den Bau großer")
    assert ippen_article.title not in ippen_article.body
    assert ippen_article.teaser not in ippen_article.body


def test_metadata_from_json_ld_and_opengraph(ippen_article: Article) -> None:
    assert ippen_article.authors == ["Lena Hoffmann", "dpa"]
    assert ippen_article.published_at == datetime(2025, 1, 22, 13, 35, tzinfo=UTC)
    assert ippen_article.modified_at == datetime(2025, 1, 22, 17, 2, tzinfo=UTC)
    assert ippen_article.language == "de"
    assert ippen_article.section == "Wirtschaft"
    assert ippen_article.tags == ["Rechenzentren", "Künstliche Intelligenz"]
    assert ippen_article.canonical_url == (
        "https://www.musterstadt-rundschau.de/wirtschaft/"
        "rechenzentren-bund-plant-milliardenprogramm-93512874.html"
    )
    assert ippen_article.image_url == (
        "https://www.musterstadt-rundschau.de/bilder/2025/01/22/93512874/rechenzentrum.jpg"
    )
    assert ippen_article.publisher == "Musterstadt Rundschau"
    assert ippen_article.is_paywalled is False


def _page(head: str, body: str = "", lang: str = "de") -> str:
    paragraphs = "".join(
        f"<p>Absatz {n}: Der Stadtrat hat am Abend lange über den Haushalt beraten und "
        f"schließlich mit knapper Mehrheit einen Kompromiss beschlossen, der allen etwas "
        f"abverlangt.</p>" for n in range(1, 6)
    )
    return (f"<html lang='{lang}'><head><meta charset='utf-8'>{head}</head><body><article>"
            f"<h1>Haushalt beschlossen</h1>{body or paragraphs}</article></body></html>")


def test_json_ld_article_in_a_list_with_broken_trailing_comma() -> None:
    head = ('<script type="application/ld+json">[{"@type":"WebSite","name":"Site"},'
            '{"@type":"ReportageNewsArticle","headline":"Haushalt beschlossen",'
            '"datePublished":"2024-11-05T19:30:00+01:00","author":"Von Jana Weber",}]</script>')
    article = extract_article(_page(head), "https://example.de/a", fetched_at=FETCHED)
    assert article.published_at == datetime(2024, 11, 5, 18, 30, tzinfo=UTC)
    assert article.authors == ["Jana Weber"]


def _titled(title: str) -> str:
    """A page whose <h1> ("Haushalt beschlossen") does not confirm its metadata title."""
    return _page(f'<meta property="og:title" content="{title}">'
                 '<meta property="og:site_name" content="Musterstadt Rundschau">')


def test_a_short_form_of_the_site_name_is_dropped_from_the_title() -> None:
    article = extract_article(_titled("Brand in einer Lagerhalle am Hafen | Rundschau"),
                              "https://example.de/a", fetched_at=FETCHED)
    assert article.title == "Brand in einer Lagerhalle am Hafen"


def test_a_short_clause_after_a_dash_stays_in_the_title() -> None:
    """German headlines often end in "– zwei Verletzte": that is headline, not site name, and
    an edit to it is a new version."""
    article = extract_article(_titled("Brand in einer Lagerhalle – zwei Verletzte"),
                              "https://example.de/a", fetched_at=FETCHED)
    assert article.title == "Brand in einer Lagerhalle – zwei Verletzte"


def test_live_blog_posting_counts_as_article() -> None:
    head = ('<script type="application/ld+json">{"@context":"https://schema.org",'
            '"@type":"LiveBlogPosting","headline":"Haushalt beschlossen",'
            '"datePublished":"2024-11-05T08:00:00Z"}</script>')
    article = extract_article(_page(head), "https://example.de/live", fetched_at=FETCHED)
    assert article.published_at == datetime(2024, 11, 5, 8, 0, tzinfo=UTC)


def test_meta_tags_when_there_is_no_json_ld() -> None:
    head = ('<meta name="parsely-pub-date" content="2024-11-05T19:30:00Z">'
            '<meta name="sailthru.author" content="Jana Weber, Redakteurin">'
            '<meta name="dc.subject" content="Haushalt; Stadtrat">'
            '<meta property="article:section" content="Lokales">')
    article = extract_article(_page(head), "https://example.de/a", fetched_at=FETCHED)
    assert article.published_at == datetime(2024, 11, 5, 19, 30, tzinfo=UTC)
    assert article.authors == ["Jana Weber"]
    assert article.tags == ["Haushalt", "Stadtrat"]
    assert article.section == "Lokales"


def test_microdata_and_time_element() -> None:
    body = ('<span itemprop="author" itemscope><span itemprop="name">Jana Weber</span></span>'
            '<time datetime="2024-11-05T19:30">5. November 2024</time>'
            + "<p>Der Stadtrat hat am Abend lange über den Haushalt beraten. " * 5 + "</p>")
    article = extract_article(_page("", body), "https://example.de/a", fetched_at=FETCHED)
    assert article.authors == ["Jana Weber"]
    # naive time on a German page: Europe/Berlin (UTC+1 in November)
    assert article.published_at == datetime(2024, 11, 5, 18, 30, tzinfo=UTC)


def test_late_evening_article_keeps_its_own_day_in_published_local() -> None:
    head = ('<script type="application/ld+json">{"@type":"NewsArticle","headline":"Votación",'
            '"datePublished":"2022-05-03T22:46:08-03:00"}</script>')
    article = extract_article(_page(head, lang="es"), "https://example.com.ar/a",
                              fetched_at=FETCHED)
    assert article.published_at == datetime(2022, 5, 4, 1, 46, 8, tzinfo=UTC)
    assert article.published_offset_minutes == -180
    assert article.published_local is not None
    assert article.published_local.isoformat() == "2022-05-03T22:46:08-03:00"


def test_naive_time_on_a_german_page_has_the_berlin_offset() -> None:
    head = '<meta property="article:published_time" content="2024-07-05T23:30:00">'
    article = extract_article(_page(head), "https://example.de/a", fetched_at=FETCHED)
    assert article.published_at == datetime(2024, 7, 5, 21, 30, tzinfo=UTC)
    assert article.published_offset_minutes == 120
    assert article.published_local is not None
    assert article.published_local.date().isoformat() == "2024-07-05"


def test_no_date_means_no_offset() -> None:
    article = extract_article(_page(""), "https://example.de/a", fetched_at=FETCHED)
    assert article.published_at is None
    assert article.published_offset_minutes is None
    assert article.published_local is None


def test_time_elements_of_related_posts_do_not_date_the_article() -> None:
    related = "".join(
        f'<li class="related post-hover"><article><h4 class="post-title"><a href="/{year}/01/0'
        f'{n}/alt/">Älterer Beitrag {n}</a></h4><div class="post-meta group">'
        f'<p class="post-date"><time class="published updated" datetime="{year}-01-0{n} '
        f'18:06:36">{n}. Januar {year}</time></p></div></article></li>'
        for n, year in ((1, 2009), (2, 2013))
    )
    body = ("<p>Wer alte Elektrogeräte reparieren will, muss zuerst sauber entlöten können. "
            "Mit der richtigen Entlötpumpe gelingt das auch Einsteigern ohne Mühe.</p>" * 4
            + f'<h4 class="related-title">Ähnliche Beiträge</h4><ul class="related-posts">'
            f"{related}</ul>")
    url = "https://blog.example.de/2019/10/22/professionell-entloeten/"
    article = extract_article(_page("", body), url, fetched_at=FETCHED)
    assert article.published_local is not None
    assert article.published_local.date().isoformat() == "2019-10-22"


def test_a_time_element_in_a_comment_does_not_date_the_article() -> None:
    body = ("<p>Der Stadtrat hat am Abend lange über den Haushalt beraten und schließlich "
            "einen Kompromiss beschlossen.</p>" * 4
            + '<section id="comments"><div class="comment"><p>Gut so!</p>'
            '<time datetime="2024-11-07T09:00:00+01:00">7. November</time></div></section>')
    article = extract_article(_page("", body), "https://example.de/2024/11/05/haushalt",
                              fetched_at=FETCHED)
    assert article.published_local is not None
    assert article.published_local.date().isoformat() == "2024-11-05"


def test_a_published_stamp_later_than_the_modification_is_a_resave() -> None:
    # the CMS re-saved the article in November (datePublished one minute after dateModified);
    # the article meta tag still carries the first publication in March
    head = ('<script type="application/ld+json">{"@type":"Article","headline":"Wärmepumpen",'
            '"datePublished":"2022-11-17T10:33:13.258Z",'
            '"dateModified":"2022-11-17T10:32:18.099Z"}</script>'
            '<meta property="article:published_time" content="2022-03-09">')
    article = extract_article(_page(head), "https://example.de/a", fetched_at=FETCHED)
    assert article.published_local is not None
    assert article.published_local.date().isoformat() == "2022-03-09"
    assert article.modified_at == datetime(2022, 11, 17, 10, 32, 18, 99000, tzinfo=UTC)


def test_a_published_stamp_later_than_the_modification_stays_without_an_alternative() -> None:
    head = ('<script type="application/ld+json">{"@type":"Article","headline":"x",'
            '"datePublished":"2022-05-04T03:00:00Z","dateModified":"2022-05-04T02:12:19Z"}'
            '</script>')
    article = extract_article(_page(head), "https://example.de/a", fetched_at=FETCHED)
    assert article.published_at == datetime(2022, 5, 4, 3, 0, tzinfo=UTC)
    assert article.modified_at is None


def test_timezone_override_for_naive_times() -> None:
    head = '<meta property="article:published_time" content="2024-11-05T19:30:00">'
    article = extract_article(_page(head), "https://example.de/a", fetched_at=FETCHED,
                              overrides=ExtractOverrides(timezone="UTC"))
    assert article.published_at == datetime(2024, 11, 5, 19, 30, tzinfo=UTC)


def test_paywall_flag_from_json_ld() -> None:
    head = ('<script type="application/ld+json">{"@type":"NewsArticle","headline":"x",'
            '"isAccessibleForFree":"False","hasPart":{"@type":"WebPageElement",'
            '"isAccessibleForFree":false,"cssSelector":".paid"}}</script>')
    article = extract_article(_page(head), "https://example.de/a", fetched_at=FETCHED)
    assert article.is_paywalled is True


def test_paywall_flag_from_a_paywall_container_with_a_short_body() -> None:
    body = ("<p>Der Stadtrat hat am Abend lange über den Haushalt beraten.</p>"
            "<div class='paywall-overlay'>Weiterlesen mit Plus</div>")
    article = extract_article(_page("", body), "https://example.de/a", fetched_at=FETCHED)
    assert article.is_paywalled is True


def test_language_from_content_language_header_when_markup_is_silent() -> None:
    html = _page("").replace("<html lang='de'>", "<html>")
    article = extract_article(html, "https://example.de/a",
                              headers={"Content-Language": "de-AT"}, fetched_at=FETCHED)
    assert article.language == "de"


def test_language_is_guessed_when_nothing_declares_it() -> None:
    html = _page("").replace("<html lang='de'>", "<html>")
    assert extract_article(html, "https://example.de/a").language == "de"


def test_relative_canonical_url_is_made_absolute() -> None:
    head = '<link rel="canonical" href="/politik/haushalt-123.html">'
    article = extract_article(_page(head), "https://example.de/x?utm=1")
    assert article.canonical_url == "https://example.de/politik/haushalt-123.html"


def test_css_body_selector_override() -> None:
    body = ("<div class='teaser'><p>Ein ganz anderer Text in einem Kasten.</p></div>"
            "<div class='story'><p>Erster Absatz der Geschichte.</p>"
            "<p>Zweiter Absatz der Geschichte.</p></div>")
    article = extract_article(_page("", body), "https://example.de/a",
                              overrides=ExtractOverrides(body_selector="div.story"))
    assert article.body == "Erster Absatz der Geschichte.\n\nZweiter Absatz der Geschichte."


def test_xpath_title_and_date_selector_overrides() -> None:
    body = ("<h2 class='real'>Der echte Titel</h2><span class='when'>Stand: 05.11.2024, "
            "19:30 Uhr</span>" + "<p>Der Stadtrat hat lange über den Haushalt beraten.</p>" * 5)
    overrides = ExtractOverrides(title_selector="//h2[@class='real']",
                                 date_selector="span.when")
    article = extract_article(_page("", body), "https://example.de/a", overrides=overrides,
                              fetched_at=FETCHED)
    assert article.title == "Der echte Titel"
    assert article.published_at == datetime(2024, 11, 5, 18, 30, tzinfo=UTC)


def test_invalid_selector_falls_back_to_automatic_extraction() -> None:
    article = extract_article(_page(""), "https://example.de/a",
                              overrides=ExtractOverrides(body_selector="div[[["))
    assert "Stadtrat" in article.body


def test_json_ld_article_body_is_used_when_the_html_body_is_truncated() -> None:
    full = " ".join(f"Satz {n} über den Haushalt der Stadt und seine Folgen." for n in range(60))
    head = ('<script type="application/ld+json">{"@type":"NewsArticle","headline":"x",'
            f'"articleBody":"{full}"}}</script>')
    body = "<p>Satz 0 über den Haushalt der Stadt und seine Folgen.</p>"
    article = extract_article(_page(head, body), "https://example.de/a")
    assert "Satz 59 über den Haushalt" in article.body


def test_authors_of_comments_are_not_article_authors() -> None:
    body = ("<div itemscope itemtype='https://schema.org/NewsArticle'>"
            "<span itemprop='author' itemscope><span itemprop='name'>Jana Weber</span></span>"
            + "<p>Der Stadtrat hat am Abend lange über den Haushalt beraten.</p>" * 5 + "</div>"
            "<section class='comments'><div itemscope itemtype='https://schema.org/Comment'>"
            "<span itemprop='author'>Leser123</span><p>Toller Artikel!</p></div></section>")
    article = extract_article(_page("", body), "https://example.de/a")
    assert article.authors == ["Jana Weber"]


def test_visible_byline_when_markup_names_no_author() -> None:
    body = ("<p class='article-byline'>Von Jana Weber und Tom Berger</p>"
            + "<p>Der Stadtrat hat am Abend lange über den Haushalt beraten.</p>" * 5)
    article = extract_article(_page("", body), "https://example.de/a")
    assert article.authors == ["Jana Weber", "Tom Berger"]


_STORY = "<p>Der Stadtrat hat am Abend lange über den Haushalt beraten.</p>" * 5


def test_a_byline_printed_in_words_when_nothing_else_names_the_author() -> None:
    body = "<div class='teaser-cat'><span> von Andreas Kürten </span></div>" + _STORY
    article = extract_article(_page("", body), "https://example.de/a")
    assert article.authors == ["Andreas Kürten"]


def test_the_name_in_an_author_box_with_a_biography() -> None:
    bio = ("<div class='author-bio'><h3>Martin Junker</h3><p>Martin Junker schreibt seit 2015 "
           "über Finanzierung, Leasing und Kredite für kleine und mittlere Unternehmen und hat "
           "vorher zehn Jahre bei einer Bank gearbeitet.</p><a href='/author/martin'>Alles von "
           "Martin Junker</a></div>")
    article = extract_article(_page("", _STORY + bio), "https://example.de/a")
    assert article.authors == ["Martin Junker"]


def test_a_printed_byline_in_a_sidebar_is_another_articles() -> None:
    body = _STORY + "<aside><h3>Mehr zum Thema</h3><p>Von Tom Berger</p></aside>"
    assert extract_article(_page("", body), "https://example.de/a").authors == []


def test_a_short_line_starting_with_von_is_not_a_byline() -> None:
    body = "<p>Von Montag bis Freitag geöffnet</p><p>Von Berlin nach Hamburg</p>" + _STORY
    assert extract_article(_page("", body), "https://example.de/a").authors == []


def test_an_author_named_in_the_markup_wins_over_a_printed_byline() -> None:
    head = '<meta name="author" content="Jana Weber">'
    body = "<p>Von Tom Berger</p>" + _STORY
    assert extract_article(_page(head, body), "https://example.de/a").authors == ["Jana Weber"]


def test_the_site_name_is_not_an_author() -> None:
    head = ('<meta name="author" content="Musterstadt Rundschau">'
            '<meta property="og:site_name" content="Musterstadt Rundschau">')
    body = ("<p class='byline'>Von Jana Weber</p>"
            + "<p>Der Stadtrat hat am Abend lange über den Haushalt beraten.</p>" * 5)
    article = extract_article(_page(head, body), "https://example.de/a")
    assert article.authors == ["Jana Weber"]

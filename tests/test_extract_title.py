"""The headline, not the site's name: blog themes put the blog's name in the <h1> of every page
and around the post's title in <title>."""

from __future__ import annotations

from datetime import UTC, datetime

from newswatch.extract import extract_article

FETCHED = datetime(2025, 1, 23, 8, 0, tzinfo=UTC)
POST_URL = "https://ein-hundetagebuch.example/2016/01/04/nach-langer-zeit/"
TEXT = "".join(
    f"<p>Absatz {n}: Heute waren wir wieder lange im Wald unterwegs, und der Hund hat jeden "
    f"Baumstumpf untersucht, als hätte er ihn noch nie gesehen.</p>" for n in range(1, 5)
)


def _page(head: str, header: str, article: str = TEXT) -> str:
    return (f"<html lang='de'><head><meta charset='utf-8'>{head}</head><body>"
            f"<header>{header}</header><article>{article}</article></body></html>")


def _title(head: str, header: str, article: str = TEXT) -> str:
    return extract_article(_page(head, header, article), POST_URL, fetched_at=FETCHED).title


def test_an_h1_that_is_the_site_name_is_not_the_headline() -> None:
    head = ("<title>Nach viel zu langer Zeit mal wieder | Ein Hundetagebuch</title>"
            '<meta property="og:site_name" content="Ein Hundetagebuch">')
    assert _title(head, "<h1>Ein Hundetagebuch</h1>") == "Nach viel zu langer Zeit mal wieder"


def test_an_h1_in_the_site_names_place_of_the_title_is_not_the_headline() -> None:
    """No og:site_name: the title shows the <h1> after the post's title."""
    head = "<title>Nach viel zu langer Zeit mal wieder | Ein Hundetagebuch</title>"
    assert _title(head, "<h1>Ein Hundetagebuch</h1>") == "Nach viel zu langer Zeit mal wieder"


def test_an_h1_that_only_links_home_is_the_site_title() -> None:
    head = "<title>Time 4 talks » Blog Archiv » Weitere Digitalisierung der Kinos</title>"
    header = ('<h1 id="site-title"><a href="https://ein-hundetagebuch.example/" rel="home">'
              "Time 4 talks</a></h1>")
    article = f"<h2>Weitere Digitalisierung der Kinos</h2>{TEXT}"
    assert _title(head, header, article) == "Weitere Digitalisierung der Kinos"


def test_the_site_title_becomes_the_publisher_when_nothing_else_names_it() -> None:
    header = '<h1><a href="/">Ein Hundetagebuch</a></h1>'
    article = extract_article(_page("<title>Waldtag</title>", header), POST_URL,
                              fetched_at=FETCHED)
    assert article.publisher == "Ein Hundetagebuch"


def test_an_h1_linking_to_the_post_itself_is_the_headline() -> None:
    head = "<title>Nach viel zu langer Zeit mal wieder | Ein Hundetagebuch</title>"
    header = f'<h1><a href="{POST_URL}">Nach viel zu langer Zeit mal wieder</a></h1>'
    assert _title(head, header) == "Nach viel zu langer Zeit mal wieder"


def test_a_metadata_title_that_is_only_the_site_name_is_passed_over() -> None:
    head = ('<meta property="og:title" content="Sports.fr">'
            '<meta property="og:site_name" content="Sports.fr">'
            "<title>Lorient bat Lyon au bout du suspense</title>")
    assert _title(head, "") == "Lorient bat Lyon au bout du suspense"


def test_a_headline_before_a_long_site_description_stays_the_headline() -> None:
    """The <h1> is the title's first part and the rest is longer: an ordinary news title with
    the site's name and tagline after it."""
    head = ("<title>Raubfisch-Rute im Test: die Spinning Rod | Anglerboard – Forum mit den "
            "besten Tipps zum Angeln</title>")
    header = "<h1>Raubfisch-Rute im Test: die Spinning Rod</h1>"
    assert _title(head, header) == "Raubfisch-Rute im Test: die Spinning Rod"


NEWS_URL = "https://www.example-nachrichten.de/wirtschaft/rheinmetall-daten-100.html"


def _news_title(og_title: str, h1: str, head: str = "") -> str:
    page = _page(f'<meta property="og:title" content="{og_title}">{head}', "",
                 f"<h1>{h1}</h1>{TEXT}")
    return extract_article(page, NEWS_URL, fetched_at=FETCHED).title


def test_a_kicker_in_its_own_span_is_not_part_of_the_headline() -> None:
    """German sites run the kicker (Dachzeile) into the <h1>; the metadata title shows the
    headline without it."""
    h1 = ('<span class="topline">Interne Unterlagen im Netz</span> '
          "<span>Daten von Rheinmetall gehackt</span>")
    title = _news_title("Daten von Rheinmetall gehackt - Interne Unterlagen im Netz", h1)
    assert title == "Daten von Rheinmetall gehackt"


def test_a_kicker_before_a_colon_is_not_part_of_the_headline() -> None:
    title = _news_title("Klimavorreiter Oberland?",
                        "Energiewende Oberland: Klimavorreiter Oberland?")
    assert title == "Klimavorreiter Oberland?"


def test_a_kicker_the_metadata_title_carries_too_stays() -> None:
    title = _news_title("Stargate: OpenAI plant Rechenzentrum in Texas",
                        "Stargate: OpenAI plant Rechenzentrum in Texas")
    assert title == "Stargate: OpenAI plant Rechenzentrum in Texas"


def test_a_headline_ending_in_the_metadata_title_keeps_its_first_words() -> None:
    """"Eignet sich eine" is no kicker: nothing in the markup or the text sets it apart."""
    title = _news_title("Wärmepumpe im Altbau", "Eignet sich eine Wärmepumpe im Altbau?",
                        "<title>Eignet sich eine Wärmepumpe im Altbau?</title>")
    assert title == "Eignet sich eine Wärmepumpe im Altbau?"


def test_a_site_name_that_spells_the_host_is_dropped_from_the_title() -> None:
    """No og:site_name, but "ARTE Radio" is how arteradio.com spells itself."""
    page = _page("<title>La voix des nuls | ARTE Radio</title>", "", TEXT)
    title = extract_article(page, "https://www.arteradio.com/son/nuls", fetched_at=FETCHED).title
    assert title == "La voix des nuls"


def test_the_site_name_is_dropped_from_an_h1_that_carries_it() -> None:
    head = ('<meta property="og:title" content="Atomkraft und Erdgas sind nicht nachhaltig">'
            '<meta property="og:site_name" content="Umweltbundesamt">')
    article = f"<h1>Atomkraft und Erdgas sind nicht nachhaltig | Umweltbundesamt</h1>{TEXT}"
    page = _page(head, "", article)
    title = extract_article(page, "https://www.umweltbundesamt.de/themen/eu-taxonomie",
                            fetched_at=FETCHED).title
    assert title == "Atomkraft und Erdgas sind nicht nachhaltig"


def test_a_page_title_given_as_site_name_does_not_cut_the_headline() -> None:
    """Some pages give their whole title as og:site_name; the clause after the dash stays."""
    title = "Achtsam durch die Krise – neue Zahlen"
    head = (f'<meta property="og:site_name" content="{title} | Die FURCHE">'
            f"<title>{title} | Die FURCHE</title>")
    assert _title(head, "", f"<h1>{title}</h1>{TEXT}") == title
    assert _title(head, "", TEXT).startswith(title)  # "| Die FURCHE" is named nowhere else


def _page_with_h1s(og_title: str, *h1s: str) -> str:
    headings = "".join(f"<h1>{h1}</h1>" for h1 in h1s[:-1])
    return _page(f'<meta property="og:title" content="{og_title} | Nachrichten Nord">'
                 '<meta property="og:site_name" content="Nachrichten Nord">',
                 f"<nav>{headings}</nav>", f"<h1>{h1s[-1]}</h1>{TEXT}")


def test_the_headline_h1_after_a_menu_h1_is_the_headline() -> None:
    """Themes put "Menu" or the site's name in an earlier <h1>; the headline's <h1> is the one
    a metadata title confirms, so an edit to the visible headline alone is seen."""
    og_title = "Stadtrat beschließt neues Rechenzentrum"
    page = _page_with_h1s(og_title, "Menu", og_title)
    edited = _page_with_h1s(og_title, "Menu", "Stadtrat beschließt zweites Rechenzentrum")
    assert extract_article(page, NEWS_URL, fetched_at=FETCHED).title == og_title
    assert (extract_article(edited, NEWS_URL, fetched_at=FETCHED).title
            == "Stadtrat beschließt zweites Rechenzentrum")


def test_a_section_name_in_an_h1_does_not_beat_the_headline() -> None:
    """"Wirtschaft" shares all its words with "Wirtschaft | Stadtrat …", but the headline's
    <h1> shares far more of the title."""
    page = _page_with_h1s("Wirtschaft | Stadtrat beschließt neues Rechenzentrum",
                          "Wirtschaft", "Stadtrat beschließt neues Rechenzentrum")
    assert (extract_article(page, NEWS_URL, fetched_at=FETCHED).title
            == "Stadtrat beschließt neues Rechenzentrum")


def test_a_short_headline_lengthened_in_the_h1_alone_is_the_new_headline() -> None:
    """A one-word title shares too little of an <h1> with two words added to pass the usual
    agreement; it still confirms that <h1>, so the edit makes a new title."""
    page = _page_with_h1s("Zeitphilosophie", "Zeitphilosophie – neue Zahlen")
    assert (extract_article(page, NEWS_URL, fetched_at=FETCHED).title
            == "Zeitphilosophie – neue Zahlen")


def test_an_h1_with_a_long_subtitle_run_into_it_is_not_confirmed_by_a_short_title() -> None:
    page = _page_with_h1s("Korsetts",
                          "Korsetts: Shops, Designer und Schneiderinnen aus ganz Deutschland")
    assert extract_article(page, NEWS_URL, fetched_at=FETCHED).title == "Korsetts"


def test_a_kicker_element_the_title_leaves_out_is_dropped_before_a_longer_headline() -> None:
    """The visible headline says a word more than the title; the kicker in its own element,
    which no title mentions, is still not part of it."""
    h1 = ('<span class="category">Thema Verbraucherschutz</span> '
          "Mehr Transparenz bei Preisanpassungen")
    title = _news_title("BMJV | Transparenz bei Preisanpassungen", h1,
                        '<meta property="og:site_name" content="BMJV">')
    assert title == "Mehr Transparenz bei Preisanpassungen"


def test_a_subject_in_an_element_of_its_own_stays_in_the_headline() -> None:
    h1 = "<span>Merz</span> kündigt Rücktritt an"
    assert _news_title("Kanzler kündigt Rücktritt an", h1) == "Merz kündigt Rücktritt an"

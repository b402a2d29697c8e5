"""Publication dates of pages whose metadata names none: URL, datelines, date-classed elements,
found in the parsed tree without dateparser."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import lxml.html
import pytest

from newswatch.extract import extract_article
from newswatch.extract.page_dates import date_in_url, find_page_date, first_printed_date

FETCHED = datetime(2025, 1, 24, 12, 0, tzinfo=UTC)
BERLIN = "Europe/Berlin"
TEXT = ("<p>Die Bundesagentur für Arbeit meldet für den Januar einen leichten Anstieg der "
        "Arbeitslosigkeit, wie er für die Wintermonate üblich ist.</p>") * 4


def _tree(body: str, head: str = "") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(
        f"<html lang='de'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    )


def _day(tree: lxml.html.HtmlElement, url: str = "https://example.de/a") -> str | None:
    found = find_page_date(tree, url, BERLIN, FETCHED)
    return found.date().isoformat() if found is not None else None


def test_dateline_under_the_headline() -> None:
    tree = _tree("<header><h1>Arbeitsmarkt auf Erholungskurs</h1></header>"
                 f"<div class='text'><p>01.02.2022 „Der Arbeitsmarkt ist robust“</p>{TEXT}</div>")
    assert _day(tree) == "2022-02-01"


def test_site_header_date_above_the_headline_is_not_the_article_date() -> None:
    # many portals print today's date at the top; the article's dateline sits just above
    # (or under) the headline
    tree = _tree("<div class='top'>Donnerstag, 16. Februar 2012 | Anmelden</div>"
                 "<div class='crumbs'>Home › Politik</div><div class='box'>14. Februar 2012 "
                 f"Drucken</div><h1>Prozess geht weiter</h1><div>{TEXT}</div>")
    assert _day(tree) == "2012-02-14"


def test_date_classed_element_with_a_german_month_name() -> None:
    tree = _tree(f"<h1>Abschied</h1><div>{TEXT}</div><footer><span class='entry-author'>"
                 "Benni</span><span class='post-datum'>10. September 2017</span></footer>")
    assert _day(tree) == "2017-09-10"


def test_labelled_german_date_in_a_meta_line() -> None:
    tree = _tree("<h1>Neuer Skoda</h1><div class='article-info'>1,0 bei 2 Bewertungen "
                 f"Datum: 03.11.2021 Autor: Peter Maahn</div><div>{TEXT}</div>")
    assert _day(tree) == "2021-11-03"


def test_english_month_first_byline() -> None:
    tree = _tree("<h1>Spring is late</h1><p class='byline'>By Jane Doe · March 5, 2020 at "
                 f"9:15 AM</p><div>{TEXT}</div>")
    found = find_page_date(tree, "https://example.com/a", "UTC", FETCHED)
    assert found is not None
    assert found.date().isoformat() == "2020-03-05"


def test_time_of_day_after_the_date_is_kept_in_the_page_zone() -> None:
    tree = _tree(f"<h1>Hybridbatterie</h1><p>06.11.2023 13:30 von Olga</p><div>{TEXT}</div>")
    found = find_page_date(tree, "https://example.de/a", BERLIN, FETCHED)
    assert found is not None
    assert found.isoformat() == "2023-11-06T13:30:00+01:00"


def test_dates_of_related_posts_and_comments_are_skipped() -> None:
    tree = _tree("<h1>Ein Artikel ohne Datum</h1>" + TEXT
                 + "<ul class='related-posts'><li>Älter: 3. Januar 2019</li></ul>"
                 "<div id='comments'><p>Kommentar vom 12.12.2024</p></div>")
    assert _day(tree) is None


def test_dates_in_scripts_and_styles_are_not_page_text() -> None:
    tree = _tree("<h1>Ein Artikel ohne Datum</h1><script>var built = '03.01.2019';</script>"
                 "<style>/* 04.01.2019 */</style><noscript>05.01.2019</noscript>" + TEXT)
    assert _day(tree) is None


def test_a_dateline_after_a_sidebar_is_still_found() -> None:
    tree = _tree("<h1>Arbeitsmarkt auf Erholungskurs</h1><aside>Archiv: 3. Januar 2019</aside>"
                 f"<p>Nürnberg, 01.02.2022 – Die Zahl der Arbeitslosen stieg.</p>{TEXT}")
    assert _day(tree) == "2022-02-01"


def test_day_month_year_in_the_canonical_url() -> None:
    tree = _tree(f"<h1>Tag des Einbruchschutzes</h1>{TEXT}",
                 head="<link rel='canonical' href='https://example.de/meldungen/29-10-2021'>")
    assert _day(tree, "https://example.de/node/23235") == "2021-10-29"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.de/meldungen/29-10-2021", "2021-10-29"),
        ("https://example.de/2021_10_29-bericht.html", "2021-10-29"),
        ("https://example.de/artikel/12345-67-8901", None),
        ("https://example.de/a?d=29-10-2021", None),  # only the path counts
    ],
)
def test_date_in_url(url: str, expected: str | None) -> None:
    found = date_in_url(url, BERLIN, FETCHED)
    assert (found.date().isoformat() if found else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mise à jour: Rubrik 3 Kommentare, 23. Januar 2025, 14:30 Uhr", "2025-01-23T14:30"),
        ("Stand: 23.01.2025 08:05 Uhr", "2025-01-23T08:05"),
        ("Seite 1 von 2 (1 / 1) 06.11.2023", "2023-11-06T00:00"),
        ("By Jane Doe · March 5, 2020 at 9:15 PM", "2020-03-05T21:15"),
        ("Artikel 12.3 der Satzung, Fassung 2019", None),
    ],
)
def test_first_printed_date(text: str, expected: str | None) -> None:
    found = first_printed_date(text, BERLIN, FETCHED)
    assert (found.strftime("%Y-%m-%dT%H:%M") if found else None) == expected


def test_extract_article_uses_the_printed_date_when_metadata_has_none() -> None:
    html = (f"<html lang='de'><body><article><h1>Arbeitsmarkt</h1><p class='date'>Veröffentlicht"
            f" am 27.1.2022</p>{TEXT}</article></body></html>")
    article = extract_article(html, "https://example.de/a", fetched_at=FETCHED)
    assert article.published_local is not None
    assert article.published_local.date().isoformat() == "2022-01-27"
    assert article.published_offset_minutes == 60


def test_date_search_never_loads_dateparser() -> None:
    # dateparser's language detection builds regexes for ~200 locales on first use
    code = (
        "import sys\n"
        "from newswatch.extract import extract_article\n"
        "html = '<html><body><h1>Titel</h1><p>Veröffentlicht im Frühjahr</p>"
        "<p>Ein Text ohne jedes Datum, aber lang genug für einen Artikel.</p></body></html>'\n"
        "extract_article(html, 'https://example.org/a')\n"
        "print('dateparser' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"

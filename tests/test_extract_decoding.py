"""Decoding pages whose declared charset is missing or wrong."""

from __future__ import annotations

import codecs

from newswatch.extract import extract_article
from newswatch.extract.decoding import decode_html, repair_mojibake

TEXT = ("Die Bürger in München müssen für die Straße künftig mehr zahlen. Äußerst ärgerlich, "
        "sagt der Bürgermeister – „ein Schlag ins Gesicht“.")


def _page(charset: str | None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (f"<html lang='de'><head>{meta}<title>Größere Übel</title></head>"
            f"<body><article><h1>Größere Übel</h1>" + f"<p>{TEXT}</p>" * 4
            + "</article></body></html>")


def test_windows_1252_page_labelled_utf8_in_meta() -> None:
    data = _page("utf-8").encode("cp1252")
    assert TEXT in decode_html(data)


def test_windows_1252_page_labelled_utf8_in_the_http_header() -> None:
    data = _page(None).encode("cp1252")
    assert TEXT in decode_html(data, {"Content-Type": "text/html; charset=UTF-8"})


def test_utf8_page_labelled_iso_8859_1() -> None:
    data = _page("iso-8859-1").encode("utf-8")
    assert TEXT in decode_html(data, {"content-type": "text/html; charset=ISO-8859-1"})


def test_correct_latin1_label_is_respected() -> None:
    data = _page("windows-1252").encode("cp1252")
    assert TEXT in decode_html(data)


def test_undeclared_windows_1252_is_detected() -> None:
    assert TEXT in decode_html(_page(None).encode("cp1252"))


def test_byte_order_mark_wins_over_a_wrong_label() -> None:
    data = codecs.BOM_UTF8 + _page("windows-1252").encode("utf-8")
    assert TEXT in decode_html(data)


def test_utf16_with_bom() -> None:
    data = codecs.BOM_UTF16_LE + _page(None).encode("utf-16-le")
    assert TEXT in decode_html(data)


def test_mojibake_in_already_decoded_text_is_repaired() -> None:
    broken = TEXT.encode("utf-8").decode("cp1252")
    assert repair_mojibake(broken) == TEXT


def test_correct_text_is_left_alone_by_the_repair() -> None:
    assert repair_mojibake(TEXT) == TEXT
    assert repair_mojibake("Ã€ la carte: 5 €") == "Ã€ la carte: 5 €"


def test_extracted_article_has_correct_umlauts_from_a_mislabelled_page() -> None:
    data = _page("utf-8").encode("cp1252")
    article = extract_article(data, "https://example.de/a")
    assert article.title == "Größere Übel"
    assert TEXT in article.body

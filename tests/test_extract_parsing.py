"""Parsing a decoded page once into the tree that metadata, body and date readers share."""

from __future__ import annotations

from lxml.html import HtmlElement

from newswatch.extract import parse_page


def test_a_page_parses_into_html_elements_that_trafilatura_can_use() -> None:
    tree = parse_page("<html><body><form><input name='q'></form><p>Text <b>fett</b></p>"
                      "</body></html>")
    assert tree is not None
    assert all(isinstance(element, HtmlElement) for element in tree.iter("p", "form", "input"))
    assert tree.find(".//p").text_content() == "Text fett"


def test_a_page_that_declares_its_encoding_in_an_xml_prolog_still_parses() -> None:
    tree = parse_page('<?xml version="1.0" encoding="utf-8"?>\n<html><body><p>Grüße</p>'
                      "</body></html>")
    assert tree is not None
    assert tree.text_content() == "Grüße"


def test_control_characters_that_xml_forbids_are_dropped() -> None:
    tree = parse_page("<html><body><p>Rechen\x1dzentren\x0b</p></body></html>")
    assert tree is not None
    assert tree.find(".//p").text == "Rechenzentren"


def test_comments_and_processing_instructions_are_not_kept() -> None:
    tree = parse_page("<html><body><!-- ad slot --><p>Text</p><?php echo 1; ?></body></html>")
    assert tree is not None
    assert [element.tag for element in tree.find("body")] == ["p"]


def test_text_that_is_not_html_gives_no_tree() -> None:
    assert parse_page("") is None
    assert parse_page("   \n ") is None
    assert parse_page("just a line of text") is None


def test_the_noncharacters_xml_forbids_are_dropped_too() -> None:
    tree = parse_page("<html><body><p>Rechen\ufffezentren\uffff</p></body></html>")
    assert tree is not None
    assert tree.find(".//p").text == "Rechenzentren"


def test_a_doctype_with_a_slash_and_a_self_closing_html_tag_are_repaired() -> None:
    tree = parse_page('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"/>\n'
                      '<html lang="de"/>\n<body><p>Text</p></body></html>')
    assert tree is not None
    assert tree.get("lang") == "de"
    assert tree.find(".//p").text == "Text"

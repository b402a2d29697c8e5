"""Bylines split into clean author names."""

from __future__ import annotations

import pytest

from newswatch.extract.authors import clean_authors, is_agency, split_byline


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Von Max Muster und Erika Beispiel", ["Max Muster", "Erika Beispiel"]),
        ("By Anna Smith, Ben Jones and Carla Lee", ["Anna Smith", "Ben Jones", "Carla Lee"]),
        ("dpa/AFP", ["dpa", "AFP"]),
        ("Erika Beispiel, Redakteurin", ["Erika Beispiel"]),
        ("Max Muster, Korrespondent in Washington", ["Max Muster"]),
        ("Max Muster | FR", ["Max Muster"]),
        ("Von Max Muster (dpa)", ["Max Muster", "dpa"]),
        ("Text: Anna Schmidt", ["Anna Schmidt"]),
        ("Anna Schmidt anna.schmidt@example.de", ["Anna Schmidt"]),
        ("MAX MUSTER", ["Max Muster"]),
        ("Ein Kommentar von Jana Weber", ["Jana Weber"]),
    ],
)
def test_byline_is_split_and_cleaned(byline: str, names: list[str]) -> None:
    assert split_byline(byline) == names


@pytest.mark.parametrize("byline", ["admin", "max.muster@example.de", "", "12", "Archiv →",
                                    "Motorsport-Total.com"])
def test_bylines_without_a_name_give_nothing(byline: str) -> None:
    assert split_byline(byline) == []


def test_a_byline_that_is_only_a_desk_keeps_the_desk() -> None:
    assert split_byline("Redaktion") == ["Redaktion"]
    assert split_byline("Von Jana Weber, Redaktion") == ["Jana Weber"]


def test_publishing_phrases_and_decorations_are_removed() -> None:
    assert split_byline("Veröffentlicht von HansG") == ["HansG"]
    assert split_byline("~ Cem Basman") == ["Cem Basman"]


def test_names_are_deduplicated_across_bylines_ignoring_case() -> None:
    assert clean_authors(["Max Muster", "max muster und Erika Beispiel", "DPA"]) == [
        "Max Muster", "Erika Beispiel", "dpa",
    ]


def test_agencies_are_kept_and_recognised() -> None:
    assert split_byline("Reuters") == ["Reuters"]
    assert is_agency("dpa")
    assert is_agency("AFP")
    assert not is_agency("Max Muster")

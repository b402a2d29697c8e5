"""Text normalisation: Unicode NFC, spaces, invisible characters, blank lines."""

from __future__ import annotations

from newswatch.clean import clean_text, normalize_inline, normalize_text


def test_text_is_composed_to_nfc() -> None:
    decomposed = "Mu\u0308nchen"
    assert normalize_inline(decomposed) == "München"


def test_no_break_and_typographic_spaces_become_plain_spaces() -> None:
    assert normalize_inline("10\u00a0000\u202fEuro\u2009am\u3000Tag") == "10 000 Euro am Tag"


def test_soft_hyphens_and_zero_width_characters_are_removed() -> None:
    assert normalize_inline("Bundes\u00adverfassungs\u200bgericht\ufeff") == (
        "Bundesverfassungsgericht"
    )


def test_duplicate_blank_lines_collapse_to_one() -> None:
    assert normalize_text("Erster Absatz.\n\n\n  \n\nZweiter Absatz.") == (
        "Erster Absatz.\n\nZweiter Absatz."
    )


def test_windows_line_breaks_are_normalised() -> None:
    assert normalize_text("Eins.\r\n\r\nZwei.") == "Eins.\n\nZwei."


def test_clean_text_of_nothing_is_empty() -> None:
    assert clean_text("", "de") == ""
    assert clean_text("\n\n \u00a0\n", "de") == ""

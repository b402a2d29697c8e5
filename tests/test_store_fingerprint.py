"""Content fingerprints ignore noise (whitespace, Unicode forms, volatile text), see real edits."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.article import Article
from newswatch.store.fingerprint import content_fingerprint
from newswatch.store.volatile import DEFAULT_VOLATILE_PATTERNS, REQUIRED_WORDS, mask_volatile
from tests.store_samples import GERMAN_BODY, english_article, german_article


def fingerprint(article: Article) -> str:
    return content_fingerprint(article.title, article.teaser, article.body, article.authors)


def with_body(article: Article, body: str) -> Article:
    return Article(**{**article.__dict__, "body": body})


def test_fingerprint_is_a_sha256_hex_digest() -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint(german_article()))


def test_whitespace_and_line_breaks_do_not_matter() -> None:
    article = german_article()
    reflowed = german_article(
        title="  Stargate:  500 Milliarden Dollar\u00a0für KI-Rechenzentren ",
        body=GERMAN_BODY.replace(". ", ".\n").replace("\n\n", "\n \n\n"),
    )
    assert fingerprint(reflowed) == fingerprint(article)


def test_unicode_normal_form_does_not_matter() -> None:
    article = german_article()
    decomposed = german_article(
        title=unicodedata.normalize("NFD", article.title),
        body=unicodedata.normalize("NFD", article.body),
    )
    assert fingerprint(decomposed) == fingerprint(article)


def test_author_order_and_case_do_not_matter() -> None:
    assert fingerprint(german_article(authors=["jonas muster", "Anna Beispiel"])) == fingerprint(
        german_article()
    )


def test_german_comment_counter_and_relative_time_are_noise() -> None:
    before = german_article(body="Kommentare5548\nvor 5 Minuten\n\n" + GERMAN_BODY)
    after = german_article(body="Kommentare5611\nvor 2 Std.\n\n" + GERMAN_BODY)
    assert fingerprint(before) == fingerprint(after)
    assert fingerprint(german_article(teaser="12 Kommentare")) == fingerprint(
        german_article(teaser="1.204 Kommentare")
    )


def test_german_live_ticker_stamps_are_noise() -> None:
    before = (
        "Stand: 22.01.2025 09:30 Uhr\n\n14:32 Uhr: SoftBank bestätigt die Finanzierung.\n\n"
        "Aktualisiert vor 3 Stunden"
    )
    after = (
        "Stand: 22.01.2025 11:05 Uhr\n\n14.32 Uhr: SoftBank bestätigt die Finanzierung.\n\n"
        "Aktualisiert vor 5 Stunden"
    )
    assert fingerprint(german_article(body=before)) == fingerprint(german_article(body=after))


def test_english_counters_relative_times_and_update_stamps_are_noise() -> None:
    base = english_article()
    before = with_body(base, "Updated: 2:32 PM ET\n123 comments\n5 minutes ago\n\n" + base.body)
    after = with_body(
        base, "Updated: 4:10 PM ET\n131 comments\nupdated 2 hours ago\n\n" + base.body
    )
    assert fingerprint(before) == fingerprint(after)


def test_view_and_share_counters_are_noise() -> None:
    before = german_article(body="12.345 Aufrufe\n87 Mal geteilt\n\n" + GERMAN_BODY)
    after = german_article(body="12.401 Aufrufe\n93 Mal geteilt\n\n" + GERMAN_BODY)
    assert fingerprint(before) == fingerprint(after)
    base = english_article()
    assert fingerprint(with_body(base, "1,204 views\n15 shares\n\n" + base.body)) == (
        fingerprint(with_body(base, "1,377 views\n21 shares\n\n" + base.body))
    )


def test_one_changed_word_in_the_body_is_a_change() -> None:
    edited = german_article(body=GERMAN_BODY.replace("Abilene", "Austin"))
    assert fingerprint(edited) != fingerprint(german_article())


def test_a_changed_number_is_a_change() -> None:
    edited = german_article(body=GERMAN_BODY.replace("100 Milliarden", "50 Milliarden"))
    assert fingerprint(edited) != fingerprint(german_article())


def test_an_added_sentence_is_a_change() -> None:
    base = english_article()
    edited = with_body(base, base.body + " Microsoft said it would remain a partner.")
    assert fingerprint(edited) != fingerprint(base)


def test_an_edited_headline_is_a_change() -> None:
    edited = german_article(title="Stargate: 100 Milliarden Dollar für KI-Rechenzentren")
    assert fingerprint(edited) != fingerprint(german_article())


def test_a_changed_teaser_or_author_list_is_a_change() -> None:
    base = german_article()
    assert fingerprint(german_article(teaser="Ein gewaltiges KI-Projekt.")) != fingerprint(base)
    assert fingerprint(german_article(authors=["Anna Beispiel"])) != fingerprint(base)


def test_sentences_that_merely_mention_comments_or_updates_are_content() -> None:
    base = english_article()
    a = with_body(base, "He declined to comment. The company updated its forecast.")
    b = with_body(base, "He declined to comment. The company cut its forecast.")
    assert fingerprint(a) != fingerprint(b)
    c = german_article(body="Stand der Dinge: unklar. Update folgt.")
    d = german_article(body="Stand der Dinge: offen. Update folgt.")
    assert fingerprint(c) != fingerprint(d)


def test_volatile_patterns_are_pluggable() -> None:
    reading_time = re.compile(r"\bLesezeit:? \d+ Minuten\b")
    a = german_article(body=GERMAN_BODY + "\n\nLesezeit: 4 Minuten")
    b = german_article(body=GERMAN_BODY + "\n\nLesezeit: 5 Minuten")
    assert fingerprint(a) != fingerprint(b)
    patterns = (*DEFAULT_VOLATILE_PATTERNS, reading_time)
    assert content_fingerprint(a.title, a.teaser, a.body, a.authors, patterns) == (
        content_fingerprint(b.title, b.teaser, b.body, b.authors, patterns)
    )


@given(
    words=st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß", min_size=1), min_size=1),
    gaps=st.lists(st.sampled_from([" ", "  ", "\n", "\n\n", "\t", "\u00a0", " \n "]), min_size=1),
)
def test_any_respacing_of_the_same_words_keeps_the_fingerprint(
    words: list[str], gaps: list[str]
) -> None:
    plain = " ".join(words)
    respaced = "".join(word + gaps[i % len(gaps)] for i, word in enumerate(words))
    assert content_fingerprint("T", "", respaced, []) == content_fingerprint("T", "", plain, [])


_VOLATILE_WORDS = [
    "Kommentare", "5548", "12.345", "Aufrufe", "Mal", "geteilt", "vor", "einer", "5", "Minuten",
    "Std.", "aktualisiert", "Aktualisiert", "Stand:", "23.01.2025", "14:30", "Uhr", "Update",
    "comments", "Comments", "views", "shares", "ago", "an", "hour", "hours", "Updated", "updated:",
    "January", "23,", "2025", "2:32", "PM", "ET", "ſtand", "KOMMENTARE", "Kommentar", "die",
    "Regierung", "Stargate", "\n", "(12)", "Tagen", "Last",
    "gelesen", "angesehen", "wenigen", "ein", "paar", "Sekunden", "Min.", "am", "um", "Tag",
    "Wochen", "einem", "a", "few", "minutes", "days", ":", "14.32", "2:32", "vorher", "Zustand",
    "Chicago", "Aufrufe", "ıst",
]
# İ matches i when ignoring case, but casefold() makes it "i" + a combining dot
_DOTTED_I_WORDS = ["EİNER", "geteİlt", "aktualİsiert", "İ"]


def applied_one_by_one(text: str) -> str:
    for pattern in DEFAULT_VOLATILE_PATTERNS:
        text = pattern.sub(" ", text)
    return text


def masked_with_the_word_tests_only(text: str) -> str:
    """mask_volatile before the probes: what every stored fingerprint was computed with."""
    folded = text.casefold().replace("\u0131", "i")
    for pattern in DEFAULT_VOLATILE_PATTERNS:
        words = REQUIRED_WORDS.get(pattern)
        if words is None or any(word in folded for word in words):
            text = pattern.sub(" ", text)
    return text


@settings(max_examples=1000)
@given(st.lists(st.tuples(st.sampled_from(_VOLATILE_WORDS), st.sampled_from(["", " ", "\n"]))))
def test_skipping_patterns_that_cannot_match_never_changes_the_masked_text(
    pieces: list[tuple[str, str]],
) -> None:
    text = "".join(word + separator for word, separator in pieces)
    assert mask_volatile(text) == applied_one_by_one(text)


@settings(max_examples=1000)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_VOLATILE_WORDS + _DOTTED_I_WORDS), st.sampled_from(["", " ", "\n"])
        )
    )
)
def test_the_probes_mask_exactly_what_the_word_tests_alone_masked(
    pieces: list[tuple[str, str]],
) -> None:
    text = "".join(word + separator for word, separator in pieces)
    assert mask_volatile(text) == masked_with_the_word_tests_only(text)


@pytest.mark.parametrize(
    "text",
    [
        "Stand: vor EİNER Stunde",
        "vor Kommentare (12) 5 Minuten",  # masking the counter first makes "vor 5 Minuten"
        "5 Mal geteİlt",
        "12:30 Uhr: Stand: 14.32 Uhr, vor 3 Min.",
    ],
)
def test_texts_whose_match_a_quick_test_could_miss_are_masked_like_without_the_tests(
    text: str,
) -> None:
    assert mask_volatile(text) == applied_one_by_one(text) == masked_with_the_word_tests_only(text)

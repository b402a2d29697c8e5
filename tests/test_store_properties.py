"""Property-based tests (hypothesis) of the store's plain functions: content fingerprints, word
diffs, database URL handling and article lookup. No input makes them raise unexpectedly, and
their invariants hold for every generated input."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url

from newswatch.store import make_engine, migrate, session_factory, textdiff
from newswatch.store.engine import (
    DEFAULT_DATABASE_URL,
    parse_database_url,
    resolve_database_url,
    safe_url,
)
from newswatch.store.errors import ArticleNotFound, BadDatabaseURL
from newswatch.store.fingerprint import content_fingerprint
from newswatch.store.lookup import find_article
from newswatch.store.textdiff import (
    PARAGRAPH_BREAK,
    count_word_changes,
    word_diff,
    words_and_breaks,
)
from tests.integrity_samples import populate

# --- content fingerprints ---------------------------------------------------------------------

#: Words that volatile-text patterns look for, mixed into generated text to exercise them.
NEWSROOM_WORDS = [
    "Stand:",
    "Aktualisiert",
    "vor",
    "5",
    "Minuten",
    "Std.",
    "Kommentare",
    "12",
    "1.204",
    "14:32",
    "Uhr",
    "Uhr:",
    "23.01.2025",
    "Updated:",
    "2:32",
    "PM",
    "ET",
    "comments",
    "ago",
    "hours",
    "(12)",
    "Stargate",
    "Milliarden",
    "Rechenzentrum",
    "München",
    "Straße",
]
word = st.sampled_from(NEWSROOM_WORDS) | st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1
)
horizontal_gap = st.sampled_from([" ", "  ", "\t", "\u00a0", " \t ", "\u2009"])


@given(title=st.text(), teaser=st.text(), body=st.text(), authors=st.lists(st.text()))
def test_unicode_normal_form_never_changes_a_fingerprint(
    title: str, teaser: str, body: str, authors: list[str]
) -> None:
    expected = content_fingerprint(title, teaser, body, authors)
    for form in ("NFC", "NFD", "NFKC", "NFKD"):

        def n(text: str, form: str = form) -> str:
            return unicodedata.normalize(form, text)

        assert content_fingerprint(n(title), n(teaser), n(body), [n(a) for a in authors]) == (
            expected
        )


@given(words=st.lists(word, min_size=1, max_size=40), gaps=st.lists(horizontal_gap, min_size=1))
def test_spacing_within_lines_never_changes_a_fingerprint(
    words: list[str], gaps: list[str]
) -> None:
    # Line breaks are not arbitrary: a time at the start of a line is a live-ticker stamp.
    plain = " ".join(words)
    respaced = "".join(w + gaps[i % len(gaps)] for i, w in enumerate(words))
    assert content_fingerprint(respaced, respaced, respaced, []) == (
        content_fingerprint(plain, plain, plain, [])
    )


@given(body=st.text(), authors=st.lists(st.text(), max_size=4))
def test_author_order_and_duplicates_never_change_a_fingerprint(
    body: str, authors: list[str]
) -> None:
    shuffled = list(reversed(authors)) + authors[:1]
    assert content_fingerprint("T", "", body, shuffled) == content_fingerprint(
        "T", "", body, authors
    )


@given(body=st.text())
def test_an_added_paragraph_of_content_always_changes_the_fingerprint(body: str) -> None:
    edited = body + "\n\nOracle bestätigte die Finanzierung."
    assert content_fingerprint("T", "", edited, []) != content_fingerprint("T", "", body, [])


@given(field=st.sampled_from(["title", "teaser", "body"]), text=st.text())
def test_text_moved_to_another_field_changes_the_fingerprint(field: str, text: str) -> None:
    marked = text + " Stargate"
    fields = {"title": "", "teaser": "", "body": ""}
    moved = {"title": "", "teaser": "", "body": ""}
    fields[field] = marked
    moved["body" if field != "body" else "title"] = marked
    assert content_fingerprint(**fields, authors=[]) != content_fingerprint(**moved, authors=[])


# --- word diffs -------------------------------------------------------------------------------

paragraphs = st.lists(
    st.lists(
        st.sampled_from(NEWSROOM_WORDS[:12]) | st.text(min_size=1, max_size=8), max_size=12
    ).map(" ".join),
    max_size=5,
).map("\n\n".join)
any_text = paragraphs | st.text()


def side(changes: list[textdiff.WordChange], keep: str) -> list[str]:
    return [w for change in changes if change.op in ("equal", keep) for w in change.words]


@pytest.mark.parametrize("limits", [(20_000, 200_000), (6, 200_000), (2, 6)], ids=str)
def test_word_diff_replays_both_texts_whichever_algorithm_runs(limits: tuple[int, int]) -> None:
    exact, alignment = limits

    @given(old=any_text, new=any_text)
    @settings(max_examples=100)
    def check(old: str, new: str) -> None:
        with (
            patch.object(textdiff, "EXACT_DIFF_LIMIT", exact),
            patch.object(textdiff, "ALIGNMENT_LIMIT", alignment),
        ):
            changes = list(word_diff(old, new))
            added, removed = count_word_changes(old, new)
        assert side(changes, "delete") == words_and_breaks(old)
        assert side(changes, "insert") == words_and_breaks(new)
        assert added - removed == len(new.split()) - len(old.split())
        assert 0 <= added <= len(new.split())
        assert 0 <= removed <= len(old.split())

    check()


@given(text=any_text)
def test_a_text_compared_with_itself_has_no_changes(text: str) -> None:
    assert count_word_changes(text, text) == (0, 0)
    assert all(change.op == "equal" for change in word_diff(text, text))


@given(text=any_text)
def test_paragraph_breaks_are_never_counted_as_words(text: str) -> None:
    added, _removed = count_word_changes("", text)
    assert added == len(text.split())
    assert PARAGRAPH_BREAK not in text.split()


# --- database URLs ----------------------------------------------------------------------------


@given(cli=st.text(min_size=1), env=st.text())
def test_a_command_line_url_always_wins(cli: str, env: str) -> None:
    assert resolve_database_url(cli, {"NEWSWATCH_DATABASE_URL": env}) == cli


@given(env=st.text())
def test_a_blank_environment_url_falls_back_to_the_default(env: str) -> None:
    resolved = resolve_database_url(None, {"NEWSWATCH_DATABASE_URL": env})
    assert resolved == (env.strip() or DEFAULT_DATABASE_URL)


@given(
    text=st.text() | st.from_regex(r"\A(postgres(ql)?|sqlite|mysql)(\+\w+)?://.*", fullmatch=True)
)
def test_any_text_as_database_url_is_accepted_or_a_bad_database_url(text: str) -> None:
    try:
        parsed = parse_database_url(text)
    except BadDatabaseURL as exc:
        assert len(str(exc).splitlines()) == 1
    else:
        assert parsed.get_backend_name() in ("sqlite", "postgresql")


@given(
    user=st.text(min_size=1, max_size=12),
    password=st.text(min_size=1, max_size=20),
    host=st.from_regex(r"\A[a-z][a-z0-9.-]{0,20}\Z"),
)
def test_safe_url_never_carries_the_password(user: str, password: str, host: str) -> None:
    url = URL.create("postgresql", username=user, password=password, host=host, database="news")
    text = url.render_as_string(hide_password=False)
    shown = safe_url(text)
    assert make_url(shown).password in ("***", None) or shown == "<unparseable database URL>"
    assert make_url(text).password == password  # the masking did not just mangle the URL


# --- article lookup ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive() -> Iterator[Engine]:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as directory:
        engine = make_engine(f"sqlite:///{Path(directory) / 'newswatch.db'}")
        migrate.upgrade(engine)
        populate(engine)
        yield engine
        engine.dispose()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ref=st.text() | st.integers(min_value=-5, max_value=10**30).map(str))
def test_any_reference_finds_an_article_or_says_not_found(archive: Engine, ref: str) -> None:
    with session_factory(archive)() as session:
        try:
            article = find_article(session, ref)
        except ArticleNotFound as exc:
            assert len(str(exc).splitlines()) == 1
        else:
            assert ref.strip() in (str(article.id), article.canonical_url) or any(
                v.url == ref.strip() for v in article.versions
            )

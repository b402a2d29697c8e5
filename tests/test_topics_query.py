"""The topic query language: what each query matches, and how bad queries are reported."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.topics import MatchText, TopicSyntaxError, compile_query


def matches(query: str, text: str) -> bool:
    return compile_query(query).evaluate(MatchText.of(text)).matched


# (query, text, expected) — one row per behaviour of the language.
QUERY_TABLE = [
    # single words: case-insensitive, whole words only
    ("Stargate", "OpenAI announces the Stargate project", True),
    ("stargate", "STARGATE gets $500bn", True),
    ("Stargate", "Stargates are a science-fiction trope", False),
    ("Oracle", "Oracles of Delphi", False),
    # AND / OR / NOT and precedence (NOT > AND > OR)
    ("OpenAI AND SoftBank", "OpenAI and SoftBank sign a deal", True),
    ("OpenAI AND SoftBank", "OpenAI signs a deal", False),
    ("OpenAI OR Anthropic", "Anthropic raises money", True),
    ("OpenAI OR Anthropic", "Mistral raises money", False),
    ("OpenAI NOT Musk", "OpenAI board meets", True),
    ("OpenAI NOT Musk", "Musk sues OpenAI", False),
    ("OpenAI AND NOT Musk", "Musk sues OpenAI", False),
    ("Nvidia OR OpenAI AND SoftBank", "Nvidia earnings", True),
    ("Nvidia OR OpenAI AND SoftBank", "OpenAI earnings", False),
    ("(Nvidia OR OpenAI) AND SoftBank", "Nvidia earnings", False),
    ("(Nvidia OR OpenAI) AND SoftBank", "SoftBank buys Nvidia shares", True),
    ("NOT NOT Oracle", "Oracle builds a campus", True),
    # implicit AND between adjacent operands
    ("OpenAI SoftBank", "SoftBank invests in OpenAI", True),
    ("OpenAI SoftBank", "SoftBank invests in ARM", False),
    ("Oracle (Texas OR Abilene)", "Oracle's campus in Abilene", True),
    # operators are upper-case only; lower-case words are plain terms
    ("war and peace", "war and peace", True),
    ("war and peace", "war or peace", False),
    ("chips or data", "chips or data", True),
    # exact phrases; whitespace and hyphens between phrase words are interchangeable
    ('"data center"', "a new data center in Ohio", True),
    ('"data center"', "a new data-center in Ohio", True),
    ('"data center"', "a new data\n  center in Ohio", True),
    ('"data center"', "data about the center", False),
    ('"data center"', "metadata centers", False),
    # trailing and leading wildcards stay inside one word
    ("invest*", "Investitionen in KI", True),
    ("invest*", "investors queue up", True),
    ("invest*", "reinvesting profits", False),
    ("*investition*", "Milliardeninvestitionen geplant", True),
    ("Rechenzentr*", "neue Rechenzentren in Hessen", True),
    ("Rechenzentr*", "das Großrechenzentrum", False),
    ('"data cent*"', "two data centres", True),
    ("invest*", "Investitions-Boom", True),
    # hyphen in the text is a word boundary: parts of compounds match
    ("KI", "Die KI-Investitionen steigen", True),
    ("Investitionen", "Die KI-Investitionen steigen", True),
    ("Rechenzentrum", "ein KI-Rechenzentrum in Bayern", True),
    # a hyphenated term also matches the spaced or differently hyphenated spelling
    ("KI-Investitionen", "KI Investitionen", True),
    ("KI-Investitionen", "KI\u2011Investitionen", True),
    ("KI-Investitionen", "KIInvestitionen", False),
    # umlauts and ß (Unicode case folding: ß = ss)
    ("Künstliche", "KÜNSTLICHE INTELLIGENZ", True),
    ("Straße", "STRASSE", True),
    ("Größe", "Die Größenordnung", False),
    ("Größe*", "Die Größenordnung", True),
    ("Übernahme", "die Übernahme von Aleph Alpha", True),
    # NFC: decomposed umlauts in the text match composed ones in the query
    ("Bürgschaft", "Bu\u0308rgschaft des Bundes", True),
    # soft hyphens inside words do not break them
    ("Rechenzentrum", "Rechen\u00adzentrum", True),
    # case-sensitive terms for acronyms
    ("=KI", "Investitionen in KI", True),
    ("=KI", "Die KI-Investitionen steigen", True),
    ("=KI", "Hafen in Kiel", False),
    ("=KI", "Ki und ki", False),
    ("=AI", "AI spending grows", True),
    ("=AI", "she said", False),
    ("=AI", "Ai Weiwei", False),
    ("=AI", "OpenAI", False),
    ("AI", "Ai Weiwei", True),
    ('="AI Act"', "the AI Act", True),
    ('="AI Act"', "the ai act", False),
    # punctuation around terms
    ("OpenAI", "OpenAI's deal", True),
    ("U.S.", "in the U.S. and Europe", True),
]


@pytest.mark.parametrize(("query", "text", "expected"), QUERY_TABLE)
def test_query_table(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def test_hits_are_counted_per_term_as_written_in_the_query() -> None:
    query = compile_query('Stargate OR "data center*" OR =KI')
    result = query.evaluate(
        MatchText.of("Stargate: KI-Zentrum", "Stargate plans data centers. Stargate again.")
    )
    assert result.terms == {"Stargate": 3, '"data center*"': 1, "=KI": 1}
    assert result.hit_count == 5


def test_negated_terms_are_not_evidence() -> None:
    result = compile_query("OpenAI OR NOT Musk").evaluate(MatchText.of("OpenAI without Musk"))
    assert result.terms == {"OpenAI": 1}


def test_a_term_repeated_in_the_query_is_counted_once() -> None:
    result = compile_query("(OpenAI AND chips) OR (OpenAI AND money)").evaluate(
        MatchText.of("OpenAI money")
    )
    assert result.terms == {"OpenAI": 1, "money": 1}


def test_matched_text_is_title_teaser_and_body_with_breaks_between() -> None:
    # "data" ends the title, "center" starts the teaser: not a phrase across fields.
    text = MatchText.of("New data", "center opens", "")
    assert compile_query("data AND center").evaluate(text).matched
    assert compile_query('"data center"').evaluate(text).matched  # blank line is whitespace


# --- syntax errors ---------------------------------------------------------------------------

SYNTAX_ERRORS = [
    # (query, column, words of the reason)
    ("", 1, "empty query"),
    ("Stargate AND", 13, "after 'AND'"),
    ("OR Stargate", 1, "'OR' needs a term before it"),
    ("(Stargate OR Oracle", 1, "'(' is never closed"),
    ("Stargate)", 9, "unexpected ')'"),
    ('Stargate "data center', 10, "unclosed quote"),
    ("in*vest", 3, "'*' is allowed only at the start or end"),
    ("Stargate OR *", 13, "wildcard"),
    ("= KI", 1, "after '='"),
    ("NOT Musk", 1, "only negated terms"),
    ("Stargate ()", 11, "empty parentheses"),
    ("-Musk", 1, "cannot start with a hyphen"),
    ('Stargate ""', 10, "empty phrase"),
    ("Oracle NOT", 11, "after 'NOT'"),
]


@pytest.mark.parametrize(("query", "column", "reason"), SYNTAX_ERRORS)
def test_syntax_error_names_topic_and_column(query: str, column: int, reason: str) -> None:
    with pytest.raises(TopicSyntaxError) as caught:
        compile_query(query, topic="ai-investment")
    error = caught.value
    assert error.topic == "ai-investment"
    assert error.column == column
    assert reason in error.reason
    assert str(error).startswith(f"topic 'ai-investment': {error.reason} at column {column}")


def test_syntax_error_shows_the_query_with_a_caret_under_the_column() -> None:
    with pytest.raises(TopicSyntaxError) as caught:
        compile_query("Stargate AND (Oracle OR)", topic="t")
    lines = str(caught.value).splitlines()
    assert lines[1] == "    Stargate AND (Oracle OR)"
    assert lines[2] == "    " + " " * 23 + "^"


def test_syntax_error_in_a_multiline_query_names_line_and_column() -> None:
    with pytest.raises(TopicSyntaxError) as caught:
        compile_query("Stargate\nOR (Oracle AND)\n", topic="t")
    error = caught.value
    assert (error.line, error.column) == (2, 15)
    assert "at line 2, column 15" in str(error)
    assert str(error).splitlines()[1:] == ["    OR (Oracle AND)", "    " + " " * 14 + "^"]


# --- robustness ------------------------------------------------------------------------------

QUERY_ALPHABET = st.sampled_from(
    [*'ab KIß()"=*-\u2010\u00ad \n\t.', "AND", "OR", "NOT", "ü", "\u0308", "\\", "[", "?"]
)


@settings(max_examples=400, deadline=None)
@given(query=st.lists(QUERY_ALPHABET, max_size=25).map("".join), text=st.text(max_size=60))
def test_any_query_either_compiles_and_matches_or_raises_a_syntax_error(
    query: str, text: str
) -> None:
    try:
        compiled = compile_query(query, topic="fuzz")
    except TopicSyntaxError as error:
        assert 1 <= error.column <= len(error.query) + 1
        return
    result = compiled.evaluate(MatchText.of(text))
    assert all(count > 0 for count in result.terms.values())


@settings(max_examples=200, deadline=None)
@given(query=st.text(max_size=40))
def test_arbitrary_unicode_queries_raise_nothing_but_syntax_errors(query: str) -> None:
    with contextlib.suppress(TopicSyntaxError):
        compile_query(query, topic="fuzz").evaluate(MatchText.of(query))


WORDS = st.text(alphabet="abcxyzäöüßABCÄÖÜ", min_size=2, max_size=10)


@settings(max_examples=200, deadline=None)
@given(word=WORDS, before=st.text(max_size=20), after=st.text(max_size=20))
def test_a_word_standing_alone_is_found_in_any_case(word: str, before: str, after: str) -> None:
    text = f"{before} {word.upper()}-{after}"
    assert compile_query(word).evaluate(MatchText.of(text)).terms.get(word, 0) >= 1


@settings(max_examples=200, deadline=None)
@given(word=WORDS, glue=st.text(alphabet="abcäß0", min_size=1, max_size=3))
def test_a_word_glued_to_letters_is_not_found(word: str, glue: str) -> None:
    text = f"{glue}{word} {word}{glue}"
    assert not compile_query(word).evaluate(MatchText.of(text)).matched

"""Required literals: a substring test that rules out paragraphs a rule's pattern cannot match.

The test must never rule out a paragraph the pattern matches (a boilerplate line would stay in
the body); it may let through paragraphs the pattern then rejects."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.clean import RULES, Rule
from newswatch.clean.prefilter import required_literals, starts_anchored

ALL_RULES = [rule for rules in RULES.values() for rule in rules]


def test_a_run_of_literals_is_required() -> None:
    assert required_literals(r"\bnewsletter\s+bestellen\b") == {"newsletter"}


def test_each_alternative_brings_its_own_literal() -> None:
    assert required_literals(r"wir\s+nutzen\s+cookies|datenschutzerklärung") == {
        "cookies",
        "datenschutzerklärung",
    }


def test_an_alternative_without_a_literal_means_nothing_is_required() -> None:
    assert required_literals(r"newsletter|\d{4,}") is None


def test_an_optional_part_is_not_required_but_a_repeated_one_is() -> None:
    assert required_literals(r"(?:werbung)?\s*anzeige") == {"anzeige"}
    assert required_literals(r"(?:werbung)+\s*\d") == {"werbung"}


def test_a_literal_that_implies_another_is_dropped() -> None:
    assert required_literals(r"cookies\s+akzeptieren|cookie") == {"cookie"}


def test_case_insensitive_patterns_and_parts_require_nothing() -> None:
    assert required_literals(r"newsletter", re.IGNORECASE) is None
    assert required_literals(r"(?i)newsletter") is None
    assert required_literals(r"(?i:newsletter)|abonnieren") is None


def test_literals_too_short_to_rule_anything_out_are_not_used() -> None:
    assert required_literals(r"ad\s+\d+") is None


def test_a_pattern_that_cannot_be_parsed_requires_nothing() -> None:
    assert required_literals(r"(unclosed") is None


def test_a_pattern_anchored_at_the_start_is_told_apart() -> None:
    assert starts_anchored(r"^teilen$")
    assert starts_anchored(r"\Ateilen")
    assert not starts_anchored(r"^teilen$", re.MULTILINE)
    assert not starts_anchored(r"teilen$")


@pytest.mark.parametrize("rule", ALL_RULES, ids=[rule.name for rule in ALL_RULES])
def test_every_example_a_rule_matches_passes_its_prefilter(rule: Rule) -> None:
    for example in rule.examples:
        lowered = example.lower()
        if rule.folded is not None and rule.folded.search(lowered):
            assert rule.may_occur_in(lowered), example


_FRAGMENTS = [text for rule in ALL_RULES for text in (*rule.examples, *rule.keeps)]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_FRAGMENTS),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=400),
    st.text(max_size=20),
)
def test_no_rule_prefilter_rules_out_text_its_pattern_matches(
    fragment: str, start: int, length: int, noise: str
) -> None:
    # pieces of real boilerplate and prose, cut anywhere and run into random text
    text = (noise + fragment[start : start + length] + noise).lower()
    for rule in ALL_RULES:
        if rule.folded is not None and rule.folded.search(text):
            assert rule.may_occur_in(text), (rule.name, text)

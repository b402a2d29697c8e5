"""Matching articles against topics: filters, minimum hits, and the ai-investment template."""

from __future__ import annotations

from pathlib import Path

from newswatch.article import Article
from newswatch.topics import (
    TopicConfig,
    compile_topic,
    compile_topics,
    match_topic,
    match_topics,
    parse_topics,
)
from newswatch.topics.templates import AI_INVESTMENT_TOPICS_TOML

STARGATE_DE = Article(
    url="https://example.de/stargate",
    title="Stargate: OpenAI und SoftBank planen weitere Rechenzentren",
    teaser="Das KI-Projekt soll bis zu 500 Milliarden Dollar kosten.",
    body=(
        "Die Partner OpenAI, SoftBank und Oracle wollen in Texas ein neues Rechenzentrum bauen.\n\n"
        "Die KI-Investitionen übersteigen alles, was die Branche bisher gesehen hat."
    ),
    language="de",
)
HARBOUR_NEWS = Article(
    url="https://example.de/kiel",
    title="Kiel investiert in den Hafen",
    body="Die Stadt Kiel investiert 20 Millionen Euro. Das sagte der Bürgermeister, said the AP.",
    language="de",
)
AMAZON_RETAIL = Article(
    url="https://example.com/amazon",
    title="Amazon invests $4 billion in rural delivery",
    body="Amazon said it would invest billions of dollars in warehouses.",
    language="en",
)
FUNDING_EN = Article(
    url="https://example.com/mistral",
    title="Mistral AI raises €600 million in Series B funding round",
    body="The French AI start-up's valuation tops $6 billion.",
    language="en",
)


def topic(query: str, **settings: object) -> TopicConfig:
    return TopicConfig(name="t", query=query, **settings)  # type: ignore[arg-type]


def test_result_carries_topic_name_terms_and_hit_count() -> None:
    result = match_topic(compile_topic(topic("Stargate OR Rechenzentr*")), STARGATE_DE)
    assert result.topic == "t"
    assert result.matched
    assert result.terms == {"Stargate": 1, "Rechenzentr*": 2}
    assert result.hit_count == 3


def test_min_hits_requires_that_many_hits_of_positive_terms() -> None:
    assert match_topic(compile_topic(topic("Oracle", min_hits=1)), STARGATE_DE).matched
    result = match_topic(compile_topic(topic("Oracle", min_hits=2)), STARGATE_DE)
    assert not result.matched
    assert result.hit_count == 1


def test_language_filter_excludes_other_languages_by_primary_subtag() -> None:
    german_only = compile_topic(topic("OpenAI", languages=("de",)))
    austrian = Article(url="u", title="OpenAI in Wien", language="de-AT")
    english = Article(url="u", title="OpenAI in London", language="en")
    assert match_topic(german_only, austrian).matched
    result = match_topic(german_only, english)
    assert not result.matched
    assert result.excluded_by == "language"


def test_language_filter_does_not_exclude_articles_of_unknown_language() -> None:
    german_only = compile_topic(topic("OpenAI", languages=("de",)))
    assert match_topic(german_only, Article(url="u", title="OpenAI")).matched


def test_source_filter_applies_when_the_source_is_known() -> None:
    heise_only = compile_topic(topic("OpenAI", sources=("heise",)))
    assert match_topic(heise_only, STARGATE_DE, source_name="heise").matched
    result = match_topic(heise_only, STARGATE_DE, source_name="spiegel")
    assert (result.matched, result.excluded_by) == (False, "source")


def test_match_topics_returns_one_result_per_topic_in_order() -> None:
    topics = compile_topics(
        [TopicConfig(name="a", query="Stargate"), TopicConfig(name="b", query="Kiel")]
    )
    results = match_topics(topics, STARGATE_DE, source_name="heise")
    assert [(r.topic, r.matched) for r in results] == [("a", True), ("b", False)]


def test_ai_investment_template_tags_investment_news_in_both_languages() -> None:
    topics = compile_topics(parse_topics(AI_INVESTMENT_TOPICS_TOML))
    assert match_topics(topics, STARGATE_DE)[0].matched
    assert match_topics(topics, FUNDING_EN)[0].matched


def test_ai_investment_template_ignores_acronym_lookalikes_and_non_ai_investment() -> None:
    topics = compile_topics(parse_topics(AI_INVESTMENT_TOPICS_TOML))
    assert not match_topics(topics, HARBOUR_NEWS)[0].matched
    assert not match_topics(topics, AMAZON_RETAIL)[0].matched


def test_ai_investment_template_tags_a_real_german_stargate_article(corpus_dir: Path) -> None:
    # As a reader's browser shows it, ad-blocker wall and all (see the corpus README).
    text = (corpus_dir / "article-as-read.txt").read_text(encoding="utf-8")
    topics = compile_topics(parse_topics(AI_INVESTMENT_TOPICS_TOML))
    result = match_topics(topics, Article(url="https://www.fr.de/", body=text, language="de"))[0]
    assert result.matched
    assert {"Stargate", "OpenAI", "=KI", "Datenzentr*"} <= set(result.terms)

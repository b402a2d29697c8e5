"""Starter topics that `newswatch init` writes to ./topics.toml."""

from __future__ import annotations

__all__ = ["AI_INVESTMENT_TOPICS_TOML"]

#: Investment in AI (German and English): money or infrastructure together with AI or an
#: AI-only company (big tech names alone are not enough: "Amazon invests" is not about AI).
#: Acronyms are case-sensitive (``=AI``, ``=KI``) so that "said", "Kiel" or the name "Ai" do
#: not count; "KI-Investitionen" still counts because a hyphen is a word boundary.
AI_INVESTMENT_TOPICS_TOML = """\
# newswatch topics: boolean keyword queries that tag matching articles at crawl time.
# Reference: README.md, section "Topics". Try a query on saved pages before a crawl:
#   newswatch topics test ai-investment page.html other-page.txt
# After editing a topic, re-tag the archive with: newswatch topics rematch --topic NAME

[[topic]]
name = "ai-investment"
description = "Investment in artificial intelligence: funding rounds, data centres, Stargate"
languages = ["de", "en"]
# At least two hits of the positive terms, so that a passing mention is not enough.
min_hits = 2
query = '''
(
  Stargate AND (OpenAI OR SoftBank OR Oracle OR =AI OR =KI OR "artificial intelligence"
                OR "künstliche* Intelligenz")
)
OR (
  (=AI OR =KI OR =GenAI OR "artificial intelligence" OR "künstliche* Intelligenz"
   OR "generative AI" OR OpenAI OR Anthropic OR "Mistral AI" OR =xAI OR DeepMind
   OR "Aleph Alpha" OR "Black Forest Labs" OR CoreWeave)
  AND
  (invest* OR "funding round*" OR Finanzierungsrunde* OR fundraising
   OR "Series A" OR "Series B" OR "Series C" OR "Series D" OR Kapitalspritze*
   OR Bewertung OR valuation OR Milliarde* OR billion* OR Mrd
   OR "data center*" OR "data centre*" OR datacenter* OR Rechenzentr* OR Datenzentr*
   OR "KI-Fabrik*" OR "AI factor*" OR Gigafactory OR Supercomputer*)
)
'''
"""

"""Starter topics: the file `newswatch init` writes to ./topics.toml.

The text lives in ``newswatch/templates/topics.toml`` (package data) so that `init` copies it
as it is. Its ``ai-investment`` topic covers investment in AI in German and English: money or
infrastructure together with AI or an AI-only company (big tech names alone are not enough:
"Amazon invests" is not about AI). Acronyms are case-sensitive (``=AI``, ``=KI``) so that
"said", "Kiel" or the name "Ai" do not count; "KI-Investitionen" still counts because a
hyphen is a word boundary.
"""

from __future__ import annotations

from importlib import resources

__all__ = ["AI_INVESTMENT_TOPICS_TOML"]

AI_INVESTMENT_TOPICS_TOML = (
    resources.files("newswatch").joinpath("templates", "topics.toml").read_text(encoding="utf-8")
)

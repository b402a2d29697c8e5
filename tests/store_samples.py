"""Realistic German and English article fixtures for the store tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from newswatch.article import Article

GERMAN_BODY = (
    "Die US-Regierung hat am Dienstag ein Investitionsprogramm für künstliche Intelligenz "
    "vorgestellt. Unter dem Namen Stargate wollen OpenAI, SoftBank und Oracle in den kommenden "
    "vier Jahren bis zu 500 Milliarden Dollar in Rechenzentren in den USA investieren.\n\n"
    "Das erste Rechenzentrum entsteht in Abilene im Bundesstaat Texas. Nach Angaben der "
    "Unternehmen sollen dort zunächst 100 Milliarden Dollar fließen.\n\n"
    "Kritiker bezweifeln, dass die beteiligten Firmen über die nötigen Mittel verfügen. "
    "Elon Musk schrieb auf seiner Plattform X, SoftBank habe das Geld nicht."
)

ENGLISH_BODY = (
    "OpenAI, SoftBank and Oracle on Tuesday announced a joint venture called Stargate that "
    "plans to invest up to $500 billion in artificial intelligence infrastructure in the "
    "United States over the next four years.\n\n"
    "The first data centre is under construction in Abilene, Texas. The companies said an "
    "initial $100 billion would be deployed immediately.\n\n"
    "Sceptics questioned whether the partners have the money. Elon Musk wrote on his platform "
    "X that SoftBank did not have the funds."
)

FETCHED_AT = datetime(2025, 1, 22, 9, 0, tzinfo=UTC)


def german_article(**changes: object) -> Article:
    article = Article(
        url="https://www.tagesschau.de/wirtschaft/stargate-ki-investitionen-100.html",
        title="Stargate: 500 Milliarden Dollar für KI-Rechenzentren",
        teaser="OpenAI, SoftBank und Oracle kündigen ein gewaltiges KI-Projekt in den USA an.",
        body=GERMAN_BODY,
        authors=["Anna Beispiel", "Jonas Muster"],
        published_at=datetime(2025, 1, 22, 6, 30, tzinfo=UTC),
        language="de",
        section="Wirtschaft",
        tags=["KI", "USA"],
        canonical_url="https://www.tagesschau.de/wirtschaft/stargate-ki-investitionen-100.html",
        publisher="tagesschau.de",
    )
    return replace(article, **changes)  # type: ignore[arg-type]


def english_article(**changes: object) -> Article:
    article = Article(
        url="https://www.example-news.com/technology/stargate-ai-500-billion",
        title="Stargate: OpenAI, SoftBank and Oracle pledge $500bn for AI data centres",
        teaser="The joint venture was announced at the White House on Tuesday.",
        body=ENGLISH_BODY,
        authors=["Jane Reporter"],
        published_at=datetime(2025, 1, 21, 23, 15, tzinfo=UTC),
        language="en",
        section="Technology",
        tags=["AI"],
        canonical_url="https://www.example-news.com/technology/stargate-ai-500-billion",
        publisher="Example News",
    )
    return replace(article, **changes)  # type: ignore[arg-type]

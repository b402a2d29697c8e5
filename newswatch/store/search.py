"""Full-text search over the latest version of each article, on SQLite (FTS5) and PostgreSQL.

A query is split into words (runs of letters and digits; everything else, including FTS syntax
such as quotes, ``-``, ``*``, ``:``, ``AND``/``OR`` operators' punctuation, is a separator). An
article matches when its latest version's title, teaser or body contains every word, ignoring
case. The words are always bound as parameters, never spliced into SQL or into an FTS
expression unquoted.

Both dialects return the same articles for the same data, in the same order: newest first by
``published_at`` (articles without one last, by ``first_seen_at``), then by article id. Ranking
by relevance is not used because FTS5's bm25 and PostgreSQL's ts_rank disagree.

Known tokenizer difference: PostgreSQL keeps some compound tokens whole (``3.5``, e-mail
addresses, URLs) where FTS5 splits them; searching for such a token can differ between dialects.
Hyphenated words are indexed by their parts on both (``KI-Investitionen`` is found by ``KI`` and
by ``Investitionen``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    exists,
    func,
    literal_column,
    nulls_last,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session, aliased

from newswatch.store import models

#: Only this many characters of a body are indexed (migration 0002, both dialects).
INDEXED_BODY_CHARS = 200_000
#: PostgreSQL: walk newest-first when the estimated matches m satisfy m² >= WALK_RATIO * limit *
#: articles (a walked version costs about WALK_RATIO times a match listed by the GIN index; 12
#: and 6 µs, measured at 1,000,000 versions).
WALK_RATIO = 2
#: SQLite search's costs in µs, measured at 200,000 versions (see _sqlite_match): reading one
#: matching rowid from FTS5; looking one match up and sorting it; one step of a walk over
#: ix_article_versions_latest_published that tests the article id; one FTS5 probe
#: (rowid = ? AND MATCH).
FETCH_COST = 2
LOOKUP_COST = 9
STEP_COST = 0.3
PROBE_COST = 45
_WORD = re.compile(r"[^\W_]+")
_FTS_TABLE = "article_search"


@dataclass(frozen=True)
class SearchHit:
    """One matching article, described by its latest version."""

    article_id: int
    version_no: int
    url: str
    title: str
    teaser: str
    source_name: str | None
    language: str | None
    published_at: datetime | None
    first_seen_at: datetime


def query_words(query: str) -> list[str]:
    """The words of a user query, lower-cased, in order, without duplicates."""
    words: list[str] = []
    for word in _WORD.findall(query.lower()):
        if word not in words:
            words.append(word)
    return words


def search(
    session: Session,
    query: str,
    *,
    source: str | None = None,
    since: datetime | None = None,
    lang: str | None = None,
    topic: str | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Articles whose latest version contains every word of ``query`` (see module docstring).

    ``since`` keeps articles published (or, without a publication date, first seen) at or after
    it; ``lang`` compares the version's language code case-insensitively; ``topic`` keeps
    articles with at least one version that matched that topic (``topic_matches``). With a
    topic, an empty query lists the topic's articles.
    """
    words = query_words(query)
    if (not words and topic is None) or limit <= 0:
        return []
    postgres = session.get_bind().dialect.name == "postgresql"
    version = aliased(models.ArticleVersion, name="v")
    article = models.Article
    statement = (
        select(
            article.id,
            version.version_no,
            article.canonical_url,
            version.title,
            version.teaser,
            models.Source.name,
            version.language,
            version.published_at,
            article.first_seen_at,
        )
        .join(article, article.id == version.article_id)
        .outerjoin(models.Source, models.Source.id == article.source_id)
        .where(version.is_latest)
    )
    # Stored text has no NUL characters (PostgreSQL cannot hold them): drop them from filters.
    if topic is not None:
        tagged = (
            select(models.TopicMatch.article_id)
            .join(models.Topic, models.Topic.id == models.TopicMatch.topic_id)
            .where(models.Topic.name == topic.replace("\x00", ""))
        )
        statement = statement.where(article.id.in_(tagged))
    if source is not None:
        source_id = session.scalar(
            select(models.Source.id).where(models.Source.name == source.replace("\x00", ""))
        )
        if source_id is None:
            return []
        # SQLite: "+ 0", so that no index serves the test and the planner does not start from
        # the source's articles (all of them, sorted) instead of walking the newest versions.
        # PostgreSQL's planner weighs both with its statistics on source_id.
        statement = statement.where(
            (article.source_id if postgres else article.source_id + 0) == source_id
        )
    if lang is not None:
        statement = statement.where(
            func.lower(version.language) == lang.replace("\x00", "").lower()
        )
    if since is not None:
        # published_at >= since, or first_seen_at >= since without a publication date. One
        # expression that no index serves: the planner must not trade the newest-first walk
        # for a range scan of every version in the period.
        statement = statement.where(
            func.coalesce(version.published_at, article.first_seen_at) >= since
        )
    if not words:
        pass
    elif postgres:
        statement = statement.where(_postgres_match(session, version, words, limit))
    else:
        statement = statement.where(_sqlite_match(session, version, words, limit))
    # The order is that of ix_article_versions_latest_published (published_at DESC NULLS LAST
    # over the latest versions), so a query can read it newest-first and stop at the limit.
    statement = statement.order_by(
        nulls_last(version.published_at.desc()), article.first_seen_at.desc(), article.id.desc()
    ).limit(limit)
    return [SearchHit(*row) for row in session.execute(statement)]


def _postgres_match(
    session: Session, version: type[models.ArticleVersion], words: list[str], limit: int
) -> ColumnElement[bool]:
    # article_versions.search_vector is a stored, generated tsvector, set on latest versions only,
    # with a partial GIN index (migrations 0007, 0008):
    # strip(to_tsvector('simple', title || ' ' || teaser || ' ' || left(body, 200000))).
    # It is not mapped in the models, so it is named through the statement's aliases.
    tsquery = func.plainto_tsquery(literal_column("'simple'::regconfig"), " ".join(words))
    # The planner walks ix_article_versions_latest_published for a common word (right) but also
    # for a rare or absent one (seconds: the walk reads a stored vector per version, which its
    # costs leave out). So search asks for its estimate m of the matches (statistics on the
    # lexemes, migration 0008 keeps 10,000 of them) and walks only when `limit` hits come within
    # about sqrt(WALK_RATIO * limit * n) versions; else the GIN index lists the matches first.
    candidates = aliased(models.ArticleVersion, name="m")
    matching = select(candidates.id).where(
        candidates.is_latest, literal_column("m.search_vector").op("@@")(tsquery)
    )
    estimate = _postgres_estimate(session, matching)
    articles = session.scalar(select(func.max(models.Article.id))) or 0
    if estimate * estimate >= WALK_RATIO * limit * articles:
        return literal_column("v.search_vector").op("@@")(tsquery)
    # OFFSET 0: planned on its own (the GIN index), not merged into the walk.
    return version.id.in_(matching.offset(0))


def _postgres_estimate(session: Session, statement: Select[Any]) -> float:
    """The planner's estimate of the rows of ``statement`` (EXPLAIN, not run)."""
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    plan: Any = connection.exec_driver_sql(
        f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params
    ).scalar()
    return float(plan[0]["Plan"]["Plan Rows"])


def _sqlite_match(
    session: Session, version: type[models.ArticleVersion], words: list[str], limit: int
) -> ColumnElement[bool]:
    # Each word becomes an FTS5 string ("..."), so FTS syntax in the input has no effect; the
    # FTS expression itself is a bound parameter.
    fts_query = " ".join('"' + word.replace('"', '""') + '"' for word in words)
    fts = table(_FTS_TABLE, column("rowid"))
    match = text(f"{_FTS_TABLE} MATCH :fts_query").bindparams(fts_query=fts_query)
    # SQLite's planner cannot tell how many articles an FTS5 query matches, so search asks
    # (up to a bound) and picks one of three plans. With m matches among n articles, a walk
    # newest-first meets `limit` hits after about limit * n / m latest versions.
    articles = session.scalar(select(func.max(models.Article.id))) or 0
    walk = limit * articles
    # Looking up and sorting m matches vs. walking and testing ids: equal at m = sorted_up_to.
    sorted_up_to = max(limit, math.isqrt(int(walk * STEP_COST / LOOKUP_COST)))
    # Reading m ids vs. walking and probing FTS5 per version: equal at m = listed_up_to.
    listed_up_to = max(sorted_up_to, math.isqrt(int(walk * PROBE_COST / FETCH_COST)))
    matches = session.scalars(select(fts.c.rowid).where(match).limit(listed_up_to + 1)).all()
    if len(matches) <= sorted_up_to:
        # Rare: look the matches up by article id and sort them.
        return version.article_id.in_(matches)
    if len(matches) <= listed_up_to:
        # Medium: walk ix_article_versions_latest_published newest-first and test each article
        # id against the list of matches (built once; the index holds the ids). "+ 0" keeps the
        # planner from looking the matches up by id instead.
        return (version.article_id + 0).in_(select(fts.c.rowid).where(match))
    # Common: walk newest-first and probe the FTS index for each version (rowid = article id);
    # the first `limit` probes mostly hit. The probe names articles.id, not v.article_id, so
    # that SQLite runs it after the tests on the article (--source, --since), not before.
    return exists(select(fts.c.rowid).where(fts.c.rowid == models.Article.id, match))

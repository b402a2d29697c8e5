"""Topics in the archive: keep ``topics`` rows in step with topics.toml, record the evidence of
matches in ``topic_matches``, and re-tag the archive after a topic changed (``rematch``).

Plain functions over a SQLAlchemy session. ``sync_topics``, ``record_topic_matches`` and
``add_topic_matches`` only flush: the caller owns the transaction. ``rematch`` commits once per
batch, so an interrupted run keeps its progress and the next run continues where it stopped.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from newswatch.store.models import Article, ArticleVersion, Source, Topic, TopicMatch
from newswatch.topics.config import TopicConfig
from newswatch.topics.matching import CompiledTopic, TopicMatchResult, compile_topics, match_text
from newswatch.topics.query import MatchText

__all__ = [
    "REMATCH_STATE_KEY",
    "RematchReport",
    "UnknownTopicError",
    "add_topic_matches",
    "record_topic_matches",
    "rematch",
    "sync_topics",
]

#: Key of ``topics.config`` under which ``rematch`` keeps its progress for that topic.
REMATCH_STATE_KEY = "rematch"


class UnknownTopicError(LookupError):
    """A topic name that is not in topics.toml or not (yet) in the ``topics`` table."""


def _now() -> datetime:
    return datetime.now(UTC)


def _definition_fingerprint(config: TopicConfig) -> str:
    data = json.dumps([config.query, config.settings()], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def _stored_settings(topic: Topic) -> dict[str, Any]:
    return {k: v for k, v in (topic.config or {}).items() if k != REMATCH_STATE_KEY}


def sync_topics(
    session: Session, configs: Iterable[TopicConfig], *, now: datetime | None = None
) -> dict[str, int]:
    """Upsert one ``topics`` row per config (by name); return ``{name: topic id}``.

    A changed query or setting updates the row and ``updated_at`` and forgets rematch progress.
    Rows of topics no longer in the file are kept, with their matches: they are history.
    Safe against a concurrent sync of the same names (insert ... on conflict do nothing).
    """
    configs = list(configs)
    if not configs:
        return {}
    now = now or _now()
    names = [config.name for config in configs]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [
        {"name": c.name, "query": c.query, "config": c.settings(), "updated_at": now}
        for c in configs
    ]
    session.execute(insert(Topic).values(rows).on_conflict_do_nothing(index_elements=["name"]))
    topics = {t.name: t for t in session.scalars(select(Topic).where(Topic.name.in_(names)))}
    for config in configs:
        topic = topics[config.name]
        if topic.query != config.query or _stored_settings(topic) != config.settings():
            topic.query = config.query
            topic.config = config.settings()
            topic.updated_at = now
    session.flush()
    return {name: topic.id for name, topic in topics.items()}


def record_topic_matches(
    session: Session,
    *,
    article_id: int,
    version_id: int,
    results: Iterable[TopicMatchResult],
    topic_ids: Mapping[str, int] | None = None,
    now: datetime | None = None,
) -> int:
    """Make ``topic_matches`` of one version agree with ``results``; return the matched count.

    A matched result inserts or updates the row (matched terms in query order, hits per term and
    in total); an
    unmatched one deletes that topic's row for this version if there is one, so recording is
    idempotent. Topic names resolve through ``topic_ids`` (from :func:`sync_topics`) or the
    ``topics`` table; an unknown name raises :class:`UnknownTopicError`.
    """
    results = list(results)
    if not results:
        return 0
    now = now or _now()
    topic_ids = _resolve_topic_ids(session, results, topic_ids)
    existing = {
        row.topic_id: row
        for row in session.scalars(
            select(TopicMatch).where(
                TopicMatch.version_id == version_id,
                TopicMatch.topic_id.in_([topic_ids[r.topic] for r in results]),
            )
        )
    }
    matched = _reconcile(session, article_id, version_id, results, topic_ids, existing, now)
    session.flush()
    return matched


def add_topic_matches(
    session: Session,
    *,
    article_id: int,
    version_id: int,
    results: Iterable[TopicMatchResult],
    topic_ids: Mapping[str, int] | None = None,
    now: datetime | None = None,
) -> int:
    """Insert the ``topic_matches`` rows of the matched ``results`` for a version that has none
    yet (one just written in this transaction); return the matched count.

    The rows are those :func:`record_topic_matches` would write, without first reading the
    version's existing rows: for a version that may already have matches, use that. The topic
    names of matched results resolve as there; an unknown one raises :class:`UnknownTopicError`.
    """
    matched = [result for result in results if result.matched]
    if not matched:
        return 0
    now = now or _now()
    topic_ids = _resolve_topic_ids(session, matched, topic_ids)
    session.connection().execute(  # plain rows: no ORM work to look for
        _INSERT_MATCH,
        [
            {
                "topic_id": topic_ids[result.topic],
                "version_id": version_id,
                "article_id": article_id,
                "matched_terms": list(result.terms),
                "hit_count": result.hit_count,
                "term_hits": dict(result.terms),
                "matched_at": now,
            }
            for result in matched
        ],
    )
    return len(matched)


_INSERT_MATCH = insert(TopicMatch.metadata.tables[TopicMatch.__tablename__])


def _resolve_topic_ids(
    session: Session, results: Sequence[TopicMatchResult], topic_ids: Mapping[str, int] | None
) -> Mapping[str, int]:
    """``topic_ids``, or the ids of the results' topics read from the table; every result's
    topic must be known (:class:`UnknownTopicError`)."""
    if topic_ids is None:
        names = {r.topic for r in results}
        topic_ids = {
            name: topic_id
            for name, topic_id in session.execute(
                select(Topic.name, Topic.id).where(Topic.name.in_(names))
            )
        }
    missing = sorted({r.topic for r in results} - set(topic_ids))
    if missing:
        raise UnknownTopicError(
            f"topic {missing[0]!r} is not in the topics table (call sync_topics first)"
        )
    return topic_ids


def _reconcile(
    session: Session,
    article_id: int,
    version_id: int,
    results: Iterable[TopicMatchResult],
    topic_ids: Mapping[str, int],
    existing: Mapping[int, TopicMatch],
    now: datetime,
) -> int:
    """Add, update or delete one version's rows; ``existing`` maps topic id to its row."""
    matched = 0
    for result in results:
        topic_id = topic_ids[result.topic]
        row = existing.get(topic_id)
        if not result.matched:
            if row is not None:
                session.delete(row)
            continue
        matched += 1
        terms = list(result.terms)
        if row is None:
            session.add(
                TopicMatch(
                    topic_id=topic_id,
                    version_id=version_id,
                    article_id=article_id,
                    matched_terms=terms,
                    hit_count=result.hit_count,
                    term_hits=dict(result.terms),
                    matched_at=now,
                )
            )
        elif (
            row.matched_terms != terms
            or row.hit_count != result.hit_count
            or row.term_hits != result.terms
        ):
            row.matched_terms = terms
            row.hit_count = result.hit_count
            row.term_hits = dict(result.terms)
            row.matched_at = now
    return matched


@dataclass
class RematchReport:
    """What one ``rematch`` run did."""

    topics: list[str] = field(default_factory=list)
    #: Per topic: "full" (new or edited topic, or restart), "resumed" (an interrupted pass
    #: continues) or "incremental" (only articles changed since the last complete pass).
    passes: dict[str, str] = field(default_factory=dict)
    batches: int = 0
    versions_checked: int = 0
    #: (topic, version) pairs that match after the run, among the versions checked.
    matched: int = 0


@dataclass
class _Pass:
    """One topic's pass over the archive, as kept in ``topics.config["rematch"]``."""

    topic: CompiledTopic
    topic_id: int
    kind: str
    started_at: datetime
    #: Only articles changed at or after this time (None: every article).
    changed_since: datetime | None
    after_article_id: int = 0

    def wants(self, version: _VersionText) -> bool:
        return version.article_id > self.after_article_id and (
            self.changed_since is None or version.last_changed_at >= self.changed_since
        )

    def state(self, fingerprint: str, done: bool) -> dict[str, Any]:
        return {
            "definition": fingerprint,
            "started_at": self.started_at.isoformat(),
            "changed_since": self.changed_since.isoformat() if self.changed_since else None,
            "after_article_id": self.after_article_id,
            "done": done,
        }


def _state(topic: Topic) -> dict[str, Any]:
    state = (topic.config or {}).get(REMATCH_STATE_KEY)
    return state if isinstance(state, dict) else {}


def _save_state(topic: Topic, state: dict[str, Any]) -> None:
    config = dict(topic.config or {})
    config[REMATCH_STATE_KEY] = state
    topic.config = config  # a new dict, so the JSON column is seen as changed


def _plan(
    item: CompiledTopic, topic_id: int, state: dict[str, Any], same: bool, now: datetime
) -> _Pass:
    if not same or "started_at" not in state:
        return _Pass(item, topic_id, "full", started_at=now, changed_since=None)
    previous_start = datetime.fromisoformat(state["started_at"])
    if state.get("done"):
        # Articles changed since the last complete pass began (not ended: a change during
        # that pass might have been missed).
        return _Pass(item, topic_id, "incremental", started_at=now, changed_since=previous_start)
    since = state.get("changed_since")
    return _Pass(
        item,
        topic_id,
        "resumed",
        started_at=previous_start,
        changed_since=datetime.fromisoformat(since) if since else None,
        after_article_id=int(state.get("after_article_id", 0)),
    )


def rematch(
    session: Session,
    configs: Sequence[TopicConfig],
    *,
    topic: str | None = None,
    batch_size: int = 500,
    restart: bool = False,
    on_batch: Callable[[RematchReport, int], None] | None = None,
    now: datetime | None = None,
) -> RematchReport:
    """Re-tag the latest version of articles with ``configs`` (or only ``topic``).

    A new or edited topic (or ``restart``) gets a full pass over every article; a topic whose
    last pass completed with the same definition gets an incremental pass over the articles
    changed since that pass began (new articles and new versions); an interrupted pass resumes
    after its last committed batch. Articles are processed in id order, ``batch_size`` at a
    time; each batch's matches and each topic's progress (``topics.config["rematch"]``) are
    committed together. Versions other than the latest keep the matches recorded for them.
    ``on_batch(report, last_article_id)`` is called after each committed batch.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    now = now or _now()
    selected = [c for c in configs if topic is None or c.name == topic]
    if topic is not None and not selected:
        raise UnknownTopicError(f"no topic named {topic!r} in the topics file")
    compiled = compile_topics(selected)
    topic_ids = sync_topics(session, selected, now=now)
    rows = {
        t.name: t for t in session.scalars(select(Topic).where(Topic.id.in_(topic_ids.values())))
    }
    fingerprints = {c.name: _definition_fingerprint(c) for c in selected}

    passes = []
    for item in compiled:
        state = _state(rows[item.name])
        same = not restart and state.get("definition") == fingerprints[item.name]
        plan = _plan(item, topic_ids[item.name], state, same, now)
        _save_state(rows[item.name], plan.state(fingerprints[item.name], done=False))
        passes.append(plan)
    session.commit()
    report = RematchReport(
        topics=[p.topic.name for p in passes], passes={p.topic.name: p.kind for p in passes}
    )
    if not passes:
        return report

    cursor = min(p.after_article_id for p in passes)
    since = (
        None
        if any(p.changed_since is None for p in passes)
        else min(p.changed_since for p in passes if p.changed_since is not None)
    )
    while True:
        batch = _latest_versions_after(session, cursor, batch_size, changed_since=since)
        if not batch:
            break
        existing: dict[int, dict[int, TopicMatch]] = defaultdict(dict)
        for row in session.scalars(
            select(TopicMatch).where(
                TopicMatch.version_id.in_([v.version_id for v in batch]),
                TopicMatch.topic_id.in_([p.topic_id for p in passes]),
            )
        ):
            existing[row.version_id][row.topic_id] = row
        for version in batch:
            wanted = [p for p in passes if p.wants(version)]
            if not wanted:
                continue
            text = MatchText.of(version.title, version.teaser, version.body)
            results = [
                match_text(p.topic, text, language=version.language, source=version.source)
                for p in wanted
            ]
            report.matched += _reconcile(
                session,
                version.article_id,
                version.version_id,
                results,
                topic_ids,
                existing[version.version_id],
                now,
            )
            report.versions_checked += 1
        cursor = batch[-1].article_id
        for plan in passes:
            plan.after_article_id = max(plan.after_article_id, cursor)
            _save_state(rows[plan.topic.name], plan.state(fingerprints[plan.topic.name], False))
        session.commit()
        report.batches += 1
        if on_batch is not None:
            on_batch(report, cursor)
    for plan in passes:
        _save_state(rows[plan.topic.name], plan.state(fingerprints[plan.topic.name], True))
    session.commit()
    return report


@dataclass(frozen=True)
class _VersionText:
    article_id: int
    version_id: int
    title: str
    teaser: str
    body: str
    language: str | None
    source: str | None
    last_changed_at: datetime


def _latest_versions_after(
    session: Session, after_article_id: int, limit: int, *, changed_since: datetime | None
) -> list[_VersionText]:
    """The latest version of the next ``limit`` articles with ``id > after_article_id`` (and,
    if given, changed at or after ``changed_since``)."""
    newer = aliased(ArticleVersion)
    latest_no = (
        select(func.max(newer.version_no))
        .where(newer.article_id == ArticleVersion.article_id)
        .scalar_subquery()
    )
    stmt = (
        select(
            ArticleVersion.article_id,
            ArticleVersion.id,
            ArticleVersion.title,
            ArticleVersion.teaser,
            ArticleVersion.body,
            ArticleVersion.language,
            Source.name,
            Article.last_changed_at,
        )
        .join(Article, Article.id == ArticleVersion.article_id)
        .outerjoin(Source, Source.id == Article.source_id)
        .where(ArticleVersion.article_id > after_article_id, ArticleVersion.version_no == latest_no)
        .order_by(ArticleVersion.article_id)
        .limit(limit)
    )
    if changed_since is not None:
        stmt = stmt.where(Article.last_changed_at >= changed_since)
    return [_VersionText(*row) for row in session.execute(stmt)]

"""Keeping stories in the archive: signatures, LSH candidates, and the clusters.

``assign_story`` is called for each new or changed version (it only flushes; the caller owns
the transaction). ``cluster_archive`` does the same for the whole archive in committed batches
and skips articles whose latest version already has a signature, so it resumes after an
interruption.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, aliased

from newswatch.store.models import Article, ArticleVersion
from newswatch.stories.models import BodySignature, SignatureBand, Story, StoryMember
from newswatch.stories.signature import band_keys, body_signature, estimated_similarity

__all__ = [
    "MIN_WORDS",
    "SIMILARITY_THRESHOLD",
    "ClusterReport",
    "StoryAssignment",
    "assign_story",
    "cluster_archive",
]

#: Estimated Jaccard similarity of word 5-shingles from which two bodies are one story.
SIMILARITY_THRESHOLD = 0.5
#: Candidates compared per article: those sharing the most band keys (the likeliest matches),
#: so that a story with thousands of copies does not make each new copy compare with all.
MAX_CANDIDATES = 50
#: Bodies shorter than this are not clustered: short texts share too much by chance.
MIN_WORDS = 60


@dataclass(frozen=True)
class StoryAssignment:
    """The story an article belongs to after :func:`assign_story` (None: no near-duplicate)."""

    story_id: int | None
    #: Best similarity to another article, when one reached the threshold.
    similarity: float | None = None
    #: Stories that were merged into ``story_id`` because this article linked them.
    merged: tuple[int, ...] = ()


def _now() -> datetime:
    return datetime.now(UTC)


def _store_signature(
    session: Session, article_id: int, version_id: int, signature: tuple[int, ...]
) -> None:
    row = session.get(BodySignature, article_id)
    if row is None:
        session.add(
            BodySignature(article_id=article_id, version_id=version_id, signature=list(signature))
        )
    else:
        row.version_id = version_id
        row.signature = list(signature)
    session.execute(delete(SignatureBand).where(SignatureBand.article_id == article_id))
    session.add_all(
        SignatureBand(band_key=key, article_id=article_id) for key in band_keys(signature)
    )
    session.flush()


def _similar_articles(
    session: Session, article_id: int, signature: tuple[int, ...], threshold: float
) -> dict[int, float]:
    shared = func.count().label("shared")
    candidates = (
        select(SignatureBand.article_id)
        .where(SignatureBand.band_key.in_(band_keys(signature)))
        .where(SignatureBand.article_id != article_id)
        .group_by(SignatureBand.article_id)
        .order_by(shared.desc(), SignatureBand.article_id)
        .limit(MAX_CANDIDATES)
    ).scalar_subquery()
    rows = session.execute(
        select(BodySignature.article_id, BodySignature.signature).where(
            BodySignature.article_id.in_(candidates)
        )
    )
    scores = {other: estimated_similarity(signature, other_sig) for other, other_sig in rows}
    return {other: score for other, score in scores.items() if score >= threshold}


def _refresh_story(session: Session, story: Story, now: datetime) -> None:
    members = select(StoryMember.article_id).where(StoryMember.story_id == story.id)
    story.article_count = session.scalar(select(func.count()).select_from(members.subquery())) or 0
    story.source_count = (
        session.scalar(
            select(func.count(func.distinct(Article.source_id))).where(Article.id.in_(members))
        )
        or 0
    )
    first = aliased(ArticleVersion)
    story.title = (
        session.scalar(
            select(first.title)
            .join(StoryMember, StoryMember.version_id == first.id)
            .join(Article, Article.id == StoryMember.article_id)
            .where(StoryMember.story_id == story.id)
            .order_by(Article.first_seen_at, Article.id)
            .limit(1)
        )
        or ""
    )
    story.updated_at = now


def assign_story(
    session: Session,
    *,
    article_id: int,
    version_id: int,
    body: str,
    now: datetime | None = None,
    threshold: float = SIMILARITY_THRESHOLD,
    min_words: int = MIN_WORDS,
) -> StoryAssignment:
    """Record the body's signature and put the article into the story of its near-duplicates.

    A new story is made when a near-duplicate is in no story yet; when the article is similar
    to members of several stories, those stories are merged into the oldest. An article stays in
    its story when a later version changes. Short bodies (< ``min_words``) are not clustered.
    """
    now = now or _now()
    current = session.get(StoryMember, article_id)
    signature = body_signature(body) if len(body.split()) >= min_words else None
    if signature is None:
        return StoryAssignment(current.story_id if current else None)
    _store_signature(session, article_id, version_id, signature)
    similar = _similar_articles(session, article_id, signature, threshold)
    if not similar:
        return StoryAssignment(current.story_id if current else None)

    memberships = {
        member.article_id: member
        for member in session.scalars(
            select(StoryMember).where(StoryMember.article_id.in_(similar))
        )
    }
    story_ids = sorted(
        {m.story_id for m in memberships.values()} | ({current.story_id} if current else set())
    )
    if story_ids:
        story = session.get_one(Story, story_ids[0])
        merged = tuple(story_ids[1:])
        if merged:
            session.execute(
                update(StoryMember)
                .where(StoryMember.story_id.in_(merged))
                .values(story_id=story.id)
            )
            session.execute(delete(Story).where(Story.id.in_(merged)))
            session.expire_all()
    else:
        story = Story(created_at=now, updated_at=now)
        session.add(story)
        session.flush()
        merged = ()
    best = max(similar.values())
    if session.get(StoryMember, article_id) is None:
        session.add(
            StoryMember(
                article_id=article_id,
                story_id=story.id,
                version_id=version_id,
                similarity=best,
                joined_at=now,
            )
        )
    newcomers = [other for other in similar if other not in memberships]
    if newcomers:
        versions = dict(
            session.execute(
                select(BodySignature.article_id, BodySignature.version_id).where(
                    BodySignature.article_id.in_(newcomers)
                )
            ).all()
        )
        for other in newcomers:
            session.add(
                StoryMember(
                    article_id=other,
                    story_id=story.id,
                    version_id=versions[other],
                    similarity=similar[other],
                    joined_at=now,
                )
            )
    session.flush()
    _refresh_story(session, story, now)
    session.flush()
    return StoryAssignment(story.id, similarity=best, merged=merged)


@dataclass
class ClusterReport:
    """What one ``cluster_archive`` run did."""

    batches: int = 0
    articles_checked: int = 0
    #: Articles skipped because their latest version was already clustered.
    already_done: int = 0
    in_stories: int = 0
    merged_stories: list[int] = field(default_factory=list)


def cluster_archive(
    session: Session,
    *,
    batch_size: int = 500,
    now: datetime | None = None,
    on_batch: Callable[[ClusterReport], None] | None = None,
) -> ClusterReport:
    """Cluster the latest version of every article, committing per batch of articles."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    report = ClusterReport()
    newer = aliased(ArticleVersion)
    latest_no = (
        select(func.max(newer.version_no))
        .where(newer.article_id == ArticleVersion.article_id)
        .scalar_subquery()
    )
    after = 0
    while True:
        rows = session.execute(
            select(
                ArticleVersion.article_id,
                ArticleVersion.id,
                ArticleVersion.body,
                BodySignature.version_id,
            )
            .outerjoin(BodySignature, BodySignature.article_id == ArticleVersion.article_id)
            .where(ArticleVersion.article_id > after, ArticleVersion.version_no == latest_no)
            .order_by(ArticleVersion.article_id)
            .limit(batch_size)
        ).all()
        if not rows:
            return report
        for article_id, version_id, body, signed_version in rows:
            if signed_version == version_id:
                report.already_done += 1
                continue
            assignment = assign_story(
                session, article_id=article_id, version_id=version_id, body=body, now=now
            )
            report.articles_checked += 1
            report.in_stories += assignment.story_id is not None
            report.merged_stories.extend(assignment.merged)
        after = rows[-1][0]
        session.commit()
        report.batches += 1
        if on_batch is not None:
            on_batch(report)

"""A small, healthy archive for integrity and migration tests, and raw-SQL tools to break it."""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, create_engine, text

from newswatch.store import finish_run, models, save_article, session_factory, start_run
from newswatch.stories.models import BodySignature, SignatureBand, Story, StoryMember
from tests.store_samples import FETCHED_AT, GERMAN_BODY, english_article, german_article

HTML_V1 = b"<html><body><h1>Stargate</h1><p>500 Milliarden Dollar</p></body></html>"
HTML_V2 = b"<html><body><h1>Stargate</h1><p>100 Milliarden Dollar</p></body></html>"
EDITED_TITLE = "Stargate: 100 Milliarden Dollar für KI-Rechenzentren"


@dataclass(frozen=True)
class SampleIds:
    """Row ids of the sample archive that tests break on purpose."""

    german: int  # two versions, both with raw pages, a topic match on version 2
    english: int  # one version, no raw page, no topic match
    german_v2: int  # version row id of the German article's version 2
    topic_match: int


def populate(engine: Engine) -> SampleIds:
    """Three articles (one edited), raw pages, a topic match, a finished and a running run."""
    factory = session_factory(engine)
    with factory() as session:
        first = save_article(
            session,
            german_article(),
            source_name="tagesschau",
            fetched_at=FETCHED_AT,
            raw_html=HTML_V1,
        )
        edited = german_article(
            title=EDITED_TITLE, body=GERMAN_BODY + "\n\nSoftBank bestätigte die Zahlen."
        )
        second = save_article(
            session,
            edited,
            source_name="tagesschau",
            fetched_at=FETCHED_AT + timedelta(hours=2),
            raw_html=HTML_V2,
        )
        english = save_article(
            session, english_article(), source_name="example", fetched_at=FETCHED_AT
        )
        save_article(
            session,
            english_article(
                url="https://www.example-news.com/world/ai-rules",
                canonical_url="https://www.example-news.com/world/ai-rules",
                title="Brussels drafts new rules for AI models",
            ),
            source_name="example",
            fetched_at=FETCHED_AT + timedelta(minutes=5),
        )
        topic = models.Topic(
            name="ai-investment",
            query='"Stargate" OR "KI-Rechenzentren"',
            config={},
            updated_at=FETCHED_AT,
        )
        session.add(topic)
        session.flush()
        match = models.TopicMatch(
            topic_id=topic.id,
            version_id=second.version_id,
            article_id=second.article_id,
            matched_terms=["stargate"],
            hit_count=3,
            term_hits={"stargate": 3},
            matched_at=FETCHED_AT,
        )
        session.add(match)
        session.add(
            models.SeenUrl(
                url="https://www.tagesschau.de/sport/bundesliga-100.html",
                reason="off_topic",
                first_seen_at=FETCHED_AT,
                last_seen_at=FETCHED_AT,
            )
        )
        story = Story(
            title=EDITED_TITLE,
            article_count=1,
            source_count=1,
            created_at=FETCHED_AT,
            updated_at=FETCHED_AT,
        )
        session.add(story)
        session.flush()
        session.add_all(
            [
                StoryMember(
                    article_id=second.article_id,
                    story_id=story.id,
                    version_id=second.version_id,
                    similarity=1.0,
                    joined_at=FETCHED_AT,
                ),
                BodySignature(
                    article_id=second.article_id, version_id=second.version_id, signature=[1, 2]
                ),
                SignatureBand(band_key="0:abc", article_id=second.article_id),
            ]
        )
        session.commit()
        finished = start_run(session, host="crawler-1", pid=4242, sources=["tagesschau"])
        finish_run(session, finished, status="finished", counters={"pages": 3, "new": 3})
        # A run in progress on this host, by a live process (this one): not stale.
        start_run(session, host=socket.gethostname(), pid=os.getpid(), sources=["example"])
        assert first.article_id == second.article_id
        return SampleIds(first.article_id, english.article_id, second.version_id, match.id)


def run_raw_sql(engine: Engine, statements: Sequence[str], **params: object) -> None:
    """Run SQL the way a careless tool would: foreign keys not enforced (both dialects)."""
    raw = create_engine(engine.url)  # a plain engine: no newswatch connection settings
    try:
        with raw.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            for statement in statements:
                conn.execute(text(statement), params)
    finally:
        raw.dispose()


class OtherWriter:
    """Another process's write transaction on the same SQLite file, in its own thread."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.locked = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")  # takes the write lock
        conn.execute(
            "INSERT INTO sources (name, domains, config, created_at, updated_at) "
            "VALUES ('other-writer', '[]', '{}', '2025-01-22', '2025-01-22')"
        )
        self.locked.set()
        self.release.wait(timeout=30)
        conn.execute("COMMIT")
        conn.close()

    def __enter__(self) -> OtherWriter:
        self.thread.start()
        assert self.locked.wait(timeout=10)
        return self

    def __exit__(self, *_: object) -> None:
        self.release.set()
        self.thread.join(timeout=30)

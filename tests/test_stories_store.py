"""Stories in the archive: syndicated copies grouped, persistent, queryable in SQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from newswatch.store.models import Article, Base
from newswatch.stories.models import Story, StoryMember
from newswatch.stories.store import assign_story, cluster_archive
from tests.archive_factory import BACKENDS, T0, add_article, fresh_session, shared_archive
from tests.test_stories_signature import AGENCY, OTHER_STORY
from tests.test_topics_config import readme_section

# Long enough to be clustered; each site adds its own dateline and credit.
STORY = " ".join([AGENCY, AGENCY.replace("Dienstag", "Montag")])
OTHER = " ".join([OTHER_STORY] * 3)


def copy_for(site: str) -> str:
    return f"{site} (dpa) - {STORY} Mehr Nachrichten auf {site}.de"


@pytest.fixture(scope="module", params=BACKENDS)
def archive_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    with shared_archive(request.param, tmp_path_factory.mktemp("archive")) as engine:
        yield engine


@pytest.fixture
def session(archive_engine: Engine) -> Iterator[Session]:
    with fresh_session(archive_engine) as session:
        yield session


def assign(session: Session, article: Article) -> int | None:
    version = article.versions[-1]
    return assign_story(
        session, article_id=article.id, version_id=version.id, body=version.body, now=T0
    ).story_id


def test_stories_tables_are_part_of_the_migrated_schema() -> None:
    assert {"stories", "story_members", "body_signatures", "signature_bands"} <= set(
        Base.metadata.tables
    )


def test_syndicated_copies_from_several_sources_form_one_story(session: Session) -> None:
    first = add_article(session, "https://a.example/1", copy_for("Berlin"), source="a")
    second = add_article(session, "https://b.example/1", copy_for("Hamburg"), source="b")
    third = add_article(session, "https://c.example/1", copy_for("München"), source="c")
    other = add_article(session, "https://c.example/2", OTHER, source="c")

    assert assign(session, first) is None  # nothing to compare with yet
    story_id = assign(session, second)
    assert story_id is not None
    assert assign(session, third) == story_id
    assert assign(session, other) is None

    story = session.get_one(Story, story_id)
    assert (story.article_count, story.source_count) == (3, 3)
    assert story.title == "Article https://a.example/1"
    members = session.scalars(
        select(StoryMember.article_id).where(StoryMember.story_id == story_id)
    )
    assert set(members) == {first.id, second.id, third.id}


def test_short_bodies_are_not_clustered(session: Session) -> None:
    short = "Stargate: OpenAI und SoftBank investieren 500 Milliarden Dollar."
    first = add_article(session, "https://a.example/1", short, source="a")
    second = add_article(session, "https://b.example/1", short, source="b")
    assign(session, first)
    assert assign(session, second) is None


def paragraphs(first: int, last: int) -> str:
    """Paragraphs number ``first`` to ``last`` of a long report, each with its own words."""
    return " ".join(
        " ".join(f"absatz{n}wort{w}" for w in range(12)) + "." for n in range(first, last + 1)
    )


def test_an_article_linking_two_stories_merges_them(session: Session) -> None:
    # Paragraphs 1-7 and 4-10 share 4 of 10 (similarity 0.4): two stories. An article with
    # paragraphs 2-9 shares 6 of 9 with each (0.67), so it joins them into one.
    articles = [
        add_article(session, "https://a.example/1", paragraphs(1, 7), source="a"),
        add_article(session, "https://b.example/1", paragraphs(1, 7), source="b"),
        add_article(session, "https://a.example/2", paragraphs(4, 10), source="a"),
        add_article(session, "https://b.example/2", paragraphs(4, 10), source="b"),
    ]
    for article in articles:
        assign(session, article)
    assert len(session.scalars(select(Story)).all()) == 2
    linking = add_article(session, "https://c.example/1", paragraphs(2, 9), source="c")

    result = assign_story(
        session,
        article_id=linking.id,
        version_id=linking.versions[0].id,
        body=linking.versions[0].body,
    )

    assert len(result.merged) == 1
    (story,) = session.scalars(select(Story)).all()
    assert (story.id, story.article_count, story.source_count) == (result.story_id, 5, 3)


def test_cluster_archive_groups_existing_articles_and_resumes(session: Session) -> None:
    for site in ("a", "b", "c"):
        add_article(session, f"https://{site}.example/1", copy_for(site), source=site)
    add_article(session, "https://d.example/1", OTHER, source="d")
    session.commit()

    report = cluster_archive(session, batch_size=2)
    assert (report.batches, report.articles_checked, report.in_stories) == (2, 4, 2)
    # The first article found no partner when it was checked; the second pulled it in.
    again = cluster_archive(session)
    assert (again.articles_checked, again.already_done) == (0, 4)


def test_stories_covered_by_several_sources_are_queryable_in_sql(session: Session) -> None:
    for site in ("a", "b"):
        article = add_article(session, f"https://{site}.example/1", copy_for(site), source=site)
        assign(session, article)
    session.commit()
    rows = session.execute(
        text(
            "SELECT s.id, s.source_count, count(m.article_id) AS articles "
            "FROM stories s JOIN story_members m ON m.story_id = s.id "
            "WHERE s.source_count >= 2 GROUP BY s.id, s.source_count"
        )
    ).all()
    assert [(r.source_count, r.articles) for r in rows] == [(2, 2)]


def test_readme_stories_sql_runs(session: Session) -> None:
    for site in ("a", "b"):
        article = add_article(session, f"https://{site}.example/1", copy_for(site), source=site)
        assign(session, article)
    session.commit()
    section = readme_section("cli-topics")
    sql = section.split("```sql\n", 1)[1].split("```", 1)[0]
    statements = [s for s in sql.split(";") if s.strip()]
    first, second = (session.execute(text(s)).all() for s in statements)
    assert [(row.source_count, row.article_count) for row in first] == [(2, 2)]
    assert sorted(row.canonical_url for row in second) == [
        "https://a.example/1",
        "https://b.example/1",
    ]

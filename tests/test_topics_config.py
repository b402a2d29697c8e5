"""topics.toml loading: typed configs, and errors that name file, topic and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.topics import (
    TopicConfig,
    TopicConfigError,
    compile_query,
    compile_topics,
    load_topics,
    parse_topics,
    resolve_topics_path,
)
from newswatch.topics.templates import AI_INVESTMENT_TOPICS_TOML

#: A valid topic table, to which the cases below add one bad line.
VALID_TOPIC = '[[topic]]\nname = "x"\nquery = "a"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topics.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_every_field_into_a_typed_config(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[[topic]]
name = "stargate"
query = 'Stargate AND (OpenAI OR SoftBank)'
description = "The Stargate joint venture"
languages = ["DE", "en"]
sources = ["heise", "reuters"]
min_hits = 2

[[topic]]
name = "chips"
query = "Nvidia"
""",
    )
    assert load_topics(path) == [
        TopicConfig(
            name="stargate",
            query="Stargate AND (OpenAI OR SoftBank)",
            description="The Stargate joint venture",
            languages=("de", "en"),
            sources=("heise", "reuters"),
            min_hits=2,
        ),
        TopicConfig(name="chips", query="Nvidia"),
    ]


def test_an_empty_file_has_no_topics(tmp_path: Path) -> None:
    assert load_topics(write(tmp_path, "# nothing yet\n")) == []


def test_the_ai_investment_template_is_valid_and_compiles() -> None:
    configs = parse_topics(AI_INVESTMENT_TOPICS_TOML)
    assert [c.name for c in configs] == ["ai-investment"]
    assert configs[0].languages == ("de", "en")
    assert compile_topics(configs)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (VALID_TOPIC + 'colour = "red"\n', "topic 'x', field 'colour': unknown key"),
        ('[[topic]]\nquery = "a"\n', "topic #1, field 'name': required"),
        ('[[topic]]\nname = ""\nquery = "a"\n', "topic #1, field 'name': required"),
        ('[[topic]]\nname = "x"\n', "topic 'x', field 'query': required"),
        ('[[topic]]\nname = "x"\nquery = 3\n', "topic 'x', field 'query': required"),
        (VALID_TOPIC + "min_hits = 0\n", "field 'min_hits'"),
        (VALID_TOPIC + "min_hits = true\n", "field 'min_hits'"),
        (VALID_TOPIC + 'min_hits = "2"\n', "field 'min_hits'"),
        (VALID_TOPIC + 'languages = "de"\n', "field 'languages': must be a list"),
        (VALID_TOPIC + 'languages = ["de-AT"]\n', "'de-AT' is not a primary"),
        (VALID_TOPIC + 'sources = [""]\n', "field 'sources'"),
        (VALID_TOPIC + "description = 1\n", "field 'description'"),
        (VALID_TOPIC + VALID_TOPIC, "topic 'x': duplicate name"),
        ('[topic]\nname = "x"\nquery = "a"\n', "array of tables"),
        ('[[topics]]\nname = "x"\nquery = "a"\n', "unknown top-level key 'topics'"),
        ('[[topic]\nname = "x"\n', "invalid TOML"),
    ],
)
def test_invalid_config_names_file_topic_and_field(tmp_path: Path, toml: str, message: str) -> None:
    path = write(tmp_path, toml)
    with pytest.raises(TopicConfigError) as caught:
        load_topics(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_query_syntax_error_names_file_topic_field_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '[[topic]]\nname = "ai"\nquery = "Stargate AND"\n')
    with pytest.raises(TopicConfigError) as caught:
        load_topics(path)
    first_line = str(caught.value).splitlines()[0]
    assert first_line.startswith(f"{path}: topic 'ai', field 'query': topic 'ai': expected a term")
    assert first_line.endswith("at column 13")
    assert str(caught.value).splitlines()[-1] == "    " + " " * 12 + "^"


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TopicConfigError, match="topics file not found"):
        load_topics(tmp_path / "nope.toml")


def test_file_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_bytes(b'[[topic]]\nname = "M\xfcnchen"\n')
    with pytest.raises(TopicConfigError, match="cannot read topics file"):
        load_topics(path)


def test_topics_path_comes_from_option_then_environment_then_default() -> None:
    env = {"NEWSWATCH_TOPICS": "/etc/newswatch/topics.toml"}
    assert resolve_topics_path("mine.toml", env) == Path("mine.toml")
    assert resolve_topics_path(None, env) == Path("/etc/newswatch/topics.toml")
    assert resolve_topics_path(None, {}) == Path("topics.toml")


def readme_section(name: str) -> str:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    begin = f"<!-- BEGIN section:{name} -->"
    return readme[readme.index(begin) + len(begin) : readme.index(f"<!-- END section:{name} -->")]


def test_readme_topics_example_file_and_queries_are_valid() -> None:
    section = readme_section("topics")
    toml = section.split("```toml\n", 1)[1].split("```", 1)[0]
    assert [c.name for c in parse_topics(toml, source="README")] == ["ai-investment"]
    examples = section.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    assert len(examples) == 4
    for line in examples:
        compile_query(line, topic="README example")

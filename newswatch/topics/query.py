"""The topic query language: tokenizer, recursive-descent parser and compiled matcher.

Grammar (operators are upper-case words; adjacent operands are joined by an implicit AND)::

    query    := or_expr EOF
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := not_expr (["AND"] not_expr)*
    not_expr := "NOT" not_expr | primary
    primary  := "(" or_expr ")" | term
    term     := ["="] (WORD | '"' WORD+ '"')

A WORD may start and/or end with ``*`` (wildcard: any further letters or digits of the same
word). Matching is case-insensitive (Unicode case folding: ``straße`` matches ``STRASSE``) and on
word boundaries; a leading ``=`` makes a term case-sensitive (``=KI``, ``="AI Act"``). Inside a
term, hyphens and whitespace are interchangeable separators, so ``"data center"`` also matches
"data-center" and ``KI-Investitionen`` matches "KI Investitionen". A hyphen in the text is a word
boundary: ``=KI`` matches inside "KI-Investitionen" but not in "Kiel".

See docs/topics.md for the full reference.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

__all__ = [
    "CompiledQuery",
    "MatchText",
    "QueryTerm",
    "TopicSyntaxError",
    "compile_query",
]

#: Characters that separate the parts of a phrase or hyphenated term, in the query and the text.
_HYPHENS = "-\u2010\u2011"
_SEPARATOR = r"[\s\-\u2010\u2011]+"
_SPLIT_PARTS = re.compile(_SEPARATOR)
_OPERATORS = {"AND", "OR", "NOT"}
_SOFT_HYPHEN = "\u00ad"


class TopicSyntaxError(ValueError):
    """A topic query that cannot be parsed; names the topic and the position, with a caret line."""

    def __init__(self, topic: str, query: str, offset: int, reason: str) -> None:
        self.topic = topic
        self.query = query
        self.offset = offset
        self.reason = reason
        before = query[:offset]
        self.line = before.count("\n") + 1
        self.column = offset - (before.rfind("\n") + 1) + 1
        super().__init__(self._render())

    def _render(self) -> str:
        lines = self.query.split("\n")
        where = f"column {self.column}"
        if len(lines) > 1:
            where = f"line {self.line}, {where}"
        shown = lines[self.line - 1].replace("\t", " ")
        caret = " " * (self.column - 1) + "^"
        return f"topic {self.topic!r}: {self.reason} at {where}\n    {shown}\n    {caret}"


class _Kind(Enum):
    LPAREN = "'('"
    RPAREN = "')'"
    AND = "'AND'"
    OR = "'OR'"
    NOT = "'NOT'"
    TERM = "a term"
    END = "the end of the query"


@dataclass(frozen=True)
class _Token:
    kind: _Kind
    offset: int
    text: str = ""
    #: For TERM tokens: the words of the term (one for a bare word, several for a phrase).
    words: tuple[str, ...] = ()
    case_sensitive: bool = False


@dataclass(frozen=True)
class QueryTerm:
    """One searchable term of a query, e.g. ``invest*``, ``=KI`` or ``"data center"``."""

    #: The term as written in the query; the key of ``TopicMatchResult.terms``.
    text: str
    case_sensitive: bool
    pattern: re.Pattern[str]
    #: The term's longest literal part: a text without it cannot match, so the regex is skipped.
    probe: str

    def count(self, text: MatchText) -> int:
        haystack = text.text if self.case_sensitive else text.folded
        if self.probe not in haystack:
            return 0
        return sum(1 for _ in self.pattern.finditer(haystack))


# --- AST -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TermNode:
    index: int


@dataclass(frozen=True)
class _NotNode:
    child: _Node


@dataclass(frozen=True)
class _AndNode:
    children: tuple[_Node, ...]


@dataclass(frozen=True)
class _OrNode:
    children: tuple[_Node, ...]


_Node = _TermNode | _NotNode | _AndNode | _OrNode


# --- text preparation ------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchText:
    """Text prepared once for matching many queries: NFC, soft hyphens removed, and case-folded."""

    text: str
    folded: str

    @classmethod
    def of(cls, *parts: str) -> MatchText:
        joined = "\n\n".join(part for part in parts if part)
        text = unicodedata.normalize("NFC", joined).replace(_SOFT_HYPHEN, "")
        return cls(text=text, folded=text.casefold())


# --- tokenizer -------------------------------------------------------------------------------


def _tokenize(topic: str, query: str) -> Iterator[_Token]:
    i = 0
    n = len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char == "(":
            yield _Token(_Kind.LPAREN, i, "(")
            i += 1
        elif char == ")":
            yield _Token(_Kind.RPAREN, i, ")")
            i += 1
        else:
            start = i
            case_sensitive = char == "="
            if case_sensitive:
                i += 1
                if i >= n or query[i].isspace() or query[i] in "()":
                    raise TopicSyntaxError(topic, query, start, "expected a term right after '='")
            if query[i] == '"':
                close = query.find('"', i + 1)
                if close < 0:
                    raise TopicSyntaxError(topic, query, i, "unclosed quote")
                words = _phrase_words(topic, query, i + 1, close)
                i = close + 1
            else:
                word_start = i
                while i < n and not query[i].isspace() and query[i] not in '()"':
                    i += 1
                word = query[word_start:i]
                if not case_sensitive and word in _OPERATORS:
                    yield _Token(_Kind[word], start, word)
                    continue
                _check_word(topic, query, word, word_start)
                words = (word,)
            yield _Token(
                _Kind.TERM, start, query[start:i], words=words, case_sensitive=case_sensitive
            )
    yield _Token(_Kind.END, n)


def _phrase_words(topic: str, query: str, start: int, end: int) -> tuple[str, ...]:
    words = []
    for match in re.finditer(r"\S+", query[start:end]):
        _check_word(topic, query, match.group(), start + match.start())
        words.append(match.group())
    if not words:
        raise TopicSyntaxError(topic, query, start - 1, "empty phrase")
    return tuple(words)


def _check_word(topic: str, query: str, word: str, offset: int) -> None:
    core = word.removeprefix("*").removesuffix("*")
    core_offset = offset + (1 if word.startswith("*") else 0)
    if not core:
        raise TopicSyntaxError(topic, query, offset, "a wildcard '*' needs letters next to it")
    star = core.find("*")
    if star >= 0:
        raise TopicSyntaxError(
            topic, query, core_offset + star, "'*' is allowed only at the start or end of a word"
        )
    if core[0] in _HYPHENS:
        raise TopicSyntaxError(
            topic, query, core_offset, "a term cannot start with a hyphen (use NOT to exclude)"
        )
    if core[-1] in _HYPHENS:
        raise TopicSyntaxError(
            topic, query, core_offset + len(core) - 1, "a term cannot end with a hyphen"
        )


# --- parser ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, topic: str, query: str) -> None:
        self.topic = topic
        self.query = query
        self.tokens = list(_tokenize(topic, query))
        self.pos = 0
        self.terms: list[_Token] = []
        self.term_index: dict[str, int] = {}

    @property
    def current(self) -> _Token:
        return self.tokens[self.pos]

    def error(self, token: _Token, reason: str) -> TopicSyntaxError:
        return TopicSyntaxError(self.topic, self.query, token.offset, reason)

    def parse(self) -> _Node:
        if self.current.kind is _Kind.END:
            raise self.error(self.current, "empty query")
        node = self.or_expr()
        if self.current.kind is _Kind.RPAREN:
            raise self.error(self.current, "unexpected ')' without a matching '('")
        if self.current.kind is not _Kind.END:  # pragma: no cover - and_expr consumes the rest
            raise self.error(self.current, f"unexpected {self.current.kind.value}")
        return node

    def or_expr(self) -> _Node:
        children = [self.and_expr()]
        while self.current.kind is _Kind.OR:
            self.pos += 1
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else _OrNode(tuple(children))

    def and_expr(self) -> _Node:
        children = [self.not_expr()]
        while True:
            kind = self.current.kind
            if kind is _Kind.AND:
                self.pos += 1
            elif kind not in (_Kind.TERM, _Kind.NOT, _Kind.LPAREN):
                break
            children.append(self.not_expr())
        return children[0] if len(children) == 1 else _AndNode(tuple(children))

    def not_expr(self) -> _Node:
        if self.current.kind is _Kind.NOT:
            self.pos += 1
            return _NotNode(self.not_expr())
        return self.primary()

    def primary(self) -> _Node:
        token = self.current
        if token.kind is _Kind.TERM:
            self.pos += 1
            return _TermNode(self.add_term(token))
        if token.kind is _Kind.LPAREN:
            self.pos += 1
            if self.current.kind is _Kind.RPAREN:
                raise self.error(self.current, "empty parentheses")
            node = self.or_expr()
            if self.current.kind is not _Kind.RPAREN:
                raise self.error(token, "'(' is never closed")
            self.pos += 1
            return node
        previous = self.tokens[self.pos - 1] if self.pos else None
        if previous is not None and previous.kind in (_Kind.AND, _Kind.OR, _Kind.NOT):
            reason = f"expected a term or '(' after {previous.kind.value}, found {token.kind.value}"
        elif token.kind in (_Kind.AND, _Kind.OR):
            reason = f"{token.kind.value} needs a term before it"
        elif token.kind is _Kind.RPAREN:
            reason = "unexpected ')' without a matching '('"
        else:
            reason = f"expected a term or '(', found {token.kind.value}"
        raise self.error(token, reason)

    def add_term(self, token: _Token) -> int:
        if token.text not in self.term_index:
            self.term_index[token.text] = len(self.terms)
            self.terms.append(token)
        return self.term_index[token.text]


# --- compilation -----------------------------------------------------------------------------


def _word_regex(word: str, case_sensitive: bool) -> str:
    lead = word.startswith("*")
    trail = word.endswith("*")
    core = word.removeprefix("*").removesuffix("*")
    if not case_sensitive:
        core = core.casefold()
    parts = [re.escape(part) for part in _SPLIT_PARTS.split(core)]
    return (r"\w*" if lead else "") + _SEPARATOR.join(parts) + (r"\w*" if trail else "")


def _term_pattern(words: tuple[str, ...], case_sensitive: bool) -> re.Pattern[str]:
    body = _SEPARATOR.join(_word_regex(word, case_sensitive) for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def _probe(words: tuple[str, ...], case_sensitive: bool) -> str:
    parts = [
        part
        for word in words
        for part in _SPLIT_PARTS.split(word.removeprefix("*").removesuffix("*"))
    ]
    longest = max(parts, key=len)
    return longest if case_sensitive else longest.casefold()


def _positive_terms(node: _Node, positive: bool, into: set[int]) -> None:
    if isinstance(node, _TermNode):
        if positive:
            into.add(node.index)
    elif isinstance(node, _NotNode):
        _positive_terms(node.child, not positive, into)
    else:
        for child in node.children:
            _positive_terms(child, positive, into)


def _evaluate(node: _Node, counts: list[int]) -> bool:
    if isinstance(node, _TermNode):
        return counts[node.index] > 0
    if isinstance(node, _NotNode):
        return not _evaluate(node.child, counts)
    if isinstance(node, _AndNode):
        return all(_evaluate(child, counts) for child in node.children)
    return any(_evaluate(child, counts) for child in node.children)


@dataclass(frozen=True)
class QueryResult:
    """Outcome of one query over one text: the boolean value and the evidence."""

    matched: bool
    #: Hits per positive (not negated) term that occurs in the text, keyed by the term as written.
    terms: dict[str, int]

    @property
    def hit_count(self) -> int:
        return sum(self.terms.values())


@dataclass(frozen=True)
class CompiledQuery:
    """A parsed query whose terms are compiled to regular expressions, ready to match texts."""

    source: str
    terms: tuple[QueryTerm, ...]
    _tree: _Node
    _positive: frozenset[int]

    def evaluate(self, text: MatchText) -> QueryResult:
        counts = [term.count(text) for term in self.terms]
        evidence = {self.terms[i].text: counts[i] for i in sorted(self._positive) if counts[i] > 0}
        return QueryResult(matched=_evaluate(self._tree, counts), terms=evidence)


def compile_query(query: str, *, topic: str = "<query>") -> CompiledQuery:
    """Parse ``query`` and compile its terms; raise :class:`TopicSyntaxError` when it is invalid."""
    query = unicodedata.normalize("NFC", query)
    parser = _Parser(topic, query)
    tree = parser.parse()
    positive: set[int] = set()
    _positive_terms(tree, True, positive)
    if not positive:
        raise TopicSyntaxError(
            topic, query, 0, "the query has only negated terms, so it could never match"
        )
    terms = tuple(
        QueryTerm(
            text=token.text,
            case_sensitive=token.case_sensitive,
            pattern=_term_pattern(token.words, token.case_sensitive),
            probe=_probe(token.words, token.case_sensitive),
        )
        for token in parser.terms
    )
    return CompiledQuery(source=query, terms=terms, _tree=tree, _positive=frozenset(positive))

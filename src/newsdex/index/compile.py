"""One compiler from the query tree to any engine's queries.

Each engine supplies `Primitives`: how to build a term, phrase, prefix, keyword, day-range
and boolean query natively. Everything above that — which fields an unfielded word
searches, how a prefix meets stemmed terms, how filters combine — is decided here once,
so every engine answers the same query with the same set of articles.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from typing import Any

from newsdex.query import And, DateRange, Node, Not, Phrase, Prefix, Term, Tokens

HEADLINE_BOOST = 2.0
# user-facing field -> the analysed index field holding it
TEXT_INDEX_FIELDS = {"headline": "headline", "body": "body", "author": "author_text", "url": "url"}
# user-facing keyword field -> the lower-cased exact index field
KEYWORD_INDEX_FIELDS = {"source": "source_key", "lang": "lang", "via": "via", "cluster": "cluster"}
FACET_FIELDS = {
    "source": "source",
    "author": "author",
    "day": "day_key",
    "month": "month",
    "year": "year",
    "lang": "lang",
    "via": "via",
    "cluster": "cluster",
}
STORY_FACET_FIELDS = {
    "source": "story_source",
    "author": "story_author",
    "day": "story_day",
    "month": "story_day",
    "year": "story_day",
    "lang": "story_lang",
    "via": "story_via",
}
"""Facets counted in stories: `value|cluster` pairs, distinct clusters counted per value."""
STORY_PREFIX = "story:"


def facet_field(name: str) -> str:
    """The index field behind a facet name (`source`, or `story:source` to count stories)."""
    if name.startswith(STORY_PREFIX):
        return STORY_FACET_FIELDS[name.removeprefix(STORY_PREFIX)]
    return FACET_FIELDS[name]


class Primitives(ABC):
    """The native query constructors an engine offers."""

    @abstractmethod
    def analyze(self, text: str) -> list[str]:
        """The index terms of `text` (tokenised, lower-cased, stemmed)."""

    @abstractmethod
    def term(self, field: str, token: str) -> Any: ...

    @abstractmethod
    def phrase(self, field: str, tokens: list[str]) -> Any: ...

    @abstractmethod
    def prefix(self, field: str, text: str) -> Any: ...

    @abstractmethod
    def day_range(self, start: dt.date | None, end: dt.date | None) -> Any: ...

    @abstractmethod
    def boolean(self, must: list[Any], should: list[Any], must_not: list[Any]) -> Any:
        """All of `must`, at least one of `should` (when given), none of `must_not`.

        With neither `must` nor `should` it must match every document but `must_not`."""

    @abstractmethod
    def boost(self, query: Any, factor: float) -> Any: ...

    @abstractmethod
    def nothing(self) -> Any: ...


def compile_node(node: Node, p: Primitives) -> Any:
    """The engine query for a query tree."""
    if isinstance(node, (Term, Phrase)):
        return _words(node, p)
    if isinstance(node, Prefix):
        return _prefix(node, p)
    if isinstance(node, Tokens):
        return p.boolean([], [p.term(node.field, t) for t in node.tokens], [])
    if isinstance(node, DateRange):
        return p.day_range(node.start, node.end)
    if isinstance(node, Not):
        return p.boolean([], [], [compile_node(node.item, p)])
    if isinstance(node, And):
        must = [compile_node(i, p) for i in node.items if not isinstance(i, Not)]
        must_not = [compile_node(i.item, p) for i in node.items if isinstance(i, Not)]
        return p.boolean(must, [], must_not)
    return p.boolean([], [compile_node(i, p) for i in node.items], [])


def _text(field: str, text: str, p: Primitives) -> Any | None:
    """Term or phrase on an analysed field; None when the text has no index terms."""
    tokens = p.analyze(text)
    if not tokens:
        return None
    return p.term(field, tokens[0]) if len(tokens) == 1 else p.phrase(field, tokens)


def _words(node: Term | Phrase, p: Primitives) -> Any:
    """A word or phrase in one field; unfielded: headline (boosted), body or exact source."""
    if node.field in KEYWORD_INDEX_FIELDS:
        return p.term(KEYWORD_INDEX_FIELDS[node.field], _keyword(node.text))
    if node.field:
        query = _text(TEXT_INDEX_FIELDS[node.field], node.text, p)
        return query if query is not None else p.nothing()
    clauses = [p.term("source_key", _keyword(node.text))]
    for field in ("headline", "body"):
        query = _text(field, node.text, p)
        if query is not None:
            clauses.append(p.boost(query, HEADLINE_BOOST) if field == "headline" else query)
    return p.boolean([], clauses, [])


def _prefix(node: Prefix, p: Primitives) -> Any:
    """Words starting with the prefix, matched against stemmed index terms.

    Indexed terms are stems: "negotiations" is stored as "negoti", shorter than the
    prefix `negotiat*`. So besides terms that start with the prefix, a term equal to
    the prefix cut by up to three letters also matches (never below three letters).
    """
    if node.field in KEYWORD_INDEX_FIELDS:
        return p.prefix(KEYWORD_INDEX_FIELDS[node.field], _keyword(node.text))
    raw = node.text.lower()
    cut = [raw[:k] for k in range(max(3, len(raw) - 3), len(raw))]
    fields = [TEXT_INDEX_FIELDS[node.field]] if node.field else ["headline", "body"]
    clauses = [p.prefix(f, raw) for f in fields] + [p.term(f, c) for f in fields for c in cut]
    return p.boolean([], clauses, [])


def _keyword(text: str) -> str:
    return " ".join(text.split()).lower()


def compile_filters(
    p: Primitives,
    *,
    sources: tuple[str, ...] = (),
    authors: tuple[str, ...] = (),
    languages: tuple[str, ...] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[Any]:
    """Engine queries for the filters; an article must match every one of them."""
    filters = []
    for field, values in (("source_key", sources), ("author_key", authors), ("lang", languages)):
        if values:
            filters.append(p.boolean([], [p.term(field, v) for v in values], []))
    if since or until:
        filters.append(p.day_range(since, until))
    return filters

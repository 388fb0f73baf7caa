"""The engine interface: the few operations newsdex needs from a search engine.

An engine stores articles, compiles a `newsdex.query` tree into its own queries, applies
filters as engine queries (never by post-filtering in Python) and returns ids, scores
and snippets. Every engine passes the same conformance suite (tests/test_index.py).
"""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from newsdex.models import Article, SortOrder
from newsdex.query import Node

SNIPPET_CHARS = 200
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


@dataclass(frozen=True)
class SearchRequest:
    """A parsed query plus filters, ready for an engine."""

    query: Node | None = None
    sources: tuple[str, ...] = ()
    """Lower-cased source names; an article matches any of them."""
    authors: tuple[str, ...] = ()
    """Lower-cased author names; an article matches if it has any of them."""
    languages: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    limit: int = 10
    offset: int = 0
    sort: SortOrder = "relevance"
    snippets: bool = True
    facets: tuple[str, ...] = ()
    """Fields to count over the whole match set: keys of `compile.FACET_FIELDS`."""

    def filters(self) -> dict[str, Any]:
        """The filter arguments of `compile.compile_filters`."""
        return {
            "sources": self.sources,
            "authors": self.authors,
            "languages": self.languages,
            "since": self.since,
            "until": self.until,
        }


@dataclass(frozen=True)
class EngineHit:
    article: Article
    score: float
    snippet: str


@dataclass(frozen=True)
class EngineResult:
    hits: tuple[EngineHit, ...]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class Engine(ABC):
    """One search engine's index in one folder."""

    name: ClassVar[str]

    @classmethod
    @abstractmethod
    def create(cls, path: Path) -> Engine:
        """Make a new, empty index in `path` (which exists and is empty)."""

    @classmethod
    @abstractmethod
    def open(cls, path: Path) -> Engine:
        """Open an index that `create` made earlier."""

    @abstractmethod
    def add(self, articles: Sequence[Article]) -> None:
        """Add or replace (by id) articles; visible after `commit`."""

    @abstractmethod
    def delete(self, ids: Sequence[str]) -> None:
        """Remove articles by id; visible after `commit`."""

    @abstractmethod
    def commit(self) -> None:
        """Make every change since the last commit durable and searchable."""

    @abstractmethod
    def rollback(self) -> None:
        """Drop every change since the last commit."""

    @abstractmethod
    def close(self) -> None:
        """Release files and locks; uncommitted changes are dropped."""

    @abstractmethod
    def get(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""

    @abstractmethod
    def count(self) -> int:
        """Number of committed articles."""

    @abstractmethod
    def search(self, request: SearchRequest) -> EngineResult:
        """Run a query with its filters, sorting, paging and facet counts."""

    @abstractmethod
    def analyze(self, text: str) -> list[str]:
        """The index terms of `text`, as headline and body are analysed."""

    @abstractmethod
    def doc_freqs(self, field: str, tokens: Sequence[str]) -> list[int]:
        """How many committed articles hold each index term in `field` (one reader for all)."""

    def counts_by(self, field: str) -> dict[str, int]:
        """Article counts per value of a facet field, over the whole index."""
        request = SearchRequest(limit=1, snippets=False, facets=(field,))
        return self.search(request).facets.get(field, {})


def stored_form(article: Article) -> str:
    """The article without its body (stored in its own field), as JSON."""
    data = article.to_dict()
    data["body"] = ""
    data["also_at"] = []  # read from the index's file state, not stored
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def restore(stored: str | bytes, body: str) -> Article:
    """Inverse of `stored_form`, with the body put back."""
    data = json.loads(stored)
    data["body"] = body
    return Article.from_dict(data)


def keyword_values(article: Article) -> dict[str, list[str]]:
    """The exact-match and facet values an engine indexes for an article."""
    values: dict[str, list[str]] = {
        "source": [article.source] if article.source else [],
        "source_key": [" ".join(article.source.split()).lower()] if article.source else [],
        "author": list(article.authors),
        "author_key": [" ".join(a.split()).lower() for a in article.authors],
        "lang": [article.language.lower()] if article.language else [],
        "via": [" ".join(v.split()).lower() for v in article.via],
        "cluster": [article.cluster] if article.cluster else [],
    }
    day = day_of(article)
    if day is not None:
        values["day_key"] = [day.strftime("%Y-%m-%d")]
        values["month"] = [day.strftime("%Y-%m")]
        values["year"] = [day.strftime("%Y")]
    if article.cluster:  # value|story pairs: facets that count stories, not copies
        for name, field in (
            ("source", "story_source"),
            ("author", "story_author"),
            ("day_key", "story_day"),
            ("lang", "story_lang"),
            ("via", "story_via"),
        ):
            values[field] = [f"{v}|{article.cluster}" for v in values.get(name, [])]
    return values


def day_of(article: Article) -> dt.datetime | None:
    """The article's calendar day, as written, at midnight UTC: the value range filters use.

    Filtering by the day as printed on the article (not its UTC instant) is what a
    reader expects from `--since 2022-04-11`.
    """
    if not article.day:
        return None
    try:
        day = dt.date.fromisoformat(article.day)
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def lead_snippet(body: str) -> str:
    """The opening of the body, for hits of a query without words."""
    text = " ".join(body.split())
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return text[: cut if cut > 0 else SNIPPET_CHARS] + " …"


def mark_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Wrap each (start, end) character span of `text` in <mark> tags."""
    out: list[str] = []
    last = 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(text[last:start])
        out.append(MARK_OPEN + text[start:end] + MARK_CLOSE)
        last = end
    out.append(text[last:])
    return " ".join("".join(out).split())

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
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

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
    since: dt.date | None = None
    until: dt.date | None = None
    limit: int = 10
    offset: int = 0
    sort: SortOrder = "relevance"
    snippets: bool = True


@dataclass(frozen=True)
class EngineHit:
    article: Article
    score: float
    snippet: str


@dataclass(frozen=True)
class EngineResult:
    hits: tuple[EngineHit, ...]
    total: int


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
        """Run a query with its filters, sorting and paging."""

    @abstractmethod
    def counts_by(self, field: str) -> dict[str, int]:
        """Article counts per value of `source` or `month`, over the whole index."""


def encode_article(article: Article) -> str:
    """The stored form of an article: compact JSON, read back by `decode_article`."""
    return json.dumps(article.to_dict(), ensure_ascii=False, separators=(",", ":"))


def decode_article(data: str | bytes) -> Article:
    return Article.from_dict(json.loads(data))


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

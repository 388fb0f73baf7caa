"""The second engine: whoosh (pure Python, the maintained whoosh-reloaded fork).

Its analyser mirrors tantivy's `en_stem` chain (split on non-alphanumerics, lower-case,
Snowball English stemmer, drop tokens of 40+ characters) so both engines agree on which
articles match. Filters go through whoosh's `filter=` argument: engine queries that do
not touch the score.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from whoosh import highlight, index, sorting
from whoosh import query as wq
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema
from whoosh.index import LockError

from newsdex.errors import IndexCorruptError, IndexLockedError
from newsdex.index.base import (
    MARK_CLOSE,
    MARK_OPEN,
    SNIPPET_CHARS,
    Engine,
    EngineHit,
    EngineResult,
    SearchRequest,
    day_of,
    decode_article,
    encode_article,
    lead_snippet,
)
from newsdex.models import Article
from newsdex.query import And, Node, Not, Phrase, Term

log = logging.getLogger(__name__)

_HEADLINE_BOOST = 2.0
_TEXT_FIELDS = ("headline", "body")


def _analyzer() -> Any:
    return (
        RegexTokenizer(r"[^\W_]+")
        | LowercaseFilter()
        | StopFilter(stoplist=None, minsize=1, maxsize=39)
        | StemFilter(lang="en", cachesize=50_000)
    )


def _schema() -> Schema:
    analyzer = _analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        headline=TEXT(analyzer=analyzer),
        body=TEXT(analyzer=analyzer, stored=True),
        source_key=ID(),
        source=ID(sortable=True),
        month=ID(sortable=True),
        undated=ID(sortable=True),
        day=DATETIME(sortable=True),
        doc=STORED(),
    )


class _MarkFormatter(highlight.Formatter):
    """Wrap matched words in <mark>, like the tantivy engine's snippets."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return MARK_OPEN + highlight.get_text(text, token, replace) + MARK_CLOSE


class WhooshEngine(Engine):
    """An index in one folder, written by at most one process at a time."""

    name = "whoosh"

    def __init__(self, ix: Any) -> None:
        self._ix = ix
        self._analyzer = _analyzer()
        self._writer: Any = None

    @classmethod
    def create(cls, path: Path) -> WhooshEngine:
        return cls(index.create_in(str(path), _schema()))

    @classmethod
    def open(cls, path: Path) -> WhooshEngine:
        try:
            return cls(index.open_dir(str(path)))
        except (index.EmptyIndexError, OSError, ValueError) as exc:
            raise IndexCorruptError(f"cannot open whoosh index in {path}: {exc}") from exc

    # -- writing ---------------------------------------------------------------

    def _get_writer(self) -> Any:
        if self._writer is None:
            try:
                self._writer = self._ix.writer(limitmb=256)
            except LockError as exc:
                raise IndexLockedError("another process is writing this index") from exc
        return self._writer

    def add(self, articles: Sequence[Article]) -> None:
        writer = self._get_writer()
        for article in articles:
            writer.update_document(**self._fields(article))

    def _fields(self, article: Article) -> dict[str, Any]:
        stored = Article.from_dict({**article.to_dict(), "body": ""})
        fields: dict[str, Any] = {
            "id": article.id,
            "headline": article.headline,
            "body": article.body,
            "doc": encode_article(stored),
        }
        if article.source:
            fields["source_key"] = article.source.lower()
            fields["source"] = article.source
        day = day_of(article)
        if day is not None:
            fields["day"] = day.replace(tzinfo=None)
            fields["month"] = day.strftime("%Y-%m")
            fields["undated"] = "0"
        else:
            fields["undated"] = "1"
        return fields

    def delete(self, ids: Sequence[str]) -> None:
        writer = self._get_writer()
        for article_id in ids:
            writer.delete_by_term("id", article_id)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer = None

    def rollback(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None

    def close(self) -> None:
        self.rollback()
        self._ix.close()

    # -- reading ---------------------------------------------------------------

    @staticmethod
    def _article(stored: dict[str, Any]) -> Article:
        article = decode_article(stored["doc"])
        return Article.from_dict({**article.to_dict(), "body": stored.get("body", "")})

    def get(self, article_id: str) -> Article | None:
        with self._ix.searcher() as searcher:
            stored = searcher.document(id=article_id)
            return self._article(stored) if stored else None

    def count(self) -> int:
        return int(self._ix.doc_count())

    def search(self, request: SearchRequest) -> EngineResult:
        text_query = self._compile(request.query) if request.query else None
        query = text_query if text_query is not None else wq.Every()
        kwargs: dict[str, Any] = {"limit": request.offset + request.limit}
        if request.sort != "relevance" or text_query is None:
            newest_first = request.sort != "date"
            kwargs["sortedby"] = [  # undated articles last, whichever the direction
                sorting.FieldFacet("undated"),
                sorting.FieldFacet("day", reverse=newest_first),
            ]
        with self._ix.searcher() as searcher:
            results = searcher.search(query, filter=self._filter(request), **kwargs)
            results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
            results.formatter = _MarkFormatter()
            hits = []
            for hit in results[request.offset :]:
                article = self._article(hit.fields())
                score = float(hit.score or 0.0) if "sortedby" not in kwargs else 0.0
                snippet = self._snippet(hit, article, text_query is not None and request.snippets)
                hits.append(EngineHit(article, score, snippet))
            return EngineResult(tuple(hits), len(results))

    @staticmethod
    def _snippet(hit: Any, article: Article, highlighted: bool) -> str:
        if highlighted:
            text = hit.highlights("body", text=article.body, top=1)
            if text:
                return " ".join(text.split())
        return lead_snippet(article.body)

    def counts_by(self, field: str) -> dict[str, int]:
        facet = sorting.FieldFacet(field, maptype=sorting.Count)
        with self._ix.searcher() as searcher:
            results = searcher.search(wq.Every(), groupedby={"f": facet}, limit=1)
            return {key: int(n) for key, n in results.groups("f").items() if key}

    # -- query compilation -----------------------------------------------------

    def _tokens(self, text: str) -> list[str]:
        return [t.text for t in self._analyzer(text)]

    def _text_query(self, field: str, text: str) -> Any | None:
        tokens = self._tokens(text)
        if not tokens:
            return None
        if len(tokens) == 1:
            return wq.Term(field, tokens[0])
        return wq.Phrase(field, tokens)

    def _leaf(self, node: Term | Phrase) -> Any:
        if node.field == "source":
            return wq.Term("source_key", node.text.lower())
        fields = (node.field,) if node.field else _TEXT_FIELDS
        clauses = []
        for field in fields:
            query = self._text_query(field, node.text)
            if query is not None:
                if field == "headline" and not node.field:
                    query.boost = _HEADLINE_BOOST
                clauses.append(query)
        if not node.field:
            clauses.append(wq.Term("source_key", node.text.lower()))
        return wq.Or(clauses)

    def _compile(self, node: Node) -> Any:
        if isinstance(node, (Term, Phrase)):
            return self._leaf(node)
        if isinstance(node, Not):
            return wq.AndNot(wq.Every(), self._compile(node.item))
        if isinstance(node, And):
            must = [self._compile(i) for i in node.items if not isinstance(i, Not)]
            must_not = [self._compile(i.item) for i in node.items if isinstance(i, Not)]
            positive = wq.And(must) if must else wq.Every()
            return wq.AndNot(positive, wq.Or(must_not)) if must_not else positive
        return wq.Or([self._compile(i) for i in node.items])

    @staticmethod
    def _filter(request: SearchRequest) -> Any | None:
        filters: list[Any] = []
        if request.sources:
            filters.append(wq.Or([wq.Term("source_key", s) for s in request.sources]))
        if request.since or request.until:
            start = dt.datetime.combine(request.since, dt.time()) if request.since else None
            end = dt.datetime.combine(request.until, dt.time.max) if request.until else None
            filters.append(wq.DateRange("day", start, end))
        if not filters:
            return None
        return filters[0] if len(filters) == 1 else wq.And(filters)

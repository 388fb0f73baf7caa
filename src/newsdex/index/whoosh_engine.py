"""The second engine: whoosh (pure Python, the maintained whoosh-reloaded fork).

Its analyser mirrors tantivy's `en_stem` chain (split on non-alphanumerics, lower-case,
Snowball English stemmer, drop tokens of 40+ characters) so both engines agree on which
articles match. Filters go through whoosh's `filter=` argument, engine queries that do
not touch the score; facets are whoosh `FieldFacet` groupings over the full match set.
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
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
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
    keyword_values,
    lead_snippet,
    restore,
    stored_form,
)
from newsdex.index.compile import Primitives, compile_filters, compile_node, facet_field
from newsdex.models import Article

log = logging.getLogger(__name__)

_MULTI_VALUED = frozenset({"author", "author_key", "via", "story_author", "story_via"})
_SORTABLE = (
    "source",
    "lang",
    "day_key",
    "month",
    "year",
    "undated",
    "cluster",
    "story_source",
    "story_day",
    "story_lang",
)
_SEPARATOR = "\x1f"  # between the values of a multi-valued keyword field


def _analyzer() -> Any:
    return (
        RegexTokenizer(r"[^\W_]+")
        | LowercaseFilter()
        | StopFilter(stoplist=None, minsize=1, maxsize=39)
        | StemFilter(lang="en", cachesize=50_000)
    )


def _schema() -> Schema:
    analyzer = _analyzer()
    multi = {name: KEYWORD(commas=False, lowercase=False, scorable=False) for name in _MULTI_VALUED}
    for name in _MULTI_VALUED:  # values may hold spaces: split on a control character
        multi[name].analyzer = RegexTokenizer(f"[^{_SEPARATOR}]+")
    return Schema(
        id=ID(stored=True, unique=True),
        headline=TEXT(analyzer=analyzer),
        body=TEXT(analyzer=analyzer, stored=True),
        author_text=TEXT(analyzer=analyzer),
        url=TEXT(analyzer=analyzer),
        source_key=ID(),
        day=DATETIME(sortable=True),
        doc=STORED(),
        **{name: ID(sortable=True) for name in _SORTABLE},
        **multi,
    )


class _MarkFormatter(highlight.Formatter):
    """Wrap matched words in <mark>, like the tantivy engine's snippets."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return MARK_OPEN + highlight.get_text(text, token, replace) + MARK_CLOSE


class _WhooshPrimitives(Primitives):
    """whoosh's query constructors, for the shared compiler."""

    def __init__(self) -> None:
        self.analyzer = _analyzer()

    def analyze(self, text: str) -> list[str]:
        return [t.text for t in self.analyzer(text)]

    def term(self, field: str, token: str) -> Any:
        return wq.Term(field, token)

    def phrase(self, field: str, tokens: list[str]) -> Any:
        return wq.Phrase(field, tokens)

    def prefix(self, field: str, text: str) -> Any:
        return wq.Prefix(field, text)

    def day_range(self, start: dt.date | None, end: dt.date | None) -> Any:
        first = dt.datetime.combine(start, dt.time()) if start else None
        last = dt.datetime.combine(end, dt.time.max) if end else None
        return wq.DateRange("day", first, last)

    def boolean(self, must: list[Any], should: list[Any], must_not: list[Any]) -> Any:
        parts = list(must)
        if should:
            parts.append(wq.Or(should))
        positive = wq.And(parts) if len(parts) > 1 else (parts[0] if parts else wq.Every())
        return wq.AndNot(positive, wq.Or(must_not)) if must_not else positive

    def boost(self, query: Any, factor: float) -> Any:
        query.boost = factor
        return query

    def nothing(self) -> Any:
        return wq.NullQuery


class WhooshEngine(Engine):
    """An index in one folder, written by at most one process at a time."""

    name = "whoosh"

    def __init__(self, ix: Any) -> None:
        self._ix = ix
        self._p = _WhooshPrimitives()
        self._writer: Any = None
        self._buffer: dict[str, dict[str, Any]] = {}
        """Documents added since the last commit, by id. whoosh's update_document cannot
        replace a document added earlier in the same writer, so the last version of each
        id is written at commit time."""

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
        self._get_writer()
        for article in articles:
            self._buffer[article.id] = self._fields(article)

    @staticmethod
    def _fields(article: Article) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "id": article.id,
            "headline": article.headline,
            "body": article.body,
            "author_text": ", ".join(article.authors),
            "url": article.url or "",
            "doc": stored_form(article),
            "undated": "1",
        }
        for name, values in keyword_values(article).items():
            if values:
                fields[name] = _SEPARATOR.join(values) if name in _MULTI_VALUED else values[0]
        day = day_of(article)
        if day is not None:
            fields["day"] = day.replace(tzinfo=None)
            fields["undated"] = "0"
        return fields

    def delete(self, ids: Sequence[str]) -> None:
        writer = self._get_writer()
        for article_id in ids:
            self._buffer.pop(article_id, None)
            writer.delete_by_term("id", article_id)

    def commit(self) -> None:
        if self._writer is not None:
            for fields in self._buffer.values():
                self._writer.update_document(**fields)
            self._buffer.clear()
            self._writer.commit()
            self._writer = None

    def rollback(self) -> None:
        self._buffer.clear()
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None

    def close(self) -> None:
        self.rollback()
        self._ix.close()

    # -- reading ---------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        with self._ix.searcher() as searcher:
            stored = searcher.document(id=article_id)
            return restore(stored["doc"], stored.get("body", "")) if stored else None

    def count(self) -> int:
        return int(self._ix.doc_count())

    def analyze(self, text: str) -> list[str]:
        return self._p.analyze(text)

    def doc_freqs(self, field: str, tokens: Sequence[str]) -> list[int]:
        with self._ix.searcher() as searcher:
            return [int(searcher.doc_frequency(field, token)) for token in tokens]

    def search(self, request: SearchRequest) -> EngineResult:
        text_query = compile_node(request.query, self._p) if request.query else None
        query = text_query if text_query is not None else wq.Every()
        filters = compile_filters(self._p, **request.filters())
        kwargs: dict[str, Any] = {
            "limit": request.offset + request.limit,
            "filter": self._p.boolean(filters, [], []) if filters else None,
        }
        by_date = request.sort != "relevance" or text_query is None
        if by_date:
            newest_first = request.sort != "date"
            kwargs["sortedby"] = [  # undated articles last, whichever the direction
                sorting.FieldFacet("undated"),
                sorting.FieldFacet("day", reverse=newest_first),
            ]
        if request.facets:
            kwargs["groupedby"] = {
                n: sorting.FieldFacet(
                    facet_field(n),
                    allow_overlap=facet_field(n) in _MULTI_VALUED,
                    maptype=sorting.Count,
                )
                for n in request.facets
            }
        with self._ix.searcher() as searcher:
            results = searcher.search(query, **kwargs)
            results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
            results.formatter = _MarkFormatter()
            hits = []
            for hit in results[request.offset : request.offset + request.limit]:
                stored = hit.fields()
                article = restore(stored["doc"], stored.get("body", ""))
                score = 0.0 if by_date else float(hit.score or 0.0)
                snippet = self._snippet(hit, article, text_query is not None and request.snippets)
                hits.append(EngineHit(article, score, snippet))
            facets = {n: _counts(results.groups(n)) for n in request.facets}
            return EngineResult(tuple(hits), len(results), facets)

    @staticmethod
    def _snippet(hit: Any, article: Article, highlighted: bool) -> str:
        if highlighted:
            text = hit.highlights("body", text=article.body, top=1)
            if text:
                return " ".join(text.split())
        return lead_snippet(article.body)


def _counts(groups: dict[Any, Any]) -> dict[str, int]:
    return {str(key): int(n) for key, n in groups.items() if key}

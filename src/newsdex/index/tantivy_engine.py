"""The default engine: tantivy (Rust, via tantivy-py).

Headline and body use tantivy's built-in `en_stem` tokenizer; queries are analysed with
an identical `TextAnalyzer`, so query words and indexed words stem alike. Source names
are exact keywords (a lower-cased copy for filtering, the original for counting); the
day is a date field, so date filters are range queries inside the engine.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tantivy

from newsdex.errors import IndexCorruptError, IndexLockedError
from newsdex.index.base import (
    Engine,
    EngineHit,
    EngineResult,
    SearchRequest,
    day_of,
    decode_article,
    encode_article,
    lead_snippet,
    mark_spans,
)
from newsdex.models import Article
from newsdex.query import And, Node, Not, Phrase, Term

log = logging.getLogger(__name__)

_HEAP_BYTES = 256_000_000
_HEADLINE_BOOST = 2.0
_TEXT_FIELDS = ("headline", "body")


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("headline", tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("source_key", tokenizer_name="raw")
    builder.add_text_field("source", tokenizer_name="raw", fast=True)
    builder.add_text_field("month", tokenizer_name="raw", fast=True)
    builder.add_date_field("day", indexed=True, fast=True)
    builder.add_bytes_field("doc", stored=True)
    return builder.build()


def _analyzer() -> tantivy.TextAnalyzer:
    """The same chain as tantivy's `en_stem` tokenizer, for analysing query words."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


class TantivyEngine(Engine):
    """An index in one folder, written by at most one process at a time."""

    name = "tantivy"

    def __init__(self, index: tantivy.Index) -> None:
        self._index = index
        self._schema = index.schema
        self._analyzer = _analyzer()
        self._writer: Any = None

    @classmethod
    def create(cls, path: Path) -> TantivyEngine:
        return cls(tantivy.Index(_schema(), path=str(path), reuse=False))

    @classmethod
    def open(cls, path: Path) -> TantivyEngine:
        try:
            return cls(tantivy.Index.open(str(path)))
        except ValueError as exc:
            raise IndexCorruptError(f"cannot open tantivy index in {path}: {exc}") from exc

    # -- writing ---------------------------------------------------------------

    def _get_writer(self) -> Any:
        if self._writer is None:
            try:
                self._writer = self._index.writer(heap_size=_HEAP_BYTES, num_threads=1)
            except ValueError as exc:
                if "lock" in str(exc).lower():
                    raise IndexLockedError("another process is writing this index") from exc
                raise
        return self._writer

    def add(self, articles: Sequence[Article]) -> None:
        writer = self._get_writer()
        for article in articles:
            writer.delete_documents_by_term("id", article.id)
            writer.add_document(self._document(article))

    def _document(self, article: Article) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_text("id", article.id)
        doc.add_text("headline", article.headline)
        doc.add_text("body", article.body)
        if article.source:
            doc.add_text("source_key", article.source.lower())
            doc.add_text("source", article.source)
        day = day_of(article)
        if day is not None:
            doc.add_date("day", day)
            doc.add_text("month", day.strftime("%Y-%m"))
        stored = Article.from_dict({**article.to_dict(), "body": ""})
        doc.add_bytes("doc", encode_article(stored).encode())
        return doc

    def delete(self, ids: Sequence[str]) -> None:
        writer = self._get_writer()
        for article_id in ids:
            writer.delete_documents_by_term("id", article_id)

    def commit(self) -> None:
        """Commit and keep the writer (and its lock): the next batch reuses its memory."""
        if self._writer is not None:
            self._writer.commit()
        self._index.reload()

    def rollback(self) -> None:
        if self._writer is not None:
            self._writer.rollback()

    def close(self) -> None:
        """Drop uncommitted changes, let background merges finish, release the lock."""
        if self._writer is not None:
            self._writer.rollback()
            self._writer.wait_merging_threads()
            self._writer = None

    # -- reading ---------------------------------------------------------------

    def _article(self, searcher: tantivy.Searcher, address: Any) -> Article:
        doc = searcher.doc(address)
        article = decode_article(bytes(doc.get_first("doc") or b""))
        return Article.from_dict({**article.to_dict(), "body": doc.get_first("body") or ""})

    def get(self, article_id: str) -> Article | None:
        searcher = self._index.searcher()
        query = tantivy.Query.term_query(self._schema, "id", article_id)
        hits = searcher.search(query, 1).hits
        return self._article(searcher, hits[0][1]) if hits else None

    def count(self) -> int:
        return int(self._index.searcher().num_docs)

    def search(self, request: SearchRequest) -> EngineResult:
        searcher = self._index.searcher()
        text_query = self._compile(request.query) if request.query else None
        query = self._with_filters(text_query, request)
        kwargs: dict[str, Any] = {"limit": request.limit, "offset": request.offset}
        if request.sort != "relevance" or text_query is None:
            kwargs["order_by_field"] = "day"
            asc = request.sort == "date"
            kwargs["order"] = tantivy.Order.Asc if asc else tantivy.Order.Desc
        result = searcher.search(query, **kwargs)
        snippets = self._snippets(searcher, text_query) if request.snippets else None
        hits = []
        for key, address in result.hits:
            article = self._article(searcher, address)
            score = float(key) if "order_by_field" not in kwargs else 0.0
            snippet = self._snippet(snippets, searcher, address, article)
            hits.append(EngineHit(article, score, snippet))
        return EngineResult(tuple(hits), int(getattr(result, "count", 0) or 0))

    def _snippets(self, searcher: tantivy.Searcher, query: Any) -> Any:
        if query is None:
            return None
        generator = tantivy.SnippetGenerator.create(searcher, query, self._schema, "body")
        generator.set_max_num_chars(200)
        return generator

    def _snippet(self, generator: Any, searcher: Any, address: Any, article: Article) -> str:
        if generator is None:
            return lead_snippet(article.body)
        snippet = generator.snippet_from_doc(searcher.doc(address))
        fragment = snippet.fragment()
        if not fragment.strip():
            return lead_snippet(article.body)
        return mark_spans(fragment, [(r.start, r.end) for r in snippet.highlighted()])

    def counts_by(self, field: str) -> dict[str, int]:
        searcher = self._index.searcher()
        agg = {"counts": {"terms": {"field": field, "size": 1_000_000}}}
        result = searcher.aggregate(tantivy.Query.all_query(), agg)
        return {b["key"]: int(b["doc_count"]) for b in result["counts"]["buckets"]}

    # -- query compilation -----------------------------------------------------

    def _tokens(self, text: str) -> list[str | tuple[int, str]]:
        return list(self._analyzer.analyze(text))

    def _text_query(self, field: str, text: str) -> Any | None:
        """Term or phrase query on an analysed field; None if nothing is left to match."""
        tokens = self._tokens(text)
        if not tokens:
            return None
        if len(tokens) == 1:
            return tantivy.Query.term_query(self._schema, field, tokens[0])
        return tantivy.Query.phrase_query(self._schema, field, tokens)

    def _leaf(self, node: Term | Phrase) -> Any:
        """A word or phrase in one field, or in headline/body/source when unfielded."""
        if node.field == "source":
            return tantivy.Query.term_query(self._schema, "source_key", node.text.lower())
        fields = (node.field,) if node.field else _TEXT_FIELDS
        clauses = []
        for field in fields:
            query = self._text_query(field, node.text)
            if query is not None:
                boost = _HEADLINE_BOOST if field == "headline" and not node.field else 1.0
                clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, boost)))
        if not node.field:
            source = tantivy.Query.term_query(self._schema, "source_key", node.text.lower())
            clauses.append((tantivy.Occur.Should, source))
        return tantivy.Query.boolean_query(clauses)

    def _compile(self, node: Node) -> Any:
        if isinstance(node, (Term, Phrase)):
            return self._leaf(node)
        if isinstance(node, Not):
            return _boolean([], [self._compile(node.item)])
        if isinstance(node, And):
            must = [self._compile(i) for i in node.items if not isinstance(i, Not)]
            must_not = [self._compile(i.item) for i in node.items if isinstance(i, Not)]
            return _boolean(must, must_not)
        clauses = [(tantivy.Occur.Should, self._compile(i)) for i in node.items]
        return tantivy.Query.boolean_query(clauses)

    def _with_filters(self, query: Any | None, request: SearchRequest) -> Any:
        filters = []
        if request.sources:
            terms = [
                (tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "source_key", s))
                for s in request.sources
            ]
            filters.append(tantivy.Query.boolean_query(terms))
        if request.since or request.until:
            filters.append(self._day_range(request.since, request.until))
        if not filters:
            return query if query is not None else tantivy.Query.all_query()
        must = [query] if query is not None else []
        must += [tantivy.Query.const_score_query(f, 0.0) for f in filters]
        return _boolean(must, [])

    def _day_range(self, since: dt.date | None, until: dt.date | None) -> Any:
        def midnight(day: dt.date | None) -> dt.datetime | None:
            return dt.datetime(day.year, day.month, day.day) if day else None

        return tantivy.Query.range_query(
            self._schema, "day", tantivy.FieldType.Date, midnight(since), midnight(until)
        )


def _boolean(must: list[Any], must_not: list[Any]) -> Any:
    """A boolean query; a purely negative one is anchored on all documents."""
    if not must:
        must = [tantivy.Query.all_query()]
    clauses = [(tantivy.Occur.Must, q) for q in must]
    clauses += [(tantivy.Occur.MustNot, q) for q in must_not]
    return tantivy.Query.boolean_query(clauses)

"""The default engine: tantivy (Rust, via tantivy-py).

Headline, body, author names and URL use tantivy's built-in `en_stem` tokenizer; query
words are analysed with an identical `TextAnalyzer`, so they stem alike. Exact values
(source, author, language, day/month/year) are `raw` fast fields: filters are term
queries and facets are tantivy aggregations, both inside the engine. Filters are wrapped
in zero-score queries so they narrow the match set without changing the ranking.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tantivy

from newsdex.errors import FilterError, IndexCorruptError, IndexLockedError
from newsdex.index.base import (
    Engine,
    EngineHit,
    EngineResult,
    SearchRequest,
    day_of,
    keyword_values,
    lead_snippet,
    mark_spans,
    restore,
    stored_form,
)
from newsdex.index.compile import (
    FACET_FIELDS,
    STORY_FACET_FIELDS,
    Primitives,
    compile_filters,
    compile_node,
    facet_field,
)
from newsdex.models import Article

log = logging.getLogger(__name__)

_HEAP_BYTES = 256_000_000
_FACET_SIZE = 100_000
_ID_CHARACTERS = (
    *"0123456789", "[aA]", "[bB]", "[cC]", "[dD]", "[eE]", "[fF]", "[g-zG-Z]", "[^0-9a-zA-Z]"
)  # fmt: skip
"""Classes that split ids by one character: every character is in exactly one, and
newsdex's own ids (hexadecimal) spread evenly over the first sixteen."""
_MAX_SPLIT_DEPTH = 3
"""Characters of id suffix the facet counts are split by at most (18**3 parts)."""
_KEYWORD_FIELDS = (
    "source",
    "source_key",
    "author",
    "author_key",
    "lang",
    "day_key",
    "month",
    "year",
    "via",
    "cluster",
    *sorted(set(STORY_FACET_FIELDS.values())),
)
_FAST_FIELDS = frozenset(FACET_FIELDS.values()) | frozenset(STORY_FACET_FIELDS.values())


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("headline", tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("author_text", tokenizer_name="en_stem")
    builder.add_text_field("url", tokenizer_name="en_stem")
    for name in _KEYWORD_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", fast=name in _FAST_FIELDS)
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


def _char_spans(text: str, ranges: Any) -> list[tuple[int, int]]:
    """tantivy's highlight ranges count UTF-8 bytes; Python slices count characters."""
    data = text.encode("utf-8")

    def chars(offset: int) -> int:
        return len(data[:offset].decode("utf-8", errors="ignore"))

    return [(chars(r.start), chars(r.end)) for r in ranges]


def _midnight(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime(day.year, day.month, day.day) if day else None


class _TantivyPrimitives(Primitives):
    """tantivy's query constructors, for the shared compiler."""

    def __init__(self, schema: tantivy.Schema, analyzer: tantivy.TextAnalyzer) -> None:
        self.schema = schema
        self.analyzer = analyzer

    def analyze(self, text: str) -> list[str]:
        return list(self.analyzer.analyze(text))

    def term(self, field: str, token: str) -> Any:
        return tantivy.Query.term_query(self.schema, field, token)

    def phrase(self, field: str, tokens: list[str]) -> Any:
        return tantivy.Query.phrase_query(self.schema, field, list(tokens))

    def prefix(self, field: str, text: str) -> Any:
        return tantivy.Query.regex_query(self.schema, field, re.escape(text) + ".*")

    def day_range(self, start: dt.date | None, end: dt.date | None) -> Any:
        return tantivy.Query.range_query(
            self.schema, "day", tantivy.FieldType.Date, _midnight(start), _midnight(end)
        )

    def boolean(self, must: list[Any], should: list[Any], must_not: list[Any]) -> Any:
        if not must and not should:
            must = [tantivy.Query.all_query()]  # a purely negative query needs an anchor
        clauses = [(tantivy.Occur.Must, q) for q in must]
        if should:
            either = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in should])
            clauses.append((tantivy.Occur.Must, either))
        clauses += [(tantivy.Occur.MustNot, q) for q in must_not]
        return tantivy.Query.boolean_query(clauses)

    def boost(self, query: Any, factor: float) -> Any:
        return tantivy.Query.boost_query(query, factor)

    def nothing(self) -> Any:
        return tantivy.Query.empty_query()


class TantivyEngine(Engine):
    """An index in one folder, written by at most one process at a time."""

    name = "tantivy"

    def __init__(self, index: tantivy.Index) -> None:
        self._index = index
        self._schema = index.schema
        self._p = _TantivyPrimitives(self._schema, _analyzer())
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

    @staticmethod
    def _document(article: Article) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_text("id", article.id)
        doc.add_text("headline", article.headline)
        doc.add_text("body", article.body)
        for author in article.authors:
            doc.add_text("author_text", author)
        if article.url:
            doc.add_text("url", article.url)
        for name, values in keyword_values(article).items():
            for value in values:
                doc.add_text(name, value)
        day = day_of(article)
        if day is not None:
            doc.add_date("day", day)
        doc.add_bytes("doc", stored_form(article).encode())
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

    @staticmethod
    def _article(searcher: tantivy.Searcher, address: Any) -> Article:
        doc = searcher.doc(address)
        return restore(bytes(doc.get_first("doc") or b""), str(doc.get_first("body") or ""))

    def get(self, article_id: str) -> Article | None:
        searcher = self._index.searcher()
        hits = searcher.search(self._p.term("id", article_id), 1).hits
        return self._article(searcher, hits[0][1]) if hits else None

    def count(self) -> int:
        return int(self._index.searcher().num_docs)

    def analyze(self, text: str) -> list[str]:
        return self._p.analyze(text)

    def doc_freqs(self, field: str, tokens: Sequence[str]) -> list[int]:
        searcher = self._index.searcher()
        return [int(searcher.doc_freq(field, token)) for token in tokens]

    def search(self, request: SearchRequest) -> EngineResult:
        searcher = self._index.searcher()
        text_query = compile_node(request.query, self._p) if request.query else None
        query = self._with_filters(text_query, request)
        kwargs: dict[str, Any] = {"limit": request.limit, "offset": request.offset}
        by_date = request.sort != "relevance" or text_query is None
        if by_date:
            kwargs["order_by_field"] = "day"
            asc = request.sort == "date"
            kwargs["order"] = tantivy.Order.Asc if asc else tantivy.Order.Desc
        result = searcher.search(query, **kwargs)
        snippets = self._snippets(searcher, text_query) if request.snippets else None
        hits = []
        for key, address in result.hits:
            article = self._article(searcher, address)
            score = 0.0 if by_date else float(key)
            hits.append(
                EngineHit(article, score, self._snippet(snippets, searcher, address, article))
            )
        total = int(getattr(result, "count", 0) or 0)
        return EngineResult(tuple(hits), total, self._facets(searcher, query, request.facets))

    def _with_filters(self, query: Any | None, request: SearchRequest) -> Any:
        filters = compile_filters(self._p, **request.filters())
        if not filters:
            return query if query is not None else tantivy.Query.all_query()
        must = [query] if query is not None else []
        must += [tantivy.Query.const_score_query(f, 0.0) for f in filters]
        return self._p.boolean(must, [], [])

    def _facets(
        self, searcher: Any, query: Any, names: tuple[str, ...], suffix: tuple[str, ...] = ()
    ) -> dict[str, dict[str, int]]:
        """Counts per value of each facet over the matches (whose id ends in `suffix`).

        tantivy refuses an aggregation that makes more than 65,000 buckets (story counts
        over 100,000 articles make one per story). Then the matches are split by the last
        character of their id, then the one before, into disjoint parts small enough, and
        the parts' counts are added up: the result is exact, only slower.
        """
        if not names:
            return {}
        scoped = query
        if suffix:
            scoped = self._p.boolean([query, self._ids_matching(".*", suffix)], [], [])
        try:
            return self._aggregate(searcher, scoped, names)
        except ValueError as exc:
            if "bucket limit" not in str(exc):
                raise
            if len(suffix) >= _MAX_SPLIT_DEPTH:
                raise FilterError(
                    f"too many distinct values of {', '.join(names)} among the matches to "
                    "count; narrow the query with filters"
                ) from exc
        parts = [self._facets(searcher, query, names, (c, *suffix)) for c in _ID_CHARACTERS]
        if suffix:  # the id that is the suffix alone, with no character before it
            alone = self._p.boolean([query, self._ids_matching("", suffix)], [], [])
            parts.append(self._aggregate(searcher, alone, names))
        merged = {n: Counter[str]() for n in names}
        for part in parts:
            for name, counts in part.items():
                merged[name].update(counts)  # the parts hold disjoint articles: counts add
        return {n: dict(counts) for n, counts in merged.items()}

    @staticmethod
    def _aggregate(searcher: Any, query: Any, names: tuple[str, ...]) -> dict[str, dict[str, int]]:
        aggs = {n: {"terms": {"field": facet_field(n), "size": _FACET_SIZE}} for n in names}
        result = searcher.aggregate(query, aggs)
        return {n: {b["key"]: int(b["doc_count"]) for b in result[n]["buckets"]} for n in names}

    def _ids_matching(self, head: str, suffix: tuple[str, ...]) -> Any:
        """Ids made of `head` (a regex) followed by one character of each class."""
        return tantivy.Query.regex_query(self._schema, "id", f"(?s){head}{''.join(suffix)}")

    def _snippets(self, searcher: tantivy.Searcher, query: Any) -> Any:
        if query is None:
            return None
        generator = tantivy.SnippetGenerator.create(searcher, query, self._schema, "body")
        generator.set_max_num_chars(200)
        return generator

    @staticmethod
    def _snippet(generator: Any, searcher: Any, address: Any, article: Article) -> str:
        if generator is None:
            return lead_snippet(article.body)
        snippet = generator.snippet_from_doc(searcher.doc(address))
        fragment = snippet.fragment()
        if not fragment.strip():
            return lead_snippet(article.body)
        return mark_spans(fragment, _char_spans(fragment, snippet.highlighted()))

"""The data newsdex passes between stages: plain frozen dataclasses (and one named tuple)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

DocKind = Literal["text", "html"]
SortOrder = Literal["relevance", "date", "-date"]


@dataclass(frozen=True)
class RawDocument:
    """One input document as loaded: decoded text plus where it came from."""

    name: str
    """The path (or `<stdin>`) the document was read from."""
    text: str
    kind: DocKind
    encoding: str = "utf-8"
    url: str | None = None
    """Where the page was fetched from, when the container says (a WARC record)."""
    crawled: str | None = None
    """When the page was fetched (a WARC record's date): never a publication date."""


class LineDecision(NamedTuple):
    """What the text cleaner decided for one input line, and why.

    `kind` is `body` for kept article text; otherwise the kind of thing removed:
    `headline`, `byline`, `dateline`, `summary`, `credit` (kept as fields, not body),
    `navigation`, `promo`, `share`, `related`, `caption`, `footer`, `comments`,
    `blank`, `other`. A named tuple, not a dataclass: the cleaner makes one per input
    line, and a frozen dataclass took 5% of the time of cleaning a copied page.
    """

    number: int
    text: str
    keep: bool
    kind: str
    reason: str = ""


@dataclass(frozen=True)
class Fields:
    """Metadata fields found in a document; any may be missing."""

    headline: str | None = None
    date: str | None = None
    """ISO 8601: `YYYY-MM-DD`, or with time and offset when the page gives them."""
    source: str | None = None
    authors: tuple[str, ...] = ()
    url: str | None = None
    language: str | None = None
    section: str | None = None
    credit: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class Extracted:
    """The result of cleaning and field extraction for one document."""

    fields: Fields
    body: str
    decisions: tuple[LineDecision, ...] = ()


@dataclass(frozen=True)
class Article:
    """One article as stored in the index."""

    id: str
    headline: str
    body: str
    date: str | None = None
    source: str | None = None
    authors: tuple[str, ...] = ()
    url: str | None = None
    language: str | None = None
    path: str | None = None
    section: str | None = None
    credit: str | None = None
    summary: str | None = None
    crawled: str | None = None
    cluster: str | None = None
    """The story this article belongs to (near-duplicates and same-story rewrites share
    it); named after the story's first article."""
    via: tuple[str, ...] = ()
    """News agencies credited for the text ("Reuters", "Associated Press", ...)."""
    also_at: tuple[str, ...] = ()
    """Other files the same article (same normalised body) was read from; filled in by
    `Corpus.get`, not stored."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (authors as a list). Shallow: every value is immutable, and
        `dataclasses.asdict` deep-copies, which cost 4x the time of indexing a document."""
        data = {f.name: getattr(self, f.name) for f in _ARTICLE_FIELDS}
        data["authors"] = list(self.authors)
        data["via"] = list(self.via)
        data["also_at"] = list(self.also_at)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Inverse of `to_dict`; unknown keys are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        for name in ("authors", "via", "also_at"):
            values[name] = tuple(values.get(name) or ())
        return cls(**values)

    @property
    def day(self) -> str | None:
        """The calendar day as written in the article (`YYYY-MM-DD`)."""
        return self.date[:10] if self.date else None


_ARTICLE_FIELDS = dataclasses.fields(Article)


@dataclass(frozen=True)
class Hit:
    """One search result."""

    article: Article
    score: float
    """Relevance (BM25; comparable within one result only); 0.0 when sorted by date."""
    snippet: str
    """Best passage with matched words wrapped in `<mark>...</mark>` (text not escaped)."""

    @property
    def snippet_text(self) -> str:
        """The snippet without marks."""
        return self.snippet.replace("<mark>", "").replace("</mark>", "")

    more: int = 0
    """With `collapse`: how many other matching articles share this hit's story."""
    collapsed: tuple[Article, ...] = ()
    """With `collapse`: those of them among the best-ranked matches (for their sources)."""

    def to_dict(self) -> dict[str, Any]:
        data = self.article.to_dict()
        if self.more:
            data["more"] = self.more
            data["more_sources"] = sorted({a.source for a in self.collapsed if a.source})
        data["score"] = self.score
        data["snippet"] = self.snippet
        data["snippet_text"] = self.snippet_text
        return data


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, the total number of matches, facet counts and a spelling hint."""

    hits: tuple[Hit, ...]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per requested facet: value -> number of matching articles (whole match set)."""
    suggestion: str | None = None
    """A corrected query, when this one matched nothing and a one-letter change would."""
    stories: int | None = None
    """How many distinct stories the matches belong to (with `collapse` or story counts)."""

    def to_dicts(self) -> list[dict[str, Any]]:
        return [hit.to_dict() for hit in self.hits]

    def to_dataframe(self) -> Any:
        """The hits as a pandas DataFrame (pandas is optional: installed by the caller)."""
        try:
            import pandas
        except ImportError as exc:
            from newsdex.errors import NewsdexError

            raise NewsdexError("to_dataframe needs pandas: pip install pandas") from exc
        return pandas.DataFrame(self.to_dicts())


@dataclass(frozen=True)
class TimelineBucket:
    """Matches in one period of a timeline."""

    period: str
    """`YYYY`, `YYYY-MM`, `YYYY-Www` (ISO week) or `YYYY-MM-DD`."""
    count: int


@dataclass(frozen=True)
class Stats:
    """Counts over a whole index."""

    articles: int
    by_source: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

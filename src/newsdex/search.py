"""From what the user asks to what an engine runs, and back.

Query text and filters become a validated `SearchRequest`; a query without hits gets a
spelling suggestion; day counts become timelines; an article becomes a more-like-this
query. All of it uses only the engine interface, so it behaves alike on every engine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from dateutil.relativedelta import relativedelta

from newsdex.errors import FilterError
from newsdex.index.base import Engine, SearchRequest
from newsdex.index.compile import FACET_FIELDS
from newsdex.models import Article, Hit, SortOrder, TimelineBucket
from newsdex.query import Node, Tokens, day_bound, parse_query, words

SORTS: tuple[SortOrder, ...] = ("relevance", "date", "-date")
FACETS: tuple[str, ...] = tuple(FACET_FIELDS)
COUNTS = ("articles", "stories")
INTERVALS = ("day", "week", "month", "year")
MAX_LIMIT = 10_000
SIMILAR_TERMS = 25

DateLike = dt.date | str | None
Names = str | Sequence[str] | None
_RELATIVE = re.compile(r"(\d+)([dwmy])$")


def build_request(
    query: str,
    *,
    source: Names = None,
    author: Names = None,
    lang: Names = None,
    since: DateLike = None,
    until: DateLike = None,
    limit: int = 10,
    offset: int = 0,
    sort: str = "relevance",
    facets: Sequence[str] = (),
    today: dt.date | None = None,
) -> SearchRequest:
    """Validate every argument and parse the query; raises QuerySyntaxError or FilterError."""
    _check_paging(limit, offset, sort)
    unknown = [f for f in facets if f not in FACETS]
    if unknown:
        raise FilterError(f"unknown facet {unknown[0]!r}: use one of {', '.join(FACETS)}")
    first = parse_day(since, end=False, today=today)
    last = parse_day(until, end=True, today=today)
    if first and last and first > last:
        raise FilterError(f"--since {first} is after --until {last}")
    node = parse_query(query)
    order: SortOrder = sort  # type: ignore[assignment]
    if node is None and order == "relevance":
        order = "-date"  # nothing to rank by: newest first
    return SearchRequest(
        query=node,
        sources=_names(source),
        authors=_names(author),
        languages=_names(lang),
        since=first,
        until=last,
        limit=limit,
        offset=offset,
        sort=order,
        facets=tuple(dict.fromkeys(facets)),
    )


def _check_paging(limit: int, offset: int, sort: str) -> None:
    if sort not in SORTS:
        raise FilterError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    if not 0 < limit <= MAX_LIMIT:
        raise FilterError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise FilterError(f"offset must be 0 or more, not {offset}")


def check_count(count: str) -> None:
    """Facets and timelines count `articles` or distinct `stories`; nothing else."""
    if count not in COUNTS:
        raise FilterError(f"unknown count {count!r}: use one of {', '.join(COUNTS)}")


def _names(value: Names) -> tuple[str, ...]:
    if value is None:
        return ()
    names = [value] if isinstance(value, str) else list(value)
    return tuple(" ".join(name.split()).lower() for name in names if name.strip())


def parse_day(value: DateLike, *, end: bool, today: dt.date | None = None) -> dt.date | None:
    """An ISO day, month (`2022-04`) or year (`2022`), or a span back from today (`7d`,
    `2w`, `3m`, `1y`). A month or year stands for its first day as a lower bound and its
    last day as an upper bound."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    text = value.strip().lower()
    relative = _RELATIVE.match(text)
    if relative:
        n, unit = int(relative.group(1)), relative.group(2)
        span = {
            "d": relativedelta(days=n),
            "w": relativedelta(weeks=n),
            "m": relativedelta(months=n),
            "y": relativedelta(years=n),
        }[unit]
        return (today or dt.date.today()) - span
    try:
        return day_bound(text, end=end)
    except ValueError as exc:
        raise FilterError(
            f"not a date: {value!r} (use YYYY-MM-DD, YYYY-MM, YYYY, or 7d / 3m / 1y)"
        ) from exc


# -- did you mean ---------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edits(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | replaces | inserts) - {word}


def _frequencies(engine: Engine, candidates: Sequence[str]) -> list[int]:
    """How many articles hold each word (as one index term) in headline or body."""
    analysed = [engine.analyze(word) for word in candidates]
    tokens = [t[0] if len(t) == 1 else "" for t in analysed]
    body = engine.doc_freqs("body", tokens)
    headline = engine.doc_freqs("headline", tokens)
    return [b + h if token else 0 for token, b, h in zip(tokens, body, headline, strict=True)]


def suggest(engine: Engine, query: str, node: Node | None) -> str | None:
    """The query with each unknown word replaced by its most frequent one-edit neighbour."""
    suggestion, changed = query, False
    for word in dict.fromkeys(words(node)):
        lower = word.lower()
        if not lower.isalpha() or len(lower) < 3 or _frequencies(engine, [lower])[0] > 0:
            continue
        candidates = sorted(_edits(lower))
        scored = zip(_frequencies(engine, candidates), candidates, strict=True)
        best = max(scored, default=(0, ""), key=lambda fc: fc[0])
        if best[0] > 0:
            suggestion = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", best[1], suggestion, count=1)
            changed = True
    return suggestion if changed else None


# -- timelines ------------------------------------------------------------------


def timeline(day_counts: dict[str, int], interval: str) -> list[TimelineBucket]:
    """Day counts binned by `interval`, with empty periods between first and last filled in."""
    if interval not in INTERVALS:
        raise FilterError(f"unknown interval {interval!r}: use one of {', '.join(INTERVALS)}")
    days = sorted(dt.date.fromisoformat(d) for d in day_counts)
    if not days:
        return []
    counts: Counter[str] = Counter()
    for day in days:
        counts[_period(day, interval)] += day_counts[day.isoformat()]
    return [TimelineBucket(p, counts.get(p, 0)) for p in _periods(days[0], days[-1], interval)]


def _period(day: dt.date, interval: str) -> str:
    if interval == "day":
        return day.isoformat()
    if interval == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.strftime("%Y-%m" if interval == "month" else "%Y")


def _periods(first: dt.date, last: dt.date, interval: str) -> Iterable[str]:
    step = {
        "day": relativedelta(days=1),
        "week": relativedelta(weeks=1),
        "month": relativedelta(months=1),
        "year": relativedelta(years=1),
    }[interval]
    seen: dict[str, None] = {}
    day = first
    while day <= last:
        seen[_period(day, interval)] = None
        day += step
    seen[_period(last, interval)] = None
    return seen


# -- more like this -------------------------------------------------------------


def similar_query(engine: Engine, article: Article, total: int) -> Tokens | None:
    """The article's most distinctive body terms (tf-idf), as an any-of query.

    Built on `analyze` and `doc_freq`, so both engines pick the same terms; terms held by
    no other article or by more than half of them say nothing about similarity.
    """
    counts = Counter(engine.analyze(article.headline + "\n" + article.body))
    scored = []
    frequencies = engine.doc_freqs("body", list(counts))
    for (token, tf), df in zip(counts.items(), frequencies, strict=True):
        if len(token) > 2 and 1 < df <= max(2, total // 2):
            scored.append((tf * math.log(1 + total / df), token))
    scored.sort(key=lambda st: (-st[0], st[1]))
    tokens = tuple(token for _, token in scored[:SIMILAR_TERMS])
    return Tokens(tokens) if tokens else None


# -- stories ---------------------------------------------------------------------

COLLAPSE_FETCH = 5
"""With --collapse, rank this many times the page's hits, so a page of distinct stories
can usually be filled from one engine query."""


def story_counts(pairs: dict[str, int], facet: str) -> dict[str, int]:
    """Distinct stories per facet value, from `value|cluster` facet keys."""
    stories: dict[str, set[str]] = {}
    for key in pairs:
        value, _, cluster = key.rpartition("|")
        stories.setdefault(_facet_value(value, facet), set()).add(cluster)
    return {value: len(clusters) for value, clusters in stories.items()}


def _facet_value(value: str, facet: str) -> str:
    """Month and year story counts are read from `day|cluster` keys."""
    return value[:7] if facet == "month" else value[:4] if facet == "year" else value


def story_timeline(pairs: dict[str, int], interval: str) -> list[TimelineBucket]:
    """Distinct stories per period (a story spanning two days counts once in a week)."""
    by_day: dict[str, set[str]] = {}
    for key in pairs:
        day, _, cluster = key.rpartition("|")
        by_day.setdefault(day, set()).add(cluster)
    buckets = timeline({day: len(c) for day, c in by_day.items()}, interval)
    periods: dict[str, set[str]] = {}
    for day, clusters in by_day.items():
        periods.setdefault(_period(dt.date.fromisoformat(day), interval), set()).update(clusters)
    return [TimelineBucket(b.period, len(periods.get(b.period, ()))) for b in buckets]


def collapse_hits(hits: Sequence[Hit], cluster_sizes: dict[str, int]) -> list[Hit]:
    """One hit per story, in rank order, each carrying the story's other matches."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.article.cluster or hit.article.id, []).append(hit)
    collapsed = []
    for key, members in groups.items():
        first = members[0]
        more = max(cluster_sizes.get(key, len(members)) - 1, len(members) - 1)
        others = tuple(m.article for m in members[1:])
        collapsed.append(dataclasses.replace(first, more=more, collapsed=others))
    return collapsed

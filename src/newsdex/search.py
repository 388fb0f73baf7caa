"""From what the user asks to what an engine runs: query text, filters, sorting, paging."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence

from newsdex.errors import FilterError
from newsdex.index.base import SearchRequest
from newsdex.models import SortOrder
from newsdex.query import parse_query

SORTS: tuple[SortOrder, ...] = ("relevance", "date", "-date")
MAX_LIMIT = 10_000

DateLike = dt.date | str | None


def build_request(
    query: str,
    *,
    source: str | Sequence[str] | None = None,
    since: DateLike = None,
    until: DateLike = None,
    limit: int = 10,
    offset: int = 0,
    sort: str = "relevance",
) -> SearchRequest:
    """Validate every argument and parse the query; raises QuerySyntaxError or FilterError."""
    if sort not in SORTS:
        raise FilterError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    if not 0 < limit <= MAX_LIMIT:
        raise FilterError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise FilterError(f"offset must be 0 or more, not {offset}")
    first = parse_day(since, end=False)
    last = parse_day(until, end=True)
    if first and last and first > last:
        raise FilterError(f"--since {first} is after --until {last}")
    node = parse_query(query)
    order: SortOrder = sort  # type: ignore[assignment]
    if node is None and order == "relevance":
        order = "-date"  # nothing to rank by: newest first
    return SearchRequest(
        query=node,
        sources=_sources(source),
        since=first,
        until=last,
        limit=limit,
        offset=offset,
        sort=order,
    )


def _sources(source: str | Sequence[str] | None) -> tuple[str, ...]:
    if source is None:
        return ()
    names = [source] if isinstance(source, str) else list(source)
    return tuple(" ".join(name.split()).lower() for name in names if name.strip())


def parse_day(value: DateLike, *, end: bool) -> dt.date | None:
    """An ISO day, month (`2022-04`) or year (`2022`); a month or year as a bound
    stands for its first day (`since`) or its last day (`until`)."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    text = value.strip()
    try:
        if len(text) == 4:
            return dt.date(int(text), 12 if end else 1, 31 if end else 1)
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            day = calendar.monthrange(year, month)[1] if end else 1
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise FilterError(f"not a date: {value!r} (use YYYY-MM-DD, YYYY-MM or YYYY)") from exc

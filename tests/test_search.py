"""The query language and filters: parsing, errors with positions, and validation."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdex import FilterError, QuerySyntaxError
from newsdex.query import And, Not, Or, Phrase, Term, parse_query
from newsdex.search import build_request, parse_day


def test_words_default_to_and() -> None:
    assert parse_query("russia ukraine") == And((Term("russia"), Term("ukraine")))


def test_phrases_fields_and_operators() -> None:
    assert parse_query('"peace  talks" OR headline:lavrov') == Or(
        (Phrase("peace talks"), Term("lavrov", "headline"))
    )
    assert parse_query('source:"Hindustan Times" -storm') == And(
        (Phrase("Hindustan Times", "source"), Not(Term("storm")))
    )
    assert parse_query("(a OR b) AND NOT c") == And((Or((Term("a"), Term("b"))), Not(Term("c"))))


def test_empty_query_matches_everything() -> None:
    assert parse_query("   ") is None


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        ('"peace talks', 0, "unterminated quote"),
        ("(peace talks", 12, "missing closing parenthesis"),
        ("peace AND", 9, "query ends where a term was expected"),
        ("peace )", 6, "unexpected ')'"),
        ("colour:red", 0, "unknown field 'colour'"),
        ("NOT peace", 0, "only of NOT terms"),
        ("OR peace", 0, "a term was expected, not 'OR'"),
    ],
)
def test_bad_queries_say_what_and_where(query: str, position: int, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query)
    assert info.value.position == position
    assert message in str(info.value)


@given(st.text(max_size=200))
def test_parser_raises_only_query_syntax_errors(query: str) -> None:
    with contextlib.suppress(QuerySyntaxError):
        parse_query(query)


def test_filters_are_validated() -> None:
    request = build_request("", source=["Reuters ", "AP"], since="2022-04", until="2022")
    assert request.sources == ("reuters", "ap")
    assert request.since == dt.date(2022, 4, 1)
    assert request.until == dt.date(2022, 12, 31)
    assert request.sort == "-date"
    with pytest.raises(FilterError, match="not a date"):
        build_request("x", since="last tuesday")
    with pytest.raises(FilterError, match="after"):
        build_request("x", since="2023-01-01", until="2022-01-01")
    with pytest.raises(FilterError, match="sort"):
        build_request("x", sort="size")


def test_month_bounds_cover_whole_month() -> None:
    assert parse_day("2024-02", end=True) == dt.date(2024, 2, 29)
    assert parse_day(dt.datetime(2022, 4, 11, 20, 24), end=False) == dt.date(2022, 4, 11)

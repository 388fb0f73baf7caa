"""The user's query language, parsed into an engine-neutral tree.

Grammar (default operator AND; operators are upper-case words):

    query   := or_expr
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= unary (["AND"] unary)*
    unary   := ("NOT" | "-") unary | atom
    atom    := "(" or_expr ")" | [FIELD ":"] (WORD | PREFIX* | "quoted phrase")
             | "date:" (YYYY | YYYY-MM | YYYY-MM-DD | "[" DAY "TO" DAY "]")

Each engine compiles the tree with its own primitives (see `newsdex.index`), so the
same query means the same thing on every engine.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from newsdex.errors import QuerySyntaxError

TEXT_FIELDS = frozenset({"headline", "body", "author", "url"})
KEYWORD_FIELDS = frozenset({"source", "lang", "via", "cluster"})
FIELDS = TEXT_FIELDS | KEYWORD_FIELDS | {"date"}


@dataclass(frozen=True)
class Term:
    """A word; `field` None means any text field (headline, body, source)."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    """Words that must appear in this order."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Prefix:
    """Words starting with `text` (written `text*`)."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Tokens:
    """Already-analysed index terms, any of which may match (built by `similar`)."""

    tokens: tuple[str, ...]
    field: str = "body"


@dataclass(frozen=True)
class DateRange:
    """Articles whose calendar day lies in [start, end] (either open)."""

    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Term | Phrase | Prefix | Tokens | DateRange | And | Or | Not

_TOKEN = re.compile(
    r'\s*(?:(?P<lpar>\()|(?P<rpar>\))|(?P<quote>")|(?P<minus>-(?=[^\s()"]))'
    r'|(?P<range>[A-Za-z]+:\[)|(?P<word>[^\s()"]+))'
)
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_DAY_PATTERN = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?$")


@dataclass(frozen=True)
class _Tok:
    kind: str  # lpar rpar phrase minus word op range end
    text: str
    pos: int


def _tokenize(query: str) -> list[_Tok]:
    """Split the query into tokens, keeping positions for error messages."""
    tokens: list[_Tok] = []
    pos = 0
    while query[pos:].strip():
        match = _TOKEN.match(query, pos)
        if match is None:  # pragma: no cover - every non-space char matches a branch
            raise QuerySyntaxError(query, pos, "unexpected character")
        kind = match.lastgroup or "word"
        start = match.start(kind)
        if kind in ("quote", "range"):
            closer = '"' if kind == "quote" else "]"
            end = query.find(closer, match.end(kind))
            if end < 0:
                what = "quote" if kind == "quote" else "date range: missing ']'"
                raise QuerySyntaxError(query, start, f"unterminated {what}")
            text = query[start + 1 : end] if kind == "quote" else query[start : end + 1]
            tokens.append(_Tok("phrase" if kind == "quote" else "range", text, start))
            pos = end + 1
            continue
        text = match.group(kind)
        if kind == "word" and text in _OPERATORS:
            kind = "op"
        tokens.append(_Tok(kind, text, start))
        pos = match.end()
    tokens.append(_Tok("end", "", len(query)))
    return tokens


class _Parser:
    """Recursive-descent parser over the token list."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokenize(query)
        self.i = 0

    def peek(self) -> _Tok:
        return self.tokens[self.i]

    def take(self) -> _Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def fail(self, tok: _Tok, message: str) -> QuerySyntaxError:
        return QuerySyntaxError(self.query, tok.pos, message)

    def parse(self) -> Node | None:
        if self.peek().kind == "end":
            return None
        node = self.or_expr()
        tok = self.peek()
        if tok.kind != "end":
            raise self.fail(tok, f"unexpected {tok.text!r}")
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.peek().kind == "op" and self.peek().text == "OR":
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.unary()]
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.text == "AND":
                self.take()
            elif tok.kind in ("end", "rpar") or (tok.kind == "op" and tok.text == "OR"):
                break
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "minus" or (tok.kind == "op" and tok.text == "NOT"):
            self.take()
            return Not(self.unary())
        return self.atom()

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "lpar":
            node = self.or_expr()
            close = self.take()
            if close.kind != "rpar":
                raise self.fail(close, "missing closing parenthesis")
            return node
        if tok.kind == "phrase":
            return _phrase(tok.text, None)
        if tok.kind == "word":
            return self.word(tok)
        if tok.kind == "range":
            return self.date_range(tok)
        if tok.kind == "end":
            raise self.fail(tok, "query ends where a term was expected")
        raise self.fail(tok, f"a term was expected, not {tok.text!r}")

    def word(self, tok: _Tok) -> Node:
        """A bare word, or `field:` followed by a word or a quoted phrase."""
        field, sep, rest = tok.text.partition(":")
        if not sep or not field.isalpha():
            return _word(tok.text, None)
        field = self.field(tok, field)
        if field == "date":
            return self.date(tok, rest)
        if rest:
            return _word(rest, field)
        nxt = self.take()
        if nxt.kind == "phrase":
            return _phrase(nxt.text, field)
        if nxt.kind == "word":
            return _word(nxt.text, field)
        raise self.fail(nxt, f"a term was expected after {field}:")

    def field(self, tok: _Tok, name: str) -> str:
        if name.lower() not in FIELDS:
            known = ", ".join(sorted(FIELDS))
            raise self.fail(tok, f"unknown field {name!r} (use one of: {known})")
        return name.lower()

    def date(self, tok: _Tok, value: str) -> DateRange:
        """`date:2022`, `date:2022-04` or `date:2022-04-11`: that whole year, month or day."""
        try:
            return DateRange(day_bound(value, end=False), day_bound(value, end=True))
        except ValueError:
            message = f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)"
            raise self.fail(tok, message) from None

    def date_range(self, tok: _Tok) -> DateRange:
        """`date:[2022-04-01 TO 2022-04-15]`; `*` leaves a side open."""
        field, _, inner = tok.text.partition(":")
        if self.field(tok, field) != "date":
            raise self.fail(tok, f"ranges apply to date: only, not {field}:")
        parts = inner.strip("[]").split()
        if len(parts) != 3 or parts[1] != "TO":
            raise self.fail(tok, "a date range reads [START TO END]")
        try:
            start = None if parts[0] == "*" else day_bound(parts[0], end=False)
            end = None if parts[2] == "*" else day_bound(parts[2], end=True)
        except ValueError:
            raise self.fail(tok, f"not a date range: {tok.text!r} (use YYYY-MM-DD)") from None
        if start and end and start > end:
            raise self.fail(tok, f"the range starts after it ends: {tok.text!r}")
        return DateRange(start, end)


def day_bound(value: str, *, end: bool) -> dt.date:
    """First (or last, with `end`) day of an ISO year, month or day; ValueError if none."""
    if not _DAY_PATTERN.match(value):
        raise ValueError(value)
    if len(value) == 4:
        return dt.date(int(value), 12 if end else 1, 31 if end else 1)
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:7])
        return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    return dt.date.fromisoformat(value)


def _word(text: str, field: str | None) -> Term | Prefix:
    if len(text) > 1 and text.endswith("*") and "*" not in text[:-1]:
        return Prefix(text[:-1], field)
    return Term(text, field)


def _phrase(text: str, field: str | None) -> Phrase:
    return Phrase(" ".join(text.split()), field)


def parse_query(query: str) -> Node | None:
    """Parse `query`; None for an empty query (match every article).

    Raises `QuerySyntaxError` (with the position) for anything it cannot read.
    """
    node = _Parser(query).parse()
    if node is not None and _only_negative(node):
        raise QuerySyntaxError(query, 0, "a query cannot consist only of NOT terms")
    return node


def _only_negative(node: Node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(item) for item in node.items)
    return False


def words(node: Node | None) -> list[str]:
    """The plain headline/body words of a query's positive part (for spelling suggestions)."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Term):
        return [node.text] if node.field in (None, "headline", "body") else []
    if isinstance(node, (And, Or)):
        return [w for item in node.items for w in words(item)]
    return []

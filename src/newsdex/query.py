"""The user's query language, parsed into an engine-neutral tree.

Grammar (default operator AND; operators are upper-case words):

    query   := or_expr
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= unary (["AND"] unary)*
    unary   := ("NOT" | "-") unary | atom
    atom    := "(" or_expr ")" | [FIELD ":"] (WORD | "quoted phrase")

Each engine compiles the tree with its own primitives (see `newsdex.index`), so the
same query means the same thing on every engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdex.errors import QuerySyntaxError

FIELDS = frozenset({"headline", "body", "source"})


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
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Term | Phrase | And | Or | Not

_TOKEN = re.compile(
    r'\s*(?:(?P<lpar>\()|(?P<rpar>\))|(?P<quote>")|(?P<minus>-(?=\S))'
    r"|(?P<word>[^\s()\"]+))"
)
_OPERATORS = frozenset({"AND", "OR", "NOT"})


@dataclass(frozen=True)
class _Tok:
    kind: str  # lpar rpar phrase minus word op end
    text: str
    pos: int


def _tokenize(query: str) -> list[_Tok]:
    """Split the query into tokens, keeping positions for error messages."""
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(query):
        if query[pos:].strip() == "":
            break
        match = _TOKEN.match(query, pos)
        if match is None:  # pragma: no cover - every non-space char matches a branch
            raise QuerySyntaxError(query, pos, "unexpected character")
        kind = match.lastgroup or "word"
        start = match.start(kind)
        if kind == "quote":
            end = query.find('"', start + 1)
            if end < 0:
                raise QuerySyntaxError(query, start, "unterminated quote")
            tokens.append(_Tok("phrase", query[start + 1 : end], start))
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
        if tok.kind == "end":
            raise self.fail(tok, "query ends where a term was expected")
        raise self.fail(tok, f"a term was expected, not {tok.text!r}")

    def word(self, tok: _Tok) -> Node:
        """A bare word, or `field:` followed by a word or a quoted phrase."""
        field, sep, rest = tok.text.partition(":")
        if not sep or not field.isalpha():
            return Term(tok.text)
        if field.lower() not in FIELDS:
            raise self.fail(
                tok, f"unknown field {field!r} (use one of: {', '.join(sorted(FIELDS))})"
            )
        field = field.lower()
        if rest:
            return Term(rest, field)
        nxt = self.take()
        if nxt.kind == "phrase":
            return _phrase(nxt.text, field)
        if nxt.kind == "word":
            return Term(nxt.text, field)
        raise self.fail(nxt, f"a term was expected after {field}:")


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


def positive_terms(node: Node | None) -> list[str]:
    """The words a hit must or may contain, for highlighting."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, (Term, Phrase)):
        return node.text.split()
    return [word for item in node.items for word in positive_terms(item)]

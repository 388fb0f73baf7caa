"""Errors newsdex raises, one type per failure a user can act on.

NewsdexError
├── LoadError            a file could not be read (path, reason)
│   └── UnsupportedFile  the file is readable but holds nothing to index (empty, binary)
├── ExtractionError      a document could not be turned into an article
│   └── NotAnArticle     the document was read but holds no article (reason)
├── QuerySyntaxError     the query could not be parsed (query, position)
├── FilterError          a search filter (date, sort, limit) has a bad value
├── ArticleNotFoundError no article has the given id
├── IndexNotFoundError   no index where one was expected
├── IndexLockedError     another process is writing the index
├── IndexCorruptError    the index folder cannot be opened as an index
│   └── IndexStateError  the index's file state (state.sqlite) cannot be read
└── IndexVersionError    the index was written by another schema version
"""

from __future__ import annotations


class NewsdexError(Exception):
    """Root of every error newsdex raises on purpose."""

    hint: str = ""


class LoadError(NewsdexError):
    """A file could not be read or decoded."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFile(LoadError):
    """The file is readable but holds nothing to index: it is skipped, not failed."""


class ExtractionError(NewsdexError):
    """A document was read but no article could be built from it."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NotAnArticle(ExtractionError):
    """The document holds no article text (a menu, a list of links, an error page)."""


class QuerySyntaxError(NewsdexError):
    """The search query could not be parsed; `position` is the 0-based offset."""

    hint = 'Quote a phrase with "...", balance parentheses, and put a term after AND/OR/NOT.'

    def __init__(self, query: str, position: int, message: str) -> None:
        super().__init__(f"bad query at position {position}: {message} (in {query!r})")
        self.query = query
        self.position = position
        self.message = message


class FilterError(NewsdexError):
    """A search filter has a value newsdex cannot use."""

    hint = "Dates are ISO (2022-04-11, 2022-04 or 2022); --sort is relevance, date or -date."


class ArticleNotFoundError(NewsdexError):
    """No article in the index has this id."""

    hint = "Ids are printed by `newsdex search`."


class IndexNotFoundError(NewsdexError):
    """No newsdex index exists where one was expected."""

    hint = "Create one with `newsdex index PATH`, or point to it with --index / $NEWSDEX_INDEX."


class IndexLockedError(NewsdexError):
    """Another process holds the index's write lock."""

    hint = "Wait for the other indexing run to finish, then try again."


class IndexCorruptError(NewsdexError):
    """The index folder exists but cannot be opened."""

    hint = "Rebuild it: delete the folder and run `newsdex index` again."


class IndexStateError(IndexCorruptError):
    """The index's memory of its input files (DIR/state.sqlite) cannot be read."""

    hint = (
        "Delete state.sqlite in the index folder and run `newsdex index` again: every file "
        "is read again and its articles replaced in place, nothing is duplicated."
    )


class IndexVersionError(NewsdexError):
    """The index was written with a different schema version."""

    hint = "Rebuild it: delete the folder and run `newsdex index` again."

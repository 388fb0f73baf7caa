"""newsdex: turn collected news articles into a clean, searchable corpus.

>>> import newsdex
>>> article = newsdex.load_article("seeds/000_323cd50c165473e5.txt")
>>> with newsdex.Corpus.open("my-index") as corpus:
...     corpus.add(article)
>>> with newsdex.Corpus.open("my-index") as corpus:
...     result = corpus.search("peace talks", source="reuters")
"""

import logging as _logging

from newsdex.check import CheckReport
from newsdex.corpus import Corpus, default_index_path
from newsdex.errors import (
    ArticleNotFoundError,
    ExtractionError,
    FilterError,
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexStateError,
    IndexVersionError,
    LoadError,
    NewsdexError,
    NotAnArticle,
    QuerySyntaxError,
    UnsupportedFile,
)
from newsdex.load import read_document
from newsdex.models import (
    Article,
    Extracted,
    Fields,
    Hit,
    LineDecision,
    RawDocument,
    SearchResult,
    Stats,
    TimelineBucket,
)
from newsdex.pipeline import (
    IndexReport,
    Problem,
    extract_document,
    index_paths,
    load_article,
    load_articles,
)

_logging.getLogger(__name__).addHandler(_logging.NullHandler())

__all__ = [
    "Article",
    "ArticleNotFoundError",
    "CheckReport",
    "Corpus",
    "Extracted",
    "ExtractionError",
    "Fields",
    "FilterError",
    "Hit",
    "IndexCorruptError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexStateError",
    "IndexReport",
    "IndexVersionError",
    "LineDecision",
    "LoadError",
    "NewsdexError",
    "NotAnArticle",
    "Problem",
    "QuerySyntaxError",
    "RawDocument",
    "SearchResult",
    "Stats",
    "TimelineBucket",
    "UnsupportedFile",
    "default_index_path",
    "extract_document",
    "index_paths",
    "load_article",
    "load_articles",
    "read_document",
]

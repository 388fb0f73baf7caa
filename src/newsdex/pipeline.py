"""The stages composed: load -> clean/extract -> index, with error and progress reporting.

A file that cannot be read or holds no article is reported (one `Problem` naming the file
and the reason) and the run goes on; a batch of articles is committed every `batch_size`
articles, so an interrupted run keeps every batch committed before it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsdex.corpus import Corpus
from newsdex.errors import ExtractionError, LoadError, NotAnArticle, UnsupportedFile
from newsdex.extract import extract_html, extract_text
from newsdex.load import discover, read_document
from newsdex.load.warc import SkippedRecords, is_warc, read_warc
from newsdex.models import Article, Extracted, RawDocument

log = logging.getLogger(__name__)

Source = Path | RawDocument | LoadError
_HEADLINE_FALLBACK_CHARS = 100


@dataclass(frozen=True)
class Problem:
    """One document that was not indexed, and why."""

    path: str
    reason: str
    failed: bool
    """True for a failure (exit code non-zero); False for a skip (nothing to index)."""
    count: int = 1
    """How many documents it stands for (an archive's skipped records share one line)."""


@dataclass
class IndexReport:
    indexed: int = 0
    skipped: int = 0
    failed: int = 0
    problems: list[Problem] = field(default_factory=list)

    def record(self, problem: Problem) -> None:
        self.problems.append(problem)
        if problem.failed:
            self.failed += problem.count
        else:
            self.skipped += problem.count


def extract_document(doc: RawDocument, *, reference_date: dt.date | None = None) -> Extracted:
    """Clean and extract one decoded document, by its kind."""
    if doc.kind == "html":
        return extract_html(doc.text, name=doc.name)
    return extract_text(doc.text, name=doc.name, reference_date=reference_date)


def article_id(headline: str, body: str) -> str:
    """A stable id from the article's text: the same article gets the same id anywhere."""
    text = " ".join(headline.split()) + "\n" + " ".join(body.split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def build_article(doc: RawDocument, extracted: Extracted) -> Article:
    """An Article from extraction results; a missing headline falls back to the body's start."""
    fields = extracted.fields
    body = extracted.body.strip()
    if not body:
        raise NotAnArticle(doc.name, "no article text found")
    headline = (fields.headline or "").strip() or _first_words(body)
    return Article(
        id=article_id(headline, body),
        headline=headline,
        body=body,
        date=fields.date,
        source=fields.source,
        authors=fields.authors,
        language=fields.language,
        url=doc.url or fields.url,
        path=None if doc.name.startswith("<") else doc.name,
        section=fields.section,
        credit=fields.credit,
        summary=fields.summary,
        crawled=doc.crawled,
    )


def _first_words(body: str) -> str:
    first = body.split("\n", 1)[0]
    if len(first) <= _HEADLINE_FALLBACK_CHARS:
        return first
    return first[:_HEADLINE_FALLBACK_CHARS].rsplit(" ", 1)[0] + " …"


def load_article(path: str | Path) -> Article:
    """Read, clean and extract one file. Raises LoadError or ExtractionError.

    A web archive holds many articles: read it with `load_articles`.
    """
    if is_warc(Path(path)):
        raise LoadError(str(path), "a web archive holds many articles: use load_articles")
    doc = read_document(path)
    return build_article(doc, extract_document(doc))


def load_articles(paths: str | Path | Iterable[str | Path]) -> Iterator[Article | Problem]:
    """Every article under `paths` (files, folders, archives), or the Problem that stopped one."""
    roots = [paths] if isinstance(paths, (str, Path)) else list(paths)
    return _outcomes(collect(roots), None)


def process(source: Source) -> Article | Problem:
    """One input to an Article, or to the Problem that stopped it; never raises."""
    name = str(source.name if isinstance(source, RawDocument) else source)
    try:
        if isinstance(source, LoadError):
            raise source
        doc = source if isinstance(source, RawDocument) else read_document(source)
        return build_article(doc, extract_document(doc))
    except (UnsupportedFile, NotAnArticle) as exc:
        return Problem(exc.path, exc.reason, failed=False)
    except (LoadError, ExtractionError) as exc:
        return Problem(exc.path, exc.reason, failed=True)
    except RecursionError:
        return Problem(name, "document nested too deeply to parse", failed=True)
    except Exception as exc:  # bad input must never stop the run
        log.debug("unexpected error on %s", name, exc_info=True)
        return Problem(name, f"unexpected error: {type(exc).__name__}: {exc}", failed=True)


def collect(paths: Iterable[str | Path]) -> list[Source]:
    """Every input under `paths` (files, folders), bad paths included as LoadErrors."""
    return list(discover(paths))


def index_sources(
    corpus: Corpus,
    sources: Iterable[Source],
    *,
    batch_size: int = 500,
    on_problem: Callable[[Problem], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IndexReport:
    """Index every source into `corpus`, committing every `batch_size` articles."""
    report = IndexReport()
    pending = 0
    for outcome in _outcomes(sources, on_progress):
        if isinstance(outcome, Problem):
            report.record(outcome)
            if on_problem:
                on_problem(outcome)
            continue
        corpus.add(outcome)
        report.indexed += 1
        pending += 1
        if pending >= batch_size:
            corpus.commit()
            pending = 0
    corpus.commit()
    return report


def _outcomes(
    sources: Iterable[Source], on_progress: Callable[[int], None] | None
) -> Iterator[Article | Problem]:
    for source in sources:
        if isinstance(source, Path) and is_warc(source):
            yield from _archive_outcomes(source)
        else:
            yield process(source)
        if on_progress:
            on_progress(1)


def _archive_outcomes(path: Path) -> Iterator[Article | Problem]:
    """One outcome per HTML record; skipped records as one line per reason."""
    for item in read_warc(path):
        if isinstance(item, SkippedRecords):
            for reason, n in item.counts.items():
                yield Problem(item.path, f"{n} {reason}", failed=False, count=n)
        else:
            yield process(item)


def index_paths(
    corpus: Corpus,
    paths: Iterable[str | Path],
    *,
    batch_size: int = 500,
    on_problem: Callable[[Problem], None] | None = None,
) -> IndexReport:
    """`index_sources` over the files found under `paths`."""
    return index_sources(corpus, collect(paths), batch_size=batch_size, on_problem=on_problem)

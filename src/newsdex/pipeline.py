"""The stages composed: load -> clean/extract -> index, with error and progress reporting.

A file that cannot be read or holds no article is reported (one `Problem` naming the file
and the reason) and the run goes on; a batch of articles is committed every `batch_size`
articles, so an interrupted run keeps every batch committed before it.

Runs are incremental; each file found goes through the first rule that applies:
    1. remembered, same size and mtime        -> unchanged, not read
    2. remembered, same sha256 of its bytes   -> unchanged, new mtime remembered
    3. otherwise                              -> indexed; a changed file's old ids deleted
    4. remembered but gone (--prune)          -> its articles removed
A file whose last run failed is always tried again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsdex.corpus import Corpus
from newsdex.dedup import body_key, via_agencies
from newsdex.errors import ExtractionError, LoadError, NotAnArticle, UnsupportedFile
from newsdex.extract import extract_html, extract_text
from newsdex.load import MAX_BYTES, discover, document_from_bytes, kind_for_suffix, read_document
from newsdex.load.warc import SkippedRecords, is_warc, read_warc
from newsdex.models import Article, Extracted, RawDocument
from newsdex.state import FileRecord, Outcome, state_key, under

log = logging.getLogger(__name__)

Source = Path | RawDocument | LoadError
_HEADLINE_FALLBACK_CHARS = 100
_HASH_CHUNK = 1 << 20


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
    """What a run did. Articles: added, updated (from changed files), removed (files gone
    under --prune, or a changed file that now holds fewer). Files: unchanged (not read
    again). Documents: skipped (nothing to index) and failed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0
    failed: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def indexed(self) -> int:
        """Articles written by this run, new or replacing an older version."""
        return self.added + self.updated

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


def article_id(body: str) -> str:
    """A stable id from the article's normalised body: the same article gets the same id
    wherever it was read, whatever headline a site gave it, so exact copies are stored once."""
    return body_key(body)[:16]


def build_article(doc: RawDocument, extracted: Extracted) -> Article:
    """An Article from extraction results; a missing headline falls back to the body's start."""
    fields = extracted.fields
    body = extracted.body.strip()
    if not body:
        raise NotAnArticle(doc.name, "no article text found")
    headline = (fields.headline or "").strip() or _first_words(body)
    article = Article(
        id=article_id(body),
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
    return dataclasses.replace(article, via=via_agencies(article))


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
    roots: Sequence[str | Path] = (),
    prune: bool = False,
    force: bool = False,
    on_problem: Callable[[Problem], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IndexReport:
    """Index every source into `corpus`, committing every `batch_size` articles.

    Files already indexed and unchanged are not read again; changed files replace their
    old articles. With `prune`, files remembered under `roots` but no longer found there
    have their articles removed. With `force`, every file is read and extracted again:
    after an upgrade of newsdex, so old files get the new extraction. Takes the corpus's
    write lock for the whole run.
    """
    run = _Run(corpus, batch_size=batch_size, on_problem=on_problem, force=force)
    for source in sources:
        if isinstance(source, Path):
            run.index_file(source)
        else:
            run.index_other(source)
        if on_progress:
            on_progress(1)
    if prune:
        run.prune(roots)
    run.commit()
    return run.report


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
    prune: bool = False,
    on_problem: Callable[[Problem], None] | None = None,
) -> IndexReport:
    """`index_sources` over the files found under `paths` (see it for `prune`)."""
    roots = list(paths)
    return index_sources(
        corpus,
        collect(roots),
        batch_size=batch_size,
        roots=roots,
        prune=prune,
        on_problem=on_problem,
    )


def _read_hashed(path: Path, st: os.stat_result) -> tuple[str | None, Source]:
    """The file's sha256 and what to process: plain files are read once, hashed and decoded
    from the same bytes; archives and gzip are hashed in chunks, then read by their own
    readers; a file over the size limit is neither read nor hashed (read_document refuses
    it from its size)."""
    if is_warc(path) or path.suffix.lower() == ".gz":
        return _sha256_chunks(path), path
    if st.st_size > MAX_BYTES:
        return None, path
    with path.open("rb") as stream:
        data = stream.read(MAX_BYTES + 1)
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_BYTES:  # grew since stat
        return digest, UnsupportedFile(str(path), f"file too large (> {MAX_BYTES} bytes)")
    try:
        return digest, document_from_bytes(data, name=str(path), kind=kind_for_suffix(path))
    except LoadError as exc:
        return digest, exc


def _sha256_chunks(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class _FileWork:
    """One changed or new file while its articles go in."""

    key: str
    st: os.stat_result
    sha256: str | None
    old_ids: tuple[str, ...]
    new_ids: dict[str, None] = field(default_factory=dict)
    """Ordered set: a web archive may hold the same page twice."""
    failed: bool = False
    reason: str = ""

    def record(self, outcome: Outcome) -> FileRecord:
        sha = self.sha256 if outcome != "partial" else None
        return FileRecord(self.key, self.st.st_size, self.st.st_mtime_ns, sha, outcome, self.reason)

    def outcome(self) -> Outcome:
        if self.failed:
            return "failed"
        return "indexed" if self.new_ids else "skipped"


class _Run:
    """One indexing run: corpus and state, the report, and the batch in progress.

    The state's rows go into the same batch as the engine's changes and are committed
    with them, journal first (see `newsdex.state`). A file whose articles straddle a
    commit (a web archive bigger than a batch) is saved as `partial` with its old and new
    ids, so a crash there is redone in full by the next run and its old ids are known.
    """

    def __init__(
        self,
        corpus: Corpus,
        *,
        batch_size: int,
        on_problem: Callable[[Problem], None] | None,
        force: bool = False,
    ) -> None:
        corpus.lock()
        self.force = force
        self.corpus = corpus
        self.state = corpus.state
        recovered = self.state.recover() if self.state.journaled() else 0
        if recovered:
            log.warning("a run stopped while committing: %d files will be redone", recovered)
        self.known = self.state.files()
        self.touched: dict[str, set[str]] = {}
        """Per file, the ids this batch adds or deletes: the journal of the next commit."""
        self.batch_size = batch_size
        self.on_problem = on_problem
        self.report = IndexReport()
        self.pending = 0
        self.seen: set[str] = set()
        self.blocked: list[str] = []
        """Paths that could not be read: nothing under them is pruned."""
        self.open_file: _FileWork | None = None

    # -- the batch -------------------------------------------------------------

    def problem(self, problem: Problem) -> None:
        self.report.record(problem)
        if self.on_problem:
            self.on_problem(problem)

    def add(self, article: Article, *, may_commit: bool = True) -> None:
        """`may_commit` False keeps a file's new version and the deletion of its old one
        in one batch, so no commit shows both."""
        self.corpus.add(article)
        self.pending += 1
        if may_commit:
            self._count(0)

    def delete(self, ids: Iterable[str]) -> None:
        batch = sorted(ids)
        if batch:
            self.corpus.delete(batch)
        self._count(len(batch))

    def _count(self, changes: int) -> None:
        self.pending += changes
        if self.pending >= self.batch_size:
            self.commit()

    def commit(self) -> None:
        """State with journal, engine, journal cleared; a file in the middle is partial."""
        work = self.open_file
        if work is not None:
            self.state.put(work.record("partial"), [*work.old_ids, *work.new_ids])
            self._touch(work.key, [*work.old_ids, *work.new_ids])
        self.state.journal(self.touched)
        self.state.commit()
        self.corpus.commit()
        if self.touched:
            self.state.clear_journal()
            self.state.commit()
        self.touched = {}
        self.pending = 0

    def _touch(self, key: str, ids: Iterable[str]) -> None:
        self.touched.setdefault(key, set()).update(ids)

    # -- inputs ----------------------------------------------------------------

    def index_file(self, path: Path) -> None:
        """Skip it if unchanged (size and mtime, else content hash), else (re)index it."""
        key = state_key(path)
        self.seen.add(key)
        old = self.known.get(key)
        try:
            st = path.stat()
            if old and old.final and old.same_stat(st) and not self.force:
                self.report.unchanged += 1
                return
            digest, source = _read_hashed(path, st)
        except OSError as exc:  # vanished, unreadable: keep what the index has of it
            self.blocked.append(key)
            self.problem(Problem(str(path), exc.strerror or str(exc), failed=True))
            return
        if old and old.final and digest is not None and old.sha256 == digest and not self.force:
            self.state.touch(key, st)
            self.report.unchanged += 1
            return
        work = _FileWork(key, st, digest, self.state.ids(key) if old else ())
        self._index_work(work, path, source)

    def _index_work(self, work: _FileWork, path: Path, source: Source) -> None:
        self.open_file = work
        archive = isinstance(source, Path) and is_warc(source)
        outcomes = _archive_outcomes(path) if archive else iter((process(source),))
        for outcome in outcomes:
            if isinstance(outcome, Problem):
                work.failed = work.failed or outcome.failed
                work.reason = work.reason or outcome.reason
                self.problem(outcome)
            else:
                work.new_ids[outcome.id] = None
                self.add(outcome, may_commit=archive)  # an archive may exceed a batch
        self.open_file = None
        self._finish(work)

    def _finish(self, work: _FileWork) -> None:
        """Save the file's row, then delete the old ids no file produces any longer."""
        self.state.put(work.record(work.outcome()), work.new_ids)
        self._touch(work.key, [*work.old_ids, *work.new_ids])
        retired = set(work.old_ids).difference(work.new_ids)
        self.delete(retired - self.state.shared_ids(retired, besides=work.key))
        if work.old_ids:
            self.report.updated += len(work.new_ids)
            self.report.removed += max(0, len(work.old_ids) - len(work.new_ids))
        else:
            self.report.added += len(work.new_ids)

    def index_other(self, source: RawDocument | LoadError) -> None:
        """Stdin, or a path discovery could not use: no file state to keep."""
        if isinstance(source, LoadError):
            self.blocked.append(state_key(source.path))
        outcome = process(source)
        if isinstance(outcome, Problem):
            self.problem(outcome)
        else:
            self.add(outcome)
            self.report.added += 1

    def prune(self, roots: Sequence[str | Path]) -> None:
        """Remove the articles of files remembered under `roots` that this run did not see.

        A root that no longer exists at all is left alone: more likely an unmounted disk
        or a typo than a deliberate deletion (it was reported as missing).
        """
        live = [state_key(r) for r in roots if str(r) != "-" and Path(r).exists()]
        for key in sorted(self.known):
            if key in self.seen or not any(under(key, root) for root in live):
                continue
            if any(under(key, bad) for bad in self.blocked):
                continue
            ids = self.state.ids(key)
            self.state.remove(key)
            self._touch(key, ids)
            gone = set(ids) - self.state.shared_ids(ids)
            log.info("pruning %s: %d articles", key, len(gone))
            self.delete(gone)
            self.report.removed += len(gone)

"""`newsdex check`: verify that an index opens, reads back whole, and agrees with its state.

1. the engine's count equals the number of articles a full listing reads back
2. no id is stored twice, and every listed id is found again by `get`
3. every id the state file remembers is in the engine (extra engine articles are
   fine: they came from stdin or the library, not from a file)
4. no file is left half-indexed by an interrupted run, and SQLite finds the state sound
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsdex.search import MAX_LIMIT
from newsdex.state import STATE_FILE, StateStore

if TYPE_CHECKING:
    from newsdex.corpus import Corpus

log = logging.getLogger(__name__)

MAX_PROBLEM_LINES = 20


@dataclass
class CheckReport:
    """What `Corpus.check` found; `ok` when `problems` is empty."""

    path: str
    engine: str
    articles: int = 0
    """The engine's count of committed articles."""
    readable: int = 0
    """Articles read back by listing the whole index."""
    tracked_files: int = 0
    tracked_articles: int = 0
    """Distinct article ids the state file remembers."""
    untracked_articles: int = 0
    """Articles no tracked file produced (added from stdin or the library)."""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "ok": self.ok}

    def problem(self, message: str) -> None:
        self.problems.append(message)


def check_corpus(corpus: Corpus) -> CheckReport:
    """Run every check; collect problems instead of stopping at the first."""
    report = CheckReport(path=str(corpus.path), engine=corpus.engine_name)
    report.articles = len(corpus)
    listed = _listed_ids(corpus, report)
    _check_ids(corpus, listed, report)
    _check_state(corpus, set(listed), report)
    return report


def _listed_ids(corpus: Corpus, report: CheckReport) -> list[str]:
    """Every stored article, read back page by page through the search path."""
    ids: list[str] = []
    offset = 0
    while offset < report.articles:
        try:
            result = corpus.search("", limit=MAX_LIMIT, offset=offset, sort="date")
        except Exception as exc:  # any failure here is what check exists to report
            report.problem(f"cannot list articles from {offset}: {type(exc).__name__}: {exc}")
            break
        if not result.hits:
            break
        ids.extend(hit.article.id for hit in result.hits)
        offset += len(result.hits)
    report.readable = len(ids)
    if len(ids) != report.articles:
        report.problem(f"the engine counts {report.articles} articles but lists {len(ids)}")
    return ids


def _check_ids(corpus: Corpus, ids: list[str], report: CheckReport) -> None:
    problems: list[str] = []
    for article_id, n in Counter(ids).items():
        if n > 1:
            problems.append(f"article {article_id} is stored {n} times")
    for article_id in set(ids):
        try:
            if corpus.engine.get(article_id) is None:
                problems.append(f"article {article_id} is listed but cannot be found by id")
        except Exception as exc:
            problems.append(f"article {article_id} cannot be read: {type(exc).__name__}: {exc}")
    _add_capped(report, problems)


def _check_state(corpus: Corpus, engine_ids: set[str], report: CheckReport) -> None:
    """Compare the state file with the engine; an index without one has nothing to compare."""
    path = corpus.path / STATE_FILE
    if not path.exists():
        report.untracked_articles = len(engine_ids)
        return
    try:
        state = StateStore.open(path)
    except Exception as exc:
        report.problem(f"cannot open {path}: {exc}")
        return
    try:
        _compare_state(state, engine_ids, report)
    finally:
        state.close()


def _compare_state(state: StateStore, engine_ids: set[str], report: CheckReport) -> None:
    problems = [f"{state.path}: damaged: {msg}" for msg in state.integrity_problems()]
    if state.journaled():
        problems.append(f"{state.path}: a run stopped while committing a batch")
    files = state.files()
    report.tracked_files = len(files)
    tracked: set[str] = set()
    for article_id, path in state.articles():
        tracked.add(article_id)
        if article_id not in engine_ids:
            problems.append(f"{path}: article {article_id} is missing from the engine")
    for record in files.values():
        if record.outcome == "partial":
            problems.append(f"{record.path}: left half-indexed by an interrupted run")
    report.tracked_articles = len(tracked)
    report.untracked_articles = len(engine_ids - tracked)
    _add_capped(report, problems)


def _add_capped(report: CheckReport, problems: list[str]) -> None:
    """At most MAX_PROBLEM_LINES lines per kind, then how many more: a broken index of a
    million articles should not print a million lines."""
    for message in problems[:MAX_PROBLEM_LINES]:
        report.problem(message)
    if len(problems) > MAX_PROBLEM_LINES:
        report.problem(f"... and {len(problems) - MAX_PROBLEM_LINES} more like these")

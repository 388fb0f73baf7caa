"""The index's memory of its input files, for incremental runs.

    DIR/state.sqlite   path -> size, mtime_ns, sha256, outcome, and the article ids it gave

A run compares each file with its row: same size and mtime means unchanged without
reading it; otherwise the content hash decides. A changed file's old ids are what the
run deletes (ids are content hashes, so a changed article gets a new id).

A batch is committed in three steps, so that the state never forgets an id the engine
may hold, whatever the moment of a crash:

    1. state: the batch's rows, plus a journal of every id the batch added or deleted
    2. engine commit
    3. state: journal cleared

A run that finds a journal (a crash came between 1 and 3) first marks the files in it
`partial` with the journal's ids added to theirs, so they are indexed again and those ids
deleted if no longer produced, even if the files changed meanwhile. Re-adding an article
with the same id replaces it in place, so redoing a batch duplicates nothing. The store
is created lazily: an index without it still opens.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from newsdex.errors import IndexStateError, IndexVersionError

log = logging.getLogger(__name__)

STATE_FILE = "state.sqlite"
STATE_VERSION = 1
Outcome = Literal["indexed", "skipped", "failed", "partial"]
"""`partial`: a batch was committed in the middle of the file (a big web archive)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS file_articles (
    path TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (path, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS file_articles_id ON file_articles (id);
CREATE TABLE IF NOT EXISTS journal (
    path TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (path, id)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class FileRecord:
    """What the index remembers of one input file."""

    path: str
    size: int
    mtime_ns: int
    sha256: str | None
    """None when the file was never read whole (refused for its size, or interrupted)."""
    outcome: Outcome
    reason: str = ""

    def same_stat(self, st: os.stat_result) -> bool:
        return self.size == st.st_size and self.mtime_ns == st.st_mtime_ns

    @property
    def final(self) -> bool:
        """True when the content decided the outcome for good: worth skipping if unchanged.

        A failure may be passing (a file being written, a permission), so it is retried.
        """
        return self.outcome in ("indexed", "skipped")


def state_key(path: str | Path) -> str:
    """Absolute, not resolved: files reached through a symlinked folder stay under it."""
    return os.path.abspath(path)


def under(key: str, root: str) -> bool:
    return key == root or key.startswith(root.rstrip(os.sep) + os.sep)


class StateStore:
    """The state file of one index, with one write transaction open between commits."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path) -> StateStore:
        """Open or create; raises IndexStateError for a file that is not a state store."""
        try:
            conn = sqlite3.connect(path, timeout=30, isolation_level="DEFERRED")
            conn.execute("PRAGMA journal_mode=WAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version in (0, STATE_VERSION):
                conn.executescript(_SCHEMA + f"PRAGMA user_version={STATE_VERSION};")
        except sqlite3.DatabaseError as exc:
            raise IndexStateError(f"cannot read the index state {path}: {exc}") from exc
        if version not in (0, STATE_VERSION):
            conn.close()
            raise IndexVersionError(
                f"{path} has state version {version}; this newsdex reads {STATE_VERSION}"
            )
        return cls(conn, path)

    # -- reading ---------------------------------------------------------------

    def files(self) -> dict[str, FileRecord]:
        """Every file row, in one query: a run looks each discovered file up here."""
        rows = self._conn.execute("SELECT path, size, mtime_ns, sha256, outcome, reason FROM files")
        return {row[0]: FileRecord(*row) for row in rows}

    def ids(self, path: str) -> tuple[str, ...]:
        rows = self._conn.execute("SELECT id FROM file_articles WHERE path = ?", (path,))
        return tuple(row[0] for row in rows)

    def shared_ids(self, ids: Iterable[str], *, besides: str = "") -> set[str]:
        """Which of `ids` another file also produced: deleting them would lose its article."""
        shared: set[str] = set()
        for article_id in ids:
            row = self._conn.execute(
                "SELECT 1 FROM file_articles WHERE id = ? AND path != ? LIMIT 1",
                (article_id, besides),
            ).fetchone()
            if row:
                shared.add(article_id)
        return shared

    def articles(self) -> Iterator[tuple[str, str]]:
        """Every (id, path) pair, for `newsdex check`."""
        yield from self._conn.execute("SELECT id, path FROM file_articles ORDER BY id")

    def integrity_problems(self) -> list[str]:
        rows = self._conn.execute("PRAGMA quick_check").fetchall()
        return [str(row[0]) for row in rows if row[0] != "ok"]

    # -- writing (inside the open transaction) ---------------------------------

    def put(self, record: FileRecord, ids: Iterable[str]) -> None:
        """Replace a file's row and its article ids."""
        self._conn.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
            (
                record.path,
                record.size,
                record.mtime_ns,
                record.sha256,
                record.outcome,
                record.reason,
            ),
        )
        self._conn.execute("DELETE FROM file_articles WHERE path = ?", (record.path,))
        self._conn.executemany(
            "INSERT OR IGNORE INTO file_articles VALUES (?, ?)",
            ((record.path, article_id) for article_id in ids),
        )

    def touch(self, path: str, st: os.stat_result) -> None:
        """Same content under a new mtime: remember the new stat so the next run skips fast."""
        self._conn.execute(
            "UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?",
            (st.st_size, st.st_mtime_ns, path),
        )

    def remove(self, path: str) -> None:
        self._conn.execute("DELETE FROM files WHERE path = ?", (path,))
        self._conn.execute("DELETE FROM file_articles WHERE path = ?", (path,))

    def journal(self, touched: dict[str, set[str]]) -> None:
        """Step 1's journal: per file, every id this batch may have put in or taken out."""
        self._conn.executemany(
            "INSERT OR IGNORE INTO journal VALUES (?, ?)",
            ((path, i) for path, ids in touched.items() for i in ids),
        )

    def clear_journal(self) -> None:
        self._conn.execute("DELETE FROM journal")

    def journaled(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM journal").fetchone()[0])

    def recover(self) -> int:
        """After a crash inside a commit: make the journal's files partial, with its ids.

        Returns how many files it marked; commits.
        """
        paths = [row[0] for row in self._conn.execute("SELECT DISTINCT path FROM journal")]
        for path in paths:
            self._conn.execute(
                "INSERT OR IGNORE INTO files VALUES (?, 0, 0, NULL, 'partial', '')", (path,)
            )
            self._conn.execute(
                "UPDATE files SET outcome = 'partial', sha256 = NULL WHERE path = ?", (path,)
            )
        self._conn.execute("INSERT OR IGNORE INTO file_articles SELECT path, id FROM journal")
        self.clear_journal()
        self._conn.commit()
        return len(paths)

    def commit(self) -> None:
        self._conn.commit()

    def rollback(self) -> None:
        self._conn.rollback()

    def close(self) -> None:
        """Uncommitted changes are dropped, like the engine's."""
        self._conn.rollback()
        self._conn.close()


def paths_of(state_file: Path, article_id: str) -> list[str]:
    """Every input file that gave this article, read without the write lock (readers may
    look while a writer works: sqlite's own locking keeps the read consistent)."""
    if not state_file.exists():
        return []
    try:
        conn = sqlite3.connect(f"file:{state_file}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT path FROM file_articles WHERE id = ? ORDER BY path", (article_id,)
            )
            return [str(path) for (path,) in rows]
        finally:
            conn.close()
    except sqlite3.Error:
        return []

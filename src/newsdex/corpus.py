"""A corpus: one index folder, its engine and its metadata file.

    DIR/newsdex.json   schema version, engine name, creation time
    DIR/engine/        the engine's own files

The metadata file is written last and atomically, so a folder without it is not an index.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from newsdex.errors import (
    ArticleNotFoundError,
    IndexCorruptError,
    IndexNotFoundError,
    IndexVersionError,
    NewsdexError,
)
from newsdex.index import DEFAULT_ENGINE, ENGINES, Engine
from newsdex.models import Article, Hit, SearchResult, Stats
from newsdex.search import DateLike, build_request

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
META_FILE = "newsdex.json"
ENGINE_DIR = "engine"


def default_index_path() -> Path:
    """$NEWSDEX_INDEX, else the per-user data folder ($XDG_DATA_HOME/newsdex/index)."""
    env = os.environ.get("NEWSDEX_INDEX")
    if env:
        return Path(env).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "newsdex" / "index"


class Corpus:
    """An open index. Use as a context manager: changes commit on a clean exit."""

    def __init__(self, path: Path, engine: Engine, meta: dict[str, Any]) -> None:
        self.path = path
        self.engine = engine
        self.meta = meta

    @property
    def engine_name(self) -> str:
        return str(self.meta["engine"])

    @classmethod
    def open(
        cls, path: str | Path | None = None, *, engine: str | None = None, create: bool = True
    ) -> Corpus:
        """Open the index in `path` (default: `default_index_path()`), creating it if allowed.

        `engine` picks the engine of a new index; an existing index keeps its own.
        """
        folder = Path(path) if path is not None else default_index_path()
        meta_path = folder / META_FILE
        if meta_path.exists():
            meta = _read_meta(meta_path)
            if engine and engine != meta["engine"]:
                raise NewsdexError(
                    f"{folder} is a {meta['engine']} index; --engine {engine} applies only "
                    "to a new index"
                )
            return cls(folder, ENGINES[meta["engine"]].open(folder / ENGINE_DIR), meta)
        if not create:
            raise IndexNotFoundError(f"no newsdex index in {folder}")
        return cls._create(folder, engine or DEFAULT_ENGINE)

    @classmethod
    def _create(cls, folder: Path, engine: str) -> Corpus:
        if engine not in ENGINES:
            raise NewsdexError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
        if folder.exists() and any(p.name != ENGINE_DIR for p in folder.iterdir()):
            raise IndexCorruptError(f"{folder} is not empty and holds no newsdex index")
        engine_dir = folder / ENGINE_DIR
        engine_dir.mkdir(parents=True, exist_ok=True)
        for stale in engine_dir.iterdir():  # left by a creation that was interrupted
            stale.unlink()
        instance = ENGINES[engine].create(engine_dir)
        meta = {
            "schema_version": SCHEMA_VERSION,
            "engine": engine,
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        _write_meta(folder / META_FILE, meta)
        return cls(folder, instance, meta)

    # -- context manager -------------------------------------------------------

    def __enter__(self) -> Corpus:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self.commit()
        finally:
            self.close()

    def close(self) -> None:
        """Release the index; uncommitted changes are dropped."""
        self.engine.close()

    # -- writing ---------------------------------------------------------------

    def add(self, articles: Article | Iterable[Article]) -> int:
        """Add or replace articles (by id); returns how many. Visible after `commit`."""
        batch = [articles] if isinstance(articles, Article) else list(articles)
        self.engine.add(batch)
        return len(batch)

    def delete(self, ids: str | Sequence[str]) -> None:
        self.engine.delete([ids] if isinstance(ids, str) else list(ids))

    def commit(self) -> None:
        self.engine.commit()

    # -- reading ---------------------------------------------------------------

    def __len__(self) -> int:
        return self.engine.count()

    def get(self, article_id: str) -> Article:
        article = self.engine.get(article_id)
        if article is None:
            raise ArticleNotFoundError(f"no article with id {article_id!r} in {self.path}")
        return article

    def search(
        self,
        query: str = "",
        *,
        source: str | Sequence[str] | None = None,
        since: DateLike = None,
        until: DateLike = None,
        limit: int = 10,
        offset: int = 0,
        sort: str = "relevance",
    ) -> SearchResult:
        """Best matches for `query` (see the README for the query language).

        Raises QuerySyntaxError for a query it cannot parse, FilterError for a bad filter.
        """
        request = build_request(
            query, source=source, since=since, until=until, limit=limit, offset=offset, sort=sort
        )
        result = self.engine.search(request)
        hits = tuple(Hit(h.article, h.score, h.snippet) for h in result.hits)
        return SearchResult(hits=hits, total=result.total)

    def stats(self) -> Stats:
        """Counts by source and by month, over the whole index."""
        return Stats(
            articles=len(self),
            by_source=dict(sorted(self.engine.counts_by("source").items())),
            by_month=dict(sorted(self.engine.counts_by("month").items())),
        )


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"cannot read {path}: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("engine") not in ENGINES:
        raise IndexCorruptError(f"{path} does not describe a newsdex index")
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise IndexVersionError(
            f"{path.parent} has schema version {meta.get('schema_version')}; this newsdex "
            f"reads version {SCHEMA_VERSION}"
        )
    return meta


def _write_meta(path: Path, meta: dict[str, Any]) -> None:
    """Write then rename, so a crash never leaves half a metadata file."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)

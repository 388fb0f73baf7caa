"""A corpus: one index folder, its engine and its metadata file.

    DIR/newsdex.json   schema version, engine name, creation time
    DIR/engine/        the engine's own files
    DIR/state.sqlite   the input files indexed and the ids they gave (`newsdex.state`)
    DIR/write.lock     held by the one process writing (`newsdex.lock`)
    DIR/stories.sqlite story clusters and near-duplicate signatures (`newsdex.dedup`)

The metadata file is written last and atomically, so a folder without it is not an index.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from newsdex.dedup import StoryIndex
from newsdex.errors import (
    ArticleNotFoundError,
    IndexCorruptError,
    IndexNotFoundError,
    IndexVersionError,
    NewsdexError,
)
from newsdex.index import DEFAULT_ENGINE, ENGINES, Engine
from newsdex.index.base import SearchRequest
from newsdex.index.compile import STORY_PREFIX
from newsdex.lock import LOCK_FILE, WriteLock
from newsdex.models import Article, Hit, SearchResult, Stats, TimelineBucket
from newsdex.search import (
    COLLAPSE_FETCH,
    MAX_LIMIT,
    DateLike,
    Names,
    build_request,
    check_count,
    collapse_hits,
    similar_query,
    story_counts,
    story_timeline,
    suggest,
    timeline,
)
from newsdex.state import STATE_FILE, StateStore, paths_of

if TYPE_CHECKING:
    from newsdex.check import CheckReport

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
STORIES_FILE = "stories.sqlite"
STORY_BATCH = 200
"""Articles `add` collects before putting them in their stories together."""
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

    def __init__(
        self, path: Path, engine: Engine, meta: dict[str, Any], lock: WriteLock | None = None
    ) -> None:
        self.path = path
        self.engine = engine
        self.meta = meta
        self._lock = lock or WriteLock(path)
        self._state: StateStore | None = None
        self._stories: StoryIndex | None = None
        self._pending: dict[str, Article] = {}
        """Articles added since the last commit: the engine cannot return them yet."""
        self._unclustered: list[Article] = []
        """Articles added but not yet put in their stories (`StoryIndex.add_many`)."""

    @property
    def engine_name(self) -> str:
        return str(self.meta["engine"])

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        engine: str | None = None,
        create: bool = True,
        stories: bool = True,
    ) -> Corpus:
        """Open the index in `path` (default: `default_index_path()`), creating it if allowed.

        `engine` picks the engine of a new index, `stories` whether it groups articles into
        story clusters as they are added; an existing index keeps its own settings.
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
        return cls._create(folder, engine or DEFAULT_ENGINE, stories)

    @classmethod
    def _create(cls, folder: Path, engine: str, stories: bool = True) -> Corpus:
        """Create under the write lock, so two processes never build one folder together."""
        if engine not in ENGINES:
            raise NewsdexError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
        folder.mkdir(parents=True, exist_ok=True)
        lock = WriteLock(folder)
        lock.acquire()
        try:
            if (folder / META_FILE).exists():  # another process created it meanwhile
                lock.release()
                return cls.open(folder, engine=engine, create=False)
            return cls._create_locked(folder, engine, lock, stories)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _create_locked(cls, folder: Path, engine: str, lock: WriteLock, stories: bool) -> Corpus:
        if any(p.name not in (ENGINE_DIR, LOCK_FILE) for p in folder.iterdir()):
            raise IndexCorruptError(f"{folder} is not empty and holds no newsdex index")
        engine_dir = folder / ENGINE_DIR
        engine_dir.mkdir(parents=True, exist_ok=True)
        for stale in engine_dir.iterdir():  # left by a creation that was interrupted
            stale.unlink()
        instance = ENGINES[engine].create(engine_dir)
        meta = {
            "schema_version": SCHEMA_VERSION,
            "engine": engine,
            "stories": stories,
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        _write_meta(folder / META_FILE, meta)
        return cls(folder, instance, meta, lock)

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
        """Release the index and the write lock; uncommitted changes are dropped."""
        try:
            self.engine.close()
            if self._state is not None:
                self._state.close()
                self._state = None
        finally:
            self._lock.release()

    def lock(self) -> None:
        """Take the write lock now (writing takes it anyway); IndexLockedError names the holder."""
        self._lock.acquire()

    @property
    def state(self) -> StateStore:
        """The input files this index was built from (created on first use, under the lock)."""
        if self._state is None:
            self.lock()
            self._state = StateStore.open(self.path / STATE_FILE)
        return self._state

    # -- writing ---------------------------------------------------------------

    def add(self, articles: Article | Iterable[Article]) -> int:
        """Add or replace articles (by id); returns how many. Visible after `commit`.

        In an index with stories, each article is put in its story cluster, and articles
        whose cluster changed because of it are rewritten: a batch at a time, at the
        latest on `commit` (or before a `delete`), as the engine's writes are."""
        batch = [articles] if isinstance(articles, Article) else list(articles)
        self.lock()
        stories = self._story_index()
        if stories is None:
            self.engine.add(batch)
            return len(batch)
        self._unclustered.extend(batch)
        if len(self._unclustered) >= STORY_BATCH:
            self._cluster_pending()
        return len(batch)

    def _cluster_pending(self) -> None:
        """Put the articles added since the last call in their stories, and into the
        engine (see `StoryIndex.add_many` for why in batches)."""
        if not self._unclustered:  # a reader's commit must not even load the stories
            return
        stories = self._story_index()
        if stories is None:
            return
        pending, self._unclustered = self._unclustered, []
        for article, assignment in zip(pending, stories.add_many(pending), strict=True):
            if assignment.duplicate_of:  # the same body under another id: stored once
                continue
            article = dataclasses.replace(article, cluster=assignment.cluster)
            self._recluster(assignment.moved)
            self.engine.add([article])
            self._pending[article.id] = article  # only re-clustering needs these

    def delete(self, ids: str | Sequence[str]) -> None:
        self.lock()
        self._cluster_pending()  # in the order they were asked for
        batch = [ids] if isinstance(ids, str) else list(ids)
        self.engine.delete(batch)
        stories = self._story_index()
        for article_id in batch:
            self._pending.pop(article_id, None)
            if stories is not None:
                self._recluster(stories.remove(article_id))

    def _story_index(self) -> StoryIndex | None:
        if not self.meta.get("stories"):
            return None
        if self._stories is None:
            try:
                self._stories = StoryIndex.load(self.path / STORIES_FILE)
            except ValueError as exc:  # written by another version of newsdex
                raise IndexVersionError(
                    f"{self.path / STORIES_FILE}: {exc}; index the files again into a new folder"
                ) from exc
        return self._stories

    def _recluster(self, moved: dict[str, str]) -> None:
        """Rewrite articles whose story cluster changed (clusters merged or split)."""
        for article_id, cluster in moved.items():
            article = self._pending.get(article_id) or self.engine.get(article_id)
            if article is not None and article.cluster != cluster:
                article = dataclasses.replace(article, cluster=cluster)
                self.engine.add([article])
                self._pending[article_id] = article

    def commit(self) -> None:
        """Stories, engine, then the file state: a crash between them repeats a batch,
        whose articles the story index then finds already in place."""
        self._cluster_pending()
        if self._stories is not None:
            self._stories.save(self.path / STORIES_FILE)
        self.engine.commit()
        self._pending.clear()
        if self._state is not None:
            self._state.commit()

    def check(self) -> CheckReport:
        """Verify the index: every article readable, no id twice, state and engine agree."""
        from newsdex.check import check_corpus

        return check_corpus(self)

    # -- reading ---------------------------------------------------------------

    def __len__(self) -> int:
        return self.engine.count()

    def get(self, article_id: str) -> Article:
        """The article, with the other files it was also read from in `also_at`."""
        article = self.engine.get(article_id)
        if article is None:
            raise ArticleNotFoundError(f"no article with id {article_id!r} in {self.path}")
        others = [p for p in paths_of(self.path / STATE_FILE, article_id) if p != article.path]
        return dataclasses.replace(article, also_at=tuple(others)) if others else article

    def cluster(self, article_id: str, *, limit: int = 1000) -> SearchResult:
        """The articles of this article's story, oldest first."""
        article = self.get(article_id)
        if not article.cluster:
            return SearchResult((Hit(article, 0.0, ""),), 1)
        return self.search(f'cluster:"{article.cluster}"', sort="date", limit=limit)

    def search(
        self,
        query: str = "",
        *,
        source: Names = None,
        author: Names = None,
        lang: Names = None,
        since: DateLike = None,
        until: DateLike = None,
        limit: int = 10,
        offset: int = 0,
        sort: str = "relevance",
        facets: Sequence[str] = (),
        collapse: bool = False,
        count: str = "articles",
    ) -> SearchResult:
        """Best matches for `query` (the query language is in the README).

        `source`, `author` and `lang` take one name or several (any matches, any case);
        `since`/`until` take dates, `YYYY-MM`, `YYYY` or spans back from today (`7d`, `3m`).
        `facets` (source, author, day, month, year, lang, via, cluster) are counted over
        every match: in articles, or with `count="stories"` in distinct stories.
        `collapse` shows one hit per story, with how many other matches it has.
        Raises QuerySyntaxError for a query it cannot parse, FilterError for a bad filter.
        """
        check_count(count)
        request = build_request(
            query,
            source=source,
            author=author,
            lang=lang,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
            sort=sort,
            facets=facets,
        )
        stories = collapse or count == "stories"
        result = self.engine.search(self._engine_request(request, collapse, count))
        found = dict(result.facets)
        sizes = found.pop("cluster", {}) if stories and "cluster" not in facets else {}
        if "cluster" in facets:
            sizes = found["cluster"]
        if count == "stories":
            found = {n: story_counts(found.pop(f"{STORY_PREFIX}{n}"), n) for n in facets}
        hits: Sequence[Hit] = [Hit(h.article, h.score, h.snippet) for h in result.hits]
        total = result.total
        if collapse:
            hits = collapse_hits(hits, sizes)[offset : offset + limit]
            total = len(sizes) if sizes else len(hits)
        suggestion = suggest(self.engine, query, request.query) if result.total == 0 else None
        return SearchResult(tuple(hits), total, found, suggestion, len(sizes) if stories else None)

    @staticmethod
    def _engine_request(request: SearchRequest, collapse: bool, count: str) -> SearchRequest:
        """Over-fetch for collapsing; ask for story-keyed facets and the cluster sizes."""
        facets = list(request.facets)
        if count == "stories":
            facets = [f if f == "cluster" else f"{STORY_PREFIX}{f}" for f in facets]
        if (collapse or count == "stories") and "cluster" not in facets:
            facets.append("cluster")
        if not collapse:
            return dataclasses.replace(request, facets=tuple(facets))
        fetch = min(MAX_LIMIT, (request.offset + request.limit) * COLLAPSE_FETCH)
        return dataclasses.replace(request, limit=fetch, offset=0, facets=tuple(facets))

    def timeline(
        self,
        query: str = "",
        *,
        interval: str = "month",
        source: Names = None,
        author: Names = None,
        lang: Names = None,
        since: DateLike = None,
        until: DateLike = None,
        count: str = "articles",
    ) -> list[TimelineBucket]:
        """Matches per day, week, month or year, empty periods included: attention over
        time, in articles or (`count="stories"`) in distinct stories."""
        check_count(count)
        request = build_request(
            query,
            source=source,
            author=author,
            lang=lang,
            since=since,
            until=until,
            limit=1,
        )
        facet = f"{STORY_PREFIX}day" if count == "stories" else "day"
        result = self.engine.search(dataclasses.replace(request, facets=(facet,), snippets=False))
        if count == "stories":
            return story_timeline(result.facets[facet], interval)
        return timeline(result.facets[facet], interval)

    def similar(self, article_id: str, *, limit: int = 10) -> SearchResult:
        """The articles closest to one article (more like this), best first."""
        article = self.get(article_id)
        node = similar_query(self.engine, article, len(self))
        if node is None:
            return SearchResult((), 0)
        request = SearchRequest(query=node, limit=limit + 1)
        result = self.engine.search(request)
        hits = tuple(
            Hit(h.article, h.score, h.snippet) for h in result.hits if h.article.id != article_id
        )[:limit]
        return SearchResult(hits, max(0, result.total - 1))

    def stats(self) -> Stats:
        """Counts by source and by month, over the whole index."""
        facets = self.search(limit=1, facets=("source", "month")).facets
        return Stats(
            articles=len(self),
            by_source=dict(sorted(facets["source"].items())),
            by_month=dict(sorted(facets["month"].items())),
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

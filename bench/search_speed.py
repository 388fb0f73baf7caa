"""Latency of each kind of research query, per engine, at 100k articles.

    python bench/search_speed.py [--articles 100000] [--whoosh-articles 10000]
                                 [--queries 40] [--engines tantivy,whoosh] [--data DIR]

Builds the same synthetic corpus as bench/index_speed.py (sentences of the AEB ground
truth, 2015-2025 dates, ~200 sources, 0-2 authors), then times, for each query kind, a
fixed set of calls through the public API: phrase, boolean, field, date range, facet by
source (whole match set), timeline by month, similar (more like this). Prints p50/p95/p99
per kind and engine. A benchmark run by hand, not a test.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from index_speed import (  # noqa: E402
    DEFAULT_DATA,
    Pool,
    build_index,
    date_range,
    format_table,
    iter_articles,
    load_pool,
    machine,
    percentile,
    phrase,
    query_word,
    two_words,
)

from newsdex import Corpus  # noqa: E402

KINDS = ("phrase", "boolean", "field", "date range", "facet source", "timeline month", "similar")
TARGET_P99_MS = 50.0
DEFAULT_ENGINE = "tantivy"
Call = Callable[[Corpus], Any]


def make_calls(kind: str, rng: random.Random, pool: Pool, articles: int) -> Call:
    """One timed call of the given kind; its arguments are drawn now, deterministically."""
    if kind == "phrase":
        text = phrase(rng, pool)
        return lambda c: c.search(text)
    if kind == "boolean":
        a, b = two_words(rng, pool)
        text = f"({a} OR {b}) AND NOT {query_word(rng, pool)}"
        return lambda c: c.search(text)
    if kind == "field":
        text = f"headline:{query_word(rng, pool)} OR author:{rng.choice(['novak', 'silva'])}"
        return lambda c: c.search(text)
    if kind == "date range":
        since, until = date_range(rng)
        text = f"{query_word(rng, pool)} date:[{since} TO {until}]"
        return lambda c: c.search(text)
    if kind == "facet source":
        text = query_word(rng, pool)
        return lambda c: c.search(text, facets=("source",), limit=10)
    if kind == "timeline month":
        text = query_word(rng, pool)
        return lambda c: c.timeline(text, interval="month")
    article_id = f"bench-{rng.randrange(articles):07d}"
    return lambda c: c.similar(article_id)


def measure(corpus: Corpus, pool: Pool, queries: int, articles: int) -> dict[str, list[float]]:
    """Milliseconds per call, by kind (after two warm-up calls of each kind)."""
    rng = random.Random(1)
    times: dict[str, list[float]] = {}
    for kind in KINDS:
        calls = [make_calls(kind, rng, pool, articles) for _ in range(queries + 2)]
        for call in calls[:2]:
            call(corpus)
        samples = []
        for call in calls[2:]:
            start = time.perf_counter()
            call(corpus)
            samples.append((time.perf_counter() - start) * 1000)
        times[kind] = samples
    return times


def run_engine(engine: str, count: int, pool: Pool, queries: int) -> dict[str, list[float]]:
    folder = Path(tempfile.mkdtemp(prefix=f"newsdex-search-{engine}-"))
    try:
        build_index(folder / "index", engine, iter_articles(pool, count, seed=0), batch=1000)
        with Corpus.open(folder / "index") as corpus:
            return measure(corpus, pool, queries, count)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report(results: dict[str, tuple[int, dict[str, list[float]]]]) -> str:
    rows = []
    verdicts = []
    for kind in KINDS:
        for engine, (count, times) in results.items():
            t = times[kind]
            p50, p95, p99 = (percentile(t, f) for f in (0.5, 0.95, 0.99))
            rows.append([kind, engine, f"{count:,}", f"{p50:.2f}", f"{p95:.2f}", f"{p99:.2f}"])
            if engine == DEFAULT_ENGINE:
                ok = p99 <= TARGET_P99_MS
                verdicts.append([kind, f"{p99:.1f} ms", "PASS" if ok else "FAIL"])
    header = ["query kind", "engine", "articles", "p50 ms", "p95 ms", "p99 ms"]
    target = format_table(
        [f"{DEFAULT_ENGINE} p99 <= {TARGET_P99_MS:g} ms", "p99", "result"], verdicts
    )
    return format_table(header, rows) + "\n\n" + target


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--whoosh-articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=40, help="timed calls per kind")
    parser.add_argument("--engines", default="tantivy,whoosh")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    pool = load_pool(args.data)
    results = {}
    for engine in args.engines.split(","):
        count = args.whoosh_articles if engine == "whoosh" else args.articles
        print(f"measuring {engine} with {count:,} articles", file=sys.stderr)
        results[engine] = (count, run_engine(engine, count, pool, args.queries))
    info = machine()
    print(
        f"machine: {info['cpus']} CPUs, Python {info['python']}, load avg "
        f"{info['load_avg_1m']:.2f}; tantivy-py {info['tantivy']}, whoosh {info['whoosh']}"
    )
    print(f"{args.queries} timed calls per kind (after 2 warm-up), limit 10, snippets on\n")
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

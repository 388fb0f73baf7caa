"""Indexing speed, index size, query latency and peak memory, per search engine.

    python bench/index_speed.py [--articles 100000] [--whoosh-articles 10000]
                                [--engines tantivy,whoosh] [--repeat 1] [--seed 0]
                                [--data DIR] [--json-out FILE]

Builds synthetic articles deterministically from the sentences of the article bodies in
the ground truth of the article-extraction benchmark (AEB), indexes them through the
public API (`Corpus.open`, `add` in batches, `commit`) and runs a fixed mix of queries
through `Corpus.search` (with snippets). Each engine runs in its own subprocess, so the
peak RSS reported is that engine's alone. A benchmark run by hand, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import logging
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from newsdex.corpus import Corpus
from newsdex.index import DEFAULT_ENGINE
from newsdex.models import Article

logger = logging.getLogger(__name__)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aeb"
TARGET_RATE = 3_000.0
"""Articles per second the default engine must index."""
TARGET_P99_MS = 20.0
"""p99 query latency the default engine must meet at `TARGET_AT` articles."""
TARGET_AT = 100_000
QUERY_KINDS = ("term", "and", "phrase", "source", "date", "mix")
WARMUP_QUERIES = 10
FIRST_DAY = dt.date(2015, 1, 1).toordinal()
LAST_DAY = dt.date(2025, 12, 31).toordinal()
OFFSETS = ("+00:00", "+01:00", "+02:00", "-05:00", "-08:00", "+05:30", "+09:00")
SOURCE_WORDS = (
    ("Daily", "Evening", "Morning", "Weekly", "National", "Coastal", "Valley", "Metro"),
    ("Herald", "Tribune", "Post", "Courier", "Gazette", "Chronicle", "Observer", "Times"),
)
FIRST_NAMES = ("Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hiro", "Ines")
LAST_NAMES = ("Novak", "Okafor", "Schmidt", "Tanaka", "Silva", "Kowalski", "Moreau", "Reyes")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_WORD = re.compile(r"[^\W_]+")
_OPERATORS = frozenset({"AND", "OR", "NOT"})


# -- synthetic corpus ----------------------------------------------------------


@dataclass(frozen=True)
class Pool:
    """What synthetic articles and queries are drawn from."""

    sentences: tuple[str, ...]
    vocabulary: tuple[str, ...]
    """Distinct words (alphabetic, 3+ letters) of the sentences, sorted."""
    sources: tuple[str, ...]


def load_pool(data_dir: Path, n_sources: int = 200) -> Pool:
    """Sentences of every ground-truth article body, their vocabulary, and source names."""
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    sentences: list[str] = []
    for key in sorted(truth):
        for line in truth[key]["articleBody"].splitlines():
            for sentence in _SENTENCE_END.split(line.strip()):
                if 4 <= len(sentence.split()) <= 80:
                    sentences.append(sentence)
    words = {w for s in sentences for w in _WORD.findall(s) if w.isalpha() and len(w) >= 3}
    return Pool(tuple(sentences), tuple(sorted(words)), source_names(n_sources))


def source_names(count: int) -> tuple[str, ...]:
    """`count` distinct names like "Daily Herald 17"."""
    stems = [f"{a} {b}" for a in SOURCE_WORDS[0] for b in SOURCE_WORDS[1]]
    return tuple(f"{stems[i % len(stems)]} {i // len(stems) + 1}" for i in range(count))


def random_date(rng: random.Random) -> str:
    """A day in 2015-2025; one in four also has a time and a UTC offset."""
    day = dt.date.fromordinal(rng.randint(FIRST_DAY, LAST_DAY)).isoformat()
    if rng.random() >= 0.25:
        return day
    return f"{day}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00{rng.choice(OFFSETS)}"


def random_body(rng: random.Random, pool: Pool) -> str:
    """8-40 sentences, in paragraphs of 1-4 sentences."""
    sentences = rng.choices(pool.sentences, k=rng.randint(8, 40))
    paragraphs = []
    while sentences:
        size = rng.randint(1, 4)
        paragraphs.append(" ".join(sentences[:size]))
        sentences = sentences[size:]
    return "\n\n".join(paragraphs)


def random_article(rng: random.Random, pool: Pool, number: int) -> Article:
    """One synthetic, already-clean article; `number` makes its id unique."""
    headline = " ".join(rng.choices(pool.vocabulary, k=rng.randint(8, 14)))
    source = rng.choice(pool.sources)
    authors = tuple(
        f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(rng.randint(0, 2))
    )
    date = random_date(rng)
    article_id = f"bench-{number:07d}"
    slug = source.lower().replace(" ", "-")
    return Article(
        id=article_id,
        headline=headline[:1].upper() + headline[1:],
        body=random_body(rng, pool),
        date=date,
        source=source,
        authors=authors,
        url=f"https://{slug}.example/{date[:4]}/{date[5:7]}/{article_id}",
        language="en",
    )


def iter_articles(pool: Pool, count: int, seed: int) -> Iterator[Article]:
    """The same `count` articles for the same pool and seed, generated lazily."""
    rng = random.Random(seed)
    for number in range(count):
        yield random_article(rng, pool, number)


# -- queries -------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    """One `Corpus.search` call: query text plus filters."""

    kind: str
    text: str
    source: tuple[str, ...] | None = None
    since: str | None = None
    until: str | None = None


def sentence_words(rng: random.Random, pool: Pool) -> list[str]:
    """The words of a random sentence with at least four of them (lower-cased)."""
    while True:
        words = [w.lower() for w in _WORD.findall(rng.choice(pool.sentences))]
        if len(words) >= 4:
            return words


def query_word(rng: random.Random, pool: Pool) -> str:
    """A word of 3+ letters from a real sentence (so common and rare words both occur)."""
    while True:
        word = rng.choice(sentence_words(rng, pool))
        if word.isalpha() and len(word) >= 3 and word.upper() not in _OPERATORS:
            return word


def two_words(rng: random.Random, pool: Pool) -> tuple[str, str]:
    """Two different words of one real sentence, so some articles hold both."""
    while True:
        words = [w for w in sentence_words(rng, pool) if w.isalpha() and len(w) >= 3]
        if len(set(words)) >= 2:
            first, second = rng.sample(sorted(set(words)), 2)
            return first, second


def phrase(rng: random.Random, pool: Pool) -> str:
    """2-3 consecutive words of a real sentence, as a quoted phrase."""
    words = sentence_words(rng, pool)
    size = rng.randint(2, 3)
    start = rng.randrange(len(words) - size + 1)
    return '"' + " ".join(words[start : start + size]) + '"'


def date_range(rng: random.Random) -> tuple[str, str]:
    """A window of 1 month to 2 years inside 2015-2025."""
    span = rng.randint(30, 730)
    start = rng.randint(FIRST_DAY, LAST_DAY - span)
    return dt.date.fromordinal(start).isoformat(), dt.date.fromordinal(start + span).isoformat()


def mixed_query(rng: random.Random, pool: Pool) -> BenchQuery:
    """Fielded words, OR, NOT and a phrase, with a source list and a date window."""
    first, second = two_words(rng, pool)
    shapes = (
        f"{first} {second} -{query_word(rng, pool)}",
        f"headline:{query_word(rng, pool)} OR body:{first}",
        f"{phrase(rng, pool)} OR ({first} AND {second})",
    )
    since, until = date_range(rng)
    sources = tuple(rng.sample(pool.sources, 20))
    return BenchQuery("mix", rng.choice(shapes), sources, since, until)


def make_query(kind: str, rng: random.Random, pool: Pool) -> BenchQuery:
    """One query of the given kind."""
    if kind == "term":
        return BenchQuery(kind, query_word(rng, pool))
    if kind == "and":
        first, second = two_words(rng, pool)
        return BenchQuery(kind, f"{first} AND {second}")
    if kind == "phrase":
        return BenchQuery(kind, phrase(rng, pool))
    if kind == "source":
        return BenchQuery(kind, query_word(rng, pool), source=(rng.choice(pool.sources),))
    if kind == "date":
        since, until = date_range(rng)
        return BenchQuery(kind, query_word(rng, pool), since=since, until=until)
    return mixed_query(rng, pool)


def make_queries(pool: Pool, count: int, seed: int) -> list[BenchQuery]:
    """`count` queries cycling through every kind, the same for the same seed."""
    rng = random.Random(seed)
    kinds = itertools.cycle(QUERY_KINDS)
    return [make_query(next(kinds), rng, pool) for _ in range(count)]


# -- measuring one engine (in its own process) ---------------------------------


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs KiB


def folder_bytes(folder: Path) -> int:
    """Total size of the files under `folder`."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def batched(items: Iterator[Article], size: int) -> Iterator[list[Article]]:
    """Lists of up to `size` items."""
    while batch := list(itertools.islice(items, size)):
        yield batch


def build_index(
    folder: Path, engine: str, articles: Iterator[Article], batch: int, stories: bool = False
) -> dict[str, float]:
    """Index `articles` into a new corpus in `folder`; time spent in add() and commit().

    Generating the synthetic articles happens between the timed calls and is not counted.
    """
    add_seconds = 0.0
    corpus = Corpus.open(folder, engine=engine, stories=stories)
    try:
        for chunk in batched(articles, batch):
            start = time.perf_counter()
            corpus.add(chunk)
            add_seconds += time.perf_counter() - start
        start = time.perf_counter()
        corpus.commit()
        commit_seconds = time.perf_counter() - start
    finally:
        corpus.close()
    return {"add_s": add_seconds, "commit_s": commit_seconds}


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear-interpolated percentile of `values` (fraction in 0..1)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def run_query(corpus: Corpus, query: BenchQuery, limit: int) -> tuple[float, int]:
    """(milliseconds, hits.total) of one search with snippets."""
    start = time.perf_counter()
    result = corpus.search(
        query.text, source=query.source, since=query.since, until=query.until, limit=limit
    )
    return (time.perf_counter() - start) * 1000, result.total


def latency_summary(samples: Sequence[tuple[float, int]]) -> dict[str, Any]:
    """p50/p95/p99 latency (ms) and the median number of matching articles."""
    times = [ms for ms, _ in samples]
    return {
        "count": len(samples),
        "p50_ms": percentile(times, 0.50),
        "p95_ms": percentile(times, 0.95),
        "p99_ms": percentile(times, 0.99),
        "median_total": statistics.median(total for _, total in samples),
        "empty": sum(1 for _, total in samples if total == 0),
    }


def measure_queries(
    folder: Path, queries: Sequence[BenchQuery], warmup: Sequence[BenchQuery]
) -> dict[str, Any]:
    """Latency over `queries` on the committed index in `folder`, overall and per kind."""
    corpus = Corpus.open(folder, create=False)
    try:
        for query in warmup:
            run_query(corpus, query, limit=10)
        samples = [(query.kind, run_query(corpus, query, limit=10)) for query in queries]
    finally:
        corpus.close()
    result = latency_summary([s for _, s in samples])
    result["by_kind"] = {
        kind: latency_summary([s for k, s in samples if k == kind]) for kind in QUERY_KINDS
    }
    return result


def measure_engine(args: argparse.Namespace, engine: str) -> dict[str, Any]:
    """Everything measured for one engine; meant to run in a process of its own."""
    pool = load_pool(args.data)
    queries = make_queries(pool, args.queries, args.seed + 1)
    warmup = make_queries(pool, WARMUP_QUERIES, args.seed + 2)
    baseline_mb = peak_rss_mb()
    runs = []
    with tempfile.TemporaryDirectory(prefix=f"newsdex-bench-{engine}-", dir=args.tmp) as tmp:
        for attempt in range(args.repeat):
            folder = Path(tmp) / f"index-{attempt}"
            articles = iter_articles(pool, args.articles, args.seed)
            runs.append(build_index(folder, engine, articles, args.batch, args.stories))
            log_run(engine, args.articles, runs[-1])
            if attempt + 1 < args.repeat:
                shutil.rmtree(folder)
        index_bytes = folder_bytes(folder)
        query_result = measure_queries(folder, queries, warmup)
    rates = [args.articles / (run["add_s"] + run["commit_s"]) for run in runs]
    return {
        "engine": engine,
        "articles": args.articles,
        "batch": args.batch,
        "runs": runs,
        "index_rates": rates,
        "index_rate": statistics.median(rates),
        "index_bytes": index_bytes,
        "bytes_per_article": index_bytes / args.articles,
        "baseline_rss_mb": baseline_mb,
        "peak_rss_mb": peak_rss_mb(),
        "queries": query_result,
    }


def log_run(engine: str, count: int, run: dict[str, float]) -> None:
    """One progress line per indexing run, on stderr."""
    total = run["add_s"] + run["commit_s"]
    logger.info(
        "%s: %d articles in %.1f s (add %.1f s, commit %.1f s): %.0f articles/s",
        engine,
        count,
        total,
        run["add_s"],
        run["commit_s"],
        count / total,
    )


# -- driver --------------------------------------------------------------------


def engine_articles(args: argparse.Namespace, engine: str) -> int:
    """How many articles an engine is measured with (whoosh gets fewer)."""
    return args.whoosh_articles if engine == "whoosh" else args.articles


def run_in_subprocess(args: argparse.Namespace, engine: str) -> dict[str, Any]:
    """Measure one engine in a fresh interpreter; its JSON result comes back on stdout."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--one-engine",
        engine,
        "--articles",
        str(engine_articles(args, engine)),
        "--seed",
        str(args.seed),
        "--data",
        str(args.data),
        "--repeat",
        str(args.repeat),
        "--batch",
        str(args.batch),
        "--queries",
        str(args.queries),
    ]
    if args.tmp:
        command += ["--tmp", str(args.tmp)]
    if args.stories:
        command.append("--stories")
    logger.info("measuring %s with %d articles", engine, engine_articles(args, engine))
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_avg_1m": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "tantivy": version("tantivy"),
        "whoosh": version("whoosh-reloaded"),
    }


def targets(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """PASS/FAIL of the default engine against the indexing and latency targets."""
    found = [r for r in results if r["engine"] == DEFAULT_ENGINE]
    if not found:
        return []
    result = found[0]
    note = "" if result["articles"] >= TARGET_AT else f"measured at {result['articles']:,}"
    rate = result["index_rate"]
    p99 = result["queries"]["p99_ms"]
    return [
        {
            "target": f"{DEFAULT_ENGINE} indexing >= {TARGET_RATE:,.0f} articles/s",
            "value": f"{rate:,.0f}/s",
            "pass": rate >= TARGET_RATE,
            "note": note,
        },
        {
            "target": f"{DEFAULT_ENGINE} p99 query latency <= {TARGET_P99_MS:g} ms @ 100k",
            "value": f"{p99:.1f} ms",
            "pass": p99 <= TARGET_P99_MS,
            "note": note,
        },
    ]


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def main_table(results: Sequence[dict[str, Any]]) -> str:
    """One row per engine: indexing, size, memory, overall latency."""
    header = ["engine", "articles", "index art/s", "B/article", "peak RSS MB"]
    header += ["p50 ms", "p95 ms", "p99 ms", "median hits"]
    rows = []
    for r in results:
        q = r["queries"]
        rows.append(
            [
                r["engine"],
                f"{r['articles']:,}",
                f"{r['index_rate']:,.0f}",
                f"{r['bytes_per_article']:,.0f}",
                f"{r['peak_rss_mb']:,.0f}",
                f"{q['p50_ms']:.2f}",
                f"{q['p95_ms']:.2f}",
                f"{q['p99_ms']:.2f}",
                f"{q['median_total']:,.0f}",
            ]
        )
    return format_table(header, rows)


def kind_table(results: Sequence[dict[str, Any]]) -> str:
    """Latency per query kind and engine."""
    header = ["query kind", "engine", "n", "p50 ms", "p99 ms", "median hits", "empty"]
    rows = []
    for kind in QUERY_KINDS:
        for r in results:
            k = r["queries"]["by_kind"][kind]
            rows.append(
                [
                    kind,
                    r["engine"],
                    str(k["count"]),
                    f"{k['p50_ms']:.2f}",
                    f"{k['p99_ms']:.2f}",
                    f"{k['median_total']:,.0f}",
                    str(k["empty"]),
                ]
            )
    return format_table(header, rows)


def target_table(checks: Sequence[dict[str, Any]]) -> str:
    """The targets with PASS/FAIL."""
    rows = [[c["target"], c["value"], "PASS" if c["pass"] else "FAIL", c["note"]] for c in checks]
    return format_table(["target", "measured", "result", "note"], rows)


def report(args: argparse.Namespace, info: dict[str, Any], results: list, checks: list) -> str:
    """Everything printed at the end of a run."""
    rates = "; ".join(
        f"{r['engine']} " + ", ".join(f"{x:,.0f}" for x in r["index_rates"]) for r in results
    )
    lines = [
        f"machine: {info['cpus']} CPUs, Python {info['python']}, {info['platform']}, "
        f"load avg {info['load_avg_1m']:.2f}; tantivy-py {info['tantivy']}, "
        f"whoosh-reloaded {info['whoosh']}",
        f"seed {args.seed}, batch {args.batch}, repeat {args.repeat} (median reported; "
        f"runs: {rates} articles/s), {args.queries} queries + {WARMUP_QUERIES} warm-up, "
        "limit 10, snippets on",
        "",
        main_table(results),
        "",
        kind_table(results),
        "",
        target_table(checks),
        "",
        "index art/s: add() + commit() of already-clean articles (generation not timed); "
        "B/article: index folder size / articles",
        "peak RSS: ru_maxrss of the engine's own process; before indexing it was "
        + ", ".join(f"{r['engine']} {r['baseline_rss_mb']:.0f} MB" for r in results),
        "median hits: median of hits.total; empty: queries with no hit",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles per engine")
    parser.add_argument("--whoosh-articles", type=int, default=10_000, help="for whoosh")
    parser.add_argument("--engines", default="tantivy,whoosh", help="comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="AEB folder")
    parser.add_argument("--repeat", type=int, default=1, help="indexing runs (median)")
    parser.add_argument("--batch", type=int, default=1_000, help="articles per add()")
    parser.add_argument(
        "--stories",
        action="store_true",
        help="index with story clustering on (off by default: this measures the engine; "
        "bench/stories_cost.py --engine-only measures clustering's cost)",
    )
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--tmp", type=Path, default=None, help="where to build indexes")
    parser.add_argument("--json-out", type=Path, default=None, help="write results here")
    parser.add_argument("--one-engine", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each engine in a subprocess, print the tables, optionally write JSON."""
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    args = parse_args(argv)
    if args.one_engine:
        json.dump(measure_engine(args, args.one_engine), sys.stdout)
        return 0
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    info = machine()
    results = [run_in_subprocess(args, engine) for engine in engines]
    checks = targets(results)
    print(report(args, info, results, checks))
    if args.json_out:
        payload = {"machine": info, "options": options(args), "results": results}
        payload["targets"] = checks
        args.json_out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0 if all(c["pass"] for c in checks) else 1


def options(args: argparse.Namespace) -> dict[str, Any]:
    """The options of a run, JSON-ready."""
    return {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}


if __name__ == "__main__":
    sys.exit(main())

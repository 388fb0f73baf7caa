"""What story clustering adds to indexing: end to end, and engine-only.

    python bench/stories_cost.py --articles 100000 [--repeat 2] [--seed 0]
    python bench/stories_cost.py --files 100000 [--data DIR] [--repeat 1]
    python bench/stories_cost.py --engine-only 100000 [--repeat 3] [--batch 1000]

`--articles N` writes N copied-page text files of synthetic stories (headline, byline,
dateline, 8-40 real sentences from the AEB bodies, a day in 2015-2025, and a site's menu,
share, subscription, related-link and footer lines around them): 70% new stories, 20%
near-duplicates of an earlier story carried by another site (about a tenth of its
sentences dropped, its own headline), 10% exact copies on another site's page. That is the
issue's "100k articles": 86,770 distinct articles in 69,162 stories at N = 100,000.
`--files N` writes N copies of the 181 AEB text pages instead (each with its own closing
line, which the cleaner mostly drops: about 1,100 distinct articles). Either folder is
indexed into a fresh tantivy index with story clustering off and on, interleaved, through
the public API (`Corpus.open(..., stories=...)`, `index_paths`); the table gives the
median wall time of each and the ratio. `--engine-only N` indexes N already-extracted
synthetic articles (bench/index_speed.py's `iter_articles`) through `Corpus.add` in
batches and `commit`, off and on, interleaved. A benchmark run by hand, not a test.

Measured on the shared 2-core machine (its speed varies by +-15% between runs):
    --articles 100000 --repeat 2   off 244.1 s, on 272.9 s: +11.8% (PASS)
Before articles were clustered in batches (one at a time, between extractions) the same
corpus measured off 249.7 s, on 355.0 s: +42.2%; per phase, the extraction itself ran 15%
slower with clustering on (the index's tables and the extractor's evicting each other
from the processor's caches), besides the features (0.25 ms an article) and linking.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsdex import Corpus, index_paths

sys.path.insert(0, str(Path(__file__).resolve().parent))
from index_speed import (  # noqa: E402
    FIRST_DAY,
    FIRST_NAMES,
    LAST_DAY,
    LAST_NAMES,
    Pool,
    build_index,
    iter_articles,
    load_pool,
    random_body,
)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aeb"
TARGET = 0.25


def write_files(data: Path, folder: Path, count: int) -> None:
    """`count` files cycling through the AEB text pages, each with its own last line."""
    pages = sorted((data / "text").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in pages]
    folder.mkdir(parents=True)
    for i in range(count):
        text = texts[i % len(texts)]
        note = f"\n\nThis copy was filed as number {i} of the archive batch {i // len(texts)}.\n"
        (folder / f"{i:06d}.txt").write_text(text + note, encoding="utf-8")


SECTIONS = ("World", "Business", "Politics", "Sport", "Science", "Opinion", "Culture", "Local")


@dataclass(frozen=True)
class Story:
    """One synthetic article as a site publishes it."""

    headline: str
    day: dt.date
    paragraphs: tuple[str, ...]
    author: str


def new_story(rng: random.Random, pool: Pool) -> Story:
    """A headline, a day in 2015-2025 and 8-40 real sentences in paragraphs."""
    headline = " ".join(rng.choices(pool.vocabulary, k=rng.randint(7, 12)))
    day = dt.date.fromordinal(rng.randint(FIRST_DAY, LAST_DAY))
    author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    body = random_body(rng, pool).split("\n\n")
    return Story(headline[:1].upper() + headline[1:], day, tuple(body), author)


def near_copy(rng: random.Random, story: Story) -> Story:
    """The same story as another site carries it: about a tenth of its sentences dropped,
    its own headline (the near-duplicates of the issue: >= 80% of the text shared)."""
    paragraphs = []
    for paragraph in story.paragraphs:
        kept = [s for s in paragraph.split(". ") if rng.random() >= 0.1]
        if kept:
            paragraphs.append(". ".join(kept))
    headline = f"{story.headline.split()[0]} {rng.choice(SECTIONS).lower()} update"
    return dataclasses.replace(story, headline=headline, paragraphs=tuple(paragraphs or ["x"]))


def page(rng: random.Random, story: Story, site: str, teaser: str) -> str:
    """The story as text copied from a news site: menu, share and subscription lines,
    byline and dateline, the body, a related link, a footer."""
    menu = " | ".join(["Home", *rng.sample(SECTIONS, 5)])
    stamp = f"{story.day:%d %B %Y}, {rng.randrange(24):02d}:{rng.randrange(60):02d} GMT"
    lines = [
        site, menu, "Subscribe to our newsletter", "", rng.choice(SECTIONS), "",
        story.headline, "", f"By {story.author}", f"Published: {stamp}",
        "Share on Facebook | Share on X | Email", "",
        "\n\n".join(story.paragraphs), "",
        f"Also read: {teaser}", "", "Most popular", teaser, "",
        f"© {story.day.year + 1} {site}. All rights reserved.", "Privacy Policy | Terms of Use",
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def write_articles(data: Path, folder: Path, count: int, seed: int) -> None:
    """`count` copied-page files of synthetic stories, as a news corpus holds them: most
    (70%) new stories, 20% near-duplicates of an earlier one carried by another site and
    10% exact copies (same body, another site's page around it)."""
    rng = random.Random(seed)
    pool = load_pool(data)
    stories: list[Story] = []
    folder.mkdir(parents=True)
    for i in range(count):
        roll = rng.random()
        if stories and roll < 0.1:
            story = rng.choice(stories)
        elif stories and roll < 0.3:
            story = near_copy(rng, rng.choice(stories))
        else:
            story = new_story(rng, pool)
            stories.append(story)
        site = rng.choice(pool.sources)
        teaser = rng.choice(stories).headline
        (folder / f"{i:06d}.txt").write_text(page(rng, story, site, teaser), encoding="utf-8")


def run(folder: Path, index: Path, stories: bool) -> tuple[float, str]:
    """Seconds to index `folder` into a new index, and what it then holds (not timed);
    the index is deleted afterwards."""
    start = time.perf_counter()
    with Corpus.open(index, stories=stories) as corpus:
        index_paths(corpus, [folder], batch_size=500)
    seconds = time.perf_counter() - start
    with Corpus.open(index) as corpus:
        stored = len(corpus)
        clusters = corpus.search("", count="stories", limit=1).stories if stories else None
    shutil.rmtree(index)
    held = f"{stored:,} articles" + (f", {clusters:,} stories" if clusters is not None else "")
    return seconds, held


def engine_only(args: argparse.Namespace) -> int:
    """Median seconds of `Corpus.add` + `commit` over synthetic articles, off vs on."""
    pool = load_pool(args.data)
    count = args.engine_only
    with tempfile.TemporaryDirectory(prefix="newsdex-stories-") as tmp:

        def timed(r: int, stories: bool) -> float:
            articles = iter_articles(pool, count, args.seed)
            folder = Path(tmp) / f"index-{r}-{stories}"
            run = build_index(folder, "tantivy", articles, args.batch, stories)
            return float(run["add_s"] + run["commit_s"])

        times = interleaved(args.repeat, timed)
    title = (
        f"{count:,} synthetic already-extracted articles, tantivy, Corpus.add batch "
        f"{args.batch}, median of {args.repeat} interleaved runs"
    )
    return report(title, times, count, "art")


def interleaved(repeat: int, timed: Callable[[int, bool], float]) -> dict[bool, list[float]]:
    """Seconds of `timed(round, stories)` for each round, clustering off then on in turn,
    so both sides see the same machine load."""
    times: dict[bool, list[float]] = {True: [], False: []}
    for r in range(repeat):
        for stories in (False, True):
            times[stories].append(timed(r, stories))
    return times


def report(title: str, times: dict[bool, list[float]], count: int, unit: str) -> int:
    """The table: median seconds, items per second and µs per item, off and on."""
    print(title)
    print(f"{'stories':<8} {'seconds':>8} {unit + 's/s':>8} {'µs/' + unit:>7}  runs")
    for label, stories in (("off", False), ("on", True)):
        median = statistics.median(times[stories])
        runs = ", ".join(f"{t:.1f}" for t in times[stories])
        rate, micros = count / median, median / count * 1e6
        print(f"{label:<8} {median:>8.1f} {rate:>8,.1f} {micros:>7.0f}  {runs}")
    return verdict(statistics.median(times[False]), statistics.median(times[True]))


def verdict(off: float, on: float) -> int:
    ratio = on / off - 1
    result = "PASS" if ratio <= TARGET else "FAIL"
    print(f"clustering adds {ratio:.1%} to indexing time (target <= {TARGET:.0%}): {result}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--articles", type=int, default=0, metavar="N", help="N synthetic-story files instead"
    )
    parser.add_argument("--engine-only", type=int, default=0, metavar="N")
    parser.add_argument("--batch", type=int, default=1_000, help="articles per add()")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.engine_only:
        return engine_only(args)
    count = args.articles or args.files
    with tempfile.TemporaryDirectory(prefix="newsdex-stories-") as tmp:
        folder = Path(tmp) / "docs"
        if args.articles:
            write_articles(args.data, folder, count, args.seed)
        else:
            write_files(args.data, folder, count)
        held: dict[bool, str] = {}

        def timed(r: int, stories: bool) -> float:
            seconds, held[stories] = run(folder, Path(tmp) / f"index-{r}-{stories}", stories)
            return seconds

        times = interleaved(args.repeat, timed)
    kind = "synthetic-story" if args.articles else "AEB-copy"
    title = (
        f"{count:,} {kind} copied-page files, tantivy, batch 500, median of {args.repeat} "
        f"interleaved runs\nindex holds: off {held[False]}; on {held[True]}"
    )
    return report(title, times, count, "file")


if __name__ == "__main__":
    sys.exit(main())

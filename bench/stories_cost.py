"""What story clustering adds to a real `newsdex index` run, end to end.

    python bench/stories_cost.py [--files 5000] [--data DIR] [--repeat 3]

Writes `--files` copied-page text files made from the AEB text pages (each page repeated
with one distinct closing sentence, so every file is its own article and a page's copies
are near-duplicates of each other, as a real news corpus holds them), then indexes the
folder into a fresh tantivy index with story clustering on and off, through the public
API (`Corpus.open(..., stories=...)`, `index_paths`). Prints the median time of each and
the ratio. A benchmark run by hand, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from newsdex import Corpus, index_paths

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


def run(folder: Path, index: Path, stories: bool) -> tuple[float, int]:
    start = time.perf_counter()
    with Corpus.open(index, stories=stories) as corpus:
        report = index_paths(corpus, [folder], batch_size=500)
    return time.perf_counter() - start, report.indexed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsdex-stories-") as tmp:
        folder = Path(tmp) / "docs"
        write_files(args.data, folder, args.files)
        times: dict[bool, list[float]] = {True: [], False: []}
        indexed = 0
        for r in range(args.repeat):
            for stories in (False, True):  # interleaved: both see the same machine load
                seconds, indexed = run(folder, Path(tmp) / f"index-{r}-{stories}", stories)
                times[stories].append(seconds)
        off, on = statistics.median(times[False]), statistics.median(times[True])
    ratio = on / off - 1
    print(
        f"{args.files:,} copied-page files ({indexed:,} articles), tantivy, batch 500, "
        f"median of {args.repeat} interleaved runs"
    )
    print(f"{'stories':<8} {'seconds':>8} {'files/s':>8}  runs")
    for label, stories in (("off", False), ("on", True)):
        median = statistics.median(times[stories])
        runs = ", ".join(f"{t:.1f}" for t in times[stories])
        print(f"{label:<8} {median:>8.1f} {args.files / median:>8.1f}  {runs}")
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(f"clustering adds {ratio:.1%} to indexing time (target <= {TARGET:.0%}): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

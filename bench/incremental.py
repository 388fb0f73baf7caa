"""Incremental, crash-safe indexing: nothing lost or duplicated under SIGKILL; fast re-runs.

    python bench/incremental.py [--part kills|rerun|both] [--kill-files 10000]
                                [--cycles 20] [--files 100000] [--engine tantivy] [--seed 0]

1. kills: write `--kill-files` article files, then `--cycles` times: change some files,
   delete some, add some, start `newsdex index --prune` and SIGKILL it at a random moment.
   Then one run to the end, and a reference index built in one go from the final files.
   Prints how many articles were lost (in the reference, not in the index), duplicated
   (an id stored twice) and stale (in the index, not in the reference), and `check`.
   Files the index holds byte for byte as they are now but under another id are counted
   apart ("extractor changed"): the cleaning code was edited between the two runs.
2. rerun: index `--files` files, then index them again unchanged; the second run must
   take under 10% of the first's time.

Files are small real-looking articles (headline, date line, source, body paragraphs)
made from the article bodies of the AEB ground truth. Runs the `newsdex` command in
subprocesses, as a user would. A benchmark run by hand, not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from newsdex.corpus import Corpus
from newsdex.state import STATE_FILE

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aeb"
SOURCES = ("Reuters", "The Daily Herald", "Valley Courier", "Metro Times", "Coastal Post")
BATCH = 200


def bodies() -> list[str]:
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    texts = [" ".join(v["articleBody"].split()) for v in truth.values()]
    return [t for t in texts if len(t.split()) >= 40]


def article_text(n: int, version: int, texts: list[str]) -> str:
    """An article as copied from a page: headline, date, source, paragraphs."""
    rng = random.Random(n * 7919 + version)
    words = texts[n % len(texts)].split()
    start = rng.randrange(0, max(1, len(words) - 60))
    headline = " ".join(words[start : start + 8]).strip(".,;:") + f" — report {n}.{version}"
    body = words[start : start + rng.randrange(60, 200)]
    paragraphs = [" ".join(body[i : i + 40]) for i in range(0, len(body), 40)]
    paragraphs.append(f"This is report number {n}, version {version}.")  # distinct bodies
    day = f"20{10 + n % 14}-{1 + n % 12:02}-{1 + n % 28:02}"
    return "\n\n".join([headline, day, SOURCES[n % len(SOURCES)], *paragraphs]) + "\n"


def write_file(folder: Path, n: int, version: int, texts: list[str]) -> None:
    sub = folder / f"{n // 1000:03}"
    sub.mkdir(parents=True, exist_ok=True)
    (sub / f"{n:06}.txt").write_text(article_text(n, version, texts), encoding="utf-8")


def index_cmd(docs: Path, index: Path, engine: str, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "newsdex", "index", str(docs), "--index", str(index),
        "--engine", engine, "--batch", str(BATCH), "--quiet", "--json", *extra,
    ]  # fmt: skip


def run_index(cmd: list[str]) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"index failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, json.loads(done.stdout)


def stored(index: Path) -> list[tuple[str, str]]:
    """Every stored (id, path), one entry per stored copy (duplicates show as repeats)."""
    with Corpus.open(index, create=False) as corpus:
        rows: list[tuple[str, str]] = []
        while len(rows) < len(corpus):
            page = corpus.search("", limit=10_000, offset=len(rows), sort="date").hits
            if not page:
                break
            rows.extend((h.article.id, h.article.path or "") for h in page)
        return rows


def extractor_changed(index: Path, paths: set[str]) -> set[str]:
    """Of these files, those the index holds exactly as they are now (same sha256 in its
    state): a different id for them comes from the extractor changing between runs (code
    edited while the bench ran), not from an article lost by the index."""
    with sqlite3.connect(index / STATE_FILE) as db:
        known = dict(db.execute("SELECT path, sha256 FROM files"))
    same = set()
    for path in paths:
        full = os.path.abspath(path)
        if (
            Path(full).is_file()
            and known.get(full) == hashlib.sha256(Path(full).read_bytes()).hexdigest()
        ):
            same.add(path)
    return same


def mutate(docs: Path, live: set[int], versions: dict[int, int], rng: random.Random,
           texts: list[str]) -> None:  # fmt: skip
    """Change 2% of the files, delete 0.5%, add 0.5% new ones."""
    n = len(live)
    for i in rng.sample(sorted(live), n // 50):
        versions[i] += 1
        write_file(docs, i, versions[i], texts)
    for i in rng.sample(sorted(live), n // 200):
        (docs / f"{i // 1000:03}" / f"{i:06}.txt").unlink()
        live.discard(i)
    top = max(versions) + 1
    for i in range(top, top + n // 200):
        versions[i] = 0
        live.add(i)
        write_file(docs, i, 0, texts)


def kills(args: argparse.Namespace, work: Path, texts: list[str]) -> None:
    rng = random.Random(args.seed)
    docs, index = work / "docs", work / "index"
    versions = {i: 0 for i in range(args.kill_files)}
    live = set(versions)
    for i in versions:
        write_file(docs, i, 0, texts)
    print(f"{'cycle':>5} {'killed after':>12} {'committed':>9} {'opens':>5} {'query ok':>8}")
    for cycle in range(1, args.cycles + 1):
        if cycle > 1:
            mutate(docs, live, versions, rng, texts)
        proc = subprocess.Popen(
            index_cmd(docs, index, args.engine, "--prune"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        delay = rng.uniform(0.5, args.max_delay)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        opens, count, query_ok = _probe(index)
        print(f"{cycle:>5} {delay:>11.1f}s {count:>9} {opens!s:>5} {query_ok!s:>8}")
    elapsed, summary = run_index(index_cmd(docs, index, args.engine, "--prune"))
    print(f"final run: {elapsed:.1f}s {summary}")
    _compare(docs, index, work / "reference", args.engine, len(live))


def _probe(index: Path) -> tuple[bool, int, bool]:
    """Does the killed run's index open, and does a query agree with its count?"""
    try:
        with Corpus.open(index, create=False) as corpus:
            count = len(corpus)
            return True, count, corpus.search("", limit=1).total == count
    except Exception as exc:  # the point of the bench: report, don't stop
        print(f"  cannot open the index: {type(exc).__name__}: {exc}")
        return False, 0, False


def _compare(docs: Path, index: Path, reference: Path, engine: str, files: int) -> None:
    elapsed, _ = run_index(index_cmd(docs, reference, engine))
    print(f"reference run (one go, fresh index): {elapsed:.1f}s")
    got_rows, want_rows = stored(index), stored(reference)
    got, want = [i for i, _ in got_rows], {i for i, _ in want_rows}
    duplicated = sum(n - 1 for n in Counter(got).values() if n > 1)
    lost_paths = {p for i, p in want_rows if i not in set(got)}
    stale_paths = {p for i, p in got_rows if i not in want}
    drift = extractor_changed(index, lost_paths | stale_paths)
    lost = {i for i, p in want_rows if i not in set(got) and p not in drift}
    stale = {i for i, p in got_rows if i not in want and p not in drift}
    with Corpus.open(index, create=False) as corpus:
        report = corpus.check()
    print()
    print(f"{'files':>7} {'expected':>8} {'indexed':>8} {'lost':>5} {'duplicated':>10} "
          f"{'stale':>5} {'check':>6} {'extractor changed':>17}")  # fmt: skip
    print(
        f"{files:>7} {len(want):>8} {len(got):>8} {len(lost):>5} {duplicated:>10} "
        f"{len(stale):>5} {'ok' if report.ok else 'FAIL':>6} {len(drift):>17}"
    )
    for problem in report.problems:
        print(f"  problem: {problem}")


def rerun(args: argparse.Namespace, work: Path, texts: list[str]) -> None:
    docs, index = work / "docs-rerun", work / "index-rerun"
    start = time.perf_counter()
    for i in range(args.files):
        write_file(docs, i, 0, texts)
    print(f"wrote {args.files} files in {time.perf_counter() - start:.1f}s")
    first, s1 = run_index(index_cmd(docs, index, args.engine))
    second, s2 = run_index(index_cmd(docs, index, args.engine))
    ratio = second / first
    print()
    print(f"{'files':>7} {'first run':>10} {'re-run':>8} {'ratio':>6} {'target':>7} "
          f"{'added':>6} {'unchanged':>9}")  # fmt: skip
    print(
        f"{args.files:>7} {first:>9.1f}s {second:>7.2f}s {ratio:>6.1%} {'< 10%':>7} "
        f"{s1['added']:>6} {s2['unchanged']:>9}  {'PASS' if ratio < 0.10 else 'FAIL'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=["kills", "rerun", "both"], default="both")
    parser.add_argument("--kill-files", type=int, default=10_000)
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--max-delay", type=float, default=8.0,
                        help="Kill each run after a random 0.5..N seconds.")  # fmt: skip
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--engine", default="tantivy")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it.")
    args = parser.parse_args()
    texts = bodies()
    work = args.keep or Path(tempfile.mkdtemp(prefix="newsdex-incremental-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.part in ("kills", "both"):
            print(f"== {args.cycles} kill-and-resume cycles on {args.kill_files} files "
                  f"({args.engine}, --batch {BATCH}) ==")  # fmt: skip
            kills(args, work, texts)
        if args.part in ("rerun", "both"):
            print(f"\n== re-run on {args.files} unchanged files ({args.engine}) ==")
            rerun(args, work, texts)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

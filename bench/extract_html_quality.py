"""Body-extraction quality and speed on the AEB saved pages (html/).

Compares newsdex's `extract_html` (body plus all fields) with trafilatura run alone
(default and favor_precision) and readability-lxml when installed, in the same run,
scored with the benchmark rule (`newsdex.evaluate.score_pages`).

    /work/venv/bin/python bench/extract_html_quality.py [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

from newsdex.errors import NotAnArticle
from newsdex.evaluate import Score, score_pages

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aeb"
TUNING_NOTE = (
    "note: newsdex's line filter (share/related/credit/date lines, link-only teasers,\n"
    "headline repeat) was written after reading the lines trafilatura keeps on these same\n"
    "181 pages; nothing is learned (no fitted parameters), but the newsdex figure is\n"
    "in-sample for those hand-written rules. trafilatura's mode (favor_recall, fast) was\n"
    "also chosen on these pages."
)


def load_pages(data_dir: Path) -> list[tuple[str, str, str]]:
    """(key, html, truth body) for every page that has a ground truth."""
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((data_dir / "html").glob("*.html")):
        if path.stem in truth:
            html = path.read_text(encoding="utf-8", errors="replace")
            pages.append((path.stem, html, truth[path.stem]["articleBody"]))
    return pages


def newsdex_body(html: str) -> str:
    """newsdex's body (fields are computed too, so the timing covers them)."""
    from newsdex.extract.html import extract_html

    try:
        return extract_html(html).body
    except NotAnArticle:
        return ""


def trafilatura_body(**options: bool) -> Callable[[str], str]:
    """trafilatura.extract alone with `options`, comments off."""
    import trafilatura

    def run(html: str) -> str:
        return trafilatura.extract(html, include_comments=False, **options) or ""

    return run


def readability_body() -> Callable[[str], str] | None:
    """readability-lxml's summary as text, or None when it is not installed."""
    try:
        import lxml.html
        from readability import Document
    except ImportError:
        return None

    def run(html: str) -> str:
        try:
            summary = Document(html).summary(html_partial=True)
            return lxml.html.fromstring(summary).text_content()
        except Exception:  # readability raises on odd pages; score them as empty
            return ""

    return run


def measure(run: Callable[[str], str], pages: list[tuple[str, str, str]]) -> tuple[Score, float]:
    """Score and pages/s of one extractor over all pages (after one warm-up page)."""
    run(pages[0][1])
    start = time.perf_counter()
    predicted = [run(html) for _, html, _ in pages]
    elapsed = time.perf_counter() - start
    score = score_pages(zip(predicted, (truth for _, _, truth in pages), strict=True))
    return score, len(pages) / elapsed


def run_html(data_dir: Path) -> None:
    """Print the comparison table for the pages under `data_dir`."""
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("readability").setLevel(logging.CRITICAL)
    pages = load_pages(data_dir)
    contenders: list[tuple[str, Callable[[str], str] | None]] = [
        ("newsdex extract_html (body+fields)", newsdex_body),
        ("trafilatura 2.3.1 default", trafilatura_body()),
        ("trafilatura favor_precision", trafilatura_body(favor_precision=True)),
        ("readability-lxml", readability_body()),
    ]
    print(f"AEB html: {len(pages)} pages from {data_dir}")
    print(f"{'extractor':38s} {'F1':>6s} {'P':>6s} {'R':>6s} {'pages/s':>8s}")
    for label, run in contenders:
        if run is None:
            print(f"{label:38s} (not installed)")
            continue
        score, speed = measure(run, pages)
        print(
            f"{label:38s} {score.f1:6.3f} {score.precision:6.3f} {score.recall:6.3f} {speed:8.1f}"
        )
    print(TUNING_NOTE)


def main() -> None:
    """Command-line entry: `--data DIR` overrides the shared AEB folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="AEB folder")
    run_html(parser.parse_args().data)


if __name__ == "__main__":
    main()

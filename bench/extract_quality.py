"""Body-extraction quality and speed on the article-extraction benchmark (AEB).

    python bench/extract_quality.py --set aeb-text [--data DIR]

Prints newsdex's F1 / precision / recall (the AEB rule, `newsdex.evaluate.score_pages`)
and docs/s for cleaning plus field extraction, next to anchors measured in the same run:
the raw text, and jusText fed each line as a paragraph.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from newsdex.errors import NotAnArticle
from newsdex.evaluate import Score, score_pages

logger = logging.getLogger(__name__)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aeb"
TUNING_NOTE = (
    "note: the text cleaner's general rules (vocabulary, weights) were tuned while looking "
    "at AEB text pages, so this score is optimistic for unseen sites."
)


def load_text_pages(data_dir: Path) -> list[tuple[str, str, str]]:
    """(key, copied text, ground-truth body) for every page with a .txt and a truth."""
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((data_dir / "text").glob("*.txt")):
        if path.stem in truth:
            text = path.read_text(encoding="utf-8")
            pages.append((path.stem, text, truth[path.stem]["articleBody"]))
    return pages


def newsdex_body(text: str) -> str:
    """Body newsdex extracts (fields included in the timing); empty when not an article."""
    from newsdex.extract.text import extract_text

    try:
        return extract_text(text).body
    except NotAnArticle:
        return ""


def justext_body(text: str) -> str:
    """jusText with each copied line fed as one HTML paragraph."""
    import html

    import justext

    markup = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    paragraphs = justext.justext(
        f"<html><body>{markup}</body></html>", justext.get_stoplist("English")
    )
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def measure(
    pages: list[tuple[str, str, str]], extract: Callable[[str], str], runs: int = 3
) -> tuple[Score, float]:
    """Score of `extract` over the pages, and its speed in docs/s per core.

    Speed is CPU time of this process (one core), best of `runs` passes, so other
    work on a shared machine does not count against it.
    """
    best = float("inf")
    predicted: list[str] = []
    for _ in range(runs):
        started = time.process_time()
        predicted = [extract(text) for _, text, _ in pages]
        best = min(best, time.process_time() - started)
    score = score_pages(zip(predicted, (truth for _, _, truth in pages), strict=True))
    return score, len(pages) / best if best else float("inf")


def run_text(data_dir: Path) -> None:
    """Print the aeb-text table."""
    pages = load_text_pages(data_dir)
    newsdex_body(pages[0][1])  # load the language model outside the timing
    rows = [
        ("newsdex", newsdex_body),
        ("raw text", lambda text: text),
        ("jusText (line = paragraph)", justext_body),
    ]
    print(f"aeb-text: {len(pages)} pages from {data_dir}")
    print(f"{'extractor':<28} {'F1':>6} {'P':>6} {'R':>6} {'docs/s':>10}")
    for label, extract in rows:
        score, speed = measure(pages, extract)
        print(
            f"{label:<28} {score.f1:6.3f} {score.precision:6.3f} {score.recall:6.3f} {speed:10.1f}"
        )
    print("docs/s: CPU time on one core, best of 3 passes; newsdex includes field extraction.")
    print(TUNING_NOTE)


def run_html(data_dir: Path) -> None:
    """The aeb-html table, kept in its own script beside this one."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from extract_html_quality import run_html as run

    run(data_dir)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and print the requested table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["aeb-text", "aeb-html"], default="aeb-text")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="AEB folder")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").exists():
        parser.error(f"no ground-truth.json in {args.data}")
    if args.set == "aeb-text":
        run_text(args.data)
    else:
        run_html(args.data)
    return 0


if __name__ == "__main__":
    sys.exit(main())

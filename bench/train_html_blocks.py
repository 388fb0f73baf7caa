"""Train the HTML block classifier on the AEB pages and write its weights.

Each page is run through trafilatura (favor_recall, as `extract_body` does); every block
it returns gets the features of `newsdex.clean.html.block_features` and a label: "body"
when most of its word 4-grams occur in the page's ground-truth body (blocks shorter than
four words: when their words occur in that order in the truth). A weighted logistic
regression (L2, Newton's method, so the result is deterministic) is fitted; a block
weighs its share of the page's words, since the benchmark weighs every page the same.

    /work/venv/bin/python bench/train_html_blocks.py [--data DIR] [--out FILE] [--folds 5]

With `--folds K` it also prints the K-fold block accuracy; the body F1 with held-out
models is printed by `bench/extract_html_quality.py`.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from logistic import newton_logistic

from newsdex.clean.html import (
    FEATURE_NAMES,
    Block,
    BlockModel,
    BodyOptions,
    block_features,
    blocks,
    parse_html,
    run_trafilatura,
)
from newsdex.evaluate import shingles
from newsdex.extract.metadata import read_metadata

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aeb"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "newsdex" / "data" / "html_blocks.json"
L2 = 1.0
"""Ridge penalty on the standardised weights (in units of total sample weight ~ pages)."""
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class PageBlocks:
    """One page's blocks with their features, labels and training weights."""

    key: str
    headline: str | None
    summary: str | None
    found: list[Block]
    features: list[list[float]]
    labels: list[int]
    weights: list[float]


def load_pages(data_dir: Path) -> list[tuple[str, str, str]]:
    """(key, html, truth body) for every page that has a ground truth, sorted by key."""
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((data_dir / "html").glob("*.html")):
        if path.stem in truth:
            html = path.read_text(encoding="utf-8", errors="replace")
            pages.append((path.stem, html, truth[path.stem]["articleBody"]))
    return pages


def fold_of(index: int, folds: int) -> int:
    """Fold of the page at `index` in key order (keys are hashes: sites are shuffled)."""
    return index % folds


def is_body(text: str, truth_shingles: set[tuple[str, ...]], truth_words: str) -> bool:
    """The block's label: most of its 4-grams are in the truth (short ones: in order)."""
    words = _WORD.findall(text)
    if len(words) < 4:
        return bool(words) and f" {' '.join(words)} " in truth_words
    grams = shingles(text)
    hits = sum(count for gram, count in grams.items() if gram in truth_shingles)
    return hits * 2 > sum(grams.values())


def page_blocks(key: str, html: str, truth: str) -> PageBlocks:
    """Blocks of one page as `extract_body` sees them, labelled against `truth`."""
    tree = parse_html(html)
    body = run_trafilatura(tree, BodyOptions()) if tree is not None else None
    found = blocks(body) if body is not None else []
    fields = read_metadata(tree) if tree is not None else None
    headline = fields.headline if fields else None
    summary = fields.summary if fields else None
    truth_shingles = set(shingles(truth))
    truth_words = f" {' '.join(_WORD.findall(truth))} "
    labels = [int(is_body(b.text, truth_shingles, truth_words)) for b in found]
    sizes = [len(_WORD.findall(b.text)) + 3 for b in found]
    total = max(1, sum(sizes))
    return PageBlocks(
        key=key,
        headline=headline,
        summary=summary,
        found=found,
        features=block_features(found, headline, summary),
        labels=labels,
        weights=[size / total for size in sizes],
    )


def fit(pages: Sequence[PageBlocks], l2: float = L2) -> BlockModel:
    """Weighted L2 logistic regression by Newton's method on standardised features."""
    x = np.array([row for p in pages for row in p.features], dtype=float)
    y = np.array([label for p in pages for label in p.labels], dtype=float)
    w = np.array([weight for p in pages for weight in p.weights], dtype=float)
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - means) / scales])
    beta = newton_logistic(z, y, w, l2, jitter=1e-9)
    return BlockModel(
        names=FEATURE_NAMES,
        means=tuple(float(v) for v in means),
        scales=tuple(float(v) for v in scales),
        weights=tuple(float(v) for v in beta[1:]),
        bias=float(beta[0]),
    )


def fold_models(pages: Sequence[PageBlocks], folds: int) -> list[BlockModel]:
    """One model per fold, each trained on the pages outside that fold."""
    return [fit([p for i, p in enumerate(pages) if fold_of(i, folds) != k]) for k in range(folds)]


def block_accuracy(model: BlockModel, pages: Sequence[PageBlocks]) -> float:
    """Weighted share of blocks the model labels as the ground truth does."""
    right = total = 0.0
    for page in pages:
        for row, label, weight in zip(page.features, page.labels, page.weights, strict=True):
            right += weight * ((model.probability(row) >= model.threshold) == bool(label))
            total += weight
    return right / total if total else 0.0


def main() -> None:
    """Featurise, fit on all pages, write the JSON; report k-fold block accuracy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    pages = [page_blocks(*page) for page in load_pages(args.data)]
    print(f"{len(pages)} pages, {sum(len(p.found) for p in pages)} blocks")
    held_out = []
    for k, model in enumerate(fold_models(pages, args.folds)):
        test = [p for i, p in enumerate(pages) if fold_of(i, args.folds) == k]
        held_out.append(block_accuracy(model, test) * len(test))
    print(f"{args.folds}-fold held-out weighted block accuracy: {sum(held_out) / len(pages):.4f}")
    model = fit(pages)
    print(f"in-sample weighted block accuracy: {block_accuracy(model, pages):.4f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

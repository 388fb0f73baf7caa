"""Train the copied-text line classifier on the AEB text pages and write its weights.

Every page in `text/` goes through the rule pass of `newsdex.clean.text` (`rule_pass`);
each non-blank line gets the features of `line_features` (its shape, the rule label and
weight, its place relative to the densest prose run, and its neighbours') and a label:
body when most of its word 4-grams occur in the page's ground-truth body (lines of fewer
than four words: when their words occur in that order in the truth). A weighted logistic
regression (L2, Newton's method on standardised features, so the result is deterministic)
is fitted; a line weighs its share of the page's words, because the benchmark scores word
4-grams and weighs every page the same.

    /work/venv/bin/python bench/train_text_lines.py [--data DIR] [--out FILE] [--folds 5]

Needs numpy (a dependency of newsdex; the shipped model is plain JSON, applied with one
matrix product per stage). scikit-learn is not required; it was
installed in /work/venv only to compare against gradient-boosted trees while developing:
with the same features, sklearn GradientBoostingClassifier (150 trees, depth 3) in place
of either stage scored within 0.003 of the two logistic stages on the same 5 folds (0.933
to 0.936 F1), too little to pay for walking ~150 trees per line in pure Python.

`cross_validate` (also called by `bench/extract_quality.py`) splits the pages into K
folds by page (deterministic: sorted keys, page i goes to fold i mod K), fits on K-1
folds, extracts the held-out fold with that model through `extract_text`, and pools the
held-out bodies into one benchmark score: the honest figure for pages the model has not
seen. The shipped model is then fitted on all pages.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from logistic import newton_logistic

from newsdex.clean.text import (
    FEATURE_NAMES,
    STAGE2_NAMES,
    LineCleaner,
    LineModel,
    LogisticStage,
    RulePass,
    line_features,
    rule_pass,
    stage2_rows,
)
from newsdex.errors import NotAnArticle
from newsdex.evaluate import Score, score_pages, shingles
from newsdex.extract.text import extract_text

logger = logging.getLogger(__name__)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aeb"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "newsdex" / "data" / "text_lines.json"
L2 = 0.1
"""Ridge penalty on the standardised weights (in units of total sample weight ~ pages)."""
THRESHOLD = 0.5
INNER_FOLDS = 5
"""Folds inside a training set that give the second stage held-out probabilities."""
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    """One AEB page: its copied text, truth body, and per-line training rows."""

    key: str
    text: str
    truth: str
    found: RulePass
    index: list[int]
    features: list[list[float]]
    labels: list[int]
    weights: list[float]


def load_pages(data_dir: Path) -> list[Page]:
    """Every page with a .txt and a truth, featurised and labelled, sorted by key."""
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((data_dir / "text").glob("*.txt")):
        if path.stem in truth:
            text = path.read_text(encoding="utf-8")
            pages.append(make_page(path.stem, text, truth[path.stem]["articleBody"]))
    return pages


def make_page(key: str, text: str, body: str) -> Page:
    """Features, labels and weights of one page's non-blank lines."""
    found = rule_pass(text)
    index, rows = line_features(found)
    gold = set(shingles(body))
    tokens = " " + " ".join(_WORD.findall(body)) + " "
    labels, sizes = [], []
    for i in index:
        words = _WORD.findall(found.lines[i].text)
        labels.append(int(is_body_line(words, gold, tokens)))
        sizes.append(max(1, len(words)))
    total = float(sum(sizes)) or 1.0
    return Page(key, text, body, found, index, rows, labels, [s / total for s in sizes])


def is_body_line(words: list[str], gold: set[tuple[str, ...]], tokens: str) -> bool:
    """Most of the line's 4-grams are in the truth (short lines: its words, in order)."""
    if not words:
        return False
    if len(words) < 4:
        return f" {' '.join(words)} " in tokens
    grams = [tuple(words[i : i + 4]) for i in range(len(words) - 3)]
    return sum(g in gold for g in grams) * 2 > len(grams)


def fit(pages: Sequence[Page], l2: float = L2, inner: int = INNER_FOLDS) -> LineModel:
    """Both stages. The second is fitted on first-stage probabilities of pages the first
    stage did not see (inner folds), so it learns how far to trust them on new pages."""
    first = fit_stage([p.features for p in pages], pages, l2)
    held_probs: dict[int, list[float]] = {}
    for held in folds_of(pages, inner):
        held_set = set(held)
        rest = [p for i, p in enumerate(pages) if i not in held_set]
        stage = fit_stage([p.features for p in rest], rest, l2)
        for i in held:
            held_probs[i] = stage.probabilities(pages[i].features)
    second_rows = [
        stage2_rows(p.found, p.index, p.features, held_probs[i]) for i, p in enumerate(pages)
    ]
    second = fit_stage(second_rows, pages, l2)
    return LineModel(first=first, second=second, threshold=THRESHOLD)


def fit_stage(rows: Sequence[list[list[float]]], pages: Sequence[Page], l2: float) -> LogisticStage:
    """Weighted L2 logistic regression by Newton's method on standardised features."""
    x = np.array([row for page_rows in rows for row in page_rows], dtype=float)
    y = np.array([label for page in pages for label in page.labels], dtype=float)
    w = np.array([weight for page in pages for weight in page.weights], dtype=float)
    means = np.average(x, axis=0, weights=w)
    scales = np.sqrt(np.average((x - means) ** 2, axis=0, weights=w))
    scales[scales < 1e-9] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - means) / scales])
    beta = newton_logistic(z, y, w, l2)
    return LogisticStage(
        means=tuple(float(v) for v in means),
        scales=tuple(float(v) for v in scales),
        weights=tuple(float(v) for v in beta[1:]),
        bias=float(beta[0]),
    )


def folds_of(pages: Sequence[Page], k: int, shuffle: int | None = None) -> list[list[int]]:
    """Page indices of each fold: page i (sorted by key) goes to fold i mod k; with
    `shuffle`, the pages are first put in the order `random.Random(shuffle)` gives (the
    repeated k-fold that shows how much the figure owes to one split)."""
    order = list(range(len(pages)))
    if shuffle is not None:
        random.Random(shuffle).shuffle(order)
    return [order[f::k] for f in range(k)]


def extract_body(text: str, cleaner: LineCleaner) -> str:
    """Body `extract_text` gives with `cleaner`; empty when it is not an article."""
    try:
        return extract_text(text, cleaner=cleaner).body
    except NotAnArticle:
        return ""


def cross_validate(
    pages: Sequence[Page], k: int = 5, l2: float = L2, shuffle: int | None = None
) -> Score:
    """K-fold by page: each fold extracted by a model fitted on the other folds, pooled."""
    predicted: dict[int, str] = {}
    for held in folds_of(pages, k, shuffle):
        held_set = set(held)
        model = fit([p for i, p in enumerate(pages) if i not in held_set], l2)
        cleaner = LineCleaner(model)
        for i in held:
            predicted[i] = extract_body(pages[i].text, cleaner)
    return score_pages((predicted[i], pages[i].truth) for i in range(len(pages)))


def main(argv: list[str] | None = None) -> int:
    """Fit on all pages, report K-fold quality, write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--l2", type=float, default=L2)
    args = parser.parse_args(argv)
    pages = load_pages(args.data)
    if args.folds > 1:
        score = cross_validate(pages, args.folds, args.l2)
        print(
            f"{args.folds}-fold by page ({len(pages)} pages): F1 {score.f1:.3f} "
            f"P {score.precision:.3f} R {score.recall:.3f}"
        )
    model = fit(pages, args.l2)
    args.out.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
    fitted = score_pages((extract_body(p.text, LineCleaner(model)), p.truth) for p in pages)
    print(f"in-sample (fitted on all pages, NOT a quality figure): F1 {fitted.f1:.3f}")
    print(f"wrote {args.out} ({len(FEATURE_NAMES)} + {len(STAGE2_NAMES)} features)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

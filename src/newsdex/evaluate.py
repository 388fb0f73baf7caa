"""Body-extraction scoring, the rule of the article-extraction benchmark.

Word tokens are `\\w+` runs; a body becomes a multiset of word 4-grams (a text of fewer
than four words is one shingle). Per page TP/FP/FN are counted with multiplicity;
precision and recall are means over pages, F1 is computed from those two means.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
_N = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """Multiset of word 4-grams of `text` (one shingle when shorter)."""
    words = _WORD.findall(text)
    if len(words) < _N:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + _N]) for i in range(len(words) - _N + 1))


@dataclass(frozen=True)
class PageScore:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else None
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        if self.tp + self.fn == 0:
            return 1.0 if self.fp == 0 else None
        return self.tp / (self.tp + self.fn)


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    pages: int


def score_page(predicted: str, truth: str) -> PageScore:
    """TP/FP/FN shingle counts of one predicted body against its ground truth."""
    pred, gold = shingles(predicted), shingles(truth)
    tp = sum((pred & gold).values())
    return PageScore(tp=tp, fp=sum(pred.values()) - tp, fn=sum(gold.values()) - tp)


def score_pages(pairs: Iterable[tuple[str, str]]) -> Score:
    """Benchmark score over (predicted, truth) pairs."""
    pages = [score_page(p, t) for p, t in pairs]
    precisions = [p.precision for p in pages if p.precision is not None]
    recalls = [p.recall for p in pages if p.recall is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision=precision, recall=recall, f1=f1, pages=len(pages))


def body_f1(predicted: str, truth: str) -> float:
    """F1 of one page (used by the seed tests)."""
    return score_pages([(predicted, truth)]).f1

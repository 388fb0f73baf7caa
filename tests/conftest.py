"""Shared fixtures: the seeds, a small real corpus, and one index per engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdex import Article, Corpus
from newsdex.index import ENGINES

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def seeds_truth() -> dict[str, dict]:
    return json.loads((DATA / "seeds-truth.json").read_text(encoding="utf-8"))


def sample_articles() -> list[Article]:
    """A small corpus with known answers for the conformance suite."""
    rows = [
        (
            "a1",
            "Peace talks resume in Istanbul",
            "Negotiators met again on Tuesday. The peace "
            "talks were described as constructive by both delegations.",
            "2022-03-29",
            "Reuters",
        ),
        (
            "a2",
            "Markets rally as oil falls",
            "Stocks rose sharply while oil prices fell. Traders "
            "talked of peace returning to markets.",
            "2022-03-30T09:15:00+01:00",
            "Financial Daily",
        ),
        (
            "a3",
            "Lavrov rules out pause",
            "Russia's foreign minister said the military operation would not pause during talks.",
            "2022-04-11T20:24:00+05:30",
            "Hindustan Times",
        ),
        (
            "a4",
            "Storm hits coast",
            "A storm brought heavy rain and wind to the coast, cutting "
            "power to thousands of homes.",
            "2021-12-01",
            "reuters",
        ),
        (
            "a5",
            "Undated notice",
            "The council will discuss talks about the new park next week.",
            None,
            "Local Gazette",
        ),
        (
            "a6",
            "Elections in spring",
            "Voters will choose a new parliament; negotiating a coalition may take months.",
            "2023-05-14",
            None,
        ),
    ]
    authors = {"a1": ("Ann Lee",), "a2": ("Bob Ray", "Ann Lee"), "a3": ("Sharangee Dutta",)}
    urls = {"a3": "https://www.hindustantimes.com/world-news/lavrov-rules-out-pause"}
    return [
        Article(
            id=i,
            headline=h,
            body=b,
            date=d,
            source=s,
            authors=authors.get(i, ()),
            url=urls.get(i),
            language="de" if i == "a6" else "en",
        )
        for i, h, b, d, s in rows
    ]


@pytest.fixture(params=sorted(ENGINES))
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def corpus(tmp_path: Path, engine_name: str):
    """A committed index of `sample_articles()` on disk, for each engine in turn."""
    with Corpus.open(tmp_path / "index", engine=engine_name) as c:
        c.add(sample_articles())
    with Corpus.open(tmp_path / "index") as c:
        yield c

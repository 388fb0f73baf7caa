"""Stories in the index: exact copies stored once, clusters, agency credits, collapsing,
story counts, on every engine (the clustering itself is tested in test_dedup.py)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, SEEDS

from newsdex import Article, Corpus, index_paths, load_article
from newsdex.cli import cli

REUTERS = "000_323cd50c165473e5.txt"
HT = "001_b5843ce61b1f26ce.txt"
OTHER = "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85.txt"  # WeWork


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """The seeds, a second copy of the Reuters seed, and an unrelated real article."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in (REUTERS, HT):
        shutil.copy(SEEDS / name, folder / name)
    shutil.copy(SEEDS / REUTERS, folder / "copy-of-reuters.txt")
    shutil.copy(DATA / "aeb-text" / OTHER, folder / "wework.txt")
    return folder


@pytest.fixture
def index(tmp_path: Path, docs: Path, engine_name: str) -> Path:
    with Corpus.open(tmp_path / "index", engine=engine_name) as corpus:
        report = index_paths(corpus, [docs])
    assert report.failed == 0
    return tmp_path / "index"


def by_source(corpus: Corpus) -> dict[str, object]:
    return {h.article.source: h.article for h in corpus.search("", limit=50).hits}


def test_exact_copies_are_stored_once_with_every_file(index: Path, docs: Path) -> None:
    with Corpus.open(index) as corpus:
        assert len(corpus) == 3
        reuters = next(
            h.article
            for h in corpus.search("", source="reuters").hits
            if h.article.headline.startswith("Russia")
        )
        stored = corpus.get(reuters.id)
    assert {stored.path, *stored.also_at} == {
        str(docs / REUTERS),
        str(docs / "copy-of-reuters.txt"),
    }


def test_seeds_share_a_story_and_credit_reuters(index: Path) -> None:
    with Corpus.open(index) as corpus:
        hits = corpus.search("lavrov").hits
        assert len({h.article.cluster for h in hits}) == 1
        assert all(h.article.via == ("Reuters",) for h in hits)
        assert len(corpus.search("via:reuters").hits) == 3  # the WeWork story is Reuters too
        wework = corpus.search("wework").hits[0].article
        assert wework.cluster not in {h.article.cluster for h in hits}
        members = corpus.cluster(hits[0].article.id)
        assert sorted(h.article.source for h in members.hits) == ["Hindustan Times", "Reuters"]


def test_collapse_and_story_counts(index: Path) -> None:
    with Corpus.open(index) as corpus:
        collapsed = corpus.search("lavrov OR wework", collapse=True)
        assert (collapsed.total, collapsed.stories, len(collapsed.hits)) == (2, 2, 2)
        seeds = next(h for h in collapsed.hits if h.more)
        assert seeds.more == 1 and len(seeds.collapsed) == 1
        counted = corpus.search("", facets=("source", "day"), count="stories", limit=1)
        assert counted.facets["source"] == {"Reuters": 2, "Hindustan Times": 1}
        assert counted.facets["day"]["2022-04-11"] == 1  # two articles, one story
        plain = corpus.search("", facets=("day",), limit=1)
        assert plain.facets["day"]["2022-04-11"] == 2
        weeks = corpus.timeline("lavrov", interval="week", count="stories")
        assert [(b.period, b.count) for b in weeks] == [("2022-W15", 1)]


def test_cli_collapse_cluster_and_show(index: Path, docs: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["search", "lavrov", "--collapse", "--index", str(index)])
    assert out.exit_code == 0, out.output
    assert out.stderr.strip() == "1 match in 1 story"
    assert any(
        line.strip() in ("+1 more: Reuters", "+1 more: Hindustan Times")
        for line in out.stdout.splitlines()
    )
    found = runner.invoke(
        cli, ["search", "lavrov", "--json", "--index", str(index), "--source", "reuters"]
    )
    hit = json.loads(found.stdout.splitlines()[0])
    listed = runner.invoke(cli, ["cluster", hit["id"], "--index", str(index)])
    assert "Hindustan Times (via Reuters)" in listed.stdout
    shown = runner.invoke(cli, ["show", hit["id"], "--index", str(index)])
    assert f"Also at: {docs / 'copy-of-reuters.txt'}" in shown.stdout or (
        f"Also at: {docs / REUTERS}" in shown.stdout
    )


def test_clusters_follow_removals(index: Path, docs: Path) -> None:
    (docs / REUTERS).unlink()
    (docs / "copy-of-reuters.txt").unlink()
    with Corpus.open(index) as corpus:
        report = index_paths(corpus, [docs], prune=True)
        assert report.removed == 1
        hits = corpus.search("lavrov").hits
        assert [h.article.source for h in hits] == ["Hindustan Times"]
        assert corpus.cluster(hits[0].article.id).total == 1


def test_index_without_stories(tmp_path: Path, docs: Path) -> None:
    runner = CliRunner()
    index = tmp_path / "plain"
    made = runner.invoke(cli, ["index", str(docs), "--index", str(index), "--no-stories"])
    assert made.exit_code == 0, made.output
    assert json.loads((index / "newsdex.json").read_text())["stories"] is False
    assert not (index / "stories.sqlite").exists()
    with Corpus.open(index) as corpus:
        hits = corpus.search("lavrov").hits
        assert [h.article.cluster for h in hits] == [None, None]
        assert all(h.article.via == ("Reuters",) for h in hits)  # credits do not need stories


def test_stories_of_an_older_version_ask_for_a_new_index(index: Path, docs: Path) -> None:
    old = json.dumps({"version": 1, "next_seq": 0})  # one JSON row per article, datasketch
    with sqlite3.connect(index / "stories.sqlite") as db:
        db.execute("UPDATE story_meta SET value = ? WHERE name = 'state'", (old,))
    db.close()
    runner = CliRunner()
    result = runner.invoke(cli, ["index", str(docs), "--index", str(index), "--force"])
    assert result.exit_code == 1
    assert "unknown story index state version 1" in result.output
    assert "index the files again into a new folder" in result.output


def test_counts_beyond_tantivys_bucket_limit_are_exact(tmp_path: Path) -> None:
    """tantivy refuses an aggregation of more than 65,000 buckets; story counts over
    100,000 articles need one per story. The counts come out exact all the same, ids of
    any shape included (the matches are split by the ends of their ids)."""
    odd_ids = ["0", "Z", "é", "a b", "bench-0000001", "\u4e2d"]  # 66,106 ids: 2 per story
    ids = [f"{i:05x}0" for i in range(66_100)] + odd_ids  # all end in 0: split twice
    articles = [
        Article(id=i, headline="h", body="b", source=f"s{n % 66_050}", cluster=f"c{n // 2}")
        for n, i in enumerate(ids)
    ]
    with Corpus.open(tmp_path / "index", stories=False) as corpus:
        corpus.add(articles)
        corpus.commit()
        found = corpus.search("", facets=("source",), limit=3, count="stories", collapse=True)
    assert found.stories == len(ids) // 2
    assert len(found.facets["source"]) == 66_050
    assert sum(found.facets["source"].values()) == len(articles)  # each story in one source
    assert found.facets["source"]["s0"] == 2 and found.facets["source"]["s60"] == 1
    assert [hit.more for hit in found.hits] == [1, 1, 1]


def test_adds_and_deletes_before_a_commit_apply_in_order(tmp_path: Path) -> None:
    """Stories are linked in batches: a delete, a re-add and more articles than a batch
    between two commits come out as if each had been applied at once."""
    seeds = [load_article(path) for path in sorted(SEEDS.glob("*.txt"))]
    others = [
        Article(id=f"x{n}", headline=f"Unrelated {n}", body=f"Filler story number {n} here.")
        for n in range(250)
    ]
    with Corpus.open(tmp_path / "index") as corpus:
        corpus.add(seeds[0])
        corpus.delete(seeds[0].id)  # before it was linked
        corpus.add([seeds[1], *others, seeds[0]])
        corpus.commit()
        assert len(corpus) == 252
        first, second = (corpus.get(s.id).cluster for s in seeds)
        assert first == second  # the two seeds are one story
        assert corpus.search("", count="stories", limit=1).stories == 251
        corpus.delete(seeds[1].id)
        corpus.add(seeds[1])
        corpus.commit()
        assert corpus.get(seeds[1].id).cluster == corpus.get(seeds[0].id).cluster
        assert len(corpus) == 252


def test_a_reader_never_reads_the_story_file(index: Path) -> None:
    """A reader opens, searches and closes without touching stories.sqlite, which a
    writer in another process may be rewriting (a reader's close once loaded it and met
    half a write)."""
    (index / "stories.sqlite").write_bytes(b"half-written by another process" * 10)
    with Corpus.open(index, create=False) as corpus:
        assert corpus.search("lavrov", collapse=True).total >= 1
        assert corpus.timeline("lavrov", count="stories")

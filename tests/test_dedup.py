"""newsdex.dedup: exact duplicates, near-duplicates, story clusters, agencies credited."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdex import dedup
from newsdex.models import Article
from newsdex.pipeline import load_article

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DATA = Path(__file__).resolve().parent / "data"
SEEDS_DAY = "2022-04-11"


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    return [load_article(path) for path in SEEDS]


@pytest.fixture(scope="module")
def others() -> list[Article]:
    """Real articles about other things, moved to the seeds' day."""
    paths = sorted((DATA / "aeb-text").glob("*.txt"))[:8] + sorted((DATA / "html").glob("*.html"))
    return [dataclasses.replace(load_article(p), date=SEEDS_DAY) for p in paths]


def near_copy(article: Article) -> Article:
    """Boilerplate added, one sentence dropped, another headline."""
    paragraphs = article.body.split("\n\n")
    first = paragraphs[0].split(". ")
    paragraphs[0] = ". ".join(first[1:]) if len(first) > 1 else paragraphs[0]
    body = "\n\n".join(["Share this article", *paragraphs, "Sign up for our newsletter"])
    return Article(id="copy", headline="A different headline", body=body)


# -- exact duplicates ---------------------------------------------------------------


def test_body_key_ignores_case_spacing_and_quote_style(seeds: list[Article]) -> None:
    body = seeds[0].body
    variant = "  " + body.upper().replace('"', "“").replace("\n\n", "\n") + "\n"
    assert dedup.body_key(variant) == dedup.body_key(body)
    assert dedup.body_key(body) != dedup.body_key(seeds[1].body)


def test_exact_duplicate_is_not_stored_twice(seeds: list[Article]) -> None:
    index = dedup.StoryIndex()
    index.add(seeds[0])
    again = dataclasses.replace(seeds[0], id="other-id", headline="Another headline")
    found = index.add(again)
    assert found.duplicate_of == seeds[0].id
    assert "other-id" not in index
    assert len(index) == 1


# -- near-duplicates ----------------------------------------------------------------


def test_signature_is_the_datasketch_minhash_of_the_shingles(
    seeds: list[Article], others: list[Article]
) -> None:
    """Shingles fed as one array equal datasketch's own per-value updates."""
    short = [Article(id="s", headline="h", body=b) for b in ("Two words", "", "—")]
    for article in [*seeds, *others, *short]:
        shingles = dedup.shingle_hashes(dedup.word_hashes(article.body))
        reference = MinHash(
            num_perm=dedup.NUM_PERM, seed=dedup.SEED, hashfunc=int, scheme=dedup.SCHEME
        )
        reference.update_batch(shingles.tolist())
        assert np.array_equal(reference.hashvalues, dedup.signature(article).hashvalues)


def test_batch_features_equal_one_at_a_time(seeds: list[Article], others: list[Article]):
    articles = [*seeds, *others, Article(id="e", headline="h", body="")]
    batch = dedup.many_features(articles)
    assert batch == [dedup.features(a) for a in articles]
    assert [item.key for item in batch] == [dedup.body_key(a.body) for a in articles]


def test_signature_estimates_jaccard(seeds: list[Article], others: list[Article]) -> None:
    first = dedup.signature(seeds[0])
    assert dedup.similarity(first, dedup.signature(seeds[0])) == 1.0
    assert all(dedup.similarity(first, dedup.signature(o)) < 0.1 for o in others)
    short = Article(id="s", headline="h", body="Two words")  # fewer words than a shingle
    assert dedup.similarity(dedup.signature(short), dedup.signature(short)) == 1.0
    assert dedup.similarity(dedup.signature(short), first) == 0.0


def test_signature_bytes_round_trip(seeds: list[Article]) -> None:
    signature = dedup.signature(seeds[1])
    data = dedup.signature_bytes(signature)
    assert len(data) == dedup.NUM_PERM * 4
    assert dedup.similarity(dedup.signature_from_bytes(data), signature) == 1.0


def test_near_duplicate_of_a_real_body_is_found(seeds: list[Article], others: list[Article]):
    index = dedup.StoryIndex()
    for article in [seeds[0], *others]:
        index.add(article)
    found = index.add(near_copy(seeds[0]))
    assert found.near_duplicates == (seeds[0].id,)
    assert found.cluster == index.cluster_of(seeds[0].id)
    assert dedup.similarity(dedup.signature(near_copy(seeds[0])), dedup.signature(seeds[0])) > 0.6


def test_unrelated_article_is_not_a_near_duplicate(seeds: list[Article], others: list[Article]):
    index = dedup.StoryIndex()
    index.add(seeds[0])
    for article in others:
        found = index.add(article)
        assert found.near_duplicates == ()
        assert found.founded


# -- story clusters -----------------------------------------------------------------


def test_the_two_seeds_are_one_story(seeds: list[Article]) -> None:
    index = dedup.StoryIndex()
    first, second = index.add(seeds[0]), index.add(seeds[1])
    assert first.founded and first.cluster == seeds[0].id
    assert second.cluster == first.cluster
    assert second.related == (seeds[0].id,)
    assert second.near_duplicates == ()  # a rewrite, not a copy
    assert index.members(first.cluster) == (seeds[0].id, seeds[1].id)


def test_unrelated_articles_of_the_same_day_stay_apart(
    seeds: list[Article], others: list[Article]
) -> None:
    index = dedup.StoryIndex()
    for article in [seeds[0], *others, seeds[1]]:
        index.add(article)
    assert index.members(index.cluster_of(seeds[0].id)) == (seeds[0].id, seeds[1].id)


def test_seeds_are_not_one_story_days_apart(seeds: list[Article]) -> None:
    later = dataclasses.replace(seeds[1], date="2022-04-20")
    assert not dedup.same_story(dedup.features(seeds[0]), dedup.features(later))


# -- incremental changes ------------------------------------------------------------


def test_removing_the_founder_keeps_the_cluster_id(seeds: list[Article]) -> None:
    index = dedup.StoryIndex()
    first = near_copy(seeds[0])
    second = dataclasses.replace(first, id="copy-2", body=first.body + "\n\nAdvertisement")
    for article in (seeds[0], first, second):
        assert index.add(article).cluster == seeds[0].id
    assert index.remove(seeds[0].id) == {}
    assert seeds[0].id not in index
    assert index.members(seeds[0].id) == ("copy", "copy-2")
    assert index.add(seeds[0]).cluster == seeds[0].id  # back, in its old cluster


def test_removal_that_splits_reports_the_moves(seeds: list[Article]) -> None:
    left = dataclasses.replace(seeds[1], date="2022-04-10")  # a story link to the bridge
    right = dataclasses.replace(near_copy(seeds[0]), date="2022-04-12")  # a near copy
    bridge = seeds[0]  # 2022-04-11: the only link between the two
    index = dedup.StoryIndex()
    assert index.add(left).founded and index.add(right).founded
    joined = index.add(bridge)
    assert joined.cluster == left.id and joined.moved == {"copy": left.id}
    assert index.remove(bridge.id) == {"copy": "copy"}
    assert index.members(left.id) == (left.id,)
    assert index.members("copy") == ("copy",)


def test_remove_and_re_add_give_the_same_clusters(seeds: list[Article], others: list[Article]):
    index = dedup.StoryIndex()
    articles = [seeds[0], *others[:4], seeds[1], near_copy(seeds[1])]
    for article in articles:
        index.add(article)
    before = partition(index)
    index.remove(seeds[1].id)
    assert seeds[1].id not in index
    index.add(seeds[1])
    assert partition(index) == before


def wire_copies(article: Article, count: int) -> list[Article]:
    """Copies of one story, each with its own closing line: near-duplicates of each other."""
    return [
        dataclasses.replace(article, id=f"copy-{n:03d}", body=f"{article.body}\n\nCopy {n}.")
        for n in range(count)
    ]


def test_work_per_copy_is_bounded(seeds: list[Article]) -> None:
    index = dedup.StoryIndex()
    copies = wire_copies(seeds[0], 40)
    found = [index.add(copy) for copy in copies]
    assert {f.cluster for f in found} == {"copy-000"}
    assert max(len(f.near_duplicates) for f in found) <= dedup.NEAR_CANDIDATES
    in_lsh = [c.id for c in copies if c.id in index._lsh]  # a test may look inside
    assert len(in_lsh) <= dedup.NEAR_CANDIDATES + 2


def test_removing_the_copies_in_the_lsh_keeps_the_story_findable(seeds: list[Article]) -> None:
    index = dedup.StoryIndex()
    copies = wire_copies(seeds[0], 20)
    for copy in copies:
        index.add(copy)
    for copy in copies[:12]:
        index.remove(copy.id)
    late = dataclasses.replace(seeds[0], id="late", body=seeds[0].body + "\n\nLate copy.")
    found = index.add(late)
    assert found.near_duplicates and found.cluster == index.cluster_of(copies[-1].id)
    assert len(index.members(found.cluster)) == 9


def test_adding_the_same_article_twice_changes_nothing(seeds: list[Article]) -> None:
    index = dedup.StoryIndex()
    index.add(seeds[0])
    second = index.add(seeds[1])
    again = index.add(seeds[1])
    assert again.cluster == second.cluster and again.related == second.related
    assert len(index) == 2


def test_re_adding_with_a_new_headline_or_date_updates_the_features(
    seeds: list[Article],
) -> None:
    """An unchanged re-add skips the features; any input they read must not."""
    index = dedup.StoryIndex()
    index.add(seeds[0])
    before = index.features_of(seeds[0].id)
    index.add(seeds[0])
    assert index.features_of(seeds[0].id) is before  # same text: not recomputed
    retitled = dataclasses.replace(seeds[0], headline="Zelenskiy meets Scholz in Kyiv")
    index.add(retitled)
    assert index.features_of(seeds[0].id).terms != before.terms
    redated = dataclasses.replace(retitled, date="2023-01-05")
    index.add_many([redated, redated])
    assert index.features_of(seeds[0].id).day == dedup.day_number("2023-01-05")
    assert index.features_of(seeds[0].id) == dedup.features(redated)
    assert len(index) == 1


def test_word_hashes_of_the_same_text_are_reused_and_read_only(seeds: list[Article]) -> None:
    body = seeds[0].body
    first = dedup.word_hashes(body)
    assert dedup.word_hashes(body) is first
    equal_copy = "".join(list(body))
    assert equal_copy is not body
    assert np.array_equal(dedup.word_hashes(equal_copy), first)
    assert not first.flags.writeable


def partition(index: dedup.StoryIndex) -> set[frozenset[str]]:
    return {frozenset(index.members(c)) for c in index.clusters()}


# -- persistence --------------------------------------------------------------------


def test_state_round_trip(seeds: list[Article], others: list[Article]) -> None:
    index = dedup.StoryIndex()
    for article in [seeds[0], *others[:3], seeds[1]]:
        index.add(article)
    restored = dedup.StoryIndex.from_state(index.to_state())
    assert restored.to_state() == index.to_state()
    found = restored.add(near_copy(seeds[1]))
    assert found.near_duplicates == (seeds[1].id,)
    assert found.cluster == seeds[0].id


def test_sqlite_save_load_and_incremental_save(
    seeds: list[Article], others: list[Article], tmp_path: Path
) -> None:
    path = tmp_path / "stories.sqlite"
    index = dedup.StoryIndex()
    for article in [seeds[0], *others[:3]]:
        index.add(article)
    index.save(path)
    loaded = dedup.StoryIndex.load(path)
    loaded.add(seeds[1])
    loaded.remove(others[0].id)
    loaded.save(path)  # only the changes
    again = dedup.StoryIndex.load(path)
    assert again.to_state() == loaded.to_state()
    assert again.members(seeds[0].id) == (seeds[0].id, seeds[1].id)
    assert dedup.StoryIndex.load(tmp_path / "missing.sqlite").to_state()["articles"] == []


def test_an_older_state_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "stories.sqlite"
    with sqlite3.connect(path) as db:  # version 1: one JSON row per article
        db.execute("CREATE TABLE story_meta (name TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO story_meta VALUES ('state', '{\"version\": 1, \"next_seq\": 0}')")
    db.close()
    with pytest.raises(ValueError, match="version 1"):
        dedup.StoryIndex.load(path)


# -- agencies -----------------------------------------------------------------------


def test_via_agencies_on_the_seeds(seeds: list[Article]) -> None:
    assert [dedup.via_agencies(seed) for seed in seeds] == [("Reuters",), ("Reuters",)]


@pytest.mark.parametrize(
    ("body", "credit", "expected"),
    [
        ("WASHINGTON (AP) — The Senate voted on Tuesday.", None, ("Associated Press",)),
        ("PARIS (AFP) - Strikes went on.", None, ("AFP",)),
        ("Text of the story.\n\n(With inputs from PTI, ANI)", None, ("PTI", "ANI")),
        ("Text of the story.", "With inputs from agencies and Reuters", ("Reuters",)),
        ("BERLIN, May 2 (dpa) - A storm hit.", None, ("dpa",)),
        ("Text.\n\nThe Associated Press contributed to this report.", None, ("Associated Press",)),
        ("Text of the story. — AFP", None, ("AFP",)),
        ("BEIJING, May 2 (Xinhua) -- Trade grew.", None, ("Xinhua",)),
        ("The minister told Reuters that talks would resume.", None, ()),
        ("An ape at the zoo. The map was new.", None, ()),
    ],
)
def test_via_agencies_credit_forms(body: str, credit: str | None, expected: tuple) -> None:
    article = Article(id="x", headline="h", body=body, credit=credit)
    assert dedup.via_agencies(article) == expected


def test_via_agencies_from_source_and_authors() -> None:
    article = Article(id="x", headline="h", body="Text.", source="Bloomberg", authors=("AFP",))
    assert dedup.via_agencies(article) == ("AFP", "Bloomberg")


# -- property -----------------------------------------------------------------------

SMALL_BODIES = (
    "Lavrov said Russia will not pause its military operation in Ukraine for talks.",
    "Russian Foreign Minister Sergei Lavrov said Moscow will not pause the operation.",
    "The city council approved a new budget for parks and libraries on Monday.",
    "The city council approved a new budget for parks and libraries on Monday night.",
    "Scientists found water vapour above Europa, a moon of Jupiter, NASA said.",
)

operations = st.lists(
    st.tuples(st.booleans(), st.integers(0, 7), st.integers(0, len(SMALL_BODIES) - 1)),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(operations)
def test_any_order_of_adds_and_removes_keeps_a_partition(ops: list) -> None:
    index = dedup.StoryIndex()
    for add, number, body in ops:
        article_id = f"a{number}"
        if add:
            article = Article(
                id=article_id, headline="h", body=SMALL_BODIES[body], date="2022-04-11"
            )
            index.add(article)
        else:
            index.remove(article_id)
    stored = [i for i in (f"a{n}" for n in range(8)) if i in index]
    groups = [index.members(c) for c in index.clusters()]
    flat = [i for group in groups for i in group]
    assert sorted(flat) == sorted(stored)
    assert all(group for group in groups)
    for cluster in index.clusters():
        assert all(index.cluster_of(i) == cluster for i in index.members(cluster))
    assert dedup.StoryIndex.from_state(index.to_state()).to_state() == index.to_state()


def test_recent_word_hashes_stay_bounded() -> None:
    texts = [f"text number {n}" for n in range(dedup._RECENT_TEXTS + 50)]
    for text in texts:
        dedup.word_hashes(text)
    assert len(dedup._recent_words) <= dedup._RECENT_TEXTS
    assert dedup.word_hashes(texts[-1]) is dedup.word_hashes(texts[-1])

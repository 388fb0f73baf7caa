"""Conformance suite: every test here runs unchanged against every engine."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import sample_articles

from newsdex import (
    Article,
    ArticleNotFoundError,
    Corpus,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    NewsdexError,
    QuerySyntaxError,
)
from newsdex.index import ENGINES


def ids(result) -> list[str]:
    return [hit.article.id for hit in result.hits]


def test_articles_read_back_equal(corpus: Corpus) -> None:
    assert len(corpus) == 6
    for article in sample_articles():
        stored = corpus.get(article.id)
        assert stored.cluster  # every article of an index with stories is in one
        assert dataclasses.replace(stored, cluster=None) == article


def test_index_remembers_its_engine(corpus: Corpus, engine_name: str) -> None:
    assert corpus.engine_name == engine_name
    assert json.loads((corpus.path / "newsdex.json").read_text())["engine"] == engine_name


def test_unknown_id_raises(corpus: Corpus) -> None:
    with pytest.raises(ArticleNotFoundError):
        corpus.get("nope")


def test_add_same_id_replaces(corpus: Corpus) -> None:
    corpus.add(Article(id="a4", headline="Storm update", body="The storm has passed."))
    corpus.commit()
    assert len(corpus) == 6
    assert corpus.get("a4").headline == "Storm update"
    assert ids(corpus.search("storm")) == ["a4"]


def test_delete(corpus: Corpus) -> None:
    corpus.delete("a4")
    corpus.commit()
    assert len(corpus) == 5
    assert corpus.search("storm").total == 0


def test_words_are_stemmed_and_case_insensitive(corpus: Corpus) -> None:
    assert set(ids(corpus.search("NEGOTIATIONS"))) == {"a1", "a6"}  # negotiators, negotiating
    assert set(ids(corpus.search("talk"))) == {"a1", "a2", "a3", "a5"}


def test_default_operator_is_and(corpus: Corpus) -> None:
    assert set(ids(corpus.search("peace talks"))) == {"a1", "a2"}


def test_phrase_needs_adjacent_words(corpus: Corpus) -> None:
    assert ids(corpus.search('"peace talks"')) == ["a1"]


def test_or_not_and_parentheses(corpus: Corpus) -> None:
    assert set(ids(corpus.search("storm OR lavrov"))) == {"a3", "a4"}
    assert set(ids(corpus.search("talks -peace"))) == {"a3", "a5"}
    assert set(ids(corpus.search("talks NOT (peace OR council)"))) == {"a3"}


def test_headline_field(corpus: Corpus) -> None:
    assert ids(corpus.search("headline:talks")) == ["a1"]
    assert ids(corpus.search('headline:"rules out"')) == ["a3"]


def test_source_is_an_exact_case_insensitive_keyword(corpus: Corpus) -> None:
    assert set(ids(corpus.search("", source="REUTERS"))) == {"a1", "a4"}
    assert ids(corpus.search("", source="hindustan times")) == ["a3"]
    assert corpus.search("", source="hindustan").total == 0
    assert set(ids(corpus.search('source:"Hindustan Times" OR source:reuters'))) == {
        "a1",
        "a3",
        "a4",
    }
    assert set(ids(corpus.search("", source=["Local Gazette", "Financial Daily"]))) == {"a2", "a5"}


def test_date_range_is_inclusive_by_calendar_day(corpus: Corpus) -> None:
    found = corpus.search("", since="2022-03-30", until="2022-04-11")
    assert set(ids(found)) == {"a2", "a3"}
    assert set(ids(corpus.search("", since="2022-04"))) == {"a3", "a6"}
    assert set(ids(corpus.search("", until="2021"))) == {"a4"}
    assert set(ids(corpus.search("talks", since="2022-01-01", until="2022-12-31"))) == {
        "a1",
        "a2",
        "a3",
    }


def test_empty_query_lists_newest_first_undated_last(corpus: Corpus) -> None:
    assert ids(corpus.search("")) == ["a6", "a3", "a2", "a1", "a4", "a5"]
    assert ids(corpus.search("", sort="date")) == ["a4", "a1", "a2", "a3", "a6", "a5"]


def test_sort_by_date_with_a_query(corpus: Corpus) -> None:
    assert ids(corpus.search("talk", sort="-date")) == ["a3", "a2", "a1", "a5"]


def test_paging_and_total(corpus: Corpus) -> None:
    first = corpus.search("", limit=2)
    second = corpus.search("", limit=2, offset=2)
    assert first.total == second.total == 6
    assert ids(first) + ids(second) == ["a6", "a3", "a2", "a1"]


def test_relevance_prefers_headline_matches(corpus: Corpus) -> None:
    assert ids(corpus.search("peace"))[0] == "a1"


def test_snippets_mark_matched_words(corpus: Corpus) -> None:
    hit = corpus.search("oil").hits[0]
    assert "<mark>oil</mark>" in hit.snippet
    assert hit.score > 0


def test_stats(corpus: Corpus) -> None:
    stats = corpus.stats()
    assert stats.articles == 6
    assert stats.by_source == {
        "Financial Daily": 1,
        "Hindustan Times": 1,
        "Local Gazette": 1,
        "Reuters": 1,
        "reuters": 1,
    }
    assert stats.by_month == {"2021-12": 1, "2022-03": 2, "2022-04": 1, "2023-05": 1}


def test_engines_agree_on_hit_sets(tmp_path: Path) -> None:
    queries = [
        "talk",
        "peace talks",
        '"peace talks"',
        "storm OR lavrov",
        "talks -peace",
        "headline:talks",
        "source:reuters",
        "coast AND (wind OR rain)",
        "council",
    ]
    results: dict[str, list[set[str]]] = {}
    for name in ENGINES:
        with Corpus.open(tmp_path / name, engine=name) as c:
            c.add(sample_articles())
            c.commit()
            results[name] = [set(ids(c.search(q, limit=50))) for q in queries]
    first, *others = results.values()
    assert all(other == first for other in others)


def test_second_writer_is_refused(corpus: Corpus) -> None:
    corpus.add(Article(id="x", headline="x", body="x"))
    with Corpus.open(corpus.path) as other, pytest.raises(IndexLockedError):
        other.add(Article(id="y", headline="y", body="y"))
    corpus.engine.rollback()


def test_open_missing_index_without_create(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError):
        Corpus.open(tmp_path / "none", create=False)


def test_other_schema_version_is_refused_with_a_hint(corpus: Corpus) -> None:
    meta_path = corpus.path / "newsdex.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "schema_version": 999}))
    with pytest.raises(IndexVersionError) as info:
        Corpus.open(corpus.path)
    assert "rebuild" in info.value.hint.lower()


def test_engine_of_existing_index_cannot_change(corpus: Corpus, engine_name: str) -> None:
    other = next(name for name in ENGINES if name != engine_name)
    with pytest.raises(NewsdexError, match="applies only to a new index"):
        Corpus.open(corpus.path, engine=other)


def test_uncommitted_changes_are_dropped_on_error(tmp_path: Path, engine_name: str) -> None:
    with Corpus.open(tmp_path / "i", engine=engine_name) as c:
        c.add(sample_articles()[:2])
    with pytest.raises(RuntimeError), Corpus.open(tmp_path / "i") as c:
        c.add(sample_articles()[2:])
        raise RuntimeError("interrupted")
    with Corpus.open(tmp_path / "i") as c:
        assert len(c) == 2


# -- the research features of the query language and results, on every engine --------------


def test_prefix_wildcard_meets_stemmed_terms(corpus: Corpus) -> None:
    assert set(ids(corpus.search("negotiat*"))) == {"a1", "a6"}
    assert set(ids(corpus.search("headline:elect*"))) == {"a6"}
    assert set(ids(corpus.search("source:hindu*"))) == {"a3"}


def test_author_url_and_lang_fields(corpus: Corpus) -> None:
    assert set(ids(corpus.search("author:lee"))) == {"a1", "a2"}
    assert ids(corpus.search('author:"sharangee dutta"')) == ["a3"]
    assert ids(corpus.search("url:hindustantimes")) == ["a3"]
    assert ids(corpus.search("lang:de")) == ["a6"]


def test_date_terms_and_ranges(corpus: Corpus) -> None:
    assert set(ids(corpus.search("date:2022-03"))) == {"a1", "a2"}
    assert ids(corpus.search("date:2022-04-11")) == ["a3"]
    assert set(ids(corpus.search("date:[2022-03-30 TO 2022-04-11]"))) == {"a2", "a3"}
    assert ids(corpus.search("date:[* TO 2021-12-31]")) == ["a4"]
    assert set(ids(corpus.search("talks -date:2022"))) == {"a5"}


def test_author_and_language_filters(corpus: Corpus) -> None:
    assert set(ids(corpus.search("", author="ANN LEE"))) == {"a1", "a2"}
    assert set(ids(corpus.search("", author=["bob ray", "Sharangee Dutta"]))) == {"a2", "a3"}
    assert ids(corpus.search("", lang="de")) == ["a6"]
    assert corpus.search("", author="Ann").total == 0


def test_facets_count_the_whole_match_set(corpus: Corpus) -> None:
    result = corpus.search("talk", limit=1, facets=("source", "author", "month", "year", "lang"))
    assert result.total == 4 and len(result.hits) == 1
    assert result.facets == {
        "source": {"Reuters": 1, "Financial Daily": 1, "Hindustan Times": 1, "Local Gazette": 1},
        "author": {"Ann Lee": 2, "Bob Ray": 1, "Sharangee Dutta": 1},
        "month": {"2022-03": 2, "2022-04": 1},
        "year": {"2022": 3},
        "lang": {"en": 4},
    }
    filtered = corpus.search("talk", source="reuters", facets=("day",))
    assert filtered.facets == {"day": {"2022-03-29": 1}}


def test_timeline_fills_empty_periods(corpus: Corpus) -> None:
    months = corpus.timeline("", interval="month")
    assert [(b.period, b.count) for b in months[:5]] == [
        ("2021-12", 1),
        ("2022-01", 0),
        ("2022-02", 0),
        ("2022-03", 2),
        ("2022-04", 1),
    ]
    assert months[-1].period == "2023-05" and len(months) == 18
    assert sum(b.count for b in months) == 5  # the undated article has no place in time
    weeks = corpus.timeline("talk", interval="week")
    assert [(b.period, b.count) for b in weeks] == [
        ("2022-W13", 2),
        ("2022-W14", 0),
        ("2022-W15", 1),
    ]
    assert [(b.period, b.count) for b in corpus.timeline("storm", interval="year")] == [("2021", 1)]


def test_similar_finds_related_articles_not_itself(corpus: Corpus) -> None:
    result = corpus.similar("a1")
    found = ids(result)
    assert "a1" not in found
    assert set(found[:2]) == {"a2", "a6"}  # "peace"; "negotiating" (a1: "negotiators")


def test_did_you_mean(corpus: Corpus) -> None:
    missed = corpus.search("lavorv")
    assert missed.total == 0 and missed.suggestion == "lavrov"
    assert corpus.search("headline:stormm coast").suggestion == "headline:storm coast"
    assert corpus.search("lavrov").suggestion is None
    assert corpus.search("zzzzqqq").suggestion is None


def test_bad_queries_raise_query_syntax_error(corpus: Corpus) -> None:
    for query in ['"open', "(a", "date:2022-13", "date:[2022 TO", "colour:red", "AND"]:
        with pytest.raises(QuerySyntaxError):
            corpus.search(query)


def test_results_convert_to_dicts_and_dataframes(corpus: Corpus) -> None:
    result = corpus.search("oil")
    rows = result.to_dicts()
    assert rows[0]["id"] == "a2" and rows[0]["snippet_text"] == rows[0]["snippet"].replace(
        "<mark>", ""
    ).replace("</mark>", "")
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(NewsdexError, match="pip install pandas"):
            result.to_dataframe()
    else:
        assert list(result.to_dataframe()["id"]) == ["a2"]


def test_engines_agree_on_every_feature(tmp_path: Path) -> None:
    queries = [
        "negotiat*",
        "author:lee",
        "url:hindustantimes",
        "date:2022-03",
        "date:[2022-03-30 TO *]",
        "talks -date:2022",
        "lang:en talk*",
        '(peace OR storm) AND NOT source:"financial daily"',
    ]
    seen: dict[str, list[Any]] = {}
    for name in ENGINES:
        with Corpus.open(tmp_path / name, engine=name) as c:
            c.add(sample_articles())
            c.commit()
            answers: list[Any] = [set(ids(c.search(q, limit=50))) for q in queries]
            answers.append(c.search("talk", facets=("source", "author", "day")).facets)
            answers.append([(b.period, b.count) for b in c.timeline("", interval="week")])
            answers.append(set(ids(c.similar("a3", limit=50))))
            answers.append(c.search("negotiatons").suggestion)
            seen[name] = answers
    first, *others = seen.values()
    assert all(other == first for other in others)

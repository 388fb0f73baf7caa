"""The public library API: what `import newsdex` offers, used as a user would."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from conftest import SEEDS

import newsdex


def test_all_is_explicit_and_complete() -> None:
    public = {name for name in dir(newsdex) if not name.startswith("_")}
    modules = {
        "cli",
        "corpus",
        "errors",
        "extract",
        "clean",
        "index",
        "load",
        "models",
        "pipeline",
        "query",
        "search",
        "evaluate",
        "lock",
        "state",
        "check",
        "dedup",
    }
    assert set(newsdex.__all__) == public - modules
    assert all(hasattr(newsdex, name) for name in newsdex.__all__)


def test_load_index_and_search_from_python(tmp_path: Path) -> None:
    article = newsdex.load_article(SEEDS / "000_323cd50c165473e5.txt")
    assert article.source == "Reuters"
    with newsdex.Corpus.open(tmp_path / "idx") as corpus:
        corpus.add(article)
    with newsdex.Corpus.open(tmp_path / "idx") as corpus:
        result = corpus.search("lavrov", source="reuters", since="2022-04-01", until="2022-04-30")
        assert result.total == 1
        found = result.hits[0].article
        assert found == dataclasses.replace(article, cluster=found.cluster)
        assert found.cluster == article.id  # the first article of its story names it
        assert result.to_dicts()[0]["id"] == article.id


def test_index_paths_reports_counts(tmp_path: Path) -> None:
    with newsdex.Corpus.open(tmp_path / "idx", engine="whoosh") as corpus:
        report = newsdex.index_paths(corpus, [SEEDS, tmp_path / "missing"])
    assert (report.indexed, report.skipped, report.failed) == (2, 0, 1)
    assert report.problems[0].reason == "no such file or directory"


def test_importing_the_cli_does_not_import_scipy() -> None:
    """datasketch (and scipy under it) load on first use: every command, `search`
    included, paid 0.3-0.45 s for them at start."""
    import subprocess
    import sys

    code = "import sys, newsdex.cli; print('scipy' in sys.modules, 'datasketch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]

"""Incremental runs: unchanged files skipped, changed ones replaced, gone ones pruned;
the state file that remembers them; and `newsdex check` over both."""

from __future__ import annotations

import html
import io
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdex import Article, Corpus, IndexReport, index_paths
from newsdex.cli import cli
from newsdex.errors import IndexStateError
from newsdex.state import STATE_FILE

HEADLINE = "Russia will not pause military operation in Ukraine for peace talks"
SEED_TEXT = (SEEDS / "000_323cd50c165473e5.txt").read_text(encoding="utf-8")


def article_text(tag: str) -> str:
    """The Reuters seed with a distinct headline and body: a distinct article per tag."""
    return _tagged(SEED_TEXT, tag).replace(HEADLINE, f"{HEADLINE} ({tag})")


def _tagged(text: str, tag: str) -> str:
    said = "Sergei Lavrov said on Monday."
    return text.replace(said, f"{said[:-1]} ({tag}).")


def write_docs(folder: Path, n: int, prefix: str = "v") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"{i:03}.txt"
        path.write_text(article_text(f"{prefix}{i}"), encoding="utf-8")
        paths.append(path)
    return paths


def page(tag: str) -> bytes:
    """An HTML page holding the seed's paragraphs under a distinct title."""
    paragraphs = [line for line in _tagged(SEED_TEXT, tag).splitlines()[6:24] if len(line) > 80]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    title = f"{HEADLINE} ({tag})"
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{body}</article></body></html>"
    ).encode()


def write_archive(path: Path, tags: list[str]) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for tag in tags:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
            record = writer.create_warc_record(
                f"https://example.org/{tag}",
                "response",
                payload=io.BytesIO(page(tag)),
                http_headers=headers,
            )
            writer.write_record(record)
            record.raw_stream.close()


def run(index: Path, paths: list[Path], *, prune: bool = False, batch: int = 500) -> IndexReport:
    with Corpus.open(index) as corpus:
        return index_paths(corpus, paths, prune=prune, batch_size=batch)


def counts(report: IndexReport) -> tuple[int, ...]:
    r = report
    return (r.added, r.updated, r.unchanged, r.removed, r.skipped, r.failed)


def headlines(index: Path) -> list[str]:
    with Corpus.open(index, create=False) as corpus:
        hits = corpus.search("", limit=1000).hits
        assert len(corpus) == len(hits)
        return sorted(h.article.headline for h in hits)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    write_docs(tmp_path / "docs", 3)
    return tmp_path / "docs"


def test_second_run_leaves_unchanged_files_alone(tmp_path: Path, docs: Path) -> None:
    index = tmp_path / "index"
    assert counts(run(index, [docs])) == (3, 0, 0, 0, 0, 0)
    assert counts(run(index, [docs])) == (0, 0, 3, 0, 0, 0)
    assert len(headlines(index)) == 3


def test_same_size_and_mtime_is_trusted_without_reading(tmp_path: Path, docs: Path) -> None:
    """Proof that unchanged files are not read: new bytes under the old stat go unseen."""
    index = tmp_path / "index"
    run(index, [docs])
    path = docs / "000.txt"
    st = path.stat()
    path.write_text(article_text("w0"), encoding="utf-8")  # same length as "v0"
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert counts(run(index, [docs])) == (0, 0, 3, 0, 0, 0)
    assert f"{HEADLINE} (v0)" in headlines(index)


def test_force_reads_and_extracts_every_file_again(tmp_path: Path, docs: Path) -> None:
    """After an upgrade, --force gives old files the new extraction, replacing old ids."""
    index = tmp_path / "index"
    run(index, [docs])
    path = docs / "000.txt"
    st = path.stat()
    path.write_text(article_text("w0"), encoding="utf-8")  # unseen without --force
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    result = CliRunner().invoke(cli, ["index", str(docs), "--index", str(index), "--force"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].startswith(
        "added 0, updated 3, unchanged 0, removed 0, skipped 0, failed 0; 3 articles"
    )
    assert f"{HEADLINE} (w0)" in headlines(index)
    assert f"{HEADLINE} (v0)" not in headlines(index)


def test_new_mtime_same_bytes_is_unchanged_by_hash(tmp_path: Path, docs: Path) -> None:
    index = tmp_path / "index"
    run(index, [docs])
    path = docs / "001.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert counts(run(index, [docs])) == (0, 0, 3, 0, 0, 0)
    with sqlite3.connect(index / STATE_FILE) as db:
        (mtime,) = db.execute("SELECT mtime_ns FROM files WHERE path = ?", (str(path),)).fetchone()
    assert mtime == path.stat().st_mtime_ns  # remembered: the next run will not hash it


def test_changed_file_replaces_its_article(tmp_path: Path, docs: Path) -> None:
    index = tmp_path / "index"
    run(index, [docs])
    (docs / "001.txt").write_text(article_text("changed"), encoding="utf-8")
    assert counts(run(index, [docs])) == (0, 1, 2, 0, 0, 0)
    assert headlines(index) == sorted(f"{HEADLINE} ({t})" for t in ("v0", "changed", "v2"))


def test_file_that_no_longer_holds_an_article_loses_it(tmp_path: Path, docs: Path) -> None:
    index = tmp_path / "index"
    run(index, [docs])
    (docs / "002.txt").write_text("   \n", encoding="utf-8")
    assert counts(run(index, [docs])) == (0, 0, 2, 1, 1, 0)
    assert len(headlines(index)) == 2


def test_prune_removes_articles_of_deleted_files_only_when_asked(
    tmp_path: Path, docs: Path
) -> None:
    index = tmp_path / "index"
    run(index, [docs])
    (docs / "000.txt").unlink()
    assert counts(run(index, [docs])) == (0, 0, 2, 0, 0, 0)
    assert len(headlines(index)) == 3
    assert counts(run(index, [docs], prune=True)) == (0, 0, 2, 1, 0, 0)
    assert f"{HEADLINE} (v0)" not in headlines(index)


def test_prune_keeps_files_outside_the_paths_given(tmp_path: Path, docs: Path) -> None:
    other = tmp_path / "other"
    write_docs(other, 2, prefix="o")
    index = tmp_path / "index"
    run(index, [docs, other])
    shutil.rmtree(docs)
    docs.mkdir()
    assert counts(run(index, [other], prune=True)) == (0, 0, 2, 0, 0, 0)
    assert len(headlines(index)) == 5
    assert counts(run(index, [docs], prune=True)) == (0, 0, 0, 3, 0, 0)
    assert len(headlines(index)) == 2


def test_an_article_two_files_share_survives_one_of_them_changing(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a.txt", "b.txt"):
        (docs / name).write_text(article_text("same"), encoding="utf-8")
    index = tmp_path / "index"
    run(index, [docs])
    assert len(headlines(index)) == 1
    (docs / "a.txt").write_text(article_text("other"), encoding="utf-8")
    run(index, [docs])
    assert headlines(index) == sorted(f"{HEADLINE} ({t})" for t in ("same", "other"))


def test_web_archive_changes_replace_only_what_changed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    archive = docs / "crawl.warc.gz"
    write_archive(archive, ["a", "b", "c", "d"])
    index = tmp_path / "index"
    assert counts(run(index, [docs], batch=3)) == (4, 0, 0, 0, 0, 0)
    write_archive(archive, ["a", "b", "e"])
    assert counts(run(index, [docs], batch=2)) == (0, 3, 0, 1, 0, 0)
    assert headlines(index) == sorted(f"{HEADLINE} ({t})" for t in "abe")


def test_failed_file_is_tried_again(tmp_path: Path, docs: Path) -> None:
    index = tmp_path / "index"
    bad = docs / "bad.txt.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    assert counts(run(index, [docs]))[-1] == 1
    assert counts(run(index, [docs]))[-1] == 1  # still reported, never silently "unchanged"
    bad.unlink()
    assert counts(run(index, [docs])) == (0, 0, 3, 0, 0, 0)


def test_index_without_state_file_opens_and_catches_up(tmp_path: Path, docs: Path) -> None:
    index = tmp_path / "index"
    with Corpus.open(index) as corpus:
        corpus.add(Article(id="x1", headline="Added by hand", body="Not from any file."))
    assert not (index / STATE_FILE).exists()
    assert counts(run(index, [docs])) == (3, 0, 0, 0, 0, 0)
    assert len(headlines(index)) == 4


def test_damaged_state_file_says_how_to_recover(tmp_path: Path, docs: Path) -> None:
    index = tmp_path / "index"
    run(index, [docs])
    (index / STATE_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexStateError) as err, Corpus.open(index) as corpus:
        index_paths(corpus, [docs])
    assert "Delete state.sqlite" in err.value.hint
    (index / STATE_FILE).unlink()
    assert counts(run(index, [docs])) == (3, 0, 0, 0, 0, 0)  # re-added in place
    assert len(headlines(index)) == 3


def test_crash_inside_a_commit_is_recovered_from_the_journal(tmp_path: Path, docs: Path) -> None:
    """The state committed a batch with its journal, then the process died before the
    engine's commit was recorded as done, and the file changed before the next run: the
    journal's ids (here one already in the engine) are deleted, never left as orphans."""
    index = tmp_path / "index"
    run(index, [docs])
    orphan = Article(id="0rphan", headline="Left by the crash", body="An older version.")
    with Corpus.open(index) as corpus:
        corpus.add(orphan)
    path = str(docs / "000.txt")
    with sqlite3.connect(index / STATE_FILE) as db:
        db.execute("INSERT INTO journal VALUES (?, ?)", (path, orphan.id))
    with Corpus.open(index) as corpus:
        assert any("stopped while committing" in p for p in corpus.check().problems)
    assert counts(run(index, [docs])) == (0, 1, 2, 1, 0, 0)  # the orphan removed
    assert len(headlines(index)) == 3
    with Corpus.open(index) as corpus:
        assert corpus.check().ok


# -- the command line ----------------------------------------------------------


def test_cli_summary_names_every_count(tmp_path: Path, docs: Path) -> None:
    index = tmp_path / "index"
    runner = CliRunner()
    args = ["index", str(docs), "--index", str(index), "--prune"]
    assert runner.invoke(cli, args).exit_code == 0
    (docs / "000.txt").unlink()
    (docs / "001.txt").write_text(article_text("new"), encoding="utf-8")
    (docs / "003.txt").write_text(article_text("added"), encoding="utf-8")
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "added 1, updated 1, unchanged 1, removed 1, skipped 0, failed 0; "
        f"3 articles in {index} (tantivy)\n"
    )
    result = runner.invoke(cli, [*args, "--json"])
    summary = json.loads(result.stdout)
    assert (summary["unchanged"], summary["articles"]) == (3, 3)


# -- newsdex check ---------------------------------------------------------------


@pytest.mark.parametrize("engine", ["tantivy", "whoosh"])
def test_check_passes_on_a_sound_index(tmp_path: Path, docs: Path, engine: str) -> None:
    index = tmp_path / "index"
    with Corpus.open(index, engine=engine) as corpus:
        index_paths(corpus, [docs])
        corpus.add(Article(id="x1", headline="By hand", body="From the library."))
    with Corpus.open(index) as corpus:
        report = corpus.check()
    assert report.ok, report.problems
    assert (report.articles, report.readable, report.tracked_files) == (4, 4, 3)
    assert (report.tracked_articles, report.untracked_articles) == (3, 1)
    result = CliRunner().invoke(cli, ["check", "--index", str(index)])
    assert result.exit_code == 0
    assert result.stdout == (
        f"{index} ({engine}): 4 articles, 4 read back; 3 files tracked, "
        "1 articles from no tracked file\n"
    )


@pytest.mark.parametrize("engine", ["tantivy", "whoosh"])
def test_check_finds_state_and_engine_disagreeing(tmp_path: Path, docs: Path, engine: str) -> None:
    index = tmp_path / "index"
    with Corpus.open(index, engine=engine) as corpus:
        index_paths(corpus, [docs])
        victim = corpus.search("", limit=1).hits[0].article
        corpus.delete(victim.id)  # behind the state's back
    result = CliRunner().invoke(cli, ["check", "--index", str(index)])
    assert result.exit_code == 1
    assert f"problem: {victim.path and os.path.abspath(victim.path)}: article {victim.id} " in (
        result.stderr
    )
    assert "is missing from the engine" in result.stderr
    assert "Hint: Run `newsdex index` again" in result.stderr


def test_check_on_a_missing_index_fails(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--index", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "no newsdex index in" in result.stderr

"""The pipeline under interruption and concurrent use: real processes, killed for real.

A killed run leaves the last commit intact and readable; the next run redoes at most the
batch in flight; a second writer is refused with the holder's pid; a lock left by a dead
process is taken over; readers see the last commit while a writer works.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS

from newsdex import Article, Corpus, IndexLockedError, IndexNotFoundError, NewsdexError
from newsdex.cli import cli
from newsdex.lock import LOCK_FILE
from newsdex.state import STATE_FILE

FILES = 400
BATCH = 20


def write_variants(folder: Path) -> None:
    """Distinct articles (distinct headlines and bodies) made from a real seed."""
    text = (SEEDS / "000_323cd50c165473e5.txt").read_text(encoding="utf-8")
    headline = "Russia will not pause military operation in Ukraine for peace talks"
    said = "Sergei Lavrov said on Monday."
    folder.mkdir()
    for i in range(FILES):
        variant = text.replace(headline, f"{headline} (update {i})")
        variant = variant.replace(said, f"{said[:-1]} (update {i}).")
        (folder / f"{i:04}.txt").write_text(variant, encoding="utf-8")


def committed(index: Path) -> int:
    try:
        with Corpus.open(index, create=False) as corpus:
            return len(corpus)
    except (NewsdexError, OSError, ValueError):
        return 0  # not created yet, or created between two looks


def index_cmd(docs: Path, index: Path, engine: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "newsdex",
        "index",
        str(docs),
        "--index",
        str(index),
        "--engine",
        engine,
        "--batch",
        str(BATCH),
        "--quiet",
        "--json",
    ]


def kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 120
    while not ready() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def files_done(index: Path) -> int:
    """Files the committed state records as indexed (a killed writer's WAL included).

    Files still in the journal do not count: the run was killed inside their commit, so
    the next run redoes them whether or not the engine's half of the commit landed.
    """
    if not (index / STATE_FILE).exists():
        return 0
    with sqlite3.connect(index / STATE_FILE) as db:
        query = (
            "SELECT count(*) FROM files WHERE outcome='indexed' "
            "AND path NOT IN (SELECT path FROM journal)"
        )
        return int(db.execute(query).fetchone()[0])


def test_killed_run_keeps_last_commit_and_next_run_completes(tmp_path: Path) -> None:
    docs, index = tmp_path / "docs", tmp_path / "index"
    write_variants(docs)
    cmd = index_cmd(docs, index, "tantivy")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_when(proc, lambda: committed(index) >= BATCH)
    survived = committed(index)
    assert BATCH <= survived <= FILES
    with Corpus.open(index, create=False) as corpus:
        assert corpus.search("lavrov", limit=1).total == survived
    subprocess.run(cmd, check=True, capture_output=True)
    assert committed(index) == FILES


@pytest.mark.parametrize("engine", ["tantivy", "whoosh"])
@pytest.mark.parametrize("point", [0.05, 0.5, 0.9])
def test_kill_at_any_point_loses_at_most_one_batch(
    tmp_path: Path, engine: str, point: float
) -> None:
    """SIGKILL after the first commit, mid-run and near the end; then resume."""
    docs, index = tmp_path / "docs", tmp_path / "index"
    write_variants(docs)
    cmd = index_cmd(docs, index, engine)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_when(proc, lambda: committed(index) >= max(BATCH, int(FILES * point)))

    survived, done = committed(index), files_done(index)
    assert survived >= BATCH
    assert 0 <= survived - done <= BATCH + 1  # engine ahead of state by the batch in flight
    with Corpus.open(index, create=False) as corpus:  # opens, answers from the last commit
        assert corpus.search("lavrov", limit=1).total == survived
        assert corpus.search('"update 0"', limit=5).total == 1

    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    summary = __import__("json").loads(result.stdout)
    assert summary["unchanged"] == done  # committed files are not read again
    assert summary["added"] + summary["updated"] == FILES - done  # only the rest is redone
    assert summary["articles"] == FILES
    with Corpus.open(index, create=False) as corpus:
        report = corpus.check()
    assert report.ok, report.problems
    assert (report.articles, report.readable, report.tracked_articles) == (FILES,) * 3


@pytest.mark.parametrize("engine", ["tantivy", "whoosh"])
def test_searches_see_the_last_commit_while_a_writer_works(tmp_path: Path, engine: str) -> None:
    docs, index = tmp_path / "docs", tmp_path / "index"
    write_variants(docs)
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as err:
        proc = subprocess.Popen(
            index_cmd(docs, index, engine), stdout=subprocess.DEVNULL, stderr=err
        )
    try:
        seen = []
        while proc.poll() is None and len(seen) < 5:
            n = committed(index)
            if n:
                seen.append(n)
                cli_search = subprocess.run(
                    [sys.executable, "-m", "newsdex", "search", "lavrov", "--index", str(index)],
                    capture_output=True,
                    text=True,
                )
                assert cli_search.returncode == 0, cli_search.stderr
            time.sleep(0.05)
    finally:
        proc.wait(timeout=120)
    assert proc.returncode == 0, errors.read_text()
    assert seen == sorted(seen)  # never goes back
    assert committed(index) == FILES


HOLDER = """
import sys
from newsdex import Corpus
corpus = Corpus.open(sys.argv[1], engine=sys.argv[2])
corpus.lock()
print("locked", flush=True)
sys.stdin.read()
corpus.close()
"""


def hold_lock(index: Path, engine: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(index), engine],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.parametrize("engine", ["tantivy", "whoosh"])
def test_second_writer_is_refused_naming_the_holder(tmp_path: Path, engine: str) -> None:
    index = tmp_path / "index"
    with Corpus.open(index, engine=engine) as corpus:
        corpus.add(Article(id="a1", headline="First", body="Written before the holder."))
    holder = hold_lock(index, engine)
    try:
        with pytest.raises(IndexLockedError) as err, Corpus.open(index) as corpus:
            corpus.add(Article(id="a2", headline="Second", body="Refused."))
        assert f"is being written by process {holder.pid} on " in str(err.value)
        with Corpus.open(index) as reader:  # readers are never refused
            assert reader.search("written", limit=1).total == 1
        result = CliRunner().invoke(cli, ["index", str(SEEDS), "--index", str(index)])
        assert result.exit_code == 1
        assert f"is being written by process {holder.pid} on " in result.stderr
        assert "Hint: Wait for the other indexing run to finish" in result.stderr
    finally:
        holder.communicate()  # closes its stdin: the holder closes its corpus and exits
    with Corpus.open(index) as corpus:  # released on close
        corpus.add(Article(id="a2", headline="Second", body="Now accepted."))
    assert (index / LOCK_FILE).read_text() == ""


def test_lock_of_a_killed_writer_is_taken_over(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index = tmp_path / "index"
    Corpus.open(index).close()
    holder = hold_lock(index, "tantivy")
    holder.send_signal(signal.SIGKILL)
    holder.communicate()
    assert (index / LOCK_FILE).read_text().split()[0] == str(holder.pid)  # left behind
    with caplog.at_level(logging.WARNING, logger="newsdex.lock"), Corpus.open(index) as corpus:
        corpus.add(Article(id="a1", headline="After", body="The dead writer's lock."))
    assert f"process {holder.pid} on" in caplog.text
    assert "taking over the write lock" in caplog.text
    with Corpus.open(index) as corpus:
        assert len(corpus) == 1


def test_two_corpora_in_one_process_are_two_writers(tmp_path: Path) -> None:
    index = tmp_path / "index"
    with Corpus.open(index) as first:
        first.add(Article(id="a1", headline="One", body="Body."))
        with pytest.raises(IndexLockedError, match=f"process {os.getpid()} "):
            Corpus.open(index).lock()


def test_missing_index_is_not_created_by_readers(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError):
        Corpus.open(tmp_path / "nothing", create=False)
    assert not (tmp_path / "nothing").exists()

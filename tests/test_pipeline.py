"""The pipeline under interruption: a killed run leaves the last commit intact."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS

from newsdex import Corpus, IndexNotFoundError

FILES = 400
BATCH = 20


def write_variants(folder: Path) -> None:
    """Distinct articles (distinct headlines) made from a real seed."""
    text = (SEEDS / "000_323cd50c165473e5.txt").read_text(encoding="utf-8")
    headline = "Russia will not pause military operation in Ukraine for peace talks"
    folder.mkdir()
    for i in range(FILES):
        variant = text.replace(headline, f"{headline} (update {i})")
        (folder / f"{i:04}.txt").write_text(variant, encoding="utf-8")


def committed(index: Path) -> int:
    try:
        with Corpus.open(index, create=False) as corpus:
            return len(corpus)
    except (IndexNotFoundError, OSError, ValueError):
        return 0


@pytest.mark.parametrize("engine", ["tantivy", "whoosh"])
def test_killed_run_keeps_last_commit_and_next_run_completes(tmp_path: Path, engine: str) -> None:
    docs, index = tmp_path / "docs", tmp_path / "index"
    write_variants(docs)
    cmd = [
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
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while committed(index) < BATCH and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    survived = committed(index)
    assert BATCH <= survived <= FILES
    with Corpus.open(index, create=False) as corpus:
        assert corpus.search("lavrov", limit=1).total == survived
    subprocess.run(cmd, check=True, capture_output=True)
    assert committed(index) == FILES

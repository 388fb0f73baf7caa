"""Web archives and compressed pages: real pages written into WARC files with warcio."""

from __future__ import annotations

import functools
import gzip
import html
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, SEEDS
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdex import (
    Article,
    Corpus,
    LoadError,
    UnsupportedFile,
    index_paths,
    load_article,
    load_articles,
    read_document,
)
from newsdex.load.warc import SkippedRecords, read_warc

DETROIT = "65ce3a4577a0306994efa190a0d96e84014f9d4257ad54753e807ede518f02c0"
CRAWL_DATE = "2024-03-28T10:00:00Z"


def undated_page() -> bytes:
    """A real article (the Reuters seed's paragraphs) as HTML that names no date."""
    lines = (SEEDS / "000_323cd50c165473e5.txt").read_text(encoding="utf-8").splitlines()
    paragraphs = [line for line in lines[6:24] if len(line) > 80]
    paragraphs[0] = paragraphs[0].removeprefix("April 11 (Reuters) - ")  # its dateline
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    title = "Russia will not pause military operation in Ukraine for peace talks"
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{body}</article></body></html>"
    ).encode()


def write_warc(path: Path, *, gz: bool) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gz)
        write = functools.partial(_write, writer)
        write(writer.create_warcinfo_record(path.name, {"software": "test"}))
        pages = [
            (
                "https://www.detroitnews.com/story/1/",
                (DATA / "html" / f"{DETROIT}.html").read_bytes(),
                "text/html; charset=utf-8",
            ),
            ("https://example.org/undated", undated_page(), "text/html"),
            ("https://example.org/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png"),
        ]
        for uri, payload, content_type in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(payload),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": CRAWL_DATE},
            )
            write(record)
        revisit = writer.create_revisit_record(
            "https://example.org/undated",
            digest="sha1:AAAA",
            refers_to_uri="https://example.org/undated",
            refers_to_date=CRAWL_DATE,
        )
        write(revisit)


def _write(writer: WARCWriter, record: Any) -> None:
    """Write a record and close the temporary file warcio spooled its payload into."""
    writer.write_record(record)
    if record.raw_stream is not None:
        record.raw_stream.close()


@pytest.mark.parametrize("gz", [True, False])
def test_html_records_become_articles_with_uri_and_crawl_date(tmp_path: Path, gz: bool) -> None:
    archive = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(archive, gz=gz)
    with Corpus.open(tmp_path / "index") as corpus:
        report = index_paths(corpus, [tmp_path])
    assert (report.indexed, report.skipped, report.failed) == (2, 2, 0)
    assert sorted(p.reason for p in report.problems) == ["1 non-HTML records", "1 revisit records"]
    with Corpus.open(tmp_path / "index") as corpus:
        by_url = {h.article.url: h.article for h in corpus.search("", limit=10).hits}
    detroit = by_url["https://www.detroitnews.com/story/1/"]
    expected = json.loads((DATA / "html" / f"{DETROIT}.json").read_text())
    assert detroit.date == expected["date"]
    assert detroit.crawled == CRAWL_DATE
    undated = by_url["https://example.org/undated"]
    assert undated.date is None  # never the crawl date
    assert undated.crawled == CRAWL_DATE
    assert undated.headline == "Russia will not pause military operation in Ukraine for peace talks"


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_archive_keeps_records_before_the_break(tmp_path: Path, gz: bool) -> None:
    whole = tmp_path / "whole.warc"
    write_warc(whole, gz=gz)
    data = whole.read_bytes()
    # cut inside the second page record (gzip: its member, the 3rd after warcinfo and page 1)
    cut = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    if gz:
        cut.write_bytes(_cut_gzip_member(data, 3))
    else:
        cut.write_bytes(data[: data.index(b"https://example.org/undated") + 400])
    whole.unlink()
    items = list(read_warc(cut))
    documents = [i for i in items if not isinstance(i, (LoadError, SkippedRecords))]
    errors = [i for i in items if isinstance(i, LoadError)]
    assert [d.url for d in documents] == ["https://www.detroitnews.com/story/1/"]
    assert len(errors) == 1 and "truncated" in errors[0].reason


def _cut_gzip_member(data: bytes, member: int) -> bytes:
    """Bytes of a multi-member gzip WARC cut half-way through member `member` (1-based)."""
    starts = [i for i in range(len(data) - 2) if data[i : i + 3] == b"\x1f\x8b\x08"]
    start, end = starts[member - 1], starts[member]
    return data[: start + (end - start) // 2]


def test_load_articles_reads_an_archive(tmp_path: Path) -> None:
    write_warc(tmp_path / "a.warc.gz", gz=True)
    outcomes = list(load_articles(tmp_path / "a.warc.gz"))
    urls = [o.url for o in outcomes if isinstance(o, Article)]
    assert urls == ["https://www.detroitnews.com/story/1/", "https://example.org/undated"]
    with pytest.raises(LoadError, match="use load_articles"):
        load_article(tmp_path / "a.warc.gz")


def test_html_gz_is_read(tmp_path: Path) -> None:
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress((DATA / "html" / f"{DETROIT}.html").read_bytes()))
    doc = read_document(page)
    assert doc.kind == "html"
    assert "Eastern Michigan" in doc.text


def test_gzip_bomb_and_truncated_gzip_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    with gzip.open(bomb, "wb") as out:
        for _ in range(60):
            out.write(b"\0" * 1_000_000)
    with pytest.raises(UnsupportedFile, match="decompresses to more than"):
        read_document(bomb)
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(gzip.compress(b"<html>" + b"x" * 5000)[:40])
    with pytest.raises(LoadError, match="broken gzip"):
        read_document(broken)

"""WARC archives (`.warc`, `.warc.gz`) -> one raw HTML document per response record.

Reading is warcio's. newsdex adds what a news corpus needs on top: only HTML responses
become documents, each with the record's target URI and crawl date (the crawl date is
never a publication date); other records are counted, not reported one by one; and a
truncated archive yields every record before the break, then one error.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsdex.errors import LoadError, NewsdexError
from newsdex.load.decode import decode_bytes
from newsdex.models import RawDocument

log = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz")
MAX_RECORD_BYTES = 50_000_000
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TRAILER_SLACK = 64


@dataclass(frozen=True)
class SkippedRecords:
    """Records of one archive that hold no page to index, by reason."""

    path: str
    counts: dict[str, int]


def is_warc(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(suffix) for suffix in WARC_SUFFIXES)


def read_warc(path: Path) -> Iterator[RawDocument | LoadError | SkippedRecords]:
    """Every HTML response of the archive, then the skipped counts, then any error."""
    skipped: Counter[str] = Counter()
    try:
        with path.open("rb") as stream:
            yield from _records(path, stream, skipped)
    except OSError as exc:
        yield LoadError(str(path), exc.strerror or str(exc))
    except LoadError as exc:
        yield exc
    if skipped:
        yield SkippedRecords(str(path), dict(skipped))


def _records(
    path: Path, stream: BinaryIO, skipped: Counter[str]
) -> Iterator[RawDocument | LoadError]:
    records = ArchiveIterator(stream)
    end = 0
    try:
        for record in records:
            item = _document(path, record, skipped)
            end = records.get_record_offset() + records.get_record_length()
            if item is not None:
                yield item
    except (ArchiveLoadFailed, EOFError, ValueError, OSError) as exc:
        raise LoadError(str(path), f"archive broken after {end} bytes: {exc}") from exc
    _check_complete(path, stream, end)


def _document(path: Path, record: Any, skipped: Counter[str]) -> RawDocument | None:
    """The record as an HTML document, or None (counted in `skipped`) when it is not one."""
    if record.rec_type == "revisit":
        skipped["revisit records"] += 1
        return None
    if record.rec_type != "response":
        return None  # warcinfo, request, metadata: bookkeeping, not pages
    content_type = record.http_headers.get_header("Content-Type") if record.http_headers else ""
    if not any(kind in (content_type or "").lower() for kind in _HTML_TYPES):
        skipped["non-HTML records"] += 1
        return None
    data = record.content_stream().read(MAX_RECORD_BYTES + 1)
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if record.raw_stream.limit > 0 and len(data) <= MAX_RECORD_BYTES:
        raise LoadError(str(path), f"archive truncated inside the record for {uri}")
    if len(data) > MAX_RECORD_BYTES or not data.strip():
        skipped["oversized or empty records"] += 1
        return None
    try:
        text, encoding = decode_bytes(data, name=f"{path} {uri}", declared=_charset(content_type))
    except NewsdexError:
        skipped["undecodable records"] += 1
        return None
    crawled = record.rec_headers.get_header("WARC-Date")
    return RawDocument(
        name=f"{path} {uri}",
        text=text,
        kind="html",
        encoding=encoding,
        url=uri or None,
        crawled=crawled,
    )


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _check_complete(path: Path, stream: BinaryIO, end: int) -> None:
    """warcio stops quietly at a cut inside a gzip member: bytes left unread mean a break."""
    size = path.stat().st_size
    if size - end <= 0:
        return
    stream.seek(end)
    tail = stream.read(_TRAILER_SLACK + 1)
    if len(tail) > _TRAILER_SLACK or tail.strip(b"\r\n"):
        raise LoadError(str(path), f"archive truncated: {size - end} bytes after the last record")

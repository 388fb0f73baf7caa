"""Loading: files, folders and stdin -> decoded raw documents.

Folders are walked recursively (symlink loops are detected); a file's kind comes from
its extension (`.txt` text, `.html`/`.htm` HTML, either gzip-compressed as `.gz`), or
from its content when it was named explicitly with another extension. Decoding lives
in `newsdex.load.decode`, web archives in `newsdex.load.warc`.
"""

from __future__ import annotations

import errno
import gzip
import logging
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsdex.errors import LoadError, UnsupportedFile
from newsdex.load.decode import decode_bytes, looks_like_html
from newsdex.load.warc import is_warc
from newsdex.models import DocKind, RawDocument

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
MAX_BYTES = 50_000_000
STDIN_NAME = "<stdin>"

__all__ = ["discover", "read_document", "document_from_bytes", "kind_for_suffix"]


def kind_for_suffix(path: Path) -> DocKind | None:
    suffix = path.suffix.lower()
    if suffix == ".gz":
        suffix = Path(path.stem).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    return None


def discover(paths: Iterable[str | Path]) -> Iterator[Path | LoadError]:
    """Every file to load under `paths`, in a stable order, or a LoadError per bad path.

    Files named explicitly are always yielded (their kind is sniffed if the extension
    says nothing); inside folders only files with a known extension are taken.
    """
    seen_dirs: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, seen_dirs)
        elif path.is_file():
            yield path
        elif not path.exists():
            yield LoadError(str(path), _missing_reason(path))
        else:
            yield UnsupportedFile(str(path), "not a regular file")


def _missing_reason(path: Path) -> str:
    """Why a path named on the command line cannot be used: a symlink loop is not absent."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno != errno.ENOENT and exc.strerror:
            return exc.strerror
    return "no such file or directory"


def _walk(root: Path, seen: set[tuple[int, int]]) -> Iterator[Path | LoadError]:
    """Depth-first walk that follows symlinks but visits each real folder once."""
    try:
        stat = root.stat()
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        yield LoadError(str(root), exc.strerror or str(exc))
        return
    key = (stat.st_dev, stat.st_ino)
    if key in seen:
        log.debug("skipping %s: folder already visited (symlink loop)", root)
        return
    seen.add(key)
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError as exc:
            yield LoadError(str(path), exc.strerror or str(exc))
            continue
        if is_dir:
            yield from _walk(path, seen)
        elif is_file and (kind_for_suffix(path) is not None or is_warc(path)):
            yield path


def read_document(path: str | Path) -> RawDocument:
    """Read and decode one file; raises LoadError (UnsupportedFile when skippable)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnsupportedFile(str(path), f"file too large ({size} bytes > {MAX_BYTES})")
        data = _read_gzip(path) if path.suffix.lower() == ".gz" else path.read_bytes()
    except OSError as exc:
        raise LoadError(str(path), exc.strerror or str(exc)) from exc
    return document_from_bytes(data, name=str(path), kind=kind_for_suffix(path))


def _read_gzip(path: Path) -> bytes:
    """Decompress at most MAX_BYTES: a small file may expand without bound (a gzip bomb)."""
    try:
        with gzip.open(path, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise LoadError(str(path), f"broken gzip data: {exc}") from exc
    if len(data) > MAX_BYTES:
        raise UnsupportedFile(str(path), f"decompresses to more than {MAX_BYTES} bytes")
    return data


def document_from_bytes(data: bytes, *, name: str, kind: DocKind | None = None) -> RawDocument:
    """Decode bytes into a RawDocument; `kind` None means: tell from the content."""
    if not data.strip():
        raise UnsupportedFile(name, "empty file")
    text, encoding = decode_bytes(data, name=name)
    if kind is None:
        kind = "html" if looks_like_html(text) else "text"
    return RawDocument(name=name, text=text, kind=kind, encoding=encoding)

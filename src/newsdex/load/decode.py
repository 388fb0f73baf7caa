"""Bytes -> text, whatever the encoding.

Order of evidence: a byte-order mark; strict UTF-8; a charset declared in an HTML
<meta> tag; Windows-1252 when every non-ASCII character it yields is a common Western
letter or typographic mark (charset-normalizer alone mistakes short cp1252 and latin-1
texts for cp1250); then charset-normalizer's detection. Bytes that look binary (NULs without
a UTF-16/32 BOM, or that no detector can read as text) are refused as UnsupportedFile.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from newsdex.errors import LoadError, UnsupportedFile

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([-\w:.]+)""", re.I)
_HTML_START = re.compile(r"\A\s*(?:<!doctype html|<html|<head|<!--|<\?xml)", re.I)
_SNIFF = 8192
_WESTERN = frozenset(
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßœŒšŠžŽ“”‘’–—…€£¥°«»©®™·•´¡¿§¶×\xa0"
)
_WESTERN_SHARE = 0.97


def decode_bytes(data: bytes, *, name: str, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name) or raise LoadError/UnsupportedFile.

    `declared` is a charset named outside the bytes (an HTTP header); it ranks with
    the page's own <meta> declaration, after a BOM and valid UTF-8.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data, encoding, name), encoding
    if b"\x00" in data[:_SNIFF]:
        raise UnsupportedFile(name, "binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _known_codec(declared) or _declared_charset(data)
    if declared:
        try:
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass
    western = _as_western(data)
    if western is not None:
        return western, "cp1252"
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UnsupportedFile(name, "binary file (no text encoding fits)")
    return str(best), best.encoding


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise LoadError(name, f"invalid {encoding} text at byte {exc.start}") from exc


def _as_western(data: bytes) -> str | None:
    """The cp1252 reading of `data` if it looks like Western European text, else None."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    high = [ch for ch in text if ord(ch) > 127]
    if not high:
        return text
    common = sum(ch in _WESTERN for ch in high)
    return text if common >= _WESTERN_SHARE * len(high) else None


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes, if it is a known codec."""
    match = _META_CHARSET.search(data[:_SNIFF])
    if not match:
        return None
    return _known_codec(match.group(1).decode("ascii", "ignore"))


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def looks_like_html(text: str) -> bool:
    """True when a document named without an HTML extension is in fact HTML."""
    return bool(_HTML_START.match(text[:1000]))

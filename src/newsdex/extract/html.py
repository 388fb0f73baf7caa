"""Saved HTML page -> `Extracted` (fields plus main text).

Structured data (JSON-LD, Open Graph, meta tags) gives the fields; trafilatura plus a
line filter gives the body. The page is parsed once and the tree shared by both.
"""

from __future__ import annotations

import dataclasses
import logging
import re

from newsdex.clean.html import extract_body, parse_html
from newsdex.errors import NotAnArticle
from newsdex.extract.language import detect_language
from newsdex.extract.metadata import read_metadata
from newsdex.models import Extracted, Fields

log = logging.getLogger(__name__)

MIN_BODY_WORDS = 15
"""Below this the page is a stub, a menu or an error page, not an article."""


def extract_html(html: str, *, name: str = "<html>") -> Extracted:
    """Fields and body of the article in saved page `html`.

    Raises `NotAnArticle` (and nothing else) when the page holds no article text.
    """
    if not isinstance(html, str):
        raise NotAnArticle(name, f"expected HTML text, got {type(html).__name__}")
    tree = parse_html(html)
    if tree is None:
        raise NotAnArticle(name, "not readable as HTML")
    body = extract_body(tree)
    words = len(re.findall(r"\w+", body))
    if words < MIN_BODY_WORDS:
        raise NotAnArticle(name, f"no article text found ({words} words of main text)")
    try:
        fields = read_metadata(tree)
    except (RecursionError, ValueError, TypeError, AttributeError) as err:
        log.warning("%s: structured data unreadable: %r", name, err)
        fields = Fields()
    return Extracted(fields=complete_fields(fields, body, name), body=body)


def complete_fields(fields: Fields, body: str, name: str) -> Fields:
    """Fill fields the structured data lacks: language from the body, the rest from
    the text path's heuristics when that module is available."""
    updates: dict[str, object] = {}
    if not fields.language:
        updates["language"] = detect_language(body)
    if not fields.date or not fields.authors or not fields.headline:
        updates.update(_from_text(fields, body, name))
    return dataclasses.replace(fields, **updates) if updates else fields


def _from_text(fields: Fields, body: str, name: str) -> dict[str, object]:
    """Missing date/authors/headline from the text extractor run on the body.

    Imported lazily: the text path is optional for HTML and may fail on odd input,
    which must not cost the HTML article.
    """
    try:
        from newsdex.extract.text import extract_text
    except ImportError:
        return {}
    try:
        found = extract_text(body, name=name).fields
    except Exception as err:  # another module's heuristics on arbitrary text
        log.debug("%s: text fallback failed: %r", name, err)
        return {}
    updates: dict[str, object] = {}
    if not fields.date and found.date:
        updates["date"] = found.date
    if not fields.authors and found.authors:
        updates["authors"] = found.authors
    if not fields.headline and found.headline:
        updates["headline"] = found.headline
    return updates

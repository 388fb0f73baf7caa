"""Saved HTML page -> `Extracted` (fields plus main text).

Structured data (JSON-LD, Open Graph, meta tags) gives the fields; trafilatura plus a
line filter gives the body. The page is parsed once and the tree shared by both.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

from lxml.html import HtmlElement

from newsdex.clean.html import BodyOptions, extract_body, parse_html, visible_text
from newsdex.errors import NotAnArticle
from newsdex.extract.language import count_words, detect_language
from newsdex.extract.metadata import read_metadata
from newsdex.models import Extracted, Fields

log = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’)]?(?:\s|$)")
MIN_BODY_WORDS = 15
LIST_ARTICLE_WORDS = 60
"""A body without sentences is still an article (a schedule, a results table) when
it has at least this many words, at four or more a line on average."""
"""Below this the page is a stub, a menu or an error page, not an article."""


def extract_html(
    html: str, *, name: str = "<html>", options: BodyOptions | None = None
) -> Extracted:
    """Fields and body of the article in saved page `html`; `options` tune the body
    extractor (the benchmark passes held-out block models through it).

    Raises `NotAnArticle` (and nothing else) when the page holds no article text.
    """
    if not isinstance(html, str):
        raise NotAnArticle(name, f"expected HTML text, got {type(html).__name__}")
    tree = parse_html(html)
    if tree is None:
        raise NotAnArticle(name, "not readable as HTML")
    fields = _read_fields(tree, name)
    body = extract_body(tree, options, headline=fields.headline, summary=fields.summary)
    words = count_words(body)
    if words < MIN_BODY_WORDS:
        raise NotAnArticle(name, f"no article text found ({words} words of main text)")
    if not has_prose(body):
        raise NotAnArticle(name, "main text has no sentences (a list of links or labels)")
    return Extracted(fields=complete_fields(fields, tree, body, name), body=body)


def has_prose(body: str) -> bool:
    """True when some paragraph reads as running text (long enough, with a sentence
    end), or the text is substantial in lines of several words (a schedule, a table of
    results). Menus and link lists that trafilatura's fallback returns for pages without
    an article are neither: short labels, and link-heavy lines the block filter drops."""
    paragraphs = body.split("\n\n")
    if any(len(p) >= 60 and _SENTENCE_END.search(p) for p in paragraphs):
        return True
    words = count_words(body)
    lines = sum(1 for line in body.split("\n") if line.strip())
    return words >= LIST_ARTICLE_WORDS and words >= 4 * lines


def _read_fields(tree: HtmlElement, name: str) -> Fields:
    """Structured-data fields; empty ones when the markup defeats the reader, since the
    body alone is still an article."""
    try:
        return read_metadata(tree)
    except (RecursionError, ValueError, TypeError, AttributeError) as err:
        log.warning("%s: structured data unreadable: %r", name, err)
        return Fields()


def complete_fields(fields: Fields, tree: HtmlElement, body: str, name: str) -> Fields:
    """Fill fields the structured data lacks: date and headline (authors too, then)
    from the text path's heuristics run on the page's visible text; that costs ~20 ms,
    so a page without authors alone (common: agency copy) does not trigger it. The
    language detected on the body wins over a declared one it contradicts: site
    templates often hard-code it."""
    updates: dict[str, Any] = {}
    if not fields.date or not fields.headline:
        updates.update(_from_text(fields, tree, name))
    detected = detect_language(body)  # reads the first few hundred characters
    if detected and detected != fields.language:
        updates["language"] = detected  # templates often hard-code lang="en"
    elif not fields.language:
        updates["language"] = detected
    return dataclasses.replace(fields, **updates) if updates else fields


def _from_text(fields: Fields, tree: HtmlElement, name: str) -> dict[str, Any]:
    """Missing date/authors/headline from the text extractor.

    Imported lazily: the text path is a separate module, and its failure on odd input
    must not cost the HTML article.
    """
    try:
        from newsdex.extract.text import extract_text
    except ImportError:
        return {}
    try:
        found = extract_text(visible_text(tree), name=name).fields
    except Exception as err:  # another module's heuristics on arbitrary text
        log.debug("%s: text fallback failed: %r", name, err)
        return {}
    updates: dict[str, Any] = {}
    if not fields.date and found.date:
        updates["date"] = found.date
    if not fields.authors and found.authors:
        updates["authors"] = found.authors
    if not fields.headline and found.headline:
        updates["headline"] = found.headline
    return updates

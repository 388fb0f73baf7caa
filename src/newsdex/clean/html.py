"""Main text of a saved HTML page: trafilatura's extraction, then a line filter.

trafilatura finds the article container well but keeps some lines a reader would not
call article text (share prompts, "related" headings, newsletter pitches, photo
credits); `filter_paragraphs` removes those. The page is parsed once (`parse_html`) and
the same tree is shared with the metadata reader; trafilatura copies it before pruning.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

log = logging.getLogger(__name__)

MAX_PAGE_CHARS = 30_000_000
"""Pages larger than this are refused: no news article is 30 MB of HTML."""


@dataclass(frozen=True)
class BodyOptions:
    """How trafilatura is run; the defaults are what the benchmark favours."""

    favor_precision: bool = True
    favor_recall: bool = False
    fast: bool = False
    include_tables: bool = True
    filter_lines: bool = True


def parse_html(html: str) -> HtmlElement | None:
    """The page as an lxml tree, or None when it cannot be read as HTML at all.

    trafilatura's loader is used because it repairs common breakage (doctype quirks,
    encoding declarations in Unicode input) the same way its extractor expects.
    """
    if not html or not html.strip() or len(html) > MAX_PAGE_CHARS:
        return None
    try:
        tree = load_html(html)
    except (ValueError, TypeError, RecursionError, MemoryError) as err:
        log.debug("cannot parse page: %s", err)
        return None
    except Exception as err:  # lxml raises its own error types on odd bytes
        log.debug("cannot parse page: %r", err)
        return None
    return tree if isinstance(tree, HtmlElement) else None


def extract_body(tree: HtmlElement, options: BodyOptions | None = None) -> str:
    """Article text of `tree`, paragraphs joined by a blank line ("" when none)."""
    options = options or BodyOptions()
    text = run_trafilatura(tree, options)
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    if options.filter_lines:
        paragraphs = filter_paragraphs(paragraphs)
    return "\n\n".join(paragraphs)


def run_trafilatura(tree: HtmlElement, options: BodyOptions) -> str:
    """trafilatura's plain-text extraction of `tree` without comments; "" on failure.

    Any exception is caught: trafilatura walks arbitrary trees recursively and a
    pathological page must cost one article, not the whole run.
    """
    try:
        text = trafilatura.extract(
            tree,
            include_comments=False,
            include_tables=options.include_tables,
            favor_precision=options.favor_precision,
            favor_recall=options.favor_recall,
            fast=options.fast,
            deduplicate=False,
            with_metadata=False,
        )
    except Exception as err:  # third-party code on untrusted input
        log.warning("trafilatura failed: %r", err)
        return ""
    return text or ""


_BOILERPLATE_LINE = re.compile(
    r"^(?:share (?:this|on|via)|click to share|share$|tweet$|email$|print$|"
    r"sign up|subscribe|newsletter|follow us|read more$|related(?: articles| stories|:)?$|"
    r"advertisement$|ad$|skip (?:to|ad)|more from|recommended|"
    r"image:|photo:|credit:|photograph:|\(photo|getty images$|"
    r"copyright ©|© ?\d{4}|all rights reserved)",
    re.IGNORECASE,
)


def filter_paragraphs(paragraphs: list[str]) -> list[str]:
    """Drop paragraphs that are site furniture rather than article text."""
    return [p for p in paragraphs if not is_boilerplate(p)]


def is_boilerplate(paragraph: str) -> bool:
    """True for short share/subscribe/related/credit lines trafilatura sometimes keeps."""
    if len(paragraph) > 200:
        return False
    return bool(_BOILERPLATE_LINE.match(paragraph))

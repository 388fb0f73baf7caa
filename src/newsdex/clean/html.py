"""Main text of a saved HTML page: trafilatura's extraction, then a line filter.

trafilatura finds the article container well but keeps some lines a reader would not
call article text (share prompts, "related" headings, newsletter pitches, photo
credits); `filter_paragraphs` removes those. The page is parsed once (`parse_html`) and
the same tree is shared with the metadata reader; trafilatura copies it before pruning.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import warnings
from dataclasses import dataclass

import trafilatura
from dateutil import parser as dateparser
from lxml import etree
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.utils import load_html

log = logging.getLogger(__name__)

MAX_PAGE_CHARS = 30_000_000
"""Pages larger than this are refused: no news article is 30 MB of HTML."""


@dataclass(frozen=True)
class BodyOptions:
    """How trafilatura is run and filtered; the defaults are what the benchmark favours.

    Recall mode without trafilatura's readability/jusText comparison is both the most
    complete and the fastest run (~8 ms a page); precision is then recovered by
    `filter_blocks`, which sees link density and block kinds that trafilatura's own
    precision mode does not use.
    """

    favor_precision: bool = False
    favor_recall: bool = True
    fast: bool = True
    include_tables: bool = True
    filter_lines: bool = True


@dataclass(frozen=True)
class Block:
    """One paragraph-level unit of the extracted body, with what the filter needs."""

    text: str
    tag: str
    link_share: float
    """Fraction of the block's characters that sit inside links."""


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


def extract_body(
    tree: HtmlElement, options: BodyOptions | None = None, *, headline: str | None = None
) -> str:
    """Article text of `tree`, paragraphs joined by a blank line ("" when none).

    `headline`, when known, is removed from the body: trafilatura often keeps the
    title that sits inside the article container.
    """
    options = options or BodyOptions()
    body = run_trafilatura(tree, options)
    if body is None:
        return ""
    found = blocks(body)
    if options.filter_lines:
        found = filter_blocks(found, headline=headline)
    return "\n\n".join(block.text for block in found)


def run_trafilatura(tree: HtmlElement, options: BodyOptions) -> _Element | None:
    """trafilatura's extracted body (its XML: p/head/list/quote/table/ref) or None.

    Links are kept so the filter can measure link density. Any exception is caught:
    trafilatura walks arbitrary trees recursively and a pathological page must cost
    one article, not the whole run.
    """
    try:
        document = trafilatura.bare_extraction(
            tree,
            include_comments=False,
            include_tables=options.include_tables,
            include_links=True,
            favor_precision=options.favor_precision,
            favor_recall=options.favor_recall,
            fast=options.fast,
            deduplicate=False,
            with_metadata=False,
        )
    except Exception as err:  # third-party code on untrusted input
        log.warning("trafilatura failed: %r", err)
        return None
    return getattr(document, "body", None) if document is not None else None


def blocks(body: _Element) -> list[Block]:
    """Paragraph-level blocks of a trafilatura body: list items and table rows apart."""
    found: list[Block] = []
    for element in body:
        if not isinstance(element.tag, str) or element.tag == "graphic":
            continue
        if element.tag == "list":
            parts = [item for item in element.iter("item")] or [element]
        elif element.tag == "table":
            parts = [row for row in element.iter("row")] or [element]
        else:
            parts = [element]
        for part in parts:
            if block := _block(part, element.tag):
                found.append(block)
    return found


def _block(element: _Element, tag: str) -> Block | None:
    """A `Block` from one element, or None when it holds no text."""
    if tag == "table":
        text = " | ".join(_clean(" ".join(c.itertext())) for c in element if isinstance(c.tag, str))
    else:
        for lb in element.iter("lb"):
            lb.tail = "\n" + (lb.tail or "")
        text = "\n".join(_clean(line) for line in "".join(element.itertext()).split("\n"))
    text = text.strip(" \n|")
    if not text:
        return None
    linked = sum(len(_clean("".join(ref.itertext()))) for ref in element.iter("ref"))
    return Block(text=text, tag=tag, link_share=min(1.0, linked / max(1, len(text))))


def _clean(text: str) -> str:
    """Collapse runs of whitespace (non-breaking spaces included) to one space."""
    return re.sub(r"\s+", " ", text).strip()


_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "blockquote",
        "figure",
        "figcaption",
        "main",
        "form",
        "dd",
        "dt",
        "pre",
        "address",
        "time",
    ]
)
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "head"})


def visible_text(tree: HtmlElement, limit: int = 200_000) -> str:
    """The page's text roughly as a browser's select-all-and-copy gives it (one block
    per line), for the text path's field heuristics; walks without recursion so deep
    trees are safe, and stops after `limit` characters."""
    parts: list[str] = []
    size = 0
    hidden = 0
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _HIDDEN_TAGS:
            hidden += 1 if event == "start" else -1
            if event == "end" and hidden == 0 and element.tail:
                parts.append(element.tail)
            continue
        if hidden:
            continue
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        text = element.text if event == "start" else element.tail
        if text and isinstance(element.tag, str):
            parts.append(text)
            size += len(text)
        if size > limit:
            break
    lines = (re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


_BOILERPLATE_LINE = re.compile(
    r"^(?:share (?:this|on|via|it)|click to share|share$|tweet$|e-?mail$|print$|comments?$|"
    r"tags:?$|filed under|sign up for|subscribe (?:to|now)|get the .{0,60}(?:newsletter|inbox)|"
    r"follow (?:us|\S+(?: \S+){0,4} on (?:facebook|twitter|instagram))|"
    r"related(?: (?:articles?|stories|posts?|coverage|content|links?))?\b ?:?|"
    r"(?:read|see|watch) (?:more|also)\b|also read\b|more:|don'?t miss|you (?:may|might) also like|"
    r"most (?:read|popular|viewed)|recommended\b|advertisement$|skip (?:to|ad)|"
    r"tell us what you think|like this (?:story|article)|tempo de leitura|lesezeit|"
    r"(?:image|photo|picture)s?(?: credit)?:|\((?:photo|image)|getty images$)",
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(
    r"(?:contributed (?:reporting|to this (?:report|story))|^additional reporting by)",
    re.IGNORECASE,
)
_TRAILER = re.compile(
    r"\s*(?:click to tweet|\[(?:insight|video|news|warning|reaction|pics?)\]\|?)\s*$", re.IGNORECASE
)
_CONTACT_ONLY = re.compile(
    r"^(?:\S+@\S+\.\w+|(?:https?://|www\.|twitter\.com/)\S+)$", re.IGNORECASE
)
_DATELINE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}:\d{2}\b")


def filter_blocks(found: list[Block], *, headline: str | None = None) -> list[Block]:
    """Drop blocks that are site furniture rather than article text.

    A list directly after a dropped "Related"-style line is dropped too: it is the
    list of links that line introduced.
    """
    title = _squash(headline or "")
    kept: list[Block] = []
    skipping_list = False
    for block in found:
        if skipping_list and block.tag == "list":
            continue
        skipping_list = False
        if title and _squash(block.text) == title:
            continue
        if is_boilerplate(block):
            skipping_list = block.tag != "list"
            continue
        text = _TRAILER.sub("", block.text)
        kept.append(dataclasses.replace(block, text=text) if text != block.text else block)
    return kept


def is_boilerplate(block: Block) -> bool:
    """True for share/subscribe/related/credit/date lines and link-only teasers."""
    text = _TRAILER.sub("", block.text)
    if len(text) > 250:
        return False
    words = text.split()
    if _BOILERPLATE_LINE.match(text) or _CREDIT_LINE.search(text) or _CONTACT_ONLY.match(text):
        return True
    if (
        block.link_share >= 0.8
        and len(words) <= 25
        and not text.endswith((".", "!", "?", ":", '"', "”"))
    ):
        return True
    return len(words) <= 8 and bool(_DATELINE.search(text)) and _is_date_line(text)


def _is_date_line(text: str) -> bool:
    """True when a short line is a date/time stamp: dateutil's fuzzy parser consumes
    at least two of its words and leaves at most a few filler words."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dateparser.UnknownTimezoneWarning)
        try:
            _, leftover = dateparser.parse(text, fuzzy_with_tokens=True)
        except (ValueError, OverflowError, TypeError, dateparser.ParserError):
            return False
    rest = len(re.findall(r"\w+", " ".join(leftover)))
    return rest <= 3 and len(re.findall(r"\w+", text)) - rest >= 2


def _squash(text: str) -> str:
    """Lower-case letters and digits only, so near-identical strings compare equal."""
    return re.sub(r"\W+", "", text.lower())

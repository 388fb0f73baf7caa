"""Main text of a saved HTML page: trafilatura's extraction, then a line filter.

trafilatura finds the article container well but keeps some lines a reader would not
call article text (share prompts, "related" headings, newsletter pitches, photo
credits); `filter_paragraphs` removes those. The page is parsed once (`parse_html`) and
the same tree is shared with the metadata reader; trafilatura copies it before pruning.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import trafilatura
from dateutil import parser as dateparser
from lxml import etree
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newsdex.clean import load_shipped_model

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
    use_model: bool = True
    """Filter with the learned block classifier (rules alone when False or missing)."""
    model: BlockModel | None = None
    """A classifier to use instead of the shipped one (the benchmark's k-fold runs)."""


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
    tree: HtmlElement,
    options: BodyOptions | None = None,
    *,
    headline: str | None = None,
    summary: str | None = None,
) -> str:
    """Article text of `tree`, paragraphs joined by a blank line ("" when none).

    `headline`, when known, is removed from the body: trafilatura often keeps the
    title that sits inside the article container. `summary` (the page description)
    helps the classifier tell a standfirst from the first paragraph.
    """
    options = options or BodyOptions()
    body = run_trafilatura(tree, options)
    if body is None:
        return ""
    found = blocks(body)
    if options.filter_lines:
        model = options.model or (DEFAULT_BLOCK_MODEL if options.use_model else None)
        found = filter_blocks(found, headline=headline, summary=summary, model=model)
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


def filter_blocks(
    found: list[Block],
    *,
    headline: str | None = None,
    summary: str | None = None,
    model: BlockModel | None = None,
) -> list[Block]:
    """Drop blocks that are site furniture rather than article text.

    With a `model`, the classifier decides each block (the rules are among its
    inputs); without one, the rules do, and a list directly after a dropped
    "Related"-style line is dropped too: it is the list of links that line introduced.
    A repeat of the headline always goes.
    """
    title = _squash(headline or "")
    keep = _model_keeps(found, headline, summary, model) if model else _rule_keeps(found)
    kept: list[Block] = []
    for block, wanted in zip(found, keep, strict=True):
        if not wanted or (title and _squash(block.text) == title):
            continue
        text = _TRAILER.sub("", block.text)
        kept.append(dataclasses.replace(block, text=text) if text != block.text else block)
    return kept


def _model_keeps(
    found: list[Block], headline: str | None, summary: str | None, model: BlockModel
) -> list[bool]:
    """The classifier's keep/drop decision for each block."""
    rows = block_features(found, headline, summary)
    return [model.probability(row) >= model.threshold for row in rows]


def _rule_keeps(found: list[Block]) -> list[bool]:
    """The hand-written rules' keep/drop decision for each block."""
    keep: list[bool] = []
    skipping_list = False
    for block in found:
        if skipping_list and block.tag == "list":
            keep.append(False)
            continue
        dropped = is_boilerplate(block)
        skipping_list = dropped and block.tag != "list"
        keep.append(not dropped)
    return keep


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


# --- learned block classifier -------------------------------------------------------

_KEYWORD_PATTERNS = MappingProxyType(
    {
        "kw_share": (
            r"\b(?:share|shares|shared|tweet|facebook|twitter|whatsapp|linkedin|pinterest|"
            r"reddit|e-?mail|print|copy link)\b"
        ),
        "kw_subscribe": (
            r"\b(?:subscribe\w*|subscription|newsletters?|sign(?:ing)? up|inbox|register|"
            r"log ?in|members?hip|follow us|download (?:our|the) app|podcast)\b"
        ),
        "kw_related": (
            r"\b(?:related|read (?:more|also|next)|see (?:also|more)|also read|more from|"
            r"recommended|popular|trending|most (?:read|viewed|shared)|you (?:may|might)|"
            r"watch|videos?|top stories|latest|more stories|next article)\b"
        ),
        "kw_caption": (
            r"\b(?:photo|photos|photograph|image|images|picture|caption|getty|credit|"
            r"file photo|courtesy|shutterstock|illustration|pictured)\b|©|\(ap\)|/ap\b"
        ),
        "kw_legal": (
            r"\b(?:advertisement|advertising|sponsored|cookies?|privacy|terms|"
            r"rights reserved|copyright|disclaimer|contact us|about us)\b"
        ),
        "kw_credit": (
            r"\b(?:reporting by|editing by|edited by|contributed|contributing|compiled by|"
            r"writers?|correspondent|reported from|additional reporting|is a (?:reporter|"
            r"writer|columnist|correspondent|contributor|freelance)|may be reached|"
            r"can be reached|contact (?:him|her|the author))\b"
        ),
        "kw_promo": (
            r"\b(?:click here|get access|for as little as|free trial|special offer|deals?|"
            r"join (?:us|our|now)|members get|discount|\d+% off|buy now|order now|"
            r"learn more|find out more|visit (?:our|the)|available (?:on|at)|personal, "
            r"non-commercial)\b"
        ),
        "kw_comment": (
            r"\b(?:comments?|reply|replies|join the (?:conversation|discussion)|"
            r"leave a|posted by|reader)\b"
        ),
    }
)
_KEYWORDS = re.compile(
    "|".join(f"(?P<{name}>{pattern})" for name, pattern in _KEYWORD_PATTERNS.items())
)
"""All vocabulary groups (lower case) in one pattern: one scan of a lower-cased block
finds every group it hits; this is 2-3 times faster than case-insensitive matching."""
KEYWORD_SPAN = 400
"""Characters of a block searched for vocabulary: furniture lines are short, and in a
long paragraph a stray "share" or "photo" says nothing."""
SHAPE_WORDS = 200
"""Words of a block looked at for case and digit shares: a long block's start is enough."""
_WORDS = re.compile(r"\w+")
_SENTENCE_STOP = re.compile(r"[.!?。！？](?:[\"'”’)]|\s|$)")
_OWN_FEATURES = (
    "log_words",
    "log_chars",
    "link_share",
    "link_heavy",
    "tag_head",
    "tag_list",
    "tag_quote",
    "tag_table",
    "ends_sentence",
    "sentence_rate",
    "comma_rate",
    "capital_share",
    "digit_share",
    "upper_share",
    "short",
    "has_contact",
    "starts_by",
    "rule_boilerplate",
    "headline_overlap",
    "summary_overlap",
    "summary_head",
    *_KEYWORD_PATTERNS,
)
_PAGE_FEATURES = (
    "position",
    "first",
    "last",
    "before_first_long",
    "after_last_long",
    "text_before",
    "text_after",
    "relative_length",
    "log_blocks",
)
_NEIGHBOUR_FEATURES = ("link_share", "log_words", "ends_sentence", "rule_boilerplate", "tag_list")
FEATURE_NAMES: tuple[str, ...] = (
    *_OWN_FEATURES,
    *_PAGE_FEATURES,
    *(f"prev_{name}" for name in _NEIGHBOUR_FEATURES),
    *(f"next_{name}" for name in _NEIGHBOUR_FEATURES),
    "prev_missing",
    "next_missing",
)
"""Inputs of the block classifier, in the order its weights are stored."""

LONG_BLOCK_WORDS = 40
"""A block this long is article prose on virtually every page; it anchors positions."""


@dataclass(frozen=True)
class BlockModel:
    """Logistic regression over `FEATURE_NAMES`, trained offline by
    `bench/train_html_blocks.py`; inference is a dot product, so no numpy at runtime."""

    names: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5

    def probability(self, features: Sequence[float]) -> float:
        """P(block is article body) for one feature vector."""
        z = self.bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(self.weights, features, self.means, self.scales, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BlockModel:
        """Model from its JSON form; refuses weights made for another feature set."""
        names = tuple(data["features"])
        if names != FEATURE_NAMES:
            raise ValueError("block model was trained on a different feature set")
        return cls(
            names=names,
            means=tuple(float(v) for v in data["means"]),
            scales=tuple(float(v) or 1.0 for v in data["scales"]),
            weights=tuple(float(v) for v in data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data.get("threshold", 0.5)),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON form (rounded: six digits are far below the model's noise)."""
        return {
            "features": list(self.names),
            "means": [round(v, 6) for v in self.means],
            "scales": [round(v, 6) for v in self.scales],
            "weights": [round(v, 6) for v in self.weights],
            "bias": round(self.bias, 6),
            "threshold": self.threshold,
        }


def load_block_model() -> BlockModel | None:
    """The shipped model (`newsdex/data/html_blocks.json`), or None when it is missing
    or stale, in which case the hand-written rules alone filter the blocks."""
    return load_shipped_model("html_blocks.json", BlockModel.from_dict, "block model")


def block_features(
    found: Sequence[Block], headline: str | None = None, summary: str | None = None
) -> list[list[float]]:
    """One feature vector per block, in `FEATURE_NAMES` order: the block's own shape,
    where it sits on the page, and its two neighbours' shape. `summary` is the page's
    description: a standfirst repeating it is usually not article text."""
    title = set(_WORDS.findall((headline or "").lower()))
    standfirst = set(_WORDS.findall((summary or "").lower()))
    own = [_own_features(block, title, standfirst) for block in found]
    page = _page_features(found)
    index = {name: i for i, name in enumerate(_OWN_FEATURES)}
    picks = [index[name] for name in _NEIGHBOUR_FEATURES]
    blank = [0.0] * len(picks)
    rows = []
    for i, vector in enumerate(own):
        prev = [own[i - 1][k] for k in picks] if i > 0 else blank
        nxt = [own[i + 1][k] for k in picks] if i + 1 < len(own) else blank
        missing = [float(i == 0), float(i + 1 == len(own))]
        rows.append(vector + page[i] + prev + nxt + missing)
    return rows


def _own_features(block: Block, title: set[str], standfirst: set[str]) -> list[float]:
    """Shape of one block: size, links, punctuation, case, kind and vocabulary."""
    text = block.text
    words = _WORDS.findall(text)
    n = max(1, len(words))
    lowered = {w.lower() for w in words}
    stripped = text.rstrip(" \"'”’)")
    hits = {match.lastgroup for match in _KEYWORDS.finditer(text[:KEYWORD_SPAN].lower())}
    sample = words[:SHAPE_WORDS]
    return [
        math.log1p(len(words)),
        math.log1p(len(text)),
        block.link_share,
        float(block.link_share >= 0.8),
        float(block.tag == "head"),
        float(block.tag == "list"),
        float(block.tag == "quote"),
        float(block.tag == "table"),
        float(stripped.endswith((".", "!", "?", "。", "！", "？"))),
        min(1.0, len(_SENTENCE_STOP.findall(text)) * 10 / n),
        min(1.0, text.count(",") * 10 / n),
        sum(w[0].isupper() for w in sample) / max(1, len(sample)),
        sum(w.isdigit() for w in sample) / max(1, len(sample)),
        float(text.isupper()),
        float(len(words) <= 6),
        float(bool(re.search(r"\S+@\S+\.\w|https?://|www\.", text))),
        float(bool(_BY_LINE.match(text))),
        float(is_boilerplate(block)),
        _jaccard(lowered, title),
        _jaccard(lowered, standfirst),
        _jaccard(lowered, standfirst) * (block.tag == "head"),
        *(float(name in hits) for name in _KEYWORD_PATTERNS),
    ]


def _jaccard(a: set[str], b: set[str]) -> float:
    """Word-set overlap of two texts (0 when either is empty)."""
    return len(a & b) / len(a | b) if a and b else 0.0


def _page_features(found: Sequence[Block]) -> list[list[float]]:
    """Where each block sits: relative position, and before/after the article's
    long paragraphs (teasers and footers live outside that span)."""
    sizes = [len(block.text) for block in found]
    total = max(1, sum(sizes))
    longest = max(sizes, default=1) or 1
    long_at = [i for i, b in enumerate(found) if len(_WORDS.findall(b.text)) >= LONG_BLOCK_WORDS]
    first_long = long_at[0] if long_at else 0
    last_long = long_at[-1] if long_at else len(found) - 1
    rows = []
    before = 0
    for i, size in enumerate(sizes):
        rows.append(
            [
                i / max(1, len(found) - 1),
                float(i == 0),
                float(i + 1 == len(found)),
                float(i < first_long),
                float(i > last_long),
                before / total,
                (total - before - size) / total,
                size / longest,
                math.log1p(len(found)),
            ]
        )
        before += size
    return rows


_BY_LINE = re.compile(r"^\s*(?:(?:written|reported|photos?|words)\s+)?by\s+\S", re.IGNORECASE)


DEFAULT_BLOCK_MODEL: BlockModel | None = load_block_model()
"""The shipped classifier (immutable), read once at import."""

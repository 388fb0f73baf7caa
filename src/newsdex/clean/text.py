"""Line-by-line cleaning of text copied from a news web page ("select all + copy").

A copied page is the article body surrounded by menus, share widgets, promos, related
links, footers and reader comments, one visual block per line. Each line is judged from
its own features (length, punctuation, vocabulary) and its neighbours: the article is the
densest run of prose lines; the header just above it (headline, byline, date, standfirst)
becomes fields; everything else is labelled with the kind of boilerplate it is.

Only general page conventions are used (share/subscribe vocabulary, "Comments / N"
headers, "By X" bylines, "Photo:" credits, copyright lines), never a site's name.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from newsdex.models import LineDecision

logger = logging.getLogger(__name__)

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[^\S\n]+")
_WORD = re.compile(r"\w+")
_PUNCT = re.compile(r"[.,;:!?\u3002\u3001\uff0c\uff01\uff1f]")
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f\u2026][\"'\u201d\u2019)\]\u00bb]*$")
_CAP = 3000
"""Regexes look at most this many characters of a line: keeps huge one-line input linear."""

_I = re.IGNORECASE

_SHARE = re.compile(
    r"^(?:share(?: (?:this|the)(?: article| story| page| post)?)?(?: (?:on|via|with))?"
    r"|share on \w+|share this article on|tweet|e-?mail|print|facebook|twitter|linkedin|x"
    r"|whatsapp|pinterest|reddit|telegram|flipboard|messenger|copy link|link copied"
    r"|story saved|save(?: for later| article| story)?|saved|bookmark|like|like this:?"
    r"|like loading\.*|\d+ shares?|shares?|comment|gift (?:this )?article|text|listen"
    r"|(?:share|follow) (?:on|via) .{1,30}|google plus|rss(?: feed)?|[\W_\d]*)[\s:.!]*$",
    _I,
)
_PROMO = re.compile(
    r"\b(?:subscribe|subscription|subscriber|sign (?:in|up|out)|log ?(?:in|out)|login"
    r"|newsletters?|free trial|open app|download (?:the|our) app|get the app|unlock"
    r"|advertisement|advertising|sponsored|click here|read now|follow us|join us"
    r"|register (?:now|for)|create (?:an|your|a free) account|already a member"
    r"|skip to (?:main )?content|skip to|cookie|accept all|i accept|premium|paywall"
    r"|get latest|fastest source|breaking news alerts?|notifications?|become a member"
    r"|support (?:our|us)|donate)\b",
    _I,
)
_RELATED = re.compile(
    r"^(?:also read|read also|read more|more from|more on|related(?: stories| articles"
    r"| coverage| content| posts| links| topics| news)?|see also|recommended(?: for you)?"
    r"|you (?:may|might) (?:also )?like|more stories|top stories|most (?:popular|read|viewed"
    r"|shared)|trending(?: now)?|read next|up next|what to read next|latest(?: news)?"
    r"|popular|recent(?: posts)?|watch|listen|more news|further reading|editor'?s picks"
    r"|don'?t miss|in case you missed it|more in|explore more)\b",
    _I,
)
_LINK_TAIL = re.compile(
    r"\s*(?:[-|\u2013\u2014:]\s*)?(?:read more|continue reading|read the full story"
    r"|read full story|full story|see more|learn more)\s*[\u00bb\u203a>\u2026.]*\s*$",
    _I,
)
_HERE_LINK = re.compile(r"\b(?:here|live updates|live blog|live coverage)\s*[\u00bb>]*$", _I)
_FOOTER = re.compile(
    r"\u00a9|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b|\bprivacy (?:policy|notice"
    r"|statement)\b|\bterms (?:of|and) (?:use|service|conditions)\b|\bour standards\b"
    r"|\btrust principles\b|\bcontact us\b|\babout us\b|\bsite ?map\b|\bcookie policy\b"
    r"|\bdo not sell\b|\bad ?choices\b|\baccessibility\b|\bcareers\b",
    _I,
)
_COMMENTS = re.compile(
    r"^(?:(?:\d+\s+)?(?:reader )?comments?|comments?\s*[/(:\-|]?\s*\d+\)?|join the "
    r"(?:conversation|discussion)|leave a (?:comment|reply)|show comments|view comments"
    r"|add (?:a|your) comment|post a comment|conversation|discussion|what do you think\??"
    r"|share your thoughts|\d+ responses?|responses?)[\s:]*$",
    _I,
)
_CAPTION = re.compile(
    r"^(?:photo|image|picture|pic|photograph|credit|source|illustration|file photo"
    r"|video|graphic|caption)s?\b\s*(?:\.\.\.|:|\u2026|by\b|credit\b)|^image \d+ of"
    r"|^\d+\s*/\s*\d+$|(?:getty images|shutterstock|\bAP photo\b|\bAFP\b via)"
    r"|(?:\s|^)(?:less|\.\.\. more|\u2026 more)$|^(?:close|caption|back to gallery"
    r"|expand|enlarge|view gallery|open gallery|\d+ photos?)$",
    _I,
)
_CAPTION_TAIL = re.compile(
    r"\((?:(?:photo|image|file|pic|representational|credit|courtesy)[^)]{0,60}"
    r"|[A-Z][A-Za-z_./&-]*(?: [A-Z][A-Za-z_./&-]*){0,4})\)\s*$",
    _I,
)
_CREDIT = re.compile(
    r"^\(?\s*(?:with (?:inputs|input|reporting|additional reporting) from|inputs from"
    r"|additional reporting by|reporting by|editing by|edited by|writing by"
    r"|compiled by|(?:this )?(?:story|article) (?:was )?(?:first )?(?:published|appeared)"
    r"|(?:source|courtesy):)\b",
    _I,
)
_BYLINE = re.compile(
    r"^(?:by|written by|words by|story by|posted by|reported by|text:|author:|von|por|par"
    r"|\u0442\u0435\u043a\u0441\u0442:)\s+\S",
    _I,
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATEISH = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
    r"|\b\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?|\b\d+\s*(?:s|m|h|d|w|mo|y|sec|min|mins|hrs?"
    r"|hours?|days?|weeks?|months?|years?)\s+ago\b|\b(?:updated|published|posted)\b",
    _I,
)
_RELATIVE_AGE = re.compile(
    r"^\W*(?:updated\s+|published\s+)?(?:\d+|an?|one)\s*(?:s|m|h|d|w|mo|y|secs?|mins?|hrs?"
    r"|seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago\W*$|^\W*(?:just now"
    r"|yesterday|today)\W*$",
    _I,
)
_FULL_WEEKDAY_DATE = re.compile(
    r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+\w+\.?\s+\d{1,2},?\s+\d{4}$", _I
)

_BOILER_KINDS = frozenset(
    {"navigation", "promo", "share", "related", "caption", "footer", "comments", "other"}
)
_HEADER_SPAN = 15
"""How many non-blank lines above the body may still belong to the article header."""
_PROSE_CHARS = 80
_TITLE_MAX_WORDS = 30


@dataclass(frozen=True)
class Line:
    """One normalised input line with the features every rule looks at."""

    number: int
    text: str
    words: int
    chars: int
    punct: int
    sentence_end: bool
    vocab: str
    """Kind suggested by vocabulary alone (`""` when none)."""
    reason: str

    @property
    def prose(self) -> bool:
        """Running text: long enough and punctuated like sentences (any language)."""
        if self.vocab or self.punct == 0:
            return False
        return self.chars >= _PROSE_CHARS and (self.sentence_end or self.chars >= 150)

    @property
    def medium(self) -> bool:
        """A short sentence: may be body when it sits among prose."""
        return not self.vocab and self.sentence_end and (self.words >= 4 or self.chars >= 20)

    @property
    def title_like(self) -> bool:
        """Could be a headline: a few words, not a sentence ending in a full stop."""
        if self.vocab or not 2 <= self.words <= _TITLE_MAX_WORDS or self.chars > 250:
            return False
        return not self.text.endswith((".", ":", ",", ";"))


def split_lines(text: str) -> list[str]:
    """Normalised lines: zero-width characters dropped, runs of spaces collapsed.

    `str.splitlines` also breaks on \\r, form feeds and Unicode separators, which is
    what a copied page means by a new line.
    """
    text = _ZERO_WIDTH.sub("", text)
    return [_SPACES.sub(" ", line).strip() for line in text.splitlines()]


def describe(number: int, text: str) -> Line:
    """Measure one line and name its boilerplate kind from vocabulary, if any."""
    head = text[:_CAP]
    words = len(_WORD.findall(head))
    if len(text) > _CAP:
        words += (len(text) - _CAP) // 6
    kind, reason = vocab_kind(head, words)
    return Line(
        number=number,
        text=text,
        words=words,
        chars=len(text),
        punct=len(_PUNCT.findall(head)),
        sentence_end=bool(_SENTENCE_END.search(text[-20:])),
        vocab=kind,
        reason=reason,
    )


def vocab_kind(text: str, words: int) -> tuple[str, str]:
    """The kind a line's wording alone gives it, with the reason; ("", "") for none."""
    if not text:
        return "blank", "empty line"
    for kind, reason, test in _VOCAB_RULES:
        if test(text, words):
            return kind, reason
    return "", ""


def _is_comments(text: str, words: int) -> bool:
    return words <= 6 and bool(_COMMENTS.match(text))


def _is_share(text: str, words: int) -> bool:
    return words <= 7 and bool(_SHARE.match(text))


def _is_credit(text: str, words: int) -> bool:
    return words <= 40 and bool(_CREDIT.match(text))


def _is_byline(text: str, words: int) -> bool:
    """"By Jane Doe": short, a capitalised name after the marker, not a sentence."""
    if words > 14 or not _BYLINE.match(text):
        return False
    rest = text.split(None, 1)[1] if " " in text else ""
    if not rest or not (rest[0].isupper() or rest[0] == "@"):
        return False
    return words <= 6 or not _SENTENCE_END.search(text[-20:])


def _is_relative_age(text: str, words: int) -> bool:
    return words <= 6 and bool(_RELATIVE_AGE.match(text))


def _is_dateline(text: str, words: int) -> bool:
    """A date/time line: short, mentions a date or time, and is not a sentence."""
    if words > 14 or not _DATEISH.search(text):
        return False
    return not (words > 8 and _SENTENCE_END.search(text[-20:]))


def _is_caption(text: str, words: int) -> bool:
    if words <= 60 and _CAPTION.search(text):
        return True
    return words <= 40 and bool(_CAPTION_TAIL.search(text)) and not _CREDIT.match(text)


def _is_related(text: str, words: int) -> bool:
    """"Also read | ...", "More from X", "Most popular": a label, not a sentence."""
    match = _RELATED.match(text)
    if not match:
        return False
    after = text[match.end() :].lstrip()
    if after[:1] in {":", "|", "-", "\u2013", "\u2014", ">", "\u00bb"}:
        return words <= 40
    return words <= 8 and not _SENTENCE_END.search(text)


def _is_promo(text: str, words: int) -> bool:
    """Subscribe/app/login prompts: one such word in a short line, two in a longer one."""
    if words <= 10 and not _SENTENCE_END.search(text[-5:]) and _HERE_LINK.search(text):
        return True
    if words > 60:
        return False
    hits = len(_PROMO.findall(text))
    return hits >= 1 and words <= 15 or hits >= 2


def _is_footer(text: str, words: int) -> bool:
    return words <= 30 and bool(_FOOTER.search(text))


_VOCAB_RULES = (
    ("comments", "comments header", _is_comments),
    ("share", "share widget vocabulary", _is_share),
    ("credit", "reporting/editing credit", _is_credit),
    ("byline", "'By <name>' byline", _is_byline),
    ("dateline", "relative age, not a publication date", _is_relative_age),
    ("dateline", "date/time line", _is_dateline),
    ("related", "related-link label", _is_related),
    ("caption", "photo caption or credit", _is_caption),
    ("footer", "legal/copyright vocabulary", _is_footer),
    ("promo", "subscription/app/login prompt", _is_promo),
)


def line_weight(line: Line) -> float:
    """How much a line pulls the article region towards itself (negative: pushes away)."""
    if line.vocab == "blank":
        return 0.0
    if line.vocab:
        return -40.0
    if line.prose:
        return float(min(line.chars, 2000))
    if line.medium:
        return line.chars * 0.5
    return -15.0


def densest_run(lines: list[Line], stop: int) -> tuple[int, int]:
    """Indices [start, end] of the run of lines with the largest total weight (Kadane).

    Menus and link lists weigh negative, prose positive, so the best run is the article;
    lines from `stop` on (reader comments) never join it.
    """
    best, best_span = 0.0, (0, -1)
    total, start = 0.0, 0
    for i in range(min(stop, len(lines))):
        total += line_weight(lines[i])
        if total <= 0:
            total, start = 0.0, i + 1
        elif total > best:
            best, best_span = total, (start, i)
    return best_span


def comments_start(lines: list[Line]) -> int:
    """Index of a comments header ("Comments / 4") after the first prose line, else len."""
    seen_prose = False
    for i, line in enumerate(lines):
        seen_prose = seen_prose or line.prose
        if seen_prose and line.vocab == "comments":
            return i
    return len(lines)


def mark_neighbours(lines: list[Line]) -> list[Line]:
    """Context rules: repeated lines and lines around a photo credit are captions.

    A caption is often printed twice (thumbnail and viewer) and sits just above a
    "Credit..."/"Photo:" line, with the credit holder just below it.
    """
    out = list(lines)
    for i, line in enumerate(lines):
        if line.vocab == "blank":
            continue
        prev = lines[i - 1] if i else None
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        reason = ""
        if (prev and prev.text == line.text) or (nxt and nxt.text == line.text):
            reason = "repeated line (caption shown twice)"
        elif nxt and nxt.vocab == "caption" and _is_credit_label(nxt.text) and line.words <= 60:
            reason = "line above a photo credit"
        elif prev and prev.vocab == "caption" and _is_credit_label(prev.text) and line.words <= 8:
            reason = "holder of a photo credit"
        if reason and line.vocab not in {"byline", "dateline"}:
            out[i] = _relabel(line, "caption", reason)
    return out


def _is_credit_label(text: str) -> bool:
    """A bare "Credit..." / "Photo:" label whose holder is on the next line."""
    return len(text) <= 16 and bool(_CAPTION.search(text))


def _relabel(line: Line, kind: str, reason: str) -> Line:
    """Copy of `line` with another vocabulary kind."""
    return Line(
        line.number, line.text, line.words, line.chars, line.punct, line.sentence_end,
        kind, reason,
    )


Labels = list[tuple[str, str]]


def clean_lines(text: str) -> tuple[LineDecision, ...]:
    """One decision per input line (numbered from 1): keep it as body, or what it is."""
    lines = mark_neighbours([describe(i + 1, t) for i, t in enumerate(split_lines(text))])
    stop = comments_start(lines)
    start, end = densest_run(lines, stop)
    labels = _label_outside(lines, start, end, stop)
    if end >= start:
        _label_region(lines, start, end, labels)
        body_start = _standfirst_before_header(lines, start, end, labels)
        _label_header(lines, body_start, labels)
        _summary_by_overlap(lines, end, labels)
    return tuple(
        LineDecision(line.number, line.text, kind == "body", kind, reason)
        for line, (kind, reason) in zip(lines, labels)
    )


def _label_outside(lines: list[Line], start: int, end: int, stop: int) -> Labels:
    """Default labels: vocabulary kinds, comments after their header, menus elsewhere."""
    labels: Labels = []
    for i, line in enumerate(lines):
        if i >= stop and line.vocab != "blank":
            labels.append(("comments", "after the comments header"))
        elif line.vocab in {"byline", "dateline"} or (line.vocab == "credit" and i < start):
            labels.append(("navigation", f"{line.reason} outside the article header"))
        elif line.vocab:
            labels.append((line.vocab, line.reason))
        elif line.prose:
            labels.append(("other", "prose outside the article run"))
        elif line.words <= 10:
            labels.append(("navigation", "short line outside the article run"))
        else:
            labels.append(("other", "outside the article run"))
    return labels


def _label_region(lines: list[Line], start: int, end: int, labels: Labels) -> None:
    """Inside the article run: prose and short sentences are body, so are subheadings."""
    for i in range(start, end + 1):
        line = lines[i]
        if line.vocab in {"byline", "dateline"}:
            labels[i] = (line.vocab, line.reason)
        elif line.vocab:
            continue
        elif line.prose or line.medium:
            labels[i] = ("body", "prose in the article run")
        elif _is_subheading(lines, i, start, end):
            labels[i] = ("body", "subheading between paragraphs")
        else:
            labels[i] = ("other", "short line inside the article run")


def _is_subheading(lines: list[Line], i: int, start: int, end: int) -> bool:
    """A short title-like line with body prose before and after it."""
    if not lines[i].title_like or lines[i].words > 15:
        return False
    before = _neighbour(lines, i, -1, start)
    after = _neighbour(lines, i, 1, end)
    return (
        before is not None
        and after is not None
        and (before.prose or before.medium)
        and (after.prose or after.medium)
    )


def _neighbour(lines: list[Line], i: int, step: int, limit: int) -> Line | None:
    """The nearest non-blank line in direction `step`, not beyond `limit`."""
    j = i + step
    while (j <= limit if step > 0 else j >= limit) and 0 <= j < len(lines):
        if lines[j].vocab != "blank":
            return lines[j]
        j += step
    return None

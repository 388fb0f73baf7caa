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
    r"|(?:share|follow) (?:on|via) .{1,30}|google plus|rss(?: feed)?|[\W_\d]*"
    r"|click to (?:share|email|print|tweet|pin)\b.*)[\s:.!]*$",
)
_PROMO = re.compile(
    r"\b(?:subscribe|subscription|subscriber|sign (?:in|up|out)|log ?(?:in|out)|login"
    r"|newsletters?|free trial|open app|download (?:the|our) app|get the app|unlock"
    r"|advertisement|advertising|sponsored|click here|read now|follow us|join us"
    r"|register (?:now|for)|create (?:an|your|a free) account|already a member"
    r"|skip to (?:main )?content|skip to|cookie|accept all|i accept|premium|paywall"
    r"|get latest|fastest source|breaking news alerts?|notifications?|become a member"
    r"|support (?:our|us)|donate)\b",
)
_RELATED = re.compile(
    r"^(?:also read|read also|read more|more from|more on|related(?: stories| articles"
    r"| coverage| content| posts| links| topics| news)?|see also|recommended(?: for you)?"
    r"|you (?:may|might) (?:also )?like|more stories|top stories|most (?:popular|read|viewed"
    r"|shared)|trending(?: now)?|read next|up next|what to read next|latest(?: news)?"
    r"|popular|recent(?: posts)?|watch|listen|more news|further reading|editor'?s picks"
    r"|don'?t miss|in case you missed it|more in|explore more)\b",
)
_LINK_TAIL = re.compile(
    r"\s*(?:[-|\u2013\u2014:]\s*)?(?:read more|continue reading|read the full story"
    r"|read full story|full story|see more|learn more)\s*[\u00bb\u203a>\u2026.]*\s*$",
    _I,
)
_FOOTER_KEYS = (
    "\u00a9", "(c)", "copyright", "rights", "privacy", "terms", "standards", "principles",
    "contact", "about", "map", "cookie", "do not sell", "choices", "accessibility", "careers",
)  # fmt: skip
"""Substrings every `_FOOTER` match contains."""
_HERE_LINK = re.compile(r"\b(?:here|live updates|live blog|live coverage)\s*[\u00bb>]*$")
_FOOTER = re.compile(
    r"\u00a9|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b|\bprivacy (?:policy|notice"
    r"|statement)\b|\bterms (?:of|and) (?:use|service|conditions)\b|\bour standards\b"
    r"|\btrust principles\b|\bcontact us\b|\babout us\b|\bsite ?map\b|\bcookie policy\b"
    r"|\bdo not sell\b|\bad ?choices\b|\baccessibility\b|\bcareers\b",
)
_COMMENTS = re.compile(
    r"^[\[(]?\s*(?:(?:\d+\s+)?(?:(?:top|most) (?:rated|liked|recent) |reader |all |view "
    r"|show |load )?comments?|\d+ (?:responses?|replies|comments?|thoughts) (?:to|on)\b.*"
    r"|comments?\s*[/(:\-|]?\s*\d+\)?|join the "
    r"(?:conversation|discussion)|leave a (?:comment|reply)|show comments|view comments"
    r"|add (?:a|your) comment|post a comment|conversation|discussion|what do you think\??"
    r"|share your thoughts|\d+ responses?|responses?)\s*[\])]?[\s:]*$",
)
_CAPTION = re.compile(
    r"(?:photo|image|picture|pic|photograph|credit|source|illustration|file photo"
    r"|video|graphic|caption)s?\b\s*(?:\.\.\.|:|\u2026|by\b|credits?\b|copyright\b|caption\b"
    r"|source\b|courtesy\b)|image \d+ of|\d+\s*/\s*\d+$|(?:close|caption|back to gallery"
    r"|expand|enlarge|view gallery|open gallery|\d+ photos?)$"
)
"""Caption and gallery labels, matched at the start of a lower-cased line."""
_CAPTION_MARKS = ("getty images", "shutterstock", "ap photo", "afp via")
_TOGGLE_ENDS = (" less", "... more", "\u2026 more")
"""Caption expand/collapse toggles copied along with the caption text."""
_CAPTION_TAIL = re.compile(
    r"\((?:(?i:photo|image|file|pic|representational|credit|courtesy)[^)]{0,60}"
    r"|[A-Z][A-Za-z_./&-]*(?: [A-Z][A-Za-z_./&-]*){0,4})\)\s*$"
)
_CREDIT = re.compile(
    r"^\(?\s*(?:with (?:inputs|input|reporting|additional reporting) from|inputs from"
    r"|additional reporting by|reporting by|editing by|edited by|writing by"
    r"|compiled by|(?:this )?(?:story|article) (?:was )?(?:first )?(?:published|appeared)"
    r"|(?:source|courtesy):)\b",
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
)
_RELATIVE_AGE = re.compile(
    r"^\W*(?:updated\s+|published\s+)?(?:\d+|an?|one)\s*(?:s|m|h|d|w|mo|y|secs?|mins?|hrs?"
    r"|seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago\W*$|^\W*(?:just now"
    r"|yesterday|today)\W*$",
)
_FULL_WEEKDAY_DATE = re.compile(
    r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+\w+\.?\s+\d{1,2},?\s+\d{4}$", _I
)

_SHARE_WORDS = frozenset(
    (
        "share", "shares", "tweet", "email", "mail", "print", "facebook", "twitter",
        "whatsapp", "pinterest", "pin", "pint", "linkedin", "reddit", "telegram",
        "flipboard", "messenger", "sms", "copy", "link", "save", "download", "baixar", "x"
    )
)  # fmt: skip
_COMMENTER = re.compile(r"^\S+(?: \S+){0,3} (?:says|said|wrote|writes|replied)\s*:?$", _I)
_COMMENTER_VERBS = ("says", "said", "wrote", "writes", "replied")
_END_OF_PAGE = re.compile(r"\u00a9|\bcopyright\b|\ball rights reserved\b", _I)

_BOILER_KINDS = frozenset(
    {"navigation", "promo", "share", "related", "caption", "footer", "comments", "other"}
)
_HEADER_SPAN = 15
"""How many non-blank lines above the body may still belong to the article header."""
_PROSE_CHARS = 80
_TITLE_MAX_WORDS = 30
_MIN_PROSE_BEFORE_COMMENTS = 400
_HEADER_REACH = 3
_HEADER_BONUS = 500.0


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
        if self.text[:6].lower() in {"share ", "close ", "open "}:
            return False
        return not self.text.endswith((".", ":", ",", ";"))


def split_lines(text: str) -> list[str]:
    """Normalised lines: zero-width characters dropped, runs of spaces collapsed.

    `str.splitlines` also breaks on \\r, form feeds and Unicode separators, which is
    what a copied page means by a new line.
    """
    return [" ".join(_ZERO_WIDTH.sub("", line).split()) for line in text.splitlines()]


def describe_all(texts: list[str]) -> list[Line]:
    """`describe` every line; repeated lines (menus printed twice) are measured once."""
    seen: dict[str, Line] = {}
    lines = []
    for number, text in enumerate(texts, start=1):
        known = seen.get(text)
        if known is None:
            known = seen[text] = describe(number, text)
        lines.append(known if known.number == number else _renumber(known, number))
    return lines


def _renumber(line: Line, number: int) -> Line:
    """Copy of `line` at another line number."""
    return Line(
        number, line.text, line.words, line.chars, line.punct, line.sentence_end,
        line.vocab, line.reason,
    )  # fmt: skip


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
    low = text.lower()
    for kind, reason, test in _VOCAB_RULES:
        if test(text, low, words):
            return kind, reason
    return "", ""


def _is_comments(text: str, low: str, words: int) -> bool:
    """A comments-section header: "Comments / 4", "12 responses to ..."."""
    return words <= 6 and bool(_COMMENTS.match(low))


def _is_share(text: str, low: str, words: int) -> bool:
    """A share-widget label, or a row of network names ("Whatsapp Facebook Pin")."""
    if words > 8:
        return False
    if _SHARE.match(low):
        return True
    tokens = _WORD.findall(low)
    return len(tokens) >= 2 and sum(t in _SHARE_WORDS for t in tokens) / len(tokens) >= 0.6


def _is_credit(text: str, low: str, words: int) -> bool:
    """A reporting/editing credit: "Reporting by X; Editing by Y", "(With inputs from Z)"."""
    return words <= 40 and bool(_CREDIT.match(low))


def _is_byline(text: str, low: str, words: int) -> bool:
    """ "By Jane Doe": short, a capitalised name after the marker, not a sentence."""
    match = _BYLINE.match(text)
    if words > 14 or not match:
        return False
    rest = text[match.end() - 1 :]
    if not rest or not (rest[0].isupper() or rest[0] == "@"):
        return False
    return words <= 6 or not _SENTENCE_END.search(text[-20:])


def _is_relative_age(text: str, low: str, words: int) -> bool:
    """An age such as "4 days ago": when the page was viewed, not when it was published."""
    return words <= 6 and bool(_RELATIVE_AGE.match(low))


def _is_dateline(text: str, low: str, words: int) -> bool:
    """A date/time line: short, mentions a date or time, and is not a sentence."""
    if words > 14 or not _DATEISH.search(low):
        return False
    return not (words > 8 and _SENTENCE_END.search(text[-20:]))


def _is_caption(text: str, low: str, words: int) -> bool:
    """Photo captions, credits and gallery controls."""
    if words > 60:
        return False
    if _CAPTION.match(low) or low.endswith(_TOGGLE_ENDS) or any(m in low for m in _CAPTION_MARKS):
        return True
    return words <= 40 and bool(_CAPTION_TAIL.search(text)) and not _CREDIT.match(low)


def _is_related(text: str, low: str, words: int) -> bool:
    """ "Also read | ...", "More from X", "Most popular": a label, not a sentence."""
    match = _RELATED.match(low)
    if not match:
        return False
    after = low[match.end() :].lstrip()
    if after[:1] in {":", "|", "-", "\u2013", "\u2014", ">", "\u00bb"}:
        return words <= 40
    return words <= 8 and not _SENTENCE_END.search(text)


def _is_promo(text: str, low: str, words: int) -> bool:
    """Subscribe/app/login prompts: one such word in a short line, two in a longer one."""
    if words <= 10 and not _SENTENCE_END.search(text[-5:]) and _HERE_LINK.search(low):
        return True
    if words > 60:
        return False
    hits = len(_PROMO.findall(low))
    return hits >= 1 and words <= 15 or hits >= 2


def _is_footer(text: str, low: str, words: int) -> bool:
    """Legal/copyright lines; a substring pre-check keeps the regex off most lines."""
    if words > 30 or not any(key in low for key in _FOOTER_KEYS):
        return False
    return bool(_FOOTER.search(low))


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
    if line.vocab == "footer" and _END_OF_PAGE.search(line.text):
        return -300.0
    if line.vocab:
        return -40.0
    if line.prose:
        return float(min(line.chars, 2000))
    if line.medium:
        return line.chars * 0.5
    return -15.0


def line_weights(lines: list[Line]) -> list[float]:
    """Weights with context: prose just below a byline or date line starts an article.

    The bonus lets a short article beat a longer block of prose elsewhere on the page
    (a long "about us" footer, a teaser list) that has no header above it.
    """
    weights = [line_weight(line) for line in lines]
    recent_header = -_HEADER_REACH - 1
    seen = 0
    for i, line in enumerate(lines):
        if line.vocab == "blank":
            continue
        seen += 1
        if line.vocab in {"byline", "dateline"}:
            recent_header = seen
        elif line.prose and seen - recent_header <= _HEADER_REACH:
            weights[i] += _HEADER_BONUS
            break
    return weights


def densest_run(lines: list[Line], stop: int) -> tuple[int, int]:
    """Indices [start, end] of the run of lines with the largest total weight (Kadane).

    Menus and link lists weigh negative, prose positive, so the best run is the article;
    lines from `stop` on (reader comments) never join it.
    """
    weights = line_weights(lines)
    best, best_span = 0.0, (0, -1)
    total, start = 0.0, 0
    for i in range(min(stop, len(lines))):
        total += weights[i]
        if total <= 0:
            total, start = 0.0, i + 1
        elif total > best:
            best, best_span = total, (start, i)
    return best_span


def comments_start(lines: list[Line]) -> int:
    """Index of a comments header ("Comments / 4") after the article's prose, else len.

    A "Comments" label among share buttons (Facebook, Twitter, Comments, Print) is a
    button, not the start of the thread, and one above the article's prose is a menu item.
    """
    prose_chars = 0
    for i, line in enumerate(lines):
        if line.prose:
            prose_chars += line.chars
        if line.vocab != "comments" or prose_chars < _MIN_PROSE_BEFORE_COMMENTS:
            continue
        before, after = _neighbour(lines, i, -1, 0), _neighbour(lines, i, 1, len(lines))
        if not any(n is not None and n.vocab == "share" for n in (before, after)):
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
        elif _is_commenter(lines, i):
            out[i] = _relabel(line, "comments", "commenter name above a comment date")
            continue
        if reason and line.vocab not in {"byline", "dateline"}:
            out[i] = _relabel(line, "caption", reason)
    return out


def _is_commenter(lines: list[Line], i: int) -> bool:
    """ "jane says:" followed by a date line starts a reader comment."""
    text = lines[i].text
    if len(text) > 100 or not text.rstrip(" :").endswith(_COMMENTER_VERBS):
        return False
    if not _COMMENTER.match(text):
        return False
    after = _neighbour(lines, i, 1, min(len(lines) - 1, i + 3))
    return after is not None and after.vocab == "dateline"


def _is_credit_label(text: str) -> bool:
    """A bare "Credit..." / "Photo:" label whose holder is on the next line."""
    return len(text) <= 16 and bool(_CAPTION.match(text.lower()))


def _relabel(line: Line, kind: str, reason: str) -> Line:
    """Copy of `line` with another vocabulary kind."""
    return Line(
        line.number,
        line.text,
        line.words,
        line.chars,
        line.punct,
        line.sentence_end,
        kind,
        reason,
    )


Labels = list[tuple[str, str]]


def clean_lines(text: str) -> tuple[LineDecision, ...]:
    """One decision per input line (numbered from 1): keep it as body, or what it is."""
    lines = mark_neighbours(describe_all(split_lines(text)))
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
        for line, (kind, reason) in zip(lines, labels, strict=True)
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


_HEADER_KINDS = frozenset({"byline", "dateline"})


def _standfirst_before_header(lines: list[Line], start: int, end: int, labels: Labels) -> int:
    """Where the body starts; prose above a byline/date at the top of the run is a standfirst.

    Pages print "headline, standfirst, byline, date, body": the standfirst is prose, so
    it falls inside the article run, but the byline below it shows it is not body.
    """
    body_seen: list[int] = []
    header_at = -1
    for i in range(start, end + 1):
        kind = labels[i][0]
        if kind == "body":
            if header_at >= 0:
                break
            body_seen.append(i)
            if len(body_seen) > 2:
                break
        elif kind in _HEADER_KINDS:
            header_at = i
    if header_at < 0 or not body_seen or len(body_seen) > 2:
        return body_seen[0] if body_seen else start
    for i in body_seen:
        if lines[i].prose:
            labels[i] = ("summary", "standfirst above the byline/date")
    return _first_body(labels, header_at, end + 1) or start


def _first_body(labels: Labels, lo: int, hi: int) -> int | None:
    """Index of the first `body` label in [lo, hi)."""
    return next((i for i in range(lo, hi) if labels[i][0] == "body"), None)


def _label_header(lines: list[Line], body_start: int, labels: Labels) -> None:
    """Walk up from the body: bylines, dates, standfirst, then the headline and section."""
    seen_header, seen = False, 0
    i = body_start - 1
    while i >= 0 and seen < _HEADER_SPAN:
        line, kind = lines[i], labels[i][0]
        i -= 1
        if line.vocab == "blank" or kind == "summary":
            continue
        seen += 1
        if line.vocab in _HEADER_KINDS:
            labels[i + 1] = (line.vocab, line.reason)
            seen_header = True
        elif line.prose and seen_header and kind != "body":
            labels[i + 1] = ("summary", "standfirst above the byline/date")
        elif line.title_like and kind != "body" and not _is_menu_word(line):
            labels[i + 1] = ("headline", "title-like line above the article")
            _label_section(lines, i, labels)
            return


def _is_menu_word(line: Line) -> bool:
    """A one- or two-word label (menu item, section name) rather than a headline."""
    return line.words <= 2 and len(line.text) <= 20


def _label_section(lines: list[Line], i: int, labels: Labels) -> None:
    """A single short label right above the headline is its section ("Military")."""
    while i >= 0 and lines[i].vocab == "blank":
        i -= 1
    if i >= 0 and not lines[i].vocab and 1 <= lines[i].words <= 4 and lines[i].chars <= 40:
        labels[i] = ("navigation", "section label above the headline")


def _summary_by_overlap(lines: list[Line], end: int, labels: Labels) -> None:
    """The first paragraph after the byline/date is a standfirst when the body repeats it.

    A standfirst restates the story, so many of its word 4-grams recur in later
    paragraphs; an opening paragraph of the story itself rarely shares that much.
    """
    first = _first_body(labels, 0, end + 1)
    if first is None or any(kind == "summary" for kind, _ in labels):
        return
    before = _neighbour(lines, first, -1, 0)
    if before is None or labels[before.number - 1][0] not in _HEADER_KINDS:
        return
    rest = [lines[i].text for i in range(first + 1, end + 1) if labels[i][0] == "body"]
    if len(rest) < 2 or not lines[first].prose:
        return
    own = _grams(lines[first].text)
    if own and len(own & _grams(" ".join(rest))) / len(own) >= 0.3:
        labels[first] = ("summary", "standfirst repeated in the body")


def _grams(text: str) -> set[tuple[str, ...]]:
    """Lower-cased word 4-grams, for overlap between paragraphs."""
    words = _WORD.findall(text.lower()[:20000])
    return {tuple(words[i : i + 4]) for i in range(len(words) - 3)}


def trim_link_tail(text: str) -> str:
    """A body paragraph without a trailing link label such as " read more"."""
    head, tail = text[:-60], text[-60:]
    return (head + _LINK_TAIL.sub("", tail)).rstrip()


def body_text(decisions: tuple[LineDecision, ...]) -> str:
    """The kept lines as paragraphs joined by blank lines, link tails trimmed."""
    paragraphs = (trim_link_tail(d.text) for d in decisions if d.keep)
    return "\n\n".join(p for p in paragraphs if p)

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

import bisect
import functools
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import accumulate, chain
from typing import Any, NamedTuple

import numpy as np

from newsdex.clean import load_shipped_model
from newsdex.extract.language import count_words
from newsdex.models import LineDecision

logger = logging.getLogger(__name__)

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_WORD = re.compile(r"\w+")
_PUNCT = re.compile(r"[.,;:!?\u3002\u3001\uff0c\uff01\uff1f]")
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f\u2026][\"'\u201d\u2019)\]\u00bb]*$")
_CAP = 3000
"""Regexes look at most this many characters of a line: keeps huge one-line input linear."""

_I = re.IGNORECASE
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
"""Chinese and Japanese characters: only lines holding them need `count_words`, which
otherwise equals the number of word tokens."""

_SHARE = re.compile(
    r"^(?:share(?: (?:this|the)(?: article| story| page| post)?)?(?: (?:on|via|with))?"
    r"|share (?:this (?:article |story |page |post )?)?on \w+"
    r"|tweet|e-?mail|print|facebook|twitter|linkedin|x"
    r"|whatsapp|pinterest|reddit|telegram|flipboard|messenger|copy link|link copied"
    r"|story saved|save(?: for later| article| story)?|saved|bookmark|like|like this:?"
    r"|like loading\.*|\d+ shares?|shares?|comment|gift (?:this )?article|text|listen"
    r"|(?:share|follow) (?:on|via) .{1,30}|google plus|rss(?: feed)?|[\W_\d]*"
    r"|click to (?:share|email|print|tweet|pin)\b.*)[\s:.!]*$",
)
_PROMO_FIRST = frozenset(
    (
        "subscribe", "subscription", "subscriber", "sign", "log", "login", "logout",
        "newsletter", "newsletters", "free", "open", "download", "get", "unlock",
        "advertisement", "advertising", "sponsored", "click", "read", "follow", "join",
        "register", "create", "already", "skip", "cookie", "accept", "i", "premium",
        "paywall", "fastest", "breaking", "notification", "notifications", "become",
        "support", "donate", "here", "live",
        # the same prompts in other languages
        "clique", "cliquez", "haga", "clicca", "klicken", "assine", "inscreva",
        "suscr\u00edbete", "abonnez", "abonnieren", "iscriviti", "publicidade", "publicidad",
        "publicit\u00e9", "anzeige", "pubblicit\u00e0",
        "\u0440\u0435\u043a\u043b\u0430\u043c\u0430",
    )
)  # fmt: skip
"""First words of every `_PROMO` and `_HERE_LINK` phrase: a line with none of them
cannot match either, and a set test is far cheaper than the regexes."""
_PROMO = re.compile(
    r"\b(?:subscribe|subscription|subscriber|sign (?:in|up|out)|log ?(?:in|out)|login"
    r"|newsletters?|free trial|open app|download (?:the|our) app|get the app|unlock"
    r"|advertisement|advertising|sponsored|click here|read now|follow us|join us"
    r"|register (?:now|for)|create (?:an|your|a free) account|already a member"
    r"|skip to (?:main )?content|skip to|cookie|accept all|i accept|premium|paywall"
    r"|get latest|fastest source|breaking news alerts?|notifications?|become a member"
    r"|support (?:our|us)|donate"
    r"|clique (?:aqui|na|no|e)|cliquez ici|haga clic|clicca qui|klicken sie hier|assine"
    r"|inscreva-se|suscr\u00edbete|abonnez-vous|abonnieren|iscriviti|publicidade|publicidad"
    r"|publicit\u00e9|anzeige|pubblicit\u00e0|\u0440\u0435\u043a\u043b\u0430\u043c\u0430)\b",
)
_RELATED = re.compile(
    r"^(?:also read|read also|read more|more from|more on|related(?: stories| articles"
    r"| coverage| content| posts| links| topics| news)?|see also|recommended(?: for you)?"
    r"|you (?:may|might) (?:also )?like|more stories|top stories|most (?:popular|read|viewed"
    r"|shared)|trending(?: now)?|read next|up next|what to read next|latest(?: news)?"
    r"|popular|recent(?: posts)?|watch|listen|more news|further reading|editor'?s picks"
    r"|don'?t miss|in case you missed it|more in|explore (?:more|further)"
    # the same labels in the other languages newsdex meets most
    r"|leia tamb\u00e9m|veja tamb\u00e9m|voc\u00ea (?:pode|tamb\u00e9m pode) gostar"
    r"|lee tambi\u00e9n|te puede interesar|m\u00e1s noticias|(?:\u00e0 )?lire aussi"
    r"|voir aussi|sur le m\u00eame sujet|lesen sie auch|mehr zum thema|auch interessant"
    r"|leggi anche|potrebbe interessarti|baca juga"
    r"|\u0447\u0438\u0442\u0430\u0439\u0442\u0435 \u0442\u0430\u043a\u0436\u0435"  # ru: read also
    r"|\u0441\u043c\u043e\u0442\u0440\u0438\u0442\u0435 \u0442\u0430\u043a\u0436\u0435"  # see also
    # related articles in Japanese, Korean, Chinese
    r"|\u95a2\u9023\u8a18\u4e8b|\uad00\ub828\uae30\uc0ac|\u76f8\u5173\u65b0\u95fb)(?!\w)",
)
_LINK_TAIL = re.compile(
    r"\s*(?:[-|\u2013\u2014:]\s*)?(?:read more|continue reading|read the full story"
    r"|read full story|full story|see more|learn more)\s*[\u00bb\u203a>\u2026.]*\s*$",
    _I,
)
_HERE_LINK = re.compile(r"\b(?:here|live updates|live blog|live coverage)\s*[\u00bb>]*$")


def _at_word_starts(*phrases: str) -> str:
    """Regex alternatives matching each phrase where a word starts, written as
    `c(?<=\\bc)opyright` rather than `\\bcopyright`: the same matches, but a pattern whose
    alternatives all open with a letter lets the regex engine skip in C to the letters
    they start with, instead of trying every alternative at every position (a line
    without a match is searched five times faster). Each phrase must open with a letter."""
    if not all(phrase[:1].isalpha() for phrase in phrases):
        raise ValueError("every phrase must open with a letter")
    return "|".join(f"{p[0]}(?<=\\b{p[0]}){p[1:]}" for p in phrases)


_FOOTER_PHRASES = (
    r"copyright\b", r"all rights reserved\b", r"privacy (?:policy|notice|statement)\b",
    r"terms (?:of|and) (?:use|service|conditions)\b", r"our standards\b",
    r"trust principles\b", r"contact us\b", r"about us\b", r"site ?map\b",
    r"cookie policy\b", r"do not sell\b", r"ad ?choices\b", r"accessibility\b", r"careers\b",
)  # fmt: skip
_FOOTER = re.compile(r"\u00a9|\(c\)\s*\d{4}|" + _at_word_starts(*_FOOTER_PHRASES))
_COMMENTS = re.compile(
    r"^[\[(]?\s*(?:(?:\d+\s+)?(?:(?:top|most) (?:rated|liked|recent) |reader |all |view "
    r"|show |load )?comments?|\d+ (?:responses?|replies|comments?|thoughts) (?:to|on)\b.*"
    r"|comments?\s*[/(:\-|]?\s*\d+\)?|join the "
    r"(?:conversation|discussion)|leave a (?:comment|reply)|show comments|view comments"
    r"|add (?:a|your) comment|post a comment|conversation|discussion|what do you think\??"
    r"|share your thoughts|\d+ responses?|responses?"
    r"|lascia un commento|commenti|deja (?:un|tu) comentario|comentarios|deixe (?:um|seu)"
    r" coment\u00e1rio|coment\u00e1rios|laisser un commentaire|commentaires"
    r"|kommentare?|kommentar schreiben|schreibe einen kommentar|deixe uma resposta"
    r"|deja una respuesta|laisser une r\u00e9ponse|lascia una risposta"
    r"|(?:\u0434\u043e\u0431\u0430\u0432\u0438\u0442\u044c|\u043e\u0441\u0442\u0430\u0432\u044c\u0442\u0435|\u043e\u0441\u0442\u0430\u0432\u0438\u0442\u044c)"
    r" \u043a\u043e\u043c\u043c\u0435\u043d\u0442\u0430\u0440\u0438\u0439"
    r"|\u043a\u043e\u043c\u043c\u0435\u043d\u0442\u0430\u0440\u0438\u0438)\s*[\])]?[\s:]*$",
)
_CAPTION = re.compile(
    r"(?:photo|image|picture|pic|photograph|credit|source|illustration|file photo"
    r"|video|graphic|caption)s?\b\s*(?:\.\.\.|:|\u2026|by\b|credits?\b|copyright\b|caption\b"
    r"|source\b|courtesy\b)|image \d+ of|\d+\s*/\s*\d+$|(?:close|caption|back to gallery"
    r"|expand|enlarge|view gallery|open gallery|\d+ photos?)$"
)
"""Caption and gallery labels, matched at the start of a lower-cased line."""
_CAPTION_MARK = re.compile(r"\b(?:getty images|shutterstock|ap photo|afp via)")
_TOGGLE_ENDS = (" less", "... more", "\u2026 more")
"""Caption expand/collapse toggles copied along with the caption text."""
_CREDIT_TAIL = re.compile(r"\bcredit:\s*[^\s.:][^.:]{0,50}$")
"""A caption's closing credit: "... equivalent. Credit: ESA"."""
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
_DATE_LABELS = frozenset(("updated", "published", "posted"))
_ANY_DIGIT = re.compile(r"\d")
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
_COMMENTER_ENDS = (*_COMMENTER_VERBS, ":", " ")
"""How a commenter line ends (a verb, maybe followed by a colon): a C-speed test that
spares most lines the call."""
_NO_COMMENTS = re.compile(r"^\W*(?:0|no)\s+(?:comments?|responses?|replies)\W*$", _I)
_END_OF_PAGE = re.compile(r"\u00a9|\bcopyright\b|\ball rights reserved\b", _I)

_VOCAB_START = re.compile(
    "|".join(
        f"(?:{rule.pattern})"
        for rule in (_COMMENTS, _SHARE, _CREDIT, _BYLINE, _RELATIVE_AGE, _RELATED, _CAPTION)
    )
)
"""Any rule anchored at the line start (all are written for the lower-cased line)."""
_FOOTER_WORDS = frozenset(
    (
        "copyright", "rights", "privacy", "terms", "standards", "principles", "contact",
        "about", "map", "sitemap", "cookie", "sell", "choices", "adchoices", "accessibility",
        "careers",
    )
)  # fmt: skip
"""Every `_FOOTER` match holds one of these words, or "\u00a9", or "(c)"."""
_VOCAB_WORDS = (
    _SHARE_WORDS
    | _DATE_LABELS
    | _PROMO_FIRST
    | _FOOTER_WORDS
    | {"getty", "shutterstock", "ap", "afp", "credit"}
)
"""Words (or a digit, or \u00a9) that every vocabulary rule not anchored at the line
start needs: share rows, dates, promos, legal lines, photo agencies."""
_VOCAB_MAX_WORDS = 60
"""No vocabulary rule fires on a longer line (the largest of their word limits)."""
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


class Line(NamedTuple):
    """One normalised input line with the features every rule looks at (a named tuple:
    a page makes one per distinct line, and a tuple is several times cheaper to build).
    It does not know its place: repeated lines, on a page or across pages, share one."""

    text: str
    words: int
    chars: int
    punct: int
    sentence_end: bool
    vocab: str
    """Kind suggested by vocabulary alone (`""` when none)."""
    reason: str
    tokens: tuple[str, ...]
    """Lower-cased word tokens of the first `_CAP` characters. A tuple, not a list: a
    line then holds no mutable object, so the garbage collector stops tracking it after
    one look (a corpus run keeps thousands in `_SEEN_LINES`, and every full collection
    walked them all)."""
    prose: bool = False
    """Running text: long enough and punctuated like sentences (any language); see
    `_is_prose`. Stored, not a property: the rules and features read it ~800 times a
    page."""

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


_new_tuple = tuple.__new__
"""Builds a named tuple from all its fields without the keyword handling of its
constructor, at half the cost: a page makes one `Line` and one `LineDecision` per line."""


def split_lines(text: str) -> list[str]:
    """Normalised lines: zero-width characters dropped, runs of spaces collapsed.

    `str.splitlines` also breaks on \\r, form feeds and Unicode separators, which is
    what a copied page means by a new line. Zero-width characters are not ASCII, so
    ASCII lines skip the regex.
    """
    return [
        " ".join((line if line.isascii() else _ZERO_WIDTH.sub("", line)).split())
        for line in text.splitlines()
    ]


_SEEN_LINES: dict[str, Line] = {}
"""Short lines already measured in this process, by text: a corpus repeats each site's
menus, share rows and footers on every page (on AEB, 181 pages of mostly different
sites, a third of each page's distinct lines already appeared on an earlier page)."""
_SEEN_MAX_CHARS = 120
_SEEN_MAX_LINES = 50_000
"""Bounds of that memory: lines longer than this are article text, rarely repeated."""


def describe_all(texts: list[str]) -> list[Line]:
    """`describe` every line; repeated lines (menus printed twice, on this page or on
    earlier ones) are measured once."""
    seen = _SEEN_LINES
    if len(seen) > _SEEN_MAX_LINES:
        seen.clear()
    page: dict[str, Line] = {}
    lines = []
    for text in texts:
        known = seen.get(text) or page.get(text)
        if known is None:
            known = describe(text)
            (seen if len(text) <= _SEEN_MAX_CHARS else page)[text] = known
        lines.append(known)
    return lines


def forget_seen_lines() -> None:
    """Empty the memory of measured lines (benchmarks time a cold start with it)."""
    _SEEN_LINES.clear()


def describe(text: str) -> Line:
    """Measure one line and name its boilerplate kind from vocabulary, if any.

    The lower-cased line and its tokens are computed here once and handed to every
    vocabulary rule, which is most of the cleaner's time on a page of short lines.
    """
    head = text[:_CAP]
    low = head.lower()
    if head.isascii():
        raw = low.encode("ascii")
        punct = len(raw) - len(raw.translate(None, _ASCII_PUNCT))
        tokens = tuple(raw.translate(_ASCII_WORDS).decode("ascii").split())
        words = len(tokens)
    else:
        punct = len(_PUNCT.findall(head))
        tokens = tuple(_WORD.findall(low))
        words = count_words(head) if _UNSPACED.search(head) else len(tokens)
    if len(text) > _CAP:
        words += (len(text) - _CAP) // 6
    kind, reason = vocab_kind(head, words, low, tokens)
    if not kind and words >= _TEASER_WORDS and _is_teaser(head):
        kind, reason = "related", "teaser: a headline run into its text"
    end = bool(_SENTENCE_END.search(text[-20:]))
    prose = _is_prose(kind, punct, len(text), end)
    fields = (text, words, len(text), punct, end, kind, reason, tokens, prose)
    return _new_tuple(Line, fields)


_ASCII_PUNCT = b".,;:!?"
"""`_PUNCT`'s ASCII characters, deleted from an ASCII line to count them."""
_ASCII_WORDS = bytes(b if b < 128 and _WORD.match(chr(b)) else ord(" ") for b in range(256))
"""Keeps `_WORD`'s ASCII characters and blanks the rest: splitting an ASCII line mapped
so gives `_WORD.findall`'s tokens at half the cost."""


def _is_prose(vocab: str, punct: int, chars: int, sentence_end: bool) -> bool:
    """Running text: long enough and punctuated like sentences (any language)."""
    if vocab or punct == 0:
        return False
    return chars >= _PROSE_CHARS and (sentence_end or chars >= 150)


_GLUE = re.compile(r"(?<=[a-z0-9?!'\u2019\"\u201d])[A-Z](?=[a-z]|(?<=[AI]) )")
"""A capital glued to the word before it: where a teaser's title runs into its text
("Won't StandWarren Mayor Jim Fouts says...", "Troy SteakhouseA party of six left")."""
_TEASER_WORDS = 8
_TITLE_SMALL_WORDS = frozenset(
    ("a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "with", "from",
     "as", "is", "vs", "de", "da", "do", "la", "le", "el", "di", "der", "die", "und")
)  # fmt: skip


def _is_teaser(text: str) -> bool:
    """A headline in title case glued to the first sentence of its story: link lists of
    other stories copy that way. Names written in camel case (McDonald, MacBook, iPad)
    are not glues: the part before the capital must be a word of four letters or more."""
    first = text.split(None, 4)[:4]
    if sum(word[:1].isupper() or word[:1].isdigit() for word in first) < 3:
        return False  # not title case: most lines leave here, before the regex
    for match in _GLUE.finditer(text, 0, 200):
        k = match.start()
        before = text[:k]
        head = before.split()
        if len(head) < 3 or len(head[-1]) < 4 or before.count("(") > before.count(")"):
            continue
        if len(text[k:].split(None, 5)) < 5:
            continue
        words = [w for w in head if w.lower() not in _TITLE_SMALL_WORDS]
        capital = sum(not w[:1].isalpha() or w[:1].isupper() for w in words)
        if words and capital >= 0.85 * len(words):
            return True
    return False


def vocab_kind(
    text: str, words: int, low: str | None = None, tokens: Sequence[str] | None = None
) -> tuple[str, str]:
    """The kind a line's wording alone gives it, with the reason; ("", "") for none."""
    if not text:
        return "blank", "empty line"
    if words > _VOCAB_MAX_WORDS:
        return "", ""  # every rule below has a smaller word limit
    if low is None:
        low = text.lower()
    tokens = _WORD.findall(low) if tokens is None else tokens
    rules = _rules_that_may_fire(text, low, tokens, words)
    if not rules:
        return "", ""
    seen = _new_tuple(_Seen, (low, tokens, frozenset(tokens)))
    for kind, reason, test in rules:
        if test(text, seen, words):
            return kind, reason
    return "", ""


def _rules_that_may_fire(
    text: str, low: str, tokens: Sequence[str], words: int
) -> tuple[tuple[str, str, _VocabTest], ...]:
    """The vocabulary rules worth trying: none without one of the phrases they start
    with, a word or sign they need, or a digit; only the date rule when a digit is all
    there is (a number in a sentence). Most lines leave after these few C-speed tests
    instead of going through every rule."""
    if (
        not _VOCAB_WORDS.isdisjoint(tokens)
        or "\u00a9" in low
        or "(c)" in low
        or low.endswith(_TOGGLE_ENDS)
        or text.rstrip().endswith(")")
        or _VOCAB_START.match(low)  # the costliest test last
    ):
        return _RULES_FOR_WORDS[words]
    return _DIGIT_RULES_FOR_WORDS[words] if _ANY_DIGIT.search(low) else ()


class _Seen(NamedTuple):
    """A line's lower-cased text and tokens, measured once for all vocabulary rules."""

    low: str
    tokens: Sequence[str]
    words: frozenset[str]
    """The distinct tokens: one set test rules out most of a regex's work."""


_VocabTest = Callable[[str, _Seen, int], bool]
"""A vocabulary rule: (line text, its lower-cased text and tokens, word count) -> fires."""


def _is_comments(text: str, seen: _Seen, words: int) -> bool:
    """A comments-section header: "Comments / 4", "12 responses to ..."."""
    return words <= 6 and bool(_COMMENTS.match(seen.low))


def _is_share(text: str, seen: _Seen, words: int) -> bool:
    """A share-widget label, or a row of network names ("Whatsapp Facebook Pin")."""
    if words > 8:
        return False
    if _SHARE.match(seen.low):
        return True
    tokens = seen.tokens
    return len(tokens) >= 2 and sum(t in _SHARE_WORDS for t in tokens) / len(tokens) >= 0.6


def _is_credit(text: str, seen: _Seen, words: int) -> bool:
    """A reporting/editing credit: "Reporting by X; Editing by Y", "(With inputs from Z)"."""
    return words <= 40 and bool(_CREDIT.match(seen.low))


def _is_byline(text: str, seen: _Seen, words: int) -> bool:
    """ "By Jane Doe": short, a capitalised name after the marker, not a sentence."""
    if words > 14:
        return False
    match = _BYLINE.match(text)
    if not match:
        return False
    rest = text[match.end() - 1 :]
    if not rest or not (rest[0].isupper() or rest[0] == "@"):
        return False
    return words <= 6 or not _SENTENCE_END.search(text[-20:])


def _is_relative_age(text: str, seen: _Seen, words: int) -> bool:
    """An age such as "4 days ago": when the page was viewed, not when it was published."""
    return words <= 6 and bool(_RELATIVE_AGE.match(seen.low))


_POST_CREDIT = re.compile(r"^[\u2014\u2013-]\s*\S.{0,80}\(@\w+\)\s")
"""The signature under an embedded social-media post: "\u2014 Jane Doe (@jane) November 18,
2019". Its date is the post's, not the article's."""
_DASHES = ("\u2014", "\u2013", "-")
"""The characters `_POST_CREDIT` starts with."""


def _is_dateline(text: str, seen: _Seen, words: int) -> bool:
    """A date/time line: short, mentions a date or time, and is not a sentence.

    Every date form holds a digit except the "updated/published" labels: lines with
    neither skip the regex."""
    if words > 14:
        return False
    if seen.words.isdisjoint(_DATE_LABELS) and not _ANY_DIGIT.search(seen.low):
        return False
    if not _DATEISH.search(seen.low):
        return False
    return not (words > 8 and _SENTENCE_END.search(text[-20:]))


def _is_caption(text: str, seen: _Seen, words: int) -> bool:
    """Photo captions, credits and gallery controls."""
    if words > 60:
        return False
    low = seen.low
    if _CAPTION.match(low) or low.endswith(_TOGGLE_ENDS) or _CAPTION_MARK.search(low):
        return True
    if "credit" in seen.words and _CREDIT_TAIL.search(low):
        return True
    return (
        words <= 40
        and text.rstrip().endswith(")")
        and bool(_CAPTION_TAIL.search(text))
        and not _CREDIT.match(low)
    )


def _is_related(text: str, seen: _Seen, words: int) -> bool:
    """ "Also read | ...", "More from X", "Most popular": a label, not a sentence."""
    match = _RELATED.match(seen.low)
    if not match:
        return False
    after = seen.low[match.end() :].lstrip()
    if after[:1] in {":", "|", "-", "\u2013", "\u2014", ">", "\u00bb"}:
        return words <= 40
    label = text.removesuffix("...").removesuffix("\u2026")  # "You may also like..."
    return words <= 8 and not _SENTENCE_END.search(label)


def _is_promo(text: str, seen: _Seen, words: int) -> bool:
    """Subscribe/app/login prompts: one such word in a short line, two in a longer one."""
    if words > 60 or seen.words.isdisjoint(_PROMO_FIRST):
        return False
    low = seen.low
    if words <= 10 and not _SENTENCE_END.search(text[-5:]) and _HERE_LINK.search(low):
        return True
    hits = len(_PROMO.findall(low))
    return hits >= 1 and words <= 15 or hits >= 2


def _is_footer(text: str, seen: _Seen, words: int) -> bool:
    """Legal/copyright lines; a substring pre-check keeps the regex off most lines."""
    return words <= 30 and _has_footer_words(seen.low, seen.words)


def _has_footer_words(low: str, words: frozenset[str]) -> bool:
    """`_FOOTER` matches, tried only when a word or sign it needs is present."""
    if words.isdisjoint(_FOOTER_WORDS) and "\u00a9" not in low and "(c)" not in low:
        return False
    return bool(_FOOTER.search(low))


_VOCAB_RULE_LIMITS = (
    ("comments", "comments header", _is_comments, 6),
    ("share", "share widget vocabulary", _is_share, 8),
    ("credit", "reporting/editing credit", _is_credit, 40),
    ("byline", "'By <name>' byline", _is_byline, 14),
    ("dateline", "relative age, not a publication date", _is_relative_age, 6),
    ("dateline", "date/time line", _is_dateline, 14),
    ("related", "related-link label", _is_related, 40),
    ("caption", "photo caption or credit", _is_caption, 60),
    ("footer", "legal/copyright vocabulary", _is_footer, 30),
    ("promo", "subscription/app/login prompt", _is_promo, 60),
)
"""(kind, reason, test, the most words a line it fires on may have), in order."""
_RULES_FOR_WORDS = tuple(
    tuple((kind, reason, test) for kind, reason, test, most in _VOCAB_RULE_LIMITS if words <= most)
    for words in range(_VOCAB_MAX_WORDS + 1)
)
"""Per word count, the rules that can fire: a body sentence of 50 words is tried by two
rules, not ten (each test starts by refusing longer lines, but a call is not free)."""
_DIGIT_RULES_FOR_WORDS = tuple(
    tuple(rule for rule in rules if rule[2] is _is_dateline) for rules in _RULES_FOR_WORDS
)
"""The rules that can fire on a line whose only vocabulary is a digit: the date line."""


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


def densest_run(
    lines: list[Line], stop: int, weights: list[float] | None = None
) -> tuple[int, int]:
    """Indices [start, end] of the run of lines with the largest total weight (Kadane).

    Menus and link lists weigh negative, prose positive, so the best run is the article;
    lines from `stop` on (reader comments) never join it. `weights` are `line_weights`
    when the caller already has them.
    """
    if weights is None:
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
        if _NO_COMMENTS.match(line.text):
            continue  # "0 Comments" in an article header is a counter, not a thread
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
        elif line.text.endswith(_COMMENTER_ENDS) and _is_commenter(lines, i):
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
    return line._replace(vocab=kind, reason=reason, prose=False)  # a kind is never prose


Labels = list[tuple[str, str]]


@dataclass(frozen=True)
class RulePass:
    """What the hand-written rules found: lines, labels, the article run, comments start."""

    lines: list[Line]
    labels: Labels
    start: int
    end: int
    stop: int
    weights: list[float]
    """`line_weights` of the lines (the classifier reads them too)."""


def rule_pass(text: str) -> RulePass:
    """Label every line with the hand-written rules (also the classifier's inputs)."""
    lines = mark_neighbours(describe_all(split_lines(text)))
    stop = comments_start(lines)
    weights = line_weights(lines)
    start, end = densest_run(lines, stop, weights)
    labels = _label_outside(lines, start, end, stop)
    if end >= start:
        _label_region(lines, start, end, labels)
        body_start = _standfirst_before_header(lines, start, end, labels)
        _label_header(lines, body_start, labels)
        _summary_by_overlap(lines, end, labels)
    return RulePass(lines, labels, start, end, stop, weights)


def decisions_of(found: RulePass) -> tuple[LineDecision, ...]:
    """One `LineDecision` per line from final labels."""
    make = _new_tuple
    return tuple(
        make(LineDecision, (number, line.text, kind == "body", kind, reason))
        for number, (line, (kind, reason)) in enumerate(
            zip(found.lines, found.labels, strict=True), start=1
        )
    )


def clean_lines(text: str) -> tuple[LineDecision, ...]:
    """One decision per input line (numbered from 1): keep it as body, or what it is.

    Uses the shipped line classifier when its data file is present, else the rules.
    """
    return default_cleaner().clean(text)


def clean_lines_by_rules(text: str) -> tuple[LineDecision, ...]:
    """The rule-based decisions alone (the fallback when no model is shipped)."""
    return decisions_of(rule_pass(text))


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
    before = _nearest_text(lines, first - 1, -1)
    if before is None or labels[before][0] not in _HEADER_KINDS:
        return
    rest = [lines[i].text for i in range(first + 1, end + 1) if labels[i][0] == "body"]
    if len(rest) < 2 or not lines[first].prose:
        return
    own = set(_grams(lines[first].text))
    # the body's 4-grams are streamed through a membership test, not gathered in a set
    if own and len(own.intersection(_grams(" ".join(rest)))) / len(own) >= 0.3:
        labels[first] = ("summary", "standfirst repeated in the body")


def _grams(text: str) -> Iterator[tuple[str, ...]]:
    """Lower-cased word 4-grams, for overlap between paragraphs."""
    words = _WORD.findall(text.lower()[:20000])
    return zip(words, words[1:], words[2:], words[3:], strict=False)


def trim_link_tail(text: str) -> str:
    """A body paragraph without a trailing link label such as " read more"."""
    head, tail = text[:-60], text[-60:]
    low = tail.lower()
    if "more" not in low and "story" not in low and "reading" not in low:
        return text.rstrip()  # every label `_LINK_TAIL` removes holds one of these
    return (head + _LINK_TAIL.sub("", tail)).rstrip()


def body_text(decisions: tuple[LineDecision, ...]) -> str:
    """The kept lines as paragraphs joined by blank lines, link tails trimmed."""
    paragraphs = (trim_link_tail(d.text) for d in decisions if d.keep)
    return "\n\n".join(p for p in paragraphs if p)


# --- the learned line classifier ---------------------------------------------------------

_RULE_KINDS = (
    "headline", "byline", "dateline", "summary", "credit", "navigation", "promo", "share",
    "related", "caption", "footer", "comments", "other",
)  # fmt: skip
"""Rule labels given to the classifier as one-hot features (`body` is `rule_body`)."""
_FIELD_KINDS = frozenset({"headline", "byline", "dateline", "credit", "summary"})
"""Rule labels that become fields: the classifier never turns them into body."""
_LOCKED_KINDS = _FIELD_KINDS | {"promo", "related", "share", "footer", "comments"}
"""Rule labels the classifier may not turn into body: fields, and boilerplate named by its
own wording (on AEB under 3% of such lines are article text)."""
_CANDIDATE_WORDS = 8
"""Lines shorter than this outside the rule run keep their rule label (menu items): on AEB
they hold under 1% of the article text, and skipping them keeps the classifier cheap."""
_CANDIDATE_REACH = 30
"""Lines further than this from the rule run (in input lines) keep their rule label too:
on AEB those far lines hold about 1% of the article text, the 5-fold F1 does not drop
without them, and they were over a tenth of the classifier's work."""
_REGION_GAP = 3
"""Lines of text between two believed lines that still leave them one region."""
_REGION_NEAR = 10
"""A believed region this close (lines of text) to the article's is kept with it."""
_REGION_SHARE = 0.3
"""A farther region is kept when it holds this share of the article region's believed
words (a long article split by a big widget block)."""
_PLACE_NAMES = (
    "rule_body", "in_run", "before_run", "after_run", "run_distance", "after_comments",
    "position", "weight", "repeated", "blank_before", "blank_after",
    "body_above_share", "boiler_above", "boiler_below",
)  # fmt: skip
_TEXT_NAMES = (
    "log_chars", "log_words", "prose", "medium", "title_like", "sentence_end",
    "punct_rate", "digit_share", "upper_share", "starts_lower",
    "ends_colon", "separators", "quote_start", "promo_hits", "footer_hit",
    "reader_address", "first_person", "glued", "we_share", "capitals_per_word",
    "title_overlap", "topic_overlap",
)  # fmt: skip
_WE_SHARE = _TEXT_NAMES.index("we_share")
"""Where `_wording` puts the we/our/us share (also read after the run: company prose)."""
_CONTEXT_NAMES = (
    "rule_body", "prose", "log_chars", "sentence_end", "title_like", "kind_other", "datelike",
)  # fmt: skip
_NO_CONTEXT = [0.0] * len(_CONTEXT_NAMES)
_ONE_HOT = {kind: [float(kind == k) for k in _RULE_KINDS] for kind in _RULE_KINDS}
"""One-hot vectors of the rule labels (read only: rows copy them)."""
_NO_KIND = [0.0] * len(_RULE_KINDS)
"""Cheap features also given for the neighbours (two lines up and down)."""
_OFFSETS = (-2, -1, 1, 2)
_GROUP_NAMES = (
    "group_lines", "group_prose_share", "page_single_share", "single_vs_page",
    "window_body", "page_body_share",
)  # fmt: skip
"""Blank-line groups: a page that sets paragraphs apart by blank lines but runs teasers
together shows it in how many lines share a group."""
_LAYOUT_NAMES = (
    "shape_run", "shape_run_body", "list_in_body", "below_headline", "headline_distance",
    "boundary_seen", "we_after_run",
)  # fmt: skip
"""Runs of same-shaped lines (teaser lists, tour dates, feature lists), the headline's
place, and how many article-ending rows (related, promo, legal, comments) lie between
the first kept line and this one."""
FEATURE_NAMES = (
    *_PLACE_NAMES,
    *_TEXT_NAMES,
    *(f"kind_{kind}" for kind in _RULE_KINDS),
    *(f"{name}@{off:+d}" for off in _OFFSETS for name in _CONTEXT_NAMES),
    *_GROUP_NAMES,
    *_LAYOUT_NAMES,
)  # fmt: skip
"""Inputs of the line classifier's first stage, in the order its weights are stored."""
STAGE2_NAMES = (
    "p", "p@-2", "p@-1", "p@+1", "p@+2", "p_window3", "p_window10",
    "in_prun", "before_prun", "after_prun", "prun_distance",
)  # fmt: skip
"""Extra inputs of the second stage: first-stage probabilities around the line, and the
densest run of lines the first stage believes in (contiguity learned, not hand-set)."""
_SEPARATOR = re.compile("[|\u2022\u00bb\u203a\u00b7]| / ")
_QUOTES = "\"'\u201c\u2018\u00ab"
_WEB = re.compile(r"https?://|www\.|\.com\b|@\w")
_WINDOW = 3
_TEXT_SPAN = 200
_TEXT_TOKENS = 40
"""Characters of a line the text features read: enough to judge, cheap on huge lines."""
_BOUNDARY_KINDS = frozenset({"related", "promo", "footer"})
"""Rows that end an article; share rows and a "Comments" button also sit mid-article."""
_YOU_WORDS = frozenset(("you", "your"))
_WE_WORDS = frozenset(("we", "our", "us"))
_MY_WORDS = frozenset(("i", "my", "me"))
_PERSON_WORDS = _YOU_WORDS | _WE_WORDS | _MY_WORDS
"""Words that address the reader, speak for a company or newsroom, or for one person."""
_END_KINDS = _BOUNDARY_KINDS | {"comments"}
_GLUED = re.compile(r"[A-Z](?:(?<=[a-z][A-Z])|(?<=[a-z][.?!][A-Z]))[a-z]")
"""A lower-case letter glued to a capitalised word: a teaser's title run into its text
(written to start at the capital, the rarer character, which the regex engine scans for
quickly)."""
_UPPER = re.compile(r"[A-Z\u00c0-\u00de\u0391-\u03a9\u0410-\u042f]")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class _Page:
    """Page-wide facts the line features are measured against."""

    index: list[int]
    """Indices (into `RulePass.lines`) of the non-blank lines."""
    lines: list[Line]
    kinds: list[str]
    """The non-blank lines and their rule labels (the passes below read them in turn)."""
    kept: list[float]
    """1.0 where the rules kept the non-blank line as body."""
    title: frozenset[str]
    topic: tuple[AbstractSet[str], AbstractSet[str]]
    """Long words of the kept text: those seen at least once, and at least twice."""
    counts: Counter[str]
    run: tuple[int, int]
    """First and last non-blank position inside the rule run ((n, n) when none)."""


def candidates(found: RulePass) -> list[int]:
    """Indices of the lines the classifier judges; the others keep their rule label."""
    out = []
    lo, hi = found.start - _CANDIDATE_REACH, found.end + _CANDIDATE_REACH
    for i, line in enumerate(found.lines):
        kind = found.labels[i][0]
        if line.vocab == "blank" or kind in _LOCKED_KINDS:
            continue
        near = line.words >= _CANDIDATE_WORDS and lo <= i <= hi
        if near or kind == "body" or found.start <= i <= found.end:
            out.append(i)
    return out


def line_features(found: RulePass) -> tuple[list[int], list[list[float]]]:
    """The candidate lines and one feature vector for each, in `FEATURE_NAMES` order.

    Context matters more than the line itself on a copied page (a short sentence is body
    between paragraphs and a teaser among links), so each vector also holds its
    neighbours' shape and where it sits relative to the text the rules kept.
    """
    chosen = candidates(found)
    if not chosen:
        return chosen, []
    page = _page_facts(found)
    position = {i: j for j, i in enumerate(page.index)}
    wanted = [position[i] for i in chosen]
    groups = _group_rows(page, wanted)
    flow = _flow(page, wanted)
    layout = _layout_rows(page, wanted)
    n = len(page.index)
    context = _context_rows(page, wanted)
    shift = 2 - min(wanted)
    page_share = sum(page.kept) / n
    wording: dict[str, _Wording] = {}
    rows = []
    for k, (i, j) in enumerate(zip(chosen, wanted, strict=True)):
        text = found.lines[i].text
        known = wording.get(text) or wording.setdefault(text, _wording(found.lines[i]))
        lo, hi = max(0, j - _WINDOW), min(n, j + _WINDOW + 1)
        c = j + shift
        rows.append(
            [
                *_place(found, page, i, j), *flow[k], *known.shape, *_overlap(page, known, j),
                *_kinds(found.labels[i][0]), *context[c - 2], *context[c - 1],
                *context[c + 1], *context[c + 2], *groups[k],
                sum(page.kept[lo:hi]) / (hi - lo), page_share, *layout[k],
                known.shape[_WE_SHARE] * float(j > page.run[1]),
            ]
        )  # fmt: skip
    return chosen, rows


def _page_facts(found: RulePass) -> _Page:
    """Measure once what every line is compared with."""
    index = [i for i, line in enumerate(found.lines) if line.vocab != "blank"]
    lines = [found.lines[i] for i in index]
    kinds = [found.labels[i][0] for i in index]
    kept = [float(kind == "body") for kind in kinds]
    body = [line for line, kind in zip(lines, kinds, strict=True) if kind == "body"]
    topic = Counter(chain.from_iterable(line.tokens[:_TEXT_TOKENS] for line in body))
    title = next(
        (frozenset(line.tokens) for line, kind in zip(lines, kinds, strict=True)
         if kind == "headline" and line.tokens),
        frozenset(),
    )  # fmt: skip
    first, last = bisect.bisect_left(index, found.start), bisect.bisect_right(index, found.end)
    run = (first, last - 1) if first < last else (len(index), len(index))
    once = {word for word in topic if len(word) >= 4}
    twice = {word for word in once if topic[word] >= 2}
    counts = Counter([line.text for line in lines])
    return _Page(index, lines, kinds, kept, title, (once, twice), counts, run)


def _place(found: RulePass, page: _Page, i: int, j: int) -> list[float]:
    """Where the line sits: rule run, comments, page position, repetition, blank lines."""
    first, last = page.run
    lines = found.lines
    return [
        page.kept[j],
        float(first <= j <= last),
        float(j < first),
        float(j > last),
        math.log1p(first - j if j < first else max(0, j - last)),
        float(i >= found.stop),
        j / len(page.index),
        max(-1.0, min(found.weights[i] / 1000.0, 2.5)),
        float(page.counts[lines[i].text] > 1),
        float(i > 0 and lines[i - 1].vocab == "blank"),
        float(i + 1 < len(lines) and lines[i + 1].vocab == "blank"),
    ]


def _kinds(kind: str) -> list[float]:
    """One-hot rule label (built once per kind)."""
    return _ONE_HOT.get(kind, _NO_KIND)


def _context_rows(page: _Page, wanted: list[int]) -> list[list[float]]:
    """The cheap features a line lends its neighbours (`_CONTEXT_NAMES`), for the span of
    non-blank lines the candidates reach (neighbour j + off of candidate j at row
    j + off + 2 - min(wanted)); rows beyond the page are zeros."""
    first, last = min(wanted) - 2, max(wanted) + 2
    rows = []
    for j in range(first, last + 1):
        if not 0 <= j < len(page.lines):
            rows.append(_NO_CONTEXT)
            continue
        line, kind = page.lines[j], page.kinds[j]
        rows.append(
            [
                float(kind == "body"), float(line.prose), math.log1p(line.chars),
                float(line.sentence_end), float(line.title_like), float(kind == "other"),
                float(line.vocab in _HEADER_KINDS),
            ]
        )  # fmt: skip
    return rows


class _Wording(NamedTuple):
    """What a line's own text says, whatever the page (`_wording`)."""

    shape: list[float]
    """The `_TEXT_NAMES` features except the two overlaps."""
    words: frozenset[str]
    long_words: int
    """How many of `words` have four letters or more (the page's topic words all do)."""


def _wording(line: Line) -> _Wording:
    """Shape and wording of one line: trailing prose (newsletter pitches, "about us",
    comments) speaks to the reader; teasers glue a title to their text."""
    head = line.text[:_TEXT_SPAN]
    low = head.lower()
    tokens = line.tokens[:_TEXT_TOKENS]
    words = frozenset(tokens)
    n = max(1, len(tokens))
    reader = mine = ours = 0
    if not words.isdisjoint(_PERSON_WORDS):
        reader = sum(map(_YOU_WORDS.__contains__, tokens))
        ours = sum(map(_WE_WORDS.__contains__, tokens))
        mine = sum(map(_MY_WORDS.__contains__, tokens))
    promo = 0 if words.isdisjoint(_PROMO_FIRST) else len(_PROMO.findall(low))
    upper, digits, separated = _marks(head)
    shape = [
        math.log1p(line.chars),
        math.log1p(line.words),
        float(line.prose),
        float(line.medium),
        float(line.title_like),
        float(line.sentence_end),
        min(line.punct / max(1, line.words), 1.0),
        digits / max(1, len(head)),
        upper / max(1, len("".join(tokens))),
        float(head[:1].islower()),
        float(head.endswith(":")),
        float(separated),
        float(head[:1] in _QUOTES),
        min(3.0, promo),
        float(_has_footer_words(low, words)),
        reader / n,
        mine / n,
        min(3.0, len(_GLUED.findall(head))) if upper else 0.0,
        ours / n,
        min(1.0, upper / n),
    ]
    lengths = list(map(len, words))  # counted at C speed, not word by word in Python
    short = lengths.count(1) + lengths.count(2) + lengths.count(3)
    return _Wording(shape, words, len(lengths) - short)


def _marks(head: str) -> tuple[int, int, bool]:
    """Capitals, digits, and whether a menu separator occurs. On ASCII text (most lines)
    by deleting bytes, which is several times cheaper than collecting regex matches;
    `_UPPER`, `_DIGIT` and `_SEPARATOR` give the same answers and serve other text."""
    if not head.isascii():
        upper, digits = len(_UPPER.findall(head)), len(_DIGIT.findall(head))
        return upper, digits, bool(_SEPARATOR.search(head))
    raw = head.encode("ascii")
    upper = len(raw) - len(raw.translate(None, _ASCII_UPPER))
    digits = len(raw) - len(raw.translate(None, _ASCII_DIGITS))
    return upper, digits, b"|" in raw or b" / " in raw


_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_DIGITS = b"0123456789"


def _overlap(page: _Page, wording: _Wording, j: int) -> list[float]:
    """Share of the line's words in the headline, and of its long words in the kept text
    (a kept line must share them with another kept line, not just with itself)."""
    words, long_words = wording.words, wording.long_words
    title = len(words & page.title) / len(words) if page.title and words else 0.0
    topic = page.topic[1] if page.kept[j] else page.topic[0]
    return [title, len(words & topic) / long_words if long_words else 0.0]


def _group_rows(page: _Page, wanted: list[int]) -> list[list[float]]:
    """Per wanted line: size and prose share of its blank-delimited group, and the page's
    habit."""
    group_of: list[int] = []
    sizes: list[int] = []
    prose: list[int] = []
    previous = -2
    for i, line in zip(page.index, page.lines, strict=True):
        if i != previous + 1:
            sizes.append(0)
            prose.append(0)
        sizes[-1] += 1
        prose[-1] += line.prose
        group_of.append(len(sizes) - 1)
        previous = i
    single = sizes.count(1) / len(page.index)
    rows = []
    for g in (group_of[j] for j in wanted):
        alone = float(sizes[g] == 1)
        rows.append([math.log(sizes[g]), prose[g] / sizes[g], single, alone - single])
    return rows


def _shape_key(line: Line) -> int:
    """Coarse look of a line (size, sentence end, leading digit, as one number): list
    items, teasers and paragraphs each repeat one look."""
    words = line.words
    size = 0 if words <= 3 else 1 if words <= 8 else 2 if words <= 20 else 3 + line.prose
    return size * 4 + line.sentence_end * 2 + line.text[:1].isdigit()


def _shape_runs(page: _Page) -> list[list[float]]:
    """Per line: length of its run of same-looking lines, the run's rule-kept share, and
    whether the run sits between kept lines (a list inside the article)."""
    kept = page.kept
    keys = list(map(_shape_key, page.lines))
    n = len(keys)
    rows: list[list[float]] = [[]] * n
    lo = 0
    while lo < n:
        key, hi = keys[lo], lo + 1
        while hi < n and keys[hi] == key:
            hi += 1
        size = hi - lo
        inside = float(size >= 2 and lo > 0 and hi < n and kept[lo - 1] > 0 and kept[hi] > 0)
        row = [math.log(size), sum(kept[lo:hi]) / size, inside]
        rows[lo:hi] = [row] * size
        lo = hi
    return rows


def _layout_rows(page: _Page, wanted: list[int]) -> list[list[float]]:
    """Per wanted line: shape run, place relative to the headline, and article-ending rows
    seen so far."""
    kinds = page.kinds
    runs = _shape_runs(page)
    head = kinds.index("headline") if "headline" in kinds else -1
    first = kinds.index("body") if "body" in kinds else len(kinds)
    ending = [kind in _END_KINDS for kind in kinds]
    ending[: first + 1] = [False] * min(first + 1, len(kinds))
    seen = list(accumulate(ending))
    rows = []
    for j in wanted:
        place = [float(j > head >= 0), math.log1p(abs(j - head)) if head >= 0 else 0.0]
        rows.append([*runs[j], *place, math.log1p(seen[j])])
    return rows


def _flow(page: _Page, wanted: list[int]) -> list[list[float]]:
    """Per wanted line: share of the rule-kept text above it, and how many widget/legal/related
    lines separate it from the kept text above and below (an article ends at such a row)."""
    kept = [
        line.chars if kind == "body" else 0
        for line, kind in zip(page.lines, page.kinds, strict=True)
    ]
    boiler = [line.vocab in _BOUNDARY_KINDS for line in page.lines]
    total = sum(kept) or 1
    above, between = [], []
    count, running, seen = 0, 0, False
    for size, is_boiler in zip(kept, boiler, strict=True):
        above.append(running / total)
        between.append(count if seen else 0)
        running += size
        if size:
            seen, count = True, 0
        count += is_boiler
    below, count, seen = [0] * len(kept), 0, False
    for j in range(len(kept) - 1, -1, -1):
        below[j] = count if seen else 0
        if kept[j]:
            seen, count = True, 0
        count += boiler[j]
    return [[above[j], math.log1p(between[j]), math.log1p(below[j])] for j in wanted]


@dataclass(frozen=True)
class LogisticStage:
    """One logistic regression; the standardisation is stored with the weights."""

    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    @functools.cached_property
    def _raw(self) -> tuple[np.ndarray, float]:
        """Weights and bias on the unstandardised features (computed once)."""
        coef = np.array(self.weights) / np.array(self.scales)
        return coef, self.bias - float(coef @ np.array(self.means))

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """P(line is article body) for each feature vector (one matrix product)."""
        if not rows:
            return []
        return self.of_matrix(np.array(rows, dtype=float)).tolist()

    def of_matrix(self, x: np.ndarray) -> np.ndarray:
        """`probabilities` of the rows of a feature matrix, as an array."""
        coef, bias = self._raw
        z = np.clip(x @ coef + bias, -30.0, 30.0)
        return 1.0 / (1.0 + np.exp(-z))

    @classmethod
    def from_dict(cls, data: dict[str, Any], names: Sequence[str]) -> LogisticStage:
        """Stage from its JSON form; refuses weights made for another feature set."""
        if tuple(data["features"]) != tuple(names):
            raise ValueError("line model was trained on a different feature set")
        return cls(
            means=tuple(float(v) for v in data["means"]),
            scales=tuple(float(v) or 1.0 for v in data["scales"]),
            weights=tuple(float(v) for v in data["weights"]),
            bias=float(data["bias"]),
        )

    def to_dict(self, names: Sequence[str]) -> dict[str, Any]:
        """JSON form (six digits are far below the model's noise)."""
        return {
            "features": list(names),
            "means": [round(v, 6) for v in self.means],
            "scales": [round(v, 6) for v in self.scales],
            "weights": [round(v, 6) for v in self.weights],
            "bias": round(self.bias, 6),
        }


@dataclass(frozen=True)
class LineModel:
    """Two stacked logistic regressions, trained by `bench/train_text_lines.py`.

    The first reads each line's features; the second adds the first's probabilities
    around the line. Inference is one numpy matrix product per stage.
    """

    first: LogisticStage
    second: LogisticStage | None = None
    threshold: float = 0.5

    def predict(self, found: RulePass) -> tuple[list[int], list[float]]:
        """Indices of the candidate lines and P(body) for each."""
        index, rows = line_features(found)
        if not rows:
            return index, []
        x = np.array(rows, dtype=float)
        probs = self.first.of_matrix(x)
        if self.second is None:
            return index, probs.tolist()
        extra = stage2_columns(found, index, probs.tolist())
        return index, self.second.of_matrix(np.hstack((x, extra))).tolist()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LineModel:
        """Model from its JSON form."""
        second = data.get("second")
        return cls(
            first=LogisticStage.from_dict(data["first"], FEATURE_NAMES),
            second=LogisticStage.from_dict(second, FEATURE_NAMES + STAGE2_NAMES)
            if second
            else None,
            threshold=float(data.get("threshold", 0.5)),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        second = self.second.to_dict(FEATURE_NAMES + STAGE2_NAMES) if self.second else None
        return {
            "first": self.first.to_dict(FEATURE_NAMES),
            "second": second,
            "threshold": self.threshold,
        }


def stage2_rows(
    found: RulePass, index: list[int], rows: list[list[float]], probs: list[float]
) -> list[list[float]]:
    """First-stage features plus `STAGE2_NAMES` (`stage2_columns`), as lists (training)."""
    extra = stage2_columns(found, index, probs).tolist()
    return [[*row, *more] for row, more in zip(rows, extra, strict=True)]


def stage2_columns(found: RulePass, index: list[int], probs: list[float]) -> np.ndarray:
    """`STAGE2_NAMES` for each candidate line: nearby first-stage probabilities and the
    run of lines the first stage believes in most (weighted by size, like the rule run).
    Column arithmetic in numpy: built row by row in Python, these took as long as
    both stages' matrix products and the rows' conversion together."""
    n = len(probs)
    scores = [(p - 0.5) * min(found.lines[i].words, 200) for i, p in zip(index, probs, strict=True)]
    first, last = _best_run(scores)
    p = np.array(probs, dtype=float)
    padded = np.concatenate((np.zeros(2), p, np.zeros(2)))
    prefix = np.concatenate(([0.0], np.cumsum(p)))
    j = np.arange(n)
    columns = [p, padded[:n], padded[1 : n + 1], padded[3 : n + 3], padded[4 : n + 4]]
    for r in (3, 10):
        lo, hi = np.maximum(0, j - r), np.minimum(n, j + r + 1)
        columns.append((prefix[hi] - prefix[lo]) / (hi - lo))
    gap = np.where(j < first, first - j, np.maximum(0, j - last))
    columns += [(first <= j) & (j <= last), j < first, j > last, np.log1p(gap)]
    return np.column_stack(columns).astype(float)


def _best_run(scores: list[float]) -> tuple[int, int]:
    """[first, last] of the maximum-sum run of scores (Kadane); (n, n) when all negative."""
    best, span = 0.0, (len(scores), len(scores))
    total, start = 0.0, 0
    for i, score in enumerate(scores):
        total += score
        if total <= 0:
            total, start = 0.0, i + 1
        elif total > best:
            best, span = total, (start, i)
    return span


@functools.cache
def load_line_model() -> LineModel | None:
    """The shipped model (`newsdex/data/text_lines.json`), or None when missing or stale,
    in which case the rules alone decide (cached: read once per process)."""
    return load_shipped_model("text_lines.json", LineModel.from_dict, "text line model")


@dataclass(frozen=True)
class LineCleaner:
    """Cleans copied pages: the rules label every line, the model (if any) decides keep."""

    model: LineModel | None = None

    def clean(self, text: str) -> tuple[LineDecision, ...]:
        """One decision per input line (numbered from 1)."""
        found = rule_pass(text)
        if self.model is not None:
            apply_model(self.model, found)
        keep_introduced_lists(found)
        keep_post_signatures(found)
        keep_tables(found, text)
        drop_author_bios(found)
        return decisions_of(found)


@functools.cache
def default_cleaner() -> LineCleaner:
    """The cleaner with the shipped model, built once per process."""
    return LineCleaner(load_line_model())


def apply_model(model: LineModel, found: RulePass) -> None:
    """Let the classifier decide keep/drop; dropped lines keep a meaningful kind.

    Lines the rules made fields (headline, byline, date, standfirst, credit) stay fields,
    and lines named boilerplate by their wording stay dropped.
    """
    index, probs = model.predict(found)
    keep = choose_region(found.lines, index, probs, model.threshold)
    for i, p, kept in zip(index, probs, keep, strict=True):
        kind = found.labels[i][0]
        if kind in _LOCKED_KINDS:
            continue
        if kept and kind != "body":
            found.labels[i] = ("body", f"line classifier (p={p:.2f}; rules said {kind})")
        elif not kept and kind == "body":
            if p >= model.threshold:
                found.labels[i] = ("other", f"outside the chosen region (p={p:.2f})")
            else:
                found.labels[i] = _dropped_kind(found.lines[i], p)


_LIST_ITEM_WORDS = 25
"""A longer line is running text again, which the classifier judges itself."""
_LIST_LOCKED = (_LOCKED_KINDS - {"dateline"}) | {"headline"}
"""Kinds a list item never takes over: a date in a list (tour dates) is an item."""


def keep_introduced_lists(found: RulePass) -> None:
    """Keep the list a kept line announces with a colon ("Tour dates:", "Here are the
    highlights:"): its items are short, unpunctuated and look like a menu line by line,
    but an article's own list belongs to it (5-fold F1 on AEB +0.0043: tour dates,
    product lists, "the five are:", "Features:" after the last paragraph; +0.0011 more
    from a subheading such as "Tour Dates" over a block of items, `_titled_list`).

    The list is the block of lines right under the colon line (one blank line may sit
    between), and further small blocks of list items (item + link pairs, up to
    `_LIST_BLANKS` empty lines apart); it stops at a boilerplate row named by its
    wording, at running text, or where the items change shape.
    """
    lines, labels = found.lines, found.labels
    after_body = False
    for i, line in enumerate(lines):
        if line.vocab == "blank":
            continue
        kind = labels[i][0]
        follows_body, after_body = after_body, kind == "body"
        if not (follows_body or after_body):
            continue  # an announcing line is article text or right after it
        colon = line.text.endswith(":")
        if not colon and (line.words > _TITLED_MAX_WORDS or not line.title_like):
            continue
        if not _announces(line, kind, follows_body):
            continue
        after = _nearest_text(lines, i + 1, 1)
        if after is None or not _list_items(lines, labels, [after]):
            continue  # the common case, settled before gathering blocks
        blocks = _blocks_after(lines, i + 1)
        first = next(blocks, None)
        if first is None:
            continue
        items = _list_items(lines, labels, first)
        if len(items) < 2:
            second = next(blocks, None)
            if second is None:
                continue
            blocks = chain((second,), blocks)
        if not colon and not _titled_list(lines, items, first):
            continue
        if len(items) == len(first):
            for block in blocks:
                if len(block) > max(2, len(first)):
                    break
                more = _list_items(lines, labels, block)
                if len(more) != len(block):
                    items.extend(more)
                    break
                items.extend(more)
        if not items:
            continue
        if labels[i][0] != "body":
            labels[i] = ("body", "announces a list after article text")
        for j in items:
            if labels[j][0] != "body":
                labels[j] = ("body", f"list item announced by line {i + 1}")


def _titled_list(lines: list[Line], items: list[int], block: list[int]) -> bool:
    """Under a subheading without a colon, only several items of more than a few words
    each, making most of their block, count as a list (tour dates, qualified teams; not a
    menu of names, nor the author's name that may follow without a blank line)."""
    return (
        len(items) >= _TITLED_ITEMS
        and len(items) >= 0.75 * len(block)
        and all(lines[j].words >= _TITLED_ITEM_WORDS for j in items)
    )


def _announces(line: Line, kind: str, follows_body: bool) -> bool:
    """A line ending with a colon (or a subheading) introduces the article's own list: it
    is article text, or a short lead-in ("Features:") straight after article text."""
    if kind == "body":
        return line.words >= 3
    return follows_body and kind not in _LIST_LOCKED and line.words <= _LIST_ITEM_WORDS


_TITLED_ITEMS = 5
_TITLED_ITEM_WORDS = 4
"""A list under a subheading with no colon: at least this many items of this many words."""
_TITLED_MAX_WORDS = 12
"""Longer lines are not subheadings that could announce a list."""
_LIST_BLANKS = 3
"""Empty lines that may separate two blocks of one list (an image between items)."""


def keep_post_signatures(found: RulePass) -> None:
    """Keep the signature line under a social-media post the article quotes ("\u2014 Jane
    Doe (@jane) November 18, 2019"): the rules call it a date line, but the post above it
    is article text and so is its signature (the date stays the post's, not a
    publication date, since it no longer counts as a date line)."""
    lines, labels = found.lines, found.labels
    for i, line in enumerate(lines):
        if not line.text.startswith(_DASHES) or labels[i][0] == "body":
            continue  # a C-speed test first: the regex below on every line cost more
        if not _POST_CREDIT.match(line.text):
            continue
        above = _nearest_text(lines, i - 1, -1)
        if above is not None and labels[above][0] == "body":
            labels[i] = ("body", "signature of an embedded post")


_TABLE_CELLS = 3


def table_rows(text: str) -> set[int]:
    """Indices of the lines that are table rows: a copied table keeps its cells apart
    with tabs, which `split_lines` folds into spaces."""
    if "\t" not in text:
        return set()
    return {
        i
        for i, line in enumerate(text.splitlines())
        if "\t" in line and sum(1 for cell in line.split("\t") if cell.strip()) >= _TABLE_CELLS
    }


def keep_tables(found: RulePass, text: str) -> None:
    """Keep a table that sits against the article: rows of numbers and names look like
    menus line by line, but a results table or a price list inside a story is part of it
    (5-fold F1 on AEB +0.0042, from three pages with tables)."""
    rows = table_rows(text)
    if not rows:
        return
    lines, labels = found.lines, found.labels
    for run in _consecutive(sorted(rows)):
        if len(run) < 2:
            continue
        above = _nearest_text(lines, run[0] - 1, -1)
        below = _nearest_text(lines, run[-1] + 1, 1)
        near = [j for j in (above, below) if j is not None and labels[j][0] == "body"]
        if (
            above is not None
            and lines[above].text.endswith(":")
            and labels[above][0] not in _LIST_LOCKED
        ):
            near.append(above)
            labels[above] = ("body", "introduces a table")
        if not near:
            continue
        for j in run:
            if labels[j][0] not in _LIST_LOCKED:
                labels[j] = ("body", "table row next to the article")


def _consecutive(numbers: list[int]) -> list[list[int]]:
    """Runs of consecutive integers, blank lines between rows allowed."""
    runs: list[list[int]] = []
    for k in numbers:
        if runs and k - runs[-1][-1] <= 2:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def _nearest_text(lines: list[Line], start: int, step: int) -> int | None:
    """The first non-blank line from `start` in direction `step`."""
    j = start
    while 0 <= j < len(lines):
        if lines[j].vocab != "blank":
            return j
        j += step
    return None


_BIO_HEADER = re.compile(
    r"^(?:about|\u00fcber|sobre|\u00e0 propos de|acerca de|a proposito di"
    r"|\u043e\u0431 \u0430\u0432\u0442\u043e\u0440\u0435)\s+(?:the (?:author|writer|reporter)s?\b"
    r"|me\b|(?:[A-Z\u00c0-\u00de][\w'.-]+\s+){1,2}[A-Z\u00c0-\u00de][\w'.-]+\s*$)",
    _I,
)
"""An author-bio header: "About the author", "About me", "About Jane Doe" (a person's
name in capitals), in a few languages."""
_BIO_FIRST_WORDS = frozenset(
    ("about", "\u00fcber", "sobre", "\u00e0", "acerca", "a", "\u043e\u0431")
)
"""The first token of every `_BIO_HEADER` match."""
_BIO_LINES = 3


def drop_author_bios(found: RulePass) -> None:
    """Drop an "About the author" block: its header and the lines right under it.

    Copied pages run the author's biography straight after the article, in the same
    prose style, so the classifier alone tends to keep it (5-fold F1 on AEB +0.0014).
    """
    lines, labels = found.lines, found.labels
    for i, line in enumerate(lines):
        if line.words > 6 or not line.tokens or line.tokens[0] not in _BIO_FIRST_WORDS:
            continue  # set tests first: most lines are short, and the regex cost more
        if not _BIO_HEADER.match(line.text) or not _names_case(line.text):
            continue
        labels[i] = ("footer", "about-the-author header")
        for j in next(_blocks_after(lines, i + 1, limit=_BIO_LINES), [])[:_BIO_LINES]:
            if labels[j][0] in ("body", "other", "navigation"):
                labels[j] = ("footer", f"author bio under line {i + 1}")


def _names_case(text: str) -> bool:
    """The header's name is written as a name (capitals), or it is a fixed phrase."""
    rest = text.split(None, 1)[1] if " " in text else ""
    low = rest.lower()
    if low.startswith(("the ", "me")) or text.isupper():
        return True
    return all(word[:1].isupper() for word in rest.split())


def _blocks_after(lines: list[Line], start: int, limit: int = 60) -> Iterator[list[int]]:
    """Blank-separated blocks of lines from `start` (up to `_LIST_BLANKS` blank lines
    apart), one at a time: most lists are judged on their first block or two, and
    gathering all of them cost more than the judging."""
    block: list[int] = []
    blanks = 0
    for j in range(start, min(len(lines), start + limit * 2)):
        if lines[j].vocab == "blank":
            blanks += 1
            if blanks > _LIST_BLANKS and block:
                break
        else:
            if blanks and block:
                yield block
                block = []
            block.append(j)
            blanks = 0
    if block:
        yield block


def _list_items(lines: list[Line], labels: Labels, block: list[int]) -> list[int]:
    """The leading lines of a block that can be list items (same rough length class)."""
    out: list[int] = []
    short = lines[block[0]].words <= 3
    for j in block:
        line = lines[j]
        if labels[j][0] in _LIST_LOCKED or line.words > _LIST_ITEM_WORDS or line.prose:
            break
        if (line.words <= 3) != short and labels[j][0] != "body":
            break
        out.append(j)
    return out


def _same_looks(lines: list[Line], block: list[int], first: list[int]) -> bool:
    """Blocks of a repeated layout: each line as long (roughly) as its counterpart."""
    return all(
        (lines[a].words <= 3) == (lines[b].words <= 3) for a, b in zip(block, first, strict=True)
    )


def choose_region(
    lines: list[Line], index: list[int], probs: list[float], threshold: float
) -> list[bool]:
    """Keep flags for the candidates: the lines the classifier believes, minus runs of
    them that are both weak and far from the article.

    A page has one article; a teaser list, a "support us" block or a lone promo line the
    line classifier likes elsewhere on the page is a second region. The article is the
    run with the most believed words (`_region_runs`); the other runs stay when they are
    near it (the article's own paragraphs split by a widget row) or strong on their own
    (`_REGION_NEAR`, `_REGION_SHARE`: fixed, not fitted; 5-fold F1 +0.0035 on AEB).
    """
    keep = [p >= threshold for p in probs]
    position = _nonblank_positions(lines, index)
    runs = _region_runs(position, keep)
    if len(runs) <= 1:
        return keep
    scores = [sum(probs[c] * min(lines[index[c]].words, 200) for c in run) for run in runs]
    best = max(range(len(runs)), key=scores.__getitem__)
    lo, hi = position[runs[best][0]], position[runs[best][-1]]
    chosen = {best}
    grown = True
    while grown:  # a kept run may bring a farther one within reach
        grown = False
        for k, run in enumerate(runs):
            if k in chosen:
                continue
            first, last = position[run[0]], position[run[-1]]
            distance = first - hi if first > hi else lo - last
            if distance <= _REGION_NEAR or scores[k] >= _REGION_SHARE * scores[best]:
                chosen.add(k)
                lo, hi, grown = min(lo, first), max(hi, last), True
    for k, run in enumerate(runs):
        if k not in chosen:
            for c in run:
                keep[c] = False
    return keep


def _nonblank_positions(lines: list[Line], index: list[int]) -> list[int]:
    """Place of each candidate among the non-blank lines: blank lines are layout, so
    distances between regions are counted in lines of text."""
    out = []
    blanks = 0
    previous = 0
    for i in index:
        blanks += sum(line.vocab == "blank" for line in lines[previous:i])
        previous = i
        out.append(i - blanks)
    return out


def _region_runs(position: list[int], keep: list[bool]) -> list[list[int]]:
    """Candidates (by number) grouped into runs of kept lines at most `_REGION_GAP` lines
    of text apart: a short unbelieved line (a subheading, a share row) does not split the
    article."""
    runs: list[list[int]] = []
    for c, kept in enumerate(keep):
        if not kept:
            continue
        if runs and position[c] - position[runs[-1][-1]] <= _REGION_GAP + 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


def _dropped_kind(line: Line, p: float) -> tuple[str, str]:
    """Kind of a line the rules kept but the classifier drops: its vocabulary, or shape."""
    why = f"line classifier (p={p:.2f})"
    if line.vocab in _BOILER_KINDS:
        return line.vocab, f"{line.reason}; {why}"
    if line.words <= 10 and not line.sentence_end:
        return "navigation", f"short line; {why}"
    return "other", f"not article text; {why}"

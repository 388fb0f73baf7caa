"""Article and fields from text copied from a news web page.

`clean_lines` decides what each line is; this module turns the lines it set aside as
headline, byline, date, standfirst and credit into `Fields`, and the kept lines into the
body. It raises `NotAnArticle` when too little running prose is left.
"""

from __future__ import annotations

import datetime as dt
import logging

from newsdex.clean.text import LineCleaner, body_text, default_cleaner
from newsdex.errors import NotAnArticle
from newsdex.extract.dates import find_date, to_iso, viewed_date, weekday_in
from newsdex.extract.language import count_words, detect_language
from newsdex.extract.people import byline_authors, byline_organisation
from newsdex.extract.source import copyright_holder, split_title, title_site, wire_agency
from newsdex.models import Extracted, Fields, LineDecision

logger = logging.getLogger(__name__)

_MIN_BODY_CHARS = 200
_MIN_BODY_WORDS = 30
_QUICK_COUNT_CHARS = 600
_TITLE_LOOKAHEAD = 8
_SECTION_REASON = "section label above the headline"


def extract_text(
    text: str,
    *,
    name: str = "<text>",
    reference_date: dt.date | None = None,
    cleaner: LineCleaner | None = None,
) -> Extracted:
    """Body and fields of one copied page; `NotAnArticle` when it holds no article.

    `cleaner` defaults to the one with the shipped line model; the benchmark passes
    cleaners holding models fitted without the page, for cross-validation.
    """
    decisions = (cleaner or default_cleaner()).clean(text)
    body = body_text(decisions)
    if len(body) < _MIN_BODY_CHARS or not _enough_words(body):
        raise NotAnArticle(name, "too little running prose (menu, link list or empty page)")
    fields = extract_fields(decisions, body, reference_date or dt.date.today())
    logger.debug("%s: %d body chars, headline %r", name, len(body), fields.headline)
    return Extracted(fields=fields, body=body, decisions=decisions)


def _enough_words(body: str) -> bool:
    """At least `_MIN_BODY_WORDS` words in the body's first 5000 characters, counted so
    that Chinese and Japanese (no spaces between words) are not rejected as too short.
    The first few hundred characters usually settle it, so they are counted first."""
    if count_words(body[:_QUICK_COUNT_CHARS]) >= _MIN_BODY_WORDS:
        return True
    return count_words(body[:5000]) >= _MIN_BODY_WORDS


def extract_fields(decisions: tuple[LineDecision, ...], body: str, reference: dt.date) -> Fields:
    """All fields from the cleaner's decisions and the body text."""
    headline = _first_text(decisions, "headline")
    title = _title_line(decisions, headline)
    site, title_section = (title_site(title, headline) if title else None) or (None, None)
    if headline is None and title is not None:
        headline = (split_title(title) or (title, []))[0]
    bylines = [d.text for d in decisions if d.kind == "byline"]
    return Fields(
        headline=headline,
        date=publication_date(decisions, body, reference),
        source=site or _source_from(bylines, body, decisions),
        authors=_authors(bylines),
        language=detect_language(body),
        section=title_section or _section_label(decisions),
        credit=_credit(decisions),
        summary=_first_text(decisions, "summary"),
    )


def _first_text(decisions: tuple[LineDecision, ...], kind: str) -> str | None:
    """Text of the first line of `kind`, if any."""
    return next((d.text for d in decisions if d.kind == kind), None)


def _title_line(decisions: tuple[LineDecision, ...], headline: str | None) -> str | None:
    """A page-title line near the top ("Headline | Section - Site"), if there is one."""
    seen = 0
    for d in decisions:
        if not d.text or d.keep:
            continue
        seen += 1
        if seen > _TITLE_LOOKAHEAD:
            break
        if d.text != headline and title_site(d.text, headline):
            return d.text
    return None


def _source_from(bylines: list[str], body: str, decisions: tuple[LineDecision, ...]) -> str | None:
    """Publisher from an organisation byline, a wire dateline, or the copyright line."""
    for line in bylines:
        organisation = byline_organisation(line)
        if organisation:
            return organisation
    agency = wire_agency(body)
    if agency:
        return agency
    for d in decisions:
        if d.kind == "footer" and (holder := copyright_holder(d.text)):
            return holder
    return None


def _authors(bylines: list[str]) -> tuple[str, ...]:
    """People named in the byline lines, in order, without repeats."""
    found: list[str] = []
    for line in bylines:
        found.extend(byline_authors(line))
    return tuple(dict.fromkeys(found))


def _section_label(decisions: tuple[LineDecision, ...]) -> str | None:
    """The short label the cleaner found right above the headline."""
    return next((d.text for d in decisions if d.reason == _SECTION_REASON), None)


def _credit(decisions: tuple[LineDecision, ...]) -> str | None:
    """ "(With inputs from Reuters)" -> "With inputs from Reuters"."""
    text = _first_text(decisions, "credit")
    return text.strip("()[] ") if text else None


def publication_date(
    decisions: tuple[LineDecision, ...], body: str, reference: dt.date
) -> str | None:
    """ISO date from the header date lines, else the body's dateline, else a date line above.

    Relative ages ("4 days ago") are skipped; a lone weekday date after the article is
    the day the page was viewed, which only bounds year inference.
    """
    reference = _reference(decisions, reference)
    first_paragraph = body.split("\n\n", 1)[0]
    for text in _date_candidates(decisions, first_paragraph):
        parts = find_date(text)
        if parts is not None:
            weekday = weekday_in(text) if parts.year is None else None
            if weekday is None:
                weekday = weekday_in(first_paragraph)
            return to_iso(parts, weekday=weekday, reference=reference)
    return None


def _date_candidates(decisions: tuple[LineDecision, ...], first_paragraph: str) -> list[str]:
    """Texts that may hold the publication date, best first."""
    header = [d.text for d in decisions if d.kind == "dateline"]
    dateline = [first_paragraph[:120]] if wire_agency(first_paragraph) else []
    first_kept = next((d.number for d in decisions if d.keep), len(decisions))
    above = [
        d.text
        for d in decisions
        if d.number < first_kept and d.kind == "navigation" and "date/time" in d.reason
    ]
    return header + dateline + above[::-1]


def _reference(decisions: tuple[LineDecision, ...], reference: dt.date) -> dt.date:
    """The reference date, or an earlier "viewed" date printed after the article."""
    last_kept = max((d.number for d in decisions if d.keep), default=0)
    for d in decisions:
        if d.number > last_kept and d.kind == "navigation":
            viewed = viewed_date(d.text)
            if viewed is not None and viewed < reference:
                return viewed
    return reference

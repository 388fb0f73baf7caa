"""Authors from byline lines: people only, never agencies, desks or editors.

"By Reuters" names a publisher, "Written by X | Edited by Y, New Delhi" names one
author (X), an editor and a place; "By A and B" names two authors.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

_MARKER = re.compile(
    r"^(?:by|written by|words by|story by|posted by|reported by|text:|author:|von|por|par"
    r"|\u0442\u0435\u043a\u0441\u0442:)\s+",
    re.IGNORECASE,
)
_NOT_AUTHOR_SEGMENT = re.compile(
    r"^(?:edited|editing|updated|published|photos?|images?|illustrations?|video)\b",
    re.IGNORECASE,
)
_SPLIT_NAMES = re.compile(r"\s*(?:,|&|\band\b|\bund\b|\by\b|\bet\b|\be\b)\s*")
_SEGMENTS = re.compile(r"\s*[|\u00b7\u2022/]\s*|\s+[-\u2013\u2014]\s+")
_ORG_WORDS = frozenset(
    (
        "news", "times", "press", "post", "agency", "agencies", "staff", "desk", "bureau",
        "service", "services", "wire", "wires", "media", "network", "online", "team",
        "editorial", "editors", "correspondent", "correspondents", "reporter", "reporters",
        "associated", "international", "group", "daily", "herald", "journal", "tribune",
        "gazette", "magazine", "channel", "tv", "radio", "report", "world", "insider",
        "contributor", "writer", "columnist"
    )
)  # fmt: skip
_NAME_WORD = re.compile(
    r"^(?:[A-Z\u00c0-\u024f\u0400-\u042f][\w'\u2019.-]*|[A-Z]\.|"
    r"(?:de|da|van|von|der|del|la|le|bin|al)|[\u0400-\u04ff]+)$"
)


def byline_authors(byline: str) -> tuple[str, ...]:
    """People named as authors in one byline line."""
    authors: list[str] = []
    for index, segment in enumerate(_SEGMENTS.split(byline.strip()[:300])):
        marker = _MARKER.match(segment)
        if index and not marker or _NOT_AUTHOR_SEGMENT.match(segment):
            continue
        names = segment[marker.end() :] if marker else segment
        for name in _SPLIT_NAMES.split(names):
            if is_person(name):
                authors.append(name.strip())
            elif authors:
                break
    return tuple(dict.fromkeys(authors))


def is_person(name: str) -> bool:
    """A personal name: 2-5 capitalised words, none of them organisation vocabulary."""
    words = name.strip().split()
    if not 2 <= len(words) <= 5:
        return False
    if any(w.lower().strip(".,") in _ORG_WORDS for w in words):
        return False
    return all(_NAME_WORD.match(w) for w in words) and words[0][0].isupper()


def byline_organisation(byline: str) -> str | None:
    """The publisher a byline names instead of a person ("By Reuters", "By AFP Staff")."""
    marker = _MARKER.match(byline)
    if not marker:
        return None
    rest = _SEGMENTS.split(byline[marker.end() :].strip())[0].strip(" .,")
    words = rest.split()
    if not words or len(words) > 5 or is_person(rest) or not rest[0].isupper():
        return None
    if len(words) == 1 or any(w.lower() in _ORG_WORDS for w in words):
        return re.sub(r"\s+(?:staff|desk|reporters?|wires?)$", "", rest, flags=re.IGNORECASE)
    return None

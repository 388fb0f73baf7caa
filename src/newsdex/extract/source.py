"""Publisher names: wire datelines, organisation bylines, site-name suffixes of titles."""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

_WIRE_DATELINE = re.compile(
    r"^[^()]{0,80}?\((?P<agency>[A-Z][A-Za-z.&' ]{1,30}?)\)\s*[-\u2013\u2014:]\s"
)
_TITLE_SEPARATOR = re.compile(r"\s+(?:\||[-\u2013\u2014:\u00b7\u2022]|::)\s+")
_COPYRIGHT = re.compile(
    r"(?:\u00a9|\(c\)|copyright\s*(?=\u00a9|\(c\)|\d{4}))\s*(?:\u00a9|\(c\))?\s*"
    r"(?:\d{4}(?:\s*[-\u2013]\s*\d{4})?)?\s*,?\s*"
    r"(?P<name>[A-Z][\w.&' -]{1,50}?)\s*(?:[.,|]|all rights|$)",
    re.IGNORECASE,
)


def wire_agency(paragraph: str) -> str | None:
    """ "WASHINGTON, April 11 (Reuters) - ..." -> "Reuters"."""
    match = _WIRE_DATELINE.match(paragraph[:160])
    return match["agency"].strip() if match else None


def split_title(title: str) -> tuple[str, list[str]] | None:
    """A page title split into its headline and the site/section segments after it.

    "Headline | World News - Hindustan Times" -> ("Headline", ["World News",
    "Hindustan Times"]). Segments must be short names, not halves of a sentence.
    """
    parts = _TITLE_SEPARATOR.split(title.strip()[:400])
    if len(parts) < 2:
        return None
    suffix = parts[1:]
    if any(not 1 <= len(p.split()) <= 5 or not p[:1].isupper() for p in suffix):
        return None
    return parts[0], suffix


def title_site(title: str, headline: str | None) -> tuple[str, str | None] | None:
    """(site, section) from a title line that repeats the headline with a suffix."""
    split = split_title(title)
    if split is None:
        return None
    head, suffix = split
    if headline and not _similar(head, headline):
        return None
    return suffix[-1], (suffix[-2] if len(suffix) >= 2 else None)


def _similar(a: str, b: str) -> bool:
    """Most of the shorter text's words appear in the longer one."""
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    small = min(len(wa), len(wb))
    return small > 0 and len(wa & wb) / small >= 0.6


def copyright_holder(line: str) -> str | None:
    """ "© 2019 Vox Media, LLC. All rights reserved" -> "Vox Media"."""
    match = _COPYRIGHT.search(line[:300])
    if not match:
        return None
    name = re.sub(r",?\s*(?:llc|inc|ltd|plc|corp)\.?$", "", match["name"].strip(), flags=re.I)
    return name if 1 <= len(name.split()) <= 5 and name[0].isupper() else None

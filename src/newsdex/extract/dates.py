"""Publication dates from date lines and datelines of copied news pages.

Dates come as "Apr 11, 2022 08:24 PM IST", "Updated 1:39 am EST, Wednesday, November 20,
2019", "Nov. 19, 2019 8:03 am ET" or a wire dateline without a year ("April 11
(Reuters) -"). A missing year is inferred from the weekday the story names ("on Monday"):
the latest year, not after the reference date, in which that day falls on that weekday.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as date_parser

logger = logging.getLogger(__name__)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = re.compile(
    rf"\b(?P<md>{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?)(?:,?\s+(?P<y1>\d{{4}}))?\b"
    rf"|\b(?P<dm>\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH})(?:,?\s+(?P<y2>\d{{4}}))?\b"
    r"|\b(?P<iso>\d{4}-\d{2}-\d{2})\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b(?P<h>\d{1,2})[:.](?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ap>[ap])\.?\s?m\b\.?"
    r"|\b(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)\b(?!\s*[ap]\.?m)",
    re.IGNORECASE,
)
_ZONE = re.compile(r"\b(?:GMT|UTC)\s*(?P<off>[+-]\d{1,2}(?::?\d{2})?)|\b(?P<z>[A-Z]{2,5})\b")
_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)
_WEEKDAYS = ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")
_RELATIVE = re.compile(r"\bago\b", re.IGNORECASE)

_FIXED_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 60, "IST": 330, "CET": 60, "CEST": 120,
    "WAT": 60, "EET": 120, "EEST": 180, "MSK": 180, "SAST": 120, "EAT": 180, "PKT": 300,
    "NPT": 345, "ICT": 420, "WIB": 420, "SGT": 480, "HKT": 480, "PHT": 480, "AWST": 480,
    "JST": 540, "KST": 540, "ACST": 570, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600, "AST": -240,
    "ADT": -180, "NST": -210, "BRT": -180, "ART": -180,
}  # fmt: skip
"""Zone abbreviations news sites print, as minutes east of UTC."""
_REGION_ZONES = {
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}  # fmt: skip
"""Zones printed without saying whether daylight saving applies: resolved by the date."""


@dataclass(frozen=True)
class DateParts:
    """A calendar day, maybe without its year, plus an optional time and UTC offset."""

    month: int
    day: int
    year: int | None
    time: dt.time | None = None
    zone: str | None = None


def find_date(text: str) -> DateParts | None:
    """The first month-and-day date in `text` (a header line or a dateline), if any."""
    text = text[:500]
    if _RELATIVE.search(text):
        return None
    match = _DATE.search(text)
    if not match:
        return None
    parts = _parse_day(match)
    if parts is None:
        return None
    time, zone = _find_time(text)
    return DateParts(parts.month, parts.day, parts.year, time, zone)


def _parse_day(match: re.Match[str]) -> DateParts | None:
    """Month/day/year of a date match, via dateutil; None when it is no real date."""
    if match["iso"]:
        raw, year = match["iso"], match["iso"][:4]
    else:
        raw = (match["md"] or match["dm"]).replace(".", " ")
        year = match["y1"] or match["y2"]
    try:
        parsed = date_parser.parse(raw, default=dt.datetime(2000, 1, 1))
    except (ValueError, OverflowError):
        return None
    return DateParts(parsed.month, parsed.day, int(year) if year else None)


def _find_time(text: str) -> tuple[dt.time | None, str | None]:
    """Clock time and zone written on the same line, if both are there."""
    match = _TIME.search(text)
    if not match:
        return None, None
    if match["h"]:
        hour = int(match["h"]) % 12 + (12 if match["ap"].lower() == "p" else 0)
        minute, second = int(match["m"]), int(match["s"] or 0)
    else:
        hour, minute, second = int(match["h24"]), int(match["m24"]), 0
    if hour > 23 or minute > 59 or second > 59:
        return None, None
    zone = next((z for z in _zones(text) if z), None)
    return dt.time(hour, minute, second), zone


def _zones(text: str) -> list[str | None]:
    """Zone names or "+HH:MM" offsets mentioned in `text`, in order."""
    found: list[str | None] = []
    for match in _ZONE.finditer(text):
        if match["off"]:
            found.append(_normalise_offset(match["off"]))
        elif match["z"] in _FIXED_ZONES or match["z"] in _REGION_ZONES:
            found.append(match["z"])
    return found


def _normalise_offset(raw: str) -> str | None:
    """ "+5", "+0530", "+05:30" -> "+05:30"."""
    sign, digits = raw[0], raw[1:].replace(":", "")
    hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "00")
    if not hours.isdigit() or int(hours) > 14:
        return None
    return f"{sign}{int(hours):02d}:{minutes}"


def weekday_in(text: str) -> int | None:
    """The first weekday a text names ("on Monday"), 0 = Monday."""
    match = _WEEKDAY.search(text[:2000])
    return _WEEKDAYS.index(match.group(1).lower()) if match else None


def infer_year(month: int, day: int, weekday: int | None, reference: dt.date) -> int | None:
    """Latest year not after `reference` in which month/day exists (on `weekday`)."""
    for year in range(reference.year, reference.year - 40, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= reference and (weekday is None or candidate.weekday() == weekday):
            return year
    return None


def to_iso(parts: DateParts, *, weekday: int | None, reference: dt.date) -> str | None:
    """ISO 8601 string: the day, plus time and offset when the page gives both."""
    year = parts.year or infer_year(parts.month, parts.day, weekday, reference)
    if year is None:
        return None
    try:
        day = dt.date(year, parts.month, parts.day)
    except ValueError:
        return None
    if parts.time is None or parts.zone is None:
        return day.isoformat()
    offset = _offset(parts.zone, dt.datetime.combine(day, parts.time))
    if offset is None:
        return day.isoformat()
    stamp = dt.datetime.combine(day, parts.time, tzinfo=offset)
    return stamp.isoformat()


def _offset(zone: str, when: dt.datetime) -> dt.tzinfo | None:
    """tzinfo for a zone abbreviation or "+HH:MM" offset at a local time."""
    if zone[0] in "+-":
        sign = -1 if zone[0] == "-" else 1
        hours, minutes = int(zone[1:3]), int(zone[4:6] or 0)
        return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    if zone in _FIXED_ZONES:
        return dt.timezone(dt.timedelta(minutes=_FIXED_ZONES[zone]))
    try:
        offset = when.replace(tzinfo=ZoneInfo(_REGION_ZONES[zone])).utcoffset()
    except (KeyError, ZoneInfoNotFoundError):
        return None
    return dt.timezone(offset) if offset is not None else None


def viewed_date(text: str) -> dt.date | None:
    """The day a full weekday date standing alone ("Thursday, March 28, 2024") names."""
    parts = find_date(text) if _WEEKDAY.match(text) else None
    if parts is None or parts.year is None:
        return None
    try:
        return dt.date(parts.year, parts.month, parts.day)
    except ValueError:
        return None

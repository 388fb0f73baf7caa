"""Article fields from a page's structured data: JSON-LD, Open Graph, `<meta>`, `<time>`.

Publishers put the reliable facts (published date, authors, canonical URL, site name) in
machine-readable markup for search engines and social previews, so that is read first;
visible text is only a fallback (done by the caller).

The reader works on the lxml tree the caller already parsed for the body extractor:
parsing a 170 kB page a second time with BeautifulSoup costs more than the whole field
extraction, and the lookups needed here (meta tags, JSON-LD scripts, `<time>`) are plain
XPath queries.
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from dateutil import parser as dateparser
from lxml.html import HtmlElement

from newsdex.models import Fields

log = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "TechArticle",
        "Report",
        "ScholarlyArticle",
    }
)
_ORG_TYPES = frozenset({"Organization", "NewsMediaOrganization", "Corporation", "WebSite"})
_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "publish-date",
    "publish_date",
    "publishdate",
    "published_time",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "citation_publication_date",
    "date",
    "article.published",
    "original-publish-date",
    "displaydate",
)
_AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "citation_author",
)
_ORG_WORDS = re.compile(
    r"\b(staff|news|newsroom|desk|agency|agencies|press|reuters|afp|editorial|editors?|"
    r"team|media|inc|ltd|llc|group|times|post|journal|magazine|daily|online|network|"
    r"correspondents?|contributors?|wires?|bureau|service|tribune|herald|gazette|"
    r"associated|international|writer|reporter|insider|ministr(?:y|ies)|\w+\.com|bloomberg|cnn|bbc|admin)\b",
    re.IGNORECASE,
)
_BY = re.compile(
    r"^\s*(?:(?:written|analysis|opinion|story|words|text|reported|photos?)\s+)?by[:\s]+",
    re.IGNORECASE,
)
_AUTHOR_SPLIT = re.compile(
    r"(?<=[a-z]{2})\.\s+|\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\||/)\s*", re.IGNORECASE
)
_TITLE_SEP = re.compile(r"\s+[|\-–—:·»]\s+")
_TZ_ABBREVIATIONS = MappingProxyType({
    "UTC": 0, "GMT": 0, "EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600,
    "CDT": -5 * 3600, "MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600,
    "PDT": -7 * 3600, "BST": 3600, "CET": 3600, "CEST": 7200, "IST": 19800,
})  # fmt: skip
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")


@dataclass
class PageData:
    """Raw structured data gathered from one page, before choosing between sources."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    articles: list[dict[str, Any]] = field(default_factory=list)
    objects_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    canonical: str | None = None
    lang: str | None = None
    organisations: list[str] = field(default_factory=list)
    """Names of Organization/WebSite objects anywhere in the JSON-LD (publisher kin)."""


def read_metadata(tree: HtmlElement) -> Fields:
    """Fields found in the structured data of `tree` (any may be None)."""
    data = gather(tree)
    source = pick_source(data, tree)
    url = pick_url(data)
    if source is None and url:
        source = source_from_domain(url)
    return Fields(
        headline=pick_headline(data, tree, source),
        date=pick_date(data, tree),
        source=source,
        authors=pick_authors(data, tree, source),
        url=url,
        language=pick_language(data),
        section=pick_section(data),
        summary=pick_summary(data),
    )


def gather(tree: HtmlElement) -> PageData:
    """Collect meta tags, JSON-LD objects, canonical link and html lang in one pass each."""
    data = PageData()
    for meta in tree.iter("meta"):
        key = (
            meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        ).strip().lower() or (meta.get("http-equiv") or "").strip().lower()
        value = (meta.get("content") or "").strip()
        if key and value:
            data.meta.setdefault(key, []).append(value)
    for script in tree.xpath('//script[contains(@type, "ld+json")]'):
        for obj in walk_jsonld(parse_jsonld(script.text or "")):
            _index_object(data, obj)
    for link in tree.xpath('//link[@rel="canonical"][@href]'):
        data.canonical = data.canonical or _absolute_url(link.get("href"))
    html = tree if tree.tag == "html" else tree.find(".//html")
    if html is not None:
        data.lang = html.get("lang") or html.get("{http://www.w3.org/XML/1998/namespace}lang")
    return data


def _index_object(data: PageData, obj: dict[str, Any]) -> None:
    """Remember article objects, and every object with an @id for reference lookups."""
    ident = obj.get("@id")
    if isinstance(ident, str) and len(obj) > 1:
        data.objects_by_id.setdefault(ident, obj)
    if _types(obj) & ARTICLE_TYPES:
        data.articles.append(obj)
    elif _types(obj) & _ORG_TYPES and (name := _text(obj.get("name"))):
        data.organisations.append(_unescape(name))


def parse_jsonld(text: str) -> Any:
    """Parse one JSON-LD script, repairing the usual breakage (trailing commas, CDATA,
    raw newlines in strings, several objects back to back); None when hopeless."""
    text = text.strip()
    text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", text).strip()
    text = text.rstrip(";")
    if not text:
        return None
    attempts = (
        text,
        re.sub(r",\s*([}\]])", r"\1", text),
        "[" + re.sub(r"}\s*{", "},{", text) + "]",
    )
    for attempt in attempts:
        try:
            return json.loads(attempt, strict=False)
        except (ValueError, RecursionError):
            continue
    log.debug("unparseable JSON-LD (%d chars)", len(text))
    return None


def walk_jsonld(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD value, looking inside lists, `@graph` and main entities."""
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value:
            yield from walk_jsonld(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in value:
                yield from walk_jsonld(value[key], depth + 1)


def _types(obj: dict[str, Any]) -> set[str]:
    """The @type of a JSON-LD object as a set (it may be a string or a list)."""
    kind = obj.get("@type")
    if isinstance(kind, str):
        return {kind.rsplit("/", 1)[-1]}
    if isinstance(kind, list):
        return {k.rsplit("/", 1)[-1] for k in kind if isinstance(k, str)}
    return set()


def _resolve(data: PageData, value: Any) -> Any:
    """Follow a `{"@id": ...}` reference to the full object in the same page."""
    if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
        return data.objects_by_id.get(str(value.get("@id")), value)
    return value


def _ld_values(data: PageData, key: str) -> Iterator[Any]:
    """Values of `key` across the page's article objects, references resolved."""
    for article in data.articles:
        value = article.get(key)
        if value not in (None, "", []):
            yield _resolve(data, value)


def _text(value: Any) -> str | None:
    """A JSON-LD value as one clean string (first item of a list, `name` of an object)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = re.sub(r"\s+", " ", str(value)).strip()
        return text or None
    return None


def _meta(data: PageData, *keys: str) -> str | None:
    """First non-empty meta value among `keys`, in order of preference."""
    for key in keys:
        for value in data.meta.get(key, ()):
            text = re.sub(r"\s+", " ", value).strip()
            if text:
                return text
    return None


def pick_headline(data: PageData, tree: HtmlElement, source: str | None) -> str | None:
    """The article's headline as the page shows it.

    Structured candidates (JSON-LD headline, og/twitter title, `<title>`, site suffixes
    stripped) are compared with the visible `<h1>`: when the h1 is a close variant of
    one (social rewording, a suffix the stripper missed) the h1 wins, since it is what
    readers see; an h1 unlike all of them is the site logo or a teaser and is ignored.
    Otherwise the candidate closest to the suffix-less `<title>` wins, in order of trust.
    """
    candidates = _headline_candidates(data, tree, source)
    h1 = _first_text(tree, "h1")
    if h1 and len(h1) <= 300:
        h1 = strip_site_suffix(h1, source)
        if any(_word_overlap(h1, c) >= HEADLINE_MATCH for c in candidates):
            return h1
    if not candidates:
        return h1 or None
    title = _first_text(tree, "title")
    reference = strip_site_suffix(title, source) if title else candidates[0]
    return max(candidates, key=lambda c: _word_overlap(c, reference))


HEADLINE_MATCH = 0.6
"""Word overlap above which the visible h1 counts as a variant of a structured title."""


def _headline_candidates(data: PageData, tree: HtmlElement, source: str | None) -> list[str]:
    """Structured headlines in order of trust, unescaped and without site suffixes."""
    found = [_unescape(t) for t in map(_text, _ld_values(data, "headline")) if t]
    for key in ("og:title", "twitter:title", "parsely-title", "sailthru.title", "dc.title"):
        found += [_unescape(v) for v in data.meta.get(key, ())]
    if title := _first_text(tree, "title"):
        found.append(title)
    cleaned = [strip_site_suffix(re.sub(r"\s+", " ", t).strip(), source) for t in found]
    return list(dict.fromkeys(t for t in cleaned if t))


def _first_text(tree: HtmlElement, tag: str) -> str:
    """Whitespace-collapsed text of the first `tag` element ("" when none)."""
    node = tree.find(f".//{tag}")
    return re.sub(r"\s+", " ", node.text_content()).strip() if node is not None else ""


def _word_overlap(a: str, b: str) -> float:
    """Jaccard overlap of the word sets of two titles (case-folded)."""
    left, right = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(left & right) / len(left | right) if left and right else 0.0


def _unescape(text: str) -> str:
    """Undo HTML entities left in JSON-LD strings (`&amp;`, `&#8217;`)."""
    if "&" not in text:
        return text
    import html

    return html.unescape(text)


def strip_site_suffix(title: str, source: str | None) -> str:
    """Drop a trailing ` | Site Name` (or leading `Site: `) that pages add to titles."""
    parts = _TITLE_SEP.split(title)
    if len(parts) < 2:
        return title
    site = _squash(source or "")
    if site and (_squash(parts[-1]) in site or site in _squash(parts[-1])):
        return title[: title.rfind(parts[-1])].rstrip(" |-–—:·»")
    if site and _squash(parts[0]) == site:
        return title[len(parts[0]) :].lstrip(" |-–—:·»")
    return title


def _squash(text: str) -> str:
    """Lower-case letters and digits only, to compare names like `The Verge` and `theverge`."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def pick_date(data: PageData, tree: HtmlElement) -> str | None:
    """The published date: JSON-LD `datePublished`, then meta tags, then `<time>`.

    Modified/updated dates are never used: they say when a page was last touched, not
    when the article came out.
    """
    candidates: list[str] = [v for v in map(_text, _ld_values(data, "datePublished")) if v]
    candidates += [v for v in map(_text, _ld_values(data, "dateCreated")) if v]
    candidates += [v for key in _PUBLISHED_META for v in data.meta.get(key, ())]
    for value in candidates:
        if date := normalise_date(value):
            return date
    return date_from_time_elements(tree)


def date_from_time_elements(tree: HtmlElement) -> str | None:
    """Date of the first `<time>` that marks the publication, ignoring related-link lists."""
    marked = tree.xpath(
        '//*[@itemprop="datePublished"] | //time[@pubdate] | '
        '//time[contains(@class, "publish")] | //time[@datetime]'
    )
    for node in marked:
        if _in_boilerplate(node) or _looks_modified(node):
            continue
        value = node.get("datetime") or node.get("content") or node.text_content()
        if date := normalise_date(value or ""):
            return date
    return None


def _in_boilerplate(node: HtmlElement) -> bool:
    """True inside nav/aside/footer/lists of other stories, where dates belong to others."""
    for parent in node.iterancestors():
        if parent.tag in ("nav", "aside", "footer", "li"):
            return True
        marks = f"{parent.get('class', '')} {parent.get('id', '')}".lower()
        if re.search(r"related|recommend|more-|popular|trending|sidebar|comment|teaser", marks):
            return True
    return False


def _looks_modified(node: HtmlElement) -> bool:
    """True for `<time>` elements marked as an update rather than the publication."""
    marks = f"{node.get('class', '')} {node.get('itemprop', '')} {node.get('id', '')}".lower()
    return bool(re.search(r"modif|updat|edited", marks))


def normalise_date(value: str) -> str | None:
    """ISO 8601 form of a date string: with time and offset when both are given,
    otherwise just `YYYY-MM-DD`; None for unparseable or implausible dates."""
    value = re.sub(r"\s+", " ", value).strip()
    if not value or len(value) > 80 or not re.search(r"\d", value):
        return None
    if not re.search(r"(?:19|20)\d\d", value):
        return None
    parsed = _parse_date(value)
    if parsed is None:
        return None
    if not 1990 <= parsed.year <= datetime.now().year + 1:
        return None
    if parsed.tzinfo is not None and _HAS_TIME.search(value) and parsed.utcoffset() is not None:
        return parsed.replace(microsecond=0).isoformat()
    return parsed.date().isoformat()


def _parse_date(value: str) -> datetime | None:
    """dateutil's parse, with US/EU zone abbreviations known and its warnings about
    unknown ones silenced (such dates are then read without an offset)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dateparser.UnknownTimezoneWarning)
        try:
            return dateparser.parse(value, fuzzy=False, tzinfos=_TZ_ABBREVIATIONS)
        except (ValueError, OverflowError, TypeError, dateparser.ParserError):
            pass
    try:
        return dateparser.isoparse(value)
    except (ValueError, OverflowError, TypeError):
        return None


def pick_authors(data: PageData, tree: HtmlElement, source: str | None) -> tuple[str, ...]:
    """People credited with the article; organisations and the publisher are left out."""
    names: list[str] = []
    for value in _ld_values(data, "author"):
        names += _ld_people(data, value)
    if not names:
        for key in _AUTHOR_META:
            values = data.meta.get(key, [])
            names += [n for v in values if not _is_url(v) for n in split_authors(v)]
            if names:
                break
    if not names:
        names = _byline_names(tree)
    return clean_authors(names, source)


def _byline_names(tree: HtmlElement) -> list[str]:
    """Names from the visible byline (rel/itemprop author, class author/byline) of the
    first such element outside related-story lists; pages without markup still show one."""
    nodes = tree.xpath(
        '//*[@rel="author" or @itemprop="author" or contains(@class, "author")'
        ' or contains(@class, "byline")][not(self::meta)][not(self::link)]'
    )
    for node in nodes[:20]:
        text = re.sub(r"\s+", " ", node.text_content()).strip()
        if text and len(text.split()) <= 10 and not _in_boilerplate(node):
            return split_authors(text)
    return []


def _ld_people(data: PageData, value: Any) -> list[str]:
    """Names of the Person objects (or plain strings) in a JSON-LD author value."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        item = _resolve(data, item)
        if isinstance(item, str):
            names += [] if _is_url(item) else split_authors(item)
        elif isinstance(item, dict) and not (_types(item) & _ORG_TYPES):
            names += split_authors(_text(item.get("name")) or "")
    return names


def split_authors(text: str) -> list[str]:
    """`By Ann Lee and Bo Chan` -> [`Ann Lee`, `Bo Chan`]."""
    text = _BY.sub("", re.sub(r"\s+", " ", text)).strip()
    return [part.strip(" .,-–—") for part in _AUTHOR_SPLIT.split(text) if part.strip(" .,-–—")]


def clean_authors(names: list[str], source: str | None) -> tuple[str, ...]:
    """Keep plausible personal names, de-duplicated in order."""
    site = _squash(source or "")
    kept: list[str] = []
    for name in names:
        name = _BY.sub("", re.sub(r"^\w+:\s+", "", name)).strip()
        name = strip_job_title(_GLUED_DATE.sub("", name).strip())
        if name.lower().startswith("the "):
            continue
        words = name.split()
        if not 1 <= len(words) <= 5 or _is_url(name) or re.search(r"[\d@<>{}]", name):
            continue
        if _ORG_WORDS.search(name) or (site and _squash(name) == site):
            continue
        if len(words) == 1 and (name.isupper() or name.islower()):
            continue  # agency codes (PTI, AFP) and user names (jdadmin)
        if name.isupper() and len(name) > 4:
            name = name.title()
        if name not in kept:
            kept.append(name)
    return tuple(kept)


_GLUED_DATE = re.compile(
    r"(?<=[a-z])(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|February|March|April|"
    r"May|June|July|August|September|October|November|December|Updated|Published)\b.*$"
)
"""A date run into the name by a template without a separator: `Jeff FoustMonday`."""
_JOB_NOUNS = frozenset(
    [
        "writer",
        "writers",
        "reporter",
        "reporters",
        "correspondent",
        "correspondents",
        "editor",
        "editors",
        "columnist",
        "contributor",
        "photographer",
        "producer",
        "analyst",
        "journalist",
        "intern",
        "critic",
    ]
)
_JOB_WORDS = _JOB_NOUNS | frozenset(
    [
        "staff",
        "chief",
        "senior",
        "associate",
        "managing",
        "deputy",
        "contributing",
        "special",
        "political",
        "business",
        "sports",
        "auto",
        "science",
        "technology",
        "tech",
        "health",
        "national",
        "foreign",
        "white",
        "house",
        "news",
        "data",
        "investigative",
        "digital",
        "travel",
        "food",
        "opinion",
        "associated",
        "press",
        "at",
        "large",
        "legal",
        "economics",
        "features",
        "entertainment",
        "education",
        "environment",
        "general",
        "assignment",
        "metro",
        "local",
        "global",
    ]
)


def strip_job_title(name: str) -> str:
    """`Tom Krisher AP Auto Writer` -> `Tom Krisher`; a bare title gives ""."""
    words = name.split()
    if not words or words[-1].lower().strip(",.") not in _JOB_NOUNS:
        return name
    while words and (
        words[-1].lower().strip(",.-") in _JOB_WORDS or re.fullmatch(r"[A-Z]{2,4},?", words[-1])
    ):
        words.pop()
    return " ".join(words).rstrip(" ,-–—")


def _is_url(text: str) -> bool:
    """True for values that are links (article:author often is), not names."""
    return bool(re.match(r"\s*(?:https?:)?//|\s*www\.", text))


def pick_source(data: PageData, tree: HtmlElement) -> str | None:
    """Publisher name wherever the page gives it: the article's JSON-LD publisher,
    og:site_name, application-name and kin, any JSON-LD Organization/WebSite, then a
    `Headline | Site Name` title suffix. Bare-domain values count only as a last resort
    (the caller falls back to the host): a name is what readers know the site by."""
    found: list[str] = []
    for value in _ld_values(data, "publisher"):
        if name := _text(_resolve(data, value)):
            found.append(_unescape(name))
    for key in _SOURCE_META:
        found += [re.sub(r"\s+", " ", v).strip() for v in data.meta.get(key, ())]
    found += data.organisations
    if suffix := _title_suffix(_first_text(tree, "title")):
        found.append(suffix)
    names = [n for n in found if n and not _is_url(n) and len(n) <= 80]
    return next((n for n in names if not _is_domain(n)), names[0] if names else None)


_SOURCE_META = (
    "og:site_name",
    "application-name",
    "apple-mobile-web-app-title",
    "publisher",
    "dc.publisher",
)
SITE_NAME_WORDS = 5
"""A title's last segment longer than this is part of the headline, not a site name."""


def _title_suffix(title: str) -> str | None:
    """`Site Name` from `Headline | Site Name` (or `Headline - Site Name`) titles."""
    parts = _TITLE_SEP.split(title)
    if len(parts) < 2:
        return None
    last = parts[-1].strip()
    words = last.split()
    if not 1 <= len(words) <= SITE_NAME_WORDS or len(last) >= len(title) - len(last):
        return None
    return last


def _is_domain(name: str) -> bool:
    """True for `detroitnews` / `usatoday.com`-style handles: one lower-case token."""
    return " " not in name and (name.islower() or bool(re.search(r"\.[a-z]{2,}$", name)))


def source_from_domain(url: str) -> str | None:
    """A name from the host when the page names no publisher: `www.wsj.com` -> `wsj.com`."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    host = re.sub(r"^(?:www\d?|m|amp|edition|mobile)\.", "", host.lower())
    return host or None


def pick_url(data: PageData) -> str | None:
    """Canonical URL: `<link rel=canonical>`, og:url, then JSON-LD url/mainEntityOfPage."""
    if data.canonical:
        return data.canonical
    if url := _absolute_url(_meta(data, "og:url", "twitter:url", "parsely-link")):
        return url
    for key in ("url", "mainEntityOfPage"):
        for value in _ld_values(data, key):
            if isinstance(value, dict):
                value = value.get("@id") or value.get("url")
            if url := _absolute_url(_text(value)):
                return url
    return None


def _absolute_url(value: str | None) -> str | None:
    """`value` if it is an absolute http(s) URL (protocol-relative made https)."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("//"):
        value = "https:" + value
    return value if re.match(r"https?://[^\s/]+\.[^\s/]+", value) else None


def pick_language(data: PageData) -> str | None:
    """Primary language subtag from html lang, og:locale, content-language or JSON-LD."""
    candidates = [
        data.lang,
        _meta(data, "og:locale", "content-language", "language", "dc.language"),
    ]
    candidates += [_text(v) for v in _ld_values(data, "inLanguage")]
    for value in candidates:
        if value and (match := re.match(r"\s*([a-zA-Z]{2,3})(?:[-_]|\s*$)", value)):
            return match.group(1).lower()
    return None


def pick_section(data: PageData) -> str | None:
    """Section from article:section, then JSON-LD articleSection, then parse.ly."""
    text = _meta(data, "article:section", "parsely-section", "section")
    if text:
        return _unescape(text)
    for value in _ld_values(data, "articleSection"):
        if text := _text(value):
            return _unescape(text)
    return None


def pick_summary(data: PageData) -> str | None:
    """The page's description, as JSON-LD, Open Graph or plain meta give it."""
    for value in _ld_values(data, "description"):
        if text := _text(value):
            return _unescape(text)
    text = _meta(data, "og:description", "description", "twitter:description")
    return _unescape(text) if text else None

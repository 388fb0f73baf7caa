"""The same story from many sources: exact duplicates, near-duplicates and story clusters.

Three relations, from strict to loose; each article ends in exactly one cluster:
    1. exact duplicate  same `body_key` (the same words in the same order: case,
                        punctuation, quote style and spacing ignored): not stored again;
                        the caller lists the extra path/URL
    2. near-duplicate   estimated Jaccard >= NEAR_DUP_THRESHOLD (0.5) of the word 3-gram
                        shingle sets (datasketch MinHash, 64 permutations; candidates from
                        datasketch MinHashLSH, bands 16 x 4): same text with other
                        boilerplate, small edits, dropped or moved sentences, another headline
    3. same story       both dated within STORY_WINDOW_DAYS (1) of each other and sharing
                        >= STORY_MIN_SHARED (5) salient terms, with a cosine (shared /
                        sqrt(|A| |B|)) >= STORY_MIN_COSINE (0.25), names (capitalised
                        mid-sentence words) among them >= STORY_MIN_NAMES (2); undated
                        articles only with undated
A cluster is a connected component of the near-duplicate and same-story links.

Salient terms: the letters-only words (3+ letters, not stop words) of the headline, the
summary and the first LEAD_CHARS (600) characters of the body, cut to their first six
letters (a cheap stemmer: Russia/Russian, Ukraine/Ukrainian meet). News writing puts who,
what and where first, so a rewrite ("with inputs from Reuters") shares them even when it
shares few sentences: the two seeds share about 8% of their shingles (estimated) but 28
lead terms, 5 of them names. Candidates come from an inverted index of names per day, so
the cost does not grow with the corpus, only with the number of articles of nearby days.

Bounded work per article. A wire story copied 500 times would put 500 articles in the
same LSH buckets and name lists; comparing each new copy with all of them, and linking it
to all of them, made indexing quadratic (1.4 ms an article at 10k copied pages, growing).
So:
    - the LSH holds the articles a new copy needs to meet, not every copy: an article
      goes into it unless it already has NEAR_CANDIDATES (8) near-duplicates there. A
      later copy finds those 8, is linked to them and so joins their cluster. When an
      article of the LSH is removed, its oldest near-duplicate outside takes its place.
    - a new article is compared with the oldest STORY_CANDIDATES (32) articles of each
      of its names per day.
Links are then a sparse part of all qualifying pairs; when a removal splits a cluster, the
members of every part but the largest are compared again (the same bounded way) with the
rest, and parts that still qualify are linked and stay together.

Why these thresholds (bench/dedup_quality.py, seed 0): 180 AEB bodies, 7 copies each.
Near-duplicates at 0.5: precision 1.000, recall 0.995 (1025 of 1030) on copies sharing
>= 80% of their text (boilerplate added, 5-20% of sentences dropped, sentences moved, 4% of
words edited, all mixed); 0 of 179 "partial" rewrites keeping 20-35% were flagged, and no
copy matched another original. 0.5 sits between the Jaccard of an 80% copy with 10%
boilerplate added (0.8 / 1.1, about 0.7) and of a rewrite quoting a third (about 0.2), with
room for the estimate's error at 64 permutations (sd about 0.06); the 16 x 4 bands make a
pair a candidate with p = 0.64 at Jaccard 0.5, 0.89 at 0.6 and 0.99 at 0.7.
Stories: the seeds link (28 shared terms, cosine 0.61, 5 shared names); among the 181
real AEB pages all given one day, 26 links (28 when every pair was compared), 25 judged the
same story by reading both, 1 not (two Ascom press releases with one dateline); no AEB
page joins the seeds. Cosine, not overlap with the smaller set: a page whose summary held
180 terms otherwise linked to an unrelated one.

Cost (bench/stories_cost.py): the corpus hands articles over in batches (`add_many`),
features and links computed together, which keeps the extractor's and the index's data
in the processor's caches in turn; an article already held unchanged skips its features;
a body's word hashes, computed for its id, are reused; shingles go to datasketch as one
array; the sqlite file stores one row per article and one per link, so a link does not
rewrite its articles. The measured figures are in bench/stories_cost.py's docstring.

Cluster ids are stable: a cluster is named after its first article (lowest insertion
number); when clusters merge, the oldest name wins; when the founder is removed the cluster
keeps its name while any member remains; when a removal splits a cluster, the part holding
the oldest remaining member keeps the name and each other part is named after its own first
article. Every change of cluster is reported, so the caller can rewrite those documents.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import logging
import math
import re
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from newsdex.models import Article

if TYPE_CHECKING:
    from datasketch import LeanMinHash, MinHash, MinHashLSH

log = logging.getLogger(__name__)

NUM_PERM = 64
SEED = 1
SCHEME = "affine32"
"""datasketch's permutation scheme, named so stored signatures stay readable."""
SHINGLE_WORDS = 3
NEAR_DUP_THRESHOLD = 0.5
LSH_BANDS = (16, 4)
"""Bands x rows of the near-duplicate LSH: P(candidate) = 1 - (1 - s**4)**16."""
NEAR_CANDIDATES = 8
"""Near-duplicates an article may already have in the LSH and still go into it."""
STORY_CANDIDATES = 32
"""Oldest articles per name and day a new article is compared with."""
STORY_WINDOW_DAYS = 1
STORY_MIN_SHARED = 5
STORY_MIN_COSINE = 0.25
STORY_MIN_NAMES = 2
LEAD_CHARS = 600
STEM_CHARS = 6
STATE_VERSION = 3
"""1: one JSON row per article; 2: rows per article and link with signatures of an
unreleased home-made MinHash; 3: datasketch signatures and the LSH membership."""


@functools.cache
def _datasketch() -> ModuleType:
    """datasketch, imported on first use: it imports scipy, which took 0.3-0.45 s of
    every command's start, `newsdex search` included, though only indexing with stories
    needs it."""
    import datasketch

    return datasketch


@functools.cache
def _permutations() -> np.ndarray:
    """datasketch's permutations, drawn once: drawing them for each MinHash cost 160 µs, as
    much as the rest of an article's signature (the pipeline adds one article at a time)."""
    values: np.ndarray = (
        _datasketch().MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations
    )
    values.setflags(write=False)
    return values


_POSITION_MULTIPLIERS = np.random.RandomState(SEED).randint(0, 1 << 31, 64, dtype=np.uint32)
_POSITION_MULTIPLIERS = _POSITION_MULTIPLIERS * np.uint32(2) + np.uint32(1)
_POSITION_MULTIPLIERS.setflags(write=False)
_UNICODE_MARKS = re.compile("|".join(re.escape(m) for m in "’‘“”—–…«»\u00a0").encode("utf-8"))
_PUNCTUATION = bytes(range(33)) + b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\x7f"
_SEPARATORS = bytes.maketrans(_PUNCTUATION, b" " * len(_PUNCTUATION))
_TERM = re.compile(r"[^\W\d_]{3,}")
_CAPITALISED = re.compile(r"\b[A-Z][^\W\d_]{2,}")
_SENTENCE_START = frozenset('.!?"“:')
_STOP_TEXT = """about above after again against also among amid another any are around because
    been before being below between both but can could did does doing down during each
    few for from further had has have having her here hers herself him himself his how
    into its itself just more most much must not now off once only other our ours out
    over own said same says she should some such than that the their theirs them then
    there these they this those through too under until very was were what when where
    which while who whom why will with would you your yours yourself the and per via
    one two three four five six seven eight nine ten first last next new news year years
    week weeks day days today yesterday tomorrow monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october
    november december told tells according reported report reports reuters associated
    press afp bloomberg read more also like get got make made many may might well still
    even back take took going people time times"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


# -- exact duplicates (article ids) ------------------------------------------------


def word_hashes(text: str) -> np.ndarray:
    """One stable 32-bit hash per word of the normalised text (case, punctuation, quote
    style and spacing ignored: what syndication and copy-paste change). Article ids come
    from it (`body_key`), so it must never change.

    The hashes of the last `_RECENT_TEXTS` texts are kept: the pipeline hashes a body for
    the article's id and, a batch later, the story index hashes the same body for its
    features (155 µs each on an 8 KB page). The check is by identity, so an equal but
    distinct string is hashed again.
    """
    known = _recent_words.get(id(text))
    if known is not None and known[0] is text:
        return known[1]
    words = _word_hashes(np.frombuffer(_separated_bytes(text), dtype=np.uint8))
    words.setflags(write=False)
    if len(_recent_words) >= _RECENT_TEXTS:
        del _recent_words[next(iter(_recent_words))]
    _recent_words[id(text)] = (text, words)
    return words


_RECENT_TEXTS = 256
_recent_words: dict[int, tuple[str, np.ndarray]] = {}
"""The word hashes of the last texts hashed, by identity (the text is held, so its id is
not reused while it is here); bounded, oldest out first."""


def body_key(body: str) -> str:
    """A hash of the normalised body (`word_hashes`): equal for exact duplicates."""
    return _key(word_hashes(body))


def _key(words: np.ndarray) -> str:
    return hashlib.sha256(words.astype("<u4").tobytes()).hexdigest()[:32]


def _separated_bytes(text: str) -> bytes:
    """Lower-cased UTF-8 with punctuation, quotes, dashes and control characters made
    spaces (bytes.translate and replace: str.translate cost 100 µs per article)."""
    data = text.lower().encode("utf-8", "replace")
    if not data.isascii():
        data = _UNICODE_MARKS.sub(b" ", data)
    return data.translate(_SEPARATORS)


def _word_hashes(data: np.ndarray) -> np.ndarray:
    """One hash per run of non-space bytes: sum of (byte + 1) x multiplier[position]."""
    if not data.size:
        return np.zeros(0, dtype=np.uint32)
    inword = data != 32
    edges = np.diff(inword.view(np.int8), prepend=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    if not starts.size:
        return np.zeros(0, dtype=np.uint32)
    index = np.arange(data.size)
    start_of = np.maximum.accumulate(np.where(edges == 1, index, 0))
    position = np.minimum(index - start_of, _POSITION_MULTIPLIERS.size - 1)
    values = (data.astype(np.uint32) + np.uint32(1)) * _POSITION_MULTIPLIERS[position]
    values *= inword
    return np.add.reduceat(values, starts, dtype=np.uint32)


# -- near-duplicates: MinHash signatures (datasketch) ---------------------------------


def shingle_hashes(words: np.ndarray) -> np.ndarray:
    """32-bit hashes of the word 3-grams, from `word_hashes`; a text of fewer than three
    words gets its words instead.

    A shingle's hash mixes those of its three words (spread with MurmurHash3's finaliser
    first, as a word's hash is a weighted sum of its bytes): hashing each shingle's text
    in Python cost more than tantivy's whole indexing of the article. Stable across
    processes (no `hash()`), so signatures can be stored.
    """
    if words.size < SHINGLE_WORDS:
        return words
    mixed = _fmix(words)
    return mixed[:-2] * np.uint32(0x9E3779B1) ^ mixed[1:-1] * np.uint32(0x85EBCA77) ^ mixed[2:]


def _fmix(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (array arithmetic wraps)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def _minhashes(shingles: Iterable[np.ndarray]) -> Iterator[MinHash]:
    """datasketch MinHashes of shingle sets (`MinHash.generator`, with the permutations
    drawn once).

    The shingles are already 32-bit hashes. datasketch's `update_batch` calls the hash
    function once per value in a Python loop, then mixes, permutes and takes the minima
    of the resulting array in numpy; the loop was half its cost (110 of 220 µs on a seed).
    So each set goes in as one value, the array itself, with the identity as hash function:
    datasketch's own array step does the rest, and the signature is the one per-value
    updates give (tests/test_dedup.py checks that against `hashfunc=int`).
    """
    generator: Iterator[MinHash] = _datasketch().MinHash.generator(
        ([values] if values.size else [] for values in shingles),
        num_perm=NUM_PERM,
        seed=SEED,
        hashfunc=_as_is,
        permutations=_permutations(),
        scheme=SCHEME,
    )
    return generator


def _as_is(values: np.ndarray) -> np.ndarray:
    """The "hash function" of `_minhashes`: shingle hashes go in unchanged."""
    return values


def signature(article: Article) -> LeanMinHash:
    """The MinHash of the article's body shingles (the headline is left out: a copy
    often gets a new one)."""
    minhash = next(_minhashes([shingle_hashes(word_hashes(article.body))]))
    return signature_from_bytes(signature_bytes(minhash))


def signature_bytes(minhash: MinHash) -> bytes:
    """A signature's compact stored form: NUM_PERM little-endian uint32 (256 bytes)."""
    return np.asarray(minhash.hashvalues, dtype="<u4").tobytes()


def signature_from_bytes(data: bytes) -> LeanMinHash:
    """Inverse of `signature_bytes`."""
    values = np.frombuffer(data, dtype="<u4")
    minhash: LeanMinHash = _datasketch().LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)
    return minhash


def similarity(first: MinHash, second: MinHash) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets."""
    return float(first.jaccard(second))


# -- story clusters: salient terms -------------------------------------------------


def salient_terms(article: Article) -> tuple[frozenset[str], frozenset[str]]:
    """(terms, names) of the headline, summary and lead: what a rewrite keeps.

    Names are words written with a capital in the middle of a sentence, so a headline in
    title case or a sentence's first word does not make every word a name. Stems are
    interned: a corpus holds few distinct ones, and a copy each cost more memory than the
    rest of the index.
    """
    lead = article.body[:LEAD_CHARS]
    text = f"{article.headline}\n{article.summary or ''}\n{lead}".lower()
    terms = {word[:STEM_CHARS] for word in _TERM.findall(text)} - _STOP_STEMS
    names = {
        match.group().lower()[:STEM_CHARS]
        for match in _CAPITALISED.finditer(lead)
        if lead[match.start() - 1 : match.start()] == " "
        and lead[match.start() - 2 : match.start() - 1] not in _SENTENCE_START
    } & terms
    return _interned(terms), _interned(names)


def _interned(stems: Iterable[str]) -> frozenset[str]:
    return frozenset(map(sys.intern, stems))


_STOP_STEMS = frozenset(word[:STEM_CHARS] for word in STOP_WORDS)


def day_number(date: str | None) -> int | None:
    """The proleptic ordinal of an ISO date's day, or None when missing or unreadable."""
    if not date:
        return None
    try:
        return dt.date.fromisoformat(date[:10]).toordinal()
    except ValueError:
        return None


@dataclass(frozen=True)
class Features:
    """What the index keeps of one article: enough to compare it without its text."""

    id: str
    key: str
    """`body_key` of the body."""
    hashvalues: bytes
    """The MinHash signature (`signature_bytes`)."""
    terms: frozenset[str]
    names: frozenset[str]
    day: int | None

    @property
    def minhash(self) -> LeanMinHash:
        return signature_from_bytes(self.hashvalues)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the signature in base64, sets as sorted lists."""
        return {
            "id": self.id,
            "key": self.key,
            "sig": base64.b64encode(self.hashvalues).decode("ascii"),
            "terms": sorted(self.terms),
            "names": sorted(self.names),
            "day": self.day,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Features:
        return cls(
            id=data["id"],
            key=data["key"],
            hashvalues=base64.b64decode(data["sig"]),
            terms=_interned(data["terms"]),
            names=_interned(data["names"]),
            day=data["day"],
        )


def features(article: Article) -> Features:
    """Everything StoryIndex needs of an article, computed once (store it, not the body)."""
    return many_features([article])[0]


def many_features(articles: Sequence[Article]) -> list[Features]:
    """`features` of a batch of articles, with one datasketch MinHash generator for all
    signatures. Words are hashed one body at a time: numpy over a whole batch was
    slower, its arrays no longer fitting the processor's cache."""
    words = [word_hashes(article.body) for article in articles]
    minhashes = _minhashes(shingle_hashes(hashes) for hashes in words)
    found = []
    for article, hashes, minhash in zip(articles, words, minhashes, strict=True):
        terms, names = salient_terms(article)
        key, values = _key(hashes), signature_bytes(minhash)
        found.append(Features(article.id, key, values, terms, names, day_number(article.date)))
    return found


def _fingerprint(article: Article) -> int:
    """What `features` reads of an article, hashed (in-process only: str hashes are
    salted per process)."""
    return hash((article.body, article.headline, article.summary, article.date))


def same_story(first: Features, second: Features) -> bool:
    """The documented story rule (module docstring, 3): date window, then lead terms."""
    if (first.day is None) != (second.day is None):
        return False
    if (
        first.day is not None
        and second.day is not None
        and abs(first.day - second.day) > STORY_WINDOW_DAYS
    ):
        return False
    shared = len(first.terms & second.terms)
    scale = math.sqrt(len(first.terms) * len(second.terms)) or 1.0
    return (
        shared >= STORY_MIN_SHARED
        and shared / scale >= STORY_MIN_COSINE
        and len(first.names & second.names) >= STORY_MIN_NAMES
    )


# -- the incremental index -------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """Where an added article went, and what else moved because of it."""

    id: str
    cluster: str
    founded: bool
    """True when the article started a new cluster (its id names it)."""
    duplicate_of: str | None = None
    """Set for an exact duplicate (same body_key) of this stored article: nothing was
    stored; the caller adds the new path/URL to that article instead."""
    near_duplicates: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    """Articles linked by the story rule (not near-duplicates)."""
    moved: dict[str, str] = field(default_factory=dict)
    """Other articles whose cluster changed (clusters merged): id -> new cluster."""


class _Postings:
    """Keys (names of one day) to the articles holding them, oldest first. A key held by
    one article maps to its id, not to a list: most names are held by one article, and a
    list each cost more memory than the rest of the index."""

    def __init__(self) -> None:
        self._ids: dict[Any, str | list[str]] = {}

    def __bool__(self) -> bool:
        return bool(self._ids)

    def add(self, key: Any, article_id: str) -> None:
        held = self._ids.get(key)
        if held is None:
            self._ids[key] = article_id
        elif isinstance(held, str):
            self._ids[key] = [held, article_id]
        else:
            held.append(article_id)

    def discard(self, key: Any, article_id: str) -> None:
        held = self._ids.get(key)
        if held == article_id:
            del self._ids[key]
        elif isinstance(held, list) and article_id in held:
            held.remove(article_id)
            if len(held) == 1:
                self._ids[key] = held[0]

    def first(self, key: Any, count: int) -> Sequence[str]:
        """The `count` oldest ids holding `key`."""
        held = self._ids.get(key)
        if held is None:
            return ()
        return (held,) if isinstance(held, str) else held[:count]


def _pair(first: str, second: str) -> tuple[str, str]:
    return (first, second) if first < second else (second, first)


class StoryIndex:
    """Near-duplicate and story clusters over added articles, kept up to date as articles
    are added, changed and removed. Holds features, not bodies; persisted with `save`."""

    def __init__(self) -> None:
        self._features: dict[str, Features] = {}
        self._seq: dict[str, int] = {}
        self._next_seq = 0
        self._by_key: dict[str, str] = {}
        self._links: dict[str, dict[str, str]] = {}
        self._cluster: dict[str, str] = {}
        self._members: dict[str, set[str]] = {}
        self._first: dict[str, int] = {}
        """Per cluster, the lowest insertion number among its members."""
        self._names: dict[int | None, _Postings] = {}
        """Per day, the articles holding each name."""
        self._lsh: MinHashLSH = _datasketch().MinHashLSH(num_perm=NUM_PERM, params=LSH_BANDS)
        """The articles a new near-duplicate must meet (module docstring: bounded work)."""
        self._dirty: set[str] = set()
        self._removed: set[str] = set()
        self._new_links: dict[tuple[str, str], str] = {}
        self._gone_links: set[tuple[str, str]] = set()
        self._saved_to: Path | None = None
        self._inputs: dict[str, int] = {}
        """Per id, a fingerprint of the article its features came from (`add_many`)."""

    # -- reading -----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._features)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._features

    def cluster_of(self, article_id: str) -> str:
        """The cluster id of a stored article; KeyError when it is not stored."""
        return self._cluster[article_id]

    def members(self, cluster: str) -> tuple[str, ...]:
        """The articles of a cluster in the order they were added; () if unknown."""
        return tuple(sorted(self._members.get(cluster, ()), key=self._seq.__getitem__))

    def clusters(self) -> Iterator[str]:
        """Every cluster id."""
        return iter(list(self._members))

    def near_duplicates(self, article_id: str) -> tuple[str, ...]:
        """Articles linked to this one as near-duplicates."""
        links = self._links.get(article_id, {})
        return tuple(sorted(other for other, kind in links.items() if kind == "near"))

    def find_key(self, key: str) -> str | None:
        """The stored article with this `Features.key`, if any."""
        return self._by_key.get(key)

    def features_of(self, article_id: str) -> Features:
        return self._features[article_id]

    # -- adding ------------------------------------------------------------------

    def add(self, article: Article) -> Assignment:
        """Add (or, for a known id, update) an article; see `add_features`."""
        return self.add_many([article])[0]

    def add_many(self, articles: Sequence[Article]) -> list[Assignment]:
        """`add` for a batch, features computed together (`many_features`).

        An article this index already holds with the same text, headline, summary and
        date (a file read again, a wire story carried word for word under the same id)
        skips the features altogether: they are what makes clustering cost anything,
        and they would come out equal. Which articles those are is remembered for this
        process only (a fingerprint per id), so after a reload they are computed once.

        Batches are much cheaper than single articles in a pipeline that extracts
        between adds: computing features and linking walk large tables, and done on
        every article they evicted the extractor's data from the processor's caches
        (60,000 synthetic-story files: clustering one article at a time added 36% to
        indexing, in batches of 200 it adds 11%)."""
        inputs = [_fingerprint(article) for article in articles]
        held = [self._inputs.get(a.id) == f for a, f in zip(articles, inputs, strict=True)]
        computed = iter(many_features([a for a, h in zip(articles, held, strict=True) if not h]))
        found = []
        for article, fingerprint, was_held in zip(articles, inputs, held, strict=True):
            if was_held and self._inputs.get(article.id) == fingerprint:
                found.append(self._unchanged(article.id))
                continue
            item = features(article) if was_held else next(computed)
            assignment = self.add_features(item)
            if assignment.duplicate_of is None:
                self._inputs[article.id] = fingerprint
            found.append(assignment)
        return found

    def add_features(self, item: Features) -> Assignment:
        """Link the article to its near-duplicates and same-story articles and put it in
        their cluster (merging clusters it bridges). An exact duplicate of another stored
        article is not stored (`duplicate_of`). A known id is removed first (an update)."""
        self._inputs.pop(item.id, None)
        moved: dict[str, str] = {}
        if item.id in self._features:
            if self._features[item.id] == item:
                return self._unchanged(item.id)
            moved = self.remove(item.id)
        original = self._by_key.get(item.key)
        if original is not None:
            cluster = self._cluster[original]
            return Assignment(item.id, cluster, False, duplicate_of=original, moved=moved)
        minhash = item.minhash
        near = self._find_near(item, minhash)
        related = tuple(sorted(self._find_story(item) - set(near)))
        self._store(item)
        if len(near) < NEAR_CANDIDATES:
            self._lsh.insert(item.id, minhash, check_duplication=False)
        for other in near:
            self._link(item.id, other, "near")
        for other in related:
            self._link(item.id, other, "story")
        cluster, founded, merged = self._join(item.id, [*near, *related])
        moved.update(merged)
        moved.pop(item.id, None)
        return Assignment(item.id, cluster, founded, None, near, related, moved)

    def _unchanged(self, article_id: str) -> Assignment:
        links = self._links[article_id]
        related = tuple(sorted(o for o, kind in links.items() if kind == "story"))
        cluster = self._cluster[article_id]
        return Assignment(
            article_id, cluster, False, None, self.near_duplicates(article_id), related
        )

    def _find_near(self, item: Features, minhash: LeanMinHash) -> tuple[str, ...]:
        """LSH candidates whose estimated Jaccard passes the threshold."""
        found = [
            other
            for other in self._lsh.query(minhash)
            if other != item.id
            and similarity(minhash, self._features[other].minhash) >= NEAR_DUP_THRESHOLD
        ]
        return tuple(sorted(found))

    def _find_story(self, item: Features) -> set[str]:
        """Articles of the date window sharing enough names, checked with `same_story`.

        Only names are posted (a tenth of the terms): the rule needs two shared names
        anyway, and fewer, smaller lists kept the add path within its time budget."""
        counts: dict[str, int] = {}
        for day in _window(item.day):
            postings = self._names.get(day)
            if postings:
                for name in item.names:
                    for other in postings.first(name, STORY_CANDIDATES):
                        counts[other] = counts.get(other, 0) + 1
        counts.pop(item.id, None)
        return {
            other
            for other, shared in counts.items()
            if shared >= STORY_MIN_NAMES and same_story(item, self._features[other])
        }

    def _store(self, item: Features) -> None:
        self._features[item.id] = item
        self._seq[item.id] = self._next_seq
        self._next_seq += 1
        self._by_key[item.key] = item.id
        self._links[item.id] = {}
        postings = self._names.get(item.day)
        if postings is None:
            postings = self._names[item.day] = _Postings()
        for name in item.names:
            postings.add(name, item.id)
        self._dirty.add(item.id)
        self._removed.discard(item.id)

    def _link(self, first: str, second: str, kind: str) -> None:
        self._links[first][second] = kind
        self._links[second][first] = kind
        pair = _pair(first, second)
        self._gone_links.discard(pair)
        self._new_links[pair] = kind

    def _unlink(self, first: str, second: str) -> None:
        del self._links[first][second], self._links[second][first]
        pair = _pair(first, second)
        if self._new_links.pop(pair, None) is None:
            self._gone_links.add(pair)

    def _join(self, article_id: str, linked: list[str]) -> tuple[str, bool, dict[str, str]]:
        """Put a new article in the oldest cluster it links to, merging the others in."""
        labels = {self._cluster[other] for other in linked}
        if not labels:
            label = self._fresh_label(article_id)
            self._set_cluster(label, {article_id})
            return label, True, {}
        winner = min(labels, key=self._first.__getitem__)
        moved: dict[str, str] = {}
        for label in sorted(labels - {winner}):
            for member in self._members.pop(label):
                moved[member] = winner
            self._first[winner] = min(self._first[winner], self._first.pop(label))
        self._set_cluster(winner, set(moved) | {article_id}, keep=True)
        return winner, False, moved

    def _fresh_label(self, article_id: str) -> str:
        """The article's id, unless a cluster still carries it (its founder re-added)."""
        if article_id not in self._members:
            return article_id
        return f"{article_id}-{self._seq[article_id]}"

    def _set_cluster(self, label: str, ids: set[str], *, keep: bool = False) -> None:
        """Put `ids` in cluster `label` (added to its members when `keep`)."""
        members = self._members.setdefault(label, set()) if keep else set()
        members |= ids
        self._members[label] = members
        first = min(self._seq[i] for i in ids)
        self._first[label] = min(first, self._first.get(label, first)) if keep else first
        for article_id in ids:
            if self._cluster.get(article_id) != label:
                self._cluster[article_id] = label
                self._dirty.add(article_id)

    # -- removing ------------------------------------------------------------------

    def remove(self, article_id: str) -> dict[str, str]:
        """Forget an article; returns the other articles whose cluster changed (a cluster
        it held together splits). An unknown id is a no-op, so callers may pass every
        deleted id."""
        item = self._features.pop(article_id, None)
        self._inputs.pop(article_id, None)
        if item is None:
            return {}
        self._unindex(item)
        if article_id in self._lsh:
            self._lsh.remove(article_id)
            self._promote(article_id)
        for other in list(self._links[article_id]):
            self._unlink(article_id, other)
        del self._links[article_id]
        label = self._cluster.pop(article_id)
        self._seq.pop(article_id)
        self._dirty.discard(article_id)
        self._removed.add(article_id)
        members = self._members[label]
        members.discard(article_id)
        if not members:
            del self._members[label], self._first[label]
            return {}
        return self._split(label)

    def _unindex(self, item: Features) -> None:
        if self._by_key.get(item.key) == item.id:
            del self._by_key[item.key]
        postings = self._names.get(item.day)
        if postings is not None:
            for name in item.names:
                postings.discard(name, item.id)
            if not postings:
                del self._names[item.day]

    def _promote(self, article_id: str) -> None:
        """Put the oldest near-duplicate of a removed article that is not in the LSH in
        its place, so later copies of the story still meet one of its articles."""
        links = self._links[article_id]
        outside = [o for o, kind in links.items() if kind == "near" and o not in self._lsh]
        if outside:
            chosen = min(outside, key=self._seq.__getitem__)
            self._lsh.insert(chosen, self._features[chosen].minhash, check_duplication=False)
            self._dirty.add(chosen)

    def _split(self, label: str) -> dict[str, str]:
        """Re-derive a cluster's connected parts after a removal: the part holding the
        oldest member keeps the name, each other part is named after its oldest member."""
        parts = self._components(self._members[label])
        if len(parts) > 1:
            parts = self._relink(parts)
        parts.sort(key=lambda part: min(self._seq[i] for i in part))
        self._set_cluster(label, parts[0])
        moved: dict[str, str] = {}
        for part in parts[1:]:
            first = min(part, key=self._seq.__getitem__)
            new_label = self._fresh_label(first)
            self._set_cluster(new_label, part)
            moved.update(dict.fromkeys(part, new_label))
        return moved

    def _relink(self, parts: list[set[str]]) -> list[set[str]]:
        """Compare the members of every part but the largest with the others again: the
        links are a bounded subset of the qualifying pairs, so parts may still belong
        together. Returns the parts that remain apart."""
        part_of = {member: number for number, part in enumerate(parts) for member in part}
        joined = list(range(len(parts)))

        def root(number: int) -> int:
            while joined[number] != number:
                number = joined[number]
            return number

        largest = max(range(len(parts)), key=lambda number: len(parts[number]))
        for number, part in enumerate(parts):
            if number == largest:
                continue
            for member in sorted(part, key=self._seq.__getitem__):
                item = self._features[member]
                near = set(self._find_near(item, item.minhash))
                for other in near | self._find_story(item):
                    if other in part_of and root(part_of[other]) != root(number):
                        self._link(member, other, "near" if other in near else "story")
                        joined[root(part_of[other])] = root(number)
        merged: dict[int, set[str]] = {}
        for number, part in enumerate(parts):
            merged.setdefault(root(number), set()).update(part)
        return list(merged.values())

    def _components(self, ids: set[str]) -> list[set[str]]:
        """Connected components of the link graph restricted to `ids`."""
        left = set(ids)
        parts = []
        while left:
            start = left.pop()
            part, frontier = {start}, [start]
            while frontier:
                for other in self._links[frontier.pop()]:
                    if other in left:
                        left.discard(other)
                        part.add(other)
                        frontier.append(other)
            parts.append(part)
        return parts

    # -- persistence ---------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """A JSON-ready dict of everything needed to rebuild the index without bodies."""
        return {
            "version": STATE_VERSION,
            "next_seq": self._next_seq,
            "articles": [self._state_row(article_id) for article_id in self._in_order()],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> StoryIndex:
        """Inverse of `to_state`: LSH and name index rebuilt from the stored signatures."""
        _check_version(state.get("version"))
        index = cls()
        rows = state["articles"]
        for row in rows:
            index._restore(Features.from_dict(row), row["seq"], row["cluster"], lsh=row["lsh"])
        for row in rows:
            for other, kind in row["links"].items():
                if other in index._features and other < row["id"]:
                    index._link(row["id"], other, kind)
        index._next_seq = max(state["next_seq"], index._next_seq)
        index._forget_changes()
        return index

    def _in_order(self) -> list[str]:
        return sorted(self._features, key=self._seq.__getitem__)

    def _state_row(self, article_id: str) -> dict[str, Any]:
        row = self._features[article_id].to_dict()
        row["seq"] = self._seq[article_id]
        row["cluster"] = self._cluster[article_id]
        row["links"] = dict(sorted(self._links[article_id].items()))
        row["lsh"] = article_id in self._lsh
        return row

    def _restore(self, item: Features, seq: int, cluster: str, *, lsh: bool) -> None:
        """Put back one stored article with its number, cluster and place in the LSH
        (rows come in insertion order)."""
        self._next_seq = seq
        self._store(item)
        if lsh:
            self._lsh.insert(item.id, item.minhash, check_duplication=False)
        self._set_cluster(cluster, {item.id}, keep=True)

    def _forget_changes(self) -> None:
        self._dirty.clear()
        self._removed.clear()
        self._new_links.clear()
        self._gone_links.clear()

    def _row(self, article_id: str) -> tuple[Any, ...]:
        item = self._features[article_id]
        return (
            item.id,
            self._seq[article_id],
            self._cluster[article_id],
            item.key,
            item.hashvalues,
            " ".join(sorted(item.terms)),
            " ".join(sorted(item.names)),
            item.day,
            int(article_id in self._lsh),
        )

    def save(self, path: str | Path) -> None:
        """Write the index to a small sqlite file: only what changed since the last
        save or load of that file, else everything. An article is one row and a link
        another, so linking a new copy to an old article does not rewrite the old one."""
        target = Path(path)
        full = self._saved_to != target or not target.exists()
        db = sqlite3.connect(target)
        try:
            with db:
                _create_tables(db)
                if full:
                    db.execute("DELETE FROM story_items")
                    db.execute("DELETE FROM story_links")
                    changed: Iterable[str] = self._features
                    links: Iterable[tuple[str, str, str]] = self._all_links()
                else:
                    db.executemany("DELETE FROM story_items WHERE id = ?", _rows(self._removed))
                    db.executemany(
                        "DELETE FROM story_links WHERE a = ? AND b = ?", self._gone_links
                    )
                    changed = self._dirty & self._features.keys()
                    links = [(a, b, kind) for (a, b), kind in self._new_links.items()]
                db.executemany(
                    "INSERT OR REPLACE INTO story_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    map(self._row, changed),
                )
                db.executemany("INSERT OR REPLACE INTO story_links VALUES (?, ?, ?)", links)
                db.execute("INSERT OR REPLACE INTO story_meta VALUES ('state', ?)", (self._meta(),))
        finally:
            db.close()
        self._saved_to = target
        self._forget_changes()

    def _all_links(self) -> Iterator[tuple[str, str, str]]:
        for first, links in self._links.items():
            for second, kind in links.items():
                if first < second:
                    yield first, second, kind

    @classmethod
    def load(cls, path: str | Path) -> StoryIndex:
        """Read an index written by `save`; a missing file gives an empty index."""
        target = Path(path)
        if not target.exists():
            return cls()
        db = sqlite3.connect(target, isolation_level=None)
        try:
            db.execute("BEGIN")  # one snapshot for all three reads, whatever a writer does
            (meta,) = db.execute("SELECT value FROM story_meta WHERE name = 'state'").fetchone()
            state = json.loads(meta)
            _check_version(state.get("version"))
            rows = db.execute("SELECT * FROM story_items ORDER BY seq").fetchall()
            links = db.execute("SELECT a, b, kind FROM story_links").fetchall()
        finally:
            db.close()
        index = cls._from_rows(rows, links, state["next_seq"])
        index._saved_to = target
        return index

    @classmethod
    def _from_rows(cls, rows: list[tuple[Any, ...]], links: list[Any], next_seq: int) -> StoryIndex:
        index = cls()
        for article_id, seq, cluster, key, sig, terms, names, day, lsh in rows:
            item = Features(article_id, key, sig, _stems(terms), _stems(names), day)
            index._restore(item, seq, cluster, lsh=bool(lsh))
        for first, second, kind in links:
            index._link(first, second, kind)
        index._next_seq = max(next_seq, index._next_seq)
        index._forget_changes()
        return index

    def _meta(self) -> str:
        return json.dumps({"version": STATE_VERSION, "next_seq": self._next_seq})


def _stems(text: str) -> frozenset[str]:
    return _interned(text.split())


def _check_version(version: object) -> None:
    if version != STATE_VERSION:
        raise ValueError(f"unknown story index state version {version!r}")


def _create_tables(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS story_meta (name TEXT PRIMARY KEY, value TEXT)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS story_items (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, "
        "cluster TEXT NOT NULL, key TEXT NOT NULL, sig BLOB NOT NULL, terms TEXT NOT NULL, "
        "names TEXT NOT NULL, day INTEGER, lsh INTEGER NOT NULL)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS story_links (a TEXT NOT NULL, b TEXT NOT NULL, "
        "kind TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID"
    )


def _rows(ids: Iterable[str]) -> list[tuple[str]]:
    return [(article_id,) for article_id in ids]


def _window(day: int | None) -> tuple[int | None, ...]:
    """The days whose articles may be the same story as one of `day`."""
    if day is None:
        return (None,)
    return tuple(range(day - STORY_WINDOW_DAYS, day + STORY_WINDOW_DAYS + 1))


# -- syndication: the agencies credited ---------------------------------------------

AGENCIES: dict[str, str] = {
    "Reuters": r"(?i:(?:thomson )?reuters)",
    "Associated Press": r"(?i:(?:the )?associated press)|AP",
    "AFP": r"(?i:agence france[- ]presse)|AFP",
    "Bloomberg": r"(?i:bloomberg(?: news)?)",
    "PTI": r"(?i:press trust of india)|PTI",
    "ANI": r"(?i:asian news international)|ANI",
    "IANS": r"(?i:indo-asian news service)|IANS",
    "dpa": r"(?i:deutsche presse-agentur)|dpa|DPA",
    "EFE": r"(?i:agencia efe)|EFE",
    "Xinhua": r"(?i:xinhua(?: news agency)?)",
    "UPI": r"(?i:united press international)|UPI",
    "Kyodo": r"(?i:kyodo(?: news)?)",
    "Yonhap": r"(?i:yonhap(?: news agency)?)",
    "ANSA": r"ANSA",
    "TASS": r"TASS|Tass",
    "Anadolu": r"(?i:anadolu(?: agency)?)|AA",
    "AAP": r"(?i:australian associated press)|AAP",
    "Canadian Press": r"(?i:the canadian press)|CP",
    "PA Media": r"(?i:pa media|press association)",
    "Interfax": r"(?i:interfax)",
}
"""Canonical agency name -> how credits write it (abbreviations matched case-sensitively)."""
_AGENCY = "|".join(f"(?:{pattern})" for pattern in AGENCIES.values())
_LIST = rf"(?:{_AGENCY})(?:\s*(?:,|/|&|\band\b)\s*(?:{_AGENCY}))*"
_CREDIT_FORMS = re.compile(
    "|".join(
        (
            rf"\(\s*{_LIST}\s*\)",  # dateline: "LONDON (Reuters) -", "April 11 (AP) —"
            rf"(?i:inputs? from)\s+(?:(?i:(?:news )?agenc(?:y|ies)(?:,|\s+and)?)\s+)?{_LIST}",
            rf"(?i:reporting by|additional reporting by|source:|sources:|copyright \d{{4}})"
            rf"\s+(?:(?i:the)\s+)?{_LIST}",
            rf"(?:^|\n)\s*(?i:by)\s+{_LIST}\s*(?:$|\n)",  # byline "By The Associated Press"
            rf"(?:^|\n)\s*{_LIST}\s*(?:$|\n)",  # a line holding only agencies
            rf"[-–—]\s*{_LIST}\s*\.?\s*$",  # a closing "— AFP"
            rf"\b{_LIST}\s+(?i:contributed to this (?:report|story))",
            rf"(?i:with)\s+{_LIST}\s+(?i:inputs)",
        )
    ),
    re.MULTILINE,
)
_CANONICAL = tuple((name, re.compile(rf"^(?:{pattern})$")) for name, pattern in AGENCIES.items())
_AGENCY_IN = re.compile(rf"(?<![\w-])(?:{_AGENCY})(?![\w-])")
CREDIT_CHARS = 400
"""How much of the body's start and end is searched for credits (dateline, sign-off)."""


def via_agencies(article: Article) -> tuple[str, ...]:
    """The news agencies an article credits, in a fixed order of `AGENCIES`.

    Only credit forms count (a dateline's "(Reuters)", "With inputs from PTI",
    "Reporting by Reuters", "By The Associated Press", a closing "— AFP", an agency as
    the source or as an author); an agency named in the story ("told Reuters") does not.
    """
    body = article.body
    places = [article.credit or "", body[:CREDIT_CHARS], body[-CREDIT_CHARS:]]
    found: set[str] = set()
    for text in places:
        for match in _CREDIT_FORMS.finditer(text):
            found.update(_agencies_in(match.group(0)))
    for name in (article.source, *article.authors):
        found.update(_canonical(name or ""))
    return tuple(name for name in AGENCIES if name in found)


def _agencies_in(credit: str) -> set[str]:
    names = set()
    for match in _AGENCY_IN.finditer(credit):
        names.update(_canonical(match.group(0)))
    return names


def _canonical(written: str) -> set[str]:
    """The canonical agency of a name as written (exact match), or nothing."""
    text = " ".join(written.split())
    return {name for name, pattern in _CANONICAL if pattern.match(text)}

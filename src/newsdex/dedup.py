"""The same story from many sources: exact duplicates, near-duplicates and story clusters.

Three relations, from strict to loose; each article ends in exactly one cluster:
    1. exact duplicate  same `body_key` (the same words in the same order: case,
                        punctuation, quote style and spacing ignored): not stored again;
                        the caller lists the extra path/URL
    2. near-duplicate   estimated Jaccard >= NEAR_DUP_THRESHOLD (0.5) of the word 3-gram
                        shingle sets (MinHash, 64 permutations; candidates from datasketch
                        MinHashLSH, bands 16 x 4): same text with other boilerplate, small
                        edits, dropped or moved sentences, another headline
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

Why these thresholds (bench/dedup_quality.py, seed 0): 180 AEB bodies, 7 copies each.
Near-duplicates at 0.5: precision 1.000, recall 0.995 (1025 of 1030) on copies sharing
>= 80% of their text (boilerplate added, 5-20% of sentences dropped, sentences moved, 4% of
words edited, all mixed); 0 of 179 "partial" rewrites keeping 20-35% were flagged, and no
copy matched another original. 0.5 sits between the Jaccard of an 80% copy with 10%
boilerplate added (0.8 / 1.1, about 0.7) and of a rewrite quoting a third (about 0.2), with
room for the estimate's error at 64 permutations (sd about 0.06); the 16 x 4 bands make a
pair a candidate with p = 0.64 at Jaccard 0.5, 0.89 at 0.6 and 0.99 at 0.7.
Stories: the seeds link (28 shared terms, cosine 0.61, 5 shared names); among the 181
real AEB pages all given one day, 28 links, 27 judged the same story by reading both, 1 not
(two Ascom press releases with one dateline); no AEB page joins the seeds. Cosine, not
overlap with the smaller set: a page whose summary held 180 terms otherwise linked to an
unrelated one. Cost at 100k synthetic articles: 2-2.5x
tantivy's own indexing per article (the 25% target is missed), 6-15% of the whole pipeline
(read, clean, extract, index; the machine was shared, so the range).

Cluster ids are stable: a cluster is named after its first article (lowest insertion
number); when clusters merge, the oldest name wins; when the founder is removed the cluster
keeps its name while any member remains; when a removal splits a cluster, the part holding
the oldest remaining member keeps the name and each other part is named after its own first
article. Every change of cluster is reported, so the caller can rewrite those documents.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import math
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from newsdex.models import Article

log = logging.getLogger(__name__)

NUM_PERM = 64
SEED = 1
SCHEME = "affine32"
SHINGLE_WORDS = 3
NEAR_DUP_THRESHOLD = 0.5
LSH_BANDS = (16, 4)
"""Bands x rows of the near-duplicate LSH: P(candidate) = 1 - (1 - s**4)**16."""
STORY_WINDOW_DAYS = 1
STORY_MIN_SHARED = 5
STORY_MIN_COSINE = 0.25
STORY_MIN_NAMES = 2
LEAD_CHARS = 600
STEM_CHARS = 6
STATE_VERSION = 1

_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations
_PERMUTATIONS.setflags(write=False)
_POSITION_MULTIPLIERS = np.random.RandomState(SEED).randint(0, 1 << 31, 64, dtype=np.uint32)
_POSITION_MULTIPLIERS = _POSITION_MULTIPLIERS * np.uint32(2) + np.uint32(1)
_POSITION_MULTIPLIERS.setflags(write=False)
_MAX_HASH = np.uint32(0xFFFFFFFF)
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


# -- exact duplicates ------------------------------------------------------------


def word_hashes(text: str) -> np.ndarray:
    """One stable 32-bit hash per word of the normalised text (case, punctuation, quote
    style and spacing ignored: what syndication and copy-paste change)."""
    return _word_hashes(np.frombuffer(_separated_bytes(text), dtype=np.uint8))


def body_key(body: str) -> str:
    """A hash of the normalised body (`word_hashes`): equal for exact duplicates."""
    return _key(word_hashes(body))


def _key(words: np.ndarray) -> str:
    return hashlib.sha256(words.astype("<u4").tobytes()).hexdigest()[:32]


def shingle_hashes(words: np.ndarray) -> np.ndarray:
    """32-bit hashes of the word 3-grams, from `word_hashes`, with numpy in one pass.

    Hashing each shingle in Python cost more than tantivy's whole indexing time per
    article; here a word's hash is a sum over its bytes weighted by position and a
    shingle's mixes three of them, so the work is a few array operations. Stable across
    processes (no `hash()`), so signatures can be stored.
    """
    if words.size < SHINGLE_WORDS:
        return words
    mixed = _fmix(words)
    return mixed[:-2] * np.uint32(0x9E3779B1) ^ mixed[1:-1] * np.uint32(0x85EBCA77) ^ mixed[2:]


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


def _fmix(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser: spreads the bits of weak hashes (array wraps)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def minhash_values(shingles: np.ndarray) -> np.ndarray:
    """The MinHash of a set of 32-bit hashes, exactly as datasketch's affine32 scheme
    computes it (`MinHash.update_batch`), but without its per-item Python call."""
    if not shingles.size:
        return np.full(NUM_PERM, _MAX_HASH, dtype=np.uint32)
    a, b = _PERMUTATIONS
    mixed = _fmix(shingles.astype(np.uint32)).reshape(-1, 1)
    return (mixed * a + b).min(axis=0)


def signature(article: Article) -> LeanMinHash:
    """The MinHash of the article's body shingles (the headline is left out: a copy
    often gets a new one)."""
    return _lean(minhash_values(shingle_hashes(word_hashes(article.body))))


def signature_bytes(minhash: MinHash) -> bytes:
    """A signature's compact stored form: NUM_PERM little-endian uint32 (256 bytes)."""
    return np.asarray(minhash.hashvalues, dtype="<u4").tobytes()


def signature_from_bytes(data: bytes) -> LeanMinHash:
    """Inverse of `signature_bytes`."""
    return _lean(np.frombuffer(data, dtype="<u4").astype(np.uint32))


def _lean(values: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)


def similarity(first: MinHash, second: MinHash) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets."""
    return float(np.count_nonzero(first.hashvalues == second.hashvalues)) / NUM_PERM


# -- story clusters: salient terms -------------------------------------------------


def salient_terms(article: Article) -> tuple[frozenset[str], frozenset[str]]:
    """(terms, names) of the headline, summary and lead: what a rewrite keeps.

    Names are words written with a capital in the middle of a sentence, so a headline in
    title case or a sentence's first word does not make every word a name.
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
    return frozenset(terms), frozenset(names)


def _stem(word: str) -> str:
    return word.lower()[:STEM_CHARS]


_STOP_STEMS = frozenset(_stem(word) for word in STOP_WORDS)


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
            terms=frozenset(data["terms"]),
            names=frozenset(data["names"]),
            day=data["day"],
        )


def features(article: Article) -> Features:
    """Everything StoryIndex needs of an article, computed once (store it, not the body)."""
    words = word_hashes(article.body)
    terms, names = salient_terms(article)
    return Features(
        id=article.id,
        key=_key(words),
        hashvalues=minhash_values(shingle_hashes(words)).astype("<u4").tobytes(),
        terms=terms,
        names=names,
        day=day_number(article.date),
    )


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
    """Other articles whose cluster changed (merged clusters): id -> new cluster."""


class StoryIndex:
    """Clusters kept up to date as articles are added, updated and removed.

    Holds `Features` (not bodies), the links between articles, and the LSH and term
    index used to find candidates. Persist it with `save`/`load` (sqlite) or
    `to_state`/`from_state` (JSON-ready dict).
    """

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
        self._postings: dict[int | None, dict[str, set[str]]] = {}
        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=LSH_BANDS)
        self._dirty: set[str] = set()
        self._removed: set[str] = set()
        self._saved_to: Path | None = None

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
        """The stored article with this `body_key`, if any."""
        return self._by_key.get(key)

    def features_of(self, article_id: str) -> Features:
        return self._features[article_id]

    # -- adding ------------------------------------------------------------------

    def add(self, article: Article) -> Assignment:
        """Add (or, for a known id, update) an article; see `add_features`."""
        return self.add_features(features(article))

    def add_features(self, item: Features) -> Assignment:
        """Link the article to its near-duplicates and same-story articles and put it in
        their cluster (merging clusters it bridges). An exact duplicate of another stored
        article is not stored (`duplicate_of`). A known id is removed first (an update)."""
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
        self._store(item, minhash)
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
        if not self._features:
            return ()
        found = []
        for other in self._lsh.query(minhash):
            if similarity(minhash, self._features[other].minhash) >= NEAR_DUP_THRESHOLD:
                found.append(other)
        return tuple(sorted(found))

    def _find_story(self, item: Features) -> set[str]:
        """Articles of the date window sharing enough names, checked with `same_story`.

        Only names are posted (a tenth of the terms): the rule needs two shared names
        anyway, and fewer, smaller sets kept the add path within its time budget."""
        counts: dict[str, int] = {}
        for day in _window(item.day):
            bucket = self._postings.get(day)
            if bucket:
                for name in item.names:
                    for other in bucket.get(name, ()):
                        counts[other] = counts.get(other, 0) + 1
        return {
            other
            for other, shared in counts.items()
            if shared >= STORY_MIN_NAMES and same_story(item, self._features[other])
        }

    def _store(self, item: Features, minhash: LeanMinHash) -> None:
        self._features[item.id] = item
        self._seq[item.id] = self._next_seq
        self._next_seq += 1
        self._by_key[item.key] = item.id
        self._links[item.id] = {}
        bucket = self._postings.setdefault(item.day, {})
        for name in item.names:
            bucket.setdefault(name, set()).add(item.id)
        self._lsh.insert(item.id, minhash, check_duplication=False)
        self._dirty.add(item.id)
        self._removed.discard(item.id)

    def _link(self, first: str, second: str, kind: str) -> None:
        self._links[first][second] = kind
        self._links[second][first] = kind
        self._dirty.update((first, second))

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
            self._cluster[article_id] = label
        self._dirty |= ids

    # -- removing ------------------------------------------------------------------

    def remove(self, article_id: str) -> dict[str, str]:
        """Forget an article; returns the other articles whose cluster changed (a cluster
        it held together splits). An unknown id is a no-op, so callers may pass every
        deleted id."""
        item = self._features.pop(article_id, None)
        if item is None:
            return {}
        self._unindex(item)
        for other in self._links.pop(article_id):
            del self._links[other][article_id]
            self._dirty.add(other)
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
        bucket = self._postings.get(item.day, {})
        for name in item.names:
            posting = bucket[name]
            posting.discard(item.id)
            if not posting:
                del bucket[name]
        if not bucket:
            self._postings.pop(item.day, None)
        self._lsh.remove(item.id)

    def _split(self, label: str) -> dict[str, str]:
        """Re-derive a cluster's connected parts after a removal: the part holding the
        oldest member keeps the name, each other part is named after its oldest member."""
        parts = self._components(self._members[label])
        parts.sort(key=lambda part: min(self._seq[i] for i in part))
        self._set_cluster(label, parts[0])
        moved: dict[str, str] = {}
        for part in parts[1:]:
            first = min(part, key=self._seq.__getitem__)
            new_label = self._fresh_label(first)
            self._set_cluster(new_label, part)
            moved.update(dict.fromkeys(part, new_label))
        return moved

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
            "articles": [self._row(article_id) for article_id in self._in_order()],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> StoryIndex:
        """Inverse of `to_state`: LSH and term index rebuilt from the stored signatures."""
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unknown story index state version {state.get('version')!r}")
        index = cls()
        for row in state["articles"]:
            index._restore(row)
        index._next_seq = max(state["next_seq"], index._next_seq)
        index._dirty.clear()
        return index

    def _in_order(self) -> list[str]:
        return sorted(self._features, key=self._seq.__getitem__)

    def _row(self, article_id: str) -> dict[str, Any]:
        row = self._features[article_id].to_dict()
        row["seq"] = self._seq[article_id]
        row["cluster"] = self._cluster[article_id]
        row["links"] = dict(sorted(self._links[article_id].items()))
        return row

    def _restore(self, row: dict[str, Any]) -> None:
        """Put back one stored article with its number, cluster and links (rows come in
        insertion order, so every link's other end is restored by its second end)."""
        item = Features.from_dict(row)
        self._next_seq = row["seq"]
        self._store(item, item.minhash)
        for other, kind in row["links"].items():
            if other in self._features:
                self._link(item.id, other, kind)
        self._set_cluster(row["cluster"], {item.id}, keep=True)

    def save(self, path: str | Path) -> None:
        """Write the index to a small sqlite file: only what changed since the last
        save or load of that file, else everything."""
        target = Path(path)
        full = self._saved_to != target or not target.exists()
        db = sqlite3.connect(target)
        try:
            with db:
                _create_tables(db)
                if full:
                    db.execute("DELETE FROM story_articles")
                    changed: Iterable[str] = self._features
                else:
                    db.executemany("DELETE FROM story_articles WHERE id = ?", _rows(self._removed))
                    changed = self._dirty & self._features.keys()
                db.executemany(
                    "INSERT OR REPLACE INTO story_articles VALUES (?, ?, ?)",
                    [(i, self._seq[i], json.dumps(self._row(i))) for i in changed],
                )
                db.execute("INSERT OR REPLACE INTO story_meta VALUES ('state', ?)", (self._meta(),))
        finally:
            db.close()
        self._saved_to = target
        self._dirty.clear()
        self._removed.clear()

    @classmethod
    def load(cls, path: str | Path) -> StoryIndex:
        """Read an index written by `save`; a missing file gives an empty index."""
        target = Path(path)
        if not target.exists():
            return cls()
        db = sqlite3.connect(target)
        try:
            (meta,) = db.execute("SELECT value FROM story_meta WHERE name = 'state'").fetchone()
            query = "SELECT row FROM story_articles ORDER BY seq"
            rows = [json.loads(row) for (row,) in db.execute(query)]
        finally:
            db.close()
        state = json.loads(meta)
        index = cls.from_state({**state, "articles": rows})
        index._saved_to = target
        return index

    def _meta(self) -> str:
        return json.dumps({"version": STATE_VERSION, "next_seq": self._next_seq})


def _create_tables(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS story_meta (name TEXT PRIMARY KEY, value TEXT)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS story_articles "
        "(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, row TEXT NOT NULL)"
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

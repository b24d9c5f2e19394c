"""The mutable state of one live story: centroids, counters, headline candidates.

Internal to :mod:`newsdesk.stories.cluster`; the outside world sees
:class:`~newsdesk.stories.model.StoryState` snapshots. Times are POSIX seconds (floats)
so the state serialises to plain JSON.
"""

from __future__ import annotations

import math
import operator
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from sys import intern
from typing import Any, TypeVar

from newsdesk.stories.model import CrossLink, StoryState

__all__ = [
    "Headline",
    "PreparedArticle",
    "Story",
    "date_share",
    "day_of_year",
    "interned_keys",
    "top_keys",
]

#: How much a primary source's headline is preferred over a more central one.
PRIMARY_BONUS = 0.15
#: How many of a story's (or an article's) heaviest names count as its salient ones.
SALIENT = 3
#: A story keeps the TF-IDF vectors of its latest MEMBERS articles, MEMBER_TERMS terms each.
MEMBERS = 8
MEMBER_TERMS = 40

_V = TypeVar("_V")

#: Many IDFs at once (:meth:`~newsdesk.stories.vectors.DocumentFrequency.idfs`).
Idfs = Callable[[Iterable[str]], dict[str, float]]


@dataclass(slots=True)
class PreparedArticle:
    """An article turned into vectors (computed once per :meth:`StoryClusterer.add`)."""

    id: str
    title: str
    language: str | None
    time: float | None
    source: str | None
    country: str | None
    is_primary: bool
    unit: dict[str, float]  # sublinear term weights, unit length (no IDF)
    tfidf: dict[str, float]  # TF-IDF weights, unit length, heaviest MEMBER_TERMS only
    weighted: dict[str, float]  # unit x idf^2 / |unit x idf|: dot with a centroid = cosine
    title_weighted: dict[str, float]  # same for the binary title terms
    names: dict[str, float]  # name -> idf x (1 + ln mentions)
    names_idf: dict[str, float]  # name -> idf
    names_length: float  # Euclidean length of ``names``
    title_names: dict[str, float]  # names of the title -> weight
    salient: dict[str, float]  # the article's SALIENT heaviest names -> weight
    numbers: dict[str, float]  # number -> idf
    dates: frozenset[int]  # days of the year of the dates written (day_of_year)
    # The written dates more than a day from the article's publication: evidence of which
    # event (a dateline or "today" is written by every article of the day).
    event_dates: frozenset[int]
    title_only: bool
    embedding: array[float] | None = None  # unit-length sentence embedding (option on)


@dataclass(slots=True)
class Headline:
    """A headline candidate: its centrality score, primary flag and TF-IDF vector."""

    score: float
    is_primary: bool
    article_id: str
    title: str
    vector: dict[str, float]

    def key(self) -> float:
        return self.score + (PRIMARY_BONUS if self.is_primary else 0.0)


def top_keys(n: int, weights: dict[str, float]) -> list[str]:
    """The ``n`` keys of highest weight, heaviest first (ties in insertion order).

    A C-level sort beats ``heapq.nlargest`` (a Python loop) for the few hundred keys of a
    centroid or an article; ``nlargest`` stays for the thousands of index hits.
    """
    return sorted(weights, key=weights.__getitem__, reverse=True)[:n]


def is_year(number: str) -> bool:
    """A four-digit number that reads as a year of the news era (1900-2099)."""
    return len(number) == 4 and number[:2] in ("19", "20") and number.isdigit()


_YEAR_DAYS = 365
_MONTH_START = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


def day_of_year(key: str) -> int:
    """The day of a non-leap year (0-364) of a month-day key ``"MM-DD"``."""
    return _MONTH_START[int(key[:2]) - 1] + int(key[3:]) - 1


def near_day(a: int, b: int) -> bool:
    """Whether two days of the year are at most a day apart (across the new year too)."""
    gap = abs(a - b) % _YEAR_DAYS
    return min(gap, _YEAR_DAYS - gap) <= 1


def date_share(days: frozenset[int], story: Story) -> float:
    """Share of the article's dates (days of the year) that the story writes too, give or
    take a day (a report of the next day, a time zone), each counted like a shared name:
    full credit when half the story's articles write it. 0.0 when the article has none."""
    if not days or not story.dates:
        return 0.0
    counts = story.dates
    total = 0.0
    for day in days:
        count = max(
            counts.get(day, 0),
            counts.get((day - 1) % _YEAR_DAYS, 0),
            counts.get((day + 1) % _YEAR_DAYS, 0),
        )
        total += min(1.0, 2.0 * count / story.size)
    return total / len(days)


def _utc(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def _add_into(target: dict[Any, Any], source: dict[Any, Any]) -> None:
    for key, value in source.items():
        target[key] = target.get(key, 0) + value


def interned_keys(data: dict[str, Any], cast: Callable[[Any], _V]) -> dict[str, _V]:
    """A restored key -> value mapping with its keys interned, as the clusterer's own are
    (:func:`~newsdesk.stories.text.extract_features`): one string per term, not one per
    story."""
    return {intern(str(key)): cast(value) for key, value in data.items()}


class Story:
    """One story's state. ``norm``/``title_norm`` cache the IDF-weighted centroid lengths."""

    __slots__ = (
        "centroid",
        "countries",
        "dates",
        "embedding",
        "embedding_members",
        "embedding_norm",
        "first_seen",
        "headlines",
        "id",
        "keys",
        "language",
        "last_update",
        "links",
        "members",
        "name_keys",
        "names",
        "names_mass",
        "names_norm",
        "norm",
        "norm_documents",
        "numbers",
        "outlets",
        "salient",
        "size",
        "title_norm",
        "titles",
        "years",
    )

    def __init__(self, story_id: str, language: str | None) -> None:
        self.id = story_id
        self.language = language
        self.centroid: dict[str, float] = {}
        self.titles: dict[str, float] = {}
        self.names: dict[str, int] = {}
        self.numbers: dict[str, int] = {}
        self.dates: dict[int, int] = {}  # day of the year (day_of_year) -> articles writing it
        self.size = 0
        self.first_seen: float | None = None
        self.last_update: float | None = None
        self.outlets: set[str] = set()
        self.countries: set[str] = set()
        self.headlines: list[Headline] = []
        self.links: dict[str, CrossLink] = {}
        self.members: list[dict[str, float]] = []
        self.years: frozenset[str] = frozenset()
        self.keys: list[str] = []
        self.name_keys: list[str] = []
        self.norm = 1.0
        self.names_norm = 1.0
        self.names_mass = 1.0
        self.salient: list[tuple[str, float]] = []
        self.title_norm = 1.0
        self.norm_documents = 0
        # Sum of the members' unit embeddings (empty when embeddings are off), its length,
        # and the latest MEMBERS members' embeddings.
        self.embedding: array[float] = array("f")
        self.embedding_norm = 1.0
        self.embedding_members: list[array[float]] = []

    # -- updates -----------------------------------------------------------------------

    def add(self, article: PreparedArticle, *, title_terms: frozenset[str]) -> None:
        """Fold ``article`` into the counters (centroids, names, times, outlets)."""
        _add_into(self.centroid, article.unit)
        for term in title_terms:
            self.titles[term] = self.titles.get(term, 0.0) + 1.0
        for name in article.names:
            self.names[name] = self.names.get(name, 0) + 1
        for number in article.numbers:
            self.numbers[number] = self.numbers.get(number, 0) + 1
        for date in article.dates:
            self.dates[date] = self.dates.get(date, 0) + 1
        self.size += 1
        self.members.append(article.tfidf)
        del self.members[:-MEMBERS]
        if article.embedding is not None:
            self._add_embedding(article.embedding)
            self.embedding_members.append(article.embedding)
            del self.embedding_members[:-MEMBERS]
        self.touch(article.time)
        if article.source:
            self.outlets.add(article.source)
        if article.country:
            self.countries.add(article.country)

    def _add_embedding(self, vector: array[float]) -> None:
        if len(self.embedding) != len(vector):
            self.embedding = array("f", vector)
        else:
            self.embedding = array("f", map(operator.add, self.embedding, vector))
        self.embedding_norm = math.sqrt(sum(map(operator.mul, self.embedding, self.embedding)))
        self.embedding_norm = self.embedding_norm or 1.0

    def touch(self, time: float | None) -> None:
        if time is None:
            return
        if self.first_seen is None or time < self.first_seen:
            self.first_seen = time
        if self.last_update is None or time > self.last_update:
            self.last_update = time

    def absorb(self, other: Story) -> None:
        """Merge ``other`` into this story (``other`` is then discarded)."""
        _add_into(self.centroid, other.centroid)
        _add_into(self.titles, other.titles)
        _add_into(self.names, other.names)
        _add_into(self.numbers, other.numbers)
        _add_into(self.dates, other.dates)
        self.size += other.size
        self.touch(other.first_seen)
        self.touch(other.last_update)
        self.outlets |= other.outlets
        self.countries |= other.countries
        self.headlines.extend(other.headlines)
        self.members.extend(other.members)
        del self.members[:-MEMBERS]
        if other.embedding:
            self._add_embedding(other.embedding)
            self.embedding_members.extend(other.embedding_members)
            del self.embedding_members[:-MEMBERS]
        for story_id, link in other.links.items():
            if story_id != self.id and (
                story_id not in self.links or self.links[story_id].confidence < link.confidence
            ):
                self.links[story_id] = link

    def refresh(
        self,
        idf: Idfs,
        names_idf: Idfs,
        documents: int,
        *,
        max_terms: int,
        headlines: int,
        index_terms: int,
        name_keys: int,
    ) -> None:
        """Prune the centroid, recompute cached norms and index keys, re-rank headlines.

        Runs once per join (and when the document frequencies have drifted): each term's
        IDF is computed once here, which is most of the per-article cost.
        """
        idfs = idf(self.centroid)
        weighted = {t: w * idfs[t] for t, w in self.centroid.items()}
        if len(weighted) > max_terms * 3 // 2:
            keep = top_keys(max_terms, weighted)
            self.centroid = {t: self.centroid[t] for t in keep}
            weighted = {t: weighted[t] for t in keep}
        self.norm = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
        self.keys = top_keys(index_terms, weighted)
        title_mass = 0.0
        missing = [term for term in self.titles if term not in idfs]
        title_idfs = idf(missing) if missing else {}
        for term, count in self.titles.items():
            value = count * (idfs[term] if term in idfs else title_idfs[term])
            title_mass += value * value
        self.title_norm = math.sqrt(title_mass) or 1.0
        name_idfs = names_idf(self.names)
        names = {n: c * name_idfs[n] for n, c in self.names.items()}
        self.names_norm = math.sqrt(sum(v * v for v in names.values())) or 1.0
        self.names_mass = sum(names.values()) or 1.0
        top = top_keys(SALIENT, names)
        self.salient = [(n, names[n]) for n in top]
        number_idfs = names_idf(["#" + n for n in self.numbers])
        names.update({"#" + n: c * number_idfs["#" + n] for n, c in self.numbers.items()})
        date_idfs = names_idf([f"@{d}" for d in self.dates])
        names.update({f"@{d}": c * date_idfs[f"@{d}"] for d, c in self.dates.items()})
        self.name_keys = top_keys(name_keys, names)
        self.norm_documents = documents
        self.years = frozenset(n for n in self.numbers if is_year(n))
        centroid = self.centroid
        for headline in self.headlines:
            dot = 0.0
            for term, value in headline.vector.items():
                c = centroid.get(term)
                if c is not None:
                    dot += value * c * idfs[term]
            headline.score = dot / self.norm
        self.headlines.sort(key=Headline.key, reverse=True)
        del self.headlines[headlines:]

    def closest_member(self, tfidf: dict[str, float]) -> float:
        """The highest TF-IDF cosine of an article with the story's latest members."""
        best = 0.0
        keys = tfidf.keys()
        for member in self.members:
            dot = sum(tfidf[t] * member[t] for t in keys & member.keys())
            if dot > best:
                best = dot
        return best

    def embedding_similarity(self, vector: array[float]) -> tuple[float, float]:
        """Cosine of a unit embedding with the story's mean embedding, and the highest
        with one of its latest members (0.0, 0.0 when the story has none)."""
        if len(self.embedding) != len(vector):
            return 0.0, 0.0
        mean = sum(map(operator.mul, vector, self.embedding)) / self.embedding_norm
        closest = max(
            (sum(map(operator.mul, vector, member)) for member in self.embedding_members),
            default=0.0,
        )
        return mean, closest

    # -- views -------------------------------------------------------------------------

    def state(self, status: str) -> StoryState:
        best = max(self.headlines, key=Headline.key)
        languages = {self.language} | {link.language for link in self.links.values()}
        return StoryState(
            id=self.id,
            headline=best.title,
            headline_article_id=best.article_id,
            size=self.size,
            first_seen=_utc(self.first_seen),
            last_update=_utc(self.last_update),
            language=self.language,
            outlets=tuple(sorted(self.outlets)),
            countries=tuple(sorted(self.countries)),
            languages=tuple(sorted(lang for lang in languages if lang is not None)),
            links=tuple(sorted(self.links.values(), key=lambda link: -link.confidence)),
            status=status,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable state."""
        return {
            "id": self.id,
            "language": self.language,
            "centroid": self.centroid,
            "titles": self.titles,
            "names": self.names,
            "numbers": self.numbers,
            "dates": {str(day): count for day, count in self.dates.items()},
            "size": self.size,
            "first_seen": self.first_seen,
            "last_update": self.last_update,
            "outlets": sorted(self.outlets),
            "countries": sorted(self.countries),
            "headlines": [
                [h.score, h.is_primary, h.article_id, h.title, h.vector] for h in self.headlines
            ],
            "members": self.members,
            "cache": [
                self.norm,
                self.title_norm,
                self.names_norm,
                self.names_mass,
                self.norm_documents,
                self.salient,
                self.keys,
                self.name_keys,
            ],
            "links": [
                [link.story_id, link.language, link.confidence] for link in self.links.values()
            ],
            **(
                {
                    "embedding": self.embedding.tolist(),
                    "embedding_members": [m.tolist() for m in self.embedding_members],
                }
                if self.embedding
                else {}
            ),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Story:
        """The inverse of :meth:`to_dict`. Raises KeyError/TypeError on malformed data."""
        story = cls(str(data["id"]), data["language"])
        story.centroid = interned_keys(data["centroid"], float)
        story.titles = interned_keys(data["titles"], float)
        story.names = interned_keys(data["names"], int)
        story.numbers = interned_keys(data["numbers"], int)
        # Absent from version-1 snapshots: their stories start with no dates.
        story.dates = {int(k): int(v) for k, v in data.get("dates", {}).items()}
        story.size = int(data["size"])
        story.first_seen = data["first_seen"]
        story.last_update = data["last_update"]
        story.outlets = set(data["outlets"])
        story.countries = set(data["countries"])
        story.headlines = [
            Headline(float(s), bool(p), str(a), str(t), interned_keys(u, float))
            for s, p, a, t, u in data["headlines"]
        ]
        story.members = [interned_keys(m, float) for m in data["members"]]
        norm, title_norm, names_norm, names_mass, documents, salient, keys, name_keys = data[
            "cache"
        ]
        story.norm = float(norm)
        story.title_norm = float(title_norm)
        story.names_norm = float(names_norm)
        story.names_mass = float(names_mass)
        story.norm_documents = int(documents)
        story.salient = [(intern(str(n)), float(w)) for n, w in salient]
        story.keys = [intern(str(k)) for k in keys]
        story.name_keys = [intern(str(k)) for k in name_keys]
        story.years = frozenset(n for n in story.numbers if is_year(n))
        if data.get("embedding"):
            story._add_embedding(array("f", (float(v) for v in data["embedding"])))
            story.embedding_members = [
                array("f", (float(v) for v in m)) for m in data["embedding_members"]
            ]
        story.links = {
            str(sid): CrossLink(str(sid), lang, float(conf)) for sid, lang, conf in data["links"]
        }
        return story

"""Streaming story clustering: each article joins the best live story or starts one.

For every article (:meth:`StoryClusterer.add`):

1. Its title and lead become a sublinear TF vector (title terms weighted), its names,
   numbers and written dates are collected, and the document frequencies of its
   language are updated.
2. Candidate stories come from the inverted index of that language: the article's
   ``query_terms`` heaviest terms are looked up and the ``max_candidates`` stories sharing
   the most weight are kept. Nothing else is ever scanned, so the cost per article is
   bounded by the options, not by the number of stories or articles seen.
3. Each candidate gets the similarity features of :mod:`newsdesk.stories.learned`
   (TF-IDF cosine, title cosine, shared names, numbers and written dates, time gap,
   size); the learned model (or the cosine alone, ``method="threshold"``) scores them.
   The best story over ``join_threshold`` is joined; a story past its window needs
   ``revive_threshold``; otherwise the article starts a new story named after it.
4. When a second active candidate also scores ``merge_floor`` (above the join threshold:
   the article would join it nearly as surely) and its centroid shares something with the
   joined story's (``merge_threshold``), the two are merged: the article bridged them.
5. Names and numbers shared with a story of another language make a cross-lingual link.

Time comes only from the articles (``published``); with no dates at all, nothing ever
expires. Pure: no I/O, no clock.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from newsdesk.errors import ConfigError
from newsdesk.stories.embedding import Embedder, embedding_text, load_embedder, to_unit
from newsdesk.stories.index import InvertedIndex
from newsdesk.stories.learned import (
    COEFFICIENTS,
    EMBEDDING_COEFFICIENTS,
    EMBEDDING_FEATURES,
    EMBEDDING_TITLE_COEFFICIENTS,
    FEATURES,
    TITLE_COEFFICIENTS,
    probability,
)
from newsdesk.stories.model import ArticleView, Assignment, ClusterOptions, CrossLink, StoryState
from newsdesk.stories.story import (
    MEMBER_TERMS,
    SALIENT,
    Headline,
    PreparedArticle,
    Story,
    date_share,
    day_of_year,
    interned_keys,
    is_year,
    near_day,
    top_keys,
)
from newsdesk.stories.text import extract_features
from newsdesk.stories.vectors import DocumentFrequency, sublinear, unit

__all__ = ["StoryClusterer"]

#: Version 2 added the stories' written dates; a version-1 snapshot restores with none
#: (its stories gain dates from their next articles).
_SNAPSHOT_VERSION = 2
_READABLE_VERSIONS = (1, 2)
_HOUR = 3600.0
#: Re-derive a story's cached norms when the document count grew by this factor.
_NORM_DRIFT = 1.25
_LINK_CANDIDATES = 8
#: Member-level similarity is computed for this many of the most similar candidates.
_MEMBER_CANDIDATES = 6
_LINK_NAMES = 12


def _timestamp(value: datetime | None) -> float | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def _share(keys: dict[str, float], counts: dict[str, int], size: int) -> float:
    """IDF-weighted share of ``keys`` the story holds, full credit at half its articles."""
    total = 0.0
    shared = 0.0
    for key, weight in keys.items():
        total += weight
        count = counts.get(key)
        if count:
            shared += weight * min(1.0, 2.0 * count / size)
    return shared / total if total else 0.0


def _year_conflict(numbers: dict[str, float], story: Story) -> float:
    """1.0 when article and story both mention years and share none; 0.0 when either
    mentions none; the unshared share of the article's years in between."""
    if not story.years:
        return 0.0
    years = [n for n in numbers if is_year(n)]
    if not years:
        return 0.0
    return sum(1 for year in years if year not in story.years) / len(years)


def _headline_model(article: PreparedArticle) -> bool:
    """Whether the headline-only coefficients decide for ``article``: a dated headline.
    Their main evidence is recency; an undated headline (no time features) is judged by
    the text coefficients, which were fitted on undated articles (headlines among them)."""
    return article.title_only and article.time is not None


class StoryClusterer:
    """Assigns a stream of articles to stories. Not thread-safe: one writer at a time.

    With ``options.embeddings`` on, ``embedder`` embeds each article's title and lead
    (:data:`~newsdesk.stories.embedding.Embedder`); without one, the model named by
    ``options.embedding_model`` is loaded here (the only time the clusterer loads
    anything). ``embedder`` is ignored with the option off.

    Raises :class:`~newsdesk.errors.ConfigError` for unknown ``method`` values, a
    ``max_vocabulary`` under 1,000, coefficient vectors of the wrong length, or embeddings
    asked for without the ``embeddings`` extra installed.
    """

    def __init__(
        self, options: ClusterOptions | None = None, *, embedder: Embedder | None = None
    ) -> None:
        self.options = opts = options or ClusterOptions()
        if opts.method not in ("learned", "threshold"):
            raise ConfigError(f"unknown clustering method {opts.method!r}")
        if opts.max_vocabulary < 1000:
            raise ConfigError("max_vocabulary must be at least 1000")
        self._embedder: Embedder | None = None
        if opts.embeddings:
            self._embedder = embedder or load_embedder(opts.embedding_model)
            self._coefficients = opts.embedding_coefficients or EMBEDDING_COEFFICIENTS
            self._title_coefficients = (
                opts.embedding_title_coefficients or EMBEDDING_TITLE_COEFFICIENTS
            )
            width = len(FEATURES) + len(EMBEDDING_FEATURES) + 1
        else:
            self._coefficients = opts.coefficients or COEFFICIENTS
            self._title_coefficients = opts.title_coefficients or TITLE_COEFFICIENTS
            width = len(FEATURES) + 1
        for vector in (self._coefficients, self._title_coefficients):
            if len(vector) != width:
                raise ConfigError(f"need {width} coefficients")
        self._df: dict[str | None, DocumentFrequency] = {}
        self._names_df = DocumentFrequency(prior=self.options.idf_prior)
        self._stories: dict[str, Story] = {}
        self._indexes: dict[str | None, InvertedIndex] = {}
        # Names/numbers of the live stories, one index per language: links only ever go to
        # *other* languages, so a lookup never walks the postings of its own language.
        self._names_indexes: dict[str | None, InvertedIndex] = {}
        self._now: float | None = None
        self._last_sweep: float | None = None
        # Stories changed, and stories forgotten (merged away or past dormancy), since
        # the last :meth:`mark_saved`: what a partial snapshot has to write.
        self._changed: set[str] = set()
        self._gone: set[str] = set()
        self._saved = False  # gone ids are kept only once a save has been marked

    # -- public API --------------------------------------------------------------------

    def add(self, view: ArticleView) -> Assignment:
        """Assign ``view`` to a story (new or existing) and return where it went."""
        article = self._prepare(view)
        opts = self.options
        scored = self._score_candidates(article)
        best: Story | None = None
        best_score = 0.0
        if opts.method == "threshold":
            join = opts.threshold
        else:
            join = opts.title_join_threshold if _headline_model(article) else opts.join_threshold
        bridging: list[tuple[float, Story]] = []
        for score, story in scored:
            if self._own_earlier_report(article, story):
                continue
            active = self._is_active(story)
            if active and score >= opts.merge_floor:
                bridging.append((score, story))
            if score >= (join if active else opts.revive_threshold) and score > best_score:
                best, best_score = story, score
        if best is None:
            story = Story(article.id, article.language)
            self._stories[story.id] = story
            self._join(story, article)
            links, unlinked = self._link(story, article)
            return Assignment(article.id, story.id, 0.0, True, links=links, unlinked=unlinked)
        revived = not self._is_active(best)
        self._join(best, article)
        merged: list[str] = []
        if opts.merge:
            for _score, other in bridging:
                if other is best or other.id not in self._stories:
                    continue
                if self._story_similarity(best, other) >= opts.merge_threshold:
                    best = self._merge(best, other, merged)
        links, unlinked = self._link(best, article)
        return Assignment(
            article.id, best.id, best_score, False, tuple(merged), revived, links, unlinked
        )

    def _own_earlier_report(self, article: PreparedArticle, story: Story) -> bool:
        """Whether ``story`` holds only ``article``'s own outlet's reports, the latest more
        than ``source_gap_hours`` before it: one outlet's recurring reports (a daily market
        close, a release series, a fire brigade's alarms) are different events, however
        alike their words."""
        gap = self.options.source_gap_hours
        if gap is None or article.source is None or story.outlets != {article.source}:
            return False
        if article.time is None or story.last_update is None:
            return False
        return article.time - story.last_update > gap * _HOUR

    def observe(self, view: ArticleView, story_id: str) -> list[tuple[str, tuple[float, ...]]]:
        """Training hook: the features of every candidate, then put ``view`` in
        ``story_id`` (creating it) whatever they say. Used by :mod:`.train`."""
        article = self._prepare(view)
        features = [(story.id, feats) for feats, story in self._features(article)]
        story = self._stories.get(story_id)
        if story is None:
            story = Story(story_id, article.language)
            self._stories[story_id] = story
        self._join(story, article)
        return features

    def story(self, story_id: str) -> StoryState:
        """The state of a live story. Raises KeyError when unknown or forgotten."""
        story = self._stories[story_id]
        return story.state("active" if self._is_active(story) else "dormant")

    def stories(self) -> Iterator[StoryState]:
        """States of every live (active or dormant) story, oldest first."""
        for story in list(self._stories.values()):
            yield story.state("active" if self._is_active(story) else "dormant")

    def __len__(self) -> int:
        return len(self._stories)

    def index_stats(self) -> dict[str, int]:
        """Sizes of the live index (stories, keys, postings, DF vocabulary)."""
        stories = keys = postings = 0
        for index in [*self._indexes.values(), *self._names_indexes.values()]:
            s, k, p = index.stats()
            stories += s
            keys += k
            postings += p
        vocabulary = sum(len(df.counts) for df in self._df.values()) + len(self._names_df.counts)
        return {
            "stories": len(self._stories),
            "indexed": stories,
            "keys": keys,
            "postings": postings,
            "vocabulary": vocabulary,
        }

    def snapshot(self, *, partial: bool = False) -> dict[str, Any]:
        """The state as plain JSON-serialisable data (see :meth:`restore`).

        ``order`` lists the live stories' ids, oldest first. With ``partial`` only the
        stories changed since the last :meth:`mark_saved` are in ``stories``, and ``gone``
        lists those forgotten since (merged away or past dormancy): a store keeping each
        story apart writes just those, and gives :meth:`restore` every story back. The
        snapshot of a long stream holds thousands of live stories; a few hundred change
        between two saves."""
        stories = self._stories
        chosen: Iterable[Story] = stories.values()
        if partial:
            chosen = [story for sid, story in stories.items() if sid in self._changed]
        data: dict[str, Any] = {
            "version": _SNAPSHOT_VERSION,
            "now": self._now,
            "last_sweep": self._last_sweep,
            "df": [[lang, df.documents, df.counts] for lang, df in self._df.items()],
            "names_df": [self._names_df.documents, self._names_df.counts],
            "order": list(stories),
            "stories": [story.to_dict() for story in chosen],
        }
        if partial:
            data["partial"] = True
            data["gone"] = sorted(self._gone)
        return data

    def mark_saved(self) -> None:
        """The last :meth:`snapshot` was saved: the next partial one starts from here."""
        self._changed.clear()
        self._gone.clear()
        self._saved = True

    @classmethod
    def restore(
        cls,
        snapshot: dict[str, Any],
        options: ClusterOptions | None = None,
        *,
        embedder: Embedder | None = None,
    ) -> StoryClusterer:
        """A clusterer continuing from :meth:`snapshot`. Raises ValueError when the
        snapshot is of another version or malformed (ConfigError like the constructor)."""
        if snapshot.get("version") not in _READABLE_VERSIONS:
            raise ValueError(f"unsupported snapshot version {snapshot.get('version')!r}")
        if snapshot.get("partial"):
            raise ValueError("a partial snapshot holds only the changed stories")
        clusterer = cls(options, embedder=embedder)
        try:
            clusterer._now = snapshot["now"]
            clusterer._last_sweep = snapshot["last_sweep"]
            for lang, documents, counts in snapshot["df"]:
                clusterer._df[lang] = DocumentFrequency(
                    interned_keys(counts, int), int(documents), prior=clusterer.options.idf_prior
                )
            documents, counts = snapshot["names_df"]
            clusterer._names_df = DocumentFrequency(
                interned_keys(counts, int), int(documents), prior=clusterer.options.idf_prior
            )
            for data in snapshot["stories"]:
                story = Story.from_dict(data)
                clusterer._stories[story.id] = story
                clusterer._reindex(story)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed snapshot: {exc}") from exc
        return clusterer

    # -- steps -------------------------------------------------------------------------

    def _prepare(self, view: ArticleView) -> PreparedArticle:
        opts = self.options
        time = _timestamp(view.published)
        if time is not None and (self._now is None or time > self._now):
            self._now = time
        if time is None:
            time = self._now
        self._sweep()
        feats = extract_features(
            view.title,
            view.text,
            view.language,
            title_weight=opts.title_weight,
            lead_words=opts.lead_words,
        )
        df = self._df.get(view.language)
        if df is None:
            df = self._df[view.language] = DocumentFrequency(prior=self.options.idf_prior)
        df.add(feats.terms)
        df.prune(opts.max_vocabulary)
        dates = frozenset(day_of_year(d) for d in feats.dates)
        event_dates = dates
        if view.published is not None and dates:
            today = day_of_year(f"{view.published.month:02d}-{view.published.day:02d}")
            event_dates = frozenset(d for d in dates if not near_day(d, today))
        self._names_df.add(
            [*feats.names, *("#" + n for n in feats.numbers), *(f"@{d}" for d in dates)]
        )
        self._names_df.prune(opts.max_vocabulary)
        vector = unit(sublinear(feats.terms))
        idfs = df.idfs(vector)
        weighted = {t: w * idfs[t] for t, w in vector.items()}
        length = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
        title_idf = {t: idfs[t] if t in idfs else df.idf(t) for t in feats.title_terms}
        title_length = math.sqrt(sum(v * v for v in title_idf.values())) or 1.0
        heaviest = top_keys(MEMBER_TERMS, weighted)
        names_idf = self._names_df.idf
        name_idfs = self._names_df.idfs(feats.names)
        names = {n: name_idfs[n] * (1.0 + math.log(c)) for n, c in feats.names.items()}
        salient = top_keys(SALIENT, names)
        embedding = None
        if self._embedder is not None:
            text = embedding_text(view.title, view.text, opts.embedding_words)
            embedding = to_unit(self._embedder([text])[0])
        return PreparedArticle(
            id=view.id,
            title=view.title,
            language=view.language,
            time=time,
            source=view.source,
            country=view.country,
            is_primary=view.is_primary,
            unit=vector,
            weighted={t: w * idfs[t] / length for t, w in weighted.items()},
            tfidf={t: weighted[t] / length for t in heaviest},
            title_weighted={t: w * w / title_length for t, w in title_idf.items()},
            names=names,
            names_idf=name_idfs,
            names_length=math.sqrt(sum(v * v for v in names.values())) or 1.0,
            title_names={n: names[n] for n in feats.title_names if n in names},
            salient={n: names[n] for n in salient},
            numbers={n: names_idf("#" + n) for n in feats.numbers},
            dates=dates,
            event_dates=event_dates,
            title_only=len(vector) <= len(feats.title_terms),
            embedding=embedding,
        )

    def _candidates(self, article: PreparedArticle) -> list[Story]:
        opts = self.options
        index = self._indexes.get(article.language)
        if index is None:
            return []
        weighted = article.weighted
        top = top_keys(opts.query_terms, weighted)
        hits = index.lookup([(t, weighted[t]) for t in top], max_posting=opts.max_posting)
        ranked = heapq.nlargest(opts.max_candidates, hits, key=hits.__getitem__)
        return [self._stories[story_id] for story_id in ranked]

    def _features(self, article: PreparedArticle) -> list[tuple[tuple[float, ...], Story]]:
        stories = self._candidates(article)
        if not stories:
            return []
        df = self._df[article.language]
        weighted = article.weighted
        title_weighted = article.title_weighted
        raw: list[tuple[float, float, float, float, float, float, float, float, float, Story]] = []
        for story in stories:
            if df.documents > story.norm_documents * _NORM_DRIFT + 10:
                self._refresh(story)
            # Only shared terms contribute: the key intersection runs in C.
            centroid = story.centroid
            cosine = sum(weighted[t] * centroid[t] for t in weighted.keys() & centroid.keys())
            cosine /= story.norm
            titles = story.titles
            title_cosine = sum(
                title_weighted[t] * titles[t] for t in title_weighted.keys() & titles.keys()
            )
            title_cosine /= story.title_norm
            names = _share(article.names, story.names, story.size)
            numbers = _share(article.numbers, story.numbers, story.size)
            title_names = _share(article.title_names, story.names, story.size)
            counts = story.names
            dot = mass = 0.0
            for name, weight in article.names.items():
                count = counts.get(name)
                if count:
                    idf = article.names_idf[name]
                    mass += idf * count
                    dot += weight * idf * count
            names_cosine = dot / (article.names_length * story.names_norm)
            story_names = mass / story.names_mass
            salient = _share(article.salient, story.names, story.size)
            held = sum(w for n, w in story.salient if n in article.names)
            story_salient = held / (sum(w for _n, w in story.salient) or 1.0)
            raw.append(
                (
                    cosine,
                    title_cosine,
                    names,
                    numbers,
                    title_names,
                    names_cosine,
                    story_names,
                    salient,
                    story_salient,
                    story,
                )
            )
        cosines = sorted((r[0] for r in raw), reverse=True)
        closest: dict[str, float] = {}
        for row in sorted(raw, key=lambda r: -r[0])[:_MEMBER_CANDIDATES]:
            closest[row[-1].id] = row[-1].closest_member(article.tfidf)
        embedded: dict[str, tuple[float, float]] = {}
        if article.embedding is not None:
            embedded = {r[-1].id: r[-1].embedding_similarity(article.embedding) for r in raw}
        out: list[tuple[tuple[float, ...], Story]] = []
        title_only = 1.0 if article.title_only else 0.0
        for row in raw:
            cosine, title_cosine, names, numbers, title_names, names_cos, story_names = row[:7]
            salient, story_salient, story = row[7:]
            other = cosines[1] if cosine == cosines[0] and len(cosines) > 1 else cosines[0]
            if len(cosines) == 1:
                other = 0.0
            has_time = False
            gap = 0.0
            if article.time is not None and story.last_update is not None:
                has_time = True
                gap = abs(article.time - story.last_update) / _HOUR
            features: tuple[float, ...] = (
                cosine,
                title_cosine,
                names,
                numbers,
                cosine / (1.0 + gap) if has_time else 0.0,
                cosine / (1.0 + gap / 24.0) if has_time else 0.0,
                math.log1p(story.size),
                title_only,
                cosine * title_only,
                cosine - other,
                title_names,
                names_cos,
                story_names,
                salient,
                story_salient,
                closest.get(story.id, 0.0),
                _year_conflict(article.numbers, story),
                (1.0 - salient) * (1.0 - story_salient)
                if article.salient and story.salient
                else 0.0,
                date_share(article.event_dates, story),
            )
            if article.embedding is not None:
                features = (*features, *embedded[story.id])
            out.append((features, story))
        return out

    def _score_candidates(self, article: PreparedArticle) -> list[tuple[float, Story]]:
        features = self._features(article)
        if self.options.method == "threshold":
            return [(f[0], story) for f, story in features]
        weights = self._title_coefficients if _headline_model(article) else self._coefficients
        return [(probability(f, weights), story) for f, story in features]

    def _is_active(self, story: Story) -> bool:
        if self._now is None or story.last_update is None:
            return True
        return story.last_update >= self._now - self.options.window_hours * _HOUR

    def _join(self, story: Story, article: PreparedArticle) -> None:
        title_terms = frozenset(t for t in article.title_weighted)
        story.add(article, title_terms=title_terms)
        story.headlines.append(
            Headline(0.0, article.is_primary, article.id, article.title, article.tfidf)
        )
        self._refresh(story)
        self._reindex(story)

    def _refresh(self, story: Story) -> None:
        self._changed.add(story.id)
        self._gone.discard(story.id)
        df = self._df.setdefault(story.language, DocumentFrequency(prior=self.options.idf_prior))
        story.refresh(
            df.idfs,
            self._names_df.idfs,
            df.documents,
            max_terms=self.options.centroid_terms,
            headlines=self.options.headline_candidates,
            index_terms=self.options.index_terms,
            name_keys=_LINK_NAMES,
        )

    def _reindex(self, story: Story) -> None:
        index = self._indexes.get(story.language)
        if index is None:
            index = self._indexes[story.language] = InvertedIndex()
        index.set_keys(story.id, story.keys)
        if self.options.cross_lingual:
            names_index = self._names_indexes.get(story.language)
            if names_index is None:
                names_index = self._names_indexes[story.language] = InvertedIndex()
            names_index.set_keys(story.id, story.name_keys)

    def _story_similarity(self, a: Story, b: Story) -> float:
        idf = self._df[a.language].idf
        small, large = (a, b) if len(a.centroid) <= len(b.centroid) else (b, a)
        dot = 0.0
        for term, weight in small.centroid.items():
            other = large.centroid.get(term)
            if other is not None:
                dot += weight * other * idf(term) ** 2
        return dot / (a.norm * b.norm)

    def _merge(self, a: Story, b: Story, merged: list[str]) -> Story:
        keep, gone = (a, b) if (a.size, -len(a.id)) >= (b.size, -len(b.id)) else (b, a)
        keep.absorb(gone)
        self._forget(gone)
        self._refresh(keep)
        self._reindex(keep)
        merged.append(gone.id)
        return keep

    def _forget(self, story: Story) -> None:
        self._stories.pop(story.id, None)
        self._changed.discard(story.id)
        if self._saved:  # a clusterer never saved would collect every id it forgets
            self._gone.add(story.id)
        index = self._indexes.get(story.language)
        if index is not None:
            index.remove(story.id)
        names_index = self._names_indexes.get(story.language)
        if names_index is not None:
            names_index.remove(story.id)

    def _sweep(self) -> None:
        """Forget stories past window + dormancy; runs every eighth of a window."""
        now = self._now
        if now is None:
            return
        opts = self.options
        if self._last_sweep is not None and now - self._last_sweep < opts.window_hours * _HOUR / 8:
            return
        self._last_sweep = now
        horizon = now - (opts.window_hours + opts.dormant_hours) * _HOUR
        for story in list(self._stories.values()):
            if story.last_update is None:
                story.touch(now)
                self._changed.add(story.id)
            elif story.last_update < horizon:
                self._forget(story)

    def _link(
        self, story: Story, article: PreparedArticle
    ) -> tuple[tuple[CrossLink, ...], tuple[str, ...]]:
        """Cross-lingual links of ``story`` made clear by ``article``'s names, numbers and
        written dates, to the best story of each other language: two shared names, or one
        name and a date (a day either way) or an amount ("1.2 trillion" = "1兆2000億") that
        only one story of that language shares — CJK text often names just one party in
        Latin script ("TSMC"). The confidence is the IDF-weighted share of the names (0.7:
        the article's the story holds, or the story's three main ones the article mentions,
        whichever is more), and of the article's numbers (0.3) and dates (0.3) the other
        story holds, over the kinds the article has. A story keeps one link per other
        language, its most confident. Returns the links made and
        the ids of the stories that lost a weaker link to them."""
        opts = self.options
        evidence = len(article.names) + len(article.numbers) + len(article.dates)
        if not opts.cross_lingual or evidence < 2 or not article.names:
            return (), ()
        others = [index for lang, index in self._names_indexes.items() if lang != story.language]
        if not others:
            return (), ()
        idf = self._names_df.idf
        keys = [
            *article.names.items(),
            *(("#" + n, w) for n, w in article.numbers.items()),
            *((f"@{d}", idf(f"@{d}")) for d in article.dates),
        ]
        foreign: list[tuple[float, str]] = []
        for index in others:
            hits = index.lookup(keys, max_posting=opts.max_posting)
            foreign.extend((weight, sid) for sid, weight in hits.items() if sid in self._stories)
        foreign.sort(reverse=True)
        clear: list[tuple[Story, float]] = []
        one_name: dict[str | None, list[tuple[Story, float]]] = {}
        for _weight, sid in foreign[:_LINK_CANDIDATES]:
            other = self._stories[sid]
            shared = sum(1 for n in article.names if n in other.names)
            dates = date_share(article.dates, other)
            amounts = any(n[0] == "~" and n in other.numbers for n in article.numbers)
            if shared >= 2:
                clear.append((other, dates))
            elif shared == 1 and (dates > 0.0 or amounts):
                one_name.setdefault(other.language, []).append((other, dates))
        clear.extend(found[0] for found in one_name.values() if len(found) == 1)
        # One event is one story per language: the article links the best of each.
        best: dict[str | None, tuple[float, Story]] = {}
        for other, dates in clear:
            # The article's names the story holds, or the story's main names the article
            # mentions: a German text capitalises every noun, and a story of many reports
            # gathers many names, so either share alone can be small.
            # A story naming fewer than SALIENT names (a bare headline: "UN chief talks
            # with Donald Trump") is not made a sure match by those few alone.
            held = sum(w for n, w in other.salient if n in article.names)
            main = held / (sum(w for _n, w in other.salient) or 1.0)
            main *= min(1.0, len(other.salient) / SALIENT)
            parts = [(0.7, max(_share(article.names, other.names, other.size), main))]
            if article.numbers:
                parts.append((0.3, _share(article.numbers, other.numbers, other.size)))
            if article.dates:
                parts.append((0.3, dates))
            confidence = round(sum(w * v for w, v in parts) / sum(w for w, _v in parts), 4)
            if (
                confidence >= opts.link_threshold
                and confidence > best.get(other.language, (0.0, other))[0]
            ):
                best[other.language] = (confidence, other)
        made: list[CrossLink] = []
        unlinked: list[str] = []
        for confidence, other in best.values():
            if other.id in story.links and story.links[other.id].confidence >= confidence:
                continue
            # One event is one story per language for the stories too: a link weaker than
            # one either side already has to that language is not made, and a stronger
            # one replaces it (a report linked early to a look-alike story of the day,
            # before the story of its own event arrived).
            pair = (story.id, other.id)
            # Each side's links to the other's language, but for this pair.
            rivals = [
                (side, [s for s, lk in side.links.items() if lk.language == lang and s not in pair])
                for side, lang in ((story, other.language), (other, story.language))
            ]
            if any(side.links[sid].confidence >= confidence for side, ids in rivals for sid in ids):
                continue
            for side, ids in rivals:
                for weaker in ids:
                    self._unlink(side, weaker)
                    unlinked.append(weaker)
            link = CrossLink(other.id, other.language, confidence)
            story.links[other.id] = link
            other.links[story.id] = CrossLink(story.id, story.language, confidence)
            self._changed.update((story.id, other.id))
            made.append(link)
        return tuple(made), tuple(unlinked)

    def _unlink(self, story: Story, other_id: str) -> None:
        story.links.pop(other_id, None)
        self._changed.add(story.id)
        other = self._stories.get(other_id)
        if other is not None:
            other.links.pop(story.id, None)
            self._changed.add(other_id)

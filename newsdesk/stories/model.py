"""Frozen values going in and out of the story clusterer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["ArticleView", "Assignment", "ClusterOptions", "CrossLink", "StoryState"]


@dataclass(frozen=True, slots=True)
class ArticleView:
    """What the clusterer needs to know about one article.

    ``text`` may be the whole body or only its lead; only the first
    ``ClusterOptions.lead_words`` words are used. ``published`` should be timezone-aware
    (naive values are taken as UTC); None means "no date", and the article is placed at
    the latest time seen so far. ``language`` is an ISO 639-1 code or None (clustered with
    the other untagged articles). ``is_primary`` marks the primary source of a story (the
    dedup step's verdict): its headline is preferred for the story.
    """

    id: str
    title: str
    text: str = ""
    published: datetime | None = None
    language: str | None = None
    source: str | None = None
    country: str | None = None
    is_primary: bool = False


@dataclass(frozen=True, slots=True)
class CrossLink:
    """A link between two stories in different languages that report the same event."""

    story_id: str
    language: str | None
    confidence: float


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where :meth:`StoryClusterer.add` put an article.

    ``story_id`` is the story that holds the article after the call (merges included).
    ``score`` is the join probability (or similarity, without the learned model) of the
    chosen story, 0.0 for a new story. ``merged`` lists stories absorbed into
    ``story_id`` during this call: their articles now belong to ``story_id``.
    ``revived`` is True when the article woke a dormant story. ``links`` are cross-lingual
    links made during this call; ``unlinked`` lists the stories that lost their link to
    one of the linked stories in exchange (a story keeps one link per other language).
    """

    article_id: str
    story_id: str
    score: float
    is_new: bool
    merged: tuple[str, ...] = ()
    revived: bool = False
    links: tuple[CrossLink, ...] = ()
    unlinked: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryState:
    """A story as the outside world sees it (a read-only snapshot).

    ``first_seen``/``last_update`` are the earliest and latest article times (None when
    no article had a date). ``status`` is ``active`` (inside the window), ``dormant``
    (past it, can still be revived) or ``merged`` (absorbed; ``merged_into`` says where).
    """

    id: str
    headline: str
    headline_article_id: str
    size: int
    first_seen: datetime | None
    last_update: datetime | None
    language: str | None
    outlets: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    links: tuple[CrossLink, ...] = ()
    status: str = "active"
    merged_into: str | None = None


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """Every knob of the clusterer, with the defaults chosen on the DEV sets.

    Decision: ``method`` is ``"learned"`` (logistic regression over the similarity
    features, :mod:`newsdesk.stories.learned`; ``coefficients`` for articles with text and
    ``title_coefficients`` for headline-only ones, None for the fitted defaults; an article
    joins the best story at ``join_threshold``, or ``title_join_threshold`` when it is only
    a headline) or ``"threshold"`` (TF-IDF centroid cosine against ``threshold``; the
    measured baseline).
    Text: ``title_weight`` multiplies title term counts against the first ``lead_words``
    words of the text; ``idf_prior`` imaginary empty documents smooth the IDF of a cold
    start; each document-frequency table (one per language, one of names, numbers and
    dates) keeps at most ``max_vocabulary`` terms — past it the rarest are forgotten, down
    to three quarters (:meth:`~newsdesk.stories.vectors.DocumentFrequency.prune`), so
    memory and snapshots stay bounded however long the stream.
    Time: ``window_hours`` keeps a story active after its last article; ``dormant_hours``
    more keep it revivable, by a join score of at least ``revive_threshold``; then the
    clusterer forgets it.
    One outlet's recurring reports: a story whose articles all come from the article's
    own source (``ArticleView.source``), the latest more than ``source_gap_hours`` before
    it, is not joined (None: no such rule).
    Merges (``merge``): a second active candidate scoring ``merge_floor`` or more whose
    centroid has a cosine of ``merge_threshold`` with the joined story is absorbed (the
    article bridges two fragments of one story: each would have taken it).
    Cross-lingual links (``cross_lingual``): made at a confidence of ``link_threshold``.
    Bounds: the article's ``query_terms`` heaviest terms are looked up, posting lists longer
    than ``max_posting`` are skipped, at most ``max_candidates`` stories are scored; a story
    is indexed under its ``index_terms`` heaviest terms, keeps ``centroid_terms`` terms and
    ``headline_candidates`` headline candidates.
    Embeddings (``embeddings``, off by default; the optional ``embeddings`` extra): the
    title and the first ``embedding_words`` words of the text are embedded with
    ``embedding_model`` (or the embedder given to the clusterer) and the
    :data:`~newsdesk.stories.learned.EMBEDDING_FEATURES` are added; the learned model then
    uses ``embedding_coefficients``/``embedding_title_coefficients`` (None for the fitted
    defaults).
    """

    method: str = "learned"
    threshold: float = 0.2
    join_threshold: float = 0.6
    title_join_threshold: float = 0.4
    title_weight: float = 3.0
    idf_prior: int = 100
    max_vocabulary: int = 200_000
    lead_words: int = 120
    window_hours: float = 72.0
    dormant_hours: float = 24.0 * 14
    revive_threshold: float = 0.8
    source_gap_hours: float | None = 20.0
    merge: bool = True
    merge_threshold: float = 0.2
    merge_floor: float = 0.7
    cross_lingual: bool = True
    link_threshold: float = 0.5
    query_terms: int = 20
    max_posting: int = 2000
    max_candidates: int = 12
    index_terms: int = 40
    centroid_terms: int = 200
    headline_candidates: int = 4
    coefficients: tuple[float, ...] | None = field(default=None)
    title_coefficients: tuple[float, ...] | None = field(default=None)
    embeddings: bool = False
    embedding_model: str = "minilm"
    embedding_words: int = 60
    embedding_coefficients: tuple[float, ...] | None = field(default=None)
    embedding_title_coefficients: tuple[float, ...] | None = field(default=None)

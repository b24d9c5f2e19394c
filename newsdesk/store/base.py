"""The Store protocol: every read and write the application makes, named for its purpose.

Implementations: :class:`newsdesk.store.sql.SqlStore` over SQLAlchemy Core, for SQLite (the
embedded default, WAL mode) and PostgreSQL. Both pass
``tests/integration/store/test_store_contract.py``.
All datetimes in and out are timezone-aware UTC (a naive one raises :class:`StoreError`).
Every failure of the database leaves a method as :class:`newsdesk.errors.StoreError`.
Writes aimed at a source or article that no longer exists are ignored, since a poll or an
extraction may finish after its source was removed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from newsdesk.dedup import AttributionHints, DedupOutcome, DocId, DocView, FingerprintIndex
from newsdesk.model import Article, ExtractedArticle, FeedItem, Source
from newsdesk.revisions import TextChange
from newsdesk.stories import ArticleView, Assignment, StoryState

__all__ = [
    "Activity",
    "ArticleCursor",
    "ArticlePage",
    "ArticleQuery",
    "ClusterSnapshot",
    "CopyMember",
    "CopyShare",
    "EntryWrite",
    "Facets",
    "Store",
    "StoreStats",
    "StoryCursor",
    "StoryInput",
    "StoryLink",
    "StoryRecord",
    "TextRevision",
    "TitleRevision",
    "UpsertResult",
    "VolumePoint",
]


@dataclass(frozen=True, slots=True)
class EntryWrite:
    """One feed item to upsert, with its identity keys already computed.

    ``keys`` are in priority order (``guid:...``, ``url:...``, ``text:...``): the first key
    that matches an existing article of the same source identifies it.
    """

    item: FeedItem
    keys: tuple[str, ...]
    canonical_url: str


@dataclass(frozen=True, slots=True)
class UpsertResult:
    new_ids: tuple[int, ...] = ()
    updated_ids: tuple[int, ...] = ()
    unchanged: int = 0
    tombstoned: int = 0


@dataclass(frozen=True, slots=True)
class StoreStats:
    sources: int
    sources_failing: int
    articles: int
    articles_pending: int
    articles_failed: int
    errors_by_kind: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    """Filters for :meth:`Store.query_articles`; every one left empty matches everything.

    ``language`` matches the article's language, else its source's, exactly or as a prefix
    (``en`` matches ``en-GB``), case-insensitively. ``country`` is the source's country.
    ``topic`` is one of the article's categories, exactly. ``since``/``until`` bound the sort
    time (published, else first seen): ``since <= t < until``. ``q`` is a full-text search
    of headline and text in the search box's language (:mod:`newsdesk.search`: words,
    "phrases", -exclusions, OR, and filters such as ``lang:ja`` that add to the others).

    ``fold_copies`` shows each copy group (articles sharing a ``primary_id``) once: by its
    primary when the primary matches the other filters, else by the group's earliest
    matching copy (by sort time, then id). Undecided articles are always shown.
    """

    source_ids: tuple[int, ...] = ()
    language: str | None = None
    country: str | None = None
    topic: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None
    fold_copies: bool = False


@dataclass(frozen=True, slots=True)
class ArticleCursor:
    """A position in the newest-first order: the last row seen (its sort time and id)."""

    time: datetime
    id: int


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """One page of articles; ``next`` is the cursor of the following page, None at the end."""

    articles: tuple[Article, ...]
    next: ArticleCursor | None


@dataclass(frozen=True, slots=True)
class TitleRevision:
    """One headline an article carried, and when the feed first showed it."""

    title: str
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class TextRevision(TextChange):
    """One change of an article's text found by a re-check of its page (the fields of
    :class:`newsdesk.revisions.TextChange`), and when. The text it replaced stays in the
    store."""

    seen_at: datetime


@dataclass(frozen=True, slots=True)
class VolumePoint:
    """Articles of one UTC day (by published, else first seen)."""

    day: date
    articles: int


@dataclass(frozen=True, slots=True)
class Activity:
    """What happened in a window: new articles, extracted pages, polled sources, events;
    extracted articles whose page was fetched again (``articles_rechecked``: a re-check's
    fetch, not the first extraction) and text revisions found (``articles_revised``)."""

    since: datetime
    articles_new: int
    articles_extracted: int
    sources_polled: int
    events: int
    articles_rechecked: int = 0
    articles_revised: int = 0


@dataclass(frozen=True, slots=True)
class Facets:
    """Values to offer as filters, most frequent first: (value, count) pairs."""

    languages: tuple[tuple[str, int], ...] = ()
    countries: tuple[tuple[str, int], ...] = ()
    topics: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class CopyMember:
    """One article of a copy group, as much as a page needs to name and link it.

    ``primary_source`` is the display name its stored decision gave the group's primary
    (a wire's name or a domain), ``copy_of`` the article it copies (None for an original)."""

    id: int
    source_id: int
    url: str
    canonical_url: str | None
    title: str
    published: datetime | None
    first_seen: datetime
    copy_of: int | None
    primary_id: int
    primary_source: str | None


@dataclass(frozen=True, slots=True)
class CopyShare:
    """How much of one source's output is copied: ``extracted`` articles (page fetched and
    extracted), ``copies`` among them (``copy_of`` set) and ``uncredited`` copies (no
    credit to any source: no wire byline, original-source / syndication-source /
    isBasedOn pointer, credit link or name, and no rel=canonical to another site)."""

    source_id: int
    extracted: int
    copies: int
    uncredited: int


@dataclass(frozen=True, slots=True)
class StoryInput:
    """An article as story clustering takes it (:meth:`Store.story_input`).

    ``view`` is what the clusterer reads: ``id`` the article id as a string, the title,
    the text, ``published`` (else first seen), the language (the article's, else its
    source's), ``source`` the registered domain of its URL, the source's ``country``, and
    ``is_primary`` when copy detection made it its group's primary. ``copy_of`` is the
    article it copies, ``original_story_id`` that article's story (None when it has none);
    ``story_id`` the article's own story, None while it is not assigned."""

    view: ArticleView
    copy_of: int | None = None
    original_story_id: int | None = None
    story_id: int | None = None


@dataclass(frozen=True, slots=True)
class StoryLink:
    """A story in another language reporting the same event, with the link's confidence."""

    story_id: int
    language: str | None
    confidence: float


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """A stored story. ``id`` is the id of its first article.

    ``headline`` comes from ``headline_article_id`` (the clusterer's most representative
    article, the primary source preferred). ``first_seen``/``last_update``: the earliest and
    latest time (published, else first seen) of its articles, copies left out unless the
    story has nothing else. ``size`` counts every article, ``copies`` the copies among
    them; ``outlets`` (source ids) and ``countries`` leave copies out, so a reprinted wire
    story adds no breadth. ``languages`` are its articles' languages and those of the
    stories it is linked to. ``status``: ``active``, ``dormant`` (past the clusterer's
    window; it can be revived) or ``merged`` (absorbed into ``merged_into``, which holds
    its articles now). ``links``: cross-lingual links, most confident first."""

    id: int
    headline: str
    headline_article_id: int | None
    language: str | None
    first_seen: datetime | None
    last_update: datetime | None
    size: int
    copies: int
    outlets: tuple[int, ...]
    countries: tuple[str, ...]
    languages: tuple[str, ...]
    status: str
    merged_into: int | None
    updated_at: datetime
    links: tuple[StoryLink, ...] = ()
    score: float = 0.0  # its rank in :meth:`Store.top_stories` (0 elsewhere)


@dataclass(frozen=True, slots=True)
class StoryCursor:
    """A position in :meth:`Store.top_stories`: the ranking's time ``at`` (the first
    page's "now") and the last story seen (its score, last update and id)."""

    at: datetime
    score: float
    last_update: datetime
    id: int


@dataclass(frozen=True, slots=True)
class ClusterSnapshot:
    """The clusterer's saved state: ``data`` for :meth:`StoryClusterer.restore`, and
    ``seq``, the last assignment number (``story_seq``) it includes."""

    data: dict[str, Any]
    seq: int
    saved_at: datetime


class Store(Protocol):
    # --- schema -------------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (idempotent)."""

    def close(self) -> None: ...

    def batch(self) -> AbstractContextManager[None]:
        """Make the store calls of this thread inside the block one write transaction,
        committed when the block ends (rolled back if it raises). Each write call in it is
        a savepoint: one that fails is undone alone and the others still commit. Nested
        use joins the outer batch. The block must not await: another task of the event
        loop would run inside the transaction."""

    # --- sources ------------------------------------------------------------------------
    def add_source(
        self,
        url: str,
        *,
        now: datetime,
        title: str = "",
        site_url: str | None = None,
        country: str | None = None,
        language: str | None = None,
    ) -> Source:
        """Add a source, due at once. Adding a URL that is already followed returns it."""

    def get_source(self, source_id: int) -> Source | None: ...

    def get_source_by_url(self, url: str) -> Source | None: ...

    def list_sources(self) -> list[Source]:
        """All sources with ``articles`` filled in, ordered by id."""

    def remove_source(self, source_id: int) -> bool:
        """Delete a source and its articles. Returns False if there was none."""

    def due_sources(self, now: datetime, *, limit: int = 1000) -> list[Source]:
        """Enabled sources whose ``next_poll`` is at or before ``now``, soonest first.

        ``articles`` is not counted here (left at 0): the scheduler does not need it."""

    def record_poll_success(
        self,
        source_id: int,
        *,
        now: datetime,
        etag: str | None,
        last_modified: str | None,
        interval_seconds: int,
        next_poll: datetime,
        new_url: str | None = None,
        title: str | None = None,
    ) -> None:
        """A poll ended well (200 or 304): reset the failure streak, keep validators,
        move to ``new_url`` after a permanent redirect.

        ``last_error`` is kept (the UI shows the last error beside the last success; a
        source is failing while ``failures > 0``). If another source already follows
        ``new_url`` the URL is kept and a ``url_conflict`` event is recorded. ``title``
        fills the source's title only when it is empty."""

    def record_poll_failure(
        self,
        source_id: int,
        *,
        now: datetime,
        kind: str,
        message: str,
        next_poll: datetime,
        disable: bool = False,
    ) -> None:
        """A poll failed: count the streak, keep the reason; ``disable`` for 410 Gone.

        Records no event: the caller records one with :meth:`record_event` if it wants."""

    # --- articles -----------------------------------------------------------------------
    def upsert_entries(
        self,
        source_id: int,
        entries: Sequence[EntryWrite],
        *,
        now: datetime,
        recheck_spacing: timedelta | None = None,
    ) -> UpsertResult:
        """Insert new feed items and update changed ones in one transaction.

        An entry matching a tombstone is skipped. A changed title is appended to the
        article's title history. Re-upserting the same entries changes nothing.
        An entry is changed when the feed gives a title, summary, date or URL different
        from the stored one; values the feed leaves empty never erase stored ones. New keys
        of a matched entry are added to it. An entry without keys raises StoreError.

        With ``recheck_spacing``, a changed entry of an extracted article makes its page
        due for a re-check (``recheck_at``): now, or ``recheck_spacing`` after its last
        fetch if that is later (a feed that rewrites its entries on every poll does not
        cause a fetch per poll); an earlier re-check already due is kept.
        """

    def get_article(self, article_id: int) -> Article | None:
        """The article with ``titles`` (its title history, oldest first; every method
        returning articles fills it in)."""

    def pending_articles(
        self, *, limit: int = 100, source_id: int | None = None, after_id: int = 0
    ) -> list[Article]:
        """Articles whose page has not been fetched and extracted yet, by id, with
        ``id > after_id`` (so a round can page through them past ones that failed)."""

    def save_extraction(
        self,
        article_id: int,
        extracted: ExtractedArticle,
        *,
        now: datetime,
        raw_html: bytes | None,
        canonical_url: str | None,
        recheck_at: datetime | None = None,
    ) -> None:
        """Store what extraction found and the page's raw HTML (compressed by the store).

        The feed's title, authors, published and modified dates win: the page's values
        only fill those left empty. Other metadata is replaced when the page gives it.
        The first extraction of an article records ``now`` as its last fetch
        (``checked_at``); ``recheck_at``, when given, is when its page is re-checked."""

    def record_extraction_failure(
        self, article_id: int, *, now: datetime, kind: str, message: str, final: bool
    ) -> None:
        """``final`` marks it failed for good; otherwise it stays pending for a retry.

        Counts the attempt; ``error`` becomes ``"kind: message"``. Records no event."""

    def delete_article(self, article_id: int, *, now: datetime, reason: str) -> bool:
        """Delete an article, leaving a tombstone so the feed cannot bring it back."""

    # --- re-checks and text revisions (newsdesk.revisions) ------------------------------
    def due_rechecks(
        self, *, now: datetime, limit: int = 50, source_id: int | None = None
    ) -> list[Article]:
        """Extracted articles whose page is due for a re-check (``recheck_at`` at or before
        ``now``), the longest due first (then by id), read off ``ix_articles_recheck_at``."""

    def record_recheck(
        self, article_id: int, *, now: datetime, fetched: bool, recheck_at: datetime | None
    ) -> None:
        """A re-check that changed no text: ``fetched`` (the page was fetched and its text
        had not changed) records ``now`` as the last fetch; a failed one records nothing
        but the next re-check. Either way the next one is ``recheck_at`` (None: none).
        The article's status and text are never touched."""

    def save_text_revision(
        self,
        article_id: int,
        change: TextChange,
        *,
        now: datetime,
        previous_text: str,
        text: str,
        recheck_at: datetime | None,
        raw_html: bytes | None = None,
    ) -> bool:
        """A re-check found ``change`` from ``previous_text`` to ``text``: keep the revision
        (with ``previous_text``), make ``text`` the article's text, record ``now`` as the
        last fetch, the next re-check, and the page's raw HTML when given, in one
        transaction. Returns False, writing nothing but the next re-check, when the
        article is gone, no longer extracted or its text is no longer ``previous_text``."""

    def text_history(self, article_id: int) -> list[TextRevision]:
        """Every revision of an article's text, oldest first."""

    def text_histories(self, article_ids: Sequence[int]) -> dict[int, list[TextRevision]]:
        """:meth:`text_history` of several articles (every given id is a key)."""

    def text_revised(self, article_ids: Sequence[int]) -> set[int]:
        """Those of ``article_ids`` whose text has at least one revision (one query)."""

    def iter_raw_pages(self, *, source_id: int | None = None) -> Iterator[tuple[int, str, bytes]]:
        """(article_id, url, raw_html) of every article whose raw HTML is kept."""

    def prune_raw_pages(self, *, older_than: datetime) -> int:
        """Drop raw HTML fetched before ``older_than``; returns how many were dropped."""

    def list_articles(self, *, limit: int = 50, source_id: int | None = None) -> list[Article]:
        """Newest articles first (by published, else first seen)."""

    # --- copy detection (newsdesk.dedup) ---------------------------------------------------
    def fingerprint_index(self, *, write_through: bool = True) -> FingerprintIndex[DocId]:
        """The ``band_key -> article ids`` table as a :class:`FingerprintIndex`.

        ``candidates`` reads by key only (its cost follows the hits, not the table); each
        key keeps at most ``copies.MAX_POSTINGS`` ids. With ``write_through=False``,
        ``add`` does nothing: the caller stores the keys with :meth:`save_copy_decision`,
        in the decision's transaction (the pipeline does)."""

    def dedup_view(self, article_id: int) -> DocView | None:
        """The article as the :class:`~newsdesk.dedup.Deduplicator` looks it up: URL, the
        outlet's registered domain, text, published, title, GUID, the stored attribution
        hints, and its stored ``copy_of`` / ``primary_id`` (None when it is its own
        primary). None when the article is gone."""

    def save_copy_decision(
        self, outcome: DedupOutcome, *, hints: AttributionHints | None = None
    ) -> bool:
        """Store one article's :class:`~newsdesk.dedup.DedupOutcome` in one transaction:
        every ``repoints`` pair (``primary_id`` old -> new on every member), the
        ``revised`` decisions of former primaries, the article's own decision (``primary_id``
        is its own id when it is an original), its attribution ``hints`` and its index
        ``keys``. Returns False, writing nothing, when the article is gone."""

    # --- reading (web and API) -----------------------------------------------------------
    def copy_groups(self, primary_ids: Sequence[int]) -> dict[int, tuple[CopyMember, ...]]:
        """Every stored article whose ``primary_id`` is one of ``primary_ids`` (the primary
        itself included when it still exists), by group, oldest first (sort time, id).
        Groups without any stored member are left out."""

    def copy_shares(self, source_id: int | None = None) -> dict[int, CopyShare]:
        """:class:`CopyShare` of every source having extracted articles (or of one)."""

    def query_articles(
        self, query: ArticleQuery, *, limit: int = 50, after: ArticleCursor | None = None
    ) -> ArticlePage:
        """Articles matching ``query``, newest first by (published else first seen, id),
        strictly after ``after``: keyset pagination that stays stable while new articles
        arrive (they sort before the cursor, so no page shifts)."""

    def title_history(self, article_id: int) -> list[TitleRevision]:
        """Every headline of an article with the time it was first seen, oldest first."""

    def source_volume(self, source_id: int, *, since: datetime) -> list[VolumePoint]:
        """Articles per UTC day of one source from ``since`` on; days without any omitted."""

    def activity(self, *, since: datetime) -> Activity:
        """Counts of what happened at or after ``since`` (for fetch rates)."""

    def facets(self, *, recent: int = 2000) -> Facets:
        """Languages and topics among the ``recent`` newest articles, countries of sources."""

    # --- stories (newsdesk.stories) --------------------------------------------------------
    def story_input(self, article_id: int) -> StoryInput | None:
        """The article as story clustering takes it (see :class:`StoryInput`); None when
        the article is gone."""

    def save_story_assignment(
        self,
        assignment: Assignment,
        states: Sequence[StoryState] = (),
        *,
        now: datetime,
    ) -> int | None:
        """Store one :class:`~newsdesk.stories.Assignment` in one transaction: the
        articles of every ``merged`` story move to ``assignment.story_id`` (the merged rows
        stay as ``merged`` with ``merged_into``, and stories merged into them earlier point
        to the survivor), the article's story, score and assignment number, the given
        ``states`` (headline, status, languages, cross-lingual links, stored both ways),
        and the figures of every story touched, recounted from its articles (a story left
        without articles is deleted). A copy joining its original's story is an Assignment
        with ``states=()``.

        Returns the assignment's number (``story_seq``): a new one, increasing, unless the
        article already had one (a replay keeps its place). None, writing nothing, when
        the article is gone. Story ids must be article ids (digits), else StoreError."""

    def story_assignments_after(self, seq: int, *, limit: int = 1000) -> list[tuple[int, int]]:
        """``(story_seq, article_id)`` of the assignments numbered above ``seq``, in order:
        what a snapshot taken at ``seq`` does not include."""

    def last_story_seq(self) -> int:
        """The highest assignment number in use (0 when no article is in a story)."""

    def unassigned_articles(
        self,
        *,
        after_id: int = 0,
        limit: int = 500,
        arrived_since: datetime | None = None,
        extracted_since: datetime | None = None,
    ) -> list[int]:
        """Ids of extracted articles (status ``ok``) in no story, by id (arrival order),
        above ``after_id``; ``arrived_since`` bounds first seen, ``extracted_since`` the
        extraction time."""

    def load_cluster_state(self) -> ClusterSnapshot | None:
        """The clusterer's last saved state, every story in it (in its ``order``), None
        when there is none (or after a reset). Raises StoreError when the saved state
        cannot be read back."""

    def save_cluster_state(self, data: dict[str, Any], *, seq: int, now: datetime) -> None:
        """Keep ``data`` (a :meth:`StoryClusterer.snapshot`, JSON-serialisable) as the
        clusterer's state including every assignment numbered up to ``seq``; replaces the
        last one. Its ``stories`` are kept one row each: a partial snapshot (``partial``)
        replaces the rows of its changed stories and deletes its ``gone`` ones, a whole one
        replaces them all. Raises StoreError for a partial snapshot without ``order``."""

    def reset_stories(self, *, now: datetime, since: datetime | None = None) -> int:
        """Forget story assignments for a re-clustering; articles are otherwise untouched.

        Without ``since``: every assignment, story, link and the saved state. With it: the
        assignments of articles first seen at or after ``since``; the stories they leave
        are recounted (deleted when empty, headline taken from a remaining article when
        its own left) and the saved state is dropped. Returns the articles unassigned."""

    def mark_dormant_stories(self, *, before: datetime) -> int:
        """Active stories last updated before ``before`` become ``dormant``; returns how
        many."""

    def story(self, story_id: int) -> StoryRecord | None:
        """One story with its links, merged ones included (follow ``merged_into``)."""

    def story_articles(
        self, story_id: int, *, limit: int = 50, after: ArticleCursor | None = None
    ) -> ArticlePage:
        """A story's articles, copies included (their ``copy_of``/``primary_id`` let a page
        fold them), newest first by (published else first seen, id), keyset-paginated as
        :meth:`query_articles` (index ``ix_articles_story_newest``)."""

    def article_stories(self, article_ids: Sequence[int]) -> dict[int, int]:
        """``article id -> story id`` for the given articles that are in a story."""

    def top_stories(
        self,
        *,
        now: datetime,
        limit: int = 20,
        since: datetime | None = None,
        language: str | None = None,
        country: str | None = None,
        after: StoryCursor | None = None,
    ) -> list[StoryRecord]:
        """The front page of stories: those (not merged) last updated at or after
        ``since`` (default: 48 hours before ``now``), ranked by breadth (distinct outlets
        plus distinct countries, copies counted once) halved every 12 hours
        (``newsdesk.store.stories.HALF_LIFE_HOURS``) since the last update; ties newest
        first. ``language`` matches the story's language
        exactly or as a prefix (``en`` matches ``en-GB``); ``country`` keeps stories with
        an article from a source of that country. Each record's ``score`` is its rank.

        ``after`` pages on: the ranking is taken at ``after.at`` (``now`` is ignored), and
        only stories ranked below the cursor and not written since ``after.at`` come, so a
        page never shifts while stories grow (a story updated meanwhile is on the first
        page again)."""

    def stories(self, story_ids: Sequence[int]) -> dict[int, StoryRecord]:
        """The given stories with their links, by id (unknown ids left out)."""

    def story_leads(
        self, story_ids: Sequence[int], *, per_story: int = 4
    ) -> dict[int, tuple[Article, ...]]:
        """For each story, its earliest original (not a copy) of each outlet, the first
        ``per_story`` outlets by time (published, else first seen; then id): the first is
        the story's primary source, the others its first other outlets. One query."""

    def title_histories(self, article_ids: Sequence[int]) -> dict[int, list[TitleRevision]]:
        """:meth:`title_history` of several articles in one query (every given id is a
        key; an unknown one has an empty list)."""

    # --- health -------------------------------------------------------------------------
    def record_event(
        self,
        *,
        now: datetime,
        kind: str,
        message: str,
        source_id: int | None = None,
        article_id: int | None = None,
    ) -> None:
        """Keep an error or notable event for the status page."""

    def recent_events(self, *, limit: int = 50) -> list[dict[str, object]]: ...

    def stats(self, *, since: datetime | None = None) -> StoreStats:
        """Counts, and ``errors_by_kind``: events at or after ``since``, by kind.

        Without ``since`` the window is the 24 hours before the newest event (the store
        does not read the clock)."""

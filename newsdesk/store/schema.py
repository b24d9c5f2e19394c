"""The tables as SQLAlchemy Core sees them at run time, and the column types they need.

The schema itself is created and changed only by the Alembic revisions in ``migrations/``;
these definitions must describe the head revision (the contract tests check they agree).

Two types paper over dialect differences:

* :class:`UtcDateTime` — SQLite keeps no time zone, so values are stored as naive UTC text and
  given ``tzinfo=UTC`` back on the way out; PostgreSQL uses ``timestamptz``. Naive datetimes
  are refused: every datetime crossing the store is timezone-aware UTC.
* :class:`CleanText` — PostgreSQL refuses NUL characters in text; they are dropped on both
  backends so a stray ``\\x00`` in a page cannot make an article unsaveable (and a lone
  UTF-16 surrogate, which no UTF-8 encoder takes, becomes U+FFFD).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from newsdesk.normalize.jsondata import without_lone_surrogates

__all__ = [
    "ARTICLE_STATUSES",
    "STORY_STATUSES",
    "CleanText",
    "UtcDateTime",
    "article_revisions",
    "article_titles",
    "articles",
    "cluster_snapshots",
    "cluster_stories",
    "dedup_keys",
    "entry_keys",
    "events",
    "metadata",
    "raw_pages",
    "sources",
    "stories",
    "story_links",
    "tombstones",
]

ARTICLE_STATUSES = ("pending", "ok", "failed")
STORY_STATUSES = ("active", "dormant", "merged")


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the store takes timezone-aware UTC")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite's DATETIME is text without an offset: store UTC wall time, which also
            # keeps the text ordering equal to time ordering.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class CleanText(sa.types.TypeDecorator[str]):
    """Text without NUL characters (PostgreSQL cannot store them) and with any lone UTF-16
    surrogate as U+FFFD (no UTF-8 encoder takes one; the parsers replace them already)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if "\x00" in value:
            value = value.replace("\x00", "")
        return without_lone_surrogates(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else str(value)


# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

metadata = sa.MetaData()

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("title", CleanText, nullable=False, server_default=""),
    sa.Column("site_url", sa.Text),
    sa.Column("country", sa.String(8)),
    sa.Column("language", sa.String(35)),
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("disabled_reason", CleanText),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("interval_seconds", sa.Integer, nullable=False, server_default="3600"),
    sa.Column("next_poll", UtcDateTime, nullable=False),
    sa.Column("last_polled", UtcDateTime),
    sa.Column("last_success", UtcDateTime),
    sa.Column("last_error", CleanText),
    sa.Column("last_error_kind", sa.String(64)),
    sa.Column("last_error_at", UtcDateTime),
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index("ix_sources_due", "enabled", "next_poll"),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column(
        "source_id",
        BigId,
        sa.ForeignKey("sources.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("guid", sa.Text),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("canonical_url", sa.Text),
    sa.Column("title", CleanText, nullable=False, server_default=""),
    sa.Column("summary", CleanText, nullable=False, server_default=""),
    sa.Column("text", CleanText, nullable=False, server_default=""),
    sa.Column("published", UtcDateTime),
    sa.Column("modified", UtcDateTime),
    sa.Column("authors", sa.JSON, nullable=False),
    sa.Column("categories", sa.JSON, nullable=False),
    sa.Column("language", sa.String(35)),
    sa.Column("site_name", CleanText),
    sa.Column("image", sa.Text),
    sa.Column("description", CleanText),
    sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("error", CleanText),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("first_seen", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("extracted_at", UtcDateTime),
    sa.Column("content_hash", sa.String(64)),
    # Copy detection (newsdesk.dedup): the stored CopyDecision and the page's attribution
    # hints (AttributionHints.as_dict()), which later articles' decisions read back.
    # No foreign keys: a copy may outlive its original (readers treat a gone id as none).
    sa.Column("copy_of", BigId),
    sa.Column("primary_id", BigId),
    sa.Column("copy_confidence", sa.Float),
    sa.Column("copy_kind", sa.String(16)),
    sa.Column("copy_reasons", sa.JSON),
    sa.Column("primary_source", CleanText),
    sa.Column("attribution", sa.JSON),
    # Stories (newsdesk.stories, revision 0004): the article's story, the join score, and
    # the assignment's number in the order assignments were made (the clusterer's snapshot
    # records the last number it includes; a restart replays the later ones).
    sa.Column("story_id", BigId),
    sa.Column("story_score", sa.Float),
    sa.Column("story_seq", sa.BigInteger),
    sa.Column("story_assigned_at", UtcDateTime),
    # Text revisions (revision 0007): when the page was last fetched (first extraction or
    # re-check), and when it is due to be fetched again (the revisit schedule, or a change
    # of its feed entry); NULL: no re-check is due.
    sa.Column("checked_at", UtcDateTime),
    sa.Column("recheck_at", UtcDateTime),
    sa.CheckConstraint("status IN ('pending', 'ok', 'failed')", name="ck_articles_status"),
    sa.Index("ix_articles_source_id", "source_id"),
    sa.Index("ix_articles_canonical_url", "canonical_url"),
    sa.Index("ix_articles_status_id", "status", "id"),
    sa.Index("ix_articles_content_hash", "content_hash"),
    sa.Index("ix_articles_primary_id", "primary_id"),
    sa.Index("ix_articles_story_seq", "story_seq", unique=True),
    sa.Index("ix_articles_recheck_at", "recheck_at"),
    sa.Index("ix_articles_checked_at", "checked_at"),  # revision 0008: the status page
    sa.Index("ix_articles_first_seen", "first_seen"),  # revision 0009: the status page
    sa.Index("ix_articles_extracted_at", "extracted_at"),  # revision 0009
)

# list_articles: newest first by published, else first seen. On SQLite (revision 0008) it
# also carries source_id, primary_id, language and categories, so filtered lists test rows
# without reading their texts; SQLite cannot reflect expression indexes, PostgreSQL has this.
sa.Index(
    "ix_articles_newest",
    sa.func.coalesce(articles.c.published, articles.c.first_seen),
    articles.c.id,
)
# query_articles for one source (source pages and feeds): the same order, within a source.
sa.Index(
    "ix_articles_source_newest",
    articles.c.source_id,
    sa.func.coalesce(articles.c.published, articles.c.first_seen),
    articles.c.id,
)

# A story's articles, newest first (story pages), and the repointing of a merged story.
sa.Index(
    "ix_articles_story_newest",
    articles.c.story_id,
    sa.func.coalesce(articles.c.published, articles.c.first_seen),
    articles.c.id,
)

entry_keys = sa.Table(
    "entry_keys",
    metadata,
    sa.Column(
        "source_id",
        BigId,
        sa.ForeignKey("sources.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column(
        "article_id",
        BigId,
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.PrimaryKeyConstraint("source_id", "key", name="pk_entry_keys"),
    sa.Index("ix_entry_keys_article_id", "article_id"),
)

# The copy-detection index (newsdesk.dedup.FingerprintIndex): LSH band and exact keys
# (63-bit, so they fit a signed BIGINT) -> article ids; looked up by the primary key only.
dedup_keys = sa.Table(
    "dedup_keys",
    metadata,
    sa.Column("band_key", sa.BigInteger, nullable=False),
    sa.Column(
        "article_id",
        BigId,
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.PrimaryKeyConstraint("band_key", "article_id", name="pk_dedup_keys"),
    sa.Index("ix_dedup_keys_article_id", "article_id"),
    sqlite_with_rowid=False,
)

article_titles = sa.Table(
    "article_titles",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column(
        "article_id",
        BigId,
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("title", CleanText, nullable=False),
    sa.Column("seen_at", UtcDateTime, nullable=False),
    sa.Index("ix_article_titles_article_id", "article_id", "id"),
)

# Text revisions (revision 0007): one row per meaningful change of an extracted article's
# text found by a re-check (newsdesk.revisions.TextChange). ``previous_text`` is the text
# it replaced: kept for the record, never shown (pages and the API show capped passages).
article_revisions = sa.Table(
    "article_revisions",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column(
        "article_id",
        BigId,
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("seen_at", UtcDateTime, nullable=False),
    sa.Column("words_before", sa.Integer, nullable=False),
    sa.Column("words_after", sa.Integer, nullable=False),
    sa.Column("words_added", sa.Integer, nullable=False),
    sa.Column("words_removed", sa.Integer, nullable=False),
    sa.Column("added", sa.JSON, nullable=False),
    sa.Column("removed", sa.JSON, nullable=False),
    sa.Column("previous_text", CleanText, nullable=False),
    sa.Index("ix_article_revisions_article_id", "article_id", "id"),
)

raw_pages = sa.Table(
    "raw_pages",
    metadata,
    sa.Column(
        "article_id",
        BigId,
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("fetched_at", UtcDateTime, nullable=False),
    sa.Column("encoding", sa.String(8), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Index("ix_raw_pages_fetched_at", "fetched_at"),
)

tombstones = sa.Table(
    "tombstones",
    metadata,
    sa.Column(
        "source_id",
        BigId,
        sa.ForeignKey("sources.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("reason", CleanText, nullable=False, server_default=""),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("source_id", "key", name="pk_tombstones"),
)

# Events are a log: they may outlive the source or article they mention, so no foreign keys.
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("message", CleanText, nullable=False, server_default=""),
    sa.Column("source_id", BigId),
    sa.Column("article_id", BigId),
    sa.Index("ix_events_at", "at"),
)

# Stories (newsdesk.stories): one row per story, written from the clusterer's StoryState and
# the story's stored articles. ``id`` is the id of the story's first article (no foreign key:
# a story outlives that article). ``outlets`` (source ids), ``countries`` and their counts
# leave copies out, so a re-published wire story adds no breadth; ``size`` counts every
# article, ``copies`` the copies among them. ``languages`` spans cross-lingual links.
stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=False),
    sa.Column("language", sa.String(35)),
    sa.Column("headline", CleanText, nullable=False, server_default=""),
    sa.Column("headline_article_id", BigId),
    sa.Column("first_seen", UtcDateTime),
    sa.Column("last_update", UtcDateTime),
    sa.Column("size", sa.Integer, nullable=False, server_default="0"),
    sa.Column("copies", sa.Integer, nullable=False, server_default="0"),
    sa.Column("outlets", sa.JSON, nullable=False),
    sa.Column("countries", sa.JSON, nullable=False),
    sa.Column("languages", sa.JSON, nullable=False),
    sa.Column("outlet_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("country_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("status", sa.String(16), nullable=False, server_default="active"),
    sa.Column("merged_into", BigId),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    # newsdesk.store.stories.rank_key: the front page's order, read off ix_stories_rank_key
    sa.Column("rank_key", sa.Float),
    sa.CheckConstraint("status IN ('active', 'dormant', 'merged')", name="ck_stories_status"),
    sa.Index("ix_stories_last_update", "last_update"),
    sa.Index("ix_stories_merged_into", "merged_into"),
    sa.Index("ix_stories_rank_key", "rank_key"),
)

# Cross-lingual links, one row per direction (the clusterer keeps them on both stories):
# ``other_id`` reports the same event in ``language`` with ``confidence``.
story_links = sa.Table(
    "story_links",
    metadata,
    sa.Column("story_id", BigId, nullable=False),
    sa.Column("other_id", BigId, nullable=False),
    sa.Column("language", sa.String(35)),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("story_id", "other_id", name="pk_story_links"),
    sa.Index("ix_story_links_other_id", "other_id"),
)

# The clusterer's saved state (StoryClusterer.snapshot(), JSON compressed like raw pages)
# and ``seq``, the last assignment number it includes. A row of its own, apart from any
# row written per article: SQLite rewrites a whole record on update, blob included.
cluster_snapshots = sa.Table(
    "cluster_snapshots",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("encoding", sa.String(8), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("saved_at", UtcDateTime, nullable=False),
)

# Each live story of the saved clusterer state, apart (its ``Story.to_dict()`` as orjson):
# a save writes only the stories changed since the last one. The snapshot row keeps the
# rest, and the live stories' ids in order.
cluster_stories = sa.Table(
    "cluster_stories",
    metadata,
    sa.Column("story_id", sa.String(64), primary_key=True),
    sa.Column("body", sa.LargeBinary, nullable=False),
)

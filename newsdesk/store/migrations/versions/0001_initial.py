"""The first schema: sources, articles and their identity, history, raw pages and events.

Revision ID: 0001
Revises:
Create Date: 2026-11-29

Revisions are frozen: they spell out their own column types instead of importing
``newsdesk.store.schema``, which describes only the newest revision.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# INTEGER PRIMARY KEY is SQLite's rowid alias (autoincrementing); 64-bit ids elsewhere.
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts(name: str, *, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("site_url", sa.Text),
        sa.Column("country", sa.String(8)),
        sa.Column("language", sa.String(35)),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("disabled_reason", sa.Text),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("interval_seconds", sa.Integer, nullable=False, server_default="3600"),
        _ts("next_poll", nullable=False),
        _ts("last_polled"),
        _ts("last_success"),
        sa.Column("last_error", sa.Text),
        sa.Column("last_error_kind", sa.String(64)),
        _ts("last_error_at"),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        _ts("created_at", nullable=False),
        sa.UniqueConstraint("url", name="uq_sources_url"),
    )
    op.create_index("ix_sources_due", "sources", ["enabled", "next_poll"])

    op.create_table(
        "articles",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column(
            "source_id",
            _ID,
            sa.ForeignKey("sources.id", ondelete="CASCADE", name="fk_articles_source_id"),
            nullable=False,
        ),
        sa.Column("guid", sa.Text),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("canonical_url", sa.Text),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        _ts("published"),
        _ts("modified"),
        sa.Column("authors", sa.JSON, nullable=False),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("language", sa.String(35)),
        sa.Column("site_name", sa.Text),
        sa.Column("image", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("error", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        _ts("first_seen", nullable=False),
        _ts("updated_at", nullable=False),
        _ts("extracted_at"),
        sa.Column("content_hash", sa.String(64)),
        sa.CheckConstraint("status IN ('pending', 'ok', 'failed')", name="ck_articles_status"),
    )
    op.create_index("ix_articles_source_id", "articles", ["source_id"])
    op.create_index("ix_articles_canonical_url", "articles", ["canonical_url"])
    op.create_index("ix_articles_status_id", "articles", ["status", "id"])
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"])
    op.create_index(
        "ix_articles_newest", "articles", [sa.text("coalesce(published, first_seen)"), "id"]
    )

    op.create_table(
        "entry_keys",
        sa.Column(
            "source_id",
            _ID,
            sa.ForeignKey("sources.id", ondelete="CASCADE", name="fk_entry_keys_source_id"),
            nullable=False,
        ),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column(
            "article_id",
            _ID,
            sa.ForeignKey("articles.id", ondelete="CASCADE", name="fk_entry_keys_article_id"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("source_id", "key", name="pk_entry_keys"),
    )
    op.create_index("ix_entry_keys_article_id", "entry_keys", ["article_id"])

    op.create_table(
        "article_titles",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column(
            "article_id",
            _ID,
            sa.ForeignKey("articles.id", ondelete="CASCADE", name="fk_article_titles_article_id"),
            nullable=False,
        ),
        sa.Column("title", sa.Text, nullable=False),
        _ts("seen_at", nullable=False),
    )
    op.create_index("ix_article_titles_article_id", "article_titles", ["article_id", "id"])

    op.create_table(
        "raw_pages",
        sa.Column(
            "article_id",
            _ID,
            sa.ForeignKey("articles.id", ondelete="CASCADE", name="fk_raw_pages_article_id"),
            primary_key=True,
            autoincrement=False,
        ),
        _ts("fetched_at", nullable=False),
        sa.Column("encoding", sa.String(8), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_raw_pages_fetched_at", "raw_pages", ["fetched_at"])

    op.create_table(
        "tombstones",
        sa.Column(
            "source_id",
            _ID,
            sa.ForeignKey("sources.id", ondelete="CASCADE", name="fk_tombstones_source_id"),
            nullable=False,
        ),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        _ts("created_at", nullable=False),
        sa.PrimaryKeyConstraint("source_id", "key", name="pk_tombstones"),
    )

    op.create_table(
        "events",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        _ts("at", nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("source_id", _ID),
        sa.Column("article_id", _ID),
    )
    op.create_index("ix_events_at", "events", ["at"])


def downgrade() -> None:
    for table in (
        "events",
        "tombstones",
        "raw_pages",
        "article_titles",
        "entry_keys",
        "articles",
        "sources",
    ):
        op.drop_table(table)

"""Stories: each article's story, the stories themselves, their cross-lingual links and the
clusterer's saved state.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

The assignment is three nullable columns on ``articles`` rather than a table of its own:
an article is in at most one story by construction, a deleted article leaves no stale
assignment behind, and a story's page is an ordinary article list read in the order of
``ix_articles_story_newest`` (the same (time, id) order and cursor as every other list).
``story_seq`` numbers assignments in the order they were made: the clusterer's snapshot
records the last number it includes, and a restart replays the later ones in that order.
Adding nullable columns is cheap on both backends (no table rewrite); existing articles
read as "not assigned yet".

Story ids are the id of the story's first article (``newsdesk.stories``), so they are
article-sized integers; no foreign keys, because a story outlives the deletion of the
article it was named after.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = sa.DateTime(timezone=True)

_COLUMNS = (
    ("story_id", _ID),
    ("story_score", sa.Float()),
    ("story_seq", sa.BigInteger()),
    ("story_assigned_at", _TIME),
)


def upgrade() -> None:
    for name, type_ in _COLUMNS:
        op.add_column("articles", sa.Column(name, type_, nullable=True))
    op.create_index(
        "ix_articles_story_newest",
        "articles",
        ["story_id", sa.text("coalesce(published, first_seen)"), "id"],
    )
    op.create_index("ix_articles_story_seq", "articles", ["story_seq"], unique=True)
    op.create_table(
        "stories",
        sa.Column("id", _ID, primary_key=True, autoincrement=False),
        sa.Column("language", sa.String(35)),
        sa.Column("headline", sa.Text(), nullable=False, server_default=""),
        sa.Column("headline_article_id", _ID),
        sa.Column("first_seen", _TIME),
        sa.Column("last_update", _TIME),
        sa.Column("size", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("copies", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("outlets", sa.JSON(), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("outlet_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("country_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        sa.Column("merged_into", _ID),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.CheckConstraint("status IN ('active', 'dormant', 'merged')", name="ck_stories_status"),
    )
    op.create_index("ix_stories_last_update", "stories", ["last_update"])
    op.create_index("ix_stories_merged_into", "stories", ["merged_into"])
    op.create_table(
        "story_links",
        sa.Column("story_id", _ID, nullable=False),
        sa.Column("other_id", _ID, nullable=False),
        sa.Column("language", sa.String(35)),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("story_id", "other_id", name="pk_story_links"),
    )
    op.create_index("ix_story_links_other_id", "story_links", ["other_id"])
    op.create_table(
        "cluster_snapshots",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("encoding", sa.String(8), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("saved_at", _TIME, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cluster_snapshots")
    op.drop_index("ix_story_links_other_id", table_name="story_links")
    op.drop_table("story_links")
    op.drop_index("ix_stories_merged_into", table_name="stories")
    op.drop_index("ix_stories_last_update", table_name="stories")
    op.drop_table("stories")
    op.drop_index("ix_articles_story_seq", table_name="articles")
    op.drop_index("ix_articles_story_newest", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        for name, _type in reversed(_COLUMNS):
            batch.drop_column(name)

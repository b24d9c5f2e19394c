"""Text revisions: articles are re-checked, and a changed text is kept as a revision.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

Two nullable columns on ``articles``: ``checked_at``, when the page was last fetched (the
first extraction or a re-check), and ``recheck_at``, when it is due to be fetched again
(indexed: the runner reads the due ones off it). ``article_revisions`` holds one row per
meaningful change of a text (:class:`newsdesk.revisions.TextChange`) with the text it
replaced. Existing extracted articles get ``checked_at`` from their extraction time and
no ``recheck_at``: they are re-checked when their feed entry changes.

The downgrade drops the columns in place (``ALTER TABLE ... DROP COLUMN``, SQLite 3.35+)
rather than rebuilding ``articles`` in batch mode, which would lose the full-text
triggers of revision 0005 and the expression indexes SQLite cannot reflect.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("articles", sa.Column("checked_at", _TIME, nullable=True))
    op.add_column("articles", sa.Column("recheck_at", _TIME, nullable=True))
    op.create_index("ix_articles_recheck_at", "articles", ["recheck_at"])
    op.execute("UPDATE articles SET checked_at = extracted_at WHERE status = 'ok'")
    op.create_table(
        "article_revisions",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column(
            "article_id",
            _ID,
            sa.ForeignKey(
                "articles.id", ondelete="CASCADE", name="fk_article_revisions_article_id"
            ),
            nullable=False,
        ),
        sa.Column("seen_at", _TIME, nullable=False),
        sa.Column("words_before", sa.Integer(), nullable=False),
        sa.Column("words_after", sa.Integer(), nullable=False),
        sa.Column("words_added", sa.Integer(), nullable=False),
        sa.Column("words_removed", sa.Integer(), nullable=False),
        sa.Column("added", sa.JSON(), nullable=False),
        sa.Column("removed", sa.JSON(), nullable=False),
        sa.Column("previous_text", sa.Text(), nullable=False),
    )
    op.create_index("ix_article_revisions_article_id", "article_revisions", ["article_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_article_revisions_article_id", table_name="article_revisions")
    op.drop_table("article_revisions")
    op.drop_index("ix_articles_recheck_at", table_name="articles")
    with op.batch_alter_table("articles", recreate="never") as batch:
        batch.drop_column("recheck_at")
        batch.drop_column("checked_at")

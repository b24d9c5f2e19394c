"""Indexes for the status page's counts of the last hour and day.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

``Store.activity`` counts the articles first seen and extracted since a time; without an
index each count read the whole ``articles`` table (on SQLite, through every text's
overflow pages: 0.76 s for the status page at 100,000 articles, and linear in the store).
``ix_articles_first_seen`` and ``ix_articles_extracted_at`` bound them to the window.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_articles_first_seen", "articles", ["first_seen"])
    op.create_index("ix_articles_extracted_at", "articles", ["extracted_at"])


def downgrade() -> None:
    op.drop_index("ix_articles_extracted_at", table_name="articles")
    op.drop_index("ix_articles_first_seen", table_name="articles")

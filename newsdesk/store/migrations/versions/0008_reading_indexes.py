"""Indexes for the reader: filtered lists read on SQLite without touching article texts,
and the status page counts the last day's re-checks off an index.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

SQLite keeps an article's text inside its row, and every column stored after it
(``published``, ``language``, ``categories``, ``primary_id`` ...) is read by walking the
text's overflow pages. A filtered list (``?language=ja&topic=AI``, a search with a
country) walks ``ix_articles_newest`` and tests each row it passes, so it used to read
thousands of texts to show thirty articles (10.7 ms on the 100,000-article benchmark
store, 0.7 ms after). On SQLite ``ix_articles_newest`` therefore also carries the columns
the filters and the copy folding test: ``source_id``, ``primary_id``, ``language`` and
``categories``; rows are read only once they match. PostgreSQL keeps texts out of line
(TOAST) and cannot put a ``json`` column in a B-tree, so its index stays as it was
(``newsdesk.store.schema`` describes that common part).

``ix_articles_checked_at``: re-checks of the last 24 hours (the status page) by range.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEWEST: list[str | sa.TextClause] = [sa.text("coalesce(published, first_seen)"), "id"]
_FILTERED: list[str | sa.TextClause] = ["source_id", "primary_id", "language", "categories"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_articles_newest", table_name="articles")
        op.create_index("ix_articles_newest", "articles", [*_NEWEST, *_FILTERED])
    op.create_index("ix_articles_checked_at", "articles", ["checked_at"])


def downgrade() -> None:
    op.drop_index("ix_articles_checked_at", table_name="articles")
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_articles_newest", table_name="articles")
        op.create_index("ix_articles_newest", "articles", _NEWEST)

"""Stories keep their rank key, so the front page reads its top stories off an index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

``rank_key`` is :func:`newsdesk.store.stories.rank_key`: log2(breadth) plus the last update
in half-lives since the epoch. Ordering by it is ordering by breadth halved every half-life
since the last update, at any "now" (the "hot" ranking trick), so ``top_stories`` is an
index scan with a LIMIT instead of a sort in Python of every story in the window. Existing
stories get theirs here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HALF_LIFE_HOURS = 12.0  # as newsdesk.store.stories.HALF_LIFE_HOURS at this revision


def upgrade() -> None:
    op.add_column("stories", sa.Column("rank_key", sa.Float(), nullable=True))
    op.create_index("ix_stories_rank_key", "stories", ["rank_key"])
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, outlet_count, country_count, last_update FROM stories")
    ).all()
    for row in rows:
        last = row.last_update
        if last is None:
            continue
        if isinstance(last, str):  # SQLite hands back text
            last = datetime.fromisoformat(last)
        if last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        breadth = max(int(row.outlet_count) + int(row.country_count), 1e-9)
        key = math.log2(breadth) + last.timestamp() / 3600.0 / HALF_LIFE_HOURS
        bind.execute(
            sa.text("UPDATE stories SET rank_key = :key WHERE id = :id"),
            {"key": key, "id": row.id},
        )


def downgrade() -> None:
    op.drop_index("ix_stories_rank_key", table_name="stories")
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("rank_key")

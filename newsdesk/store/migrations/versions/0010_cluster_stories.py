"""The clusterer's live stories saved one row each.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

The story desk saved the whole clusterer state as one blob every 500 assignments: every
live story's vectors (~75 MB of JSON with 8,000 live stories), whatever had changed.
``cluster_stories`` keeps each live story apart, so a save writes only the stories changed
since the previous one; ``cluster_snapshots`` keeps the rest of the state. A snapshot saved
before this revision (stories inside the blob) is still read; the next save moves them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cluster_stories",
        sa.Column("story_id", sa.String(64), primary_key=True),
        sa.Column("body", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cluster_stories")

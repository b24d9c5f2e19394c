"""Copy detection: the band-key index and each article's copy decision.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

``dedup_keys`` is the store's :class:`newsdesk.dedup.FingerprintIndex` (``band_key ->
article ids``, read by primary key only; ``WITHOUT ROWID`` on SQLite). The new article
columns hold the :class:`newsdesk.dedup.CopyDecision` and the page's attribution hints; all
are nullable, so existing rows read as "not decided yet".
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_COLUMNS = (
    ("copy_of", _ID),
    ("primary_id", _ID),
    ("copy_confidence", sa.Float()),
    ("copy_kind", sa.String(16)),
    ("copy_reasons", sa.JSON()),
    ("primary_source", sa.Text()),
    ("attribution", sa.JSON()),
)


def upgrade() -> None:
    for name, type_ in _COLUMNS:
        op.add_column("articles", sa.Column(name, type_, nullable=True))
    op.create_index("ix_articles_primary_id", "articles", ["primary_id"])
    op.create_table(
        "dedup_keys",
        sa.Column("band_key", sa.BigInteger, nullable=False),
        sa.Column(
            "article_id",
            _ID,
            sa.ForeignKey("articles.id", ondelete="CASCADE", name="fk_dedup_keys_article_id"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("band_key", "article_id", name="pk_dedup_keys"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_dedup_keys_article_id", "dedup_keys", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_dedup_keys_article_id", table_name="dedup_keys")
    op.drop_table("dedup_keys")
    op.drop_index("ix_articles_primary_id", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        for name, _type in reversed(_COLUMNS):
            batch.drop_column(name)

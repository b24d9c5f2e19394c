"""Statements of the per-article path, built once.

Building a SQLAlchemy statement (``sa.select(...).where(...)``) costs about three times as
much as executing it against SQLite, and the ingest path runs some thirty statements an
article. The hot ones are therefore module constants taking :func:`sqlalchemy.bindparam`
values, and the dialect-specific upserts are built here once per dialect and cached.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from newsdesk.store.schema import articles, sources

__all__ = ["UPDATE_ARTICLE", "UPDATE_SOURCE", "insert_ignore", "upsert"]

#: ``UPDATE articles SET ... WHERE id = :aid``: SET takes the columns named by the
#: parameters given with it (all but ``aid``).
UPDATE_ARTICLE = sa.update(articles).where(articles.c.id == sa.bindparam("aid"))
#: ``UPDATE sources SET ... WHERE id = :sid``, likewise.
UPDATE_SOURCE = sa.update(sources).where(sources.c.id == sa.bindparam("sid"))

_cache: dict[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], sa.Executable] = {}


def _insert(conn: Connection, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
    return postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)


def upsert(
    conn: Connection, table: sa.Table, keys: Sequence[str], columns: Sequence[str]
) -> sa.Executable:
    """``INSERT ... ON CONFLICT (keys) DO UPDATE SET`` each of ``columns`` to the inserted
    value; executed with one dict of parameters (or a list of them) naming every column."""
    key = (conn.dialect.name, "upsert", table.name, tuple(keys), tuple(columns))
    stmt = _cache.get(key)
    if stmt is None:
        insert = _insert(conn, table)
        stmt = _cache[key] = insert.on_conflict_do_update(
            index_elements=[table.c[k] for k in keys],
            set_={name: insert.excluded[name] for name in columns},
        )
    return stmt


def insert_ignore(conn: Connection, table: sa.Table, keys: Sequence[str]) -> sa.Executable:
    """``INSERT ... ON CONFLICT (keys) DO NOTHING``, parameters as for :func:`upsert`."""
    key = (conn.dialect.name, "ignore", table.name, tuple(keys), ())
    stmt = _cache.get(key)
    if stmt is None:
        stmt = _cache[key] = _insert(conn, table).on_conflict_do_nothing(
            index_elements=[table.c[k] for k in keys]
        )
    return stmt

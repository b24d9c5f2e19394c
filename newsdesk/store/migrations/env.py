"""Alembic environment for the newsdesk store.

The application runs migrations through :meth:`newsdesk.store.sql.SqlStore.migrate`, which
hands its own open connection over in ``config.attributes["connection"]``, so the migration
runs on the store's engine (SQLite pragmas included) inside the store's transaction. The
alembic command line, used by developers to write revisions, gets an engine of its own from
``NEWSDESK_DATABASE_URL`` or ``sqlalchemy.url`` in ``alembic.ini``.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import context
from sqlalchemy.engine import Connection


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        # SQLite can only ALTER a table by copying it: let later revisions use batch mode.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if isinstance(connection, Connection):
        _run(connection)
        return
    url = os.environ.get("NEWSDESK_DATABASE_URL") or context.config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise RuntimeError("no database: set NEWSDESK_DATABASE_URL or sqlalchemy.url")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (--sql) migrations are not supported")
run_migrations()

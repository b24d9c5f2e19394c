"""Engines for the two supported databases, with every dialect difference of setup kept here.

SQLite: each connection gets WAL, ``foreign_keys=ON``, a busy timeout and
``synchronous=NORMAL``. The stdlib driver's own implicit transaction handling is switched off
and SQLAlchemy's ``begin`` emits ``BEGIN`` itself: ``BEGIN IMMEDIATE`` for connections marked
with the ``newsdesk_write`` execution option, so a writer takes the write lock up front and
waits for it (busy timeout) instead of failing when a read transaction cannot be upgraded.

PostgreSQL: a pooled psycopg 3 engine; a bare ``postgresql://`` URL means psycopg too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine

from newsdesk.errors import StoreError

__all__ = ["WRITE", "make_engine", "parse_url", "sqlite_path"]

WRITE = "newsdesk_write"
"""Execution option marking a connection that will write (SQLite: ``BEGIN IMMEDIATE``)."""

SQLITE_BUSY_TIMEOUT_MS = 10_000


def parse_url(url: str) -> URL:
    """The database URL, with a bare ``postgresql://`` mapped to the psycopg 3 driver.

    Raises :class:`StoreError` for a malformed URL or a database other than SQLite and
    PostgreSQL.
    """
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"unsupported database {backend!r}: use sqlite:// or postgresql://")
    return parsed


def sqlite_path(url: URL) -> Path | None:
    """The database file of a SQLite URL, or None for in-memory databases and non-SQLite."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: URL) -> Engine:
    """An engine for ``url`` with the connection setup described in the module docstring."""
    if url.get_backend_name() == "sqlite":
        engine = sa.create_engine(url)
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(
        url,
        pool_size=5,
        max_overflow=10,
        pool_pre_ping=True,
        pool_recycle=1800,
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (below) rather than the driver decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

"""Storage: the :class:`Store` protocol and its SQLAlchemy implementation.

``open_store(url)`` is the one way the application gets a store: it makes the SQLite
database's folder if needed, brings the schema up to date and returns the store.
"""

from __future__ import annotations

from newsdesk.errors import StoreError
from newsdesk.store.base import EntryWrite, Store, StoreStats, UpsertResult
from newsdesk.store.engine import parse_url, sqlite_path
from newsdesk.store.sql import SqlStore

__all__ = ["EntryWrite", "SqlStore", "Store", "StoreStats", "UpsertResult", "open_store"]


def open_store(url: str) -> SqlStore:
    """A migrated store for ``url`` (``sqlite:///path/to/db`` or ``postgresql+psycopg://``).

    Raises :class:`StoreError` if the URL is unusable, the folder cannot be made or the
    database cannot be reached or migrated.
    """
    path = sqlite_path(parse_url(url))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the database folder {path.parent}: {exc}") from exc
    store = SqlStore(url)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store

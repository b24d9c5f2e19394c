"""Revision 0008: the reader's indexes, up and down, on every backend."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from newsdesk.store import open_store
from newsdesk.store.base import ArticleQuery
from newsdesk.store.sql import MIGRATIONS, SqlStore
from tests.integration.store.test_store_reading import fill


def newest_index_sql(store: SqlStore) -> str | None:
    """SQLite's definition of ix_articles_newest (None on PostgreSQL)."""
    with store._engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            return None
        found: str = conn.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE name = 'ix_articles_newest'")
        ).scalar_one()
        return found


def index_names(store: SqlStore) -> set[str]:
    catalog = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if store.url.get_backend_name() == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
    )
    with store._engine.connect() as conn:
        return set(conn.execute(sa.text(catalog)).scalars())


def test_filtered_lists_are_read_off_the_wider_index_and_0008_goes_down_and_up(
    db_url: str,
) -> None:
    if db_url.startswith("sqlite:///"):
        Path(db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    store = open_store(db_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    try:
        fill(store)
        query = ArticleQuery(language="en", topic="Politics", fold_copies=True)
        expected = [a.id for a in store.query_articles(query).articles]
        assert expected  # the filter finds something, through the index
        assert "ix_articles_checked_at" in index_names(store)
        sql = newest_index_sql(store)
        if sql is not None:
            assert "categories" in sql and "primary_id" in sql
            with store._engine.connect() as conn:
                plan = " ".join(
                    str(r[3])
                    for r in conn.exec_driver_sql(
                        "EXPLAIN QUERY PLAN SELECT id FROM articles WHERE language = 'en' "
                        "ORDER BY coalesce(published, first_seen) DESC, id DESC LIMIT 5"
                    )
                )
            assert "USING INDEX ix_articles_newest" in plan

        with store._write() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0007")
        assert "ix_articles_checked_at" not in index_names(store)
        sql = newest_index_sql(store)
        if sql is not None:
            assert "categories" not in sql and "coalesce(published, first_seen)" in sql
        assert [a.id for a in store.query_articles(query).articles] == expected

        store.migrate()
        assert "ix_articles_checked_at" in index_names(store)
        assert [a.id for a in store.query_articles(query).articles] == expected
    finally:
        store.close()

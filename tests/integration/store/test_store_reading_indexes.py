"""Revision 0008: the reader's indexes, up and down, on every backend."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypedDict

import sqlalchemy as sa

from newsdesk.store.base import ArticleQuery
from newsdesk.store.schema import stories
from newsdesk.store.sql import SqlStore
from newsdesk.store.stories import rank_key
from tests.integration.store.conftest import downgrade, fresh_store
from tests.integration.store.test_store_reading import NOW, fill


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
    store = fresh_store(db_url)
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

        downgrade(store, "0007")
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


class StoryRow(TypedDict):
    """One row of the ``stories`` table, as the ranking test inserts it."""

    id: int
    headline: str
    first_seen: datetime
    last_update: datetime
    outlets: list[int]
    countries: list[str]
    languages: list[str]
    outlet_count: int
    updated_at: datetime
    rank_key: float


def test_top_stories_walk_the_ranking_index_unless_filtered(store: SqlStore) -> None:
    """Unfiltered, the front page's stories are read off ix_stories_rank_key: with the
    statistics of a month of stories SQLite would otherwise range-scan the window by
    ix_stories_last_update and sort it all."""
    if store.url.get_backend_name() != "sqlite":
        return  # PostgreSQL plans by its own statistics
    rows: list[StoryRow] = []
    for i in range(3000):
        at = NOW - timedelta(minutes=15 * i)
        breadth = 1 + i % 7
        key = rank_key(breadth, at)
        assert key is not None
        rows.append(
            {
                "id": i + 1,
                "headline": f"Story {i}",
                "first_seen": at,
                "last_update": at,
                "outlets": list(range(breadth)),
                "countries": [],
                "languages": ["en"],
                "outlet_count": breadth,
                "updated_at": at,
                "rank_key": key,
            }
        )
    with store._write() as conn:
        conn.execute(sa.insert(stories), rows)
        conn.exec_driver_sql("ANALYZE")
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "FROM stories" in statement:
            seen.append((statement, params))

    sa.event.listen(store._engine, "before_cursor_execute", record)
    try:
        top = store.top_stories(now=NOW, limit=5)
    finally:
        sa.event.remove(store._engine, "before_cursor_execute", record)
    with store._engine.connect() as conn:
        statement, params = seen[0]
        plan = " ".join(
            str(r[3]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
        )
    assert "ix_stories_rank_key" in plan
    # the ranking itself: breadth halved every 12 hours, newest first among equals
    window = [r for r in rows if r["last_update"] >= NOW - timedelta(hours=48)]
    window.sort(key=lambda r: (-r["rank_key"], -r["last_update"].timestamp(), -r["id"]))
    assert [s.id for s in top] == [r["id"] for r in window[:5]]


def test_activity_counts_are_read_off_indexes_and_0009_goes_down_and_up(db_url: str) -> None:
    store = fresh_store(db_url)
    try:
        fill(store)
        since = NOW - timedelta(days=365)
        expected = store.activity(since=since)
        assert expected.articles_new > 0
        assert {"ix_articles_first_seen", "ix_articles_extracted_at"} <= index_names(store)
        if store.url.get_backend_name() == "sqlite":
            with store._engine.connect() as conn:
                for column in ("first_seen", "extracted_at"):
                    plan = " ".join(
                        str(r[3])
                        for r in conn.exec_driver_sql(
                            f"EXPLAIN QUERY PLAN SELECT count(*) FROM articles "
                            f"WHERE {column} >= '2026-01-01'"
                        )
                    )
                    assert f"ix_articles_{column}" in plan, plan

        downgrade(store, "0008")
        assert not {"ix_articles_first_seen", "ix_articles_extracted_at"} & index_names(store)
        assert store.activity(since=since) == expected

        store.migrate()
        assert {"ix_articles_first_seen", "ix_articles_extracted_at"} <= index_names(store)
        assert store.activity(since=since) == expected
    finally:
        store.close()

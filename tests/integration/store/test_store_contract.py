"""The Store contract, run against every backend (see conftest.py)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from newsdesk.errors import StoreError
from newsdesk.model import ExtractedArticle, FeedItem
from newsdesk.store import EntryWrite, Store, open_store, upsert
from newsdesk.store.schema import metadata
from newsdesk.store.sql import SqlStore

NOW = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


def later(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


def entry(
    guid: str | None,
    url: str | None,
    title: str = "A title",
    *,
    summary: str = "",
    published: datetime | None = None,
    updated: datetime | None = None,
    authors: tuple[str, ...] = (),
) -> EntryWrite:
    keys = tuple(k for k in (guid and f"guid:{guid}", url and f"url:{url}") if k)
    return EntryWrite(
        item=FeedItem(
            guid=guid,
            url=url,
            title=title,
            summary=summary,
            published=published,
            updated=updated,
            authors=authors,
            categories=("world",),
        ),
        keys=keys or (f"text:{title}",),
        canonical_url=url or "",
    )


def count(store: SqlStore, table: str) -> int:
    with store._engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_sql_store_satisfies_the_protocol(store: SqlStore) -> None:
    typed: Store = store  # mypy checks the signatures; this checks nothing is missing
    missing = [
        name for name in vars(Store) if not name.startswith("_") and not hasattr(typed, name)
    ]
    assert missing == []


# --- schema ---------------------------------------------------------------------------------


# SQLite's reflection cannot read expression indexes (ix_articles_newest); PostgreSQL's can.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrate_is_idempotent_and_matches_the_runtime_schema(store: SqlStore, db_url: str) -> None:
    store.migrate()
    store.migrate()
    again = open_store(db_url)  # a second process starting on a migrated database
    again.close()
    with store._engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == (
            "0010"
        )

        # The runtime tables (schema.py) are exactly what the migrations built.
        # ...but for the full-text index, which is backend-specific (migration 0005: an
        # FTS5 table and its shadow tables on SQLite, a GIN expression index on PostgreSQL)
        # and so lives in the migration alone.
        def include(obj: Any, name: str | None, *_: Any) -> bool:
            return not (name or "").startswith(("articles_fts", "ix_articles_fulltext"))

        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include}
        )
        assert compare_metadata(context, metadata) == []
        catalog = (
            "SELECT name FROM sqlite_master WHERE type = 'index'"
            if conn.dialect.name == "sqlite"
            else "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
        )
        present = set(conn.execute(sa.text(catalog)).scalars())
        assert {i.name for t in metadata.sorted_tables for i in t.indexes} <= present


def test_open_store_creates_the_sqlite_folder(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "news.sqlite"
    store = open_store(f"sqlite:///{path}")
    store.close()
    assert path.is_file()


def test_sqlite_connections_get_the_pragmas(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'p.sqlite'}")
    try:
        with store._engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    finally:
        store.close()
    assert pragma["journal_mode"] == "wal"
    assert pragma["foreign_keys"] == 1
    assert pragma["busy_timeout"] >= 1000
    assert pragma["synchronous"] == 1  # NORMAL


def test_bad_urls_and_unreachable_databases_raise_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        SqlStore("mysql://localhost/news")
    with pytest.raises(StoreError):
        SqlStore("not a url")
    store = SqlStore(f"sqlite:///{tmp_path / 'missing-folder' / 'x.sqlite'}")
    with pytest.raises(StoreError):
        store.migrate()
    store.close()


# --- sources --------------------------------------------------------------------------------


def test_add_get_list_and_remove_sources(store: SqlStore) -> None:
    a = store.add_source("https://a.example/feed", now=NOW, title="A", country="fr", language="fr")
    b = store.add_source("https://b.example/rss", now=NOW, site_url="https://b.example/")
    assert (a.url, a.title, a.country, a.language, a.enabled) == (
        "https://a.example/feed",
        "A",
        "fr",
        "fr",
        True,
    )
    assert a.next_poll == NOW and a.created_at == NOW and a.failures == 0
    assert store.add_source("https://a.example/feed", now=later(60), title="other") == a
    assert store.get_source(a.id) == a
    assert store.get_source_by_url("https://b.example/rss") == b
    assert store.get_source(999_999) is None
    assert store.get_source_by_url("https://nowhere.example/") is None

    store.upsert_entries(a.id, [entry("1", "https://a.example/1"), entry("2", None)], now=NOW)
    listed = store.list_sources()
    assert [s.id for s in listed] == [a.id, b.id]
    assert [s.articles for s in listed] == [2, 0]
    assert store.get_source(a.id).articles == 2  # type: ignore[union-attr]

    assert store.remove_source(a.id) is True
    assert store.remove_source(a.id) is False
    assert [s.id for s in store.list_sources()] == [b.id]
    assert store.list_articles() == []
    assert count(store, "entry_keys") == 0 and count(store, "article_titles") == 0


def test_due_sources_soonest_first_limited_enabled_only(store: SqlStore) -> None:
    ids = [store.add_source(f"https://s{i}.example/feed", now=NOW).id for i in range(5)]
    # s0 due last, s1 soonest, s2 in the future, s3 disabled, s4 due exactly now
    plan = {ids[0]: later(-10), ids[1]: later(-100), ids[2]: later(3600), ids[3]: later(-500)}
    for source_id, next_poll in plan.items():
        store.record_poll_success(
            source_id,
            now=NOW,
            etag=None,
            last_modified=None,
            interval_seconds=600,
            next_poll=next_poll,
        )
    store.record_poll_failure(
        ids[3], now=NOW, kind="http_410", message="Gone", next_poll=later(-500), disable=True
    )
    assert [s.id for s in store.due_sources(NOW)] == [ids[1], ids[0], ids[4]]
    assert [s.id for s in store.due_sources(NOW, limit=2)] == [ids[1], ids[0]]
    assert [s.id for s in store.due_sources(later(-50))] == [ids[1]]
    assert len(store.due_sources(later(7200))) == 4


def test_poll_failure_counts_the_streak_and_410_disables(store: SqlStore) -> None:
    s = store.add_source("https://a.example/feed", now=NOW)
    store.record_poll_failure(
        s.id, now=later(1), kind="timeout", message="read timed out", next_poll=later(60)
    )
    store.record_poll_failure(
        s.id, now=later(2), kind="http_500", message="Server Error", next_poll=later(120)
    )
    got = store.get_source(s.id)
    assert got is not None
    assert got.failures == 2 and got.enabled
    assert (got.last_error, got.last_error_kind, got.last_error_at) == (
        "Server Error",
        "http_500",
        later(2),
    )
    assert got.next_poll == later(120) and got.last_polled == later(2)
    assert store.recent_events() == []  # the caller records events, not the store

    store.record_poll_failure(
        s.id, now=later(3), kind="http_410", message="Gone", next_poll=later(999), disable=True
    )
    gone = store.get_source(s.id)
    assert gone is not None
    assert not gone.enabled and gone.failures == 3
    assert gone.disabled_reason is not None and "Gone" in gone.disabled_reason
    assert store.due_sources(later(10_000)) == []


def test_poll_success_resets_the_streak_and_keeps_the_last_error(store: SqlStore) -> None:
    s = store.add_source("https://a.example/feed", now=NOW, title="")
    store.record_poll_failure(s.id, now=later(1), kind="dns", message="nope", next_poll=later(5))
    store.record_poll_success(
        s.id,
        now=later(10),
        etag='"abc"',
        last_modified="Sun, 01 Mar 2026 11:00:00 GMT",
        interval_seconds=900,
        next_poll=later(910),
        title="Feed title",
    )
    got = store.get_source(s.id)
    assert got is not None
    assert got.failures == 0
    assert (got.last_error, got.last_error_kind, got.last_error_at) == ("nope", "dns", later(1))
    assert (got.etag, got.last_modified) == ('"abc"', "Sun, 01 Mar 2026 11:00:00 GMT")
    assert (got.interval_seconds, got.next_poll) == (900, later(910))
    assert got.last_polled == got.last_success == later(10)
    assert got.title == "Feed title"
    # a title the user gave is not replaced by the feed's
    store.record_poll_success(
        s.id,
        now=later(20),
        etag=None,
        last_modified=None,
        interval_seconds=900,
        next_poll=later(920),
        title="Another title",
    )
    assert store.get_source(s.id).title == "Feed title"  # type: ignore[union-attr]


def test_permanent_redirect_moves_the_source_unless_the_url_is_taken(store: SqlStore) -> None:
    a = store.add_source("http://a.example/feed", now=NOW)
    b = store.add_source("https://b.example/feed", now=NOW)
    kwargs = {"etag": None, "last_modified": None, "interval_seconds": 60, "next_poll": later(60)}
    store.record_poll_success(a.id, now=later(1), new_url="https://a.example/feed", **kwargs)  # type: ignore[arg-type]
    assert store.get_source(a.id).url == "https://a.example/feed"  # type: ignore[union-attr]
    assert store.get_source_by_url("http://a.example/feed") is None

    store.record_poll_success(a.id, now=later(2), new_url=b.url, **kwargs)  # type: ignore[arg-type]
    assert store.get_source(a.id).url == "https://a.example/feed"  # type: ignore[union-attr]
    assert store.get_source(a.id).failures == 0  # type: ignore[union-attr]
    (event,) = store.recent_events()
    assert event["kind"] == "url_conflict" and event["source_id"] == a.id
    assert b.url in str(event["message"])


def test_writes_to_removed_sources_and_articles_are_ignored(store: SqlStore) -> None:
    s = store.add_source("https://a.example/feed", now=NOW)
    (article_id,) = store.upsert_entries(s.id, [entry("1", "https://a.example/1")], now=NOW).new_ids
    store.remove_source(s.id)
    kwargs = {"etag": None, "last_modified": None, "interval_seconds": 60, "next_poll": NOW}
    store.record_poll_success(s.id, now=NOW, **kwargs)  # type: ignore[arg-type]
    store.record_poll_failure(s.id, now=NOW, kind="dns", message="x", next_poll=NOW)
    assert store.upsert_entries(s.id, [entry("2", "https://a.example/2")], now=NOW).new_ids == ()
    store.save_extraction(
        article_id, ExtractedArticle(text="t"), now=NOW, raw_html=b"<p>", canonical_url=None
    )
    store.record_extraction_failure(article_id, now=NOW, kind="x", message="y", final=True)
    assert store.delete_article(article_id, now=NOW, reason="gone") is False
    assert store.list_sources() == [] and count(store, "raw_pages") == 0


# --- upsert ---------------------------------------------------------------------------------


def test_upsert_inserts_then_is_idempotent(store: SqlStore) -> None:
    s = store.add_source("https://a.example/feed", now=NOW)
    batch = [
        entry("g1", "https://a.example/1", "One", summary="S1", published=later(-60)),
        entry("g2", "https://a.example/2", "Two", authors=("Ann",)),
        entry(None, None, "Only text"),
    ]
    first = store.upsert_entries(s.id, batch, now=NOW)
    assert len(first.new_ids) == 3 and first.updated_ids == () and first.unchanged == 0
    rows = {t: count(store, t) for t in ("articles", "entry_keys", "article_titles")}
    assert rows == {"articles": 3, "entry_keys": 5, "article_titles": 3}
    for _ in range(2):
        again = store.upsert_entries(s.id, batch, now=later(600))
        assert again.new_ids == () and again.updated_ids == () and again.unchanged == 3
    assert {t: count(store, t) for t in rows} == rows

    one = store.get_article(first.new_ids[0])
    assert one is not None
    assert (one.source_id, one.guid, one.url, one.canonical_url) == (
        s.id,
        "g1",
        "https://a.example/1",
        "https://a.example/1",
    )
    assert (one.title, one.summary, one.published, one.status, one.attempts) == (
        "One",
        "S1",
        later(-60),
        "pending",
        0,
    )
    assert one.categories == ("world",) and one.titles == ("One",)
    assert one.first_seen == one.updated_at == NOW  # the repeats wrote nothing
    assert store.get_article(first.new_ids[1]).authors == ("Ann",)  # type: ignore[union-attr]


def test_an_entry_twice_in_one_batch_makes_one_article(store: SqlStore) -> None:
    s = store.add_source("https://a.example/feed", now=NOW)
    result = store.upsert_entries(
        s.id,
        [
            entry("g1", "https://a.example/1", "One"),
            entry("g1", "https://a.example/1", "One"),
            entry("g1", "https://a.example/1", "One, corrected"),
        ],
        now=NOW,
    )
    assert len(result.new_ids) == 1 and result.updated_ids == () and result.unchanged == 1
    article = store.get_article(result.new_ids[0])
    assert article is not None and article.titles == ("One", "One, corrected")
    assert count(store, "articles") == 1


def test_changed_entries_are_updated_with_title_history(store: SqlStore) -> None:
    s = store.add_source("https://a.example/feed", now=NOW)
    (aid,) = store.upsert_entries(
        s.id, [entry("g1", "https://a.example/1", "First", summary="S")], now=NOW
    ).new_ids
    changed = store.upsert_entries(
        s.id,
        [entry("g1", "https://a.example/1", "Second", summary="S", updated=later(5))],
        now=later(10),
    )
    assert changed.updated_ids == (aid,) and changed.new_ids == () and changed.unchanged == 0
    store.upsert_entries(
        s.id, [entry("g1", "https://a.example/1", "Third", summary="S2")], now=later(20)
    )
    # a feed that drops the title or summary does not erase them
    blank = store.upsert_entries(s.id, [entry("g1", "https://a.example/1", "")], now=later(30))
    assert blank.unchanged == 1
    article = store.get_article(aid)
    assert article is not None
    assert (article.title, article.summary, article.modified) == ("Third", "S2", later(5))
    assert article.titles == ("First", "Second", "Third")
    assert article.updated_at == later(20)
    # every method returning articles carries the history
    assert store.list_articles()[0].titles == article.titles
    assert store.pending_articles()[0].titles == article.titles


def test_guid_change_with_the_same_url_keeps_the_article(store: SqlStore) -> None:
    s = store.add_source("https://a.example/feed", now=NOW)
    (aid,) = store.upsert_entries(s.id, [entry("old", "https://a.example/1")], now=NOW).new_ids
    moved = store.upsert_entries(s.id, [entry("new", "https://a.example/1")], now=later(1))
    assert moved.new_ids == () and moved.unchanged == 1
    assert store.get_article(aid).guid == "new"  # type: ignore[union-attr]
    # the new GUID is now a key of the article: it matches even with another URL
    relinked = store.upsert_entries(s.id, [entry("new", "https://a.example/1b")], now=later(2))
    assert relinked.updated_ids == (aid,)
    assert store.get_article(aid).url == "https://a.example/1b"  # type: ignore[union-attr]
    assert count(store, "articles") == 1


def test_matching_is_by_first_known_key_per_source(store: SqlStore) -> None:
    a = store.add_source("https://a.example/feed", now=NOW)
    b = store.add_source("https://b.example/feed", now=NOW)
    (a1,) = store.upsert_entries(a.id, [entry("g", "https://x.example/1")], now=NOW).new_ids
    (a2,) = store.upsert_entries(a.id, [entry("h", "https://x.example/2")], now=NOW).new_ids
    # A reused GUID wins over the URL: telling reuse apart is the caller's business.
    reused = store.upsert_entries(a.id, [entry("g", "https://x.example/2", "T")], now=NOW)
    assert reused.updated_ids == (a1,)
    assert store.get_article(a2).url == "https://x.example/2"  # type: ignore[union-attr]
    # The same keys under another source are another article.
    other = store.upsert_entries(b.id, [entry("g", "https://x.example/1")], now=NOW)
    assert len(other.new_ids) == 1 and other.new_ids[0] not in (a1, a2)


def test_upsert_rejects_entries_without_keys(store: SqlStore) -> None:
    s = store.add_source("https://a.example/feed", now=NOW)
    bad = replace(entry("g", "https://a.example/1"), keys=())
    with pytest.raises(StoreError):
        store.upsert_entries(s.id, [bad], now=NOW)
    assert store.upsert_entries(s.id, [], now=NOW).new_ids == ()


def test_deleted_articles_leave_tombstones_that_block_reinsertion(store: SqlStore) -> None:
    s = store.add_source("https://a.example/feed", now=NOW)
    ids = store.upsert_entries(
        s.id, [entry("g1", "https://a.example/1"), entry("g2", "https://a.example/2")], now=NOW
    ).new_ids
    store.save_extraction(
        ids[0], ExtractedArticle(text="x"), now=NOW, raw_html=b"<html>", canonical_url=None
    )
    assert store.delete_article(ids[0], now=later(1), reason="takedown") is True
    assert store.delete_article(ids[0], now=later(1), reason="takedown") is False
    assert store.get_article(ids[0]) is None
    assert count(store, "tombstones") == 2 and count(store, "raw_pages") == 0

    batch = [
        entry("g1", "https://a.example/1"),
        entry("g1-renamed", "https://a.example/1"),  # any tombstoned key blocks it
        entry("g2", "https://a.example/2"),
        entry("g3", "https://a.example/3"),
    ]
    result = store.upsert_entries(s.id, batch, now=later(2))
    assert result.tombstoned == 2 and result.unchanged == 1 and len(result.new_ids) == 1
    assert count(store, "articles") == 2


# --- extraction -----------------------------------------------------------------------------


def test_pending_articles_by_id_with_paging_and_source_filter(store: SqlStore) -> None:
    a = store.add_source("https://a.example/feed", now=NOW)
    b = store.add_source("https://b.example/feed", now=NOW)
    a_ids = store.upsert_entries(
        a.id, [entry(str(i), f"https://a.example/{i}") for i in range(4)], now=NOW
    ).new_ids
    b_ids = store.upsert_entries(b.id, [entry("b", "https://b.example/1")], now=NOW).new_ids
    store.save_extraction(
        a_ids[1], ExtractedArticle(text="done"), now=NOW, raw_html=None, canonical_url=None
    )
    store.record_extraction_failure(a_ids[2], now=NOW, kind="http_404", message="nf", final=True)
    store.record_extraction_failure(a_ids[3], now=NOW, kind="timeout", message="t", final=False)
    pending = [x.id for x in store.pending_articles()]
    assert pending == [a_ids[0], a_ids[3], b_ids[0]]
    assert [x.id for x in store.pending_articles(limit=1)] == [a_ids[0]]
    assert [x.id for x in store.pending_articles(after_id=a_ids[0])] == [a_ids[3], b_ids[0]]
    assert [x.id for x in store.pending_articles(source_id=b.id)] == [b_ids[0]]


def test_extraction_failure_counts_attempts_until_final(store: SqlStore) -> None:
    s = store.add_source("https://a.example/feed", now=NOW)
    (aid,) = store.upsert_entries(s.id, [entry("g", "https://a.example/1")], now=NOW).new_ids
    store.record_extraction_failure(
        aid, now=later(1), kind="timeout", message="read timed out", final=False
    )
    article = store.get_article(aid)
    assert article is not None
    assert (article.status, article.attempts, article.error) == (
        "pending",
        1,
        "timeout: read timed out",
    )
    store.record_extraction_failure(aid, now=later(2), kind="http_404", message="NF", final=True)
    article = store.get_article(aid)
    assert article is not None
    assert (article.status, article.attempts, article.error) == ("failed", 2, "http_404: NF")
    stats = store.stats()
    assert (stats.articles, stats.articles_pending, stats.articles_failed) == (1, 0, 1)


def test_save_extraction_keeps_feed_values_and_fills_the_gaps(store: SqlStore) -> None:
    s = store.add_source("https://a.example/feed", now=NOW)
    with_feed_data, bare = store.upsert_entries(
        s.id,
        [
            entry(
                "g1", "https://a.example/1", "Feed title", published=later(-3600), authors=("F",)
            ),
            entry("g2", "https://a.example/2", ""),
        ],
        now=NOW,
    ).new_ids
    page = ExtractedArticle(
        text="Body text",
        title="Page title",
        authors=("Page Author",),
        published=later(-7200),
        modified=later(-100),
        language="en",
        canonical_url="https://a.example/raw-canonical",
        site_name="A News",
        image="https://a.example/i.jpg",
        description="Desc",
    )
    for aid in (with_feed_data, bare):
        store.save_extraction(
            aid, page, now=later(5), raw_html=b"<html>1</html>", canonical_url="https://a.example/c"
        )
    kept = store.get_article(with_feed_data)
    filled = store.get_article(bare)
    assert kept is not None and filled is not None
    assert (kept.title, kept.authors, kept.published) == ("Feed title", ("F",), later(-3600))
    assert (filled.title, filled.authors, filled.published) == (
        "Page title",
        ("Page Author",),
        later(-7200),
    )
    for article in (kept, filled):
        assert article.status == "ok" and article.error is None
        assert (article.text, article.modified, article.language) == (
            "Body text",
            later(-100),
            "en",
        )
        assert article.canonical_url == "https://a.example/c"
        assert (article.site_name, article.image, article.description) == (
            "A News",
            "https://a.example/i.jpg",
            "Desc",
        )
    assert store.pending_articles() == []
    # the article is no longer "changed" on the next poll just because extraction ran
    again = store.upsert_entries(
        s.id,
        [
            entry(
                "g1", "https://a.example/1", "Feed title", published=later(-3600), authors=("F",)
            ),
            entry("g2", "https://a.example/2", ""),
        ],
        now=later(10),
    )
    assert again.unchanged == 2


def test_raw_pages_round_trip_iterate_and_prune(store: SqlStore) -> None:
    a = store.add_source("https://a.example/feed", now=NOW)
    b = store.add_source("https://b.example/feed", now=NOW)
    a_ids = store.upsert_entries(
        a.id, [entry(str(i), f"https://a.example/{i}") for i in range(120)], now=NOW
    ).new_ids
    (b_id,) = store.upsert_entries(b.id, [entry("b", "https://b.example/1")], now=NOW).new_ids
    pages = {aid: f"<html>{aid} é ✓</html>".encode() + bytes(range(256)) for aid in a_ids}
    for i, aid in enumerate(a_ids):
        fetched = later(-86_400 * 10) if i < 30 else NOW
        store.save_extraction(
            aid, ExtractedArticle(text="t"), now=fetched, raw_html=pages[aid], canonical_url=None
        )
    store.save_extraction(
        b_id, ExtractedArticle(text="t"), now=NOW, raw_html=None, canonical_url=None
    )
    got = list(store.iter_raw_pages(source_id=a.id))
    assert [g[0] for g in got] == list(a_ids)  # more than one internal batch
    assert all(html == pages[aid] for aid, _, html in got)
    assert got[0][1] == "https://a.example/0"
    assert list(store.iter_raw_pages(source_id=b.id)) == []
    # re-saving replaces the page
    store.save_extraction(
        a_ids[0], ExtractedArticle(text="t"), now=NOW, raw_html=b"new", canonical_url=None
    )
    assert next(iter(store.iter_raw_pages())) == (a_ids[0], "https://a.example/0", b"new")

    assert store.prune_raw_pages(older_than=later(-86_400)) == 29
    assert len(list(store.iter_raw_pages())) == 91
    assert store.prune_raw_pages(older_than=later(-86_400)) == 0


# --- listing, events, stats -----------------------------------------------------------------


def test_list_articles_newest_first(store: SqlStore) -> None:
    a = store.add_source("https://a.example/feed", now=NOW)
    b = store.add_source("https://b.example/feed", now=NOW)
    old, undated = store.upsert_entries(
        a.id,
        [
            entry("1", "https://a.example/1", published=later(-7200)),
            entry("2", "https://a.example/2"),  # no date: first seen (NOW) counts
        ],
        now=NOW,
    ).new_ids
    (newest,) = store.upsert_entries(
        b.id, [entry("3", "https://b.example/3", published=later(-60))], now=later(1)
    ).new_ids
    assert [x.id for x in store.list_articles()] == [undated, newest, old]
    assert [x.id for x in store.list_articles(limit=2)] == [undated, newest]
    assert [x.id for x in store.list_articles(source_id=a.id)] == [undated, old]


def test_events_newest_first_and_bounded(db_url: str) -> None:
    store = open_store(db_url)
    store.close()
    small = SqlStore(db_url, max_events=20)
    try:
        for i in range(55):
            small.record_event(now=later(i), kind="timeout", message=f"event {i}", source_id=7)
        recent = small.recent_events(limit=3)
        assert [e["message"] for e in recent] == ["event 54", "event 53", "event 52"]
        assert recent[0]["at"] == later(54) and recent[0]["source_id"] == 7
        assert recent[0]["article_id"] is None
        assert set(recent[0]) == {"id", "at", "kind", "message", "source_id", "article_id"}
        assert 20 <= count(small, "events") < 30
    finally:
        small.close()


def test_stats_counts_and_errors_by_kind(store: SqlStore) -> None:
    a = store.add_source("https://a.example/feed", now=NOW)
    store.add_source("https://b.example/feed", now=NOW)
    store.record_poll_failure(a.id, now=NOW, kind="dns", message="x", next_poll=NOW)
    ids = store.upsert_entries(
        a.id, [entry(str(i), f"https://a.example/{i}") for i in range(3)], now=NOW
    ).new_ids
    store.record_extraction_failure(ids[0], now=NOW, kind="http_404", message="x", final=True)
    assert store.stats().errors_by_kind == {}
    store.record_event(now=later(-90_000), kind="dns", message="old")
    store.record_event(now=later(-3600), kind="timeout", message="t1", source_id=a.id)
    store.record_event(now=NOW, kind="timeout", message="t2", article_id=ids[1])
    store.record_event(now=NOW, kind="http_500", message="e")
    stats = store.stats()
    assert (stats.sources, stats.sources_failing) == (2, 1)
    assert (stats.articles, stats.articles_pending, stats.articles_failed) == (3, 2, 1)
    assert stats.errors_by_kind == {"http_500": 1, "timeout": 2}
    assert store.stats(since=later(-100_000)).errors_by_kind == {
        "dns": 1,
        "http_500": 1,
        "timeout": 2,
    }


# --- values and robustness ------------------------------------------------------------------


def test_timestamps_come_back_aware_utc(store: SqlStore) -> None:
    paris = timezone(timedelta(hours=2))
    local = datetime(2026, 6, 1, 14, 30, 0, 5, tzinfo=paris)
    s = store.add_source("https://a.example/feed", now=local)
    (aid,) = store.upsert_entries(
        s.id, [entry("g", "https://a.example/1", published=local)], now=local
    ).new_ids
    got_source = store.get_source(s.id)
    article = store.get_article(aid)
    assert got_source is not None and article is not None
    for value in (
        got_source.next_poll,
        got_source.created_at,
        article.published,
        article.first_seen,
    ):
        assert value is not None and value.tzinfo is UTC
        assert value == local and value.utcoffset() == timedelta(0)
    assert [x.id for x in store.due_sources(datetime(2026, 6, 1, 12, 30, 0, 5, tzinfo=UTC))] == [
        s.id
    ]
    assert store.due_sources(datetime(2026, 6, 1, 12, 30, 0, 4, tzinfo=UTC)) == []
    with pytest.raises(StoreError):
        store.add_source("https://naive.example/", now=datetime(2026, 1, 1))
    assert store.get_source_by_url("https://naive.example/") is None


def test_unicode_and_huge_text_round_trip(store: SqlStore) -> None:
    s = store.add_source("https://例え.jp/フィード", now=NOW, title="Ελληνικά 🗞")
    title = "Заголовок — عنوان — 标题 — 👩🏽‍💻 e\u0301"
    (aid,) = store.upsert_entries(
        s.id, [entry("ü-guid", "https://例え.jp/記事/1", title, authors=("Zoë", "李"))], now=NOW
    ).new_ids
    text = ("Ünïcödé ✓ 日本語 עברית 🚀\n" * 200_000) + "end"  # about 6 MB
    store.save_extraction(
        aid,
        ExtractedArticle(text=text + "\x00", description="nul\x00dropped"),
        now=NOW,
        raw_html=text.encode("utf-8"),
        canonical_url=None,
    )
    article = store.get_article(aid)
    assert article is not None
    assert article.text == text and article.title == title
    assert article.description == "nuldropped"
    assert article.authors == ("Zoë", "李")
    assert store.get_source(s.id).title == "Ελληνικά 🗞"  # type: ignore[union-attr]
    assert next(iter(store.iter_raw_pages()))[2] == text.encode("utf-8")


def test_a_lone_surrogate_is_stored_as_a_replacement_character(store: SqlStore) -> None:
    # Half of an emoji ("\ud83d") cannot be encoded as UTF-8: the store must not fail the
    # whole batch on it, on either backend.
    s = store.add_source("https://a.example/feed", now=NOW)
    entries = [
        entry("g1", "https://a.example/1", "Cut \ud83d"),
        entry("g2", "https://a.example/2", "Fine"),
    ]
    first, second = store.upsert_entries(s.id, entries, now=NOW).new_ids
    store.save_extraction(
        first,
        ExtractedArticle(text="Body \udc00 text", description="d\ud800"),
        now=NOW,
        raw_html=b"<p>x</p>",
        canonical_url=None,
    )
    article = store.get_article(first)
    assert article is not None
    assert (article.title, article.text, article.description) == (
        "Cut \ufffd",
        "Body \ufffd text",
        "d\ufffd",
    )
    assert store.get_article(second) is not None


def test_a_failing_upsert_leaves_no_partial_rows(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = store.add_source("https://a.example/feed", now=NOW)
    (zero,) = store.upsert_entries(
        s.id, [entry("0", "https://a.example/0", "Zero")], now=NOW
    ).new_ids
    before = {t: count(store, t) for t in ("articles", "entry_keys", "article_titles")}
    # A database-level failure on the third entry (a naive datetime is refused).
    bad = entry("3", "https://a.example/3", published=datetime(2026, 1, 1))
    batch = [
        entry("0", "https://a.example/0", "Zero, edited"),
        entry("1", "https://a.example/1"),
        entry("2", "https://a.example/2"),
        bad,
    ]
    with pytest.raises(StoreError):
        store.upsert_entries(s.id, batch, now=NOW)
    assert {t: count(store, t) for t in before} == before
    assert store.get_article(zero).titles == ("Zero",)  # type: ignore[union-attr]

    # A crash of the process's own code half-way (not a database error) rolls back too.
    calls = 0
    original = upsert.insert_article

    def crash_on_second(*args: object, **kwargs: object) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(upsert, "insert_article", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        store.upsert_entries(s.id, batch[:3], now=NOW)
    monkeypatch.undo()
    assert {t: count(store, t) for t in before} == before
    assert len(store.upsert_entries(s.id, batch[:3], now=NOW).new_ids) == 2


def test_concurrent_writers_wait_for_each_other(db_url: str) -> None:
    first, second = open_store(db_url), SqlStore(db_url)
    source_id = first.add_source("https://a.example/feed", now=NOW).id
    errors: list[BaseException] = []

    def work(store: SqlStore, prefix: str) -> None:
        try:
            for i in range(15):
                batch = [
                    entry(f"{prefix}{i}-{j}", f"https://a.example/{prefix}{i}/{j}")
                    for j in range(5)
                ]
                store.upsert_entries(source_id, batch, now=NOW)
                store.record_event(now=NOW, kind="poll", message=prefix)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(first, "x")),
        threading.Thread(target=work, args=(second, "y")),
        threading.Thread(target=work, args=(first, "x")),  # same entries as the first thread
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    first.close()
    second.close()
    assert errors == []
    check = SqlStore(db_url)
    try:
        assert count(check, "articles") == 150
    finally:
        check.close()


def test_revision_0006_gives_existing_stories_their_rank_key(db_url: str) -> None:
    """Stories written before the rank key existed get theirs from the migration, equal to
    what the store writes now."""
    from newsdesk.store.stories import rank_key
    from tests.integration.store.conftest import downgrade, fresh_store

    last = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    store = fresh_store(db_url)
    try:
        downgrade(store, "0005")  # back to the revision before (its downgrade, too)
        with store._write() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO stories (id, headline, size, copies, outlets, countries, "
                    "languages, outlet_count, country_count, status, last_update, updated_at) "
                    "VALUES (7, 'h', 3, 0, :outlets, :countries, :languages, 3, 2, 'active', "
                    ":last, :last)"
                ),
                {
                    "outlets": "[1, 2, 3]",
                    "countries": '["JP", "US"]',
                    "languages": '["en"]',
                    "last": last.replace(tzinfo=None) if db_url.startswith("sqlite") else last,
                },
            )
        store.migrate()
        with store._engine.connect() as conn:
            key = conn.execute(sa.text("SELECT rank_key FROM stories WHERE id = 7")).scalar_one()
        assert key == pytest.approx(rank_key(5, last))
    finally:
        store.close()


def _event_messages(store: SqlStore) -> set[str]:
    return {str(e["message"]) for e in store.recent_events(limit=100)}


def test_batch_commits_its_calls_together_and_undoes_a_failed_one_alone(store: SqlStore) -> None:
    with store.batch():
        store.record_event(now=NOW, kind="test", message="first")
        with pytest.raises(RuntimeError), store._write() as conn:  # a write call that fails
            store._add_event(conn, now=NOW, kind="test", message="undone")
            raise RuntimeError("the call failed after writing")
        with store.batch():  # nested: joins the outer batch
            store.record_event(now=NOW, kind="test", message="second")
        # another connection (reading: it would wait for the batch to write) sees nothing
        # before the batch ends
        other = SqlStore(store.url.render_as_string(hide_password=False))
        try:
            assert not {"first", "second"} & _event_messages(other)
        finally:
            other.close()
    assert {"first", "second"} <= _event_messages(store)
    assert "undone" not in _event_messages(store)

    with pytest.raises(RuntimeError), store.batch():
        store.record_event(now=NOW, kind="test", message="rolled back")
        raise RuntimeError("the block failed")
    assert "rolled back" not in _event_messages(store)
    store.record_event(now=NOW, kind="test", message="after")  # no batch is left open
    assert "after" in _event_messages(store)

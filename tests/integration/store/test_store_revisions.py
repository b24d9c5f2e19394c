"""Re-checks and text revisions in the store, on every backend (see conftest.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from newsdesk.model import ExtractedArticle
from newsdesk.revisions import TextChange, text_change
from newsdesk.store.base import ArticleQuery
from newsdesk.store.schema import articles
from newsdesk.store.sql import SqlStore
from tests.integration.store.conftest import downgrade, fresh_store
from tests.integration.store.test_store_contract import NOW, count, entry, later

BEFORE = "Five people were hurt in the fire.\nPolice are investigating the cause."
AFTER = "Seven people were hurt in the fire.\nPolice are investigating the cause."


def extracted_article(store: SqlStore, guid: str = "a", *, summary: str = "") -> int:
    source = store.add_source("https://example.org/feed", now=NOW)
    (article_id,) = store.upsert_entries(
        source.id,
        [entry(guid, f"https://example.org/{guid}", summary=summary)],
        now=NOW,
    ).new_ids
    store.save_extraction(
        article_id,
        ExtractedArticle(text=BEFORE),
        now=later(60),
        raw_html=b"<p>old page</p>",
        canonical_url=None,
        recheck_at=later(7200),
    )
    return article_id


def change() -> TextChange:
    found = text_change(BEFORE, AFTER)
    assert found is not None
    return found


def column(store: SqlStore, article_id: int, name: str) -> object:
    with store._engine.connect() as conn:
        return conn.execute(
            sa.select(articles.c[name]).where(articles.c.id == article_id)
        ).scalar_one()


def test_due_rechecks_are_extracted_articles_whose_time_has_come(store: SqlStore) -> None:
    article_id = extracted_article(store)
    assert store.due_rechecks(now=later(7199)) == []
    (due,) = store.due_rechecks(now=later(7200))
    assert due.id == article_id and due.text == BEFORE and due.status == "ok"
    assert store.due_rechecks(now=later(7200), source_id=due.source_id + 1) == []
    # a pending article is never a re-check, whatever its column says
    (pending,) = store.upsert_entries(
        due.source_id, [entry("p", "https://example.org/p")], now=NOW
    ).new_ids
    with store._write() as conn:
        conn.execute(sa.update(articles).where(articles.c.id == pending).values(recheck_at=NOW))
    assert [a.id for a in store.due_rechecks(now=later(9000))] == [article_id]


def test_due_rechecks_longest_due_first_and_limited(store: SqlStore) -> None:
    source = store.add_source("https://example.org/feed", now=NOW)
    ids = store.upsert_entries(
        source.id, [entry(f"g{i}", f"https://example.org/{i}") for i in range(3)], now=NOW
    ).new_ids
    for article_id, due in zip(ids, (300, 100, 200), strict=True):
        store.save_extraction(
            article_id,
            ExtractedArticle(text=BEFORE),
            now=NOW,
            raw_html=None,
            canonical_url=None,
            recheck_at=later(due),
        )
    assert [a.id for a in store.due_rechecks(now=later(1000))] == [ids[1], ids[2], ids[0]]
    assert [a.id for a in store.due_rechecks(now=later(1000), limit=2)] == [ids[1], ids[2]]


def test_first_extraction_records_the_fetch_and_reextraction_keeps_it(store: SqlStore) -> None:
    article_id = extracted_article(store)
    assert column(store, article_id, "checked_at") is not None
    first = store.due_rechecks(now=later(7200))
    assert first
    # `newsdesk reextract` fetches nothing: the last fetch and the schedule stay
    store.save_extraction(
        article_id, ExtractedArticle(text=AFTER), now=later(9000), raw_html=None, canonical_url=None
    )
    assert [a.id for a in store.due_rechecks(now=later(7200))] == [article_id]


def test_an_unchanged_or_failed_recheck_records_only_its_time(store: SqlStore) -> None:
    article_id = extracted_article(store)
    updated_before = store.get_article(article_id)
    assert updated_before is not None
    store.record_recheck(article_id, now=later(7300), fetched=True, recheck_at=later(86_400))
    store.record_recheck(article_id, now=later(7400), fetched=False, recheck_at=None)
    after = store.get_article(article_id)
    assert after is not None
    assert after.text == BEFORE and after.status == "ok"
    assert after.updated_at == updated_before.updated_at
    assert store.text_history(article_id) == []
    assert store.due_rechecks(now=later(10**7)) == []  # the schedule is over
    assert column(store, article_id, "checked_at") == later(7300)
    store.record_recheck(10**9, now=later(7400), fetched=True, recheck_at=None)  # gone: ignored


def test_a_text_revision_is_kept_and_the_text_replaced(store: SqlStore) -> None:
    article_id = extracted_article(store)
    assert store.save_text_revision(
        article_id,
        change(),
        now=later(7300),
        previous_text=BEFORE,
        text=AFTER,
        recheck_at=later(86_400),
        raw_html=b"<p>new page</p>",
    )
    article = store.get_article(article_id)
    assert article is not None
    assert article.text == AFTER and article.status == "ok"
    assert article.updated_at == later(7300)
    (revision,) = store.text_history(article_id)
    assert revision.seen_at == later(7300)
    assert (revision.words_before, revision.words_after) == (12, 12)
    assert (revision.words_added, revision.words_removed) == (1, 1)
    assert revision.added == ("Seven people were hurt in the fire.",)
    assert revision.removed == ("Five people were hurt in the fire.",)
    assert [(i, h) for i, h in store.text_histories([article_id, 10**9]).items()] == [
        (article_id, [revision]),
        (10**9, []),
    ]
    assert store.text_revised([article_id, 10**9]) == {article_id}
    assert store.text_revised([]) == set()
    # the page kept for `newsdesk reextract` is the new one
    assert [html for _, _, html in store.iter_raw_pages()] == [b"<p>new page</p>"]
    # search follows the new text
    found = store.query_articles(ArticleQuery(q="seven"))
    assert [a.id for a in found.articles] == [article_id]
    assert store.query_articles(ArticleQuery(q="five")).articles == ()
    # the previous text is kept, in the store only
    with store._engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT previous_text FROM article_revisions")).scalar_one()
    assert kept == BEFORE
    assert [a.id for a in store.due_rechecks(now=later(86_400))] == [article_id]


def test_a_stale_revision_is_refused_and_writes_only_the_schedule(store: SqlStore) -> None:
    article_id = extracted_article(store)
    assert not store.save_text_revision(
        article_id,
        change(),
        now=later(7300),
        previous_text="some other text",
        text=AFTER,
        recheck_at=None,
    )
    article = store.get_article(article_id)
    assert article is not None and article.text == BEFORE
    assert store.text_history(article_id) == []
    assert store.due_rechecks(now=later(10**7)) == []
    assert not store.save_text_revision(
        10**9, change(), now=NOW, previous_text=BEFORE, text=AFTER, recheck_at=None
    )


def test_revisions_go_with_their_article(store: SqlStore) -> None:
    article_id = extracted_article(store)
    store.save_text_revision(
        article_id, change(), now=later(7300), previous_text=BEFORE, text=AFTER, recheck_at=None
    )
    assert count(store, "article_revisions") == 1
    assert store.delete_article(article_id, now=later(8000), reason="takedown")
    assert count(store, "article_revisions") == 0


def test_a_changed_feed_entry_makes_an_extracted_page_due(store: SqlStore) -> None:
    spacing = timedelta(minutes=15)
    article_id = extracted_article(store, summary="first")
    source_id = store.get_article(article_id).source_id  # type: ignore[union-attr]
    # the same entry again: nothing due before the schedule
    store.upsert_entries(
        source_id,
        [entry("a", "https://example.org/a", summary="first")],
        now=later(120),
        recheck_spacing=spacing,
    )
    assert store.due_rechecks(now=later(7199)) == []
    # a new summary, 2 minutes after the page was fetched: due 15 minutes after that fetch
    result = store.upsert_entries(
        source_id,
        [entry("a", "https://example.org/a", summary="second")],
        now=later(120),
        recheck_spacing=spacing,
    )
    assert result.updated_ids == (article_id,)
    assert store.due_rechecks(now=later(60 + 899)) == []
    assert [a.id for a in store.due_rechecks(now=later(60 + 900))] == [article_id]
    # long after the last fetch: due at once
    store.upsert_entries(
        source_id,
        [entry("a", "https://example.org/a", summary="third")],
        now=later(5000),
        recheck_spacing=spacing,
    )
    assert [a.id for a in store.due_rechecks(now=later(960))] == [article_id]
    # without a spacing (re-checks off) a change schedules nothing
    store.record_recheck(article_id, now=later(6000), fetched=True, recheck_at=None)
    store.upsert_entries(
        source_id, [entry("a", "https://example.org/a", summary="fourth")], now=later(7000)
    )
    assert store.due_rechecks(now=later(10**7)) == []


def test_a_changed_feed_entry_of_a_pending_article_schedules_nothing(store: SqlStore) -> None:
    source = store.add_source("https://example.org/feed", now=NOW)
    store.upsert_entries(source.id, [entry("a", "https://example.org/a")], now=NOW)
    store.upsert_entries(
        source.id,
        [entry("a", "https://example.org/a", title="Another title")],
        now=later(60),
        recheck_spacing=timedelta(0),
    )
    assert store.due_rechecks(now=later(10**7)) == []


def test_revision_0007_up_and_down_keeps_the_data_and_the_search(db_url: str) -> None:
    """Articles extracted before re-checks existed get their last fetch from their
    extraction time; going back to 0006 drops the new table and columns in place, the
    full-text search still following writes (SQLite's triggers survive)."""
    store = fresh_store(db_url)
    try:
        article_id = extracted_article(store)
        downgrade(store, "0006")
        with store._engine.connect() as conn:
            names = {c["name"] for c in sa.inspect(conn).get_columns("articles")}
            tables = set(sa.inspect(conn).get_table_names())
        assert "recheck_at" not in names and "checked_at" not in names
        assert "article_revisions" not in tables
        with store._write() as conn:
            conn.execute(
                sa.text("UPDATE articles SET text = 'a lithography story' WHERE id = :id"),
                {"id": article_id},
            )
            if conn.dialect.name == "sqlite":
                hits = conn.execute(
                    sa.text("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'lithography'")
                ).scalars()
                assert list(hits) == [article_id]
        store.migrate()
        assert column(store, article_id, "checked_at") is not None
        assert column(store, article_id, "recheck_at") is None
        assert store.text_history(article_id) == []
        found = store.query_articles(ArticleQuery(q="lithography"))
        assert [a.id for a in found.articles] == [article_id]
    finally:
        store.close()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_due_rechecks_use_the_index(store: SqlStore) -> None:
    """Most extracted articles are past their revisits (no ``recheck_at``): the due ones
    are read off the index, not found among every extracted article."""
    from newsdesk.store.rechecks import due_rechecks_select

    source = store.add_source("https://example.org/feed", now=NOW)
    rows: list[dict[str, object]] = [
        {
            "source_id": source.id,
            "url": f"https://example.org/{i}",
            "authors": [],
            "categories": [],
            "status": "ok",
            "first_seen": NOW,
            "updated_at": NOW,
            "recheck_at": later(i) if i % 100 == 0 else None,
        }
        for i in range(5000)
    ]
    with store._write() as conn:
        conn.execute(sa.insert(articles), rows)
        conn.exec_driver_sql("ANALYZE articles")
    stmt = due_rechecks_select(now=later(10**6), limit=50)
    with store._engine.connect() as conn:
        compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
        plan = "\n".join(row[0] for row in conn.execute(sa.text(f"EXPLAIN {compiled}")))
    assert "ix_articles_recheck_at" in plan, plan


def test_activity_counts_rechecked_pages_and_revised_texts(store: SqlStore) -> None:
    """A re-check's fetch counts, the first extraction does not; a failed fetch does not;
    revisions count by when they were found."""
    checked = extracted_article(store, "a")
    failed = extracted_article(store, "b")
    revised = extracted_article(store, "c")
    extracted_article(store, "d")  # extracted, never re-checked
    window = later(7000)
    assert store.activity(since=later(0)).articles_rechecked == 0  # first fetches only
    store.record_recheck(checked, now=later(7300), fetched=True, recheck_at=None)
    store.record_recheck(failed, now=later(7300), fetched=False, recheck_at=None)
    assert store.save_text_revision(
        revised,
        change(),
        now=later(7400),
        previous_text=BEFORE,
        text=AFTER,
        recheck_at=None,
    )
    act = store.activity(since=window)
    assert (act.articles_rechecked, act.articles_revised) == (2, 1)
    later_act = store.activity(since=later(7350))
    assert (later_act.articles_rechecked, later_act.articles_revised) == (1, 1)
    assert store.activity(since=later(7500)).articles_rechecked == 0

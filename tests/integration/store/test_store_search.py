"""Full-text search (``ArticleQuery.q``) on every backend: the index follows inserts,
re-extractions and deletions, and the query language means the same on both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.model import ExtractedArticle, FeedItem
from newsdesk.store import EntryWrite
from newsdesk.store.base import ArticleQuery
from newsdesk.store.search import PG_DOCUMENT
from newsdesk.store.sql import SqlStore

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

DOCS = {
    "jp": ("Japan tightens export controls", "Tokyo adds 23 chip-making tools to its list."),
    "us": ("Nvidia and AMD shares fall", "New export rules on AI accelerators hit chipmakers."),
    "tt": ("TikTok ban debated", "Export controls were mentioned in a press release."),
    "de": ("Halbleiter: Exportkontrollen verschärft", "Die Regierung in Berlin prüft Ausfuhren."),
    "zh": ("半导体 出口管制", "商务部 宣布 新规"),
}


def add(store: SqlStore, key: str, *, country: str = "JP") -> int:
    title, text = DOCS[key]
    source = store.add_source(f"https://{key}.example/feed.xml", now=NOW, country=country)
    url = f"https://{key}.example/a"
    item = FeedItem(guid=None, url=url, title=title, published=NOW - timedelta(hours=len(key)))
    result = store.upsert_entries(
        source.id, [EntryWrite(item=item, keys=(f"url:{url}",), canonical_url=url)], now=NOW
    )
    (article_id,) = result.new_ids
    store.save_extraction(
        article_id, ExtractedArticle(text=text), now=NOW, raw_html=None, canonical_url=url
    )
    return article_id


@pytest.fixture
def ids(store: SqlStore) -> dict[str, int]:
    return {key: add(store, key, country="DE" if key == "de" else "JP") for key in DOCS}


def found(store: SqlStore, q: str, **filters: object) -> set[int]:
    page = store.query_articles(ArticleQuery(q=q, **filters), limit=50)  # type: ignore[arg-type]
    return {a.id for a in page.articles}


@pytest.mark.parametrize(
    ("q", "keys"),
    [
        ("export", {"jp", "us", "tt"}),  # headline or text
        ("EXPORT controls", {"jp", "tt"}),
        ('"export controls"', {"jp", "tt"}),
        ('"export controls" -tiktok', {"jp"}),
        ("nvidia OR tokyo", {"jp", "us"}),
        ("chipmakers", {"us"}),  # words only in the text
        ("verschärft", {"de"}),
        ("VERSCHÄRFT", {"de"}),
        ("verscharft", set()),  # diacritics are kept, alike on both backends
        ("半导体", {"zh"}),
        ("-export", {"de", "zh"}),  # exclusions alone: what matches none of them
        ("export country:de", set()),
        ("berlin country:de", {"de"}),
        ('"; DROP TABLE articles; --', set()),
    ],
)
def test_search_language(store: SqlStore, ids: dict[str, int], q: str, keys: set[str]) -> None:
    assert found(store, q) == {ids[k] for k in keys}


def test_explicit_filters_and_typed_filters_add_up(store: SqlStore, ids: dict[str, int]) -> None:
    assert found(store, "export", country="JP") == {ids["jp"], ids["us"], ids["tt"]}
    assert found(store, "export lang:xx") == set()


def test_index_follows_writes(store: SqlStore, ids: dict[str, int]) -> None:
    store.save_extraction(  # a re-extraction replaces the text
        ids["jp"],
        ExtractedArticle(text="A rewritten report on lithography."),
        now=NOW,
        raw_html=None,
        canonical_url="https://jp.example/a",
    )
    assert found(store, "lithography") == {ids["jp"]}
    assert found(store, "tokyo") == set()  # the old text left the index
    assert store.delete_article(ids["us"], now=NOW, reason="takedown")
    assert found(store, "nvidia") == set()


def test_pg_index_expression_matches_the_migration() -> None:
    from importlib import import_module

    migration = import_module("newsdesk.store.migrations.versions.0005_search")
    assert migration.PG_DOCUMENT == PG_DOCUMENT


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_search_uses_the_index(store: SqlStore, ids: dict[str, int]) -> None:
    """The condition is written as the index expression, so the planner can use the GIN
    index (asked with sequential scans off, as on a large table)."""
    import sqlalchemy as sa

    from newsdesk.store.reading import article_select

    stmt = article_select(ArticleQuery(q="export"), limit=10, after=None)
    with store._engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
        plan = "\n".join(row[0] for row in conn.execute(sa.text(f"EXPLAIN {compiled}")))
    assert "ix_articles_fulltext" in plan, plan


def test_each_search_is_compiled_for_its_own_words(store: SqlStore, ids: dict[str, int]) -> None:
    """Statements with a search are cached by the parsed query: one search's compiled
    statement (its MATCH text) never answers another's, folded or not, filtered or not."""
    for _ in range(2):
        assert found(store, "nvidia", fold_copies=True) == {ids["us"]}
        assert found(store, "tiktok", fold_copies=True) == {ids["tt"]}
        assert found(store, "tokyo", fold_copies=True, country="JP") == {ids["jp"]}
        assert found(store, "tokyo", fold_copies=True, country="DE") == set()
        assert found(store, "-nvidia export") == {ids["jp"], ids["tt"]}
        assert found(store, "-tiktok export") == {ids["jp"], ids["us"]}

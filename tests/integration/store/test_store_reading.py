"""The Store contract for the read side (web pages and API), on every backend."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from newsdesk.model import FeedItem
from newsdesk.store import EntryWrite
from newsdesk.store.base import ArticleCursor, ArticleQuery
from newsdesk.store.sql import SqlStore

NOW = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


def write(
    guid: str,
    title: str,
    *,
    published: datetime | None = None,
    categories: tuple[str, ...] = (),
    language: str | None = None,
) -> EntryWrite:
    url = f"https://example.org/{guid}"
    return EntryWrite(
        item=FeedItem(
            guid=guid,
            url=url,
            title=title,
            published=published,
            categories=categories,
            language=language,
        ),
        keys=(f"guid:{guid}",),
        canonical_url=url,
    )


def fill(store: SqlStore) -> tuple[int, int]:
    jp = store.add_source("https://jp.example/feed", now=NOW, country="JP", language="ja")
    eu = store.add_source("https://eu.example/feed", now=NOW, country="de", language="en")
    store.upsert_entries(
        jp.id,
        [
            write(f"jp{i}", f"Chips report {i}", published=NOW - timedelta(hours=i))
            for i in range(5)
        ],
        now=NOW,
    )
    store.upsert_entries(
        eu.id,
        [
            write(
                f"eu{i}",
                f"Ünion AI policy {i}",
                published=NOW - timedelta(hours=i, minutes=30),
                categories=("Politics", "日本"),
                language="en-GB",
            )
            for i in range(5)
        ]
        + [write("undated", "No date given")],
        now=NOW,
    )
    return jp.id, eu.id


def titles(store: SqlStore, query: ArticleQuery, **kwargs: object) -> list[str]:
    page = store.query_articles(query, **kwargs)  # type: ignore[arg-type]
    return [a.title for a in page.articles]


def test_query_articles_is_newest_first_and_pages_by_cursor(store: SqlStore) -> None:
    fill(store)
    every = titles(store, ArticleQuery(), limit=100)
    assert every[0] == "No date given"  # first seen NOW, newer than every published date
    assert every[1:4] == ["Chips report 0", "Ünion AI policy 0", "Chips report 1"]
    seen: list[str] = []
    cursor: ArticleCursor | None = None
    while True:
        page = store.query_articles(ArticleQuery(), limit=3, after=cursor)
        seen += [a.title for a in page.articles]
        if page.next is None:
            break
        cursor = page.next
    assert seen == every


def test_a_cursor_stays_stable_while_new_articles_arrive(store: SqlStore) -> None:
    jp, _ = fill(store)
    first = store.query_articles(ArticleQuery(), limit=4)
    assert first.next is not None
    store.upsert_entries(jp, [write("fresh", "Breaking", published=NOW)], now=NOW)
    second = store.query_articles(ArticleQuery(), limit=4, after=first.next)
    before = titles(store, ArticleQuery(), limit=100)
    assert [a.title for a in second.articles] == before[5:9]  # shifted by the new one
    assert not {a.id for a in first.articles} & {a.id for a in second.articles}


def test_query_articles_filters(store: SqlStore) -> None:
    jp, eu = fill(store)
    assert len(titles(store, ArticleQuery(source_ids=(jp,)), limit=100)) == 5
    assert len(titles(store, ArticleQuery(country="jp"), limit=100)) == 5
    assert len(titles(store, ArticleQuery(country="DE"), limit=100)) == 6
    # language: the article's (en-GB, matched by prefix), else its source's
    assert len(titles(store, ArticleQuery(language="en"), limit=100)) == 6
    assert len(titles(store, ArticleQuery(language="EN-gb"), limit=100)) == 5
    assert len(titles(store, ArticleQuery(language="ja"), limit=100)) == 5
    assert titles(store, ArticleQuery(topic="日本"), limit=100)[0] == "Ünion AI policy 0"
    assert titles(store, ArticleQuery(topic="Polit"), limit=100) == []
    assert titles(store, ArticleQuery(q="report 3"), limit=100) == ["Chips report 3"]
    assert titles(store, ArticleQuery(q="REPORT 3"), limit=100) == ["Chips report 3"]
    assert titles(store, ArticleQuery(q="100%_"), limit=100) == []
    window = ArticleQuery(since=NOW - timedelta(hours=2), until=NOW - timedelta(hours=1))
    assert titles(store, window, limit=100) == ["Ünion AI policy 1", "Chips report 2"]
    assert titles(store, ArticleQuery(source_ids=(eu,), q="chips"), limit=100) == []


def test_title_history_has_times(store: SqlStore) -> None:
    jp, _ = fill(store)
    later = NOW + timedelta(minutes=5)
    store.upsert_entries(jp, [write("jp0", "Chips report 0, updated")], now=later)
    article = store.query_articles(ArticleQuery(q="updated")).articles[0]
    history = store.title_history(article.id)
    assert [(h.title, h.seen_at) for h in history] == [
        ("Chips report 0", NOW),
        ("Chips report 0, updated", later),
    ]
    assert store.title_history(999_999) == []


def test_source_volume_counts_per_utc_day(store: SqlStore) -> None:
    source = store.add_source("https://v.example/feed", now=NOW)
    times = [NOW, NOW - timedelta(hours=13), NOW - timedelta(days=2), NOW - timedelta(days=40)]
    store.upsert_entries(
        source.id, [write(f"v{i}", f"t{i}", published=t) for i, t in enumerate(times)], now=NOW
    )
    volume = store.source_volume(source.id, since=NOW - timedelta(days=30))
    assert [(v.day, v.articles) for v in volume] == [
        (date(2026, 2, 27), 1),
        (date(2026, 2, 28), 1),
        (date(2026, 3, 1), 1),
    ]


def test_activity_and_facets(store: SqlStore) -> None:
    jp, _ = fill(store)
    store.record_event(now=NOW, kind="timeout", message="x", source_id=jp)
    act = store.activity(since=NOW - timedelta(hours=1))
    assert (act.articles_new, act.articles_extracted, act.sources_polled, act.events) == (
        11,
        0,
        0,
        1,
    )
    assert store.activity(since=NOW + timedelta(seconds=1)).articles_new == 0
    facets = store.facets()
    assert dict(facets.languages) == {"en": 6, "ja": 5}
    assert dict(facets.countries) == {"JP": 1, "DE": 1}
    assert dict(facets.topics) == {"Politics": 5, "日本": 5}

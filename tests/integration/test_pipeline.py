"""The whole ingest pipeline against a local site: feeds → articles → store."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.config import Settings
from newsdesk.errors import StoreError
from newsdesk.model import Source
from newsdesk.pipeline import PipelineContext, PollReport, poll_source
from newsdesk.runners.embedded import run_round
from newsdesk.store import open_store
from newsdesk.store.sql import SqlStore
from tests.support.site import Site, benchmark_pages, rss_feed
from tests.unit.dedup.test_decide import ORIGINAL

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def add_source(store: SqlStore, url: str) -> int:
    return store.add_source(url, now=NOW).id


async def test_benchmark_pages_flow_end_to_end(
    shared_data: Path, site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    pages = list(benchmark_pages(shared_data))[:40]
    items = []
    for page_id, _, html in pages:
        items.append((page_id, site.add(f"/a/{page_id}.html", html), f"Story {page_id[:8]}"))
    feed = site.add("/feed.xml", rss_feed("Bench", items), "application/rss+xml")
    source_id = add_source(store, feed)

    summary = await run_round(pipeline, sources=store.list_sources())
    assert summary.new_articles == len(pages)
    assert summary.articles_extracted >= len(pages) - 1, summary.as_dict()
    stored = store.list_articles(limit=100)
    assert len(stored) == len(pages)
    assert sum(len(a.text) > 200 for a in stored) >= len(pages) - 1
    assert store.pending_articles() == []
    raw = list(store.iter_raw_pages(source_id=source_id))
    assert len(raw) >= len(pages) - 1

    # Second round: the feed answers 304 and nothing downstream happens.
    again = await run_round(pipeline, sources=store.list_sources())
    assert again.not_modified == 1
    assert again.new_articles == 0
    assert len(store.list_articles(limit=100)) == len(pages)
    page_hits = sum(v for k, v in site.hits.items() if k.startswith("/a/"))
    assert page_hits == len(pages)


async def test_every_real_feed_is_stored_or_fails_readably(
    shared_data: Path, site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    folder = shared_data / "real-feeds"
    with (folder / "manifest.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        kind = "application/json" if row["file"].endswith(".json") else "application/xml"
        add_source(store, site.add("/" + row["file"], (folder / row["file"]).read_bytes(), kind))
    pipeline.settings = pipeline.settings.model_copy(update={"fetch_articles": False})

    summary = await run_round(pipeline, sources=store.list_sources())
    assert summary.feeds_polled == len(rows)
    sources = {
        s.url.rsplit("/", 2)[-2] + "/" + s.url.rsplit("/", 1)[-1]: s for s in store.list_sources()
    }
    for row in rows:
        source = sources[row["file"]]
        if row["kind"] == "real":
            # a real feed either gave articles, is empty, or failed with a readable reason
            assert source.last_success or source.last_error, row["file"]
        if row["kind"] == "real-nonfeed":
            assert source.failures == 1 and source.last_error_kind == "not_a_feed", row["file"]
    good = [s for s in sources.values() if s.articles > 0]
    assert len(good) >= 195
    # items without any link cannot become articles; that is said, not silent
    skipped = [e for e in store.recent_events(limit=500) if e["kind"] == "items_without_link"]
    assert any("atom_example_7.xml" in str(e["message"]) for e in skipped)
    total = store.stats().articles

    again = await run_round(pipeline, sources=store.list_sources())
    assert again.new_articles == 0
    assert store.stats().articles == total


async def test_guid_change_and_title_edit_keep_one_article(
    site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    link = site.url("/a/1.html")
    feed = site.add(
        "/f.xml", rss_feed("F", [("guid-1", link, "First title")]), "application/rss+xml"
    )
    source_id = add_source(store, feed)
    pipeline.settings = pipeline.settings.model_copy(update={"fetch_articles": False})
    await poll_source(pipeline, store.get_source(source_id))  # type: ignore[arg-type]

    # The feed changes the GUID (CMS migration) and fixes the headline.
    site.add(
        "/f.xml",
        rss_feed("F", [("new-guid-1", link + "?utm_source=x", "Fixed title")]),
        "application/rss+xml",
    )
    report = await poll_source(pipeline, store.get_source(source_id))  # type: ignore[arg-type]
    assert report.new == 0 and report.updated == 1
    (article,) = store.list_articles()
    assert article.title == "Fixed title"
    assert article.titles == ("First title", "Fixed title")


async def test_deleted_article_never_comes_back(
    site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    items = [("g1", site.url("/a/1.html"), "One"), ("g2", site.url("/a/2.html"), "Two")]
    feed = site.add("/f.xml", rss_feed("F", items), "application/rss+xml")
    source_id = add_source(store, feed)
    pipeline.settings = pipeline.settings.model_copy(update={"fetch_articles": False})
    await poll_source(pipeline, store.get_source(source_id))  # type: ignore[arg-type]
    victim = next(a for a in store.list_articles() if a.title == "One")
    assert store.delete_article(victim.id, now=NOW, reason="publisher takedown")
    # the feed changes (so no 304) but still lists the deleted item
    site.add(
        "/f.xml",
        rss_feed("F", [*items, ("g3", site.url("/a/3.html"), "Three")]),
        "application/rss+xml",
    )
    report = await poll_source(pipeline, store.get_source(source_id))  # type: ignore[arg-type]
    assert report.new == 1
    assert sorted(a.title for a in store.list_articles()) == ["Three", "Two"]


async def test_permanent_redirect_moves_the_feed(
    site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    new = site.add(
        "/new.xml", rss_feed("F", [("g", site.url("/a.html"), "A")]), "application/rss+xml"
    )
    old = site.add("/old.xml", b"", status=301, headers={"Location": "/new.xml"})
    source_id = add_source(store, old)
    pipeline.settings = pipeline.settings.model_copy(update={"fetch_articles": False})
    await poll_source(pipeline, store.get_source(source_id))  # type: ignore[arg-type]
    assert store.get_source(source_id).url == new  # type: ignore[union-attr]


async def test_home_page_at_feed_url_is_autodiscovered(
    site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    site.add("/rss", rss_feed("F", [("g", site.url("/a.html"), "A")]), "application/rss+xml")
    home = site.add(
        "/",
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss">'
        b"</head><body>home</body></html>",
    )
    source_id = add_source(store, home)
    pipeline.settings = pipeline.settings.model_copy(update={"fetch_articles": False})
    report = await poll_source(pipeline, store.get_source(source_id))  # type: ignore[arg-type]
    assert report.new == 1
    assert store.get_source(source_id).url == site.url("/rss")  # type: ignore[union-attr]


BAD_FEEDS: dict[str, tuple[bytes, dict[str, object], str]] = {
    "/empty.xml": (b"", {}, "parse"),
    "/html.xml": (b"<html><body><p>Just a page</p></body></html>", {}, "not_a_feed"),
    "/garbage.xml": (b"\x00\x01\x02 not xml at all \xff\xfe", {}, "parse"),
    "/bomb.xml": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b"<rss><channel><title>&lol3;</title></channel></rss>",
        {},
        "unsafe_xml",
    ),
    "/missing.xml": (b"gone", {"status": 404}, "http_404"),
    "/gone.xml": (b"gone", {"status": 410}, "http_410"),
    "/broken.xml": (b"oops", {"status": 500}, "http_500"),
    "/loop.xml": (b"", {"status": 302, "headers": {"Location": "/loop.xml"}}, "redirects"),
}


async def test_bad_feeds_fail_readably_and_lose_nothing(
    site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    good = site.add(
        "/good.xml", rss_feed("Good", [("g", site.url("/a.html"), "Kept")]), "application/rss+xml"
    )
    pipeline.settings = pipeline.settings.model_copy(update={"fetch_articles": False})
    good_id = add_source(store, good)
    await run_round(pipeline, sources=store.list_sources())
    assert store.get_source(good_id).articles == 1  # type: ignore[union-attr]

    ids = {}
    for path, (body, kwargs, _) in BAD_FEEDS.items():
        ids[path] = add_source(store, site.add(path, body, "application/rss+xml", **kwargs))
    summary = await run_round(pipeline, sources=store.list_sources())
    assert summary.feeds_polled == len(BAD_FEEDS) + 1
    for path, (_, _, kind) in BAD_FEEDS.items():
        source = store.get_source(ids[path])
        assert source is not None
        assert source.failures == 1, path
        assert source.last_error and source.last_error_kind is not None, path
        assert source.last_error_kind.startswith(kind), (path, source.last_error_kind)
        assert source.next_poll is not None and source.next_poll > datetime.now(UTC)
    assert store.get_source(ids["/gone.xml"]).enabled is False  # type: ignore[union-attr]
    assert store.get_source(ids["/broken.xml"]).enabled is True  # type: ignore[union-attr]
    assert store.get_source(good_id).articles == 1  # type: ignore[union-attr]
    assert store.stats().errors_by_kind


@pytest.mark.parametrize("status", [404, 500])
async def test_article_page_failures_are_recorded(
    status: int, site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    site.add("/a/1.html", b"nope", status=status)
    feed = site.add(
        "/f.xml", rss_feed("F", [("g", site.url("/a/1.html"), "T")]), "application/rss+xml"
    )
    add_source(store, feed)
    summary = await run_round(pipeline, sources=store.list_sources())
    assert summary.errors == {f"article:http_{status}": 1}
    (article,) = store.list_articles()
    assert article.error and str(status) in article.error
    # a 404 is final, a 500 is retried in a later round
    assert article.status == ("failed" if status == 404 else "pending")


async def test_a_failing_store_write_is_recorded_and_the_round_goes_on(
    site: Site, store: SqlStore, pipeline: PipelineContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = add_source(
        store,
        site.add("/a.xml", rss_feed("A", [("g", site.url("/1"), "One")]), "application/rss+xml"),
    )
    b = add_source(
        store,
        site.add("/b.xml", rss_feed("B", [("h", site.url("/2"), "Two")]), "application/rss+xml"),
    )
    real_upsert = store.upsert_entries

    def upsert(source_id: int, *args: object, **kwargs: object) -> object:
        if source_id == a:
            raise StoreError("disk full")
        return real_upsert(source_id, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "upsert_entries", upsert)
    pipeline.settings = pipeline.settings.model_copy(update={"fetch_articles": False})
    summary = await run_round(pipeline, sources=store.list_sources())
    assert summary.errors == {"feed:store": 1}
    failed, ok = store.get_source(a), store.get_source(b)
    assert failed is not None and failed.last_error_kind == "store" and failed.failures == 1
    assert ok is not None and ok.articles == 1


async def test_a_bug_in_a_step_is_logged_and_the_round_goes_on(
    site: Site, store: SqlStore, pipeline: PipelineContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_source(store, site.add("/a.xml", rss_feed("A", []), "application/rss+xml"))
    add_source(store, site.add("/b.xml", rss_feed("B", []), "application/rss+xml"))
    import newsdesk.runners.embedded as embedded

    real = poll_source
    calls: list[Source] = []

    async def buggy(ctx: PipelineContext, source: Source) -> PollReport:
        calls.append(source)
        if len(calls) == 1:
            raise ZeroDivisionError("a bug")
        return await real(ctx, source)

    monkeypatch.setattr(embedded, "poll_source", buggy)
    summary = await run_round(pipeline, sources=store.list_sources())
    assert summary.errors == {"internal": 1}
    assert summary.feeds_polled == 1
    assert any(e["kind"] == "internal" for e in store.recent_events())


def _story_page(template: str, title: str, text: str) -> bytes:
    """One article's text inside a site's own template (navigation, aside, footer)."""
    paragraphs = "".join(f"<p>{p.strip()}</p>" for p in text.split("\n\n"))
    return (
        f"<html><head><title>{title} | {template}</title></head><body>"
        f"<nav><a href='/'>{template} home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        f"<aside>More from {template}: weather, sport and the markets.</aside>"
        f"<footer>Copyright {template} 2026. All rights reserved.</footer></body></html>"
    ).encode()


def _dated_feed(title: str, guid: str, link: str, headline: str, pub_date: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.org/</link>"
        f"<item><guid>{guid}</guid><link>{link}</link><title>{headline}</title>"
        f"<pubDate>{pub_date}</pubDate></item></channel></rss>"
    ).encode()


async def test_a_reprint_is_marked_as_a_copy_of_the_earlier_article(
    site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    headline = "Warehouse fire under control"
    first = site.add("/herald/fire.html", _story_page("Herald", headline, ORIGINAL))
    reprint = site.add("/courier/fire.html", _story_page("Courier", headline, ORIGINAL))
    add_source(
        store,
        site.add(
            "/herald.xml",
            _dated_feed("Herald", "h1", first, headline, "Mon, 02 Nov 2026 08:00:00 +0000"),
            "application/rss+xml",
        ),
    )
    add_source(
        store,
        site.add(
            "/courier.xml",
            _dated_feed("Courier", "c1", reprint, headline, "Mon, 02 Nov 2026 11:30:00 +0000"),
            "application/rss+xml",
        ),
    )

    summary = await run_round(pipeline, sources=store.list_sources())
    assert summary.articles_extracted == 2, summary.as_dict()
    by_url = {a.url: a for a in store.list_articles()}
    original, copy = by_url[first], by_url[reprint]
    assert copy.copy_of == original.id
    assert copy.primary_id == original.id == original.primary_id
    assert original.copy_of is None
    assert copy.copy_reasons and copy.copy_confidence and copy.copy_confidence > 0.5
    assert not [e for e in store.recent_events() if e["kind"] == "dedup"]


async def test_a_copy_detection_failure_is_recorded_and_the_article_kept(
    site: Site, store: SqlStore, pipeline: PipelineContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> bool:
        raise StoreError("save_copy_decision: disk full")

    monkeypatch.setattr(store, "save_copy_decision", broken)
    page = site.add("/a/1.html", _story_page("Herald", "Fire", ORIGINAL))
    add_source(store, site.add("/f.xml", rss_feed("F", [("g", page, "T")]), "application/rss+xml"))

    summary = await run_round(pipeline, sources=store.list_sources())
    assert summary.articles_extracted == 1, summary.as_dict()
    (stored,) = store.list_articles()
    assert stored.status == "ok" and stored.copy_of is None and stored.primary_id is None
    (event,) = [e for e in store.recent_events() if e["kind"] == "dedup"]
    assert "disk full" in str(event["message"]) and event["article_id"] == stored.id


@pytest.mark.parametrize("with_list", [True, False])
async def test_a_wire_list_of_ones_own_is_used_for_credits(
    site: Site, settings: Settings, with_list: bool
) -> None:
    """A wire service missing from the built-in list is credited once the user's wire list
    (the ``wire_list`` setting) names it, in the extraction worker's hints and the decision."""
    import json

    from newsdesk.fetch import Fetcher, FetchOptions
    from newsdesk.pipeline import make_extract_executor, wire_registry
    from tests.integration.conftest import local_settings

    wire = {"name": "Meridian Wire", "domains": ["meridianwire.example"], "aliases": ["Meridian"]}
    (settings.home / "wires.json").write_text(json.dumps({"wires": [wire]}), encoding="utf-8")
    overrides = {"wire_list": "wires.json"} if with_list else {}
    # the worker process reads the list too: run extraction in one, as in production
    settings = local_settings(settings.home, extract_processes=1, **overrides)
    store = open_store(settings.resolved_database_url)
    text = "BALTIMORE (Meridian) - " + ORIGINAL
    page = site.add("/daily/wire.html", _story_page("Daily", "Harbour strike ends", text))
    feed = _dated_feed(
        "Daily", "d1", page, "Harbour strike ends", "Mon, 02 Nov 2026 08:00:00 +0000"
    )
    add_source(store, site.add("/daily.xml", feed, "application/rss+xml"))
    try:
        async with Fetcher(FetchOptions.from_settings(settings)) as fetcher:
            ctx = PipelineContext(
                settings=settings,
                store=store,
                fetcher=fetcher,
                extract_executor=make_extract_executor(settings),
            )
            try:
                summary = await run_round(ctx, sources=store.list_sources())
            finally:
                ctx.close()
        assert summary.articles_extracted == 1, summary.as_dict()
        (article,) = store.list_articles()
        view = store.dedup_view(article.id)
        assert view is not None
        assert view.hints.wire_credit == ("Meridian Wire" if with_list else None)
    finally:
        store.close()
        wire_registry.cache_clear()


def test_a_broken_wire_list_is_refused_at_start(tmp_path: Path) -> None:
    from newsdesk.errors import ConfigError
    from tests.integration.conftest import local_settings

    (tmp_path / "wires.json").write_text('{"wires": [{"aliases": []}]}', encoding="utf-8")
    with pytest.raises(ConfigError, match="wire list"):
        local_settings(tmp_path, wire_list="wires.json")

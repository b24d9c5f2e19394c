"""The JSON API through an ASGI client, on a store filled by the real pipeline."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from newsdesk.store.base import ArticleQuery
from newsdesk.web.app import create_app
from tests.integration.web.conftest import CHANGED_TITLE, Filled
from tests.integration.web.newsfeed import XSS_TITLE


async def all_articles(client: httpx.AsyncClient, query: str = "", limit: int = 5) -> list[Any]:
    items: list[Any] = []
    url: str | None = f"/api/v1/articles?limit={limit}&{query}"
    while url:
        response = await client.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        url = body["next"]
    return items


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


async def test_articles_are_listed_newest_first_with_excerpt_and_outlet_link(
    filled: Filled, client: httpx.AsyncClient
) -> None:
    items = await all_articles(client)
    # tech, world, one planted with a hostile headline, Copycat's own story: the other six
    # articles are copies, folded under their originals (see test_copies.py)
    assert len(items) == 12 + 6 + 1 + 1
    assert len({i["id"] for i in items}) == len(items)
    times = [i["published"] for i in items]
    assert times == sorted(times, reverse=True)
    site = filled.site.base
    for item in items:
        assert item["url"].startswith(site + "/"), item  # the outlet's own page
        assert item["page"] == f"/articles/{item['id']}"
        assert 0 < len(item["excerpt"].split()) <= 60
        for chrome in ("Leave a Comment", "DMCA", "Getty Images", "Denial of responsibility"):
            assert chrome not in item["excerpt"]
        stored = filled.store.get_article(item["id"])
        assert stored is not None and stored.status == "ok"
        if item["title"] != XSS_TITLE:
            assert len(item["excerpt"]) < len(stored.text) / 2  # never the full text
        assert "text" not in item
    xss = next(i for i in items if i["title"] == XSS_TITLE)  # JSON keeps text as text
    assert "<" not in xss["excerpt"] and "onerror" not in xss["excerpt"]
    assert xss["excerpt"].startswith("A planted story")


async def test_cursor_pages_stay_stable_while_articles_arrive(
    filled: Filled, client: httpx.AsyncClient
) -> None:
    first = (await client.get("/api/v1/articles?limit=4")).json()
    every = await all_articles(client, limit=100)
    # a new article, newer than all, arrives between two page loads
    store = filled.store
    from newsdesk.model import FeedItem
    from newsdesk.store import EntryWrite

    source_id = filled.ids["world"]
    url = filled.site.url("/world/late.html")
    new = store.upsert_entries(
        source_id,
        [EntryWrite(FeedItem(guid="late", url=url, title="Late news"), ("guid:late",), url)],
        now=datetime.now(UTC),
    )
    try:
        second = (await client.get(first["next"])).json()
        assert [i["id"] for i in second["items"]] == [i["id"] for i in every[4:8]]
    finally:
        for article_id in new.new_ids:
            store.delete_article(article_id, now=datetime.now(UTC), reason="test")


async def test_article_filters(filled: Filled, client: httpx.AsyncClient) -> None:
    ids = filled.ids
    by_source = await all_articles(client, f"source={ids['world']}")
    assert len(by_source) == 6 and {i["source_id"] for i in by_source} == {ids["world"]}
    assert {i["outlet"] for i in by_source} == {"Welt Heute"}
    assert len(await all_articles(client, "country=de")) == 6
    assert len(await all_articles(client, "country=JP")) == 12
    german = await all_articles(client, "language=de")
    assert {i["source_id"] for i in german} == {ids["world"]}
    assert len(await all_articles(client, "topic=Semiconductors")) == 6
    assert len(await all_articles(client, "topic=Policy")) == 6
    found = await all_articles(client, "q=NUMBER 11")
    assert [i["title"] for i in found] == ["Chip export report number 11"]
    window = await all_articles(client, "since=2026-11-02T07:00:00Z&until=2026-11-02T09:00:00Z")
    assert {i["published"] for i in window} == {
        "2026-11-02T07:00:00Z",
        "2026-11-02T08:00:00Z",
        "2026-11-02T07:30:00Z",
        "2026-11-02T08:30:00Z",
    }
    assert await all_articles(client, "source=999") == []
    empty = await client.get("/api/v1/articles?source=&language=")
    assert len(empty.json()["items"]) == 20


async def test_article_by_id_has_revisions_with_times(
    filled: Filled, client: httpx.AsyncClient
) -> None:
    page = filled.store.query_articles(ArticleQuery(q="now with tariffs"))
    article = page.articles[0]
    body = (await client.get(f"/api/v1/articles/{article.id}")).json()
    assert body["title"] == CHANGED_TITLE
    assert body["revised"] is True
    assert [r["title"] for r in body["revisions"]] == ["Chip export report number 0", CHANGED_TITLE]
    assert body["revisions"][0]["seen_at"] < body["revisions"][1]["seen_at"]
    assert body["country"] == "JP" and body["language"] == "en"
    assert_error(await client.get("/api/v1/articles/987654"), 404, "not_found")
    assert_error(await client.get("/api/v1/articles/abc"), 422, "validation_error")


async def test_sources_with_health(filled: Filled, client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/sources")).json()
    by_id = {s["id"]: s for s in body["items"]}
    assert set(by_id) == set(filled.ids.values())
    tech = by_id[filled.ids["tech"]]
    assert tech["articles"] == 12 and tech["health"]["ok"] is True
    assert tech["health"]["last_success"] is not None and tech["health"]["next_poll"]
    broken = (await client.get(f"/api/v1/sources/{filled.ids['broken']}")).json()
    assert broken["health"]["ok"] is False
    assert broken["health"]["failures"] == 1
    assert broken["health"]["last_error_kind"] == "http_404"
    assert_error(await client.get("/api/v1/sources/424242"), 404, "not_found")


async def test_status_keeps_its_keys_and_adds_activity(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/status")).json()
    assert body["articles"] == 26 and body["articles_pending"] == 0  # copies count here
    assert body["sources"] == 6 and body["sources_failing"] == 1
    assert body["errors_by_kind"].get("http_404") == 1
    assert body["last_hour"]["articles_new"] == 26
    assert body["last_hour"]["articles_extracted"] == 26
    assert (await client.get("/healthz")).json() == {"status": "ok"}


async def test_list_endpoints_answer_304_to_a_matching_etag(client: httpx.AsyncClient) -> None:
    for path in ("/api/v1/articles?limit=3", "/api/v1/sources", "/feed.atom", "/sources.opml"):
        first = await client.get(path)
        tag = first.headers["etag"]
        again = await client.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"", path
        assert again.headers["etag"] == tag
        other = await client.get(path, headers={"If-None-Match": '"nope"'})
        assert other.status_code == 200 and other.content == first.content


async def test_errors_have_one_shape(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/v1/articles?cursor=not-a-cursor"), 400, "bad_request")
    assert_error(await client.get("/api/v1/articles?limit=0"), 422, "validation_error")
    assert_error(await client.get("/api/v1/articles?since=yesterday"), 400, "bad_request")
    assert_error(await client.get("/api/v1/articles?source=x"), 400, "bad_request")
    assert_error(await client.get("/api/v1/nothing"), 404, "not_found")
    assert_error(await client.post("/api/v1/articles"), 405, "method_not_allowed")


async def test_store_failure_is_a_503_in_the_shared_shape(filled: Filled) -> None:
    from newsdesk.errors import StoreError

    class Broken:
        def __getattr__(self, name: str) -> Any:
            def fail(*args: object, **kwargs: object) -> Any:
                raise StoreError("database is locked")

            return fail

    app = create_app(filled.settings, Broken())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert_error(await client.get("/api/v1/articles"), 503, "unavailable")
        page = await client.get("/")
        assert page.status_code == 503 and "<html" in page.text


async def test_excerpt_cap_is_a_parameter(filled: Filled) -> None:
    app = create_app(filled.settings, filled.store, excerpt_words=8)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        items = (await client.get("/api/v1/articles?limit=50")).json()["items"]
    assert all(len(i["excerpt"].split()) <= 8 for i in items)


async def test_openapi_documents_every_endpoint_with_an_example(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/api/openapi.json")).json()
    paths = schema["paths"]
    expected = [
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/sources",
        "/api/v1/sources/{source_id}",
        "/api/v1/status",
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
    ]
    assert sorted(p for p in paths if p.startswith("/api/v1")) == expected
    for path in expected:
        ok = paths[path]["get"]["responses"]["200"]["content"]["application/json"]
        assert ok.get("example"), path
    assert "ErrorOut" in schema["components"]["schemas"]
    assert not any(p == "/" or p.startswith("/feed") for p in paths)  # pages stay out

"""The server-rendered pages through an ASGI client (the browser tests are in tests/e2e/web)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import httpx

from newsdesk.web.app import create_app
from tests.integration.web.conftest import CHANGED_TITLE, Filled
from tests.integration.web.newsfeed import BASE_TIME


def headlines(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'<h2 class="headline"><a [^>]*>(.*?)</a>', html)]


async def test_front_page_lists_newest_articles_and_pages_by_cursor(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    first = headlines(response.text)
    assert len(first) == 20  # all fit on one page
    assert first[1] == CHANGED_TITLE
    assert 'rel="next"' not in response.text
    assert "Read at Tech Daily" in response.text


async def test_front_page_filters(filled: Filled, client: httpx.AsyncClient) -> None:
    html = (await client.get("/?language=de")).text
    assert headlines(html) == [f"Weltpolitik Bericht {i}" for i in range(6)]
    assert '<option value="de" selected>' in html
    html = (await client.get(f"/?source={filled.ids['tech']}&topic=Policy")).text
    assert headlines(html) == [f"Chip export report number {i}" for i in (1, 3, 5, 7, 9, 11)]
    assert "Latest from Tech Daily" in html
    html = (await client.get("/?country=DE&q=%22bericht+3%22")).text
    assert headlines(html) == ["Weltpolitik Bericht 3"]
    # a form sends empty fields for "any": they mean no filter
    assert len(headlines((await client.get("/?q=&language=&country=&source=&topic=")).text)) == 20
    html = (await client.get("/?q=nothing+like+this")).text
    assert "No articles match these filters" in html


async def test_front_page_pager_walks_everything(filled: Filled) -> None:
    from newsdesk.web.pages import reader

    old = reader.PAGE_SIZE
    reader.PAGE_SIZE = 7
    try:
        app = create_app(filled.settings, filled.store)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            seen: list[str] = []
            url: str | None = "/?language=en"
            while url:
                html = (await client.get(url)).text
                seen += headlines(html)
                found = re.search(r'<a href="([^"]+)" rel="next">', html)
                url = unescape(found.group(1)) if found else None
            assert len(seen) == 14 and len(set(seen)) == 14
            assert "language=en" in html and "Newest" in html
    finally:
        reader.PAGE_SIZE = old


async def test_article_page_shows_metadata_excerpt_link_and_revisions(
    filled: Filled, client: httpx.AsyncClient
) -> None:
    api = (await client.get("/api/v1/articles?q=tariffs")).json()["items"][0]
    html = (await client.get(f"/articles/{api['id']}")).text
    assert f"<h1>{CHANGED_TITLE}</h1>" in html
    assert f'href="{api["url"]}"' in html and 'id="original"' in html
    assert "Tech Daily" in html and "JP" in html and "2026-11-02 10:00 UTC" in html
    assert api["excerpt"][:40] in unescape(html)
    assert "Revisions" in html
    # a word diff against the first headline, each with the time it was seen
    assert re.search(
        r"<span>Chip export report number</span>\s*<del>0</del>\s*"
        r"<ins>0, now with tariffs</ins>",
        html,
    )
    assert len(re.findall(r'<li><time datetime="[^"]+">', html)) == 2
    stored = filled.store.get_article(api["id"])
    assert stored is not None and "met on day 0.5 " in stored.text
    assert "met on day 0.0 " in html and "met on day 0.5 " not in html  # never the full text

    plain = (await client.get("/api/v1/articles?q=%22report+number+5%22")).json()["items"][0]
    assert "Revisions" not in (await client.get(f"/articles/{plain['id']}")).text


async def test_source_page_shows_health_and_a_volume_chart(filled: Filled) -> None:
    app = create_app(filled.settings, filled.store, clock=lambda: BASE_TIME + timedelta(days=1))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        html = (await client.get(f"/sources/{filled.ids['tech']}")).text
        assert "<svg" in html and 'role="img"' in html
        assert "<title>2026-11-02: 11</title>" in html  # published 10:00 back to 23:00
        assert "<title>2026-11-01: 1</title>" in html
        assert "12 articles from" in html
        assert "Last success" in html and "Poll interval" in html and "Next poll" in html
        broken = (await client.get(f"/sources/{filled.ids['broken']}")).text
        assert "failing" in broken and "http_404" in broken
        listing = (await client.get("/sources")).text
        assert "Broken Times" in listing and "failing ×1" in listing
        assert (await client.get("/sources/31337")).status_code == 404


async def test_status_page_for_the_operator(client: httpx.AsyncClient) -> None:
    html = (await client.get("/status")).text
    assert "pending pages (queue)" in html
    assert "Fetch rates" in html and "last hour" in html
    assert "http_404" in html and "Broken Times" in html


async def test_strangers_markup_is_escaped_everywhere(
    filled: Filled, client: httpx.AsyncClient
) -> None:
    planted = (await client.get("/api/v1/articles?q=window.__xss")).json()["items"][0]
    pages = [
        "/",
        f"/articles/{planted['id']}",
        f"/sources/{filled.ids['xss']}",
        "/sources",
        "/status",
        "/?topic=" + "%3Cb%20onmouseover%3D%22window.__xss%3D3%22%3ETopic%3C%2Fb%3E",
    ]
    for page in pages:
        response = await client.get(page)
        html = response.text
        assert response.status_code == 200, page
        for raw in ("<script>window", "<img src=x", "<b onmouseover"):
            assert raw not in html, (page, raw)
        assert "default-src 'self'" in response.headers["content-security-policy"]
    article = (await client.get(f"/articles/{planted['id']}")).text
    assert "Chips &lt;script&gt;window.__xss=1;alert(1)&lt;/script&gt;" in article
    # its text revision's passages are strangers' text too
    assert "text edited" in article
    assert "<ins>&lt;img src=x onerror=&#34;window.__xss=9&#34;&gt;</ins>" in article
    assert "<del>&lt;script&gt;window.__xss=6&lt;/script&gt;" in article


async def test_errors_are_pages_outside_the_api(client: httpx.AsyncClient) -> None:
    missing = await client.get("/articles/123456")
    assert missing.status_code == 404 and "<h1>404</h1>" in missing.text
    bad = await client.get("/?cursor=%3Cscript%3E")
    assert bad.status_code == 400 and "<script>" not in bad.text
    assert (await client.get("/nowhere")).status_code == 404

"""Our own Atom, RSS and JSON feeds parse back, through newsdesk's parser and feedparser,
with every entry's headline, link and date intact; OPML lists every source."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import feedparser
import httpx
import pytest

from newsdesk.feeds import parse_feed
from newsdesk.feeds.opml import parse_opml
from newsdesk.web.excerpt import plain_text
from tests.integration.web.conftest import Filled

FORMATS = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}


async def api_items(client: httpx.AsyncClient, query: str) -> list[dict[str, Any]]:
    body = (await client.get(f"/api/v1/articles?limit=50&{query}")).json()
    items: list[dict[str, Any]] = body["items"]
    return items


def as_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/feed", ""),
        ("/feed", "language=de"),
        ("/sources/{tech}/feed", "source={tech}"),
        ("/topics/Semiconductors/feed", "topic=Semiconductors"),
    ],
)
async def test_feed_parses_back_with_titles_links_and_dates(
    filled: Filled, client: httpx.AsyncClient, fmt: str, path: str, query: str
) -> None:
    path = path.format(**filled.ids) + "." + fmt
    query = query.format(**filled.ids)
    url = path + (f"?{query}" if query else "")
    response = await client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(FORMATS[fmt])
    expected = await api_items(client, query)
    assert expected

    ours = parse_feed(response.content, url="http://testserver" + url)
    got = [(i.title, i.url, i.published) for i in ours.items]
    # feeds carry strangers' text stripped of markup (readers may render titles as HTML)
    want = [(plain_text(e["title"]), e["url"], as_time(e["published"])) for e in expected]
    assert got == want
    assert all(i.summary for i in ours.items)
    assert all(len(i.summary.split()) <= 60 for i in ours.items)

    if fmt != "json":  # feedparser reads no JSON Feed
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert [(e.title, e.link) for e in parsed.entries] == [(t, u) for t, u, _ in want]
        stamps = [e.get("published_parsed") for e in parsed.entries]
        assert [datetime(*s[:6]) for s in stamps if s] == [
            w.replace(tzinfo=None, microsecond=0) for _, _, w in want
        ]


async def test_hostile_text_stays_text_in_feeds(filled: Filled, client: httpx.AsyncClient) -> None:
    for fmt in FORMATS:
        body = (await client.get(f"/sources/{filled.ids['xss']}/feed.{fmt}")).content
        for needle in (b"<script", b"<img", b"&lt;script", b"&lt;img", b"onerror", b"<b "):
            assert needle not in body, (fmt, needle)
        items = parse_feed(body, url="http://testserver/").items
        assert items, fmt


async def test_unknown_feed_format_is_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/feed.xml")).status_code == 404
    assert (await client.get("/sources/999/feed.atom")).status_code == 404


async def test_opml_lists_every_source(filled: Filled, client: httpx.AsyncClient) -> None:
    response = await client.get("/sources.opml")
    assert response.status_code == 200
    outlines = parse_opml(response.content)
    assert sorted(o.xml_url for o in outlines) == sorted(filled.built.feeds.values())
    tech = next(o for o in outlines if o.xml_url == filled.built.feeds["tech"])
    assert (tech.title, tech.country, tech.language) == ("Tech Daily", "JP", "en")


@pytest.mark.parametrize("page", ["/", "/sources/{tech}", "/articles/1", "/?topic=Policy"])
async def test_pages_announce_their_feeds(
    filled: Filled, client: httpx.AsyncClient, page: str
) -> None:
    html = (await client.get(page.format(**filled.ids))).text
    for kind in FORMATS.values():
        assert f'<link rel="alternate" type="{kind}"' in html, kind

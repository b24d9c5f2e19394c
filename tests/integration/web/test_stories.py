"""Stories as a reader and an API client see them, on a store the real pipeline filled from
real ECB+ reports (``storyfeed.py``): the front page's ranking, the story page (primary
source first, copies folded and not counted, gaps, the timeline, revisions, links), the
merged story's redirect, the API's shapes and caching, the story feeds."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import feedparser
import httpx

from newsdesk.web.app import create_app
from tests.integration.web.conftest import StoryStore
from tests.integration.web.storyfeed import RETITLED


def story_headlines(html: str) -> list[str]:
    return [
        unescape(h)
        for h in re.findall(r'<h2 class="headline"[^>]*><a href="/stories/\d+">(.*?)</a>', html)
    ]


def coverage_outlets(html: str) -> list[str]:
    items = re.findall(r'<li class="item[^"]*" id="a\d+">(.*?)</li>\n', html, re.S)
    return [unescape(re.search(r'<a href="/sources/\d+">(.*?)</a>', i).group(1)) for i in items]  # type: ignore[union-attr]


async def test_front_page_ranks_stories_with_their_primary_source(
    storied: StoryStore, story_client: httpx.AsyncClient
) -> None:
    made = storied.made
    html = (await story_client.get("/")).text
    assert "<h1>Top stories</h1>" in html
    ids = [int(i) for i in re.findall(r'<h2 class="headline"[^>]*><a href="/stories/(\d+)">', html)]
    # three outlets in three countries beat two and two; the two copies add nothing
    assert ids[0] == made.stories["fire"] and set(ids) == {
        made.stories["fire"],
        made.stories["rehab"],
        made.stories["boxing"],
    }
    fire = html[html.index('<ol class="items stories">') : html.index(f'href="/stories/{ids[1]}"')]
    assert f'Primary source: <a href="{made.urls["anchorage"]}"' in fire
    assert "3 outlets, 3 countries, 1 language" in fire
    assert "London Ledger, GB" in fire and "Tokyo Times, JP" in fire
    assert "Berliner Blatt" not in fire and "Wire Mirror" not in fire  # copies
    assert "2026-11-02 08:00 UTC</time> – <time" in fire  # the time span
    # filters that stories answer; and those that list articles, said in one line
    de = (await story_client.get("/?country=DE")).text
    assert story_headlines(de) == [] and "No stories in the last 48 hours" in de
    jp = (await story_client.get("/?country=JP")).text
    assert [int(i) for i in re.findall(r'href="/stories/(\d+)"', jp)][:1] == [made.stories["fire"]]
    searched = (await story_client.get("/?q=Klitschko")).text
    assert "A search, a source or a topic lists articles" in searched
    assert story_headlines(searched) == [] and "Klitschko" in searched
    listed = (await story_client.get("/?view=articles")).text
    assert 'id="front-note">Every article, newest first' in listed


def live_app(storied: StoryStore) -> httpx.AsyncClient:
    """A client of an app on the real clock (later pages leave out stories written after
    the first page's time: the pipeline wrote these at the real time), reaching back to the
    stories' day with ``since``."""
    app = create_app(storied.settings, storied.store)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


SINCE = "since=2026-11-01"


async def test_front_page_story_pager_walks_every_story_once(storied: StoryStore) -> None:
    from newsdesk.web.pages import reader

    old = reader.STORY_PAGE_SIZE
    reader.STORY_PAGE_SIZE = 1
    try:
        async with live_app(storied) as client:
            seen: list[str] = []
            url: str | None = f"/?{SINCE}"
            while url:
                html = (await client.get(url)).text
                seen += re.findall(r'<h2 class="headline"[^>]*><a href="(/stories/\d+)">', html)
                found = re.search(r'<a href="([^"]+)" rel="next">More stories', html)
                url = unescape(found.group(1)) if found else None
            assert len(seen) == 3 and len(set(seen)) == 3
            assert "← Top" in html
            bad = await client.get("/?cursor=nonsense")
            assert bad.status_code == 400
    finally:
        reader.STORY_PAGE_SIZE = old


async def test_story_page_primary_first_copies_folded_gaps_chart(
    storied: StoryStore, story_client: httpx.AsyncClient
) -> None:
    made = storied.made
    response = await story_client.get(f"/stories/{made.stories['fire']}")
    assert response.status_code == 200
    html = response.text
    # the primary source first and marked, then the others by time; copies only folded
    assert coverage_outlets(html) == ["Anchorage Daily", "London Ledger", "Tokyo Times"]
    first = html.index('class="item is-primary"')
    assert html.index('<p class="badge">Primary source</p>', first) < html.index("London Ledger")
    folded = re.search(r'<p class="copies">(.*?)</p>', html).group(1)  # type: ignore[union-attr]
    assert re.sub(r"<[^>]+>", "", folded) == "+2 copies: Berliner Blatt, Wire Mirror"
    assert f'href="/articles/{made.articles["berlin"]}"' in folded
    facts = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", "", html.split('class="story-facts">')[1].split("</p>")[0])
    )
    assert "3 outlets · 3 countries · 1 language" in facts
    assert "2 copies folded, not counted" in facts
    # per item: outlet, country, language, time, excerpt (capped), link to the original
    assert f'href="{made.urls["tokyo"]}"' in html and "Tokyo Times</a> · JP" in html
    assert '<time datetime="2026-11-02T10:00:00+00:00">' in html
    for excerpt in re.findall(r'<p class="excerpt"[^>]*>(.*?)</p>', html, re.S):
        assert 0 < len(unescape(excerpt).split()) <= 60
    # the breakdown counts coverage, not copies: DE and its reprint are a gap
    assert re.search(r"<td>US</td><td class=\"num\">1</td>", html)
    assert "<td>DE</td>" not in html
    gaps = unescape(re.search(r'id="gap-countries">(.*?)</dd>', html).group(1))  # type: ignore[union-attr]
    assert re.sub(r"<[^>]+>", "", gaps) == "AU, CA, DE, FR (a copy only: DE)"
    languages = re.search(r'id="gap-languages">(.*?)</dd>', html).group(1)  # type: ignore[union-attr]
    assert languages.startswith("de, fr")
    # the timeline: coverage bars and copy bars, server-rendered SVG
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)  # type: ignore[union-attr]
    assert 'class="chart timeline"' in svg and "<script" not in svg
    assert "3 articles and 2 copies" in svg
    assert len(re.findall(r'class="bar copy"', svg)) == 2
    # a headline that changed shows its revisions on the story page
    assert RETITLED in html and "Headline revisions (2)" in html and "<ins>" in html
    # autodiscovery of the story's feeds
    assert f'href="/stories/{made.stories["fire"]}/feed.atom"' in html


async def test_story_links_merged_redirect_and_unknown(
    storied: StoryStore, story_client: httpx.AsyncClient
) -> None:
    made = storied.made
    rehab = (await story_client.get(f"/stories/{made.stories['rehab']}")).text
    assert "In other languages" in rehab and "confidence 64%" in rehab
    assert f'href="/stories/{made.stories["boxing"]}"' in rehab
    moved = await story_client.get(f"/stories/{made.stories['merged']}")
    assert moved.status_code == 308
    assert moved.headers["location"] == f"/stories/{made.stories['boxing']}"
    followed = await story_client.get(moved.headers["location"])
    assert coverage_outlets(followed.text) == ["Sydney Sun", "Toronto Tribune"]
    api = await story_client.get(f"/api/v1/stories/{made.stories['merged']}")
    assert api.status_code == 308
    assert api.headers["location"] == f"/api/v1/stories/{made.stories['boxing']}"
    feed = await story_client.get(f"/stories/{made.stories['merged']}/feed.rss")
    assert feed.headers["location"] == f"/stories/{made.stories['boxing']}/feed.rss"
    assert (await story_client.get("/stories/424242")).status_code == 404
    missing = await story_client.get("/api/v1/stories/424242")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


async def test_article_page_shows_other_coverage_of_its_story(
    storied: StoryStore, story_client: httpx.AsyncClient
) -> None:
    made = storied.made
    html = (await story_client.get(f"/articles/{made.articles['tokyo']}")).text
    section = html.split('class="other-coverage"')[1].split("</section>")[0]
    assert f'href="/stories/{made.stories["fire"]}"' in section
    assert "Anchorage Daily, US" in section and "London Ledger, GB" in section
    assert "Tokyo Times" not in section  # the article's own outlet
    assert "Berliner Blatt" not in section  # copies are not coverage


async def test_api_story_list_and_detail(
    storied: StoryStore, story_client: httpx.AsyncClient
) -> None:
    made = storied.made
    body = (await story_client.get("/api/v1/stories")).json()
    assert next(s["id"] for s in body["items"]) == made.stories["fire"]
    assert body["next"] is None and body["next_cursor"] is None
    fire = body["items"][0]
    assert fire["outlets"] == 3 and fire["countries"] == ["GB", "JP", "US"]
    assert (fire["articles"], fire["copies"]) == (5, 2)
    assert fire["page"] == f"/stories/{fire['id']}" and fire["score"] > 0
    assert fire["primary_source"]["outlet"] == "Anchorage Daily"
    assert fire["primary_source"]["url"] == made.urls["anchorage"]
    assert [c["outlet"] for c in fire["coverage"]] == ["London Ledger", "Tokyo Times"]
    # paging by cursor walks every story once, in the order of one page
    async with live_app(storied) as client:
        whole = (await client.get(f"/api/v1/stories?{SINCE}")).json()["items"]
        walked: list[int] = []
        url: str | None = f"/api/v1/stories?limit=1&{SINCE}"
        while url:
            page = (await client.get(url)).json()
            walked += [s["id"] for s in page["items"]]
            url = page["next"]
            assert url is None or SINCE in url
    assert walked == [s["id"] for s in whole] and len(walked) == 3
    assert [
        s["id"] for s in (await story_client.get("/api/v1/stories?country=jp")).json()["items"]
    ] == [made.stories["fire"]]
    assert (await story_client.get("/api/v1/stories?language=de")).json()["items"] == []
    assert (await story_client.get("/api/v1/stories?cursor=zzz")).status_code == 400
    assert (await story_client.get("/api/v1/stories?since=soon")).status_code == 400

    detail: dict[str, Any] = (await story_client.get(f"/api/v1/stories/{fire['id']}")).json()
    items = detail["items"]
    assert [i["outlet"] for i in items] == ["Anchorage Daily", "London Ledger", "Tokyo Times"]
    assert [i["story_primary"] for i in items] == [True, False, False]
    assert items[0]["copies"]["count"] == 2
    assert [c["outlet"] for c in items[0]["copies"]["items"]] == ["Berliner Blatt", "Wire Mirror"]
    assert all(not i["is_copy"] for i in items)
    assert detail["breakdown"] == {"countries": {"GB": 1, "JP": 1, "US": 1}, "languages": {"en": 3}}
    assert detail["gaps"]["countries"] == ["AU", "CA", "DE", "FR"]
    assert detail["gaps"]["countries_copies_only"] == ["DE"]
    london = items[1]
    assert london["title"] == RETITLED and [r["title"] for r in london["revisions"]][-1] == RETITLED
    assert "text" not in london and len(london["excerpt"].split()) <= 60
    boxing = (await story_client.get(f"/api/v1/stories/{made.stories['boxing']}")).json()
    assert boxing["links"] == [
        {
            "story_id": made.stories["rehab"],
            "language": "en",
            "confidence": 0.64,
            "page": f"/stories/{made.stories['rehab']}",
            "headline": storied.store.story(made.stories["rehab"]).headline,  # type: ignore[union-attr]
        }
    ]


async def test_story_endpoints_answer_304_to_a_matching_etag(
    storied: StoryStore, story_client: httpx.AsyncClient
) -> None:
    fire = storied.made.stories["fire"]
    for path in ("/api/v1/stories", f"/api/v1/stories/{fire}", f"/stories/{fire}/feed.atom"):
        first = await story_client.get(path)
        tag = first.headers["etag"]
        again = await story_client.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"", path


async def test_story_feeds_parse_back_with_every_outlet(
    storied: StoryStore, story_client: httpx.AsyncClient
) -> None:
    made = storied.made
    for fmt in ("atom", "rss", "json"):
        response = await story_client.get(f"/stories/{made.stories['fire']}/feed.{fmt}")
        assert response.status_code == 200
        if fmt == "json":
            entries = [(i["url"], i["title"]) for i in response.json()["items"]]
        else:
            parsed = feedparser.parse(response.content)
            assert not parsed.bozo, parsed.bozo_exception
            entries = [(e.link, e.title) for e in parsed.entries]
        assert {link for link, _ in entries} == {
            made.urls["anchorage"],
            made.urls["london"],
            made.urls["tokyo"],
        }, fmt
    assert (await story_client.get(f"/stories/{made.stories['fire']}/feed.xml")).status_code == 404

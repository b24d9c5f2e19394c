"""Copies as a reader sees them: primary source on every item, copies folded in lists,
"Also published by", and the flag on a re-publisher that never credits.

The module's store (``filled``) holds real decisions: the pipeline ran copy detection on
Copycat News' uncredited reprints of Tech Daily stories 1-4, Partner Post's credited
reprint of story 1 and the hostile outlet's reprint of story 7 (``newsfeed.py``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

import httpx
import pytest

from newsdesk.dedup import CopyDecision, DedupOutcome
from newsdesk.model import Article, ExtractedArticle, FeedItem
from newsdesk.store import EntryWrite
from newsdesk.store.base import ArticleQuery, CopyShare
from newsdesk.store.sql import SqlStore
from newsdesk.web.provenance import (
    UNCREDITED_MIN_EXTRACTED,
    UNCREDITED_SHARE,
    copy_flag,
    reader_reason,
)
from tests.integration.web.conftest import Filled
from tests.integration.web.newsfeed import COPIED, XSS_TITLE
from tests.integration.web.test_pages import headlines


async def api_items(client: httpx.AsyncClient, query: str = "") -> list[dict[str, Any]]:
    """Every item of /api/v1/articles?query, following ``next`` with small pages."""
    items: list[dict[str, Any]] = []
    url: str | None = f"/api/v1/articles?limit=3&{query}"
    while url:
        body = (await client.get(url)).json()
        items += body["items"]
        url = body["next"]
    return items


def tech_url(filled: Filled, i: int) -> str:
    return filled.site.url(f"/tech/{i}.html")


async def test_lists_fold_copies_under_their_original(
    filled: Filled, client: httpx.AsyncClient
) -> None:
    folded = await api_items(client)
    everything = await api_items(client, "copies=all")
    assert len(everything) == 26 and len(folded) == 20  # six copies folded, walked by cursor
    assert len({i["id"] for i in folded}) == 20
    by_title: dict[str, list[dict[str, Any]]] = {}
    for item in folded:
        by_title.setdefault(item["title"], []).append(item)
    one = by_title["Chip export report number 1"]
    assert len(one) == 1 and one[0]["source_id"] == filled.ids["tech"]  # the group once
    original = one[0]
    assert original["primary_source"]["this_article"] is True
    assert original["primary_source"]["summary"] == ""
    assert original["copies"]["count"] == 2
    assert [c["outlet"] for c in original["copies"]["items"]] == ["Copycat News", "Partner Post"]
    assert original["copies"]["items"][0]["url"] == filled.site.url("/copycat/1.html")
    for i in COPIED:
        row = by_title[f"Chip export report number {i}"][0]
        assert row["url"] == tech_url(filled, i) and row["copies"]["count"] >= 1
    # the hostile outlet's reprint of story 7 is folded too, its name kept as text
    seven = by_title["Chip export report number 7"][0]
    assert seven["copies"]["items"][0]["outlet"].startswith("Hostile <img")
    # every item carries its primary source, folded or not; the planted article was put in
    # the store without copy detection, and says so with null
    undecided = [i["title"] for i in everything if i["primary_source"] is None]
    assert undecided == [XSS_TITLE]
    assert next(i for i in everything if i["title"] == XSS_TITLE)["copy_decision"] is None
    # counts: a filter over the headline counts a group once
    ones = await api_items(client, "q=%22report+number+1%22+OR+%22report+number+10%22")
    assert sorted(i["title"] for i in ones) == [
        "Chip export report number 1",
        "Chip export report number 10",
    ]
    unfolded = await api_items(
        client, "q=%22report+number+1%22+OR+%22report+number+10%22&copies=all"
    )
    assert len(unfolded) == 2 + sum(i["copies"]["count"] for i in ones)


async def test_a_copy_whose_original_is_filtered_out_is_marked(
    filled: Filled, client: httpx.AsyncClient
) -> None:
    items = await api_items(client, f"source={filled.ids['copycat']}")
    assert len(items) == 5  # four reprints (their originals are another source's) + its own
    copies = [i for i in items if not i["primary_source"]["this_article"]]
    assert len(copies) == 4
    for item in copies:
        n = int(item["title"].rsplit(" ", 1)[1])
        primary = item["primary_source"]
        assert primary["outlet"] == "Tech Daily"
        assert primary["url"] == tech_url(filled, n)  # the ORIGINAL's own URL
        assert primary["page"] == f"/articles/{primary['article_id']}"
        assert primary["why"] == "published 30 min earlier"
        assert primary["summary"] == "Primary source: Tech Daily — published 30 min earlier"
        assert item["copy_decision"]["kind"] == "verbatim"
        assert item["copy_decision"]["confidence"] == 1.0
        assert item["copy_decision"]["reasons"][0].startswith("copy of ")
        assert item["copied_from"] is None  # it copies the primary itself
    story1 = next(i for i in copies if i["title"].endswith(" 1"))
    assert [c["outlet"] for c in story1["copies"]["items"]] == ["Partner Post"]
    html = (await client.get(f"/?source={filled.ids['copycat']}")).text
    assert len(headlines(html)) == 5
    lines = re.findall(r'<p class="primary">(.*?)</p>', html)
    assert len(lines) == 4
    assert f'Primary source: <a href="{tech_url(filled, 1)}"' in html
    assert "Tech Daily</a> — published 30 min earlier" in html


async def test_article_page_and_api_name_primary_copied_from_and_copies(
    filled: Filled, client: httpx.AsyncClient
) -> None:
    everything = await api_items(client, "copies=all")
    partner = next(i for i in everything if i["source_id"] == filled.ids["partner"])
    detail = (await client.get(f"/api/v1/articles/{partner['id']}")).json()
    primary = detail["primary_source"]
    assert (primary["outlet"], primary["url"]) == ("Tech Daily", tech_url(filled, 1))
    assert primary["why"] == ("the page names it as the original source; published 45 min earlier")
    assert detail["copied_from"]["outlet"] == "Copycat News"  # a copy of a copy
    assert detail["copied_from"]["url"] == filled.site.url("/copycat/1.html")
    assert [c["outlet"] for c in detail["copies"]["items"]] == ["Copycat News"]

    html = (await client.get(f"/articles/{partner['id']}")).text
    assert "<dt>Primary source</dt>" in html
    assert re.search(rf'<dd class="primary"><a href="{re.escape(tech_url(filled, 1))}"', html)
    assert "the page names it as the original source; published 45 min earlier" in html
    assert "<dt>Copied from</dt>" in html and "Copycat News</a>" in html
    assert "verbatim, confidence 100%" in html
    assert "How newsdesk decided" in html

    original = (await client.get(f"/articles/{primary['article_id']}")).text
    assert "this article (the original of its copies)" in original
    also = original.split('id="also-h"')[1].split("</section>")[0]
    assert "Also published by" in original
    assert f'href="{filled.site.url("/copycat/1.html")}"' in also
    assert f'href="{filled.site.url("/partner/1.html")}"' in also
    assert "Copycat News</a>" in also and "Partner Post</a>" in also

    front = (await client.get("/")).text
    assert headlines(front).count("Chip export report number 1") == 1
    assert re.search(r'\+2 copies: <a href="/articles/\d+">Copycat News</a>, ', front)
    # the hostile outlet named under story 7, escaped
    assert '+1 copy: <a href="/articles/' in front
    assert "Hostile &lt;img src=x onerror=" in front and "<img src=x" not in front


async def test_source_flags_a_republisher_that_never_credits(
    filled: Filled, client: httpx.AsyncClient
) -> None:
    ids = filled.ids
    copycat = (await client.get(f"/api/v1/sources/{ids['copycat']}")).json()["copies"]
    assert copycat == {
        "extracted": 5,
        "copies": 4,
        "uncredited": 4,
        "uncredited_share": 0.8,
        "uncredited_republisher": True,
    }
    listed = {s["id"]: s["copies"] for s in (await client.get("/api/v1/sources")).json()["items"]}
    assert listed[ids["copycat"]] == copycat
    # Partner Post credits its source: a copy, but not an uncredited one
    assert listed[ids["partner"]]["copies"] == 1 and listed[ids["partner"]]["uncredited"] == 0
    assert not listed[ids["partner"]]["uncredited_republisher"]
    assert listed[ids["tech"]]["copies"] == 0 and not listed[ids["tech"]]["uncredited_republisher"]
    # one uncredited copy is the hostile outlet's whole output, but one article is too few
    assert (
        listed[ids["xss"]]["uncredited"] == 1 and not listed[ids["xss"]]["uncredited_republisher"]
    )
    assert listed[ids["broken"]]["extracted"] == 0

    html = (await client.get(f"/sources/{ids['copycat']}")).text
    flag = re.search(r'<p class="flag bad" id="uncredited-flag">(.*?)</p>', html)
    assert flag and "4 of its 5 extracted articles (80%)" in unescape(flag.group(1))
    assert 'id="uncredited-flag"' not in (await client.get(f"/sources/{ids['partner']}")).text
    listing = (await client.get("/sources")).text
    assert listing.count("uncredited copies 80%") == 1


async def test_feeds_carry_the_primary_source(filled: Filled, client: httpx.AsyncClient) -> None:
    feed = (await client.get(f"/sources/{filled.ids['copycat']}/feed.json")).json()
    marked = [i for i in feed["items"] if not i["_newsdesk"]["primary_source"]["this_article"]]
    assert len(marked) == 4
    for item in marked:
        assert item["_newsdesk"]["primary_source"]["outlet"] == "Tech Daily"
        assert item["summary"].endswith("(Primary source: Tech Daily — published 30 min earlier)")
    atom = (await client.get(f"/sources/{filled.ids['copycat']}/feed.atom")).text
    assert atom.count("Primary source: Tech Daily") == 4
    front = (await client.get("/feed.json")).json()
    assert len(front["items"]) == 20  # folded like the front page


async def test_openapi_describes_the_new_fields(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/api/openapi.json")).json()
    shapes = schema["components"]["schemas"]
    for field in ("primary_source", "copied_from", "copy_decision", "copies"):
        assert field in shapes["ArticleOut"]["properties"], field
        assert field in shapes["ArticleOut"]["required"], field
    assert "copies" in shapes["SourceOut"]["properties"]
    assert set(shapes["PrimarySourceOut"]["properties"]) >= {"outlet", "url", "why", "summary"}
    params = schema["paths"]["/api/v1/articles"]["get"]["parameters"]
    assert any(p["name"] == "copies" for p in params)


# --- decisions written straight into a store, for the cases the pipeline rarely shows ---

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def add(store: SqlStore, host: str, published: datetime) -> int:
    source = store.get_source_by_url(f"https://{host}/feed") or store.add_source(
        f"https://{host}/feed", now=NOW, title=host.split(".")[0].title()
    )
    url = f"https://{host}/{published:%H%M}"
    item = FeedItem(guid=url, url=url, title=f"Story at {published:%H:%M}", published=published)
    (article_id,) = store.upsert_entries(
        source.id, [EntryWrite(item=item, keys=(f"url:{url}",), canonical_url=url)], now=NOW
    ).new_ids
    store.save_extraction(
        article_id, ExtractedArticle(text="Some text."), now=NOW, raw_html=None, canonical_url=url
    )
    return article_id


def decide(
    store: SqlStore,
    doc: int,
    copy_of: int | None,
    primary: int,
    name: str,
    *reasons: str,
    repoints: tuple[tuple[int, int], ...] = (),
    revised: tuple[CopyDecision, ...] = (),
) -> None:
    decision = CopyDecision(
        doc,
        copy_of,
        primary,
        0.0 if copy_of is None else 0.95,
        "original" if copy_of is None else "verbatim",
        reasons or ("no copy found",),
        primary_source=name,
    )
    assert store.save_copy_decision(
        DedupOutcome(decision, revised=revised, repoints=repoints), hints=None
    )


def test_folded_pages_stay_stable_while_copies_arrive(store: SqlStore) -> None:
    originals = [add(store, "a.example.com", NOW - timedelta(hours=h)) for h in range(6)]
    for o in originals:
        decide(store, o, None, o, "example.com")
    first = store.query_articles(ArticleQuery(fold_copies=True), limit=3)
    assert [a.id for a in first.articles] == originals[:3]
    # copies of the newest and of an older story arrive, later than their originals
    for o, h in ((originals[0], -0.5), (originals[4], 3.5)):
        copy = add(store, "b.example.org", NOW - timedelta(hours=h))
        decide(store, copy, o, o, "a.example.com", "copy of x", "primary source: a — seen first")
    second = store.query_articles(ArticleQuery(fold_copies=True), limit=3, after=first.next)
    assert [a.id for a in second.articles] == originals[3:]
    assert second.next is None
    assert len(store.query_articles(ArticleQuery(), limit=50).articles) == 8


def test_reasons_of_a_former_primary_are_not_repeated(store: SqlStore) -> None:
    """An original seen after its copies takes the group: the copies' recorded reasons
    named the old primary, so only the time relation is told, worked out afresh."""
    c1 = add(store, "c1.example.com", NOW)
    c2 = add(store, "c2.example.net", NOW + timedelta(hours=1))
    o = add(store, "o.example.org", NOW - timedelta(hours=3))
    decide(store, c1, None, c1, "example.com")
    decide(
        store, c2, c1, c1, "example.com", "copy of c1", "primary source: example.com — wire service"
    )
    decide(
        store,
        o,
        None,
        o,
        "example.org",
        "original of c1",
        "primary source: example.org — published 3 h earlier",
        revised=(
            CopyDecision(
                c1,
                o,
                o,
                0.95,
                "verbatim",
                ("copy of o", "primary source: example.org — published 3 h earlier"),
                primary_source="example.org",
            ),
        ),
        repoints=((c1, o),),
    )
    from newsdesk.web.context import WebContext

    ctx = WebContext(store=store, excerpt_words=60)
    article = store.get_article(c2)
    assert isinstance(article, Article)
    prov = ctx.view(article).provenance
    assert prov is not None and prov.primary is not None
    assert prov.primary.outlet == "O" and prov.primary.link == "https://o.example.org/0900"
    assert prov.why == "published 4 h earlier"  # not "wire service": that was about c1
    assert prov.copied_from is not None and prov.copied_from.outlet == "C1"
    assert [c.outlet for c in prov.copies] == ["C1"]
    # folded, the group is one row: the new primary
    rows = store.query_articles(ArticleQuery(fold_copies=True)).articles
    assert [a.id for a in rows] == [o]


@pytest.mark.parametrize(
    ("recorded", "said"),
    [
        ("Reuters byline credit", "byline credit"),
        ("original-source meta", "the page names it as the original source"),
        ("rel=canonical", "the page's canonical link points to it"),
        ("msn.com is a re-publisher", "msn.com re-publishes others' articles"),
        ("its copy is not known", "its own copy is not stored here"),
        ("something new", "something new"),
    ],
)
def test_reasons_in_a_readers_words(recorded: str, said: str) -> None:
    assert reader_reason(recorded) == said


@pytest.mark.parametrize(
    ("extracted", "uncredited", "flagged"),
    [
        (UNCREDITED_MIN_EXTRACTED, 3, True),
        (UNCREDITED_MIN_EXTRACTED - 1, 4, False),  # too few to judge
        (10, 5, True),  # exactly the share
        (10, 4, False),
        (0, 0, False),
    ],
)
def test_the_uncredited_flag_threshold(extracted: int, uncredited: int, flagged: bool) -> None:
    assert UNCREDITED_SHARE == 0.5
    share = CopyShare(source_id=1, extracted=extracted, copies=uncredited, uncredited=uncredited)
    assert copy_flag(share).flagged is flagged

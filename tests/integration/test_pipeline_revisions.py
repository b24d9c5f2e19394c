"""Text revisions through the real pipeline: a page on the loopback site is edited between
rounds, re-checked on its revisit schedule or when its feed entry changes, and the change
shows in the store, on the pages and in the API; failed re-checks keep the text."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from html import unescape

import httpx
import pytest

import newsdesk.pipeline as pipeline_module
from newsdesk.pipeline import PipelineContext
from newsdesk.runners.embedded import RoundSummary, run_round
from newsdesk.store.sql import SqlStore
from newsdesk.web.app import create_app
from tests.integration.test_pipeline import NOW, _dated_feed, _story_page, add_source
from tests.support.site import Site
from tests.unit.dedup.test_decide import ORIGINAL

HEADLINE = "Warehouse fire under control"
EDITED = (
    ORIGINAL.replace("No one was injured.", "Two firefighters were treated for smoke inhalation.")
    + "\n\nCorrection: an earlier version of this article gave the wrong owner of the site."
)
PUB = "Mon, 02 Nov 2026 08:00:00 +0000"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def at(self, delta: timedelta) -> None:
        self.now = NOW + delta


def publish(site: Site, store: SqlStore, name: str = "herald", headline: str = HEADLINE) -> str:
    """One outlet with one article; returns the page's path."""
    page = f"/{name}/fire.html"
    link = site.add(page, _story_page(name.title(), headline, ORIGINAL))
    feed = site.add(
        f"/{name}.xml", _dated_feed(name.title(), "g1", link, headline, PUB), "application/rss+xml"
    )
    add_source(store, feed)
    return page


async def round_at(pipeline: PipelineContext, clock: Clock, delta: timedelta) -> RoundSummary:
    clock.at(delta)
    return await run_round(pipeline, sources=pipeline.store.list_sources())


@asynccontextmanager
async def web(pipeline: PipelineContext, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(pipeline.settings, pipeline.store, clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_an_edited_page_becomes_a_text_revision_shown_on_pages_and_in_the_api(
    site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    clock = Clock(NOW)
    pipeline.clock = clock
    page = publish(site, store)
    first = await round_at(pipeline, clock, timedelta(0))
    assert first.articles_extracted == 1 and first.articles_rechecked == 0, first.as_dict()
    (article,) = store.list_articles()
    assert "No one was injured." in article.text
    story_id = store.article_stories([article.id])[article.id]

    site.add(page, _story_page("Herald", HEADLINE, EDITED))  # a silent edit
    early = await round_at(pipeline, clock, timedelta(hours=1))
    assert early.articles_rechecked == 0 and site.hits[page] == 1  # not due yet
    due = await round_at(pipeline, clock, timedelta(hours=2, seconds=1))
    assert (due.articles_rechecked, due.articles_revised) == (1, 1), due.as_dict()
    assert site.hits[page] == 2

    stored = store.get_article(article.id)
    assert stored is not None and stored.status == "ok"
    assert "smoke inhalation" in stored.text and "No one was injured." not in stored.text
    (revision,) = store.text_history(article.id)
    assert revision.seen_at == NOW + timedelta(hours=2, seconds=1)
    assert revision.removed == ("No one was injured.",)
    assert revision.added == (
        "Two firefighters were treated for smoke inhalation.",
        "Correction: an earlier version of this article gave the wrong owner of the site.",
    )
    assert revision.words_added == 21 and revision.words_removed == 4
    assert revision.words_after - revision.words_before == 17
    # a re-check runs neither copy detection nor the clusterer again
    assert store.article_stories([article.id]) == {article.id: story_id}
    assert (stored.primary_id, stored.copy_kind) == (article.primary_id, article.copy_kind)

    async with web(pipeline, clock) as client:
        body = (await client.get(f"/api/v1/articles/{article.id}")).json()
        assert body["edited"] is True and body["revised"] is False
        (rev,) = body["text_revisions"]
        assert rev["summary"] == "+21 / \u22124 words"
        assert rev["removed"] == ["No one was injured."]
        assert rev["added"][0] == "Two firefighters were treated for smoke inhalation."
        assert [(c["kind"], c["summary"]) for c in body["changes"]] == [
            ("text", "text: +21 / \u22124 words")
        ]
        raw = (await client.get(f"/api/v1/articles/{article.id}")).text
        assert "Residents were allowed back" not in raw  # never the full text
        assert "Nordlys Logistics" not in raw

        html = unescape((await client.get(f"/articles/{article.id}")).text)
        assert "text edited" in html and "+21 / \u22124 words" in html
        assert "<ins>Two firefighters were treated for smoke inhalation.</ins>" in html
        assert "<del>No one was injured.</del>" in html
        assert "Residents were allowed back" not in html

        listing = (await client.get("/?view=articles")).text
        assert re.search(r'<span class="tag">edited</span>', listing)
        listed = (await client.get("/api/v1/articles")).json()["items"]
        assert [i["edited"] for i in listed] == [True]

        story = unescape((await client.get(f"/stories/{story_id}")).text)
        assert "Text revisions (1)" in story and '<span class="tag">edited</span>' in story
        assert "<ins>Two firefighters were treated for smoke inhalation.</ins>" in story
        item = (await client.get(f"/api/v1/stories/{story_id}")).json()["items"][0]
        assert item["edited"] is True and item["text_revisions"][0]["words_added"] == 21
        assert item["changes"][0]["kind"] == "text"

    # the page is gone at the last revisit: the article keeps its status and its text
    site.add(page, b"gone", status=404)
    failed = await round_at(pipeline, clock, timedelta(hours=24, seconds=1))
    assert failed.articles_rechecked == 1 and failed.articles_revised == 0
    assert failed.errors == {"recheck:http_404": 1}, failed.as_dict()
    kept = store.get_article(article.id)
    assert kept is not None and kept.status == "ok" and kept.text == stored.text
    assert len(store.text_history(article.id)) == 1
    (event,) = [e for e in store.recent_events() if e["kind"] == "recheck"]
    assert event["article_id"] == article.id and "text kept" in str(event["message"])
    # the schedule is over: no more fetches of that page
    later = await round_at(pipeline, clock, timedelta(days=30))
    assert later.articles_rechecked == 0 and site.hits[page] == 3
    assert store.due_rechecks(now=NOW + timedelta(days=365)) == []


async def test_a_changed_feed_entry_rechecks_the_page_and_an_unchanged_page_records_nothing(
    site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    clock = Clock(NOW)
    pipeline.clock = clock
    pipeline.settings = pipeline.settings.model_copy(update={"recheck_spacing_minutes": 10})
    page = publish(site, store)
    await round_at(pipeline, clock, timedelta(0))
    (article,) = store.list_articles()
    link = site.url(page)

    # the feed fixes the headline after 5 minutes: the page is due 10 minutes after its fetch
    retitled = _dated_feed("Herald", "g1", link, "Warehouse fire now under control", PUB)
    site.add("/herald.xml", retitled, "application/rss+xml")
    soon = await round_at(pipeline, clock, timedelta(minutes=5))
    assert soon.updated_articles == 1 and soon.articles_rechecked == 0
    spaced = await round_at(pipeline, clock, timedelta(minutes=10))
    assert spaced.articles_rechecked == 1 and spaced.articles_revised == 0, spaced.as_dict()
    assert site.hits[page] == 2
    stored = store.get_article(article.id)
    assert stored is not None
    assert stored.text == article.text and stored.updated_at == NOW + timedelta(minutes=5)
    assert store.text_history(article.id) == []
    # the schedule goes on: the next fetch is the 2-hour revisit
    assert store.due_rechecks(now=NOW + timedelta(hours=1)) == []
    assert [a.id for a in store.due_rechecks(now=NOW + timedelta(hours=2))] == [article.id]

    # a page that now renders a consent wall is not taken for an edit
    consent = "We value your privacy. Accept all cookies to keep reading the Herald here."
    site.add(page, _story_page("Herald", HEADLINE, consent))
    wall = await round_at(pipeline, clock, timedelta(hours=2))
    assert wall.articles_revised == 0 and wall.errors == {"recheck:truncated": 1}
    (event,) = [e for e in store.recent_events() if e["kind"] == "recheck"]
    assert "not an edit" in str(event["message"])
    kept = store.get_article(article.id)
    assert kept is not None and kept.text == article.text and kept.status == "ok"
    assert store.text_history(article.id) == []


async def test_rechecks_are_bounded_per_round_and_never_hold_up_new_articles(
    site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    clock = Clock(NOW)
    pipeline.clock = clock
    pipeline.settings = pipeline.settings.model_copy(update={"rechecks_per_round": 1})
    publish(site, store, "herald")
    publish(site, store, "courier", "Warehouse blaze contained")
    await round_at(pipeline, clock, timedelta(0))
    assert len(store.list_articles()) == 2
    publish(site, store, "gazette", "Fire at Harbour Street")  # a new article, same round
    summary = await round_at(pipeline, clock, timedelta(hours=3))
    assert summary.articles_extracted == 1 and summary.articles_rechecked == 1
    summary = await round_at(pipeline, clock, timedelta(hours=3, minutes=1))
    assert summary.articles_extracted == 0 and summary.articles_rechecked == 1
    summary = await round_at(pipeline, clock, timedelta(hours=3, minutes=2))
    assert summary.articles_rechecked == 0  # the new article's first revisit is later

    pipeline.settings = pipeline.settings.model_copy(
        update={"rechecks_per_round": 0, "revisit_hours": ()}
    )
    summary = await round_at(pipeline, clock, timedelta(hours=30))
    assert summary.articles_rechecked == 0


async def test_a_crash_while_rechecking_keeps_the_article_and_waits_for_the_next_revisit(
    site: Site, store: SqlStore, pipeline: PipelineContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(NOW)
    pipeline.clock = clock
    publish(site, store)
    await round_at(pipeline, clock, timedelta(0))
    (article,) = store.list_articles()

    def broken(*args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(pipeline_module, "recheck_page", broken)
    summary = await round_at(pipeline, clock, timedelta(hours=2))
    assert summary.errors == {"recheck:internal": 1}, summary.as_dict()
    kept = store.get_article(article.id)
    assert kept is not None and kept.status == "ok" and kept.text == article.text
    # not due again every round: the next try is the next revisit
    assert store.due_rechecks(now=NOW + timedelta(hours=23)) == []
    assert [a.id for a in store.due_rechecks(now=NOW + timedelta(hours=24))] == [article.id]

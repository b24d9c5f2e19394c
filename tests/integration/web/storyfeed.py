"""Outlets covering real news events, for the story pages' tests (ASGI and browser).

Real ECB+ DEV texts (``../shared/data/story-clusters/ecbplus``) are served as article pages
on a local site, one outlet (a feed with one item) per article, each outlet with its own
country and language, and the real pipeline (fetch, extract, copy detection, story
clustering) stores them:

- the Wasilla church fire (``13_ecb``): Anchorage Daily (US) first, London Ledger (GB),
  Tokyo Times (JP); Berliner Blatt (DE, a German-language outlet) and Wire Mirror (US)
  reprint Anchorage Daily's report word for word later: two copies, no coverage of their own;
- Lindsay Lohan to rehab (``1_ecbplus``): Hollywood Wire (US) and Paris Presse (FR, French);
- Klitschko v Thompson (``7_ecbplus``): Sydney Sun (AU) and Toronto Tribune (CA).

Then London Ledger changes its headline (a revision), and two writes as the clusterer makes
them (:meth:`Store.save_story_assignment`): the boxing story is merged into a second story
(its old id must redirect), and the survivor gets a cross-lingual link to the rehab story.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsdesk.config import Settings
from newsdesk.fetch import Fetcher, FetchOptions
from newsdesk.pipeline import PipelineContext
from newsdesk.runners.embedded import run_round
from newsdesk.store.sql import SqlStore
from newsdesk.stories import Assignment, CrossLink, StoryState
from tests.integration.test_pipeline import _dated_feed, _story_page
from tests.support.site import Site

__all__ = ["NOW", "OUTLETS", "RETITLED", "Outlet", "Storied", "fill_stories"]

NOW = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
RETITLED = "Wasilla church fire: arson suspected, investigators say"


@dataclass(frozen=True, slots=True)
class Outlet:
    slug: str
    title: str
    country: str
    language: str
    event: str
    index: int  # which report of the event (in ECB+ order)
    hour: int  # published at hour:00 on 2 Nov 2026
    copies: str | None = None  # the slug of the outlet whose report it reprints


OUTLETS = (
    Outlet("anchorage", "Anchorage Daily", "US", "en", "13_ecb", 0, 8),
    Outlet("london", "London Ledger", "GB", "en", "13_ecb", 1, 9),
    Outlet("tokyo", "Tokyo Times", "JP", "en", "13_ecb", 2, 10),
    Outlet("berlin", "Berliner Blatt", "DE", "de", "13_ecb", 0, 12, copies="anchorage"),
    Outlet("mirror", "Wire Mirror", "US", "en", "13_ecb", 0, 13, copies="anchorage"),
    Outlet("hollywood", "Hollywood Wire", "US", "en", "1_ecbplus", 0, 8),
    Outlet("paris", "Paris Presse", "FR", "fr", "1_ecbplus", 1, 9),
    Outlet("sydney", "Sydney Sun", "AU", "en", "7_ecbplus", 0, 16),
    Outlet("toronto", "Toronto Tribune", "CA", "en", "7_ecbplus", 1, 17),
)


@dataclass(frozen=True, slots=True)
class Storied:
    """What :func:`fill_stories` made: source and article ids by outlet slug, and the
    stories (``fire``, ``rehab``, ``boxing`` — the survivor — and ``merged``, its old id)."""

    sources: dict[str, int]
    articles: dict[str, int]
    stories: dict[str, int]
    urls: dict[str, str]


def _reports(shared_data: Path) -> dict[str, list[dict[str, Any]]]:
    path = shared_data / "story-clusters" / "ecbplus" / "ecbplus_dev.jsonl"
    wanted = {o.event for o in OUTLETS}
    found: dict[str, list[dict[str, Any]]] = {e: [] for e in wanted}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["cluster"] in wanted:
                found[row["cluster"]].append(row)
    return {e: sorted(rows, key=lambda r: r["order"]) for e, rows in found.items()}


def _serve(site: Site, outlet: Outlet, row: dict[str, Any], title: str) -> tuple[str, str]:
    page = site.url(f"/{outlet.slug}/{row['id']}.html")
    site.add(f"/{outlet.slug}/{row['id']}.html", _story_page(outlet.title, title, row["text"]))
    when = f"Mon, 02 Nov 2026 {outlet.hour:02d}:00:00 +0000"
    feed = site.add(
        f"/{outlet.slug}/feed.xml",
        _dated_feed(outlet.title, row["id"], page, title, when),
        "application/rss+xml",
    )
    return page, feed


async def _rounds(settings: Settings, store: SqlStore, retitle: Any) -> None:
    async with Fetcher(FetchOptions.from_settings(settings)) as fetcher:
        ctx = PipelineContext(settings=settings, store=store, fetcher=fetcher)
        try:
            # one source at a time, in the order they were added, so originals are seen
            # before their reprints (a round of several sources finishes in any order)
            extracted = 0
            for source in store.list_sources():
                extracted += (await run_round(ctx, sources=[source])).articles_extracted
            assert extracted == len(OUTLETS)
            again = retitle()
            await run_round(ctx, sources=[again])
        finally:
            ctx.close()


def fill_stories(site: Site, store: SqlStore, settings: Settings, shared_data: Path) -> Storied:
    """Serve the outlets on ``site``, run the pipeline into ``store``, then merge and link
    as described above. Asserts the clustering it relies on."""
    reports = _reports(shared_data)
    rows = {o.slug: reports[o.event][o.index] for o in OUTLETS}
    sources: dict[str, int] = {}
    urls: dict[str, str] = {}
    for outlet in OUTLETS:
        row = dict(rows[outlet.slug], id=f"{outlet.slug}-{rows[outlet.slug]['id']}")
        urls[outlet.slug], feed = _serve(site, outlet, row, row["title"])
        sources[outlet.slug] = store.add_source(
            feed, now=NOW, title=outlet.title, country=outlet.country, language=outlet.language
        ).id

    def retitle() -> Any:
        london = next(o for o in OUTLETS if o.slug == "london")
        row = dict(rows["london"], id=f"london-{rows['london']['id']}")
        _serve(site, london, row, RETITLED)
        return store.get_source(sources["london"])

    asyncio.run(_rounds(settings, store, retitle))
    by_source = {a.source_id: a for a in store.list_articles(limit=100)}
    articles = {slug: by_source[sid].id for slug, sid in sources.items()}
    story_of = store.article_stories(list(articles.values()))
    stories = {
        name: story_of[articles[slug]]
        for name, slug in (("fire", "anchorage"), ("rehab", "hollywood"), ("boxing", "sydney"))
    }
    assert {story_of[articles[s]] for s in ("london", "tokyo", "berlin", "mirror")} == {
        stories["fire"]
    }, story_of
    assert story_of[articles["paris"]] == stories["rehab"] != stories["fire"], story_of
    assert (
        story_of[articles["toronto"]]
        == stories["boxing"]
        not in (
            stories["fire"],
            stories["rehab"],
        )
    )

    # The boxing story merged into a story held by its other article, the way the
    # clusterer merges when later coverage bridges two stories; then a cross-lingual link.
    merged = stories["boxing"]
    survivor = next(articles[s] for s in ("sydney", "toronto") if articles[s] != merged)
    store.save_story_assignment(
        Assignment(str(survivor), str(survivor), 1.0, is_new=False, merged=(str(merged),)),
        now=NOW,
    )
    record = store.story(survivor)
    assert record is not None and record.size == 2
    state = StoryState(
        id=str(survivor),
        headline=record.headline,
        headline_article_id=str(record.headline_article_id),
        size=record.size,
        first_seen=record.first_seen,
        last_update=record.last_update,
        language="en",
        links=(CrossLink(story_id=str(stories["rehab"]), language="en", confidence=0.64),),
    )
    store.save_story_assignment(
        Assignment(str(survivor), str(survivor), 1.0, is_new=False), [state], now=NOW
    )
    stories.update(boxing=survivor, merged=merged)
    return Storied(sources=sources, articles=articles, stories=stories, urls=urls)

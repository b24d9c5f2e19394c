"""A store filled by the real pipeline from a local site, once per module, and an ASGI client.

Two polling rounds run: the first gathers every feed and page, the second sees one
headline changed (a revision). The broken feed answers 404 and is recorded as failing.

``storied`` and ``story_client``: another store, of outlets covering real news events
(``storyfeed.py``), with the app's clock pinned to the evening those stories ran.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from newsdesk.config import Settings
from newsdesk.fetch import Fetcher, FetchOptions
from newsdesk.model import ExtractedArticle, FeedItem
from newsdesk.pipeline import PipelineContext
from newsdesk.revisions import text_change
from newsdesk.runners.embedded import run_round
from newsdesk.store import EntryWrite, open_store
from newsdesk.store.sql import SqlStore
from newsdesk.web.app import create_app
from tests.integration.conftest import local_settings
from tests.integration.web.newsfeed import BASE_TIME, XSS_TITLE, BuiltSite, build_site
from tests.integration.web.storyfeed import NOW, Storied, fill_stories
from tests.support.site import Site

CHANGED_TITLE = "Chip export report number 0, now with tariffs"
HOSTILE_EDIT = '<img src=x onerror="window.__xss=9">'  # the planted article's edited line


@dataclass(frozen=True, slots=True)
class Filled:
    settings: Settings
    store: SqlStore
    site: Site
    built: BuiltSite
    ids: dict[str, int]  # source id by name


async def _rounds(settings: Settings, store: SqlStore, filled: BuiltSite, site: Site) -> None:
    async with Fetcher(FetchOptions.from_settings(settings)) as fetcher:
        ctx = PipelineContext(settings=settings, store=store, fetcher=fetcher)
        try:
            # one source at a time, in the order they were added: the originals are seen
            # before their copies, as the tests' expectations of copy links assume (a round
            # of several sources processes their articles in whatever order they finish)
            for source in store.list_sources():
                await run_round(ctx, sources=[source])
            filled.retitle(site, 0, CHANGED_TITLE)
            tech = [s for s in store.list_sources() if s.url == filled.feeds["tech"]]
            await run_round(ctx, sources=tech)
        finally:
            ctx.close()


def plant_hostile_article(store: SqlStore, source_id: int, url: str) -> int:
    """An article whose stored headline and text hold markup. Our feed parsers strip tags
    from headlines, so this is put in the store directly: the web layer must not rely on
    that, and must show such text as text. Its text was then edited (a text revision
    whose added sentence holds markup too)."""
    now = datetime.now(UTC)
    entry = EntryWrite(
        FeedItem(guid="planted", url=url, title=XSS_TITLE, published=BASE_TIME),
        ("guid:planted",),
        url,
    )
    (article_id,) = store.upsert_entries(source_id, [entry], now=now).new_ids
    text = (
        '<script>window.__xss=6</script><img src=x onerror="window.__xss=7">\n'
        "A planted story about markup in headlines, told in a plain sentence or two. "
        "It must be shown as text and nothing else."
    )
    store.save_extraction(
        article_id,
        ExtractedArticle(text=text, site_name='<img src=x onerror="window.__xss=8">'),
        now=now,
        raw_html=None,
        canonical_url=None,
    )
    edited = text.replace("told in a plain sentence or two", "told in two plain sentences")
    edited = edited.replace(text.splitlines()[0], HOSTILE_EDIT)
    change = text_change(text, edited)
    assert change is not None
    store.save_text_revision(
        article_id, change, now=now, previous_text=text, text=edited, recheck_at=None
    )
    return article_id


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Filled]:
    home: Path = tmp_path_factory.mktemp("web")
    settings = local_settings(home, respect_robots=False)
    with Site() as site:
        built = build_site(site)
        store = open_store(settings.resolved_database_url)
        try:
            meta = {
                "tech": ("Tech Daily", "JP", "en"),
                "world": ("Welt Heute", "DE", "de"),
                "xss": ('Hostile <img src=x onerror="window.__xss=5">', "US", "en"),
                "broken": ("Broken Times", "FR", "fr"),
                "copycat": ("Copycat News", "US", "en"),
                "partner": ("Partner Post", "GB", "en"),
            }
            ids = {}
            for name, url in built.feeds.items():
                title, country, language = meta[name]
                ids[name] = store.add_source(
                    url,
                    now=datetime.now(UTC),
                    title=title,
                    country=country,
                    language=language,
                ).id
            asyncio.run(_rounds(settings, store, built, site))
            plant_hostile_article(store, ids["xss"], site.url("/xss/planted.html"))
            yield Filled(settings=settings, store=store, site=site, built=built, ids=ids)
        finally:
            store.close()


@pytest.fixture
async def client(filled: Filled) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(filled.settings, filled.store)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@dataclass(frozen=True, slots=True)
class StoryStore:
    settings: Settings
    store: SqlStore
    site: Site
    made: Storied


@pytest.fixture(scope="module")
def storied(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[StoryStore]:
    home: Path = tmp_path_factory.mktemp("web-stories")
    settings = local_settings(home, respect_robots=False)
    with Site() as site:
        store = open_store(settings.resolved_database_url)
        try:
            made = fill_stories(site, store, settings, shared_data)
            yield StoryStore(settings=settings, store=store, site=site, made=made)
        finally:
            store.close()


@pytest.fixture
async def story_client(storied: StoryStore) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(storied.settings, storied.store, clock=lambda: NOW)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c

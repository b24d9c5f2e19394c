"""Stories through the real pipeline: real ECB+ news texts served as article pages on
loopback, one outlet (feed) per article, over three rounds with a simulated kill -9 and a
restart, then ``newsdesk recluster``."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import newsdesk.pipeline as pipeline_module
import newsdesk.runners.embedded as embedded
from newsdesk.cli import app
from newsdesk.config import Settings
from newsdesk.errors import StoreError
from newsdesk.fetch import Fetcher, FetchOptions
from newsdesk.model import Article
from newsdesk.pipeline import PipelineContext
from newsdesk.runners.embedded import run_round
from newsdesk.store.sql import SqlStore
from newsdesk.storydesk import cluster_options, recluster
from tests.integration.test_pipeline import NOW, _dated_feed, _story_page
from tests.support.site import Site, rss_feed

#: Three events of ECB+ DEV (church fire in Wasilla; Lindsay Lohan to rehab; a third),
#: each reported by several outlets; chosen because the clusterer keeps them apart and
#: together whatever the order within a round.
EVENTS = ("13_ecb", "1_ecbplus", "7_ecbplus")


def ecb_events(shared_data: Path) -> dict[str, list[dict[str, Any]]]:
    path = shared_data / "story-clusters" / "ecbplus" / "ecbplus_dev.jsonl"
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        rows = sorted((json.loads(line) for line in fh), key=lambda r: r["order"])
    for row in rows:
        if row["cluster"] in EVENTS:
            events[row["cluster"]].append(row)
    return events


def publish(
    site: Site,
    store: SqlStore,
    outlet: str,
    row: dict[str, Any],
    hour: int,
    *,
    country: str | None = None,
) -> int:
    """One outlet (a feed with one item) publishing ``row`` at ``hour``:00 on 2 Nov 2026."""
    page = site.add(f"/{outlet}/{row['id']}.html", _story_page(outlet, row["title"], row["text"]))
    when = f"Mon, 02 Nov 2026 {hour:02d}:00:00 +0000"
    feed = site.add(
        f"/{outlet}/feed.xml",
        _dated_feed(outlet, row["id"], page, row["title"], when),
        "application/rss+xml",
    )
    return store.add_source(feed, now=NOW, country=country).id


@asynccontextmanager
async def context(settings: Settings, store: SqlStore) -> AsyncIterator[PipelineContext]:
    async with Fetcher(FetchOptions.from_settings(settings)) as fetcher:
        ctx = PipelineContext(settings=settings, store=store, fetcher=fetcher)
        try:
            yield ctx
        finally:
            ctx.extract_executor.shutdown(wait=True)  # no close(): it would snapshot


def stories_by_ecb_id(store: SqlStore) -> dict[str, int | None]:
    found = store.list_articles(limit=200)
    stories = store.article_stories([a.id for a in found])
    return {a.url.rsplit("/", 1)[-1].removesuffix(".html"): stories.get(a.id) for a in found}


def partition(store: SqlStore) -> set[frozenset[int]]:
    found = store.list_articles(limit=200)
    groups: dict[int, set[int]] = defaultdict(set)
    for article_id, story_id in store.article_stories([a.id for a in found]).items():
        groups[story_id].add(article_id)
    return {frozenset(g) for g in groups.values()}


async def test_stories_across_rounds_a_kill_and_a_restart(
    shared_data: Path,
    site: Site,
    store: SqlStore,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events = ecb_events(shared_data)
    fire, rehab, third = (events[e] for e in EVENTS)

    # Round 1: three outlets on the fire, two on the rehab, and a reprint of the first fire
    # report by another outlet in another country (a copy: it must add no breadth).
    round1 = [
        publish(site, store, f"fire{i}", row, 8 + i, country=f"F{i}")
        for i, row in enumerate(fire[:3])
    ]
    round1 += [
        publish(site, store, f"rehab{i}", row, 8, country="US") for i, row in enumerate(rehab[:2])
    ]
    reprint = dict(fire[0], id="reprint")
    reprinter = publish(site, store, "reprinter", reprint, 12, country="ZZ")
    async with context(settings, store) as ctx:
        summary = await run_round(ctx, sources=[store.get_source(i) for i in round1])  # type: ignore[misc]
        assert summary.articles_extracted == 5, summary.as_dict()
        # Polled after the others, so the reprint's article comes after the one it copies
        # (feeds are polled at once, and article ids follow the order their polls end):
        # the recluster below, in id order, then meets the original first.
        summary = await run_round(ctx, sources=[store.get_source(reprinter)])  # type: ignore[list-item]
        assert summary.articles_extracted == 1, summary.as_dict()
    first = stories_by_ecb_id(store)
    fire_story = first[fire[0]["id"]]
    assert fire_story is not None
    assert {first[r["id"]] for r in fire[:3]} == {fire_story} == {first["reprint"]}
    rehab_story = first[rehab[0]["id"]]
    assert rehab_story not in (None, fire_story) and first[rehab[1]["id"]] == rehab_story
    saved = store.load_cluster_state()
    assert saved is not None and saved.seq == store.last_story_seq() == 6

    # Round 2, then a kill -9: the round's snapshot is never saved, and the rehab follow-up
    # is extracted but killed before its story assignment.
    round2 = [
        publish(site, store, "fire3", fire[3], 14, country="F3"),
        publish(site, store, "rehab2", rehab[2], 14, country="GB"),
    ]
    real_assign = pipeline_module.assign_story

    def killed_before_assignment(ctx: PipelineContext, article: Article) -> bool:
        if rehab[2]["id"] in article.url:
            return False
        return real_assign(ctx, article)

    with monkeypatch.context() as patch:
        patch.setattr(embedded, "snapshot_stories", lambda ctx: False)
        patch.setattr(pipeline_module, "assign_story", killed_before_assignment)
        async with context(settings, store) as ctx:
            # the fire follow-up first (its assignment opens the story desk), so the rehab
            # follow-up is extracted after the desk's start-up catch-up has run
            for source_id in round2:
                await run_round(ctx, sources=[store.get_source(source_id)])  # type: ignore[list-item]
    assert store.load_cluster_state().seq == 6  # type: ignore[union-attr]
    assert stories_by_ecb_id(store)[rehab[2]["id"]] is None

    # Round 3, a new process: the clusterer resumes from the round-1 snapshot, replays the
    # fire follow-up, catches up the rehab follow-up, and goes on with the same stories.
    round3 = [
        publish(site, store, "fire4", fire[4], 16, country="F4"),
        publish(site, store, "third0", third[0], 16),
        publish(site, store, "third1", third[1], 17),
    ]
    async with context(settings, store) as ctx:
        await run_round(ctx, sources=[store.get_source(i) for i in round3])  # type: ignore[misc]
    final = stories_by_ecb_id(store)
    assert {final[r["id"]] for r in fire[:5]} == {fire_story} == {final["reprint"]}
    assert {final[r["id"]] for r in rehab[:3]} == {rehab_story}
    third_story = final[third[0]["id"]]
    assert third_story not in (None, fire_story, rehab_story)
    assert final[third[1]["id"]] == third_story
    assert not [e for e in store.recent_events() if e["kind"] == "stories"]

    story = store.story(fire_story)
    # (dormant when the machine's clock is past the window after 2 Nov 2026)
    assert story is not None and story.status in ("active", "dormant")
    assert (story.size, story.copies) == (6, 1)
    assert len(story.outlets) == 5 and story.countries == ("F0", "F1", "F2", "F3", "F4")
    assert story.headline_article_id in {a.id for a in store.story_articles(fire_story).articles}
    top = store.top_stories(now=NOW.replace(hour=18), since=NOW.replace(hour=0))
    assert [s.id for s in top][:1] == [fire_story]
    assert store.load_cluster_state().seq == store.last_story_seq() == 11  # type: ignore[union-attr]

    # Recluster (in arrival order, fresh clusterer): the same stories, articles untouched.
    before, texts = partition(store), {a.id: a.text for a in store.list_articles(limit=200)}
    report = recluster(store, cluster_options(settings), clock=lambda: NOW)
    assert report.as_dict() == {"articles": 11, "stories": 3, "copies": 1, "unassigned": 11}
    assert partition(store) == before
    assert {a.id: a.text for a in store.list_articles(limit=200)} == texts

    # The command line does the same and says so.
    result = CliRunner().invoke(
        app, ["--home", str(settings.home), "recluster", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stories"] == 3
    assert partition(store) == before
    since = CliRunner().invoke(app, ["--home", str(settings.home), "recluster", "--since", "x"])
    assert since.exit_code == 2


async def test_a_story_failure_is_recorded_and_the_article_kept(
    site: Site, store: SqlStore, pipeline: PipelineContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> int:
        raise StoreError("save_story_assignment: disk full")

    page = site.add("/a/1.html", _story_page("Herald", "Fire", "A warehouse burned. " * 40))
    feed = site.add("/f.xml", rss_feed("F", [("g", page, "Fire")]), "application/rss+xml")
    store.add_source(feed, now=NOW)
    with monkeypatch.context() as patch:
        patch.setattr(store, "save_story_assignment", broken)
        summary = await run_round(pipeline, sources=store.list_sources())
    assert summary.articles_extracted == 1, summary.as_dict()
    (stored,) = store.list_articles()
    assert stored.status == "ok" and store.article_stories([stored.id]) == {}
    (event,) = [e for e in store.recent_events() if e["kind"] == "stories"]
    assert "disk full" in str(event["message"]) and event["article_id"] == stored.id
    assert pipeline.story_desk is None  # rebuilt from the store on next use

    # The next article reopens the clusterer, which picks the failed one up as well.
    other = site.add("/a/2.html", _story_page("Herald", "Flood", "The river rose. " * 40))
    site.add(
        "/f.xml",
        rss_feed("F", [("g", page, "Fire"), ("h", other, "Flood")]),
        "application/rss+xml",
    )
    await run_round(pipeline, sources=store.list_sources())
    assert len(store.article_stories([a.id for a in store.list_articles()])) == 2


async def test_cluster_stories_off_assigns_nothing(
    site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    pipeline.settings = pipeline.settings.model_copy(update={"cluster_stories": False})
    page = site.add("/a/1.html", _story_page("Herald", "Fire", "A warehouse burned. " * 40))
    store.add_source(
        site.add("/f.xml", rss_feed("F", [("g", page, "Fire")]), "application/rss+xml"), now=NOW
    )
    await run_round(pipeline, sources=store.list_sources())
    assert store.last_story_seq() == 0 and store.load_cluster_state() is None


KUMAMOTO_EN = (
    "TSMC starts building its second Kumamoto chip plant",
    "Taiwan's TSMC began construction of its second chip factory in Kumamoto, Japan, on "
    "November 2, the company said on Monday.\n\n"
    "The plant will make chips for cars and industrial machines and is due to start "
    "production at the end of 2027, adding about 1,700 jobs.\n\n"
    "Japan's government has pledged subsidies of up to 732 billion yen for the project, "
    "part of its push to rebuild a domestic semiconductor industry.",
)
KUMAMOTO_JA = (
    "台湾TSMC、熊本第2工場の建設を開始",
    "半導体受託生産の世界最大手、台湾TSMCは2026年11月2日、熊本県菊陽町で第2工場の建設を"
    "始めたと発表した。\n\n"
    "新工場は自動車や産業機械向けの半導体を生産し、2027年末の稼働を目指す。約1700人の"
    "雇用を見込んでいる。\n\n"
    "日本政府は最大7320億円を補助する方針で、国内の半導体産業の再建を急いでいる。",
)


async def test_a_japanese_report_is_linked_to_the_english_story(
    site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    """Extraction, language detection and clustering keep the two apart (one story per
    language) and link them: the Japanese text names TSMC in Latin script beside the date."""
    for outlet, (title, text) in (("herald", KUMAMOTO_EN), ("nikkan", KUMAMOTO_JA)):
        page = site.add(f"/{outlet}/kumamoto.html", _story_page(outlet, title, text))
        feed = _dated_feed(outlet, outlet, page, title, "Mon, 02 Nov 2026 09:00:00 +0000")
        store.add_source(site.add(f"/{outlet}/feed.xml", feed, "application/rss+xml"), now=NOW)
    summary = await run_round(pipeline, sources=store.list_sources())
    assert summary.articles_extracted == 2, (summary.as_dict(), store.recent_events())
    found = {a.language: a for a in store.list_articles()}
    assert set(found) == {"en", "ja"}
    stories = store.article_stories([a.id for a in found.values()])
    english, japanese = stories[found["en"].id], stories[found["ja"].id]
    assert english != japanese
    story = store.story(english)
    assert story is not None and story.languages == ("en", "ja")
    [link] = story.links
    assert (link.story_id, link.language) == (japanese, "ja")
    assert 0.5 <= link.confidence <= 1.0


INAUGURATION_EN = (
    "US agency frees up protest sites for Donald Trump's inauguration",
    "The National Park Service said on Friday it would free up space on the National Mall "
    "for protest groups during Donald Trump's inauguration in Washington on January 20.\n\n"
    "Several groups had complained that the agency reserved most of the Mall for the "
    "inaugural committee, leaving little room for demonstrations.\n\n"
    "The Women's March, expected to draw more than 200,000 people, will now gather near "
    "the Capitol on the day after the ceremony.",
)
CYBER_ES = (
    "EEUU dice que Putin ordenó ciberataques para ayudar a Donald Trump",
    "Los servicios de inteligencia de Estados Unidos afirman en un informe publicado el "
    "viernes que Vladimir Putin ordenó una campaña de ciberataques para favorecer a Donald "
    "Trump frente a Hillary Clinton.\n\n"
    "El informe, parcialmente desclasificado, se conoció tras la reunión de Trump con los "
    "jefes de la inteligencia para discutir el mismo asunto.\n\n"
    "Según el documento, el Kremlin quería denigrar a Clinton y perjudicar sus opciones de "
    "llegar a la Casa Blanca.",
)
CYBER_EN = (
    "US intelligence report says Putin directed cyber campaign to help Trump",
    "Russian President Vladimir Putin ordered a cyber campaign to help Donald Trump defeat "
    "Hillary Clinton in the election, a declassified US intelligence report said on Friday.\n\n"
    "The report was released hours after Trump met the heads of the intelligence agencies "
    "to discuss their findings.\n\n"
    "It says the Kremlin wanted to denigrate Clinton and harm her chances of reaching the "
    "White House.",
)


async def test_a_stronger_link_replaces_a_weaker_one_in_the_store(
    site: Site, store: SqlStore, pipeline: PipelineContext
) -> None:
    """The Spanish report first links the only English story naming Donald Trump; the
    English report of its own event, a round later, takes that link over: the store drops
    the old link both ways and the first English story's languages with it."""
    articles: dict[str, int] = {}
    rounds = (("park", INAUGURATION_EN, 9), ("veinte", CYBER_ES, 10), ("wire", CYBER_EN, 11))
    for outlet, (title, text), hour in rounds:
        page = site.add(f"/{outlet}/story.html", _story_page(outlet, title, text))
        when = f"Mon, 02 Nov 2026 {hour:02d}:00:00 +0000"
        feed = _dated_feed(outlet, outlet, page, title, when)
        source = store.add_source(site.add(f"/{outlet}/feed.xml", feed, "application/rss+xml"),
                                  now=NOW)  # fmt: skip
        summary = await run_round(pipeline, sources=[source])
        assert summary.articles_extracted == 1, (summary.as_dict(), store.recent_events())
        [article] = [a for a in store.list_articles() if a.url == page]
        articles[outlet] = article.id
        if outlet == "veinte":
            stories = store.article_stories(list(articles.values()))
            spanish = store.story(stories[articles["veinte"]])
            assert spanish is not None
            assert [x.story_id for x in spanish.links] == [stories[articles["park"]]]
    stories = store.article_stories(list(articles.values()))
    park, veinte, wire = (store.story(stories[articles[o]]) for o in ("park", "veinte", "wire"))
    assert park is not None and veinte is not None and wire is not None
    assert len({park.id, veinte.id, wire.id}) == 3
    assert [x.story_id for x in veinte.links] == [wire.id]
    assert [x.story_id for x in wire.links] == [veinte.id]
    assert park.links == () and park.languages == ("en",)
    assert wire.languages == ("en", "es")

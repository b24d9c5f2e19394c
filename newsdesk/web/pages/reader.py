"""The reader's pages: the front page (top stories, or the newest articles) and the article
page (metadata, excerpt, link to the original, primary source and copies, what changed
and when — headline and text revisions — and other coverage of its story).

The front page shows the top stories (:meth:`Store.top_stories`: breadth of outlets and
countries, copies counted once, fading with age), each with its primary source and a few
other outlets, filtered by language and country and paged by a cursor holding the ranking's
time. A search, a source or topic filter, ``?view=articles``, or no story in the window
lists articles instead, newest first, copies folded: a copy group is one row, its
primary's (or, when the primary is filtered out, its earliest matching copy's, marked with
the primary source), with the other copies named under it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from newsdesk.store.base import StoryCursor
from newsdesk.web.context import Filters, WebContext, get_filters
from newsdesk.web.coverage import StoryCard, story_card
from newsdesk.web.present import (
    BadCursor,
    decode_cursor,
    decode_story_cursor,
    encode_cursor,
    encode_story_cursor,
    revisions,
    text_revisions,
    timeline,
)

__all__ = ["feed_links", "reader_router", "story_mode"]

PAGE_SIZE = 30
STORY_PAGE_SIZE = 20
OTHER_OUTLETS = 3  # other outlets' headlines under a front-page story
OTHER_COVERAGE = 5  # other coverage on an article's page
ALL_COPIES = 200  # copies named on an article's page ("Also published by")


def story_mode(filters: Filters) -> bool:
    """Whether these filters can be answered with stories: a search, a source, a topic or
    an upper time bound ask about articles."""
    return not (filters.q or filters.source is not None or filters.topic or filters.until)


def feed_links(base: str, title: str, query: str = "") -> list[dict[str, str]]:
    """Autodiscovery links (<link rel=alternate>) for the feeds at ``base``.atom etc."""
    suffix = f"?{query}" if query else ""
    return [
        {
            "type": "application/atom+xml",
            "title": f"{title} (Atom)",
            "href": f"{base}.atom{suffix}",
        },
        {"type": "application/rss+xml", "title": f"{title} (RSS)", "href": f"{base}.rss{suffix}"},
        {
            "type": "application/feed+json",
            "title": f"{title} (JSON Feed)",
            "href": f"{base}.json{suffix}",
        },
    ]


def reader_router(ctx: WebContext, clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def front_page(
        request: Request,
        filters: Annotated[Filters, Depends(get_filters)],
        cursor: Annotated[str | None, Query()] = None,
        view: Annotated[Literal["stories", "articles"], Query()] = "stories",
    ) -> HTMLResponse:
        sources = ctx.sources()
        facets = ctx.facets()
        common: dict[str, Any] = {
            "filters": filters,
            "view": view,
            "sources": sorted(sources.values(), key=lambda s: (s.title or s.url).casefold()),
            "languages": [v for v, _ in facets.languages],
            "countries": sorted(v for v, _ in facets.countries),
            "topics": [v for v, _ in facets.topics],
        }
        note = ""
        if view == "stories" and story_mode(filters):
            try:
                after = decode_story_cursor(cursor) if cursor else None
            except BadCursor as exc:
                raise HTTPException(400, str(exc)) from exc
            now = clock()
            records = ctx.store.top_stories(
                now=now,
                limit=STORY_PAGE_SIZE + 1,
                since=filters.since,
                language=filters.language,
                country=filters.country,
                after=after,
            )
            if records or after is not None:
                page, more = records[:STORY_PAGE_SIZE], len(records) > STORY_PAGE_SIZE
                next_query = None
                if more:
                    last = page[-1]
                    assert last.last_update is not None  # ranked stories have one
                    mark = StoryCursor(
                        at=after.at if after is not None else now,
                        score=last.score,
                        last_update=last.last_update,
                        id=last.id,
                    )
                    next_query = filters.encode(cursor=encode_story_cursor(mark))
                return ctx.render(
                    request,
                    "front.html",
                    {
                        **common,
                        "title": "Top stories",
                        "stories": ctx.cards(page, others=OTHER_OUTLETS),
                        "articles": [],
                        "next_query": next_query,
                        "paged": after is not None,
                        "feeds": feed_links("/feed", "Latest news", filters.encode()),
                    },
                )
            note = "No stories in the last 48 hours yet: the newest articles instead."
        elif view == "stories":
            note = (
                "A search, a source or a topic lists articles, newest first, "
                "copies folded under their original."
            )
        try:
            after_article = decode_cursor(cursor) if cursor else None
        except BadCursor as exc:
            raise HTTPException(400, str(exc)) from exc
        articles = ctx.store.query_articles(filters.query(), limit=PAGE_SIZE, after=after_article)
        chosen = sources.get(filters.source) if filters.source is not None else None
        title = "Latest news"
        if chosen is not None:
            title = f"Latest from {chosen.title or chosen.url}"
        elif filters.topic:
            title = f"Latest on {filters.topic}"
        # Later pages stay on articles even when the first fell back to them.
        extra = {"view": "articles"} if view == "articles" or story_mode(filters) else {}
        return ctx.render(
            request,
            "front.html",
            {
                **common,
                "title": title,
                "note": note,
                "stories": [],
                "articles": ctx.views(articles.articles),
                "next_query": filters.encode(**extra, cursor=encode_cursor(articles.next))
                if articles.next
                else None,
                "paged": after_article is not None,
                "feeds": feed_links("/feed", title, filters.encode()),
            },
        )

    @router.get("/articles/{article_id}", response_class=HTMLResponse)
    def article_page(
        request: Request, article_id: Annotated[int, Path(ge=1, le=2**62)]
    ) -> HTMLResponse:
        article = ctx.store.get_article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id}")
        view = ctx.view(article, copies_shown=ALL_COPIES)
        source = ctx.source(article.source_id)
        history = revisions(ctx.store.title_history(article_id))
        edits = text_revisions(ctx.store.text_history(article_id), words=ctx.excerpt_words)
        story: StoryCard | None = None
        story_id = ctx.store.article_stories([article_id]).get(article_id)
        record = ctx.store.story(story_id) if story_id is not None else None
        if record is not None:
            leads = ctx.store.story_leads([record.id], per_story=OTHER_COVERAGE + 2)
            others = [
                v
                for v in ctx.views(
                    leads.get(record.id, ()), with_provenance=False, with_edits=False
                )
                if v.id != article_id and v.source_id != article.source_id
            ]
            story = story_card(record, others, others=OTHER_COVERAGE, lead_is_primary=False)
        return ctx.render(
            request,
            "article.html",
            {
                "title": view.title,
                "a": view,
                "source": source,
                "revisions": history if len(history) > 1 else [],
                "text_revisions": edits,
                "changes": timeline(history, edits),
                "story": story,
                "feeds": feed_links(
                    f"/sources/{article.source_id}/feed", f"Latest from {view.outlet}"
                ),
            },
        )

    return router

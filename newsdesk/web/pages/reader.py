"""The reader's pages: the front page (newest articles, filters, cursor paging) and the
article page (metadata, excerpt, link to the original, primary source and copies,
headline revisions).

The front page folds copies: a copy group is one row, its primary's (or, when the primary
is filtered out, its earliest matching copy's, marked with the primary source), with the
other copies named under it.

Until story clustering lands the front page lists articles; a story list will slot in as
another page built from the same views.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from newsdesk.web.context import Filters, WebContext, get_filters
from newsdesk.web.present import BadCursor, decode_cursor, encode_cursor, revisions

__all__ = ["feed_links", "reader_router"]

PAGE_SIZE = 30
ALL_COPIES = 200  # copies named on an article's page ("Also published by")


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


def reader_router(ctx: WebContext) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def front_page(
        request: Request,
        filters: Annotated[Filters, Depends(get_filters)],
        cursor: Annotated[str | None, Query()] = None,
    ) -> HTMLResponse:
        try:
            after = decode_cursor(cursor) if cursor else None
        except BadCursor as exc:
            raise HTTPException(400, str(exc)) from exc
        page = ctx.store.query_articles(filters.query(), limit=PAGE_SIZE, after=after)
        sources = ctx.sources()
        facets = ctx.facets()
        chosen = sources.get(filters.source) if filters.source is not None else None
        title = "Latest news"
        if chosen is not None:
            title = f"Latest from {chosen.title or chosen.url}"
        elif filters.topic:
            title = f"Latest on {filters.topic}"
        return ctx.render(
            request,
            "front.html",
            {
                "title": title,
                "articles": ctx.views(page.articles),
                "filters": filters,
                "next_query": filters.encode(cursor=encode_cursor(page.next))
                if page.next
                else None,
                "paged": after is not None,
                "sources": sorted(sources.values(), key=lambda s: (s.title or s.url).casefold()),
                "languages": [v for v, _ in facets.languages],
                "countries": sorted(v for v, _ in facets.countries),
                "topics": [v for v, _ in facets.topics],
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
        return ctx.render(
            request,
            "article.html",
            {
                "title": view.title,
                "a": view,
                "source": source,
                "revisions": history if len(history) > 1 else [],
                "feeds": feed_links(
                    f"/sources/{article.source_id}/feed", f"Latest from {view.outlet}"
                ),
            },
        )

    return router

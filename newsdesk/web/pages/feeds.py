"""Routes of the outgoing feeds: the front page (with its filters), each source, each topic,
each in Atom, RSS 2.0 and JSON Feed."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import Response

from newsdesk.store.base import ArticleQuery
from newsdesk.web.context import Filters, WebContext, etag_response, get_filters
from newsdesk.web.feeds import FORMATS, FeedSpec, build_feed

__all__ = ["feeds_router"]

FEED_SIZE = 50


def feeds_router(ctx: WebContext) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def answer(request: Request, fmt: str, query: ArticleQuery, title: str, page: str) -> Response:
        if fmt not in FORMATS:
            raise HTTPException(404, f"no feed format {fmt!r}: use atom, rss or json")
        base = str(request.base_url)
        page_url = base + page.lstrip("/")
        spec = FeedSpec(title=title, page_url=page_url, self_url=str(request.url), base_url=base)
        views = ctx.views(ctx.store.query_articles(query, limit=FEED_SIZE).articles)
        return etag_response(request, build_feed(fmt, spec, views), FORMATS[fmt])

    @router.get("/feed.{fmt}")
    def front_feed(
        request: Request, fmt: str, filters: Annotated[Filters, Depends(get_filters)]
    ) -> Response:
        query = filters.encode()
        title = "newsdesk: latest news" + (f" ({query})" if query else "")
        return answer(request, fmt, filters.query(), title, "/?" + query if query else "/")

    @router.get("/sources/{source_id}/feed.{fmt}")
    def source_feed(
        request: Request, source_id: Annotated[int, Path(ge=1, le=2**62)], fmt: str
    ) -> Response:
        source = ctx.source(source_id)
        if source is None:
            raise HTTPException(404, f"no source {source_id}")
        title = f"newsdesk: {source.title or source.url}"
        query = ArticleQuery(source_ids=(source_id,), fold_copies=True)
        return answer(request, fmt, query, title, f"/sources/{source_id}")

    @router.get("/topics/{topic}/feed.{fmt}")
    def topic_feed(
        request: Request, topic: Annotated[str, Path(max_length=200)], fmt: str
    ) -> Response:
        return answer(
            request,
            fmt,
            ArticleQuery(topic=topic, fold_copies=True),
            f"newsdesk: {topic}",
            "/?topic=" + quote(topic, safe=""),
        )

    return router

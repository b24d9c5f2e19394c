"""Source pages (the outlets, their feeds and health, volume over time, the share of
uncredited copies) and the OPML export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from newsdesk.feeds.opml import OpmlOutline, write_opml
from newsdesk.store.base import ArticleQuery
from newsdesk.web.charts import daily_volume_svg
from newsdesk.web.context import WebContext, etag_response
from newsdesk.web.pages.reader import feed_links
from newsdesk.web.present import BadCursor, decode_cursor, encode_cursor, source_home
from newsdesk.web.provenance import UNCREDITED_MIN_EXTRACTED, UNCREDITED_SHARE, copy_flag

__all__ = ["sources_router"]

VOLUME_DAYS = 30
PAGE_SIZE = 20


def sources_router(ctx: WebContext, clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/sources", response_class=HTMLResponse)
    def sources_page(request: Request) -> HTMLResponse:
        listed = sorted(ctx.store.list_sources(), key=lambda s: (s.title or s.url).casefold())
        shares = ctx.copy_shares()
        return ctx.render(
            request,
            "sources.html",
            {
                "title": "Sources",
                "sources": listed,
                "flags": {s.id: copy_flag(shares.get(s.id)) for s in listed},
                "now": clock(),
            },
        )

    @router.get("/sources.opml")
    def sources_opml(request: Request) -> Response:
        outlines = [
            OpmlOutline(
                xml_url=s.url,
                title=s.title or s.url,
                html_url=source_home(s),
                country=s.country,
                language=s.language,
            )
            for s in ctx.store.list_sources()
        ]
        body = write_opml(outlines, title="newsdesk sources")
        response = etag_response(request, body, "text/x-opml; charset=utf-8")
        response.headers["Content-Disposition"] = 'inline; filename="newsdesk-sources.opml"'
        return response

    @router.get("/sources/{source_id}", response_class=HTMLResponse)
    def source_page(
        request: Request,
        source_id: Annotated[int, Path(ge=1, le=2**62)],
        cursor: Annotated[str | None, Query()] = None,
    ) -> HTMLResponse:
        source = ctx.store.get_source(source_id)
        if source is None:
            raise HTTPException(404, f"no source {source_id}")
        try:
            after = decode_cursor(cursor) if cursor else None
        except BadCursor as exc:
            raise HTTPException(400, str(exc)) from exc
        now = clock()
        first = (now - timedelta(days=VOLUME_DAYS - 1)).date()
        start = datetime.combine(first, datetime.min.time(), tzinfo=now.tzinfo)
        volume = ctx.store.source_volume(source_id, since=start)
        page = ctx.store.query_articles(
            ArticleQuery(source_ids=(source_id,), fold_copies=True), limit=PAGE_SIZE, after=after
        )
        name = source.title or source.url
        return ctx.render(
            request,
            "source.html",
            {
                "title": name,
                "s": source,
                "home": source_home(source),
                "chart": Markup(daily_volume_svg(volume, first=first, last=now.date())),
                "volume_days": VOLUME_DAYS,
                "volume_total": sum(p.articles for p in volume),
                "articles": ctx.views(page.articles),
                "flag": copy_flag(ctx.store.copy_shares(source_id).get(source_id)),
                "flag_share": UNCREDITED_SHARE,
                "flag_min": UNCREDITED_MIN_EXTRACTED,
                "next_cursor": encode_cursor(page.next) if page.next else None,
                "now": now,
                "feeds": feed_links(f"/sources/{source_id}/feed", f"Latest from {name}"),
            },
        )

    return router

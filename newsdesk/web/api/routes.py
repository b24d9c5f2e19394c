"""/api/v1: articles, sources and status as JSON.

List endpoints page by cursor (``next_cursor``, ``next``) and answer ``If-None-Match`` with
304. Errors are not raised here as responses: an ``HTTPException`` leaves and the app's one
error mapping (``newsdesk.web.app``) gives it the shared JSON shape.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response

from newsdesk.web.api.schemas import (
    ARTICLE_DETAIL_EXAMPLE,
    ARTICLE_EXAMPLE,
    ERROR_EXAMPLE,
    SOURCE_EXAMPLE,
    STATUS_EXAMPLE,
    Activity,
    ArticleDetail,
    ArticleList,
    ErrorOut,
    SourceList,
    SourceOut,
    StatusOut,
    article_detail,
    article_list_json,
    source_out,
)
from newsdesk.web.context import Filters, WebContext, etag_response, get_filters
from newsdesk.web.present import (
    BadCursor,
    decode_cursor,
    encode_cursor,
    revisions,
    text_revisions,
    timeline,
)
from newsdesk.web.provenance import copy_flag

__all__ = ["api_router", "status_out"]

JSON = "application/json"
ALL_COPIES = 200  # copies listed in one article's answer


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        example = {"error": {**ERROR_EXAMPLE["error"], "status": code}}
        if code == 400:
            example["error"].update(code="bad_request", message="invalid cursor 'xyz'")
        out[code] = {
            "model": ErrorOut,
            "description": "The error, in the shared shape.",
            "content": {JSON: {"example": example}},
        }
    return out


def _ok(example: Any) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {JSON: {"example": example}}}}


def status_out(ctx: WebContext, now: datetime) -> StatusOut:
    stats = ctx.store.stats()
    act = ctx.store.activity(since=now - timedelta(hours=1))
    return StatusOut(
        sources=stats.sources,
        sources_failing=stats.sources_failing,
        articles=stats.articles,
        articles_pending=stats.articles_pending,
        articles_failed=stats.articles_failed,
        errors_by_kind=stats.errors_by_kind,
        last_hour=Activity(
            since=act.since,
            articles_new=act.articles_new,
            articles_extracted=act.articles_extracted,
            sources_polled=act.sources_polled,
            events=act.events,
        ),
    )


def api_router(ctx: WebContext, clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["api"])

    @router.get(
        "/articles",
        response_model=ArticleList,
        responses={
            **_ok({"items": [ARTICLE_EXAMPLE], "next_cursor": None, "next": None}),
            **_errors(400, 422),
        },
        summary="Articles, newest first, filtered and paged by cursor",
    )
    def list_articles(
        request: Request,
        filters: Annotated[Filters, Depends(get_filters)],
        limit: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50,
        cursor: Annotated[
            str | None,
            Query(
                description="next_cursor of the previous page.",
                openapi_examples={"first page": {"value": ""}},
            ),
        ] = None,
        copies: Annotated[
            Literal["fold", "all"],
            Query(
                description="fold: one item per copy group (its primary, or its earliest "
                "matching copy when the primary is filtered out), the other copies in "
                "`copies`; all: every article."
            ),
        ] = "fold",
    ) -> Response:
        """Headline, excerpt and the link to the original of each article, newest first,
        with its primary source; copies of one article are folded into one item.

        `curl 'http://127.0.0.1:8000/api/v1/articles?language=en&limit=20'`; follow `next`
        for older articles. The pages stay stable while new articles arrive."""
        try:
            after = decode_cursor(cursor) if cursor else None
        except BadCursor as exc:
            raise HTTPException(400, str(exc)) from exc
        query = filters.query(fold_copies=copies == "fold")
        page = ctx.store.query_articles(query, limit=limit, after=after)
        next_cursor = encode_cursor(page.next) if page.next else None
        extra = {"copies": copies} if copies != "fold" else {}
        body = article_list_json(
            ctx.views(page.articles),
            next_cursor=next_cursor,
            next_url=(
                "/api/v1/articles?" + filters.encode(limit=str(limit), **extra, cursor=next_cursor)
                if next_cursor
                else None
            ),
        )
        return etag_response(request, body, JSON)

    @router.get(
        "/articles/{article_id}",
        response_model=ArticleDetail,
        responses={
            **_ok(ARTICLE_DETAIL_EXAMPLE),
            **_errors(404),
        },
        summary="One article with what changed and when: its headlines and text revisions",
    )
    def get_article(
        request: Request,
        article_id: Annotated[int, Path(ge=1, le=2**62, examples=[1842])],
    ) -> Response:
        """The article as lists show it, with its headline history (`revisions`), the
        changes of its text found by fetching its page again (`text_revisions`: word
        counts and a few sentences added and removed, cut short — never the full text)
        and both as one timeline (`changes`).

        `curl http://127.0.0.1:8000/api/v1/articles/1842`"""
        article = ctx.store.get_article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id}")
        view = ctx.view(article, copies_shown=ALL_COPIES)
        history = ctx.store.title_history(article_id)
        edits = text_revisions(ctx.store.text_history(article_id), words=ctx.excerpt_words)
        body = article_detail(view, history, edits, timeline(revisions(history), edits))
        return etag_response(request, body.model_dump_json().encode(), JSON)

    @router.get(
        "/sources",
        response_model=SourceList,
        responses={**_ok({"items": [SOURCE_EXAMPLE]})},
        summary="Every followed source with its health",
    )
    def list_sources(request: Request) -> Response:
        """`curl http://127.0.0.1:8000/api/v1/sources`"""
        shares = ctx.copy_shares()
        body = SourceList(
            items=[source_out(s, copy_flag(shares.get(s.id))) for s in ctx.store.list_sources()]
        )
        return etag_response(request, body.model_dump_json().encode(), JSON)

    @router.get(
        "/sources/{source_id}",
        response_model=SourceOut,
        responses={**_ok(SOURCE_EXAMPLE), **_errors(404)},
        summary="One source with its health",
    )
    def get_source(
        request: Request, source_id: Annotated[int, Path(ge=1, le=2**62, examples=[3])]
    ) -> Response:
        """`curl http://127.0.0.1:8000/api/v1/sources/3`"""
        source = ctx.store.get_source(source_id)
        if source is None:
            raise HTTPException(404, f"no source {source_id}")
        flag = copy_flag(ctx.store.copy_shares(source_id).get(source_id))
        return etag_response(request, source_out(source, flag).model_dump_json().encode(), JSON)

    @router.get(
        "/status",
        response_model=StatusOut,
        responses={**_ok(STATUS_EXAMPLE)},
        summary="Queue depth, counts, fetch activity and errors by kind",
    )
    def status() -> StatusOut:
        """`curl http://127.0.0.1:8000/api/v1/status`"""
        return status_out(ctx, clock())

    return router

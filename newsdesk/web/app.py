"""The web application factory and the one place where errors become HTTP answers.

Pages (server-rendered with Jinja2, autoescaped): ``/`` top stories (or the newest
articles) with filters, ``/stories/{id}``, ``/articles/{id}``, ``/sources``,
``/sources/{id}``, ``/status`` for the operator. Feeds: ``/feed.{atom,rss,json}`` (front
page's articles, same filters), ``/stories/{id}/feed.*``, ``/sources/{id}/feed.*``,
``/topics/{topic}/feed.*``, and ``/sources.opml``. JSON API under ``/api/v1`` (OpenAPI at
``/api/openapi.json``, docs at ``/api/docs``); ``/healthz`` for probes.

Every 4xx/5xx of the API has the shape ``{"error": {"status", "code", "message"}}``;
pages answer the same errors as an HTML page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsdesk.config import Settings
from newsdesk.errors import NewsdeskError, StoreError
from newsdesk.store.base import Store
from newsdesk.web.api.routes import api_router
from newsdesk.web.api.stories import story_api_router
from newsdesk.web.cache import MicroCache
from newsdesk.web.context import WebContext
from newsdesk.web.excerpt import DEFAULT_EXCERPT_WORDS
from newsdesk.web.pages.feeds import feeds_router
from newsdesk.web.pages.reader import reader_router
from newsdesk.web.pages.sources import sources_router
from newsdesk.web.pages.status import status_router
from newsdesk.web.pages.stories import story_router

__all__ = ["DEFAULT_EXCERPT_WORDS", "create_app", "error_body", "status_payload"]

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}

# Our pages load nothing from elsewhere: no CDN, no inline script. The API docs page is
# FastAPI's Swagger UI (its assets served from here by fastapi-offline, but started by an
# inline script), so it is left out of the policy.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def status_payload(store: Store) -> dict[str, Any]:
    """Counts for ``newsdesk status``: plain JSON-able values."""
    stats = store.stats()
    return {
        "sources": stats.sources,
        "sources_failing": stats.sources_failing,
        "articles": stats.articles,
        "articles_pending": stats.articles_pending,
        "articles_failed": stats.articles_failed,
        "errors_by_kind": stats.errors_by_kind,
    }


def error_body(
    status: int, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The one error shape of the API."""
    error: dict[str, Any] = {
        "status": status,
        "code": ERROR_CODES.get(status, "error" if status < 500 else "internal_error"),
        "message": message,
    }
    if details:
        error["details"] = details
    return {"error": error}


class _SecurityHeaders:
    """Adds CSP and friends to every answer (a plain ASGI wrapper: cheaper than
    BaseHTTPMiddleware on the hot path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = str(scope.get("path", "")).startswith("/api/docs")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"strict-origin-when-cross-origin"))
                if not docs:
                    headers.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, wrapped)


def create_app(
    settings: Settings,
    store: Store,
    *,
    excerpt_words: int | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The ASGI app over ``store``. ``excerpt_words`` caps every excerpt shown (pages, feeds,
    API; default: the ``excerpt_words`` setting); ``clock`` gives "now" for rates and charts
    (tests pin it)."""
    if excerpt_words is None:
        excerpt_words = settings.excerpt_words
    now = clock or (lambda: datetime.now(UTC))
    ctx = WebContext(store=store, excerpt_words=max(1, excerpt_words))
    # FastAPI's docs page loads Swagger UI from a CDN: on a machine without internet it
    # shows nothing. fastapi-offline serves the same assets from the package.
    app = FastAPIOffline(
        title="newsdesk",
        version="0.1.0",
        summary="Articles gathered from the world's news media: headlines, excerpts, links.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        static_url="/api/docs/static",
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
    )
    app.add_middleware(_SecurityHeaders)
    # outermost: a cached answer carries the security headers it was sent with
    app.add_middleware(MicroCache, ttl=settings.page_cache_seconds)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(reader_router(ctx, now))
    app.include_router(story_router(ctx))
    app.include_router(sources_router(ctx, now))
    app.include_router(status_router(ctx, now))
    app.include_router(feeds_router(ctx))
    app.include_router(api_router(ctx, now))
    app.include_router(story_api_router(ctx, now))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    def answer(request: Request, status: int, message: str, details: Any = None) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse(error_body(status, message, details), status_code=status)
        return ctx.render(
            request,
            "error.html",
            {"title": f"Error {status}", "status": status, "message": message},
            status=status,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = answer(request, exc.status_code, str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {"loc": [str(p) for p in e.get("loc", ())], "message": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        first = details[0] if details else {"loc": [], "message": "invalid request"}
        message = f"{'.'.join(first['loc'][1:]) or 'request'}: {first['message']}"
        return answer(request, 422, message, details)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        log.error("store error on %s: %s", request.url.path, exc)
        return answer(request, 503, "the database is not answering; try again shortly")

    @app.exception_handler(NewsdeskError)
    async def newsdesk_error(request: Request, exc: NewsdeskError) -> Response:
        log.error("error on %s: %s", request.url.path, exc)
        return answer(request, 500, f"internal error ({exc.kind})")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return answer(request, 500, "internal error")

    return app

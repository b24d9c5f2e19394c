"""The operator's status page: queue depth, fetch rates, pages re-checked and texts revised,
errors by kind, failing sources."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from newsdesk.web.context import WebContext

__all__ = ["status_router"]


def status_router(ctx: WebContext, clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/status", response_class=HTMLResponse)
    def status_page(request: Request) -> HTMLResponse:
        now = clock()
        stats = ctx.store.stats(since=now - timedelta(hours=24))
        windows = [
            ("last hour", ctx.store.activity(since=now - timedelta(hours=1)), 1),
            ("last 24 hours", ctx.store.activity(since=now - timedelta(hours=24)), 24),
        ]
        sources = ctx.store.list_sources()
        failing = sorted(
            (s for s in sources if s.failures or not s.enabled),
            key=lambda s: (-s.failures, s.id),
        )
        return ctx.render(
            request,
            "status.html",
            {
                "title": "Status",
                "stats": stats,
                "windows": windows,
                "failing": failing,
                "events": ctx.store.recent_events(limit=30),
                "now": now,
            },
        )

    return router

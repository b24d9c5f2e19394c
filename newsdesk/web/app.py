"""The web application factory.

Until the reader's side is built this serves the operator's status page: sources with their
health, article counts and the latest errors, as HTML at ``/`` and JSON at ``/api/v1/status``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from newsdesk.config import Settings
from newsdesk.store.base import Store

__all__ = ["create_app", "status_payload"]

TEMPLATES = Path(__file__).parent / "templates"


def status_payload(store: Store) -> dict[str, Any]:
    """Everything the status page shows, as plain JSON-able values."""
    stats = store.stats()
    return {
        "sources": stats.sources,
        "sources_failing": stats.sources_failing,
        "articles": stats.articles,
        "articles_pending": stats.articles_pending,
        "articles_failed": stats.articles_failed,
        "errors_by_kind": stats.errors_by_kind,
    }


def create_app(settings: Settings, store: Store) -> FastAPI:
    app = FastAPI(title="newsdesk", version="0.1.0", docs_url="/api/docs")
    # autoescape is on for .html templates: feed titles are strangers' text.
    templates = Jinja2Templates(directory=str(TEMPLATES))

    @app.get("/", response_class=HTMLResponse)
    def status_page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(
            request,
            "status.html",
            {
                "status": status_payload(store),
                "sources": store.list_sources(),
                "events": store.recent_events(limit=30),
                "articles": store.list_articles(limit=30),
            },
        )

    @app.get("/api/v1/status")
    def status_json() -> dict[str, Any]:
        """Counts of sources and articles and errors by kind.

        Example: ``curl http://127.0.0.1:8000/api/v1/status``
        """
        return status_payload(store)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app

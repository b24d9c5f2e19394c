"""Every API endpoint and every public route is documented in docs/api.md."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from fastapi.routing import APIRoute

from newsdesk.web.app import create_app
from tests.conftest import REPO_ROOT
from tests.integration.web.conftest import Filled

DOC = REPO_ROOT / "docs" / "api.md"
PAGES = {
    "/",
    "/stories/{story_id}",
    "/articles/{article_id}",
    "/sources",
    "/sources/{source_id}",
    "/status",
    "/healthz",
}


def route_paths(routes: Iterable[Any]) -> set[str]:
    """Paths of every route, into included routers (FastAPI keeps them nested)."""
    found: set[str] = set()
    for route in routes:
        nested = getattr(route, "original_router", None)
        if nested is not None:
            found |= route_paths(nested.routes)
        elif isinstance(route, APIRoute):
            found.add(route.path)
    return found


def test_every_route_is_documented(filled: Filled) -> None:
    text = DOC.read_text(encoding="utf-8")
    app = create_app(filled.settings, filled.store)
    routes = route_paths(app.routes)
    assert len(routes) >= 15 and routes >= PAGES
    documented_elsewhere = PAGES  # the pages are the README's; the API and feeds are here
    for path in sorted(routes - documented_elsewhere):
        shown = re.sub(
            r"\{(\w+)\}",
            lambda m: "{id}" if m.group(1).endswith("id") else "{" + m.group(1) + "}",
            path,
        )
        shown = shown.replace(".{fmt}", ".atom")
        assert shown in text, f"{path} is not in docs/api.md"

"""The app answers repeated public GETs from its micro-cache; the status page stays live."""

from __future__ import annotations

import httpx

from newsdesk.web.app import create_app
from tests.integration.web.conftest import Filled


async def test_pages_and_lists_are_cached_status_is_not(filled: Filled) -> None:
    settings = filled.settings.model_copy(update={"page_cache_seconds": 30.0})
    app = create_app(settings, filled.store)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for path in ("/", "/api/v1/articles?limit=5", "/feed.atom"):
            first, again = await client.get(path), await client.get(path)
            assert first.status_code == 200 and "x-cache" not in first.headers
            assert again.headers.get("x-cache") == "hit" and again.content == first.content
            # a cached answer keeps the security headers it was sent with
            assert again.headers.get("x-content-type-options") == "nosniff"
        for path in ("/status", "/api/v1/status"):
            await client.get(path)
            assert "x-cache" not in (await client.get(path)).headers


async def test_off_when_set_to_zero(filled: Filled) -> None:
    settings = filled.settings.model_copy(update={"page_cache_seconds": 0.0})
    transport = httpx.ASGITransport(app=create_app(settings, filled.store))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        await client.get("/")
        assert "x-cache" not in (await client.get("/")).headers

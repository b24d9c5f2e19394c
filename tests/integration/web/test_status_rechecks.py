"""The status page counts the pages fetched again and the texts revised, per window."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx

from newsdesk.model import ExtractedArticle
from newsdesk.revisions import text_change
from newsdesk.store import open_store
from newsdesk.web.app import create_app
from tests.integration.conftest import local_settings
from tests.integration.store.test_store_contract import NOW, entry

BEFORE = "Five people were hurt in the fire.\nPolice are investigating the cause."
AFTER = "Seven people were hurt in the fire.\nPolice are investigating the cause."


def cells(html: str, name: str) -> list[str]:
    return re.findall(rf'<td class="num {name}">(\d+)</td>', html)


async def test_status_page_shows_rechecks_and_revisions_of_each_window(tmp_path: Path) -> None:
    settings = local_settings(tmp_path)
    store = open_store(settings.resolved_database_url)
    try:
        source = store.add_source("https://example.org/feed", now=NOW)
        ids = store.upsert_entries(
            source.id,
            [entry(g, f"https://example.org/{g}") for g in ("a", "b", "c")],
            now=NOW,
        ).new_ids
        for article_id in ids:
            store.save_extraction(
                article_id,
                ExtractedArticle(text=BEFORE),
                now=NOW,
                raw_html=None,
                canonical_url=None,
            )
        # a re-check two hours ago, one twelve hours ago that found a changed text
        store.record_recheck(ids[0], now=NOW + timedelta(hours=22), fetched=True, recheck_at=None)
        change = text_change(BEFORE, AFTER)
        assert change is not None
        assert store.save_text_revision(
            ids[1],
            change,
            now=NOW + timedelta(hours=12),
            previous_text=BEFORE,
            text=AFTER,
            recheck_at=None,
        )
        app = create_app(settings, store, clock=lambda: NOW + timedelta(hours=24))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            html = (await client.get("/status")).text
    finally:
        store.close()
    assert "Pages re-checked" in html and "Texts revised" in html
    # last hour, last 24 hours (the first extractions are not re-checks)
    assert cells(html, "rechecked") == ["0", "2"]
    assert cells(html, "revised") == ["0", "1"]

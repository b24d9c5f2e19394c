"""Web requests without load: each benchmarked page's and API list's own cost, in-process.

Run: ``.venv/bin/python bench/web_unloaded.py [--store DIR] [--profile NAME]``

The store is bench/web.py's (``fill``: 100,000 articles), built once into ``--store``
(default: a folder under the system's temp dir) and reused by later runs. The app is
called in this process through httpx's ASGI transport with FastAPI's thread pool taken out
(routes run on the calling thread), so the figures are the app's own time — no HTTP
server, no network, no other request — and ``--profile NAME`` can show where one
scenario's time goes (cProfile, sorted by cumulative time). The micro-cache is off.
``/healthz`` beside them is the floor of routing a request through the app.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import fastapi.dependencies.utils  # noqa: E402
import fastapi.routing  # noqa: E402
import httpx  # noqa: E402

from bench.web import fill  # noqa: E402
from newsdesk.config import load_settings  # noqa: E402
from newsdesk.store import open_store  # noqa: E402
from newsdesk.web.app import create_app  # noqa: E402

T = TypeVar("T")


async def _inline(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return func(*args, **kwargs)


def _run_routes_inline() -> None:
    """Sync routes run on the calling thread (cProfile sees them; no pool hand-off)."""
    fastapi.routing.run_in_threadpool = _inline  # type: ignore[assignment]
    fastapi.dependencies.utils.run_in_threadpool = _inline  # type: ignore[assignment]


async def scenarios(client: httpx.AsyncClient) -> list[tuple[str, list[str]]]:
    """bench/web.py's scenarios (the deep cursor found by following 40 pages)."""
    first = (await client.get("/api/v1/articles?limit=50")).json()
    deep = first
    for _ in range(40):
        deep = (await client.get(deep["next"])).json()
    cursor = deep["next_cursor"]
    ids = [i["id"] for i in first["items"]]
    top = (await client.get("/api/v1/stories?limit=20")).json()
    story_ids = [s["id"] for s in top["items"]]
    return [
        ("healthz (floor)", ["/healthz"]),
        ("GET /", ["/"]),
        ("GET /stories/{id}", [f"/stories/{i}" for i in story_ids]),
        ("GET /?view=articles&cursor=", [f"/?view=articles&cursor={cursor}"]),
        ("GET /?language=ja&topic=AI", ["/?language=ja&topic=AI"]),
        ("GET /articles/{id}", [f"/articles/{i}" for i in ids]),
        ("GET /api/v1/articles", ["/api/v1/articles?limit=50"]),
        ("GET /api/v1/articles?cursor=", [f"/api/v1/articles?limit=50&cursor={cursor}"]),
        ("GET /api/v1/articles?country=JP&q=chip", ["/api/v1/articles?country=JP&q=chip"]),
        ("GET /api/v1/stories", ["/api/v1/stories?limit=20"]),
        ("GET /feed.atom", ["/feed.atom"]),
        ("GET /status", ["/status"]),
    ]


async def measure(
    get: Callable[[str], Awaitable[httpx.Response]], urls: list[str], n: int
) -> list[float]:
    for url in urls:  # warm-up: every URL once
        response = await get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    times = []
    for i in range(n):
        t = time.perf_counter()
        await get(urls[i % len(urls)])
        times.append((time.perf_counter() - t) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=Path(tempfile.gettempdir()) / "nd-web")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--profile", help="a scenario's name (as printed) to profile")
    args = parser.parse_args()

    logging.disable(logging.WARNING)
    _run_routes_inline()
    args.store.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{args.store / 'newsdesk.db'}"
    if not (args.store / "newsdesk.db").exists():
        info = fill(db_url, args.articles, datetime.now(UTC))
        print(f"store built in {info['fill_s']:.0f} s: {args.store}")
    store = open_store(db_url)
    app = create_app(load_settings(str(args.store), page_cache_seconds=0), store)

    async def run() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            print(f"{'scenario':40} {'min ms':>7} {'p50 ms':>7}")
            for name, urls in await scenarios(client):
                if args.profile and name != args.profile:
                    continue
                n = 5 if name == "GET /status" else args.requests
                times = await measure(client.get, urls, n)
                print(f"{name:40} {min(times):7.2f} {statistics.median(times):7.2f}")
                if args.profile:
                    profile = cProfile.Profile()
                    profile.enable()
                    await measure(client.get, urls, 10)
                    profile.disable()
                    pstats.Stats(profile).sort_stats("cumulative").print_stats(40)

    asyncio.run(run())
    store.close()


if __name__ == "__main__":
    main()

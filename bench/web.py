"""Web benchmark: page and API latency over a store of 100,000 articles, under load.

Run: ``.venv/bin/python bench/web.py [--articles 100000] [--requests 600] [--concurrency 4]``

1. A fresh SQLite store is filled with ``--articles`` articles made by recombining real
   headlines (every item of ../shared/data/real-feeds) with real article bodies (the ground
   truth of ../shared/data/extraction-benchmark), over 40 sources in 12 countries, spread
   over 30 days, 2 % of them with a changed headline, grouped into stories (60 % of the
   articles join one of the 50 latest stories, a tenth of those as copies of its first
   article). Rows are bulk-inserted (the ingest path is measured by bench/ingest.py; this
   measures reading).
2. ``create_app`` over that store is served by uvicorn in a separate process on loopback.
3. A load generator (this process, asyncio + httpx, ``--concurrency`` requests in flight)
   sends ``--requests`` requests per scenario after a warm-up and reports client-side
   p50/p95/p99 and throughput. The server's micro-cache (``page_cache_seconds``) is on as
   by default; ``--cache-seconds 0`` measures every request reaching the database. The
   baseline beside it is ``/healthz`` under the same load: the floor of the HTTP stack on
   this machine.
4. With ``--ingest`` (the default), a third process runs the real pipeline (poll, fetch,
   extract, copy detection, store) into the same database during the whole load phase: the
   181 benchmark pages, served on loopback under new URLs each round, so articles keep
   arriving while pages are read. ``--no-ingest`` measures reading alone.

Targets: p95 < 50 ms for the API list, < 100 ms for pages, while an ingest round runs.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gzip
import json
import multiprocessing
import random
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from newsdesk.config import load_settings  # noqa: E402
from newsdesk.errors import NewsdeskError  # noqa: E402
from newsdesk.feeds import parse_feed  # noqa: E402
from newsdesk.store import open_store  # noqa: E402
from newsdesk.store.schema import article_titles, articles, stories  # noqa: E402
from newsdesk.store.stories import rank_key  # noqa: E402
from newsdesk.stories import StoryClusterer  # noqa: E402
from tests.conftest import shared_data_dir  # noqa: E402

COUNTRIES = ["JP", "US", "GB", "DE", "FR", "KR", "TW", "CN", "IN", "BR", "ES", "IT"]
LANGUAGES = {"JP": "ja", "KR": "ko", "TW": "zh", "CN": "zh", "DE": "de", "FR": "fr", "BR": "pt"}
TOPICS = ["Politics", "Technology", "Business", "World", "Science", "Semiconductors",
          "AI", "Trade", "Energy", "Health", "Sport", "Culture"]  # fmt: skip
TARGETS_MS = {"page": 100.0, "api": 50.0}


def real_material(data: Path | None) -> tuple[list[str], list[str]]:
    """Real headlines and article bodies, or synthetic ones when ../shared is absent."""
    titles: list[str] = []
    bodies: list[str] = []
    if data is not None:
        folder = data / "real-feeds"
        with (folder / "manifest.csv").open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                try:
                    feed = parse_feed((folder / row["file"]).read_bytes(), url="http://x/")
                except NewsdeskError:
                    continue
                titles += [i.title for i in feed.items if i.title]
        truth = json.loads(
            gzip.decompress((data / "extraction-benchmark" / "ground-truth.json.gz").read_bytes())
        )
        bodies = [v["articleBody"] for v in truth.values() if v["articleBody"].strip()]
    if not titles:
        titles = [f"Headline number {i} about chips and policy" for i in range(5000)]
    if not bodies:
        bodies = ["A sentence of a story about export controls. " * 40]
    return titles, bodies


def fill(db_url: str, n: int, now: datetime) -> dict[str, Any]:
    data = shared_data_dir()
    titles, bodies = real_material(data)
    rnd = random.Random(42)
    store = open_store(db_url)
    source_ids = []
    for i in range(40):
        country = COUNTRIES[i % len(COUNTRIES)]
        source = store.add_source(
            f"http://127.0.0.1:9/feed/{i}.xml",
            now=now,
            title=f"Outlet {i} ({country})",
            country=country,
            language=LANGUAGES.get(country, "en"),
        )
        store.record_poll_success(
            source.id,
            now=now,
            etag=None,
            last_modified=None,
            interval_seconds=900,
            next_poll=now + timedelta(minutes=15),
        )
        source_ids.append((source.id, LANGUAGES.get(country, "en")))
    span = timedelta(days=30).total_seconds() / n
    engine = store._engine
    t0 = time.perf_counter()
    batch = 5000
    country_of = {sid: COUNTRIES[k % len(COUNTRIES)] for k, (sid, _) in enumerate(source_ids)}
    story_rows: dict[int, dict[str, Any]] = {}
    story_of: dict[int, int] = {}
    for start in range(0, n, batch):
        rows, history = [], []
        for i in range(start, min(n, start + batch)):
            source_id, language = source_ids[i % len(source_ids)]
            published = now - timedelta(seconds=(n - i) * span)
            title = titles[rnd.randrange(len(titles))]
            # Stories: an article joins one of the last 50 stories or starts one; one in
            # ten of the joiners is a copy of the story's first article.
            article_id = i + 1
            story_id = article_id
            copy_of = None
            if story_rows and rnd.random() < 0.6:
                recent = list(story_rows)[-50:]
                story_id = recent[rnd.randrange(len(recent))]
                if rnd.random() < 0.1:
                    copy_of = story_id
            story_of[article_id] = story_id
            story = story_rows.setdefault(
                story_id,
                {
                    "id": story_id,
                    "language": language,
                    "headline": title,
                    "headline_article_id": article_id,
                    "first_seen": published,
                    "last_update": published,
                    "size": 0,
                    "copies": 0,
                    "outlets": set(),
                    "countries": set(),
                    "languages": set(),
                    "status": "active",
                    "updated_at": published,
                },
            )
            story["size"] += 1
            story["last_update"] = story["updated_at"] = published
            if copy_of is None:
                story["outlets"].add(source_id)
                story["countries"].add(country_of[source_id])
            else:
                story["copies"] += 1
            story["languages"].add(language)
            rows.append(
                {
                    "id": article_id,
                    "story_id": story_id,
                    "story_seq": article_id,
                    "story_score": 0.0 if story_id == article_id else 0.8,
                    "story_assigned_at": published,
                    "copy_of": copy_of,
                    "primary_id": copy_of or article_id,
                    "copy_kind": "verbatim" if copy_of else "original",
                    "copy_confidence": 0.95 if copy_of else 0.0,
                    "copy_reasons": ["bench: a verbatim copy"] if copy_of else ["original"],
                    "source_id": source_id,
                    "guid": f"g{i}",
                    "url": f"https://outlet{source_id}.example/{i}.html",
                    "canonical_url": f"https://outlet{source_id}.example/{i}.html",
                    "title": title,
                    "summary": "",
                    "text": bodies[rnd.randrange(len(bodies))],
                    "published": published,
                    "authors": [],
                    "categories": rnd.sample(TOPICS, 2),
                    "language": language,
                    "status": "ok",
                    "first_seen": published,
                    "updated_at": published,
                    "extracted_at": published,
                }
            )
            history.append({"article_id": i + 1, "title": title, "seen_at": published})
            if rnd.random() < 0.02:
                history.append(
                    {"article_id": i + 1, "title": title + " (updated)", "seen_at": published}
                )
        with engine.begin() as conn:
            conn.execute(sa.insert(articles), rows)
            conn.execute(sa.insert(article_titles), history)
    with engine.begin() as conn:
        story_batch = []
        for story in story_rows.values():
            outlets, countries = sorted(story["outlets"]), sorted(story["countries"])
            story_batch.append(
                {
                    **story,
                    "outlets": outlets,
                    "countries": countries,
                    "languages": sorted(story["languages"]),
                    "outlet_count": len(outlets),
                    "country_count": len(countries),
                    "rank_key": rank_key(len(outlets) + len(countries), story["last_update"]),
                }
            )
        conn.execute(sa.insert(stories), story_batch)
        conn.exec_driver_sql("ANALYZE")
    # The stories were written here, not by a clusterer: record an (empty) clusterer state
    # that includes them, else the ingest process's clusterer would replay them all first.
    store.save_cluster_state(StoryClusterer().snapshot(), seq=n, now=now)
    fill_s = time.perf_counter() - t0
    store.close()
    return {
        "titles": len(titles),
        "bodies": len(bodies),
        "stories": len(story_rows),
        "fill_s": fill_s,
    }


def serve(home: str, db_url: str, port: int, cache_seconds: float | None) -> None:
    import logging

    import uvicorn

    from newsdesk.web.app import create_app

    logging.disable(logging.WARNING)
    store = open_store(db_url)
    overrides = {} if cache_seconds is None else {"page_cache_seconds": cache_seconds}
    app = create_app(load_settings(home, **overrides), store)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False)


def ingest(home: str, db_url: str, started: Any, stop: Any, done: Any) -> None:
    """Ingest rounds into ``db_url`` until ``stop`` is set; each round is the benchmark
    pages under fresh URLs behind 10 feeds. ``done`` counts the articles extracted."""
    import logging

    from newsdesk.fetch import Fetcher, FetchOptions
    from newsdesk.pipeline import PipelineContext, make_extract_executor
    from newsdesk.runners.embedded import run_round
    from tests.support.site import Site, benchmark_pages, rss_feed

    logging.disable(logging.WARNING)
    data = shared_data_dir()
    pages = list(benchmark_pages(data)) if data is not None else []
    settings = load_settings(
        home,
        database_url=db_url,
        allow_private_networks=True,
        per_host_delay=0.0,
        per_host_concurrency=16,
        retries=0,
    )

    async def rounds(site: Site) -> None:
        store = open_store(db_url)
        async with Fetcher(FetchOptions.from_settings(settings)) as fetcher:
            ctx = PipelineContext(
                settings=settings,
                store=store,
                fetcher=fetcher,
                extract_executor=make_extract_executor(settings),
            )
            started.set()
            n = 0
            while not stop.is_set() and pages:
                feeds: list[list[tuple[str, str, str]]] = [[] for _ in range(10)]
                for i, (page_id, _, html) in enumerate(pages):
                    path = site.add(f"/r{n}/a/{page_id}.html", html, "text/html; charset=utf-8")
                    feeds[i % 10].append((f"r{n}-{page_id}", path, f"Round {n} {page_id[:8]}"))
                sources = [
                    store.add_source(
                        site.add(f"/r{n}/feed{k}.xml", rss_feed(f"F{k}", items), "text/xml"),
                        now=datetime.now(UTC),
                    )
                    for k, items in enumerate(feeds)
                ]
                summary = await run_round(ctx, sources=sources)
                with done.get_lock():
                    done.value += summary.articles_extracted
                n += 1
            ctx.close()
        store.close()

    with Site() as site:
        asyncio.run(rounds(site))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(
    base: str, urls: list[str], *, requests: int, concurrency: int
) -> tuple[list[float], float]:
    """Latencies (ms) of ``requests`` GETs cycling through ``urls``, and the wall time."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        queue = list(range(requests))

        async def worker() -> None:
            while queue:
                i = queue.pop()
                t = time.perf_counter()
                response = await client.get(urls[i % len(urls)])
                latencies.append((time.perf_counter() - t) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{urls[i % len(urls)]}: HTTP {response.status_code}")

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, time.perf_counter() - t0


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def scenarios(base: str) -> list[tuple[str, str, list[str]]]:
    """(name, kind, urls). Deep pages come from following real cursors."""
    first = httpx.get(base + "/api/v1/articles?limit=50").json()
    deep = first
    for _ in range(40):  # 2,000 articles deep
        deep = httpx.get(base + deep["next"]).json()
    cursor = deep["next_cursor"]
    ids = [i["id"] for i in first["items"]]
    top = httpx.get(base + "/api/v1/stories?limit=20").json()
    story_ids = [s["id"] for s in top["items"]]
    if not story_ids:
        raise SystemExit("the store holds no recent story")
    return [
        ("healthz (baseline)", "base", ["/healthz"]),
        ("GET / (front page: top stories)", "page", ["/"]),
        ("GET /stories/{id}", "page", [f"/stories/{i}" for i in story_ids]),
        ("GET /?view=articles&cursor= (2,000 deep)", "page", [f"/?view=articles&cursor={cursor}"]),
        ("GET /?language=ja&topic=AI", "page", ["/?language=ja&topic=AI"]),
        ("GET /articles/{id}", "page", [f"/articles/{i}" for i in ids]),
        ("GET /api/v1/articles", "api", ["/api/v1/articles?limit=50"]),
        ("GET /api/v1/articles?cursor=", "api", [f"/api/v1/articles?limit=50&cursor={cursor}"]),
        ("GET /api/v1/articles?country=JP&q=chip", "api", ["/api/v1/articles?country=JP&q=chip"]),
        ("GET /api/v1/stories", "api", ["/api/v1/stories?limit=20"]),
        ("GET /feed.atom", "page", ["/feed.atom"]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--cache-seconds",
        type=float,
        default=None,
        help="The server's page_cache_seconds (default: the setting's default; 0: off).",
    )
    parser.add_argument(
        "--ingest",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="Run the ingest pipeline into the same store during the load (default: yes).",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-web-") as tmp:
        db_url = f"sqlite:///{tmp}/newsdesk.db"
        now = datetime.now(UTC)
        info = fill(db_url, args.articles, now)
        print(
            f"store: {args.articles:,} articles from {info['titles']:,} real headlines and "
            f"{info['bodies']} real bodies in {info['stories']:,} stories (one in 16 articles "
            f"a copy), bulk-filled in {info['fill_s']:.1f} s"
        )
        port = free_port()
        ctx = multiprocessing.get_context("spawn")
        server = ctx.Process(
            target=serve, args=(tmp, db_url, port, args.cache_seconds), daemon=True
        )
        server.start()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        stop, started, done = ctx.Event(), ctx.Event(), ctx.Value("i", 0)
        ingester = None
        if args.ingest:
            # not a daemon: it starts an extraction worker process of its own
            ingester = ctx.Process(target=ingest, args=(tmp, db_url, started, stop, done))
            ingester.start()
            started.wait(120)
        t_load = time.perf_counter()
        try:
            print(
                f"server: uvicorn, one process; load: {args.concurrency} in flight, "
                f"{args.requests} requests per row after 50 warm-up; ingest during the "
                f"load: {'yes' if args.ingest else 'no'}\n"
            )
            header = f"{'scenario':36} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7}"
            print(header + f"  {'p95/baseline':>12}  target")
            baseline_p95 = 0.0
            for name, kind, urls in scenarios(base):
                asyncio.run(load(base, urls, requests=50, concurrency=args.concurrency))
                lat, wall = asyncio.run(
                    load(base, urls, requests=args.requests, concurrency=args.concurrency)
                )
                p50, p95, p99 = pct(lat, 50), pct(lat, 95), pct(lat, 99)
                if kind == "base":
                    baseline_p95 = p95
                target = TARGETS_MS.get(kind)
                verdict = (
                    ""
                    if target is None
                    else (f"p95 < {target:.0f} ms: {'met' if p95 < target else 'MISSED'}")
                )
                print(
                    f"{name:36} {p50:7.1f} {p95:7.1f} {p99:7.1f} {len(lat) / wall:7.0f}"
                    f"  {p95 / baseline_p95:11.1f}x  {verdict}"
                )
            if ingester is not None:
                rate = done.value / (time.perf_counter() - t_load)
                print(
                    f"\ningest beside the load: {done.value} articles extracted and stored "
                    f"({rate:.1f}/s)"
                )
        finally:
            stop.set()
            if ingester is not None:
                ingester.join(120)
                ingester.terminate()
            server.terminate()
            server.join(10)


if __name__ == "__main__":
    main()

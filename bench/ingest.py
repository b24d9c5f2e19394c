"""Ingest benchmark: the whole pipeline against the bare extractor, and a round of 304s.

Run: ``.venv/bin/python bench/ingest.py [--feeds 5000]``

1. Bare extraction: ``extract_article`` over the 181 pages of
   ../shared/data/extraction-benchmark, in this process, one core — the baseline.
2. Pipeline: the same pages served on loopback (by a separate process) behind 10 RSS feeds,
   ingested into a fresh SQLite store by the embedded runner: poll, upsert, fetch page,
   extract, store. Reported as articles/s, its ratio to (1), and peak memory.
3. A polling round of ``--feeds`` unchanged feeds answering 304, after a first round that
   stored their validators. Target: under 30 s for 5,000.

Politeness is lifted (loopback only); everything else runs as in production.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsdesk.config import Settings, load_settings  # noqa: E402
from newsdesk.extract import extract_article  # noqa: E402
from newsdesk.fetch import Fetcher, FetchOptions  # noqa: E402
from newsdesk.pipeline import PipelineContext, make_extract_executor  # noqa: E402
from newsdesk.runners.embedded import run_round  # noqa: E402
from newsdesk.store import open_store  # noqa: E402
from tests.conftest import shared_data_dir  # noqa: E402
from tests.support.site import Site, benchmark_pages, rss_feed  # noqa: E402


def serve(routes: dict[str, tuple[bytes, str]], port_out: multiprocessing.Queue[str]) -> None:
    with Site() as site:
        for path, (body, ctype) in routes.items():
            site.add(path, body, ctype)
        port_out.put(site.base)
        while True:
            time.sleep(3600)


def start_site(routes: dict[str, tuple[bytes, str]]) -> tuple[multiprocessing.Process, str]:
    queue: multiprocessing.Queue[str] = multiprocessing.Queue()
    proc = multiprocessing.Process(target=serve, args=(routes, queue), daemon=True)
    proc.start()
    return proc, queue.get(timeout=60)


def _warm_up() -> None:
    with contextlib.suppress(Exception):
        extract_article(b"<html><body><p>" + b"warm up text. " * 50 + b"</p></body></html>")


def bench_settings(home: Path) -> Settings:
    return load_settings(
        home,
        allow_private_networks=True,
        per_host_delay=0.0,
        per_host_concurrency=64,
        global_concurrency=64,
        retries=0,
    )


async def ingest(settings: Settings, urls: list[str]) -> tuple[float, dict[str, object]]:
    store = open_store(settings.resolved_database_url)
    now = datetime.now(UTC)
    for url in urls:
        store.add_source(url, now=now)
    async with Fetcher(FetchOptions.from_settings(settings)) as fetcher:
        ctx = PipelineContext(
            settings=settings,
            store=store,
            fetcher=fetcher,
            extract_executor=make_extract_executor(settings),
        )
        # Start the extraction worker before the clock: its start-up is paid once per run.
        await asyncio.get_running_loop().run_in_executor(ctx.extract_executor, _warm_up)
        start = time.perf_counter()
        summary = await run_round(ctx, sources=store.list_sources())
        elapsed = time.perf_counter() - start
        ctx.close()
    store.close()
    return elapsed, summary.as_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=5000, help="Feeds in the 304 round.")
    args = parser.parse_args()
    data = shared_data_dir()
    if data is None:
        sys.exit("bench/ingest.py needs ../shared/data (the extraction benchmark)")
    pages = list(benchmark_pages(data))

    # 1. bare extractor, same pages, this process; measured again after the pipeline runs
    # and averaged, so a change in the machine's load during the run shifts both sides
    def bare_rate() -> float:
        start = time.perf_counter()
        for _, url, html in pages:
            with contextlib.suppress(Exception):
                extract_article(html, url=url)
        return len(pages) / (time.perf_counter() - start)

    bare_before = bare_rate()

    # 2. the whole pipeline
    routes: dict[str, tuple[bytes, str]] = {}
    feeds: list[list[tuple[str, str, str]]] = [[] for _ in range(10)]
    for i, (page_id, _, html) in enumerate(pages):
        routes[f"/a/{page_id}.html"] = (html, "text/html; charset=utf-8")
        feeds[i % 10].append((page_id, f"/a/{page_id}.html", f"Article {page_id[:10]}"))
    # Links are relative: the feeds layer resolves them against the feed's URL.
    for n, items in enumerate(feeds):
        routes[f"/feed{n}.xml"] = (rss_feed(f"Feed {n}", items), "application/rss+xml")
    for n in range(args.feeds):
        routes[f"/s/{n}.xml"] = (
            rss_feed(f"Small {n}", [(f"s{n}", f"/s/{n}/item", f"Item {n}")]),
            "application/rss+xml",
        )
    proc, base = start_site(routes)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = bench_settings(Path(tmp) / "pipeline")
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            elapsed, summary = asyncio.run(
                ingest(settings, [f"{base}/feed{n}.xml" for n in range(10)])
            )
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            extracted = int(summary["articles_extracted"])  # type: ignore[call-overload]
            pipeline_rate = extracted / elapsed
            # the same without copy detection, to show what that step costs
            plain = bench_settings(Path(tmp) / "plain").model_copy(update={"detect_copies": False})
            plain_elapsed, plain_summary = asyncio.run(
                ingest(plain, [f"{base}/feed{n}.xml" for n in range(10)])
            )
            plain_rate = int(plain_summary["articles_extracted"]) / plain_elapsed  # type: ignore[call-overload]
            bare_after = bare_rate()
            bare = (bare_before + bare_after) / 2

            # 3. a round of unchanged feeds
            small = bench_settings(Path(tmp) / "small").model_copy(update={"fetch_articles": False})
            urls = [f"{base}/s/{n}.xml" for n in range(args.feeds)]
            first, _ = asyncio.run(ingest(small, urls))
            store = open_store(small.resolved_database_url)

            async def second() -> tuple[float, dict[str, object]]:
                async with Fetcher(FetchOptions.from_settings(small)) as fetcher:
                    ctx = PipelineContext(settings=small, store=store, fetcher=fetcher)
                    t0 = time.perf_counter()
                    s = await run_round(ctx, sources=store.list_sources())
                    ctx.close()
                    return time.perf_counter() - t0, s.as_dict()

            round_304, summary_304 = asyncio.run(second())
            store.close()
    finally:
        proc.kill()
    result = {
        "pages": len(pages),
        "bare_extractor_pages_per_second": round(bare, 1),
        "bare_extractor_before_after": [round(bare_before, 1), round(bare_after, 1)],
        "pipeline_articles_per_second": round(pipeline_rate, 1),
        "pipeline_to_bare_ratio": round(pipeline_rate / bare, 3),
        "pipeline_articles_extracted": extracted,
        "pipeline_without_copy_detection_articles_per_second": round(plain_rate, 1),
        "pipeline_without_copy_detection_to_bare_ratio": round(plain_rate / bare, 3),
        "peak_rss_mb": round(peak_mb, 1),
        "rss_before_pipeline_mb": round(rss_before / 1024, 1),
        "children_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
        "feeds_304_round": args.feeds,
        "first_round_seconds": round(first, 2),
        "round_304_seconds": round(round_304, 2),
        "round_304_not_modified": summary_304["not_modified"],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

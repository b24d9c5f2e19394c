"""Ingest benchmark: the whole pipeline against the bare extractor, and a round of 304s.

Run: ``.venv/bin/python bench/ingest.py [--feeds 5000]``

1. Bare extraction: ``extract_article`` over the 181 pages of
   ../shared/data/extraction-benchmark, in this process, one core — the baseline.
2. Pipeline: the same pages served on loopback (by a separate process) behind 10 RSS feeds,
   ingested into a fresh SQLite store by the embedded runner: poll, upsert, fetch page,
   extract, store. Reported as articles/s, its ratio to (1), and peak memory.
3. A polling round of ``--feeds`` unchanged feeds answering 304, after a first round that
   stored their validators. Target: under 30 s for 5,000.

Politeness is lifted (loopback only: no per-host delay, ``--concurrency`` requests in
flight, 16 by default, which keeps the extraction worker fed); everything else runs as in
production, with ``extract_processes`` as configured (``--extract-processes`` to compare).
The CPU time of this process and of the extraction worker per article is printed too, to
show which side bounds the rate.
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
from concurrent.futures import Executor
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


def bench_settings(home: Path, *, concurrency: int = 16, **overrides: object) -> Settings:
    return load_settings(
        home,
        allow_private_networks=True,
        per_host_delay=0.0,
        per_host_concurrency=concurrency,
        global_concurrency=concurrency,
        retries=0,
        **overrides,
    )


def worker_cpu_seconds(executor: Executor | None) -> float | None:
    """CPU seconds used so far by the extraction worker processes (Linux /proc; None
    elsewhere or for a thread executor)."""
    processes = getattr(executor, "_processes", None)
    if not processes:
        return None
    total = 0.0
    try:
        for pid in processes:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return total


async def ingest(settings: Settings, urls: list[str]) -> tuple[float, dict[str, object]]:
    """One round over ``urls`` in a fresh store: seconds, the round's summary, and (keys
    ``main_cpu_ms``, ``worker_cpu_ms``) CPU milliseconds of this process and of the
    extraction workers during the round."""
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
        # Start the extraction workers before the clock: their start-up is paid once per
        # run (submitted together, each warm-up starts a process of its own).
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(
                loop.run_in_executor(ctx.extract_executor, _warm_up)
                for _ in range(max(1, settings.resolved_extract_processes))
            )
        )
        worker_before = worker_cpu_seconds(ctx.extract_executor)
        main_before = time.process_time()
        start = time.perf_counter()
        summary = await run_round(ctx, sources=store.list_sources())
        elapsed = time.perf_counter() - start
        main_cpu = time.process_time() - main_before
        worker_after = worker_cpu_seconds(ctx.extract_executor)
        ctx.close()
    store.close()
    result = summary.as_dict()
    result["main_cpu_ms"] = round(main_cpu * 1000, 1)
    if worker_before is not None and worker_after is not None:
        result["worker_cpu_ms"] = round((worker_after - worker_before) * 1000, 1)
    return elapsed, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=5000, help="Feeds in the 304 round.")
    parser.add_argument(
        "--concurrency", type=int, default=16, help="Requests in flight (default 16)."
    )
    parser.add_argument(
        "--extract-processes",
        type=int,
        default=None,
        help="Extraction worker processes (default: the setting's default).",
    )
    args = parser.parse_args()
    overrides: dict[str, object] = {"concurrency": args.concurrency}
    if args.extract_processes is not None:
        overrides["extract_processes"] = args.extract_processes
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
    feed_urls = [f"{base}/feed{n}.xml" for n in range(10)]
    # the default configuration, then without its later steps, to show what each costs
    configurations: dict[str, dict[str, object]] = {
        "default": {},
        "without_stories": {"cluster_stories": False},
        "extraction_only": {"cluster_stories": False, "detect_copies": False},
    }
    runs: dict[str, dict[str, object]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            for name, update in configurations.items():
                settings = bench_settings(Path(tmp) / name, **overrides, **update)
                elapsed, summary = asyncio.run(ingest(settings, feed_urls))
                extracted = int(summary["articles_extracted"])  # type: ignore[call-overload]
                runs[name] = {
                    "articles_extracted": extracted,
                    "articles_per_second": round(extracted / elapsed, 1),
                    "extract_processes": settings.resolved_extract_processes,
                    "main_cpu_ms_per_article": round(
                        float(summary["main_cpu_ms"]) / max(1, extracted),  # type: ignore[arg-type]
                        2,
                    ),
                    "worker_cpu_ms_per_article": (
                        round(float(summary["worker_cpu_ms"]) / max(1, extracted), 2)  # type: ignore[arg-type]
                        if "worker_cpu_ms" in summary
                        else None
                    ),
                }
                if name == "default":
                    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            bare_after = bare_rate()
            bare = (bare_before + bare_after) / 2
            for run in runs.values():
                run["ratio_to_bare"] = round(float(run["articles_per_second"]) / bare, 3)  # type: ignore[arg-type]

            # 3. a round of unchanged feeds
            small = bench_settings(Path(tmp) / "small", **overrides).model_copy(
                update={"fetch_articles": False}
            )
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
        "bare_extractor_ms_per_page": round(1000 / bare, 2),
        "pipeline_articles_per_second": runs["default"]["articles_per_second"],
        "pipeline_to_bare_ratio": runs["default"]["ratio_to_bare"],
        "pipeline": runs,
        "concurrency": args.concurrency,
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

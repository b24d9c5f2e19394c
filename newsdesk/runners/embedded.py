"""The embedded runner: scheduler, pipeline and web server in one asyncio process.

A round is: poll every due source (concurrency is bounded by the fetcher's politeness
limits), then fetch and extract pending articles in batches, then re-check up to
``rechecks_per_round`` extracted articles whose page is due again (in the same stream,
after the new articles, so re-checks never hold them up), then save the story
clusterer's state when the round changed it. ``run_forever`` repeats rounds
every ``tick_seconds`` beside the web server until it is cancelled (Ctrl-C).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from newsdesk.model import Article, Source
from newsdesk.pipeline import (
    ArticleReport,
    PipelineContext,
    PollReport,
    RecheckReport,
    poll_source,
    process_article,
    recheck_article,
    snapshot_stories,
)

__all__ = ["RoundSummary", "run_forever", "run_round"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]


@dataclass(slots=True)
class RoundSummary:
    feeds_polled: int = 0
    not_modified: int = 0
    new_articles: int = 0
    updated_articles: int = 0
    articles_extracted: int = 0
    articles_rechecked: int = 0
    articles_revised: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def add_poll(self, report: PollReport) -> None:
        self.feeds_polled += 1
        self.not_modified += report.status == 304
        self.new_articles += report.new
        self.updated_articles += report.updated
        if report.error_kind:
            self.errors[f"feed:{report.error_kind}"] += 1

    def add_article(self, report: ArticleReport) -> None:
        if report.ok:
            self.articles_extracted += 1
        elif report.error_kind:
            self.errors[f"article:{report.error_kind}"] += 1

    def add_recheck(self, report: RecheckReport) -> None:
        self.articles_rechecked += 1
        self.articles_revised += report.outcome == "revised"
        if report.error_kind:
            self.errors[f"recheck:{report.error_kind}"] += 1

    def as_dict(self) -> dict[str, object]:
        return {
            "feeds_polled": self.feeds_polled,
            "not_modified": self.not_modified,
            "new_articles": self.new_articles,
            "updated_articles": self.updated_articles,
            "articles_extracted": self.articles_extracted,
            "articles_rechecked": self.articles_rechecked,
            "articles_revised": self.articles_revised,
            "errors": dict(self.errors),
        }


async def run_round(
    ctx: PipelineContext,
    *,
    sources: Sequence[Source] | None = None,
    progress: Progress | None = None,
) -> RoundSummary:
    """Poll ``sources`` (default: the due ones), then process pending articles: those of
    ``sources`` when given, else every pending article (work left by an earlier crash too),
    then the re-checks due (of ``sources`` when given), ``rechecks_per_round`` at most.

    ``progress(stage, n)`` is called with ``("feeds-total", n)``, ``("feed", 1)``,
    ``("articles-total", n)`` and ``("article", 1)`` for a progress bar.
    """
    summary = RoundSummary()
    explicit = sources is not None
    if sources is None:
        sources = ctx.store.due_sources(ctx.clock())
    if progress:
        progress("feeds-total", len(sources))

    async def poll(source: Source) -> None:
        try:
            summary.add_poll(await poll_source(ctx, source))
        except Exception as exc:  # a bug must not stop the round; it is logged and counted
            _record_crash(ctx, summary, exc, what=source.url, source_id=source.id)
        if progress:
            progress("feed", 1)

    await asyncio.gather(*(poll(s) for s in sources))
    if not ctx.settings.fetch_articles:
        return summary
    source_ids: list[int | None] = [s.id for s in sources] if explicit else [None]
    await _process_pending(ctx, summary, source_ids=source_ids, progress=progress)
    snapshot_stories(ctx)  # a restart then replays at most one round's assignments
    return summary


async def _process_pending(
    ctx: PipelineContext,
    summary: RoundSummary,
    *,
    source_ids: list[int | None],
    progress: Progress | None,
) -> None:
    """Process the pending articles of ``source_ids`` (None: of every source) as one
    stream: up to ``article_batch`` in flight, a new one started as each ends, so fetching,
    the extraction worker and the steps in this thread overlap instead of draining
    between batches or sources. The due re-checks join the stream after every pending
    article has been started."""
    in_flight = asyncio.Semaphore(max(1, ctx.settings.article_batch))
    tasks: set[asyncio.Task[None]] = set()

    def start(step: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(step)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def step(article: Article, *, recheck: bool = False) -> None:
        """Process (or re-check) one article; a crash is logged and counted, the round
        goes on."""
        try:
            if recheck:
                summary.add_recheck(await recheck_article(ctx, article))
            else:
                summary.add_article(await process_article(ctx, article))
        except Exception as exc:
            _record_crash(
                ctx,
                summary,
                exc,
                what=article.url,
                source_id=article.source_id,
                article_id=article.id,
            )
        finally:
            in_flight.release()
        if progress:
            progress("article", 1)

    try:
        for source_id in source_ids:
            after_id = 0
            while batch := ctx.store.pending_articles(
                limit=ctx.settings.article_batch, source_id=source_id, after_id=after_id
            ):
                after_id = batch[-1].id
                if progress:
                    progress("articles-total", len(batch))
                for article in batch:
                    await in_flight.acquire()
                    start(step(article))
        budget = ctx.settings.rechecks_per_round
        for source_id in source_ids:
            if budget <= 0:
                break
            due = ctx.store.due_rechecks(now=ctx.clock(), limit=budget, source_id=source_id)
            budget -= len(due)
            if due and progress:
                progress("articles-total", len(due))
            for article in due:
                await in_flight.acquire()
                start(step(article, recheck=True))
        if tasks:
            await asyncio.gather(*tasks)
    except BaseException:  # cancelled (Ctrl-C): no article step is left running behind
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _record_crash(
    ctx: PipelineContext,
    summary: RoundSummary,
    exc: Exception,
    *,
    what: str,
    source_id: int,
    article_id: int | None = None,
) -> None:
    log.error("step crashed on %s", what, exc_info=exc)
    summary.errors["internal"] += 1
    with contextlib.suppress(Exception):  # the store itself may be what failed
        ctx.store.record_event(
            now=ctx.clock(),
            kind="internal",
            message=f"{what}: {type(exc).__name__}: {exc}",
            source_id=source_id,
            article_id=article_id,
        )


def prune_raw_pages(ctx: PipelineContext, last_prune: datetime | None) -> datetime | None:
    """Drop raw HTML past its retention, at most once an hour; returns the last prune time."""
    days = ctx.settings.raw_html_retention_days
    now = ctx.clock()
    if days < 0 or (last_prune is not None and now - last_prune < timedelta(hours=1)):
        return last_prune
    dropped = ctx.store.prune_raw_pages(older_than=now - timedelta(days=days))
    if dropped:
        log.info("pruned %d raw pages older than %d days", dropped, days)
    return now


async def run_forever(ctx: PipelineContext, *, stop: asyncio.Event | None = None) -> None:
    """Run rounds until ``stop`` is set or the task is cancelled."""
    stop = stop or asyncio.Event()
    last_prune: datetime | None = None
    while not stop.is_set():
        try:
            summary = await run_round(ctx)
            if summary.feeds_polled:
                log.info("round done", extra=summary.as_dict())
            last_prune = prune_raw_pages(ctx, last_prune)
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug must not stop the service; it is logged with its traceback
            log.exception("round failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=ctx.settings.tick_seconds)

"""The pipeline: the only place where fetch, feeds, normalize, extract and store are joined.

Two steps, each safe to run from any runner (the embedded asyncio loop today, Celery
workers later) and safe to repeat after a crash:

* :func:`poll_source` — fetch one feed (conditional GET), parse it, upsert its entries as
  pending articles, and store when the source is due again. Every failure is recorded on the
  source and the function returns normally.
* :func:`process_article` — fetch one pending article's page (robots.txt honoured), extract
  its text and metadata, and store them with the raw HTML. Failures are recorded on the
  article and retried up to ``article_attempts`` times. Then copy detection
  (:mod:`newsdesk.dedup`) decides whether it copies an earlier article and which is the
  primary source; a failure there is recorded as a ``dedup`` event and does not fail the
  article. Then :func:`assign_story` puts it into a story (:mod:`newsdesk.storydesk`); a
  failure there is recorded as a ``stories`` event and does not fail the article either.
* :func:`recheck_article` — fetch an extracted article's page again (its revisit is due, or
  its feed entry changed) and, when the text changed meaningfully
  (:func:`newsdesk.revisions.text_change`), keep the change as a text revision and take
  the new text. Copy detection and stories are not run again. A failed re-check is
  recorded as a ``recheck`` event and never costs the article its status or its text.

Nothing is committed half-way: the store writes each step's results in one transaction, so a
kill -9 at any point leaves pending work that the next start picks up.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache, partial
from urllib.parse import urljoin

from newsdesk.config import Settings
from newsdesk.dedup import AttributionHints, Deduplicator, DocId, DocView, attribution_hints
from newsdesk.dedup.engine import EngineOptions, PreparedText, prepare_text
from newsdesk.dedup.fingerprint import FingerprintOptions
from newsdesk.dedup.wires import WireRegistry, load_registry
from newsdesk.errors import (
    BlockedAddress,
    ExtractError,
    HTTPStatusError,
    InvalidURL,
    NewsdeskError,
    NotAFeed,
    RobotsDisallowed,
    TooLarge,
)
from newsdesk.extract import extract_with_tree
from newsdesk.feeds import COMMON_FEED_PATHS, parse_feed
from newsdesk.fetch import Fetcher, FetchResult
from newsdesk.model import Article, ExtractedArticle, FetchOutcome, ParsedFeed, Source
from newsdesk.normalize import canonicalize_url, entry_keys
from newsdesk.revisions import TextChange, looks_truncated, next_revisit, text_change
from newsdesk.scheduler import ScheduleOptions, plan_after_failure, plan_after_success
from newsdesk.store.base import EntryWrite, Store
from newsdesk.storydesk import StoryDesk, cluster_options

__all__ = [
    "ArticleReport",
    "PageWork",
    "PipelineContext",
    "PollReport",
    "RecheckReport",
    "assign_story",
    "detect_copies",
    "discover_feed",
    "entries_for",
    "extract_page",
    "make_extract_executor",
    "poll_source",
    "process_article",
    "recheck_article",
    "recheck_page",
    "snapshot_stories",
]

log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
#: Article failures that will not go away by trying again.
PERMANENT_ARTICLE_ERRORS = (RobotsDisallowed, BlockedAddress, InvalidURL, TooLarge, ExtractError)


def make_extract_executor(settings: Settings) -> Executor:
    """Where extraction runs: ``resolved_extract_processes`` worker processes (spawned, so no
    threads or locks are inherited), or one thread when it is 0."""
    if settings.resolved_extract_processes > 0:
        return ProcessPoolExecutor(
            settings.resolved_extract_processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        )
    return ThreadPoolExecutor(1, thread_name_prefix="extract")


def _exit_with_parent(parent: int, *, every: float = 1.0) -> None:
    """In an extraction worker: end this process when ``parent`` is gone. A worker waiting
    for work outlives a parent killed with -9, else, and would stay behind for good."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


@dataclass(frozen=True, slots=True)
class PageWork:
    """What the extraction worker makes of one fetched page: the extracted article and,
    when copy detection is on, the page's attribution hints and the text work copy
    detection needs. All of it is CPU-bound and pure, so it runs in the worker, off the
    event loop; only the index lookups and the decision stay in the deciding thread."""

    extracted: ExtractedArticle
    hints: AttributionHints | None = None
    prepared: PreparedText | None = None


def extract_page(
    body: bytes,
    *,
    url: str,
    authors: tuple[str, ...] = (),
    fingerprint: FingerprintOptions | None = None,
    wire_list: str = "",
) -> PageWork:
    """Extract one page; with ``fingerprint`` options, also read its attribution hints
    (``authors``: the feed's byline, else the page's; ``wire_list``: the user's wire list
    file, if any) and prepare its text for copy detection. Raises ExtractError like
    :func:`~newsdesk.extract.extract_article`."""
    extracted, tree = extract_with_tree(body, url=url)
    if fingerprint is None:
        return PageWork(extracted)
    # the extractor's tree: the page is parsed once, and decoded by its declared charset
    hints = attribution_hints(
        tree,
        url=url,
        text=extracted.text,
        authors=authors or extracted.authors,
        registry=wire_registry(wire_list),
    )
    return PageWork(extracted, hints, prepare_text(extracted.text, options=fingerprint))


@cache
def wire_registry(path: str) -> WireRegistry | None:
    """The wire list in use: the built-in one extended by the file at ``path`` (read once
    per process), or None (the built-in one) without a file. Raises ConfigError."""
    return load_registry(path) if path else None


@dataclass(slots=True)
class PipelineContext:
    """What the steps need: settings, the store, the fetcher, a clock and randomness."""

    settings: Settings
    store: Store
    fetcher: Fetcher
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    rng: random.Random = field(default_factory=random.Random)
    #: Runs CPU-bound extraction off the event loop. One thread by default: lxml parsers
    #: (which trafilatura shares module-wide) must not be used by two threads at once.
    #: A ProcessPoolExecutor spreads extraction over cores.
    extract_executor: Executor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="extract")
    )

    #: Copy detection over the store's index and articles; made on first use. Its decisions
    #: read earlier ones, so it runs in the event loop thread, one article at a time.
    deduplicator: Deduplicator | None = None
    dedup_options: EngineOptions = field(default_factory=EngineOptions)
    #: Story clustering (:class:`~newsdesk.storydesk.StoryDesk`); made on first use from
    #: the stored snapshot. Not thread-safe: used from the event loop thread, one article
    #: at a time, like copy detection. Dropped after a failure, so the next use rebuilds
    #: it from the store rather than go on from a state the store does not share.
    story_desk: StoryDesk | None = None

    def close(self) -> None:
        self.extract_executor.shutdown(wait=True, cancel_futures=True)
        snapshot_stories(self)

    def dedup(self) -> Deduplicator:
        if self.deduplicator is None:
            store = self.store

            def lookup(doc_id: DocId) -> DocView | None:
                return store.dedup_view(int(doc_id))

            self.deduplicator = Deduplicator(
                store.fingerprint_index(write_through=False),
                lookup,
                wires=wire_registry(self.settings.resolved_wire_list),
                options=self.dedup_options,
            )
        return self.deduplicator

    def stories(self) -> StoryDesk:
        if self.story_desk is None:
            self.story_desk = StoryDesk.open(
                self.store,
                cluster_options(self.settings),
                clock=self.clock,
                snapshot_every=self.settings.story_snapshot_every,
            )
        return self.story_desk

    @property
    def schedule(self) -> ScheduleOptions:
        return ScheduleOptions.from_settings(self.settings)


@dataclass(frozen=True, slots=True)
class PollReport:
    source_id: int
    url: str
    status: int | None
    new: int = 0
    updated: int = 0
    error_kind: str | None = None
    error: str | None = None
    new_article_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleReport:
    article_id: int
    ok: bool
    error_kind: str | None = None


@dataclass(frozen=True, slots=True)
class RecheckReport:
    """How a re-check ended: ``unchanged``, ``revised`` (a text revision was stored) or
    ``failed`` (``error_kind`` says why; the article kept its text)."""

    article_id: int
    outcome: str
    error_kind: str | None = None


def entries_for(parsed: ParsedFeed, *, feed_url: str) -> list[EntryWrite]:
    """Feed items with canonical URLs and identity keys; items with no usable URL are left
    out (an article is a link to the outlet's own page)."""
    entries: list[EntryWrite] = []
    for item in parsed.items:
        raw = item.url or (item.guid if item.guid and item.guid.startswith("http") else None)
        if not raw:
            continue
        try:
            canonical = canonicalize_url(raw, base=feed_url)
        except InvalidURL:
            continue
        entries.append(
            EntryWrite(
                item=item, keys=entry_keys(item, canonical_url=canonical), canonical_url=canonical
            )
        )
    return entries


async def discover_feed(fetcher: Fetcher, url: str, *, max_bytes: int) -> tuple[str, ParsedFeed]:
    """The feed behind ``url``: the URL itself if it is a feed, else the page's
    ``<link rel="alternate">`` feeds, else the common feed paths of its site.

    Raises NotAFeed when none is found, FetchError when the URL cannot be fetched.
    """
    result = await fetcher.get(url, max_bytes=max_bytes, accept=FEED_ACCEPT)
    try:
        return result.permanent_url or url, _parse(result)
    except NotAFeed as exc:
        candidates = exc.feed_links or tuple(urljoin(result.url, p) for p in COMMON_FEED_PATHS)
    found, parsed = await _first_feed(fetcher, candidates, max_bytes=max_bytes, origin=url)
    return found.permanent_url or found.url, parsed


def _parse(result: FetchResult) -> ParsedFeed:
    return parse_feed(result.body, url=result.url, content_type=result.content_type)


async def _first_feed(
    fetcher: Fetcher, candidates: tuple[str, ...], *, max_bytes: int, origin: str
) -> tuple[FetchResult, ParsedFeed]:
    """The first of ``candidates`` that answers with a feed."""
    for candidate in candidates:
        try:
            found = await fetcher.get(candidate, max_bytes=max_bytes, accept=FEED_ACCEPT)
            return found, _parse(found)
        except NewsdeskError as exc:
            log.debug("no feed at %s: %s", candidate, exc)
    raise NotAFeed(f"{origin} is not a feed and links to none (tried {len(candidates)} URLs)")


async def _fetch_feed(
    ctx: PipelineContext, source: Source
) -> tuple[FetchResult, ParsedFeed | None]:
    """Fetch and parse a feed. When a page is served instead, follow its
    ``<link rel="alternate">`` feeds and move the source to the first that works."""
    max_bytes = ctx.settings.max_feed_bytes
    result = await ctx.fetcher.get(
        source.url,
        etag=source.etag,
        last_modified=source.last_modified,
        max_bytes=max_bytes,
        accept=FEED_ACCEPT,
    )
    if result.not_modified:
        return result, None
    try:
        return result, _parse(result)
    except NotAFeed as exc:
        if not exc.feed_links:
            raise
        found, parsed = await _first_feed(
            ctx.fetcher, exc.feed_links, max_bytes=max_bytes, origin=source.url
        )
    return replace(found, permanent_url=found.url), parsed


async def poll_source(ctx: PipelineContext, source: Source) -> PollReport:
    """Poll one source and record the outcome on it. Never raises for bad input."""
    try:
        result, parsed = await _fetch_feed(ctx, source)
    except NewsdeskError as exc:
        return _record_failure(ctx, source, exc)
    try:
        return _store_poll(ctx, source, result, parsed)
    except NewsdeskError as exc:  # e.g. the database refused the write
        return _record_failure(ctx, source, exc)


def _store_poll(
    ctx: PipelineContext, source: Source, result: FetchResult, parsed: ParsedFeed | None
) -> PollReport:
    store, options = ctx.store, ctx.schedule
    now = ctx.clock()
    new_ids: tuple[int, ...] = ()
    updated = 0
    outcome = FetchOutcome(status=result.status, cache_max_age=result.cache_max_age)
    item_dates = []
    if parsed is not None:
        entries = entries_for(parsed, feed_url=result.url)
        if len(entries) < len(parsed.items):
            store.record_event(
                now=now,
                kind="items_without_link",
                message=f"{source.url}: {len(parsed.items) - len(entries)} of "
                f"{len(parsed.items)} items have no usable link and were skipped",
                source_id=source.id,
            )
        upserted = store.upsert_entries(
            source.id, entries, now=now, recheck_spacing=_recheck_spacing(ctx.settings)
        )
        new_ids, updated = upserted.new_ids, len(upserted.updated_ids)
        outcome = FetchOutcome(
            status=result.status,
            items_seen=len(entries),
            items_new=len(new_ids),
            ttl_seconds=parsed.ttl_seconds,
            cache_max_age=result.cache_max_age,
        )
        item_dates = [d for e in entries if (d := e.item.published or e.item.updated)]
    plan = plan_after_success(
        now=now,
        previous_interval=source.interval_seconds,
        outcome=outcome,
        item_dates=item_dates,
        options=options,
        rng=ctx.rng,
    )
    etag = result.headers.get("etag")
    last_modified = result.headers.get("last-modified")
    if result.not_modified:  # a 304 may omit validators: keep the ones we sent
        etag = etag or source.etag
        last_modified = last_modified or source.last_modified
    store.record_poll_success(
        source.id,
        now=now,
        etag=etag,
        last_modified=last_modified,
        interval_seconds=plan.interval_seconds,
        next_poll=plan.next_poll,
        new_url=result.permanent_url if result.permanent_url != source.url else None,
        title=parsed.title if parsed is not None and not source.title else None,
    )
    return PollReport(
        source_id=source.id,
        url=source.url,
        status=result.status,
        new=len(new_ids),
        updated=updated,
        new_article_ids=new_ids,
    )


def _record_failure(ctx: PipelineContext, source: Source, exc: NewsdeskError) -> PollReport:
    now = ctx.clock()
    retry_after = exc.retry_after if isinstance(exc, HTTPStatusError) else None
    status = exc.status if isinstance(exc, HTTPStatusError) else None
    plan = plan_after_failure(
        now=now,
        interval=source.interval_seconds,
        failures=source.failures + 1,
        outcome=FetchOutcome(status=status, retry_after=retry_after, error_kind=exc.kind),
        options=ctx.schedule,
        rng=ctx.rng,
    )
    message = str(exc) or exc.__class__.__name__
    ctx.store.record_poll_failure(
        source.id,
        now=now,
        kind=exc.kind,
        message=message,
        next_poll=plan.next_poll,
        disable=status == 410,
    )
    ctx.store.record_event(
        now=now, kind=exc.kind, message=f"{source.url}: {message}", source_id=source.id
    )
    log.info("poll failed", extra={"source_id": source.id, "url": source.url, "kind": exc.kind})
    return PollReport(
        source_id=source.id, url=source.url, status=status, error_kind=exc.kind, error=message
    )


async def process_article(ctx: PipelineContext, article: Article) -> ArticleReport:
    """Fetch and extract one pending article; record the result or the failure on it."""
    settings, store = ctx.settings, ctx.store
    try:
        result = await ctx.fetcher.get(
            article.url, max_bytes=settings.max_page_bytes, check_robots=True
        )
        work = await asyncio.get_running_loop().run_in_executor(
            ctx.extract_executor,
            partial(
                extract_page,
                result.body,
                url=result.url,
                authors=article.authors,
                fingerprint=ctx.dedup_options.fingerprint if settings.detect_copies else None,
                wire_list=settings.resolved_wire_list,
            ),
        )
        extracted = work.extracted
        canonical = extracted.canonical_url or result.url
        try:
            canonical = canonicalize_url(canonical, base=result.url)
        except InvalidURL:
            canonical = canonicalize_url(result.url)
    except NewsdeskError as exc:
        now = ctx.clock()
        final = isinstance(exc, PERMANENT_ARTICLE_ERRORS) or (
            isinstance(exc, HTTPStatusError) and exc.status in (401, 403, 404, 410, 451)
        )
        final = final or article_attempts_exhausted(article, settings)
        store.record_extraction_failure(
            article.id, now=now, kind=exc.kind, message=str(exc), final=final
        )
        store.record_event(
            now=now,
            kind=exc.kind,
            message=f"{article.url}: {exc}",
            source_id=article.source_id,
            article_id=article.id,
        )
        return ArticleReport(article_id=article.id, ok=False, error_kind=exc.kind)
    _store_article(ctx, article, work, result, canonical=canonical)
    return ArticleReport(article_id=article.id, ok=True)


def _store_article(
    ctx: PipelineContext, article: Article, work: PageWork, result: FetchResult, *, canonical: str
) -> None:
    """Store the extraction, the copy decision and the story assignment of one article as
    one transaction: none is ever stored without the others (a kill -9 between them would
    leave an article no later round decides), and one commit instead of three. Copy
    detection and story assignment are savepoints: their failure never costs the
    extraction. Synchronous on purpose (see :meth:`Store.batch`). A database failure
    raises StoreError, and the story clusterer, which may hold the article, is rebuilt
    from the store on next use."""
    settings, store = ctx.settings, ctx.store
    keep_raw = settings.raw_html_retention_days != 0
    try:
        with store.batch():
            now = ctx.clock()
            store.save_extraction(
                article.id,
                work.extracted,
                now=now,
                raw_html=result.body if keep_raw else None,
                canonical_url=canonical,
                recheck_at=_next_recheck(ctx, article, now),
            )
            if settings.detect_copies:
                detect_copies(ctx, article, work, html=result.body, url=result.url)
            if settings.cluster_stories:
                assign_story(ctx, article)
    except NewsdeskError:
        ctx.story_desk = None
        raise


def recheck_page(
    body: bytes, *, url: str, previous: str
) -> tuple[ExtractedArticle, TextChange | None]:
    """Extract a re-fetched page and compare its text with the ``previous`` one (in the
    extraction worker: both are CPU-bound and pure). Raises ExtractError like
    :func:`~newsdesk.extract.extract_article`."""
    extracted, _ = extract_with_tree(body, url=url)
    return extracted, text_change(previous, extracted.text)


async def recheck_article(ctx: PipelineContext, article: Article) -> RecheckReport:
    """Fetch an extracted article's page again and keep a meaningful change of its text as
    a text revision (the new text becomes the article's). Then its next re-check is set
    from the revisit schedule. Copy detection and story assignment are not run again: the
    article keeps its copy decision and its story.

    Never marks the article failed nor loses its text: a fetch or extraction failure, or
    a page that kept less than a fifth of the words (:func:`looks_truncated`: a consent
    wall or an error page more likely than an edit), even an unexpected exception while
    fetching or extracting, is recorded as a ``recheck`` event and the article is tried
    again at its next revisit. A database failure raises StoreError like
    :func:`process_article`."""
    settings, store = ctx.settings, ctx.store
    try:
        result = await ctx.fetcher.get(
            article.url, max_bytes=settings.max_page_bytes, check_robots=True
        )
        extracted, change = await asyncio.get_running_loop().run_in_executor(
            ctx.extract_executor,
            partial(recheck_page, result.body, url=result.url, previous=article.text),
        )
    except NewsdeskError as exc:
        return _recheck_failed(ctx, article, exc.kind, str(exc), fetched=False)
    except Exception as exc:  # a bug on one page must not make it due again every round
        log.warning("re-check crashed", extra={"article_id": article.id}, exc_info=True)
        return _recheck_failed(
            ctx, article, "internal", f"{type(exc).__name__}: {exc}", fetched=False
        )
    now = ctx.clock()
    following = _next_recheck(ctx, article, now)
    if change is None:
        store.record_recheck(article.id, now=now, fetched=True, recheck_at=following)
        return RecheckReport(article.id, "unchanged")
    if looks_truncated(change):
        message = (
            f"the page now gives {change.words_after} of {change.words_before} words; "
            "taken for a broken page, not an edit"
        )
        return _recheck_failed(ctx, article, "truncated", message, fetched=True)
    keep_raw = settings.raw_html_retention_days != 0
    saved = store.save_text_revision(
        article.id,
        change,
        now=now,
        previous_text=article.text,
        text=extracted.text,
        recheck_at=following,
        raw_html=result.body if keep_raw else None,
    )
    log.info(
        "text revised",
        extra={"article_id": article.id, "added": change.words_added, "saved": saved},
    )
    return RecheckReport(article.id, "revised" if saved else "unchanged")


def _recheck_failed(
    ctx: PipelineContext, article: Article, kind: str, message: str, *, fetched: bool
) -> RecheckReport:
    now = ctx.clock()
    ctx.store.record_recheck(
        article.id, now=now, fetched=fetched, recheck_at=_next_recheck(ctx, article, now)
    )
    ctx.store.record_event(
        now=now,
        kind="recheck",
        message=f"{article.url}: re-check failed, text kept ({kind}): {message}",
        source_id=article.source_id,
        article_id=article.id,
    )
    return RecheckReport(article.id, "failed", kind)


def _next_recheck(ctx: PipelineContext, article: Article, now: datetime) -> datetime | None:
    """The article's next revisit after ``now`` (``revisit_hours`` after it was first
    seen), None when they are all past or re-checks are off."""
    settings = ctx.settings
    if not settings.rechecks_per_round or article.first_seen is None:
        return None
    return next_revisit(article.first_seen, after=now, hours=settings.revisit_hours)


def _recheck_spacing(settings: Settings) -> timedelta | None:
    """How soon a changed feed entry's page may be fetched again (None: re-checks off)."""
    if not settings.fetch_articles or not settings.rechecks_per_round:
        return None
    return timedelta(minutes=settings.recheck_spacing_minutes)


def detect_copies(
    ctx: PipelineContext,
    article: Article,
    work: PageWork,
    *,
    html: bytes,
    url: str,
) -> bool:
    """Decide whether the just-extracted ``article`` copies a stored one and store the
    decision (with revised decisions and primary repoints) in one transaction.

    ``work`` is what the extraction worker made of the page; its hints and prepared text
    are used when present, else made here from ``html``. Synchronous on purpose: no other
    article may be decided between reading the candidates and saving the decision. Never
    raises: a failure is recorded as a ``dedup`` event and the article stays extracted;
    returns whether a decision was stored."""
    store = ctx.store
    try:
        view = store.dedup_view(article.id)
        if view is None:  # removed meanwhile
            return False
        hints = work.hints or attribution_hints(
            html,
            url=url,
            text=view.text,
            authors=article.authors or work.extracted.authors,
            registry=wire_registry(ctx.settings.resolved_wire_list),
        )
        outcome = ctx.dedup().process(replace(view, hints=hints), prepared=work.prepared)
        return store.save_copy_decision(outcome, hints=hints)
    except Exception as exc:  # copy detection must never cost the article
        log.warning("copy detection failed", extra={"article_id": article.id}, exc_info=True)
        try:
            store.record_event(
                now=ctx.clock(),
                kind="dedup",
                message=f"{article.url}: {type(exc).__name__}: {exc}",
                source_id=article.source_id,
                article_id=article.id,
            )
        except NewsdeskError:
            log.exception("could not record the dedup failure of article %s", article.id)
        return False


def assign_story(ctx: PipelineContext, article: Article) -> bool:
    """Put the just-extracted (and copy-checked) ``article`` into a story and store it with
    the merges, story states and links in one transaction; a copy whose original has a
    story joins that story unscored. Synchronous on purpose, like :func:`detect_copies`.
    Never raises: a failure is recorded as a ``stories`` event, the article stays
    extracted, and the clusterer is rebuilt from the store on next use (the snapshot, then
    the assignments after it, then the articles extracted since that are in no story).
    Returns whether the article was assigned."""
    try:
        return ctx.stories().assign(article.id) is not None
    except Exception as exc:  # story clustering must never cost the article
        ctx.story_desk = None
        log.warning("story assignment failed", extra={"article_id": article.id}, exc_info=True)
        _record_step_failure(ctx, article, "stories", exc)
        return False


def snapshot_stories(ctx: PipelineContext) -> bool:
    """Save the story clusterer's state if it changed (the embedded runner calls this at the
    end of each round). Never raises: a failure is recorded as a ``stories`` event."""
    desk = ctx.story_desk
    if desk is None:
        return False
    try:
        return desk.snapshot()
    except Exception as exc:
        log.warning("story snapshot failed", exc_info=True)
        try:
            ctx.store.record_event(
                now=ctx.clock(), kind="stories", message=f"snapshot: {type(exc).__name__}: {exc}"
            )
        except NewsdeskError:
            log.exception("could not record the story snapshot failure")
        return False


def _record_step_failure(ctx: PipelineContext, article: Article, kind: str, exc: Exception) -> None:
    try:
        ctx.store.record_event(
            now=ctx.clock(),
            kind=kind,
            message=f"{article.url}: {type(exc).__name__}: {exc}",
            source_id=article.source_id,
            article_id=article.id,
        )
    except NewsdeskError:
        log.exception("could not record the %s failure of article %s", kind, article.id)


def article_attempts_exhausted(article: Article, settings: Settings) -> bool:
    """True when this failure is the last allowed attempt."""
    return article.attempts + 1 >= settings.article_attempts

"""SqlStore: the Store protocol over SQLAlchemy Core, for SQLite and PostgreSQL alike.

Every public method is one transaction (or, inside :meth:`SqlStore.batch`, a savepoint of
the batch's transaction); every SQLAlchemy, Alembic or decompression failure
leaves as :class:`newsdesk.errors.StoreError`. Dialect differences live in ``engine.py``
(connection setup) and in :meth:`SqlStore._insert` (``INSERT ... ON CONFLICT``).
Writes aimed at a source or article that was removed meanwhile are ignored (a poll or an
extraction may finish after the user deleted its source).
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from newsdesk.dedup import AttributionHints, DedupOutcome, DocView
from newsdesk.errors import StoreError
from newsdesk.model import Article, ExtractedArticle, Source
from newsdesk.revisions import TextChange
from newsdesk.store import copies, reading, rechecks, upsert
from newsdesk.store import stories as story_rows
from newsdesk.store.base import (
    Activity,
    ArticleCursor,
    ArticlePage,
    ArticleQuery,
    ClusterSnapshot,
    CopyMember,
    CopyShare,
    EntryWrite,
    Facets,
    StoreStats,
    StoryCursor,
    StoryInput,
    StoryRecord,
    TextRevision,
    TitleRevision,
    UpsertResult,
    VolumePoint,
)
from newsdesk.store.engine import WRITE, make_engine, parse_url
from newsdesk.store.prebuilt import UPDATE_ARTICLE, UPDATE_SOURCE
from newsdesk.store.rows import (
    article_from_row,
    chunks,
    decompress_page,
    source_from_row,
)
from newsdesk.store.schema import (
    article_titles,
    articles,
    entry_keys,
    events,
    raw_pages,
    sources,
    tombstones,
)
from newsdesk.stories import Assignment, StoryState

__all__ = ["SqlStore"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MAX_EVENTS = 10_000
_RAW_BATCH = 50  # raw pages read per transaction by iter_raw_pages
_STATS_WINDOW = timedelta(hours=24)
_MIGRATION_LOCK = 0x6E657773  # pg_advisory_xact_lock key: "news"
_STORIES_LOCK = 0x73746F72  # pg_advisory_xact_lock key: "stor" (one story writer at a time)
#: What record_poll_success reads of the source first (built once: it runs per poll).
_POLLED_SOURCE = (
    sa.select(sources.c.url, sources.c.title)
    .where(sources.c.id == sa.bindparam("sid"))
    .with_for_update()
)
#: What save_extraction reads of the article first (built once: it runs per article).
_EXTRACTION_ROW = sa.select(
    articles.c.status,
    articles.c.title,
    articles.c.authors,
    articles.c.published,
    articles.c.modified,
).where(articles.c.id == sa.bindparam("aid"))

#: What get_article reads (built once: every article page and API answer runs it).
_ARTICLE = sa.select(*reading.ARTICLE_COLUMNS).where(articles.c.id == sa.bindparam("aid"))

P = ParamSpec("P")
R = TypeVar("R")


def _guard(fn: Callable[Concatenate[SqlStore, P], R]) -> Callable[Concatenate[SqlStore, P], R]:
    """Translate database failures into StoreError at the boundary."""

    @functools.wraps(fn)
    def wrapper(self: SqlStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(self, *args, **kwargs)
        except sa.exc.SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise StoreError(f"{fn.__name__}: {type(detail).__name__}: {detail}") from exc
        except CommandError as exc:
            raise StoreError(f"{fn.__name__}: migration failed: {exc}") from exc

    return wrapper


class SqlStore:
    """The store over a SQLAlchemy engine. ``url``: ``sqlite:///path`` or
    ``postgresql+psycopg://...``. ``max_events`` bounds the events table.

    Constructing connects nothing; call :meth:`migrate` (``open_store`` does) before use.
    Raises :class:`StoreError` for an unsupported or malformed URL.
    """

    def __init__(self, url: str, *, max_events: int = MAX_EVENTS) -> None:
        self.url = parse_url(url)
        self._engine = make_engine(self.url)
        self._postgres = self.url.get_backend_name() == "postgresql"
        self._max_events = max(1, max_events)
        self._prune_every = max(1, min(100, self._max_events // 10))
        self._batch = threading.local()  # .conn: this thread's batch() connection

    # --- plumbing -----------------------------------------------------------------------
    def _batch_connection(self) -> Connection | None:
        conn: Connection | None = getattr(self._batch, "conn", None)
        return conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        batch = self._batch_connection()
        if batch is not None:
            yield batch
            return
        with self._engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        batch = self._batch_connection()
        if batch is not None:
            with batch.begin_nested():
                yield batch
            return
        with self._engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def batch(self) -> Iterator[None]:
        """See :meth:`newsdesk.store.base.Store.batch`. Saves a transaction per call (on
        SQLite a commit rewrites every page the call touched) and makes the calls atomic
        together. A failure to begin or commit leaves as StoreError."""
        if self._batch_connection() is not None:
            yield
            return
        try:
            with self._write() as conn:
                self._batch.conn = conn
                try:
                    yield
                finally:
                    self._batch.conn = None
        except sa.exc.SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise StoreError(f"batch: {type(detail).__name__}: {detail}") from exc

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[Connection]:
        """One transaction for helpers living outside the public methods (the fingerprint
        index): database failures leave as StoreError, as from the methods."""
        try:
            with self._write() if write else self._read() as conn:
                yield conn
        except sa.exc.SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise StoreError(f"dedup index: {type(detail).__name__}: {detail}") from exc

    def _insert(self, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
        return postgresql.insert(table) if self._postgres else sqlite.insert(table)

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- schema -------------------------------------------------------------------------
    @_guard
    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (idempotent, safe to race)."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
        config.set_main_option("path_separator", "os")
        with self._write() as conn:
            if self._postgres:
                # Two processes starting together must not both create the tables.
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def close(self) -> None:
        self._engine.dispose()

    # --- sources ------------------------------------------------------------------------
    @_guard
    def add_source(
        self,
        url: str,
        *,
        now: datetime,
        title: str = "",
        site_url: str | None = None,
        country: str | None = None,
        language: str | None = None,
    ) -> Source:
        with self._write() as conn:
            conn.execute(
                self._insert(sources)
                .values(
                    url=url,
                    title=title,
                    site_url=site_url,
                    country=country,
                    language=language,
                    next_poll=now,
                    created_at=now,
                )
                .on_conflict_do_nothing(index_elements=[sources.c.url])
            )
            row = conn.execute(
                sa.select(sources, self._article_count()).where(sources.c.url == url)
            ).one()
        return source_from_row(row, articles=row.articles)

    @staticmethod
    def _article_count() -> sa.Label[int]:
        return (
            sa.select(sa.func.count())
            .where(articles.c.source_id == sources.c.id)
            .scalar_subquery()
            .label("articles")
        )

    @_guard
    def get_source(self, source_id: int) -> Source | None:
        return self._one_source(sources.c.id == source_id)

    @_guard
    def get_source_by_url(self, url: str) -> Source | None:
        return self._one_source(sources.c.url == url)

    def _one_source(self, condition: sa.ColumnElement[bool]) -> Source | None:
        with self._read() as conn:
            row = conn.execute(
                sa.select(sources, self._article_count()).where(condition)
            ).one_or_none()
        return None if row is None else source_from_row(row, articles=row.articles)

    @_guard
    def list_sources(self) -> list[Source]:
        counts = (
            sa.select(articles.c.source_id, sa.func.count().label("n"))
            .group_by(articles.c.source_id)
            .subquery()
        )
        query = (
            sa.select(sources, sa.func.coalesce(counts.c.n, 0).label("articles"))
            .outerjoin(counts, counts.c.source_id == sources.c.id)
            .order_by(sources.c.id)
        )
        with self._read() as conn:
            return [source_from_row(r, articles=r.articles) for r in conn.execute(query)]

    @_guard
    def remove_source(self, source_id: int) -> bool:
        with self._write() as conn:
            gone = conn.execute(
                sa.select(articles.c.id, articles.c.story_id).where(
                    articles.c.source_id == source_id
                )
            ).all()
            copies.detach(conn, [r.id for r in gone], stays=articles.c.source_id != source_id)
            result = conn.execute(sa.delete(sources).where(sources.c.id == source_id))
            story_ids = {r.story_id for r in gone if r.story_id is not None}
            story_rows.recount(conn, story_ids, now=datetime.now(UTC))
        return result.rowcount > 0

    @_guard
    def due_sources(self, now: datetime, *, limit: int = 1000) -> list[Source]:
        query = (
            sa.select(sources)
            .where(sources.c.enabled.is_(True), sources.c.next_poll <= now)
            .order_by(sources.c.next_poll, sources.c.id)
            .limit(limit)
        )
        with self._read() as conn:
            return [source_from_row(r) for r in conn.execute(query)]

    @_guard
    def record_poll_success(
        self,
        source_id: int,
        *,
        now: datetime,
        etag: str | None,
        last_modified: str | None,
        interval_seconds: int,
        next_poll: datetime,
        new_url: str | None = None,
        title: str | None = None,
    ) -> None:
        with self._write() as conn:
            row = conn.execute(_POLLED_SOURCE, {"sid": source_id}).one_or_none()
            if row is None:
                return
            values: dict[str, Any] = {
                "failures": 0,
                "etag": etag,
                "last_modified": last_modified,
                "interval_seconds": interval_seconds,
                "next_poll": next_poll,
                "last_polled": now,
                "last_success": now,
            }
            if title and not row.title:
                values["title"] = title
            if new_url and new_url != row.url:
                holder = conn.execute(
                    sa.select(sources.c.id).where(sources.c.url == new_url)
                ).scalar_one_or_none()
                if holder is None:
                    values["url"] = new_url
                else:
                    self._add_event(
                        conn,
                        now=now,
                        kind="url_conflict",
                        message=(
                            f"permanent redirect to {new_url}, already followed as source "
                            f"{holder}; keeping {row.url}"
                        ),
                        source_id=source_id,
                    )
            conn.execute(UPDATE_SOURCE, {"sid": source_id, **values})

    @_guard
    def record_poll_failure(
        self,
        source_id: int,
        *,
        now: datetime,
        kind: str,
        message: str,
        next_poll: datetime,
        disable: bool = False,
    ) -> None:
        values: dict[str, Any] = {
            "failures": sources.c.failures + 1,
            "last_error": message,
            "last_error_kind": kind,
            "last_error_at": now,
            "last_polled": now,
            "next_poll": next_poll,
        }
        if disable:
            values["enabled"] = False
            values["disabled_reason"] = f"{kind}: {message}"
        with self._write() as conn:
            conn.execute(sa.update(sources).where(sources.c.id == source_id).values(**values))

    # --- articles -----------------------------------------------------------------------
    @_guard
    def upsert_entries(
        self,
        source_id: int,
        entries: Sequence[EntryWrite],
        *,
        now: datetime,
        recheck_spacing: timedelta | None = None,
    ) -> UpsertResult:
        with self._write() as conn:
            # Serialises upserts of one source (PostgreSQL; SQLite's BEGIN IMMEDIATE already
            # does), so two workers cannot both create the same entry.
            locked = conn.execute(
                sa.select(sources.c.id).where(sources.c.id == source_id).with_for_update()
            ).one_or_none()
            if locked is None:
                return UpsertResult()
            return upsert.upsert_entries(
                conn, source_id, entries, now=now, recheck_spacing=recheck_spacing
            )

    @staticmethod
    def _articles(conn: Connection, query: sa.Select[Any]) -> list[Article]:
        """The articles ``query`` selects, in its order, each with its title history."""
        rows = list(conn.execute(query))
        titles: dict[int, list[str]] = {r.id: [] for r in rows}
        for part in chunks(titles, 500):
            history = conn.execute(
                sa.select(article_titles.c.article_id, article_titles.c.title)
                .where(article_titles.c.article_id.in_(part))
                .order_by(article_titles.c.id)
            )
            for article_id, title in history:
                titles[article_id].append(title)
        return [article_from_row(r, titles=titles[r.id]) for r in rows]

    @_guard
    def get_article(self, article_id: int) -> Article | None:
        with self._read() as conn:
            found = reading.read_articles(conn, _ARTICLE, {"aid": article_id})
        return found[0] if found else None

    @_guard
    def pending_articles(
        self, *, limit: int = 100, source_id: int | None = None, after_id: int = 0
    ) -> list[Article]:
        query = sa.select(articles).where(articles.c.status == "pending", articles.c.id > after_id)
        if source_id is not None:
            query = query.where(articles.c.source_id == source_id)
        query = query.order_by(articles.c.id).limit(limit)
        with self._read() as conn:
            return self._articles(conn, query)

    @_guard
    def save_extraction(
        self,
        article_id: int,
        extracted: ExtractedArticle,
        *,
        now: datetime,
        raw_html: bytes | None,
        canonical_url: str | None,
        recheck_at: datetime | None = None,
    ) -> None:
        with self._write() as conn:
            row = conn.execute(_EXTRACTION_ROW, {"aid": article_id}).one_or_none()
            if row is None:
                return
            values: dict[str, Any] = {
                "text": extracted.text,
                "status": "ok",
                "error": None,
                "extracted_at": now,
                "updated_at": now,
                "content_hash": hashlib.sha256(
                    extracted.text.encode("utf-8", "surrogatepass")
                ).hexdigest(),
            }
            # The feed's title, authors and dates win; the page fills only what is missing.
            if not row.title and extracted.title:
                values["title"] = extracted.title
            if not row.authors and extracted.authors:
                values["authors"] = list(extracted.authors)
            if row.published is None and extracted.published is not None:
                values["published"] = extracted.published
            if row.modified is None and extracted.modified is not None:
                values["modified"] = extracted.modified
            for name in ("language", "site_name", "image", "description"):
                if getattr(extracted, name) is not None:
                    values[name] = getattr(extracted, name)
            if canonical_url:
                values["canonical_url"] = canonical_url
            if row.status != "ok":  # the first extraction fetched the page (reextract did not)
                values["checked_at"] = now
            if recheck_at is not None:
                values["recheck_at"] = recheck_at
            conn.execute(UPDATE_ARTICLE, {"aid": article_id, **values})
            if raw_html is not None:
                rechecks.save_raw_page(conn, article_id, raw_html, now=now)

    @_guard
    def record_extraction_failure(
        self, article_id: int, *, now: datetime, kind: str, message: str, final: bool
    ) -> None:
        with self._write() as conn:
            conn.execute(
                sa.update(articles)
                .where(articles.c.id == article_id)
                .values(
                    attempts=articles.c.attempts + 1,
                    error=f"{kind}: {message}",
                    status="failed" if final else "pending",
                    updated_at=now,
                )
            )

    @_guard
    def delete_article(self, article_id: int, *, now: datetime, reason: str) -> bool:
        with self._write() as conn:
            source_id = conn.execute(
                sa.select(articles.c.source_id).where(articles.c.id == article_id)
            ).scalar_one_or_none()
            if source_id is None:
                return False
            keys = (
                conn.execute(
                    sa.select(entry_keys.c.key).where(entry_keys.c.article_id == article_id)
                )
                .scalars()
                .all()
            )
            if keys:
                conn.execute(
                    self._insert(tombstones).on_conflict_do_nothing(
                        index_elements=[tombstones.c.source_id, tombstones.c.key]
                    ),
                    [
                        {"source_id": source_id, "key": k, "reason": reason, "created_at": now}
                        for k in keys
                    ],
                )
            story_id = conn.execute(
                sa.select(articles.c.story_id).where(articles.c.id == article_id)
            ).scalar_one_or_none()
            copies.detach(conn, [article_id], stays=articles.c.id != article_id)
            conn.execute(sa.delete(articles).where(articles.c.id == article_id))
            if story_id is not None:
                story_rows.recount(conn, [story_id], now=now)
        return True

    # --- re-checks and text revisions ----------------------------------------------------
    @_guard
    def due_rechecks(
        self, *, now: datetime, limit: int = 50, source_id: int | None = None
    ) -> list[Article]:
        query = rechecks.due_rechecks_select(now=now, limit=limit, source_id=source_id)
        with self._read() as conn:
            return self._articles(conn, query)

    @_guard
    def record_recheck(
        self, article_id: int, *, now: datetime, fetched: bool, recheck_at: datetime | None
    ) -> None:
        with self._write() as conn:
            rechecks.record_recheck(
                conn, article_id, now=now, fetched=fetched, recheck_at=recheck_at
            )

    @_guard
    def save_text_revision(
        self,
        article_id: int,
        change: TextChange,
        *,
        now: datetime,
        previous_text: str,
        text: str,
        recheck_at: datetime | None,
        raw_html: bytes | None = None,
    ) -> bool:
        with self._write() as conn:
            return rechecks.save_text_revision(
                conn,
                article_id,
                change,
                now=now,
                previous_text=previous_text,
                text=text,
                recheck_at=recheck_at,
                raw_html=raw_html,
            )

    @_guard
    def text_history(self, article_id: int) -> list[TextRevision]:
        with self._read() as conn:
            return rechecks.text_histories(conn, [article_id])[article_id]

    @_guard
    def text_histories(self, article_ids: Sequence[int]) -> dict[int, list[TextRevision]]:
        with self._read() as conn:
            return rechecks.text_histories(conn, article_ids)

    @_guard
    def text_revised(self, article_ids: Sequence[int]) -> set[int]:
        if not article_ids:
            return set()
        with self._read() as conn:
            return rechecks.text_revised(conn, article_ids)

    def iter_raw_pages(self, *, source_id: int | None = None) -> Iterator[tuple[int, str, bytes]]:
        """Pages in article order, read in small batches (one short transaction each), so
        the caller may write to the store while iterating."""
        after = 0
        while True:
            batch = self._raw_batch(after, source_id)
            if not batch:
                return
            for article_id, url, encoding, body in batch:
                yield article_id, url, decompress_page(encoding, body)
            after = batch[-1][0]

    @_guard
    def _raw_batch(self, after: int, source_id: int | None) -> list[tuple[int, str, str, bytes]]:
        query = (
            sa.select(
                raw_pages.c.article_id, articles.c.url, raw_pages.c.encoding, raw_pages.c.body
            )
            .join(articles, articles.c.id == raw_pages.c.article_id)
            .where(raw_pages.c.article_id > after)
        )
        if source_id is not None:
            query = query.where(articles.c.source_id == source_id)
        query = query.order_by(raw_pages.c.article_id).limit(_RAW_BATCH)
        with self._read() as conn:
            return [(r[0], r[1], r[2], bytes(r[3])) for r in conn.execute(query)]

    @_guard
    def prune_raw_pages(self, *, older_than: datetime) -> int:
        with self._write() as conn:
            result = conn.execute(sa.delete(raw_pages).where(raw_pages.c.fetched_at < older_than))
        return result.rowcount

    @_guard
    def list_articles(self, *, limit: int = 50, source_id: int | None = None) -> list[Article]:
        query = sa.select(articles)
        if source_id is not None:
            query = query.where(articles.c.source_id == source_id)
        newest = sa.func.coalesce(articles.c.published, articles.c.first_seen)
        query = query.order_by(newest.desc(), articles.c.id.desc()).limit(limit)
        with self._read() as conn:
            return self._articles(conn, query)

    # --- copy detection -----------------------------------------------------------------
    def fingerprint_index(self, *, write_through: bool = True) -> copies.SqlFingerprintIndex:
        return copies.SqlFingerprintIndex(self._transaction, write_through=write_through)

    @_guard
    def dedup_view(self, article_id: int) -> DocView | None:
        with self._read() as conn:
            return copies.dedup_view(conn, article_id)

    @_guard
    def save_copy_decision(
        self, outcome: DedupOutcome, *, hints: AttributionHints | None = None
    ) -> bool:
        with self._write() as conn:
            return copies.save_copy_decision(conn, outcome, hints=hints)

    # --- reading (web and API) -----------------------------------------------------------
    @_guard
    def query_articles(
        self, query: ArticleQuery, *, limit: int = 50, after: ArticleCursor | None = None
    ) -> ArticlePage:
        limit = max(1, limit)
        stmt, params = reading.article_statement(query, limit=limit + 1, after=after)
        with self._read() as conn:
            found = reading.read_articles(conn, stmt, params)
        return _page(found, limit)

    @_guard
    def copy_groups(self, primary_ids: Sequence[int]) -> dict[int, tuple[CopyMember, ...]]:
        with self._read() as conn:
            return reading.copy_groups(conn, primary_ids)

    @_guard
    def copy_shares(self, source_id: int | None = None) -> dict[int, CopyShare]:
        with self._read() as conn:
            return reading.copy_shares(conn, source_id)

    @_guard
    def title_history(self, article_id: int) -> list[TitleRevision]:
        with self._read() as conn:
            return reading.title_history(conn, article_id)

    @_guard
    def source_volume(self, source_id: int, *, since: datetime) -> list[VolumePoint]:
        with self._read() as conn:
            return reading.source_volume(conn, source_id, since=since, postgres=self._postgres)

    @_guard
    def activity(self, *, since: datetime) -> Activity:
        with self._read() as conn:
            return reading.activity(conn, since=since)

    @_guard
    def facets(self, *, recent: int = 2000) -> Facets:
        with self._read() as conn:
            return reading.facets(conn, recent=max(1, recent))

    # --- stories (newsdesk.stories) --------------------------------------------------------
    @_guard
    def story_input(self, article_id: int) -> StoryInput | None:
        with self._read() as conn:
            return story_rows.story_input(conn, article_id)

    @_guard
    def save_story_assignment(
        self,
        assignment: Assignment,
        states: Sequence[StoryState] = (),
        *,
        now: datetime,
    ) -> int | None:
        with self._write() as conn:
            if self._postgres:
                # Assignment numbers are max + 1: writers take turns (SQLite's BEGIN
                # IMMEDIATE already makes them).
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_STORIES_LOCK)))
            return story_rows.save_assignment(conn, assignment, states, now=now)

    @_guard
    def story_assignments_after(self, seq: int, *, limit: int = 1000) -> list[tuple[int, int]]:
        with self._read() as conn:
            return story_rows.assignments_after(conn, seq, limit=max(1, limit))

    @_guard
    def last_story_seq(self) -> int:
        with self._read() as conn:
            return story_rows.last_seq(conn)

    @_guard
    def unassigned_articles(
        self,
        *,
        after_id: int = 0,
        limit: int = 500,
        arrived_since: datetime | None = None,
        extracted_since: datetime | None = None,
    ) -> list[int]:
        with self._read() as conn:
            return story_rows.unassigned(
                conn,
                after_id=after_id,
                limit=max(1, limit),
                arrived_since=arrived_since,
                extracted_since=extracted_since,
            )

    @_guard
    def load_cluster_state(self) -> ClusterSnapshot | None:
        with self._read() as conn:
            return story_rows.load_state(conn)

    @_guard
    def save_cluster_state(self, data: dict[str, Any], *, seq: int, now: datetime) -> None:
        with self._write() as conn:
            story_rows.save_state(conn, data, seq=seq, now=now)

    @_guard
    def reset_stories(self, *, now: datetime, since: datetime | None = None) -> int:
        with self._write() as conn:
            if self._postgres:
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_STORIES_LOCK)))
            return story_rows.reset(conn, since=since, now=now)

    @_guard
    def mark_dormant_stories(self, *, before: datetime) -> int:
        with self._write() as conn:
            return story_rows.mark_dormant(conn, before=before)

    @_guard
    def story(self, story_id: int) -> StoryRecord | None:
        with self._read() as conn:
            return story_rows.story(conn, story_id)

    @_guard
    def story_articles(
        self, story_id: int, *, limit: int = 50, after: ArticleCursor | None = None
    ) -> ArticlePage:
        limit = max(1, limit)
        stmt, params = story_rows.story_page_statement(story_id, limit=limit + 1, after=after)
        with self._read() as conn:
            found = reading.read_articles(conn, stmt, params)
        return _page(found, limit)

    @_guard
    def article_stories(self, article_ids: Sequence[int]) -> dict[int, int]:
        with self._read() as conn:
            return story_rows.article_stories(conn, article_ids)

    @_guard
    def top_stories(
        self,
        *,
        now: datetime,
        limit: int = 20,
        since: datetime | None = None,
        language: str | None = None,
        country: str | None = None,
        after: StoryCursor | None = None,
    ) -> list[StoryRecord]:
        with self._read() as conn:
            return story_rows.top_stories(
                conn,
                now=now,
                limit=limit,
                since=since,
                language=language,
                country=country,
                after=after,
            )

    @_guard
    def stories(self, story_ids: Sequence[int]) -> dict[int, StoryRecord]:
        with self._read() as conn:
            return story_rows.stories_by_id(conn, story_ids)

    @_guard
    def story_leads(
        self, story_ids: Sequence[int], *, per_story: int = 4
    ) -> dict[int, tuple[Article, ...]]:
        if not story_ids:
            return {}
        with self._read() as conn:
            return story_rows.story_leads(conn, story_ids, per_story=per_story)

    @_guard
    def title_histories(self, article_ids: Sequence[int]) -> dict[int, list[TitleRevision]]:
        with self._read() as conn:
            return reading.title_histories(conn, article_ids)

    # --- health -------------------------------------------------------------------------
    @_guard
    def record_event(
        self,
        *,
        now: datetime,
        kind: str,
        message: str,
        source_id: int | None = None,
        article_id: int | None = None,
    ) -> None:
        with self._write() as conn:
            self._add_event(
                conn,
                now=now,
                kind=kind,
                message=message,
                source_id=source_id,
                article_id=article_id,
            )

    def _add_event(
        self,
        conn: Connection,
        *,
        now: datetime,
        kind: str,
        message: str,
        source_id: int | None = None,
        article_id: int | None = None,
    ) -> None:
        event_id: int = conn.execute(
            sa.insert(events)
            .values(at=now, kind=kind, message=message, source_id=source_id, article_id=article_id)
            .returning(events.c.id)
        ).scalar_one()
        # Prune now and then rather than on every insert; the table stays near max_events.
        if event_id % self._prune_every == 0:
            conn.execute(sa.delete(events).where(events.c.id <= event_id - self._max_events))

    @_guard
    def recent_events(self, *, limit: int = 50) -> list[dict[str, object]]:
        query = sa.select(events).order_by(events.c.id.desc()).limit(limit)
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    @_guard
    def stats(self, *, since: datetime | None = None) -> StoreStats:
        with self._read() as conn:
            n_sources, n_failing = conn.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.coalesce(sa.func.sum(sa.case((sources.c.failures > 0, 1), else_=0)), 0),
                ).select_from(sources)
            ).one()
            # grouped by status: read off ix_articles_status_id, not the article rows
            by_status: dict[str, int] = {
                status: int(n)
                for status, n in conn.execute(
                    sa.select(articles.c.status, sa.func.count()).group_by(articles.c.status)
                )
            }
            n_articles = sum(by_status.values())
            n_pending, n_failed = by_status.get("pending", 0), by_status.get("failed", 0)
            if since is None:
                newest = conn.execute(sa.select(sa.func.max(events.c.at))).scalar_one_or_none()
                since = None if newest is None else newest - _STATS_WINDOW
            by_kind: dict[str, int] = {}
            if since is not None:
                rows = conn.execute(
                    sa.select(events.c.kind, sa.func.count())
                    .where(events.c.at >= since)
                    .group_by(events.c.kind)
                    .order_by(events.c.kind)
                )
                by_kind = {kind: int(n) for kind, n in rows}
        return StoreStats(
            sources=int(n_sources),
            sources_failing=int(n_failing),
            articles=int(n_articles),
            articles_pending=int(n_pending),
            articles_failed=int(n_failed),
            errors_by_kind=by_kind,
        )


def _page(found: Sequence[Article], limit: int) -> ArticlePage:
    """One page of ``limit`` articles from ``found`` (read with one more than ``limit``, so
    a further article means a next page, which starts after the last one shown)."""
    page = tuple(found[:limit])
    next_cursor = None
    if len(found) > limit:
        last = page[-1]
        when = last.published or last.first_seen
        assert when is not None  # first_seen is NOT NULL
        next_cursor = ArticleCursor(time=when, id=last.id)
    return ArticlePage(articles=page, next=next_cursor)

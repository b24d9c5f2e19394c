"""Feed entries into articles: identity by entry keys, tombstones, changes and title history.

Runs inside the caller's write transaction (:meth:`SqlStore.upsert_entries` opens it and
locks the source row), so a failure anywhere leaves nothing behind.

Identity: an entry is the article of the first of its keys already known for the source
(``entry_keys``); keys of a matched entry that are new are added to that article, so a
feed that changes an item's GUID but keeps its URL keeps the article. An entry any of whose
keys is tombstoned is skipped. Keys assigned earlier in the same batch count, so an entry
listed twice makes one article.

A changed entry of an extracted article may say the page changed too (a correction, a new
modified date): with ``recheck_spacing`` its page is made due for a re-check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from newsdesk.errors import StoreError
from newsdesk.store.base import EntryWrite, UpsertResult
from newsdesk.store.rows import chunks
from newsdesk.store.schema import article_titles, articles, entry_keys, tombstones

__all__ = ["upsert_entries"]

_IN_CHUNK = 500  # bound parameters per IN (...) list, well under every driver's limit


@dataclass(slots=True)
class FeedView:
    """The feed-owned fields of a stored article, to tell a changed entry from a repeat."""

    title: str
    summary: str
    published: datetime | None
    modified: datetime | None
    url: str
    guid: str | None
    status: str = "pending"
    checked_at: datetime | None = None
    recheck_at: datetime | None = None


def upsert_entries(
    conn: Connection,
    source_id: int,
    entries: Sequence[EntryWrite],
    *,
    now: datetime,
    recheck_spacing: timedelta | None = None,
) -> UpsertResult:
    """Insert new entries and update changed ones of ``source_id`` on ``conn``;
    ``recheck_spacing`` as :meth:`newsdesk.store.base.Store.upsert_entries` says.

    Raises :class:`StoreError` (before writing anything) if an entry has no keys.
    """
    batch = [(entry, tuple(dict.fromkeys(k for k in entry.keys if k))) for entry in entries]
    if any(not keys for _, keys in batch):
        raise StoreError("upsert_entries: an entry has no identity keys")
    if not batch:
        return UpsertResult()
    all_keys = list(dict.fromkeys(k for _, keys in batch for k in keys))
    dead = _tombstoned_keys(conn, source_id, all_keys)
    key_map = _known_keys(conn, source_id, all_keys)
    views = _feed_views(conn, set(key_map.values()))

    new_ids: dict[int, None] = {}
    updated_ids: dict[int, None] = {}
    unchanged = tombstoned = 0
    for entry, keys in batch:
        if dead.intersection(keys):
            tombstoned += 1
            continue
        article_id = next((key_map[k] for k in keys if k in key_map), None)
        if article_id is None:
            article_id = insert_article(conn, source_id, entry, now)
            views[article_id] = _view_of(entry)
            new_ids[article_id] = None
        elif apply_changes(
            conn, article_id, views[article_id], entry, now, recheck_spacing=recheck_spacing
        ):
            if article_id not in new_ids:
                updated_ids[article_id] = None
        else:
            unchanged += 1
        missing = [k for k in keys if k not in key_map]
        if missing:
            conn.execute(
                sa.insert(entry_keys),
                [{"source_id": source_id, "key": k, "article_id": article_id} for k in missing],
            )
            key_map.update(dict.fromkeys(missing, article_id))
    return UpsertResult(
        new_ids=tuple(new_ids),
        updated_ids=tuple(updated_ids),
        unchanged=unchanged,
        tombstoned=tombstoned,
    )


def insert_article(conn: Connection, source_id: int, entry: EntryWrite, now: datetime) -> int:
    """A new pending article for ``entry`` (with its first title in the history); its id."""
    item = entry.item
    article_id: int = conn.execute(
        sa.insert(articles)
        .values(
            source_id=source_id,
            guid=item.guid,
            url=item.url or entry.canonical_url,
            canonical_url=entry.canonical_url or None,
            title=item.title,
            summary=item.summary,
            published=item.published,
            modified=item.updated,
            authors=list(item.authors),
            categories=list(item.categories),
            language=item.language,
            image=item.image,
            status="pending",
            first_seen=now,
            updated_at=now,
        )
        .returning(articles.c.id)
    ).scalar_one()
    if item.title:
        conn.execute(
            sa.insert(article_titles).values(article_id=article_id, title=item.title, seen_at=now)
        )
    return article_id


def apply_changes(
    conn: Connection,
    article_id: int,
    view: FeedView,
    entry: EntryWrite,
    now: datetime,
    *,
    recheck_spacing: timedelta | None = None,
) -> bool:
    """Write what the feed changed (updating ``view``); True if the content changed.

    Only values the feed actually gives count: an empty title or a missing date in the feed
    never erases what is stored (extraction may have filled it in). A new GUID is written
    but is not a content change. A content change of an extracted article schedules a
    re-check of its page when ``recheck_spacing`` is given (:func:`_recheck_at`).
    """
    item = entry.item
    url = item.url or entry.canonical_url
    values: dict[str, Any] = {}
    if item.title and item.title != view.title:
        values["title"] = view.title = item.title
    if item.summary and item.summary != view.summary:
        values["summary"] = view.summary = item.summary
    if item.published is not None and item.published != view.published:
        values["published"] = view.published = item.published
    if item.updated is not None and item.updated != view.modified:
        values["modified"] = view.modified = item.updated
    if url and url != view.url:
        values["url"] = view.url = url
        values["canonical_url"] = entry.canonical_url or None
    changed = bool(values)
    if changed:
        values["updated_at"] = now
        if recheck_spacing is not None and view.status == "ok":
            due = _recheck_at(view, now, recheck_spacing)
            if due != view.recheck_at:
                values["recheck_at"] = view.recheck_at = due
    if item.guid and item.guid != view.guid:
        values["guid"] = view.guid = item.guid
    if values:
        conn.execute(sa.update(articles).where(articles.c.id == article_id).values(**values))
    if "title" in values:
        conn.execute(
            sa.insert(article_titles).values(
                article_id=article_id, title=values["title"], seen_at=now
            )
        )
    return changed


def _recheck_at(view: FeedView, now: datetime, spacing: timedelta) -> datetime:
    """When the page of a changed entry is fetched again: now, or ``spacing`` after its
    last fetch if that is later; a re-check due sooner stays."""
    due = now if view.checked_at is None else max(now, view.checked_at + spacing)
    return due if view.recheck_at is None else min(due, view.recheck_at)


def _tombstoned_keys(conn: Connection, source_id: int, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(keys, _IN_CHUNK):
        found.update(
            conn.execute(
                sa.select(tombstones.c.key).where(
                    tombstones.c.source_id == source_id, tombstones.c.key.in_(part)
                )
            ).scalars()
        )
    return found


def _known_keys(conn: Connection, source_id: int, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in chunks(keys, _IN_CHUNK):
        rows = conn.execute(
            sa.select(entry_keys.c.key, entry_keys.c.article_id).where(
                entry_keys.c.source_id == source_id, entry_keys.c.key.in_(part)
            )
        )
        found.update({r.key: r.article_id for r in rows})
    return found


def _feed_views(conn: Connection, ids: set[int]) -> dict[int, FeedView]:
    views: dict[int, FeedView] = {}
    cols = (
        articles.c.id,
        articles.c.title,
        articles.c.summary,
        articles.c.published,
        articles.c.modified,
        articles.c.url,
        articles.c.guid,
        articles.c.status,
        articles.c.checked_at,
        articles.c.recheck_at,
    )
    for part in chunks(sorted(ids), _IN_CHUNK):
        for r in conn.execute(sa.select(*cols).where(articles.c.id.in_(part))):
            views[r.id] = FeedView(
                r.title,
                r.summary,
                r.published,
                r.modified,
                r.url,
                r.guid,
                status=r.status,
                checked_at=r.checked_at,
                recheck_at=r.recheck_at,
            )
    return views


def _view_of(entry: EntryWrite) -> FeedView:
    item = entry.item
    return FeedView(
        title=item.title,
        summary=item.summary,
        published=item.published,
        modified=item.updated,
        url=item.url or entry.canonical_url,
        guid=item.guid,
    )

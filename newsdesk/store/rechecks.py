"""Re-checks of extracted articles' pages and the revisions of their texts (the SQL behind
:class:`SqlStore`'s re-check methods; each function runs on the caller's connection).

An extracted article whose ``recheck_at`` has come is due: the pipeline fetches its page
again and either finds the text unchanged (:func:`record_recheck` with ``fetched``), could
not fetch or extract it (the same, without ``fetched``: the article keeps its status and
text), or found a meaningful change (:func:`save_text_revision`). Revisions are read back
for the pages and the API by :func:`text_histories` and :func:`text_revised`; the text a
revision replaced (``previous_text``) is never read back here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from newsdesk.revisions import TextChange
from newsdesk.store.base import TextRevision
from newsdesk.store.prebuilt import upsert
from newsdesk.store.rows import chunks, compress_page
from newsdesk.store.schema import article_revisions, articles, raw_pages

__all__ = [
    "due_rechecks_select",
    "record_recheck",
    "save_raw_page",
    "save_text_revision",
    "text_histories",
    "text_revised",
]

_IN_CHUNK = 500


def due_rechecks_select(
    *, now: datetime, limit: int, source_id: int | None = None
) -> sa.Select[Any]:
    """The SELECT of the extracted articles due for a re-check, longest due first."""
    query = sa.select(articles).where(
        articles.c.recheck_at.is_not(None),
        articles.c.recheck_at <= now,
        articles.c.status == "ok",
    )
    if source_id is not None:
        query = query.where(articles.c.source_id == source_id)
    return query.order_by(articles.c.recheck_at, articles.c.id).limit(max(1, limit))


def record_recheck(
    conn: Connection,
    article_id: int,
    *,
    now: datetime,
    fetched: bool,
    recheck_at: datetime | None,
) -> None:
    values: dict[str, Any] = {"recheck_at": recheck_at}
    if fetched:
        values["checked_at"] = now
    conn.execute(sa.update(articles).where(articles.c.id == article_id).values(**values))


def save_text_revision(
    conn: Connection,
    article_id: int,
    change: TextChange,
    *,
    now: datetime,
    previous_text: str,
    text: str,
    recheck_at: datetime | None,
    raw_html: bytes | None,
) -> bool:
    row = conn.execute(
        sa.select(articles.c.status, articles.c.text)
        .where(articles.c.id == article_id)
        .with_for_update()
    ).one_or_none()
    if row is None:
        return False
    if row.status != "ok" or row.text != previous_text:
        # changed meanwhile (a re-extraction, another worker): the diff is stale
        record_recheck(conn, article_id, now=now, fetched=False, recheck_at=recheck_at)
        return False
    conn.execute(
        sa.insert(article_revisions).values(
            article_id=article_id,
            seen_at=now,
            words_before=change.words_before,
            words_after=change.words_after,
            words_added=change.words_added,
            words_removed=change.words_removed,
            added=list(change.added),
            removed=list(change.removed),
            previous_text=previous_text,
        )
    )
    conn.execute(
        sa.update(articles)
        .where(articles.c.id == article_id)
        .values(
            text=text,
            content_hash=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
            updated_at=now,
            checked_at=now,
            recheck_at=recheck_at,
        )
    )
    if raw_html is not None:  # `newsdesk reextract` must start from the page as it is now
        save_raw_page(conn, article_id, raw_html, now=now)
    return True


def save_raw_page(conn: Connection, article_id: int, raw_html: bytes, *, now: datetime) -> None:
    """Keep ``raw_html`` (compressed) as the article's page, replacing any kept before."""
    encoding, body = compress_page(raw_html)
    conn.execute(
        upsert(conn, raw_pages, ("article_id",), ("fetched_at", "encoding", "body")),
        {"article_id": article_id, "fetched_at": now, "encoding": encoding, "body": body},
    )


def text_histories(conn: Connection, article_ids: Sequence[int]) -> dict[int, list[TextRevision]]:
    found: dict[int, list[TextRevision]] = {int(i): [] for i in article_ids}
    cols = (
        article_revisions.c.article_id,
        article_revisions.c.seen_at,
        article_revisions.c.words_before,
        article_revisions.c.words_after,
        article_revisions.c.words_added,
        article_revisions.c.words_removed,
        article_revisions.c.added,
        article_revisions.c.removed,
    )
    for part in chunks(sorted(found), _IN_CHUNK):
        rows = conn.execute(
            sa.select(*cols)
            .where(article_revisions.c.article_id.in_(part))
            .order_by(article_revisions.c.article_id, article_revisions.c.id)
        )
        for r in rows:
            found[r.article_id].append(
                TextRevision(
                    seen_at=r.seen_at,
                    words_before=r.words_before,
                    words_after=r.words_after,
                    words_added=r.words_added,
                    words_removed=r.words_removed,
                    added=tuple(str(p) for p in r.added or ()),
                    removed=tuple(str(p) for p in r.removed or ()),
                )
            )
    return found


def text_revised(conn: Connection, article_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for part in chunks(sorted({int(i) for i in article_ids}), _IN_CHUNK):
        found.update(
            conn.execute(
                sa.select(article_revisions.c.article_id)
                .where(article_revisions.c.article_id.in_(part))
                .distinct()
            ).scalars()
        )
    return found

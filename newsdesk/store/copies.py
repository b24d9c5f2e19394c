"""Copy detection's side of the store: the band-key index, the article view the
:class:`newsdesk.dedup.Deduplicator` reads, and the writing of its decisions.

Functions here take an open connection (the :class:`SqlStore` methods own the transactions
and the error translation); :class:`SqlFingerprintIndex` is the store's
:class:`newsdesk.dedup.FingerprintIndex`. Every read goes through a primary key or an index:
``dedup_keys`` by ``band_key``, ``articles`` by ``id`` and ``primary_id``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from newsdesk.dedup import AttributionHints, CopyDecision, DedupOutcome, DocId, DocView
from newsdesk.errors import StoreError
from newsdesk.normalize import domain_or_none
from newsdesk.store.prebuilt import UPDATE_ARTICLE, insert_ignore
from newsdesk.store.rows import chunks
from newsdesk.store.schema import articles, dedup_keys

__all__ = [
    "MAX_POSTINGS",
    "SqlFingerprintIndex",
    "add_keys",
    "candidates",
    "dedup_view",
    "detach",
    "save_copy_decision",
]

#: Ids kept per key (as :class:`newsdesk.dedup.MemoryIndex`): a key shared by this many
#: articles (a stock phrase, a boilerplate lead) no longer tells copies apart, and the cap
#: bounds what one lookup can return.
MAX_POSTINGS = 1000
_BATCH = 500  # keys per IN (...)

# Built once (see newsdesk.store.prebuilt): each runs once or more per extracted article.
_KEYS: sa.BindParameter[list[int]] = sa.bindparam("keys", expanding=True)
_CANDIDATES = sa.select(dedup_keys.c.article_id).where(dedup_keys.c.band_key.in_(_KEYS))
_POSTING_COUNTS = (
    sa.select(dedup_keys.c.band_key, sa.func.count())
    .where(dedup_keys.c.band_key.in_(_KEYS))
    .group_by(dedup_keys.c.band_key)
)
_EXISTS = sa.select(articles.c.id).where(articles.c.id == sa.bindparam("aid"))
_LOCK = _EXISTS.with_for_update()
_VIEW = sa.select(
    articles.c.id,
    articles.c.url,
    articles.c.text,
    articles.c.published,
    articles.c.title,
    articles.c.guid,
    articles.c.attribution,
    articles.c.copy_of,
    articles.c.primary_id,
).where(articles.c.id == sa.bindparam("aid"))


def _id(value: DocId) -> int:
    """Store ids are integers; the engine's ``DocId`` also allows strings (evaluation)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise StoreError(f"not an article id: {value!r}")
    try:
        return int(value)
    except ValueError as exc:
        raise StoreError(f"not an article id: {value!r}") from exc


def candidates(conn: Connection, keys: Iterable[int]) -> set[int]:
    """Every article id indexed under any of ``keys`` (primary-key lookups only)."""
    found: set[int] = set()
    for part in chunks(sorted(set(keys)), _BATCH):
        found.update(conn.execute(_CANDIDATES, {"keys": part}).scalars())
    return found


def add_keys(
    conn: Connection,
    article_id: int,
    keys: Iterable[int],
    *,
    max_postings: int = MAX_POSTINGS,
    known_to_exist: bool = False,
) -> None:
    """Index ``article_id`` under ``keys``; keys already holding ``max_postings`` ids are
    skipped, and so is an article that no longer exists (``known_to_exist``: the caller
    has just read and locked its row, so it is not looked up again). Idempotent."""
    wanted = sorted(set(keys))
    if not wanted:
        return
    if not known_to_exist and conn.execute(_EXISTS, {"aid": article_id}).first() is None:
        return
    full: set[int] = set()
    for part in chunks(wanted, _BATCH):
        counts = conn.execute(_POSTING_COUNTS, {"keys": part})
        full.update(key for key, n in counts if n >= max_postings)
    rows = [{"band_key": k, "article_id": article_id} for k in wanted if k not in full]
    if rows:
        conn.execute(insert_ignore(conn, dedup_keys, ("band_key", "article_id")), rows)


def dedup_view(conn: Connection, article_id: int) -> DocView | None:
    """The article as copy detection sees it, or None when there is none."""
    row = conn.execute(_VIEW, {"aid": article_id}).one_or_none()
    if row is None:
        return None
    hints = AttributionHints.from_dict(row.attribution) if row.attribution else AttributionHints()
    return DocView(
        id=row.id,
        url=row.url,
        source=domain_or_none(row.url),
        text=row.text or "",
        published=row.published,
        title=row.title or "",
        guid=row.guid,
        hints=hints,
        copy_of=row.copy_of,
        primary_id=None if row.primary_id == row.id else row.primary_id,
    )


def _decision_values(decision: CopyDecision) -> dict[str, Any]:
    return {
        "copy_of": None if decision.copy_of is None else _id(decision.copy_of),
        "primary_id": _id(decision.primary_id),
        "copy_confidence": float(decision.confidence),
        "copy_kind": decision.kind_guess,
        "copy_reasons": list(decision.reasons),
        "primary_source": decision.primary_source,
    }


def save_copy_decision(
    conn: Connection,
    outcome: DedupOutcome,
    *,
    hints: AttributionHints | None = None,
) -> bool:
    """Store one :class:`DedupOutcome` (on an open transaction): group repoints first, then
    the revised decisions of former primaries, then the article's own decision, its
    attribution hints and its index keys. Returns False (and writes nothing) when the
    article is gone."""
    article_id = _id(outcome.decision.doc_id)
    if conn.execute(_LOCK, {"aid": article_id}).first() is None:
        return False
    for old, new in outcome.repoints:
        conn.execute(
            sa.update(articles).where(articles.c.primary_id == _id(old)).values(primary_id=_id(new))
        )
    for revised in outcome.revised:
        conn.execute(UPDATE_ARTICLE, {"aid": _id(revised.doc_id), **_decision_values(revised)})
    values = _decision_values(outcome.decision)
    if hints is not None:
        values["attribution"] = hints.as_dict()
    conn.execute(UPDATE_ARTICLE, {"aid": article_id, **values})
    add_keys(conn, article_id, outcome.keys, known_to_exist=True)
    return True


class SqlFingerprintIndex:
    """The store's :class:`newsdesk.dedup.FingerprintIndex` over ``dedup_keys``.

    ``transaction(write)`` opens one transaction. With ``write_through`` (the default)
    :meth:`add` writes at once; without it :meth:`add` does nothing and the keys are
    written by ``save_copy_decision`` together with the decision (what the pipeline does,
    so an article is never indexed without its decision).
    """

    __slots__ = ("_transaction", "write_through")

    def __init__(
        self,
        transaction: Callable[[bool], AbstractContextManager[Connection]],
        *,
        write_through: bool = True,
    ) -> None:
        self._transaction = transaction
        self.write_through = write_through

    def add(self, doc_id: DocId, band_keys: Iterable[int]) -> None:
        if not self.write_through:
            return
        with self._transaction(True) as conn:
            add_keys(conn, _id(doc_id), band_keys)

    def candidates(self, band_keys: Iterable[int]) -> set[DocId]:
        found: set[DocId] = set()
        with self._transaction(False) as conn:
            found.update(candidates(conn, band_keys))
        return found


def detach(conn: Connection, deleted: Sequence[int], *, stays: ColumnElement[bool]) -> None:
    """Before ``deleted`` articles are removed (a takedown, a removed source), mend what
    points at them, so no copy decision dangles. ``stays`` is the condition true of the
    articles that remain (``articles.c.id != x``, ``articles.c.source_id != s``): it keeps
    the queries short however many articles go.

    * a copy group whose primary goes gets a new one: its earliest remaining member (by
      published, else first seen, then id), which becomes an original;
    * a remaining article whose ``copy_of`` goes now copies what the removed one copied
      (followed until an article that stays), else its group's primary, else nothing.

    The dedup index rows go with the articles (foreign key cascade)."""
    gone = set(deleted)
    if not gone:
        return
    copied: dict[int, int | None] = {}
    primaries: set[int] = set()
    for part in chunks(sorted(gone), _BATCH):
        for row in conn.execute(
            sa.select(articles.c.id, articles.c.copy_of, articles.c.primary_id).where(
                articles.c.id.in_(part)
            )
        ):
            copied[row.id] = row.copy_of
            if row.primary_id == row.id or row.primary_id is None:
                primaries.add(row.id)
    new_primary: dict[int, int] = {}
    when = sa.func.coalesce(articles.c.published, articles.c.first_seen)
    for part in chunks(sorted(primaries), _BATCH):
        members = conn.execute(
            sa.select(articles.c.id, articles.c.primary_id)
            .where(articles.c.primary_id.in_(part), stays)
            .order_by(articles.c.primary_id, when, articles.c.id)
        )
        for member in members:
            new_primary.setdefault(member.primary_id, member.id)
    for old, new in new_primary.items():
        conn.execute(sa.update(articles).where(articles.c.primary_id == old).values(primary_id=new))
        conn.execute(
            sa.update(articles)
            .where(articles.c.id == new)
            .values(
                copy_of=None,
                copy_confidence=0.0,
                copy_kind="original",
                copy_reasons=[f"primary source since article {old} was removed"],
            )
        )

    def survivor(article_id: int | None) -> int | None:
        seen: set[int] = set()
        while article_id is not None and article_id in gone and article_id not in seen:
            seen.add(article_id)
            article_id = copied.get(article_id)
        return None if article_id in gone else article_id

    for part in chunks(sorted(gone), _BATCH):
        orphans = conn.execute(
            sa.select(articles.c.id, articles.c.copy_of, articles.c.primary_id).where(
                articles.c.copy_of.in_(part), stays
            )
        ).all()
        for orphan in orphans:
            if orphan.id in new_primary.values():
                continue  # became an original above
            target = survivor(orphan.copy_of)
            if target is None and orphan.primary_id != orphan.id:
                target = orphan.primary_id
            conn.execute(
                sa.update(articles).where(articles.c.id == orphan.id).values(copy_of=target)
            )

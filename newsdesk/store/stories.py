"""Story clustering's side of the store: the article view the clusterer reads, the writing of
its assignments, the saved clusterer state, and the reads of story pages and the front page.

Functions here take an open connection (the :class:`SqlStore` methods own the transactions
and the error translation). Every read goes through a primary key or an index: ``articles``
by ``id``, ``story_seq`` and ``(story_id, time, id)``; ``stories`` by ``id`` and
``last_update``; ``story_links`` by its key and ``other_id``. The figures of a story are
recounted from its own articles on each write (cost: the story's size, never the store's).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from newsdesk.errors import StoreError
from newsdesk.model import Article
from newsdesk.normalize import domain_or_none
from newsdesk.store.base import (
    ArticleCursor,
    ClusterSnapshot,
    StoryCursor,
    StoryInput,
    StoryLink,
    StoryRecord,
)
from newsdesk.store.prebuilt import UPDATE_ARTICLE, upsert
from newsdesk.store.reading import (
    ARTICLE_COLUMNS,
    articles_from_rows,
    newest_first_page,
    sort_time,
)
from newsdesk.store.rows import RAW_ENCODING, chunks, compress_page, decompress_page
from newsdesk.store.schema import (
    UtcDateTime,
    articles,
    cluster_snapshots,
    cluster_stories,
    sources,
    stories,
    story_links,
)
from newsdesk.stories import ArticleView, Assignment, StoryState

__all__ = [
    "SNAPSHOT_NAME",
    "article_stories",
    "assignments_after",
    "last_seq",
    "load_state",
    "mark_dormant",
    "pack_state",
    "recount",
    "reset",
    "save_assignment",
    "save_state",
    "stories_by_id",
    "story",
    "story_input",
    "story_leads",
    "story_page_statement",
    "top_stories",
    "unassigned",
]

SNAPSHOT_NAME = "default"
_DEFAULT_WINDOW = timedelta(hours=48)
#: The front page's ranking halves a story's breadth every this many hours since its last
#: update (rank_key; changing it needs the keys rewritten, as migration 0006 writes them).
HALF_LIFE_HOURS = 12.0
_EPSILON = 1e-9


# Built once (see newsdesk.store.prebuilt): each runs once or more per assigned article.
_AID: sa.BindParameter[int] = sa.bindparam("aid")
_SID: sa.BindParameter[int] = sa.bindparam("sid")
_original = articles.alias("original")
_INPUT = (
    sa.select(
        articles.c.id,
        articles.c.url,
        articles.c.title,
        articles.c.text,
        articles.c.published,
        articles.c.first_seen,
        articles.c.language,
        articles.c.copy_of,
        articles.c.primary_id,
        articles.c.story_id,
        sources.c.url.label("source_url"),
        sources.c.country,
        sources.c.language.label("source_language"),
        _original.c.story_id.label("original_story_id"),
    )
    .join(sources, sources.c.id == articles.c.source_id)
    .outerjoin(_original, _original.c.id == articles.c.copy_of)
    .where(articles.c.id == _AID)
)
_LOCK = (
    sa.select(articles.c.story_id, articles.c.story_seq)
    .where(articles.c.id == _AID)
    .with_for_update()
)
_LAST_SEQ = sa.select(sa.func.max(articles.c.story_seq))
_MEMBERS = (
    sa.select(
        articles.c.id,
        articles.c.title,
        articles.c.source_id,
        articles.c.copy_of,
        sa.func.coalesce(articles.c.language, sources.c.language).label("language"),
        sources.c.country,
        sort_time.label("at"),
    )
    .join(sources, sources.c.id == articles.c.source_id)
    .where(articles.c.story_id == _SID)
    .order_by(sort_time, articles.c.id)
)
_STORY = sa.select(stories).where(stories.c.id == _SID)
_STORY_COLUMNS = (
    "language",
    "headline",
    "headline_article_id",
    "first_seen",
    "last_update",
    "size",
    "copies",
    "outlets",
    "countries",
    "languages",
    "outlet_count",
    "country_count",
    "status",
    "merged_into",
    "updated_at",
    "rank_key",
)
_LINK_COLUMNS = ("language", "confidence", "updated_at")
_LINKS = (
    sa.select(story_links)
    .where(story_links.c.story_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(story_links.c.confidence.desc(), story_links.c.other_id)
)
_DROP_LINKS_FROM = sa.delete(story_links).where(story_links.c.story_id == _SID)
_DROP_LINKS_TO = sa.delete(story_links).where(story_links.c.other_id == _SID)


def _id(value: str | int) -> int:
    """Story and article ids are integers in the store; the clusterer's are strings."""
    if isinstance(value, bool):
        raise StoreError(f"not an article id: {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"not an article id: {value!r}") from exc


# --- the clusterer's input ------------------------------------------------------------------


def story_input(conn: Connection, article_id: int) -> StoryInput | None:
    row = conn.execute(_INPUT, {"aid": article_id}).one_or_none()
    if row is None:
        return None
    view = ArticleView(
        id=str(row.id),
        title=row.title or "",
        text=row.text or "",
        published=row.published or row.first_seen,
        language=row.language or row.source_language,
        source=domain_or_none(row.url) or domain_or_none(row.source_url),
        country=row.country,
        is_primary=row.primary_id == row.id,
    )
    return StoryInput(
        view=view,
        copy_of=row.copy_of,
        original_story_id=row.original_story_id,
        story_id=row.story_id,
    )


# --- writing assignments --------------------------------------------------------------------


def last_seq(conn: Connection) -> int:
    last = conn.execute(_LAST_SEQ).scalar_one_or_none()
    return int(last or 0)


def _next_seq(conn: Connection) -> int:
    return last_seq(conn) + 1


def save_assignment(
    conn: Connection,
    assignment: Assignment,
    states: Sequence[StoryState],
    *,
    now: datetime,
) -> int | None:
    """Store one assignment on an open write transaction (see
    :meth:`newsdesk.store.base.Store.save_story_assignment`)."""
    article_id = _id(assignment.article_id)
    story_id = _id(assignment.story_id)
    row = conn.execute(_LOCK, {"aid": article_id}).one_or_none()
    if row is None:
        return None
    touched = {story_id}
    if row.story_id is not None and row.story_id != story_id:
        touched.add(row.story_id)
    merged = sorted({_id(m) for m in assignment.merged} - {story_id})
    if merged:
        _merge(conn, story_id, merged, now=now)
    seq = row.story_seq if row.story_seq is not None else _next_seq(conn)
    conn.execute(
        UPDATE_ARTICLE,
        {
            "aid": article_id,
            "story_id": story_id,
            "story_score": float(assignment.score),
            "story_seq": seq,
            "story_assigned_at": now,
        },
    )
    by_id = {_id(state.id): state for state in states}
    touched.update(by_id)
    for sid in sorted(touched):
        _refresh(conn, sid, by_id.get(sid), now=now, fallback_headline=article_id)
    for sid, state in by_id.items():
        _write_links(conn, sid, state, now=now)
    return int(seq)


def _merge(conn: Connection, survivor: int, merged: list[int], *, now: datetime) -> None:
    """Move the articles of ``merged`` stories to ``survivor``; keep the rows as redirects."""
    conn.execute(
        sa.update(articles).where(articles.c.story_id.in_(merged)).values(story_id=survivor)
    )
    conn.execute(
        sa.update(stories)
        .where(stories.c.id.in_(merged))
        .values(status="merged", merged_into=survivor, size=0, copies=0, updated_at=now)
    )
    # Stories merged into these earlier now redirect to the survivor in one step.
    conn.execute(
        sa.update(stories).where(stories.c.merged_into.in_(merged)).values(merged_into=survivor)
    )
    # Their links go; the survivor's own links are rewritten from its state.
    conn.execute(
        sa.delete(story_links).where(
            sa.or_(story_links.c.story_id.in_(merged), story_links.c.other_id.in_(merged))
        )
    )


def _refresh(
    conn: Connection,
    story_id: int,
    state: StoryState | None,
    *,
    now: datetime,
    fallback_headline: int | None = None,
) -> None:
    """Recount one story from its articles and write its row (deleted when empty)."""
    members = list(conn.execute(_MEMBERS, {"sid": story_id}))
    existing = conn.execute(_STORY, {"sid": story_id}).one_or_none()
    if not members:
        if existing is not None and existing.status != "merged":
            conn.execute(sa.delete(stories).where(stories.c.id == story_id))
            conn.execute(_DROP_LINKS_FROM, {"sid": story_id})
            conn.execute(_DROP_LINKS_TO, {"sid": story_id})
        return
    originals = [m for m in members if m.copy_of is None] or members
    outlets = sorted({m.source_id for m in originals})
    countries = sorted({m.country.upper() for m in originals if m.country})
    languages = {m.language for m in members if m.language}
    member_ids = {m.id: m for m in members}
    if state is not None:
        languages.update(lang for lang in state.languages if lang)
        headline_id: int | None = _id(state.headline_article_id)
        headline = state.headline
        language = state.language
        status = "dormant" if state.status == "dormant" else "active"
    else:
        headline_id = existing.headline_article_id if existing is not None else fallback_headline
        headline = existing.headline if existing is not None else ""
        language = existing.language if existing is not None else originals[0].language
        status = existing.status if existing is not None else "active"
        if existing is not None:
            languages.update(existing.languages or ())
    if headline_id not in member_ids:  # its headline article left (a reset) or is unknown
        headline_id = originals[0].id
        headline = originals[0].title or ""
    elif not headline:
        headline = member_ids[headline_id].title or ""
    values: dict[str, Any] = {
        "language": language,
        "headline": headline,
        "headline_article_id": headline_id,
        "first_seen": min(m.at for m in originals),
        "last_update": max(m.at for m in originals),
        "size": len(members),
        "copies": sum(m.copy_of is not None for m in members),
        "outlets": outlets,
        "countries": countries,
        "languages": sorted(languages),
        "outlet_count": len(outlets),
        "country_count": len(countries),
        "status": "active" if status == "merged" else status,
        "merged_into": None,
        "updated_at": now,
    }
    values["rank_key"] = rank_key(len(outlets) + len(countries), values["last_update"])
    conn.execute(upsert(conn, stories, ("id",), _STORY_COLUMNS), {"id": story_id, **values})


def _write_links(conn: Connection, story_id: int, state: StoryState, *, now: datetime) -> None:
    """The story's links as its state has them, both ways; links it no longer has go."""
    wanted = {_id(link.story_id): link for link in state.links}
    wanted.pop(story_id, None)
    keep = list(wanted)
    if keep:
        for mine, theirs in (
            (story_links.c.story_id, story_links.c.other_id),
            (story_links.c.other_id, story_links.c.story_id),
        ):
            conn.execute(sa.delete(story_links).where(mine == story_id, theirs.not_in(keep)))
    else:  # the common case, a story with no links: statements built once
        conn.execute(_DROP_LINKS_FROM, {"sid": story_id})
        conn.execute(_DROP_LINKS_TO, {"sid": story_id})
    rows = []
    for other, link in wanted.items():
        confidence = float(link.confidence)
        rows.append((story_id, other, link.language, confidence))
        rows.append((other, story_id, state.language, confidence))
    if rows:
        conn.execute(
            upsert(conn, story_links, ("story_id", "other_id"), _LINK_COLUMNS),
            [
                {
                    "story_id": source,
                    "other_id": other,
                    "language": language,
                    "confidence": confidence,
                    "updated_at": now,
                }
                for source, other, language, confidence in rows
            ],
        )


# --- replay, catch-up and the saved state ---------------------------------------------------


def assignments_after(conn: Connection, seq: int, *, limit: int) -> list[tuple[int, int]]:
    rows = conn.execute(
        sa.select(articles.c.story_seq, articles.c.id)
        .where(articles.c.story_seq > seq)
        .order_by(articles.c.story_seq)
        .limit(limit)
    )
    return [(int(s), int(i)) for s, i in rows]


def unassigned(
    conn: Connection,
    *,
    after_id: int,
    limit: int,
    arrived_since: datetime | None,
    extracted_since: datetime | None,
) -> list[int]:
    query = sa.select(articles.c.id).where(
        articles.c.status == "ok", articles.c.story_id.is_(None), articles.c.id > after_id
    )
    if arrived_since is not None:
        query = query.where(articles.c.first_seen >= arrived_since)
    if extracted_since is not None:
        query = query.where(articles.c.extracted_at >= extracted_since)
    return [int(i) for i in conn.execute(query.order_by(articles.c.id).limit(limit)).scalars()]


def load_state(conn: Connection) -> ClusterSnapshot | None:
    row = conn.execute(
        sa.select(cluster_snapshots).where(cluster_snapshots.c.name == SNAPSHOT_NAME)
    ).one_or_none()
    if row is None:
        return None
    try:
        data = orjson.loads(decompress_page(row.encoding, bytes(row.body)))
    except ValueError as exc:
        raise StoreError(f"the saved clusterer state is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise StoreError("the saved clusterer state is not a JSON object")
    if "stories" not in data:  # kept apart, one row each (revision 0010 on)
        data["stories"] = _load_stories(conn, data.get("order"))
    return ClusterSnapshot(data=data, seq=int(row.seq), saved_at=row.saved_at)


def _load_stories(conn: Connection, order: Any) -> list[Any]:
    """The saved live stories, in the clusterer's order."""
    if not isinstance(order, list):
        raise StoreError("the saved clusterer state does not list its stories")
    bodies = {r.story_id: r.body for r in conn.execute(sa.select(cluster_stories))}
    try:
        return [orjson.loads(bytes(bodies[str(story_id)])) for story_id in order]
    except KeyError as exc:
        raise StoreError(f"the saved clusterer state lacks its story {exc}") from exc
    except ValueError as exc:
        raise StoreError(f"a saved clusterer story is not JSON: {exc}") from exc


def pack_state(data: dict[str, Any]) -> tuple[str, bytes]:
    """``(encoding, body)`` of the snapshot row as it is stored: JSON, compressed like raw
    pages. orjson: the standard library took six times as long for the same JSON."""
    return compress_page(orjson.dumps(data))


def save_state(conn: Connection, data: dict[str, Any], *, seq: int, now: datetime) -> None:
    """Save a clusterer snapshot: its stories one row each, the rest in the snapshot row.
    A partial snapshot (``partial``) writes its changed stories and deletes the ``gone``
    ones; a whole one replaces every story row."""
    stories_ = data.get("stories", [])
    partial = bool(data.get("partial"))
    order = data.get("order")
    if order is None:
        if partial:
            raise StoreError("a partial clusterer snapshot must list its stories in order")
        order = [story["id"] for story in stories_]
    if partial:
        for batch in chunks(data.get("gone", []), 500):
            conn.execute(sa.delete(cluster_stories).where(cluster_stories.c.story_id.in_(batch)))
    else:
        conn.execute(sa.delete(cluster_stories))
    rows = [{"story_id": str(story["id"]), "body": orjson.dumps(story)} for story in stories_]
    for batch in chunks(rows, 500):
        conn.execute(upsert(conn, cluster_stories, ("story_id",), ("body",)), batch)
    head = {k: v for k, v in data.items() if k not in ("stories", "gone", "partial")}
    encoding, body = pack_state({**head, "order": order})
    assert encoding == RAW_ENCODING
    values = {"seq": seq, "encoding": encoding, "body": body, "saved_at": now}
    conn.execute(
        upsert(conn, cluster_snapshots, ("name",), tuple(values)), {"name": SNAPSHOT_NAME, **values}
    )


def reset(conn: Connection, *, since: datetime | None, now: datetime) -> int:
    conn.execute(sa.delete(cluster_snapshots))
    conn.execute(sa.delete(cluster_stories))
    cleared = {
        "story_id": None,
        "story_score": None,
        "story_seq": None,
        "story_assigned_at": None,
    }
    if since is None:
        result = conn.execute(
            sa.update(articles).where(articles.c.story_id.is_not(None)).values(**cleared)
        )
        conn.execute(sa.delete(story_links))
        conn.execute(sa.delete(stories))
        return result.rowcount
    affected = set(
        conn.execute(
            sa.select(articles.c.story_id)
            .where(articles.c.story_id.is_not(None), articles.c.first_seen >= since)
            .distinct()
        ).scalars()
    )
    result = conn.execute(
        sa.update(articles)
        .where(articles.c.story_id.is_not(None), articles.c.first_seen >= since)
        .values(**cleared)
    )
    for story_id in sorted(affected):
        _refresh(conn, story_id, None, now=now)
    return result.rowcount


def mark_dormant(conn: Connection, *, before: datetime) -> int:
    result = conn.execute(
        sa.update(stories)
        .where(stories.c.status == "active", stories.c.last_update < before)
        .values(status="dormant")
    )
    return result.rowcount


# --- reading --------------------------------------------------------------------------------


def _links(conn: Connection, story_ids: Iterable[int]) -> dict[int, tuple[StoryLink, ...]]:
    found: dict[int, list[StoryLink]] = {}
    for part in chunks(sorted(set(story_ids)), 500):
        for r in conn.execute(_LINKS, {"ids": part}):
            found.setdefault(r.story_id, []).append(
                StoryLink(story_id=r.other_id, language=r.language, confidence=r.confidence)
            )
    return {k: tuple(v) for k, v in found.items()}


def _record(row: Any, links: tuple[StoryLink, ...], score: float = 0.0) -> StoryRecord:
    return StoryRecord(
        id=row.id,
        headline=row.headline,
        headline_article_id=row.headline_article_id,
        language=row.language,
        first_seen=row.first_seen,
        last_update=row.last_update,
        size=row.size,
        copies=row.copies,
        outlets=tuple(int(o) for o in row.outlets or ()),
        countries=tuple(row.countries or ()),
        languages=tuple(row.languages or ()),
        status=row.status,
        merged_into=row.merged_into,
        updated_at=row.updated_at,
        links=links,
        score=score,
    )


def story(conn: Connection, story_id: int) -> StoryRecord | None:
    row = conn.execute(_STORY, {"sid": story_id}).one_or_none()
    if row is None:
        return None
    return _record(row, _links(conn, [story_id]).get(story_id, ()))


def stories_by_id(conn: Connection, story_ids: Sequence[int]) -> dict[int, StoryRecord]:
    wanted = sorted(set(story_ids))
    rows: list[Any] = []
    for part in chunks(wanted, 500):
        rows += conn.execute(sa.select(stories).where(stories.c.id.in_(part)))
    links = _links(conn, [r.id for r in rows])
    return {r.id: _record(r, links.get(r.id, ())) for r in rows}


def _leads_select() -> Any:
    """Articles (:data:`~newsdesk.store.reading.ARTICLE_COLUMNS` and ``story_id``): of each
    story of ``:ids``, the earliest original of each outlet, the first ``:per_story``
    outlets by (time, id); ordered by story, then time. Both window functions read only the
    given stories' rows (``ix_articles_story_newest``)."""
    by_outlet = (
        sa.select(
            articles.c.id,
            articles.c.story_id,
            sort_time.label("at"),
            sa.func.row_number()
            .over(
                partition_by=(articles.c.story_id, articles.c.source_id),
                order_by=(sort_time, articles.c.id),
            )
            .label("nth_of_outlet"),
        )
        .where(
            articles.c.story_id.in_(sa.bindparam("ids", expanding=True)),
            articles.c.copy_of.is_(None),
        )
        .subquery("by_outlet")
    )
    firsts = (
        sa.select(
            by_outlet.c.id,
            sa.func.row_number()
            .over(partition_by=by_outlet.c.story_id, order_by=(by_outlet.c.at, by_outlet.c.id))
            .label("place"),
        )
        .where(by_outlet.c.nth_of_outlet == 1)
        .subquery("firsts")
    )
    return (
        sa.select(*ARTICLE_COLUMNS, articles.c.story_id)
        .join(firsts, firsts.c.id == articles.c.id)
        .where(firsts.c.place <= sa.bindparam("per_story"))
        .order_by(articles.c.story_id, firsts.c.place)
    )


_LEADS = _leads_select()


def story_leads(
    conn: Connection, story_ids: Sequence[int], *, per_story: int
) -> dict[int, tuple[Article, ...]]:
    """See :meth:`newsdesk.store.base.Store.story_leads`: one query for the articles (and
    one for their title histories), each row naming its story."""
    wanted = sorted(set(story_ids))
    if not wanted:
        return {}
    params = {"ids": wanted, "per_story": max(1, per_story)}
    rows = conn.execute(_LEADS, params).all()
    found = articles_from_rows(conn, rows)
    leads: dict[int, list[Article]] = {}
    for row, article in zip(rows, found, strict=True):
        leads.setdefault(int(row.story_id), []).append(article)
    return {k: tuple(v) for k, v in leads.items()}


_PAGE = {
    after: newest_first_page(
        sa.select(*ARTICLE_COLUMNS).where(articles.c.story_id == _SID), after=after
    )
    for after in (False, True)
}


def story_page_statement(
    story_id: int, *, limit: int, after: ArticleCursor | None
) -> tuple[Any, dict[str, Any]]:
    """A page of a story's articles, newest first: the statement (built once) and its
    parameters."""
    params: dict[str, Any] = {"sid": story_id, "limit": limit}
    if after is not None:
        params.update(after_time=after.time, after_id=after.id)
    return _PAGE[after is not None], params


def article_stories(conn: Connection, article_ids: Sequence[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for part in chunks(sorted(set(article_ids)), 500):
        rows = conn.execute(
            sa.select(articles.c.id, articles.c.story_id).where(
                articles.c.id.in_(part), articles.c.story_id.is_not(None)
            )
        )
        found.update((int(a), int(s)) for a, s in rows)
    return found


def _language_matches(column: Any, language: str) -> Any:
    lang = language.strip().lower()
    lowered = sa.func.lower(column)
    return sa.or_(lowered == lang, lowered.startswith(lang + "-", autoescape=True))


class _unindexed(GenericFunction[datetime]):
    """A column the SQLite planner must not pick an index for (``+column``; the column
    itself elsewhere): SQLite would range-scan ix_stories_last_update and sort the whole
    window rather than read the ranking off ix_stories_rank_key."""

    name = "newsdesk_unindexed"
    inherit_cache = True
    type = UtcDateTime()


@compiles(_unindexed)
def _unindexed_default(element: _unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(_unindexed, "sqlite")
def _unindexed_sqlite(element: _unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))


def rank_key(breadth: int, last_update: datetime | None) -> float | None:
    """The story's place on the front page, fixed when it is written: ordering by
    ``log2(breadth) + last_update / half-life`` is ordering by breadth halved every
    :data:`HALF_LIFE_HOURS` since the last update, whatever "now" is (the score at a time
    ``t`` is ``2 ** (rank_key - t / half-life)``)."""
    if last_update is None:
        return None
    return math.log2(max(breadth, 1e-9)) + _half_lives(last_update)


def _half_lives(when: datetime) -> float:
    return when.timestamp() / 3600.0 / HALF_LIFE_HOURS


def top_stories(
    conn: Connection,
    *,
    now: datetime,
    limit: int,
    since: datetime | None,
    language: str | None,
    country: str | None,
    after: StoryCursor | None = None,
) -> list[StoryRecord]:
    """The top stories, read in ``rank_key`` order off ``ix_stories_rank_key`` (the window
    and filters checked on the way), so a page costs its ``limit``, not the window's size.
    With ``after``, the ranking is taken at ``after.at`` and leaves out stories written
    since (see :meth:`newsdesk.store.base.Store.top_stories`)."""
    if after is not None:
        now = after.at
    since = now - _DEFAULT_WINDOW if since is None else since
    if language or country:
        # a filter may keep few stories: bound the scan by the window (ix_stories_last_update)
        in_window = stories.c.last_update >= since
    else:
        # every story in the window counts: walk the ranking (ix_stories_rank_key) and stop
        # after ``limit``. No story of the window ranks below the lowest key it could have
        # (breadth ~0, updated at ``since``), which bounds the walk when the window is thin.
        in_window = sa.and_(
            _unindexed(stories.c.last_update) >= since,
            stories.c.rank_key >= math.log2(1e-9) + _half_lives(since),
        )
    query = sa.select(stories).where(
        stories.c.status != "merged",
        in_window,
        stories.c.rank_key.is_not(None),
    )
    if after is not None:
        query = query.where(stories.c.updated_at <= after.at)
        # the cursor's score at after.at, back to a rank key; keys within _EPSILON of it
        # are the same rank, ordered on by (last update, id) as the ranking is
        mark = math.log2(max(after.score, 1e-300)) + _half_lives(after.at)
        query = query.where(
            sa.or_(
                stories.c.rank_key < mark - _EPSILON,
                sa.and_(
                    stories.c.rank_key <= mark + _EPSILON,
                    sa.or_(
                        stories.c.last_update < after.last_update,
                        sa.and_(
                            stories.c.last_update == after.last_update,
                            stories.c.id < after.id,
                        ),
                    ),
                ),
            )
        )
    if language:
        query = query.where(_language_matches(stories.c.language, language))
    if country:
        member = (
            sa.select(sa.literal(1))
            .select_from(articles.join(sources, sources.c.id == articles.c.source_id))
            .where(
                articles.c.story_id == stories.c.id,
                articles.c.copy_of.is_(None),
                sa.func.upper(sources.c.country) == country.strip().upper(),
            )
        )
        query = query.where(member.exists())
    query = query.order_by(
        stories.c.rank_key.desc(), stories.c.last_update.desc(), stories.c.id.desc()
    ).limit(max(0, limit))
    rows = conn.execute(query).all()
    if not rows:
        return []
    links = _links(conn, [r.id for r in rows])
    half_life = HALF_LIFE_HOURS * 3600.0

    def score(row: Any) -> float:
        age = max(0.0, float((now - row.last_update).total_seconds()))
        breadth = float(row.outlet_count + row.country_count)
        decay: float = 0.5 ** (age / half_life)
        return breadth * decay

    return [_record(r, links.get(r.id, ()), score(r)) for r in rows]


def recount(conn: Connection, story_ids: Iterable[int], *, now: datetime) -> None:
    """Recount stories that lost articles (a takedown, a removed source); a story left
    with none is deleted."""
    for story_id in sorted(set(story_ids)):
        _refresh(conn, story_id, None, now=now)

"""Queries behind the reader's pages and the JSON API (the read side of :class:`SqlStore`).

Each function takes an open connection and builds dialect-neutral SQL except where noted
(day bucketing). Article order everywhere is newest first by :data:`sort_time` then id, the
same expression as the ``ix_articles_newest`` index, so keyset pages walk that index.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from newsdesk.store.base import (
    Activity,
    ArticleCursor,
    ArticleQuery,
    Facets,
    TitleRevision,
    VolumePoint,
)
from newsdesk.store.schema import article_titles, articles, events, sources

__all__ = [
    "activity",
    "article_select",
    "facets",
    "sort_time",
    "source_volume",
    "title_history",
]

sort_time = sa.func.coalesce(articles.c.published, articles.c.first_seen)
"""An article's place in time: when it says it was published, else when it was first seen."""


def _language_matches(column: Any, language: str) -> Any:
    lang = language.strip().lower()
    lowered = sa.func.lower(column)
    return sa.or_(lowered == lang, lowered.startswith(lang + "-", autoescape=True))


def article_select(
    query: ArticleQuery, *, limit: int, after: ArticleCursor | None
) -> sa.Select[Any]:
    """The SELECT of one page of articles (``limit`` rows) matching ``query``."""
    stmt = sa.select(articles)
    if query.source_ids:
        stmt = stmt.where(articles.c.source_id.in_(query.source_ids))
    if query.country or query.language:
        stmt = stmt.join(sources, sources.c.id == articles.c.source_id)
        if query.country:
            stmt = stmt.where(sa.func.upper(sources.c.country) == query.country.strip().upper())
        if query.language:
            lang = sa.func.coalesce(articles.c.language, sources.c.language)
            stmt = stmt.where(_language_matches(lang, query.language))
    if query.topic:
        # categories is a JSON list: look for the topic as a JSON string, serialised the way
        # the column serialises it (json.dumps, ASCII-escaped), so both backends agree.
        needle = json.dumps(query.topic)
        stmt = stmt.where(sa.cast(articles.c.categories, sa.Text).contains(needle, autoescape=True))
    if query.since is not None:
        stmt = stmt.where(sort_time >= query.since)
    if query.until is not None:
        stmt = stmt.where(sort_time < query.until)
    if query.q:
        stmt = stmt.where(articles.c.title.icontains(query.q, autoescape=True))
    if after is not None:
        stmt = stmt.where(
            sa.or_(
                sort_time < after.time,
                sa.and_(sort_time == after.time, articles.c.id < after.id),
            )
        )
    return stmt.order_by(sort_time.desc(), articles.c.id.desc()).limit(limit)


def title_history(conn: Connection, article_id: int) -> list[TitleRevision]:
    rows = conn.execute(
        sa.select(article_titles.c.title, article_titles.c.seen_at)
        .where(article_titles.c.article_id == article_id)
        .order_by(article_titles.c.id)
    )
    return [TitleRevision(title=r.title, seen_at=r.seen_at) for r in rows]


def source_volume(
    conn: Connection, source_id: int, *, since: datetime, postgres: bool
) -> list[VolumePoint]:
    if postgres:
        day: Any = sa.func.to_char(sa.func.timezone("UTC", sort_time), "YYYY-MM-DD")
    else:
        # SQLite keeps UTC wall time as text: date() reads its first ten characters' worth.
        day = sa.func.date(sort_time)
    rows = conn.execute(
        sa.select(day.label("day"), sa.func.count().label("n"))
        .where(articles.c.source_id == source_id, sort_time >= since)
        .group_by(day)
        .order_by(day)
    )
    return [VolumePoint(day=date.fromisoformat(str(r.day)), articles=int(r.n)) for r in rows]


def activity(conn: Connection, *, since: datetime) -> Activity:
    def count(table: sa.Table, condition: Any) -> int:
        return int(
            conn.execute(sa.select(sa.func.count()).select_from(table).where(condition)).scalar()
            or 0
        )

    return Activity(
        since=since,
        articles_new=count(articles, articles.c.first_seen >= since),
        articles_extracted=count(articles, articles.c.extracted_at >= since),
        sources_polled=count(sources, sources.c.last_polled >= since),
        events=count(events, events.c.at >= since),
    )


def facets(conn: Connection, *, recent: int) -> Facets:
    newest = (
        sa.select(
            sa.func.coalesce(articles.c.language, sources.c.language).label("language"),
            articles.c.categories,
        )
        .join(sources, sources.c.id == articles.c.source_id)
        .order_by(sort_time.desc(), articles.c.id.desc())
        .limit(recent)
    )
    languages: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    for row in conn.execute(newest):
        if row.language:
            languages[str(row.language).lower().split("-")[0]] += 1
        for topic in row.categories or ():
            if isinstance(topic, str) and topic.strip():
                topics[topic.strip()] += 1
    country_rows = conn.execute(
        sa.select(sources.c.country, sa.func.count())
        .where(sources.c.country.is_not(None), sources.c.country != "")
        .group_by(sources.c.country)
    )
    countries = Counter({str(c).upper(): int(n) for c, n in country_rows})
    return Facets(
        languages=tuple(languages.most_common()),
        countries=tuple(countries.most_common()),
        topics=tuple(topics.most_common(50)),
    )

"""Queries behind the reader's pages and the JSON API (the read side of :class:`SqlStore`).

Each function takes an open connection and builds dialect-neutral SQL except where noted
(day bucketing). Copy groups (``primary_id``, from :mod:`newsdesk.store.copies`) are read
here for the reader: lists can fold a group into one row (:func:`article_select` with
``fold_copies``), :func:`copy_groups` names a group's members, :func:`copy_shares` counts
each source's uncredited copies.

Article order everywhere is newest first by :data:`sort_time` then id, the same expression
as the ``ix_articles_newest`` index, so keyset pages walk that index.

Pages read these on every request, so the web's reads select only the columns an
:class:`~newsdesk.model.Article` is made of (:data:`ARTICLE_COLUMNS`: not the copy
decision's attribution JSON, not the pipeline's bookkeeping), and the statements of the
common cases (the unfiltered list, titles, copy groups by id) are built once, with bound
parameters (:mod:`newsdesk.store.prebuilt` says why).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from newsdesk.dedup import AttributionHints
from newsdesk.errors import InvalidURL
from newsdesk.model import Article
from newsdesk.normalize import registered_domain
from newsdesk.search import SearchQuery, parse_query
from newsdesk.store.base import (
    Activity,
    ArticleCursor,
    ArticleQuery,
    CopyMember,
    CopyShare,
    Facets,
    TitleRevision,
    VolumePoint,
)
from newsdesk.store.rows import article_from_row, chunks
from newsdesk.store.schema import (
    UtcDateTime,
    article_revisions,
    article_titles,
    articles,
    events,
    sources,
)
from newsdesk.store.search import TextMatch

__all__ = [
    "ARTICLE_COLUMNS",
    "activity",
    "article_select",
    "article_statement",
    "articles_from_rows",
    "copy_groups",
    "copy_shares",
    "credits_a_source",
    "facets",
    "read_articles",
    "sort_time",
    "source_volume",
    "title_histories",
    "title_history",
]

sort_time = sa.func.coalesce(articles.c.published, articles.c.first_seen)
"""An article's place in time: when it says it was published, else when it was first seen."""

#: The columns :func:`newsdesk.store.rows.article_from_row` reads, in the table's order.
ARTICLE_COLUMNS: tuple[sa.Column[Any], ...] = tuple(
    articles.c[name]
    for name in (
        "id",
        "source_id",
        "guid",
        "url",
        "canonical_url",
        "title",
        "summary",
        "text",
        "published",
        "modified",
        "authors",
        "categories",
        "language",
        "site_name",
        "image",
        "description",
        "status",
        "error",
        "attempts",
        "first_seen",
        "updated_at",
        "copy_of",
        "primary_id",
        "copy_confidence",
        "copy_kind",
        "copy_reasons",
    )
)

# Built once (see the module docstring).
_IDS: sa.BindParameter[Any] = sa.bindparam("ids", expanding=True)
_TITLES = (
    sa.select(article_titles.c.article_id, article_titles.c.title, article_titles.c.seen_at)
    .where(article_titles.c.article_id.in_(_IDS))
    .order_by(article_titles.c.id)
)
_COPY_MEMBERS = (
    sa.select(
        articles.c.id,
        articles.c.source_id,
        articles.c.url,
        articles.c.canonical_url,
        articles.c.title,
        articles.c.published,
        articles.c.first_seen,
        articles.c.copy_of,
        articles.c.primary_id,
        articles.c.primary_source,
    )
    .where(articles.c.primary_id.in_(_IDS))
    .order_by(sort_time, articles.c.id)
)
_IN_CHUNK = 500


def read_articles(
    conn: Connection, stmt: sa.Select[Any], params: dict[str, Any] | None = None
) -> list[Article]:
    """The articles ``stmt`` selects (its columns include :data:`ARTICLE_COLUMNS`), in its
    order, each with its title history: two queries."""
    return articles_from_rows(conn, conn.execute(stmt, params or {}).all())


def articles_from_rows(conn: Connection, rows: Sequence[Row[Any]]) -> list[Article]:
    """Articles of ``rows`` (holding :data:`ARTICLE_COLUMNS`) with their title histories."""
    titles: dict[int, list[str]] = {r.id: [] for r in rows}
    for part in chunks(titles, _IN_CHUNK):
        for article_id, title, _ in conn.execute(_TITLES, {"ids": part}):
            titles[article_id].append(title)
    return [article_from_row(r, titles=titles[r.id]) for r in rows]


def _language_matches(column: Any, language: str) -> Any:
    lang = language.strip().lower()
    lowered = sa.func.lower(column)
    return sa.or_(lowered == lang, lowered.startswith(lang + "-", autoescape=True))


def _filtered(stmt: sa.Select[Any], table: Any, query: ArticleQuery) -> sa.Select[Any]:
    """``stmt`` restricted to the rows of ``table`` (``articles`` or an alias of it) that
    match ``query``'s filters (not its cursor, not its folding). ``q`` is a full-text
    search (:mod:`newsdesk.search`) over headline and text."""
    query, searched = _with_search_filters(query)
    time = sa.func.coalesce(table.c.published, table.c.first_seen)
    if query.source_ids:
        stmt = stmt.where(table.c.source_id.in_(query.source_ids))
    country = query.country.strip().upper() if query.country else None
    if query.language:
        outlet = sources.alias() if table is not articles else sources
        stmt = stmt.join(outlet, outlet.c.id == table.c.source_id)
        if country:
            stmt = stmt.where(sa.func.upper(outlet.c.country) == country)
        lang = sa.func.coalesce(table.c.language, outlet.c.language)
        stmt = stmt.where(_language_matches(lang, query.language))
    elif country:
        # the country's sources first (a few rows), so each article is tested by its
        # source_id alone, read off ix_articles_newest, without a join
        of_country = sa.select(sources.c.id).where(sa.func.upper(sources.c.country) == country)
        stmt = stmt.where(table.c.source_id.in_(of_country))
    if query.topic:
        # categories is a JSON list: look for the topic as a JSON string, serialised the way
        # the column serialises it (json.dumps, ASCII-escaped), so both backends agree.
        needle = json.dumps(query.topic)
        stmt = stmt.where(sa.cast(table.c.categories, sa.Text).contains(needle, autoescape=True))
    if query.since is not None:
        stmt = stmt.where(time >= query.since)
    if query.until is not None:
        stmt = stmt.where(time < query.until)
    if searched is not None and searched.clauses:
        stmt = stmt.where(TextMatch(searched, table))
    return stmt


def _with_search_filters(query: ArticleQuery) -> tuple[ArticleQuery, SearchQuery | None]:
    """``query`` with the filters typed into its ``q`` (``lang:ja`` ...) added where the
    explicit ones leave them open, and the parsed search."""
    if not query.q:
        return query, None
    parsed = parse_query(query.q)
    since = max((t for t in (query.since, parsed.since) if t is not None), default=None)
    until = min((t for t in (query.until, parsed.until) if t is not None), default=None)
    merged = replace(
        query,
        source_ids=query.source_ids or parsed.source_ids,
        language=query.language or parsed.language,
        country=query.country or parsed.country,
        topic=query.topic or parsed.topic,
        since=since,
        until=until,
    )
    return merged, parsed


def _group_head(query: ArticleQuery) -> Any:
    """True for the one row that stands for its copy group among the rows matching
    ``query``: the group's primary, else its earliest matching copy; and for every article
    without a decision. The choice depends on the filter result only, never on the page,
    so cursor pages stay stable (a new copy sorts after the row standing for its group)."""
    other = articles.alias("other")
    other_time = sa.func.coalesce(other.c.published, other.c.first_seen)
    outranks = sa.or_(
        other.c.id == articles.c.primary_id,
        other_time < sort_time,
        sa.and_(other_time == sort_time, other.c.id < articles.c.id),
    )
    better = _filtered(sa.select(sa.literal(1)).select_from(other), other, query).where(
        other.c.primary_id == articles.c.primary_id,
        other.c.id != articles.c.id,
        outranks,
    )
    return sa.or_(
        articles.c.primary_id.is_(None),
        articles.c.primary_id == articles.c.id,
        ~better.exists(),
    )


def _newest(fold: bool, after: bool) -> sa.Select[Any]:
    """The unfiltered list's statement: ``:limit`` rows, after ``(:after_time, :after_id)``
    when ``after``."""
    stmt = sa.select(*ARTICLE_COLUMNS)
    if fold:
        stmt = stmt.where(_group_head(ArticleQuery()))
    return newest_first_page(stmt, after=after)


def newest_first_page(stmt: sa.Select[Any], *, after: bool) -> sa.Select[Any]:
    """``stmt`` newest first, ``:limit`` rows, after ``(:after_time, :after_id)`` when
    ``after`` (a keyset page: stable while new articles arrive)."""
    if after:
        at = sa.bindparam("after_time", type_=UtcDateTime())
        stmt = stmt.where(
            sa.or_(
                sort_time < at,
                sa.and_(sort_time == at, articles.c.id < sa.bindparam("after_id")),
            )
        )
    return stmt.order_by(sort_time.desc(), articles.c.id.desc()).limit(sa.bindparam("limit"))


_NO_FILTER = ArticleQuery()
_NEWEST = {(fold, after): _newest(fold, after) for fold in (False, True) for after in (False, True)}


def article_statement(
    query: ArticleQuery, *, limit: int, after: ArticleCursor | None
) -> tuple[sa.Select[Any], dict[str, Any]]:
    """:func:`article_select` with its parameters; a statement built once when ``query``
    has no filter (the front page's and the API's newest articles, and their later pages)."""
    if replace(query, fold_copies=False) != _NO_FILTER:
        return article_select(query, limit=limit, after=after), {}
    params: dict[str, Any] = {"limit": limit}
    if after is not None:
        params.update(after_time=after.time, after_id=after.id)
    return _NEWEST[query.fold_copies, after is not None], params


def article_select(
    query: ArticleQuery, *, limit: int, after: ArticleCursor | None
) -> sa.Select[Any]:
    """The SELECT of one page of articles (``limit`` rows) matching ``query``."""
    stmt = _filtered(sa.select(*ARTICLE_COLUMNS), articles, query)
    if query.fold_copies:
        stmt = stmt.where(_group_head(query))
    if after is not None:
        stmt = stmt.where(
            sa.or_(
                sort_time < after.time,
                sa.and_(sort_time == after.time, articles.c.id < after.id),
            )
        )
    return stmt.order_by(sort_time.desc(), articles.c.id.desc()).limit(limit)


def copy_groups(conn: Connection, primary_ids: Sequence[int]) -> dict[int, tuple[CopyMember, ...]]:
    """The members of the copy groups of ``primary_ids`` (read through ``ix_articles_primary_id``),
    oldest first."""
    found: dict[int, list[CopyMember]] = {}
    wanted = sorted({int(i) for i in primary_ids})
    for part in chunks(wanted, _IN_CHUNK):
        for r in conn.execute(_COPY_MEMBERS, {"ids": part}):
            found.setdefault(r.primary_id, []).append(
                CopyMember(
                    id=r.id,
                    source_id=r.source_id,
                    url=r.url,
                    canonical_url=r.canonical_url,
                    title=r.title,
                    published=r.published,
                    first_seen=r.first_seen,
                    copy_of=r.copy_of,
                    primary_id=r.primary_id,
                    primary_source=r.primary_source,
                )
            )
    return {group: tuple(members) for group, members in found.items()}


def _other_site(url: str | None, own: str | None) -> bool:
    if not url or not own:
        return False
    try:
        return registered_domain(url) != registered_domain(own)
    except InvalidURL:
        return False


# How a copy's stored reasons say that it credited its primary (see newsdesk.dedup.decide:
# match() and _credit()): a credited copy relation, a wire byline, a pointer, a name.
_CREDIT_WORDS = (
    "credited by",
    "byline credit",
    "original-source",
    "syndication-source",
    "isBasedOn",
    "credit link",
)


def credits_a_source(url: str | None, attribution: Any, reasons: Any) -> bool:
    """Whether a copy names where it came from: a credit among its attribution hints (wire
    byline, original-source / syndication-source meta, JSON-LD isBasedOn, a credit link or
    name, rel=canonical to another site) or in its stored decision's reasons."""
    if isinstance(attribution, dict):
        hints = AttributionHints.from_dict(attribution)
        if (
            hints.wire_credit
            or hints.original_source_url
            or hints.syndication_source_url
            or hints.jsonld_is_based_on
            or hints.credited_urls
            or hints.credited_names
            or _other_site(hints.canonical_url, url)
        ):
            return True
    if isinstance(reasons, list):
        text = " ".join(str(r) for r in reasons)
        return any(word in text for word in _CREDIT_WORDS)
    return False


def copy_shares(conn: Connection, source_id: int | None = None) -> dict[int, CopyShare]:
    """Extracted articles, copies and uncredited copies per source. Counting is done by the
    database; only the copies' attribution (JSON, judged in Python) is read row by row."""
    extracted = sa.select(articles.c.source_id, sa.func.count().label("n")).where(
        articles.c.status == "ok"
    )
    copied = sa.select(
        articles.c.source_id, articles.c.url, articles.c.attribution, articles.c.copy_reasons
    ).where(articles.c.status == "ok", articles.c.copy_of.is_not(None))
    if source_id is not None:
        extracted = extracted.where(articles.c.source_id == source_id)
        copied = copied.where(articles.c.source_id == source_id)
    totals = {
        int(r.source_id): int(r.n) for r in conn.execute(extracted.group_by(articles.c.source_id))
    }
    copies: Counter[int] = Counter()
    uncredited: Counter[int] = Counter()
    for row in conn.execute(copied):
        copies[row.source_id] += 1
        if not credits_a_source(row.url, row.attribution, row.copy_reasons):
            uncredited[row.source_id] += 1
    return {
        sid: CopyShare(source_id=sid, extracted=n, copies=copies[sid], uncredited=uncredited[sid])
        for sid, n in totals.items()
    }


def title_history(conn: Connection, article_id: int) -> list[TitleRevision]:
    return title_histories(conn, [article_id])[article_id]


def title_histories(conn: Connection, article_ids: Sequence[int]) -> dict[int, list[TitleRevision]]:
    found: dict[int, list[TitleRevision]] = {i: [] for i in article_ids}
    for part in chunks(sorted(found), _IN_CHUNK):
        for article_id, title, seen_at in conn.execute(_TITLES, {"ids": part}):
            found[article_id].append(TitleRevision(title=title, seen_at=seen_at))
    return found


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
        # A first extraction sets checked_at and extracted_at together; a re-check's fetch
        # moves checked_at alone (ix_articles_checked_at bounds the count to the window).
        articles_rechecked=count(
            articles,
            sa.and_(
                articles.c.checked_at >= since,
                articles.c.extracted_at.is_not(None),
                articles.c.checked_at > articles.c.extracted_at,
            ),
        ),
        articles_revised=count(article_revisions, article_revisions.c.seen_at >= since),
    )


def facets(conn: Connection, *, recent: int) -> Facets:
    newest = (
        sa.select(
            sa.func.coalesce(articles.c.language, sources.c.language).label("language"),
            articles.c.categories,
            sa.func.coalesce(articles.c.primary_id, articles.c.id).label("group_id"),
        )
        .join(sources, sources.c.id == articles.c.source_id)
        .order_by(sort_time.desc(), articles.c.id.desc())
        .limit(recent)
    )
    languages: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    groups: set[int] = set()
    for row in conn.execute(newest):
        if row.group_id in groups:  # a copy group counts once, like a folded list shows it
            continue
        groups.add(row.group_id)
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

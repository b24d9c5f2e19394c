"""Full-text search on the store: a parsed :class:`~newsdesk.search.SearchQuery` as a
SQL condition on ``articles``.

Headline and text are indexed (migration 0005): on SQLite by the FTS5 table
``articles_fts`` (external content, kept in step by triggers; tokenizer ``unicode61``), on
PostgreSQL by a GIN index on :data:`PG_DOCUMENT` under the ``simple`` configuration. Both
behave alike for every language: words split on Unicode word boundaries, case ignored, no
stemming, diacritics kept (``simple`` cannot fold them, so SQLite does not either: the same
query finds the same articles on both). Scripts without spaces between words (Chinese,
Japanese) match whole runs of characters only — a known limit, said in the README.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from newsdesk.search import Clause, SearchQuery, fts5_match, websearch_text
from newsdesk.store.schema import articles

__all__ = ["PG_DOCUMENT", "TextMatch", "text_condition"]

#: The expression the PostgreSQL GIN index is built on; queries must use it verbatim.
PG_DOCUMENT = "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(text, ''))"


def _fts5_ids(expr: str) -> sa.Select[tuple[int]]:
    return (
        sa.select(sa.literal_column("rowid"))
        .select_from(sa.table("articles_fts"))
        .where(sa.literal_column("articles_fts").op("MATCH")(expr))
    )


def _pg_matches(text: str, table: sa.Table) -> ColumnElement[bool]:
    # The document is written out as the index expression (no bound parameters), so the
    # planner sees the very expression the GIN index is built on.
    name = table.name
    document: ColumnElement[Any] = sa.literal_column(
        f"to_tsvector('simple'::regconfig, coalesce({name}.title, '') || ' ' || "
        f"coalesce({name}.text, ''))"
    )
    return document.op("@@")(
        sa.func.websearch_to_tsquery(sa.literal_column("'simple'::regconfig"), text)
    )


def text_condition(
    query: SearchQuery, *, postgres: bool, table: sa.Table = articles
) -> ColumnElement[bool] | None:
    """The condition that ``table``'s articles match ``query``'s text clauses; None when it
    has none. A query of exclusions alone keeps what matches none of them."""
    if not query.clauses:
        return None
    if not query.has_text:
        excluded = Clause(tuple(words for c in query.clauses for words in c.alternatives))
        matches = text_condition(SearchQuery(clauses=(excluded,)), postgres=postgres, table=table)
        assert matches is not None
        return sa.not_(matches)
    if postgres:
        text = websearch_text(query)
        assert text is not None
        return _pg_matches(text, table)
    expr = fts5_match(query)
    assert expr is not None
    return table.c.id.in_(_fts5_ids(expr))


class TextMatch(ColumnElement[bool]):
    """``table``'s rows matching ``query``'s text clauses, as a condition that compiles
    for whichever backend runs it (query code need not know the dialect). Only made for a
    query with clauses."""

    # Cacheable: the parsed query (a frozen, hashable value) is part of the cache key, so a
    # statement holding it is compiled once per distinct search, not on every request.
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy reads this class attribute)
        ("query", InternalTraversal.dp_plain_obj),
        ("table", InternalTraversal.dp_clauseelement),
    ]
    type = sa.Boolean()

    def __init__(self, query: SearchQuery, table: sa.Table | Any = articles) -> None:
        if not query.clauses:
            raise ValueError("a text match needs at least one clause")
        self.query = query
        self.table = table


@compiles(TextMatch)
def _compile(element: TextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    postgres = compiler.dialect.name == "postgresql"
    condition = text_condition(element.query, postgres=postgres, table=element.table)
    assert condition is not None
    return str(compiler.process(condition, **kw))

"""Search: the query language of the search box and the API's ``q`` (pure).

:func:`parse_query` turns what a reader typed into a :class:`SearchQuery`; the store
renders its clauses for its backend (FTS5 on SQLite, ``tsvector`` on PostgreSQL).
"""

from newsdesk.search.query import Clause, SearchQuery, fts5_match, parse_query, websearch_text

__all__ = ["Clause", "SearchQuery", "fts5_match", "parse_query", "websearch_text"]

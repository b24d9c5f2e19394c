"""The search box's language, table-style."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from newsdesk.search import Clause, fts5_match, parse_query, websearch_text


@pytest.mark.parametrize(
    ("typed", "clauses"),
    [
        ("chip export", [Clause((("chip",),)), Clause((("export",),))]),
        ('"export controls"', [Clause((("export", "controls"),))]),
        ("-tiktok", [Clause((("tiktok",),), negated=True)]),
        ('-"press release"', [Clause((("press", "release"),), negated=True)]),
        ("nvidia OR amd", [Clause((("nvidia",), ("amd",)))]),
        ("Nvidia OR AMD OR intel", [Clause((("nvidia",), ("amd",), ("intel",)))]),
        ("or", [Clause((("or",),))]),  # lower-case "or" is a word
        ("OR chips", [Clause((("chips",),))]),  # dangling operator ignored
        ("chips OR", [Clause((("chips",),))]),
        ("- chips", [Clause((("chips",),))]),
        ('"unclosed phrase', [Clause((("unclosed", "phrase"),))]),
        ("U.S.-China", [Clause((("u", "s", "china"),))]),
        ("半導体 輸出規制", [Clause((("半導体",),)), Clause((("輸出規制",),))]),
        ("Müller", [Clause((("müller",),))]),
        ("", []),
        ('"" ---', []),
    ],
)
def test_clauses(typed: str, clauses: list[Clause]) -> None:
    assert list(parse_query(typed).clauses) == clauses


def test_filters_are_taken_out_of_the_text() -> None:
    query = parse_query("chips lang:JA country:JP topic:AI source:12 since:2026-11-01")
    assert query.clauses == (Clause((("chips",),)),)
    assert (query.language, query.country, query.topic, query.source_ids) == (
        "ja",
        "jp",
        "AI",
        (12,),
    )
    assert query.since == datetime(2026, 11, 1, tzinfo=UTC)
    assert query.problems == ()


def test_bad_filter_values_are_reported_not_fatal() -> None:
    query = parse_query("chips since:yesterday source:reuters")
    assert query.since is None and query.source_ids == ()
    assert len(query.problems) == 2 and "YYYY-MM-DD" in query.problems[0]


def test_unknown_names_are_words() -> None:
    assert parse_query("http://example.com").clauses[0].alternatives == (
        ("http", "example", "com"),
    )


def test_exclusions_alone_have_no_text() -> None:
    query = parse_query("-tiktok")
    assert not query.has_text
    assert fts5_match(query) is None and websearch_text(query) is None


def test_websearch_text() -> None:
    query = parse_query('"export controls" nvidia OR amd -tiktok or')
    assert websearch_text(query) == '"export controls" nvidia or amd -tiktok "or"'


DOCS = [
    "Japan tightens export controls on chip equipment",
    "Nvidia and AMD shares fall after new export rules",
    "TikTok ban debated; export controls mentioned in a press release",
    "半導体 輸出規制",
]


@pytest.mark.parametrize(
    ("typed", "hits"),
    [
        ("export", [0, 1, 2]),
        ('"export controls"', [0, 2]),
        ('"export controls" -tiktok', [0]),
        ('"export controls" -"press release"', [0]),
        ("nvidia OR japan", [0, 1]),
        ('"; DROP TABLE docs; --', []),
        ('chip"s OR "x', []),
        ("半導体", [3]),
        ("EXPORT", [0, 1, 2]),
    ],
)
def test_fts5_expression_runs_on_real_fts5(typed: str, hits: list[int]) -> None:
    """The expression is valid FTS5 whatever was typed, and means what the reader meant."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61')")
    db.executemany("INSERT INTO docs(rowid, body) VALUES (?, ?)", enumerate(DOCS))
    expr = fts5_match(parse_query(typed))
    assert expr is not None
    found = [row[0] for row in db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (expr,))]
    assert sorted(found) == hits

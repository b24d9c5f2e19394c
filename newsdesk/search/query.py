"""The search box's language -> a backend-neutral :class:`SearchQuery` (pure).

What a reader may type (the syntax of most web search boxes)::

    chip export controls          every word (AND)
    "export controls"             a phrase
    -tiktok   -"press release"    leave out a word or a phrase
    nvidia OR amd                 either side (binds tighter than AND)
    lang:ja  country:jp  topic:AI  source:12  since:2026-11-01  until:2026-12-01
                                  filters, the same as the API's query parameters

Anything else is taken literally: punctuation inside words is kept for the backend's
tokenizer to split, an unbalanced quote runs to the end of the text, a dangling ``OR`` or
``-`` is ignored. Parsing never fails; an unknown ``name:value`` is an ordinary word, and
a bad filter value (``since:yesterday``) is reported in :attr:`SearchQuery.problems` so
the page can say why it was ignored.

Each backend renders the clauses itself (:func:`fts5_match` here for SQLite's FTS5;
PostgreSQL's ``websearch_to_tsquery`` reads :func:`websearch_text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

__all__ = ["Clause", "SearchQuery", "fts5_match", "parse_query", "websearch_text"]

_TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|(\S+)')
_FILTER = re.compile(r"^(lang|language|country|topic|source|since|until):(.+)$", re.IGNORECASE)
# What FTS5's unicode61 tokenizer and PostgreSQL's 'simple' parser split words on.
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_CLAUSES = 32


@dataclass(frozen=True, slots=True)
class Clause:
    """One condition: any of ``alternatives`` matches (each a word or a phrase, given as
    its words); ``negated`` clauses must not match."""

    alternatives: tuple[tuple[str, ...], ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed search: text ``clauses`` (all must hold) and the filters found in it."""

    clauses: tuple[Clause, ...] = ()
    language: str | None = None
    country: str | None = None
    topic: str | None = None
    source_ids: tuple[int, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def has_text(self) -> bool:
        """True when some clause must match (a query of exclusions alone has none)."""
        return any(not clause.negated for clause in self.clauses)


def _words(text: str) -> tuple[str, ...]:
    # lower(), not casefold(): the backends' tokenizers lower-case, and casefold's
    # "ß" -> "ss" would miss a word they stored as "ß"
    return tuple(word.lower() for word in _WORD.findall(text))


def _day(value: str) -> datetime:
    day = date.fromisoformat(value)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def parse_query(text: str) -> SearchQuery:
    """Parse what was typed in the search box; see the module docstring."""
    clauses: list[Clause] = []
    filters: dict[str, object] = {}
    sources: list[int] = []
    problems: list[str] = []
    pending_or = False
    for match in _TOKEN.finditer(text or ""):
        minus, phrase, bare = match.groups()
        if bare is not None:
            if bare == "OR":
                pending_or = bool(clauses) and not clauses[-1].negated
                continue
            found = _FILTER.match(bare)
            if found:
                name, value = found.group(1).lower(), found.group(2)
                problem = _apply_filter(name, value, filters, sources)
                if problem:
                    problems.append(problem)
                pending_or = False
                continue
            negated = bare.startswith("-") and len(bare) > 1
            words = _words(bare[1:] if negated else bare)
        else:
            negated = bool(minus)
            words = _words(phrase)
        if not words:
            continue
        if pending_or and not negated:
            last = clauses[-1]
            clauses[-1] = Clause((*last.alternatives, words))
        else:
            clauses.append(Clause((words,), negated))
        pending_or = False
    if len(clauses) > MAX_CLAUSES:
        problems.append(f"only the first {MAX_CLAUSES} terms are searched")
        clauses = clauses[:MAX_CLAUSES]
    return SearchQuery(
        clauses=tuple(clauses),
        source_ids=tuple(sources),
        problems=tuple(problems),
        **filters,  # type: ignore[arg-type]
    )


def _apply_filter(name: str, value: str, filters: dict[str, object], sources: list[int]) -> str:
    """Record one ``name:value`` filter; returns a problem description, or ''."""
    if name in ("lang", "language"):
        filters["language"] = value.lower()
    elif name in ("country", "topic"):
        filters[name] = value.lower() if name == "country" else value
    elif name == "source":
        if not value.isdigit():
            return f"source:{value} ignored: a source is given by its number"
        sources.append(int(value))
    else:  # since / until
        try:
            filters[name] = _day(value)
        except ValueError:
            return f"{name}:{value} ignored: give a date as YYYY-MM-DD"
    return ""


def _fts5_string(words: tuple[str, ...]) -> str:
    # A double-quoted FTS5 string is taken literally (a quote inside is doubled); several
    # words inside one string form a phrase.
    return '"' + " ".join(words).replace('"', '""') + '"'


def fts5_match(query: SearchQuery) -> str | None:
    """The FTS5 ``MATCH`` expression of ``query``'s clauses; None when no clause must
    match (FTS5 cannot express "everything except")."""
    if not query.has_text:
        return None
    positive: list[str] = []
    negative: list[str] = []
    for clause in query.clauses:
        parts = [_fts5_string(words) for words in clause.alternatives]
        expr = parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
        (negative if clause.negated else positive).append(expr)
    expr = " AND ".join(positive)
    for item in negative:
        expr = f"({expr}) NOT {item}"
    return expr


def websearch_text(query: SearchQuery) -> str | None:
    """``query``'s clauses in the syntax of PostgreSQL's ``websearch_to_tsquery``; None
    when no clause must match."""
    if not query.has_text:
        return None
    out: list[str] = []
    for clause in query.clauses:
        # quoted unless a lone ordinary word: "or" alone would read as the operator
        parts = [
            words[0] if len(words) == 1 and words[0] != "or" else '"' + " ".join(words) + '"'
            for words in clause.alternatives
        ]
        text = " or ".join(parts)
        out.append(f"-{text}" if clause.negated else text)
    return " ".join(out)

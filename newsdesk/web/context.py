"""What every page, API and feed route shares: the store, the templates, small caches.

Routes are built by functions taking a :class:`WebContext`, so nothing lives at module level
and two apps (two tests) never share state.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from newsdesk.model import Article, Source
from newsdesk.store.base import ArticleQuery, CopyShare, Facets, Store, StoryRecord
from newsdesk.web.coverage import StoryCard, StoryCoverage, followed, story_card, story_coverage
from newsdesk.web.present import ArticleView, article_excerpt, article_view
from newsdesk.web.provenance import COPIES_SHOWN, provenance

__all__ = [
    "STORY_ITEMS",
    "Filters",
    "WebContext",
    "etag_response",
    "format_when",
    "get_filters",
    "parse_time",
]

TEMPLATES = Path(__file__).parent / "templates"
STORY_ITEMS = 300  # articles of one story read for its page, its API answer and its feed
T = TypeVar("T")


class _Excerpts:
    """Excerpts already made, by (article id, updated_at): making one runs a few regular
    expressions over the opening paragraphs, and a page shows dozens of articles that
    rarely change. Least recently used entries go first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple[int, datetime | None], str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, article: Article, words: int) -> str:
        key = (article.id, article.updated_at)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        made = article_excerpt(article, words=words)
        with self._lock:
            self._items[key] = made
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return made


class _Cached(Generic[T]):
    """A value recomputed at most every ``ttl`` seconds (thread-safe: routes run in a pool)."""

    def __init__(self, load: Callable[[], T], ttl: float) -> None:
        self._load, self._ttl = load, ttl
        self._value: T | None = None
        self._at = -1e18
        self._lock = threading.Lock()

    def get(self) -> T:
        with self._lock:
            now = time.monotonic()
            if self._value is None or now - self._at > self._ttl:
                self._value = self._load()
                self._at = now
            return self._value


def format_when(value: datetime | None) -> str:
    """``2026-03-01 12:00 UTC``, or "" for None."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


@dataclass(frozen=True, slots=True)
class Filters:
    """The front page's and the API's article filters, as given in the query string."""

    source: int | None = None
    language: str | None = None
    country: str | None = None
    topic: str | None = None
    q: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def query(self, *, fold_copies: bool = True) -> ArticleQuery:
        """The store query; ``fold_copies`` shows each copy group once (lists do)."""
        return ArticleQuery(
            fold_copies=fold_copies,
            source_ids=(self.source,) if self.source is not None else (),
            language=self.language or None,
            country=self.country or None,
            topic=self.topic or None,
            q=self.q or None,
            since=self.since,
            until=self.until,
        )

    def params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name in ("source", "language", "country", "topic", "q", "since", "until"):
            value = getattr(self, name)
            if value is None or value == "":
                continue
            out[name] = value.isoformat() if isinstance(value, datetime) else str(value)
        return out

    def encode(self, **extra: str) -> str:
        return urlencode({**self.params(), **extra})

    @property
    def active(self) -> bool:
        return bool(self.params())


@dataclass(slots=True)
class WebContext:
    store: Store
    excerpt_words: int
    templates: Jinja2Templates = field(
        default_factory=lambda: Jinja2Templates(directory=str(TEMPLATES))
    )
    source_ttl: float = 5.0
    excerpt_cache: int = 20_000
    _sources: _Cached[dict[int, Source]] | None = None
    _facets: _Cached[Facets] | None = None
    _copy_shares: _Cached[dict[int, CopyShare]] | None = None
    _excerpts: _Excerpts | None = None

    def __post_init__(self) -> None:
        # autoescape is on for .html templates: titles and excerpts are strangers' text.
        self.templates.env.filters["when"] = format_when
        self.templates.env.filters["iso"] = lambda v: v.astimezone(UTC).isoformat() if v else ""
        self._sources = _Cached(lambda: {s.id: s for s in self.store.list_sources()}, 5.0)
        self._facets = _Cached(lambda: self.store.facets(), 30.0)
        # Every source's copy share reads every copy (about 0.6 s at 100k articles, a
        # quarter of them copies); a share moves slowly, so the lists show one a minute old.
        self._copy_shares = _Cached(lambda: self.store.copy_shares(), 60.0)
        self._excerpts = _Excerpts(self.excerpt_cache)

    def sources(self) -> dict[int, Source]:
        """Every source by id, at most a few seconds old (pages show names, not counts)."""
        assert self._sources is not None
        return self._sources.get()

    def facets(self) -> Facets:
        assert self._facets is not None
        return self._facets.get()

    def copy_shares(self) -> dict[int, CopyShare]:
        """Every source's :class:`CopyShare`, at most a minute old (one source's page reads
        its own afresh: that goes through the source's index)."""
        assert self._copy_shares is not None
        return self._copy_shares.get()

    def source(self, source_id: int) -> Source | None:
        found = self.sources().get(source_id)
        return found if found is not None else self.store.get_source(source_id)

    def view(self, article: Article, *, copies_shown: int = COPIES_SHOWN) -> ArticleView:
        """What pages, feeds and the API show of ``article``, its primary source included."""
        return self.views([article], copies_shown=copies_shown)[0]

    def views(
        self,
        articles: Sequence[Article],
        *,
        copies_shown: int = COPIES_SHOWN,
        with_provenance: bool = True,
        with_edits: bool = True,
    ) -> list[ArticleView]:
        """:meth:`view` of each article, reading all their copy groups in one query
        (none with ``with_provenance=False``: the views then carry no provenance) and which
        of them have text revisions (not with ``with_edits=False``: ``edited`` is then
        False throughout, for lists that do not show it)."""
        assert self._excerpts is not None
        edited = self.store.text_revised([a.id for a in articles]) if with_edits else set()
        if not with_provenance:
            return [
                article_view(
                    article,
                    self.source(article.source_id),
                    words=self.excerpt_words,
                    excerpt_text=self._excerpts.get(article, self.excerpt_words),
                    edited=article.id in edited,
                )
                for article in articles
            ]
        groups = self.store.copy_groups(
            [a.primary_id for a in articles if a.primary_id is not None]
        )
        return [
            article_view(
                article,
                self.source(article.source_id),
                words=self.excerpt_words,
                excerpt_text=self._excerpts.get(article, self.excerpt_words),
                provenance=provenance(
                    article,
                    groups.get(article.primary_id, ()) if article.primary_id is not None else (),
                    self.source,
                    copies_shown=copies_shown,
                ),
                edited=article.id in edited,
            )
            for article in articles
        ]

    def cards(self, records: Sequence[StoryRecord], *, others: int) -> list[StoryCard]:
        """Front-page rows for ``records``: their leading articles in one query, without
        provenance (a card links the primary's original; the story page tells the rest)
        and without edit marks (a card shows none)."""
        leads = self.store.story_leads([r.id for r in records], per_story=others + 1)
        found = [a for r in records for a in leads.get(r.id, ())]
        views = {v.id: v for v in self.views(found, with_provenance=False, with_edits=False)}
        return [
            story_card(r, [views[a.id] for a in leads.get(r.id, ())], others=others)
            for r in records
        ]

    def coverage(self, record: StoryRecord, *, limit: int = STORY_ITEMS) -> StoryCoverage:
        """The coverage of a (not merged) story from its newest ``limit`` articles, its
        primary source always among them; ``record.size`` tells how many there are."""
        page = self.store.story_articles(record.id, limit=limit)
        found = list(page.articles)
        if page.next is not None:  # a large story: its first report is past the newest
            held = {a.id for a in found}
            leads = self.store.story_leads([record.id], per_story=1).get(record.id, ())
            found += [a for a in leads if a.id not in held]
        views = self.views(found)
        revised = [v.id for v in views if v.revised]
        edited = [v.id for v in views if v.edited]
        countries, languages = followed(self.sources().values())
        return story_coverage(
            record,
            list(zip(found, views, strict=True)),
            histories=self.store.title_histories(revised) if revised else {},
            text_histories=self.store.text_histories(edited) if edited else {},
            followed_countries=countries,
            followed_languages=languages,
            passage_words=self.excerpt_words,
        )

    def render(
        self, request: Request, name: str, values: Mapping[str, Any], *, status: int = 200
    ) -> HTMLResponse:
        return self.templates.TemplateResponse(request, name, dict(values), status_code=status)


def etag_response(request: Request, body: bytes, media_type: str) -> Response:
    """``body`` with a strong ETag, or an empty 304 when the client already holds it."""
    tag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    headers = {"ETag": tag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    held = request.headers.get("if-none-match", "")
    if tag in {t.strip().removeprefix("W/") for t in held.split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def parse_time(name: str, text: str | None) -> datetime | None:
    """An ISO 8601 date or datetime from the query string (naive means UTC).

    Raises HTTPException 400 naming the parameter when it is not one."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise HTTPException(400, f"{name}: not an ISO 8601 date or datetime: {text!r}") from exc
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _text(value: str | None, limit: int = 200) -> str | None:
    value = (value or "").strip()
    return value[:limit] or None


async def get_filters(
    source: Annotated[str | None, Query(description="Source id.", examples=["3"])] = None,
    language: Annotated[
        str | None, Query(description="Language (prefix match: en matches en-GB).")
    ] = None,
    country: Annotated[str | None, Query(description="The source's ISO 3166 country.")] = None,
    topic: Annotated[str | None, Query(description="A category the feed gave.")] = None,
    q: Annotated[
        str | None,
        Query(
            description="Full-text search of headline and text: words (all must occur), "
            '"a phrase", -excluded, a OR b, and filters such as lang:ja, country:jp, '
            "topic:AI, source:12, since:2026-11-01, until:2026-12-01.",
            max_length=500,
        ),
    ] = None,
    since: Annotated[str | None, Query(description="ISO 8601; published at or after.")] = None,
    until: Annotated[str | None, Query(description="ISO 8601; published before.")] = None,
) -> Filters:
    """The filters of a request. Empty values (a form's "any") mean no filter.

    ``async`` though it awaits nothing: FastAPI runs a plain function dependency in its
    thread pool, a hand-off per request for a few string checks."""
    source_id: int | None = None
    if source and source.strip():
        if not source.strip().isdigit() or len(source.strip()) > 18:
            raise HTTPException(400, f"source: not a source id: {source!r}")
        source_id = int(source.strip())
    return Filters(
        source=source_id,
        language=_text(language, 35),
        country=_text(country, 8),
        topic=_text(topic),
        q=_text(q),
        since=parse_time("since", since),
        until=parse_time("until", until),
    )

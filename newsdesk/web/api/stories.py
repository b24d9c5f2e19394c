"""/api/v1/stories: the top stories (the front page's ranking) and one story with every
outlet's coverage, the primary source first, copies folded under what they copy, the
breakdown by country and language, the coverage gaps and the cross-lingual links.

A merged story answers 308 with the story it was merged into.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

import pydantic_core
from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from newsdesk.store.base import StoryCursor, StoryRecord
from newsdesk.web.api.routes import JSON, _errors, _ok
from newsdesk.web.api.schemas import (
    ARTICLE_EXAMPLE,
    ArticleOut,
    ArticleRefOut,
    ChangeOut,
    CopiesOut,
    CopyDecisionOut,
    PrimarySourceOut,
    Revision,
    TextRevisionOut,
    article_out,
    change_out,
    text_revision_out,
)
from newsdesk.web.context import WebContext, etag_response, parse_time
from newsdesk.web.coverage import CoverageItem, StoryCard, StoryCoverage
from newsdesk.web.pages.stories import find_story
from newsdesk.web.present import (
    ArticleView,
    BadCursor,
    decode_story_cursor,
    encode_story_cursor,
)

__all__ = ["STORY_DETAIL_EXAMPLE", "STORY_EXAMPLE", "story_api_router", "story_data", "story_out"]

OTHERS = 3  # other outlets' articles in a list item

_REF = {
    "article_id": 1838,
    "source_id": 7,
    "outlet": "Reuters",
    "title": "EU and Japan agree to work together on chips and AI",
    "url": "https://www.reuters.com/technology/eu-japan-chips-2026-03-01/",
    "page": "/articles/1838",
    "published": "2026-03-01T07:30:00Z",
    "country": "GB",
    "language": "en",
}
STORY_EXAMPLE: dict[str, Any] = {
    "id": 1838,
    "headline": "EU and Japan agree to work together on chips and AI",
    "language": "en",
    "page": "/stories/1838",
    "api": "/api/v1/stories/1838",
    "status": "active",
    "first_seen": "2026-03-01T07:30:00Z",
    "last_update": "2026-03-01T11:05:00Z",
    "outlets": 6,
    "countries": ["DE", "FR", "GB", "JP", "US"],
    "languages": ["de", "en", "ja"],
    "articles": 9,
    "copies": 3,
    "score": 9.62,
    "primary_source": _REF,
    "coverage": [
        {
            **_REF,
            "article_id": 1842,
            "source_id": 3,
            "outlet": "The Register",
            "title": "EU and Japan to cooperate on AI and chips",
            "url": "https://www.theregister.com/2026/03/01/eu_japan_chips/",
            "page": "/articles/1842",
            "published": "2026-03-01T09:30:00Z",
        }
    ],
    "links": [{"story_id": 1851, "language": "ja", "confidence": 0.81, "page": "/stories/1851"}],
}
_ITEM = {
    **ARTICLE_EXAMPLE,
    "id": 1838,
    "source_id": 7,
    "outlet": "Reuters",
    "title": "EU and Japan agree to work together on chips and AI",
    "url": "https://www.reuters.com/technology/eu-japan-chips-2026-03-01/",
    "published": "2026-03-01T07:30:00Z",
    "page": "/articles/1838",
    "primary_source": {
        "article_id": 1838,
        "source_id": 7,
        "outlet": "Reuters",
        "url": "https://www.reuters.com/technology/eu-japan-chips-2026-03-01/",
        "page": "/articles/1838",
        "published": "2026-03-01T07:30:00Z",
        "this_article": True,
        "why": "",
        "summary": "",
    },
    "copied_from": None,
    "copy_decision": {"kind": "original", "confidence": 0.97, "reasons": ["original of 1840"]},
    "story_primary": True,
    "is_copy": False,
    "copies": {
        "count": 1,
        "items": [
            {
                "article_id": 1840,
                "source_id": 12,
                "outlet": "Japan Today",
                "url": "https://japantoday.com/category/tech/eu-japan-chips",
                "page": "/articles/1840",
                "published": "2026-03-01T08:05:00Z",
            }
        ],
    },
    "revisions": [],
    "text_revisions": [],
    "changes": [],
}
STORY_DETAIL_EXAMPLE: dict[str, Any] = {
    **{k: v for k, v in STORY_EXAMPLE.items() if k != "coverage"},
    "links": [
        {
            "story_id": 1851,
            "language": "ja",
            "confidence": 0.81,
            "page": "/stories/1851",
            "headline": "日EU、半導体とAIで協力へ",
        }
    ],
    "items": [_ITEM],
    "more": 0,
    "breakdown": {"countries": {"GB": 2, "JP": 2, "US": 1, "DE": 1}, "languages": {"en": 4}},
    "gaps": {
        "countries": ["CN", "KR", "TW"],
        "languages": ["ko", "zh"],
        "countries_copies_only": ["KR"],
        "languages_copies_only": [],
    },
}


class CoverageRefOut(BaseModel):
    article_id: int
    source_id: int
    outlet: str
    title: str
    url: str | None = Field(description="The article on its outlet's own site.")
    page: str = Field(description="Its page on this server.")
    published: datetime | None = Field(description="Published, else first seen.")
    country: str | None
    language: str | None


class StoryLinkOut(BaseModel):
    story_id: int
    language: str | None
    confidence: float = Field(description="0-1: how sure the cross-lingual link is.")
    page: str


class StoryOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [STORY_EXAMPLE]})
    id: int = Field(description="The story's id (the id of its first article).")
    headline: str
    language: str | None
    page: str = Field(description="The story's page on this server.")
    api: str = Field(description="The story with all its coverage: /api/v1/stories/{id}.")
    status: str = Field(description="active, or dormant (past its window; can be revived).")
    first_seen: datetime | None = Field(description="Its first original article's time.")
    last_update: datetime | None = Field(description="Its latest original article's time.")
    outlets: int = Field(
        description="Distinct outlets with an article of their own (copies left out)."
    )
    countries: list[str] = Field(description="Their countries (copies left out).")
    languages: list[str] = Field(description="Its articles' languages, and linked stories'.")
    articles: int = Field(description="Every article of the story, copies included.")
    copies: int = Field(description="Copies among them.")
    score: float = Field(description="Rank: (outlets + countries), halved every 12 hours.")
    primary_source: CoverageRefOut | None = Field(
        description="The story's first original article: the outlet that reported it first."
    )
    coverage: list[CoverageRefOut] = Field(
        description=f"The first other outlets' articles (at most {OTHERS})."
    )
    links: list[StoryLinkOut] = Field(description="Stories in other languages, most sure first.")


class StoryList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"items": [STORY_EXAMPLE], "next_cursor": None, "next": None}]
        }
    )
    items: list[StoryOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page.")
    next: str | None = Field(description="The next page's path with the same filters.")


class CoverageItemOut(ArticleOut):
    story_primary: bool = Field(description="The story's primary source (listed first).")
    is_copy: bool = Field(
        description="A copy whose original is not in this story (not counted as coverage)."
    )
    revisions: list[Revision] = Field(
        description="Its headlines with times when it changed after first seen, else empty."
    )
    text_revisions: list[TextRevisionOut] = Field(
        description="Changes of its text found by fetching its page again, oldest first "
        "(a few sentences added and removed, cut short), else empty."
    )
    changes: list[ChangeOut] = Field(
        description="Headline and text revisions as one timeline, oldest first."
    )


# ArticleOut's fields name these by forward reference: resolve them here, where they are.
CoverageItemOut.model_rebuild(
    _types_namespace={"PrimarySourceOut": PrimarySourceOut, "CopyDecisionOut": CopyDecisionOut}
)


class LinkedStoryOut(StoryLinkOut):
    headline: str


class BreakdownOut(BaseModel):
    countries: dict[str, int] = Field(description="Coverage articles by country, most first.")
    languages: dict[str, int] = Field(description="Coverage articles by language.")


class GapsOut(BaseModel):
    countries: list[str] = Field(description="Followed countries without a report yet.")
    languages: list[str] = Field(description="Followed languages without a report yet.")
    countries_copies_only: list[str] = Field(description="Of those, reached by a copy only.")
    languages_copies_only: list[str]


class StoryDetail(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [STORY_DETAIL_EXAMPLE]})
    id: int
    headline: str
    language: str | None
    page: str
    api: str
    status: str
    first_seen: datetime | None
    last_update: datetime | None
    outlets: int
    countries: list[str]
    languages: list[str]
    articles: int
    copies: int
    score: float
    primary_source: CoverageRefOut | None
    links: list[LinkedStoryOut]
    items: list[CoverageItemOut] = Field(
        description="Coverage: the primary source first, then by time; each item's "
        "`copies` are the story's articles copying it (folded, not coverage)."
    )
    more: int = Field(description="Articles of a very large story not listed here.")
    breakdown: BreakdownOut
    gaps: GapsOut


def _ref(view: ArticleView) -> CoverageRefOut:
    return CoverageRefOut(
        article_id=view.id,
        source_id=view.source_id,
        outlet=view.outlet,
        title=view.title,
        url=view.link,
        page=f"/articles/{view.id}",
        published=view.time,
        country=view.country,
        language=view.language,
    )


def _base(record: StoryRecord, headline: str) -> dict[str, Any]:
    return {
        "id": record.id,
        "headline": headline,
        "language": record.language,
        "page": f"/stories/{record.id}",
        "api": f"/api/v1/stories/{record.id}",
        "status": record.status,
        "first_seen": record.first_seen,
        "last_update": record.last_update,
        "outlets": len(record.outlets),
        "countries": list(record.countries),
        "languages": list(record.languages),
        "articles": record.size,
        "copies": record.copies,
        "score": round(record.score, 4),
    }


def _ref_data(view: ArticleView) -> dict[str, Any]:
    return {
        "article_id": view.id,
        "source_id": view.source_id,
        "outlet": view.outlet,
        "title": view.title,
        "url": view.link,
        "page": f"/articles/{view.id}",
        "published": view.time,
        "country": view.country,
        "language": view.language,
    }


def story_data(card: StoryCard) -> dict[str, Any]:
    """:class:`StoryOut` of ``card`` as plain data, in its field order (the lists are
    written by :func:`pydantic_core.to_json`, as the article lists are)."""
    base = _base(card.record, card.headline)
    base["score"] = float(base["score"])
    return {
        **base,
        "primary_source": _ref_data(card.primary) if card.primary else None,
        "coverage": [_ref_data(v) for v in card.others],
        "links": [
            {
                "story_id": link.story_id,
                "language": link.language,
                "confidence": float(link.confidence),
                "page": f"/stories/{link.story_id}",
            }
            for link in card.record.links
        ],
    }


def story_out(card: StoryCard) -> StoryOut:
    return StoryOut.model_validate(story_data(card))


def _item(item: CoverageItem) -> CoverageItemOut:
    base = article_out(item.view).model_dump()
    base["copies"] = CopiesOut(
        count=len(item.copies),
        items=[
            ArticleRefOut(
                article_id=c.id,
                source_id=c.source_id,
                outlet=c.outlet,
                url=c.link,
                page=f"/articles/{c.id}",
                published=c.published,
            )
            for c in item.copies
        ],
    )
    return CoverageItemOut(
        **base,
        story_primary=item.is_primary,
        is_copy=item.is_copy,
        revisions=[Revision(title=r.title, seen_at=r.seen_at) for r in item.revisions],
        text_revisions=[text_revision_out(r) for r in item.text_revisions],
        changes=[change_out(c) for c in item.changes],
    )


def story_detail(
    coverage: StoryCoverage, linked: dict[int, StoryRecord], *, shown: int
) -> StoryDetail:
    record = coverage.record
    return StoryDetail(
        **_base(record, coverage.headline),
        primary_source=_ref(coverage.primary.view) if coverage.primary else None,
        links=[
            LinkedStoryOut(
                story_id=link.story_id,
                language=link.language,
                confidence=link.confidence,
                page=f"/stories/{link.story_id}",
                headline=linked[link.story_id].headline,
            )
            for link in record.links
            if link.story_id in linked and linked[link.story_id].merged_into is None
        ],
        items=[_item(i) for i in coverage.items],
        more=max(0, record.size - shown),
        breakdown=BreakdownOut(
            countries=dict(coverage.countries), languages=dict(coverage.languages)
        ),
        gaps=GapsOut(
            countries=list(coverage.gaps.countries),
            languages=list(coverage.gaps.languages),
            countries_copies_only=list(coverage.gaps.countries_copies_only),
            languages_copies_only=list(coverage.gaps.languages_copies_only),
        ),
    )


def story_api_router(ctx: WebContext, clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["api"])

    @router.get(
        "/stories",
        response_model=StoryList,
        responses={
            **_ok({"items": [STORY_EXAMPLE], "next_cursor": None, "next": None}),
            **_errors(400, 422),
        },
        summary="Top stories, ranked by outlets and countries and how recent they are",
    )
    def list_stories(
        request: Request,
        language: Annotated[
            str | None, Query(description="The story's language (en matches en-GB).")
        ] = None,
        country: Annotated[
            str | None, Query(description="Stories with an original from this country.")
        ] = None,
        since: Annotated[
            str | None,
            Query(description="ISO 8601; last updated at or after (default: 48 hours ago)."),
        ] = None,
        limit: Annotated[int, Query(ge=1, le=100, description="Stories per page.")] = 20,
        cursor: Annotated[
            str | None, Query(description="next_cursor of the previous page.")
        ] = None,
    ) -> Response:
        """The front page's stories: breadth (distinct outlets plus distinct countries,
        copies counted once) halved every 12 hours since the last update.

        `curl 'http://127.0.0.1:8000/api/v1/stories?language=en&limit=10'`; follow `next`.
        Pages are ranked at the first page's time and never shift; a story updated while
        you walk comes back on a new first page."""
        try:
            after = decode_story_cursor(cursor) if cursor else None
        except BadCursor as exc:
            raise HTTPException(400, str(exc)) from exc
        language = (language or "").strip()[:35] or None
        country = (country or "").strip()[:8] or None
        now = clock()
        records = ctx.store.top_stories(
            now=now,
            limit=limit + 1,
            since=parse_time("since", since),
            language=language,
            country=country,
            after=after,
        )
        page = records[:limit]
        next_cursor = None
        last = page[-1] if len(records) > limit else None
        if last is not None and last.last_update is not None:
            next_cursor = encode_story_cursor(
                StoryCursor(
                    at=after.at if after is not None else now,
                    score=last.score,
                    last_update=last.last_update,
                    id=last.id,
                )
            )
        params = {
            k: v for k, v in (("language", language), ("country", country), ("since", since)) if v
        }
        body = pydantic_core.to_json(
            {
                "items": [story_data(c) for c in ctx.cards(page, others=OTHERS)],
                "next_cursor": next_cursor,
                "next": (
                    "/api/v1/stories?"
                    + urlencode({**params, "limit": str(limit), "cursor": next_cursor})
                    if next_cursor
                    else None
                ),
            }
        )
        return etag_response(request, body, JSON)

    @router.get(
        "/stories/{story_id}",
        response_model=StoryDetail,
        responses={
            **_ok(STORY_DETAIL_EXAMPLE),
            **_errors(404),
            308: {"description": "A merged story: Location is the story it was merged into."},
        },
        summary="One story with every outlet's coverage, its gaps and links",
    )
    def get_story(
        request: Request,
        story_id: Annotated[int, Path(ge=1, le=2**62, examples=[1838])],
    ) -> Response:
        """`curl http://127.0.0.1:8000/api/v1/stories/1838`"""
        found = find_story(ctx, story_id, "/api/v1/stories/")
        if isinstance(found, RedirectResponse):
            return found
        coverage = ctx.coverage(found)
        linked = ctx.store.stories([link.story_id for link in found.links]) if found.links else {}
        shown = len(coverage.items) + sum(len(i.copies) for i in coverage.items)
        body = story_detail(coverage, linked, shown=shown)
        return etag_response(request, body.model_dump_json().encode(), JSON)

    return router

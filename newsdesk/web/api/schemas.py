"""The JSON shapes of /api/v1, with the examples shown in the OpenAPI docs and docs/api.md.

Every article carries its copy group (issue 3's rule: "every item carries its primary
source and, where known, the outlet it was copied from"): ``primary_source``,
``copied_from``, ``copy_decision`` and ``copies``; every source its ``copies`` share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

import pydantic_core
from pydantic import BaseModel, ConfigDict, Field

from newsdesk.model import Source
from newsdesk.store.base import TitleRevision
from newsdesk.web.present import ArticleView, ChangeView, TextRevisionView, source_home
from newsdesk.web.provenance import (
    UNCREDITED_MIN_EXTRACTED,
    UNCREDITED_SHARE,
    ArticleRef,
    CopyFlag,
)

__all__ = [
    "ARTICLE_DETAIL_EXAMPLE",
    "ARTICLE_EXAMPLE",
    "ERROR_EXAMPLE",
    "SOURCE_EXAMPLE",
    "STATUS_EXAMPLE",
    "ArticleDetail",
    "ArticleList",
    "ArticleOut",
    "ArticleRefOut",
    "ChangeOut",
    "CopiesOut",
    "CopyDecisionOut",
    "CopyShareOut",
    "ErrorBody",
    "ErrorOut",
    "PrimarySourceOut",
    "Revision",
    "SourceHealth",
    "SourceList",
    "SourceOut",
    "StatusOut",
    "TextRevisionOut",
    "article_data",
    "article_detail",
    "article_list_json",
    "article_out",
    "change_out",
    "source_out",
    "text_revision_out",
]

ARTICLE_EXAMPLE: dict[str, Any] = {
    "id": 1842,
    "source_id": 3,
    "outlet": "The Register",
    "title": "EU and Japan to cooperate on AI and chips",
    "excerpt": "The European Union is seeking closer collaboration with Japan on crucial "
    "technologies like artificial intelligence, according to the EU's industry chief.",
    "url": "https://www.theregister.com/2026/03/01/eu_japan_chips/",
    "published": "2026-03-01T09:30:00Z",
    "first_seen": "2026-03-01T09:41:12Z",
    "language": "en",
    "country": "GB",
    "authors": ["Jane Doe"],
    "topics": ["Policy"],
    "revised": False,
    "edited": False,
    "page": "/articles/1842",
    "primary_source": {
        "article_id": 1838,
        "source_id": 7,
        "outlet": "Reuters",
        "url": "https://www.reuters.com/technology/eu-japan-chips-2026-03-01/",
        "page": "/articles/1838",
        "published": "2026-03-01T07:30:00Z",
        "this_article": False,
        "why": "byline credit; published 2 h earlier",
        "summary": "Primary source: Reuters — byline credit; published 2 h earlier",
    },
    "copied_from": {
        "article_id": 1840,
        "source_id": 12,
        "outlet": "Japan Today",
        "url": "https://japantoday.com/category/tech/eu-japan-chips",
        "page": "/articles/1840",
        "published": "2026-03-01T08:05:00Z",
    },
    "copy_decision": {
        "kind": "wire",
        "confidence": 0.97,
        "reasons": [
            "copy of 1840: 88% of the shorter text's 5-word shingles shared",
            "primary source: Reuters — Reuters byline credit; published 2 h earlier",
        ],
    },
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
}
SOURCE_EXAMPLE: dict[str, Any] = {
    "id": 3,
    "title": "The Register",
    "feed_url": "https://www.theregister.com/headlines.atom",
    "site_url": "https://www.theregister.com/",
    "country": "GB",
    "language": "en",
    "articles": 1240,
    "enabled": True,
    "copies": {
        "extracted": 1236,
        "copies": 310,
        "uncredited": 2,
        "uncredited_share": 0.002,
        "uncredited_republisher": False,
    },
    "health": {
        "ok": True,
        "last_success": "2026-03-01T09:40:00Z",
        "last_polled": "2026-03-01T09:40:00Z",
        "last_error": None,
        "last_error_kind": None,
        "last_error_at": None,
        "failures": 0,
        "interval_seconds": 900,
        "next_poll": "2026-03-01T09:55:00Z",
        "disabled_reason": None,
    },
}
STATUS_EXAMPLE: dict[str, Any] = {
    "sources": 64,
    "sources_failing": 3,
    "articles": 1840,
    "articles_pending": 12,
    "articles_failed": 7,
    "errors_by_kind": {"http_404": 5, "timeout": 2},
    "last_hour": {
        "since": "2026-03-01T08:41:00Z",
        "articles_new": 40,
        "articles_extracted": 38,
        "sources_polled": 21,
        "events": 2,
    },
}
TEXT_REVISION_EXAMPLE: dict[str, Any] = {
    "seen_at": "2026-03-01T11:41:20Z",
    "words_before": 412,
    "words_after": 431,
    "words_added": 23,
    "words_removed": 4,
    "summary": "+23 / \u22124 words",
    "added": [
        "The agreement also covers joint research on chip design, a spokesperson said on Sunday.",
        "Correction: an earlier version of this article misstated the EU official's title.",
    ],
    "removed": ["The EU's trade chief said on Sunday that talks would begin in April."],
    "more_added": 0,
    "more_removed": 0,
}
ARTICLE_DETAIL_EXAMPLE: dict[str, Any] = {
    **ARTICLE_EXAMPLE,
    "revised": True,
    "edited": True,
    "revisions": [
        {"title": "EU, Japan to cooperate on AI", "seen_at": "2026-03-01T09:41:12Z"},
        {"title": "EU and Japan to cooperate on AI and chips", "seen_at": "2026-03-01T11:02:40Z"},
    ],
    "text_revisions": [TEXT_REVISION_EXAMPLE],
    "changes": [
        {
            "seen_at": "2026-03-01T09:41:12Z",
            "kind": "headline",
            "title": "EU, Japan to cooperate on AI",
            "summary": "headline: EU, Japan to cooperate on AI",
        },
        {
            "seen_at": "2026-03-01T11:02:40Z",
            "kind": "headline",
            "title": "EU and Japan to cooperate on AI and chips",
            "summary": "headline: EU and Japan to cooperate on AI and chips",
        },
        {
            "seen_at": "2026-03-01T11:41:20Z",
            "kind": "text",
            "title": None,
            "summary": "text: +23 / \u22124 words",
        },
    ],
}
ERROR_EXAMPLE: dict[str, Any] = {
    "error": {"status": 404, "code": "not_found", "message": "no article 99999"}
}


class ErrorBody(BaseModel):
    status: int
    code: str = Field(description="Stable machine-readable name, e.g. not_found.")
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorOut(BaseModel):
    """Every 4xx and 5xx answer of the API has this shape."""

    model_config = ConfigDict(json_schema_extra={"examples": [ERROR_EXAMPLE]})
    error: ErrorBody


class ArticleOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ARTICLE_EXAMPLE]})
    id: int
    source_id: int
    outlet: str
    title: str
    excerpt: str = Field(description="The opening words only, never the full text.")
    url: str | None = Field(description="The original article on the outlet's own site.")
    published: datetime | None
    first_seen: datetime | None
    language: str | None
    country: str | None
    authors: list[str]
    topics: list[str]
    revised: bool = Field(description="The headline changed after it was first seen.")
    edited: bool = Field(
        description="The text changed after it was first extracted (its page, fetched "
        "again, says something else): it has text revisions."
    )
    page: str = Field(description="This article's page on this server.")
    primary_source: PrimarySourceOut | None = Field(
        description="The primary source of the article's copy group (itself for an "
        "original); null while copy detection has not decided the article."
    )
    copied_from: ArticleRefOut | None = Field(
        description="The article it copies, when that is not the primary source."
    )
    copy_decision: CopyDecisionOut | None = Field(description="Null while undecided.")
    copies: CopiesOut = Field(description="The group's other copies (folded in lists).")


class ArticleRefOut(BaseModel):
    article_id: int | None = Field(
        description="The article on this server; null for a credited wire not stored here."
    )
    source_id: int | None
    outlet: str
    url: str | None = Field(description="That article on its outlet's own site.")
    page: str | None = Field(description="Its page on this server.")
    published: datetime | None


class PrimarySourceOut(ArticleRefOut):
    this_article: bool = Field(description="This article is the primary source of its group.")
    why: str = Field(description="Why it is the primary source, in words; may be empty.")
    summary: str = Field(
        description="The line pages print, e.g. 'Primary source: Reuters — byline credit; "
        "published 2 h earlier'; empty when this article is the primary."
    )


class CopyDecisionOut(BaseModel):
    kind: str | None = Field(description="original, verbatim, templated, truncated, wire or spun.")
    confidence: float | None = Field(description="0-1; how sure the copy relation is.")
    reasons: list[str] = Field(description="The decision as recorded, in words.")


class CopiesOut(BaseModel):
    count: int = Field(description="Other copies of the group (not this, not the primary).")
    items: list[ArticleRefOut] = Field(description="Oldest first; at most 5 in lists.")


class Revision(BaseModel):
    title: str
    seen_at: datetime


class TextRevisionOut(BaseModel):
    """A change of the article's text, found when its page was fetched again."""

    model_config = ConfigDict(json_schema_extra={"examples": [TEXT_REVISION_EXAMPLE]})
    seen_at: datetime = Field(description="When newsdesk saw the new text.")
    words_before: int
    words_after: int
    words_added: int
    words_removed: int
    summary: str = Field(description="'+23 / \u22124 words': words added and removed.")
    added: list[str] = Field(
        description="Up to 3 sentences added, each cut to a few words (never the full text)."
    )
    removed: list[str] = Field(description="Up to 3 sentences removed, cut likewise.")
    more_added: int = Field(description="Sentences added that are not listed.")
    more_removed: int = Field(description="Sentences removed that are not listed.")


class ChangeOut(BaseModel):
    """One entry of the timeline of what changed and when."""

    seen_at: datetime
    kind: Literal["headline", "text"]
    title: str | None = Field(
        description="The headline from then on (kind headline; the first is what it "
        "changed from); null for a text revision."
    )
    summary: str = Field(description="The change in one line.")


class ArticleDetail(ArticleOut):
    model_config = ConfigDict(json_schema_extra={"examples": [ARTICLE_DETAIL_EXAMPLE]})
    revisions: list[Revision] = Field(description="Every headline, oldest first, with times.")
    text_revisions: list[TextRevisionOut] = Field(
        description="Every change of the text after it was first extracted, oldest first."
    )
    changes: list[ChangeOut] = Field(
        description="What changed and when: the headlines (when the headline changed) and "
        "the text revisions as one timeline, oldest first; empty when nothing changed."
    )


class ArticleList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [ARTICLE_EXAMPLE],
                    "next_cursor": "MjAyNi0wMy0wMVQwOTozMDowMCswMDowMHwxODQx",
                    "next": "/api/v1/articles?language=en&limit=50"
                    "&cursor=MjAyNi0wMy0wMVQwOTozMDowMCswMDowMHwxODQx",
                }
            ]
        }
    )
    items: list[ArticleOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page.")
    next: str | None = Field(description="The next page's path with the same filters.")


class SourceHealth(BaseModel):
    ok: bool
    last_success: datetime | None
    last_polled: datetime | None
    last_error: str | None
    last_error_kind: str | None
    last_error_at: datetime | None
    failures: int = Field(description="Failed polls in a row.")
    interval_seconds: int
    next_poll: datetime | None
    disabled_reason: str | None


class CopyShareOut(BaseModel):
    extracted: int = Field(description="Articles whose page was fetched and extracted.")
    copies: int = Field(description="Of those, copies of another stored article.")
    uncredited: int = Field(description="Copies that credit no source at all.")
    uncredited_share: float = Field(description="uncredited / extracted.")
    uncredited_republisher: bool = Field(
        description=f"uncredited_share >= {UNCREDITED_SHARE} of at least "
        f"{UNCREDITED_MIN_EXTRACTED} extracted articles: it re-publishes others' articles "
        "without credit."
    )


class SourceOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [SOURCE_EXAMPLE]})
    id: int
    title: str
    feed_url: str
    site_url: str | None
    country: str | None
    language: str | None
    articles: int
    enabled: bool
    copies: CopyShareOut
    health: SourceHealth


class SourceList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [SOURCE_EXAMPLE]}]})
    items: list[SourceOut]


class Activity(BaseModel):
    since: datetime
    articles_new: int
    articles_extracted: int
    sources_polled: int
    events: int


class StatusOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [STATUS_EXAMPLE]})
    sources: int
    sources_failing: int
    articles: int
    articles_pending: int = Field(description="Queue depth: pages not fetched yet.")
    articles_failed: int
    errors_by_kind: dict[str, int] = Field(description="Events of the last 24 hours by kind.")
    last_hour: Activity


# Lists serialise fifty articles per answer. Their values come from our own views, already
# of the declared types, so lists are built as plain data in the models' field order and
# written by pydantic's own serialiser (:func:`pydantic_core.to_json`): the JSON is the
# models' JSON, without constructing and validating some 250 models per answer.
def _ref_data(ref: ArticleRef) -> dict[str, Any]:
    return {
        "article_id": ref.id,
        "source_id": ref.source_id,
        "outlet": ref.outlet,
        "url": ref.link,
        "page": f"/articles/{ref.id}" if ref.id is not None else None,
        "published": ref.published,
    }


def article_data(view: ArticleView) -> dict[str, Any]:
    """:class:`ArticleOut` of ``view`` as plain data (for :func:`pydantic_core.to_json`)."""
    prov = view.provenance
    primary = None
    if prov is not None and prov.primary is not None:
        primary = {
            **_ref_data(prov.primary),
            "this_article": prov.is_primary,
            "why": prov.why,
            "summary": prov.line,
        }
    return {
        "id": view.id,
        "source_id": view.source_id,
        "outlet": view.outlet,
        "title": view.title,
        "excerpt": view.excerpt,
        "url": view.link,
        "published": view.published,
        "first_seen": view.first_seen,
        "language": view.language,
        "country": view.country,
        "authors": list(view.authors),
        "topics": list(view.topics),
        "revised": view.revised,
        "edited": view.edited,
        "page": f"/articles/{view.id}",
        "primary_source": primary,
        "copied_from": _ref_data(prov.copied_from) if prov and prov.copied_from else None,
        "copy_decision": (
            {
                "kind": prov.kind,
                "confidence": None if prov.confidence is None else float(prov.confidence),
                "reasons": list(prov.reasons),
            }
            if prov
            else None
        ),
        "copies": {
            "count": prov.copies_total if prov else 0,
            "items": [_ref_data(c) for c in prov.copies] if prov else [],
        },
    }


def article_out(view: ArticleView) -> ArticleOut:
    return ArticleOut.model_validate(article_data(view))


def article_list_json(
    views: Sequence[ArticleView], *, next_cursor: str | None, next_url: str | None
) -> bytes:
    """The JSON of an :class:`ArticleList`."""
    return pydantic_core.to_json(
        {
            "items": [article_data(v) for v in views],
            "next_cursor": next_cursor,
            "next": next_url,
        }
    )


def text_revision_out(rev: TextRevisionView) -> TextRevisionOut:
    return TextRevisionOut(
        seen_at=rev.seen_at,
        words_before=rev.words_before,
        words_after=rev.words_after,
        words_added=rev.words_added,
        words_removed=rev.words_removed,
        summary=rev.summary,
        added=list(rev.added),
        removed=list(rev.removed),
        more_added=rev.more_added,
        more_removed=rev.more_removed,
    )


def change_out(change: ChangeView) -> ChangeOut:
    if change.headline is not None:
        title = change.headline.title
        return ChangeOut(
            seen_at=change.seen_at, kind="headline", title=title, summary=f"headline: {title}"
        )
    assert change.text is not None
    return ChangeOut(
        seen_at=change.seen_at, kind="text", title=None, summary=f"text: {change.text.summary}"
    )


def article_detail(
    view: ArticleView,
    history: list[TitleRevision],
    edits: list[TextRevisionView],
    changes: list[ChangeView],
) -> ArticleDetail:
    return ArticleDetail(
        **article_out(view).model_dump(),
        revisions=[Revision(title=r.title, seen_at=r.seen_at) for r in history],
        text_revisions=[text_revision_out(r) for r in edits],
        changes=[change_out(c) for c in changes],
    )


def source_out(source: Source, flag: CopyFlag) -> SourceOut:
    return SourceOut(
        id=source.id,
        title=source.title,
        feed_url=source.url,
        site_url=source_home(source),
        country=source.country,
        language=source.language,
        articles=source.articles,
        enabled=source.enabled,
        copies=CopyShareOut(
            extracted=flag.extracted,
            copies=flag.copies,
            uncredited=flag.uncredited,
            uncredited_share=flag.share,
            uncredited_republisher=flag.flagged,
        ),
        health=SourceHealth(
            ok=source.enabled and source.failures == 0,
            last_success=source.last_success,
            last_polled=source.last_polled,
            last_error=source.last_error,
            last_error_kind=source.last_error_kind,
            last_error_at=source.last_error_at,
            failures=source.failures,
            interval_seconds=source.interval_seconds,
            next_poll=source.next_poll,
            disabled_reason=source.disabled_reason,
        ),
    )

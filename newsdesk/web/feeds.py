"""Outgoing feeds: Atom and RSS 2.0 through feedgen, JSON Feed 1.1 through a small builder.

Pure: a :class:`FeedSpec` and article views in, bytes out. Every entry carries the
headline, the capped excerpt (never the full text), the link to the outlet's own page and
its date; its id is this server's page of the article, so it stays put when an outlet
moves a URL. Strangers' text (headlines, outlet names, topics, authors) goes through
:func:`newsdesk.web.excerpt.plain_text` (nh3, every tag stripped) since many feed readers
render an RSS title as HTML; characters XML cannot carry are dropped as well.

Every entry carries its primary source (issue 3's rule): a copy's summary ends with the
line pages print ("Primary source: Reuters — byline credit; ..."), and JSON Feed items
have a ``_newsdesk`` extension with the primary source and the article it was copied from.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator

from newsdesk.web.excerpt import plain_text
from newsdesk.web.present import ArticleView

__all__ = ["FORMATS", "FeedSpec", "build_feed"]

FORMATS = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """A feed's own description. URLs are absolute: ``page_url`` is the HTML page the feed
    mirrors, ``self_url`` the feed itself, ``base_url`` this server's root (ending in /)."""

    title: str
    page_url: str
    self_url: str
    base_url: str
    description: str = "Latest articles gathered by newsdesk"
    updated: datetime | None = None


@functools.lru_cache(maxsize=16384)
def _clean(text: str) -> str:
    # pure, and the same headlines, outlets and excerpts go into every request's feed
    return _NOT_XML.sub("", plain_text(text)).replace("\n", " ")


def _summary(view: ArticleView) -> str:
    line = view.provenance.line if view.provenance else ""
    return " ".join(p for p in (view.excerpt, f"({line})" if line else "") if p)


def _extension(view: ArticleView) -> dict[str, Any] | None:
    prov = view.provenance
    if prov is None or prov.primary is None:
        return None
    out: dict[str, Any] = {
        "primary_source": {
            "outlet": _clean(prov.primary.outlet),
            "url": prov.primary.link,
            "this_article": prov.is_primary,
        }
    }
    if prov.copied_from is not None:
        out["copied_from"] = {
            "outlet": _clean(prov.copied_from.outlet),
            "url": prov.copied_from.link,
        }
    if prov.copies_total:
        out["copies"] = prov.copies_total
    return out


def _entry_id(spec: FeedSpec, view: ArticleView) -> str:
    return f"{spec.base_url}articles/{view.id}"


def _updated(spec: FeedSpec, views: list[ArticleView]) -> datetime:
    times = [v.time for v in views if v.time is not None]
    return spec.updated or max(times, default=datetime(1970, 1, 1, tzinfo=UTC))


def _feedgen(spec: FeedSpec, views: list[ArticleView]) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(spec.self_url)
    fg.title(_clean(spec.title) or "newsdesk")
    fg.subtitle(_clean(spec.description))
    fg.link(href=spec.page_url, rel="alternate")
    fg.link(href=spec.self_url, rel="self")
    fg.generator("newsdesk")
    fg.updated(_updated(spec, views))
    for view in views:
        entry = fg.add_entry(order="append")
        entry.id(_entry_id(spec, view))
        entry.title(_clean(view.title))
        entry.link(href=view.link or _entry_id(spec, view), rel="alternate")
        when = view.time or _updated(spec, views)
        entry.published(when)
        entry.updated(when)
        entry.guid(_entry_id(spec, view), permalink=False)
        summary = _summary(view)
        if summary:
            entry.summary(_clean(summary))  # also the RSS description
        for author in view.authors:
            if _clean(author).strip():
                entry.author(name=_clean(author))
        for topic in view.topics:
            entry.category(term=_clean(topic))
    return fg


def _json_feed(spec: FeedSpec, views: list[ArticleView]) -> bytes:
    items: list[dict[str, Any]] = []
    for view in views:
        item: dict[str, Any] = {
            "id": _entry_id(spec, view),
            "url": view.link or _entry_id(spec, view),
            "title": _clean(view.title),
            "content_text": _clean(_summary(view)),
            "summary": _clean(_summary(view)),
        }
        extension = _extension(view)
        if extension:
            item["_newsdesk"] = extension
        if view.link:
            item["external_url"] = view.link
        if view.time:
            item["date_published"] = view.time.astimezone(UTC).isoformat()
        if view.authors:
            item["authors"] = [{"name": _clean(a)} for a in view.authors]
        if view.language:
            item["language"] = view.language
        if view.topics:
            item["tags"] = [_clean(t) for t in view.topics]
        items.append(item)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _clean(spec.title) or "newsdesk",
        "home_page_url": spec.page_url,
        "feed_url": spec.self_url,
        "description": _clean(spec.description),
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def build_feed(kind: str, spec: FeedSpec, views: list[ArticleView]) -> bytes:
    """The feed document: ``kind`` is ``atom``, ``rss`` or ``json``; raises KeyError else."""
    if kind not in FORMATS:
        raise KeyError(kind)
    if kind == "json":
        return _json_feed(spec, views)
    fg = _feedgen(spec, views)
    out: bytes = fg.atom_str(pretty=True) if kind == "atom" else fg.rss_str(pretty=True)
    return out

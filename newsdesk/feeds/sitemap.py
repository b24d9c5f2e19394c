"""Google News sitemaps (``<urlset>`` with ``news:news``) and plain sitemaps, read with lxml."""

from __future__ import annotations

from typing import Any

from newsdesk.feeds.text import absolute_url, plain_text, to_utc
from newsdesk.model import FeedItem

__all__ = ["sitemap_items"]

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element: Any, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name:
            text = "".join(child.itertext()).strip()
            return text or None
    return None


def _child(element: Any, name: str) -> Any | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def sitemap_items(root: Any, *, url: str) -> tuple[tuple[FeedItem, ...], bool]:
    """Items of a ``<urlset>`` root element and whether it was a *news* sitemap.

    ``<loc>`` becomes url and guid; ``news:title``, ``news:publication_date`` and
    ``news:language`` fill title, published and language; ``<lastmod>`` gives updated
    (and published when the news block has none); ``image:loc`` gives the image.
    """
    items: list[FeedItem] = []
    is_news = False
    for entry in root:
        if _local(entry.tag) != "url":
            continue
        loc = absolute_url(_child_text(entry, "loc"), url)
        if loc is None:
            continue
        lastmod = to_utc(_child_text(entry, "lastmod"))
        news = _child(entry, "news")
        title = ""
        published = None
        language = None
        categories: tuple[str, ...] = ()
        if news is not None:
            is_news = True
            title = plain_text(_child_text(news, "title"))
            published = to_utc(_child_text(news, "publication_date"))
            publication = _child(news, "publication")
            if publication is not None:
                language = _child_text(publication, "language")
            keywords = _child_text(news, "keywords") or ""
            categories = tuple(k.strip() for k in keywords.split(",") if k.strip())
        image_block = _child(entry, "image")
        image = (
            absolute_url(_child_text(image_block, "loc"), url) if image_block is not None else None
        )
        items.append(
            FeedItem(
                guid=loc,
                url=loc,
                title=title,
                published=published or lastmod,
                updated=lastmod,
                categories=categories,
                image=image,
                language=language,
            )
        )
    return tuple(items), is_news

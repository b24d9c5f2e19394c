"""The story page (``/stories/{id}``): every outlet's coverage of one story, the primary
source first, copies folded under what they copy, a timeline, the breakdown by country and
language, the coverage gaps and the linked stories in other languages; and the story's
feeds (``/stories/{id}/feed.{atom,rss,json}``).

A merged story answers 308 with the story it was merged into (its articles are there now).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from newsdesk.store.base import StoryRecord
from newsdesk.web.charts import coverage_timeline_svg
from newsdesk.web.context import WebContext, etag_response
from newsdesk.web.coverage import StoryCoverage, story_headline
from newsdesk.web.feeds import FORMATS, FeedSpec, build_feed
from newsdesk.web.pages.reader import feed_links

__all__ = ["find_story", "story_router", "timeline"]

FEED_SIZE = 50

StoryId = Annotated[int, Path(ge=1, le=2**62, description="The story's id.", examples=[1838])]


def find_story(ctx: WebContext, story_id: int, base: str) -> StoryRecord | RedirectResponse:
    """The story, or a 308 to ``base`` + the id of the story it was merged into; 404 when
    there is no such story."""
    record = ctx.store.story(story_id)
    if record is None:
        raise HTTPException(404, f"no story {story_id}")
    if record.merged_into is not None:
        return RedirectResponse(f"{base}{record.merged_into}", status_code=308)
    return record


def timeline(coverage: StoryCoverage) -> Markup:
    """The coverage timeline as SVG markup (only numbers and dates reach it)."""
    own = [i.view.time for i in coverage.items if not i.is_copy and i.view.time]
    copies = [c.time for i in coverage.items for c in i.copies if c.time]
    copies += [i.view.time for i in coverage.items if i.is_copy and i.view.time]
    return Markup(coverage_timeline_svg(own, copies))


def story_router(ctx: WebContext) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/stories/{story_id}", response_model=None)
    def story_page(request: Request, story_id: StoryId) -> Response:
        found = find_story(ctx, story_id, "/stories/")
        if isinstance(found, RedirectResponse):
            return found
        coverage = ctx.coverage(found)
        linked = ctx.store.stories([link.story_id for link in found.links]) if found.links else {}
        return ctx.render(
            request,
            "story.html",
            {
                "title": coverage.headline,
                "c": coverage,
                "shown": len(coverage.items) + sum(len(i.copies) for i in coverage.items),
                "chart": timeline(coverage),
                "links": [
                    (link, linked[link.story_id])
                    for link in found.links
                    if link.story_id in linked and linked[link.story_id].merged_into is None
                ],
                "feeds": feed_links(
                    f"/stories/{found.id}/feed", f"Story: {story_headline(found)[:80]}"
                ),
            },
        )

    @router.get("/stories/{story_id}/feed.{fmt}", response_model=None)
    def story_feed(request: Request, story_id: StoryId, fmt: str) -> Response:
        if fmt not in FORMATS:
            raise HTTPException(404, f"no feed format {fmt!r}: use atom, rss or json")
        found = find_story(ctx, story_id, "/stories/")
        if isinstance(found, RedirectResponse):
            found.headers["location"] += f"/feed.{fmt}"
            return found
        coverage = ctx.coverage(found)
        items = sorted(
            (i.view for i in coverage.items),
            key=lambda v: (v.time.timestamp() if v.time else 0.0, v.id),
            reverse=True,
        )[:FEED_SIZE]
        base = str(request.base_url)
        spec = FeedSpec(
            title=f"newsdesk: {coverage.headline}",
            page_url=f"{base}stories/{found.id}",
            self_url=str(request.url),
            base_url=base,
            description="Every outlet's coverage of one story, gathered by newsdesk",
        )
        return etag_response(request, build_feed(fmt, spec, items), FORMATS[fmt])

    return router

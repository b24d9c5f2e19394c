"""Feeds and pages of a small made-up news site, for the web tests (ASGI and browser).

``build_site`` fills a :class:`tests.support.site.Site` with two outlets' feeds (RSS and
Atom, with categories and dates), an article page per item (story paragraphs wrapped in
page furniture; each story its own text), a hostile item whose headline holds markup and
whose page reprints Tech Daily's story 7, a feed that answers 404, and two re-publishers:
Copycat News reprints Tech Daily's stories 1-4 without a word of credit (plus one story
of its own), Partner Post reprints story 1 naming it in ``<meta name="original-source">``.
Copy detection runs on all of them in the pipeline, so the copy groups are real decisions.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from tests.support.site import Site

__all__ = [
    "COPIED",
    "HOSTILE_TOPIC",
    "XSS_TITLE",
    "BuiltSite",
    "NewsItem",
    "atom_feed",
    "build_site",
    "json_feed",
    "page_html",
    "rss_feed",
]

BASE_TIME = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
HOSTILE_TOPIC = '<b onmouseover="window.__xss=3">Topic</b>'
XSS_TITLE = 'Chips <script>window.__xss=1;alert(1)</script><img src=x onerror="window.__xss=2">'

STORY = (
    "Ministers from several countries met on {n} to agree on a common approach to "
    "semiconductor export licensing and enforcement, officials said on Monday. "
)
# Words for the rest of each story, drawn per story: every page tells its own story, so
# copy detection sees originals, and copies only where an outlet reprints one.
_WORD_LIST = (
    "harbour lantern orchard copper violin meadow glacier falcon quarry saddle thimble "
    "compass lagoon velvet canyon pebble ribbon turbine walnut beacon cobalt marble "
    "prairie ember tundra sparrow ledger anchor kettle mosaic nectar parcel quartz "
    "rafter spindle timber umber vessel willow yarrow zenith alder bramble cinder dune "
    "fjord garnet hollow indigo jasper kiln lichen mantle nimbus oxbow pylon quiver "
    "russet sable tallow upland vertex wicker yeoman zephyr abbey barley cellar delta "
    "estuary fennel gravel heron islet juniper kestrel loam moraine nettle osprey "
    "plover quince reed shale thistle urchin valley wharf yew basalt crater dynamo "
    "ferry grotto hamlet ingot jetty keel levee mill notch outpost pier ridge spire"
)
_WORDS = tuple(_WORD_LIST.split())

#: Tech Daily stories reprinted by Copycat News without credit (same headline and text).
COPIED = (1, 2, 3, 4)


@dataclass(frozen=True, slots=True)
class NewsItem:
    guid: str
    link: str
    title: str
    published: datetime
    categories: tuple[str, ...] = ()
    summary: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _rfc822(when: datetime) -> str:
    return when.strftime("%a, %d %b %Y %H:%M:%S +0000")


def rss_feed(title: str, items: list[NewsItem], *, language: str = "en") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>http://example.org/</link>",
        f"<language>{language}</language><description>test</description>",
    ]
    for it in items:
        cats = "".join(f"<category>{escape(c)}</category>" for c in it.categories)
        parts.append(
            f"<item><guid>{escape(it.guid)}</guid><link>{escape(it.link)}</link>"
            f"<title>{escape(it.title)}</title><pubDate>{_rfc822(it.published)}</pubDate>"
            f"{cats}<description>{escape(it.summary)}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def atom_feed(title: str, items: list[NewsItem]) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title><id>urn:test:{escape(title)}</id>",
        f"<updated>{BASE_TIME.isoformat()}</updated>",
    ]
    for it in items:
        cats = "".join(f'<category term="{escape(c)}"/>' for c in it.categories)
        parts.append(
            f'<entry><id>{escape(it.guid)}</id><link href="{escape(it.link)}"/>'
            f"<title>{escape(it.title)}</title><updated>{it.published.isoformat()}</updated>"
            f"<published>{it.published.isoformat()}</published>{cats}"
            f"<summary>{escape(it.summary)}</summary></entry>"
        )
    parts.append("</feed>")
    return "".join(parts).encode()


def json_feed(title: str, items: list[NewsItem]) -> bytes:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "items": [
            {
                "id": it.guid,
                "url": it.link,
                "title": it.title,
                "summary": it.summary,
                "date_published": it.published.isoformat(),
                "tags": list(it.categories),
            }
            for it in items
        ],
    }
    return json.dumps(document).encode()


def _sentences(n: int, k: int) -> str:
    rng = random.Random(n * 100 + k)
    out = []
    for _ in range(3):
        words = rng.sample(_WORDS, 11)
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def page_html(title: str, n: int, *, lang: str = "en", head: str = "") -> bytes:
    """An article page telling story ``n``; ``head`` is extra markup for its <head>."""
    story = "".join(f"<p>{STORY.format(n=f'day {n}.{k}')}{_sentences(n, k)}</p>" for k in range(6))
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}'
        f'</title>{head}</head><body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>'
        f"<article><h1>{escape(title)}</h1><p>By Jane Doe</p>"
        "<figure><figcaption>Angel Garcia | Bloomberg | Getty Images</figcaption></figure>"
        f"{story}<p>Share this article</p><p>Leave a Comment</p>"
        "<p>DMCA compliant image</p></article><footer>Denial of responsibility! This site is "
        "an automatic aggregator of Global media. All trademarks belong to their rightful "
        "owners.</footer></body></html>"
    ).encode()


@dataclass(frozen=True, slots=True)
class BuiltSite:
    feeds: dict[str, str]  # feed URL by name: tech, world, xss, broken, copycat, partner
    tech_items: list[NewsItem]

    def retitle(self, site: Site, index: int, title: str) -> None:
        """Serve the tech feed again with one item's headline changed."""
        items = list(self.tech_items)
        items[index] = replace(items[index], title=title)
        site.add("/tech/feed.xml", rss_feed("Tech Daily", items), "application/rss+xml")


def build_site(
    site: Site,
    *,
    tech: int = 12,
    world: int = 6,
    delay: float = 0.0,
    base: datetime = BASE_TIME,
    spacing: timedelta = timedelta(hours=1),
) -> BuiltSite:
    """Serve the feeds and pages of three outlets and one broken feed. Item ``i`` of an
    outlet is published ``i * spacing`` before ``base``."""
    tech_items = []
    for i in range(tech):
        title = f"Chip export report number {i}"
        link = site.add(f"/tech/{i}.html", page_html(title, i), delay=delay)
        tech_items.append(
            NewsItem(
                guid=f"tech-{i}",
                link=link,
                title=title,
                published=base - i * spacing,
                categories=("Semiconductors",) if i % 2 == 0 else ("Policy",),
                summary=f"Summary of report {i}.",
            )
        )
    world_items = []
    for i in range(world):
        title = f"Weltpolitik Bericht {i}"
        link = site.add(f"/world/{i}.html", page_html(title, 100 + i, lang="de"), delay=delay)
        world_items.append(
            NewsItem(
                guid=f"urn:world:{i}",
                link=link,
                title=title,
                published=base - i * spacing - spacing / 2,
                categories=("Politics",),
                summary=f"Zusammenfassung {i}.",
            )
        )
    xss_link = site.add("/xss/1.html", page_html("Harmless page", 7), delay=delay)
    xss_items = [
        NewsItem(
            guid="xss-1",
            link=xss_link,
            title=XSS_TITLE,
            published=base - timedelta(minutes=5),
            categories=(HOSTILE_TOPIC,),
            summary='<img src=x onerror="window.__xss=4">Summary with <script>bad()</script>.',
        )
    ]
    # Copycat News: Tech Daily's stories reprinted half an hour later, crediting nobody.
    copycat_items = []
    for i in COPIED:
        original = tech_items[i]
        link = site.add(f"/copycat/{i}.html", page_html(original.title, i), delay=delay)
        copycat_items.append(
            NewsItem(
                guid=f"copycat-{i}",
                link=link,
                title=original.title,
                published=original.published + timedelta(minutes=30),
                summary=f"Summary of report {i}.",
            )
        )
    own = site.add("/copycat/own.html", page_html("Copycat's own story", 300), delay=delay)
    copycat_items.append(
        NewsItem("copycat-own", own, "Copycat's own story", base - 40 * spacing, summary="Own.")
    )
    # Partner Post: story 1 reprinted with a credit the page declares.
    credit = f'<meta name="original-source" content="{escape(tech_items[1].link)}">'
    partner_link = site.add("/partner/1.html", page_html(tech_items[1].title, 1, head=credit))
    partner_items = [
        NewsItem(
            guid="partner-1",
            link=partner_link,
            title=tech_items[1].title,
            published=tech_items[1].published + timedelta(minutes=45),
            summary="Summary of report 1.",
        )
    ]
    rss, atom, jsonf = "application/rss+xml", "application/atom+xml", "application/feed+json"
    feeds = {
        "tech": site.add("/tech/feed.xml", rss_feed("Tech Daily", tech_items), rss),
        "world": site.add("/world/atom.xml", atom_feed("Welt Heute", world_items), atom),
        "xss": site.add("/xss/feed.json", json_feed("Hostile <b>Feed</b>", xss_items), jsonf),
        "broken": site.url("/missing/feed.xml"),
        "copycat": site.add("/copycat/feed.xml", rss_feed("Copycat News", copycat_items), rss),
        "partner": site.add("/partner/feed.xml", rss_feed("Partner Post", partner_items), rss),
    }
    return BuiltSite(feeds=feeds, tech_items=tech_items)

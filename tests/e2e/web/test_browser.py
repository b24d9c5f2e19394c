"""newsdesk as a reader sees it: a real `newsdesk run` and headless chromium."""

from __future__ import annotations

from typing import Any

import httpx

from tests.e2e.web.conftest import Server, shot
from tests.integration.web.conftest import HOSTILE_EDIT
from tests.integration.web.newsfeed import XSS_TITLE


def headlines(page: Any) -> list[str]:
    texts: list[str] = page.locator("h2.headline a").all_inner_texts()
    return texts


def test_front_page_to_story_to_the_original(server: Server, page: Any) -> None:
    page.goto(server.url("/"))
    assert page.title() == "Top stories — newsdesk"
    stories = page.locator("ol.stories > li")
    assert stories.count() >= 2
    top = stories.first
    assert "Primary source:" in top.locator("p.meta").inner_text()
    shot(page, "front-page")

    top.locator("h2.headline a").click()
    page.wait_for_url("**/stories/*")
    primary = page.locator("li.item.is-primary")
    assert primary.count() == 1
    assert page.locator("ol.coverage > li").first.get_attribute("class") == "item is-primary"
    assert primary.locator("p.badge").inner_text() == "Primary source"
    assert page.locator("svg.timeline rect.bar").count() >= 6
    assert page.locator("#gap-countries").count() + page.locator("section.gaps p").count() >= 1
    shot(page, "story-page")

    link = primary.locator("p.orig a")
    href = link.get_attribute("href")
    assert href and href.startswith(server.site.base + "/")
    link.click()
    page.wait_for_url(href)
    assert page.locator("article h1").count() == 1
    assert page.dialogs == [] and page.errors == []


def test_story_item_to_article_to_the_original(server: Server, page: Any) -> None:
    page.goto(server.url("/?view=articles"))
    found = headlines(page)
    assert len(found) == 20
    assert "Chip export report number 3" in found

    page.get_by_role("link", name="Chip export report number 3", exact=True).click()
    page.wait_for_url("**/articles/*")
    assert page.locator("h1").inner_text() == "Chip export report number 3"
    facts = page.locator("dl.facts").inner_text()
    assert "Tech Daily" in facts and "JP" in facts and "en" in facts
    excerpt = page.locator("p.excerpt").inner_text()
    assert excerpt.startswith("Ministers from several countries met on day 3.0")
    assert len(excerpt.split()) <= 60
    assert page.locator("section.other-coverage #story-link").count() == 1
    shot(page, "article-page")

    original = page.locator("#original")
    href = original.get_attribute("href")
    assert href == server.site.url("/tech/3.html")
    original.click()
    page.wait_for_url(href)
    assert page.locator("article h1").inner_text() == "Chip export report number 3"
    assert page.dialogs == [] and page.errors == []


def item(page: Any, title: str) -> Any:
    link = page.get_by_role("link", name=title, exact=True)
    return page.locator("li.item").filter(has=link)


def test_copies_fold_and_name_their_primary_source(server: Server, page: Any) -> None:
    page.goto(server.url("/?view=articles"))
    # Tech Daily's story 1, reprinted by Copycat News and Partner Post: one row
    row = item(page, "Chip export report number 1")
    assert row.count() == 1
    folded = row.locator("p.copies").inner_text()
    assert folded == "+2 copies: Copycat News, Partner Post"
    assert row.locator("p.primary").count() == 0  # the original needs no such line

    # on the re-publisher's page its reprints stand alone, each marked with the original
    page.goto(server.url(f"/sources/{server.ids['copycat']}"))
    flag = page.locator("#uncredited-flag").inner_text()
    assert "4 of its 5 extracted articles (80%)" in flag
    row = item(page, "Chip export report number 1")
    line = row.locator("p.primary")
    assert line.inner_text() == "Primary source: Tech Daily — published 30 min earlier"
    assert line.locator("a").get_attribute("href") == server.site.url("/tech/1.html")
    shot(page, "source-page-republisher")

    row.get_by_role("link", name="Chip export report number 1", exact=True).click()
    page.wait_for_url("**/articles/*")
    primary = page.locator("dd.primary")
    assert primary.inner_text().startswith("Tech Daily — published 30 min earlier")
    also = page.locator("section.also").inner_text()
    assert "Partner Post" in also and "Tech Daily" not in also
    shot(page, "article-page-copy")
    outbound = primary.get_by_role("link", name="Tech Daily", exact=True)
    assert outbound.get_attribute("href") == server.site.url("/tech/1.html")
    outbound.click()  # the original on the outlet's own site
    page.wait_for_url(server.site.url("/tech/1.html"))
    assert page.locator("article h1").inner_text() == "Chip export report number 1"
    assert page.dialogs == [] and page.errors == []


def test_filters_apply_on_change_and_clear(server: Server, page: Any) -> None:
    page.goto(server.url("/"))
    page.select_option("select[name=language]", "de")  # app.js submits on change
    page.wait_for_url("**/?language=de")
    # one story of the six German reports, headed by one of them (which one depends on the
    # order the pipeline finished them in)
    (story,) = page.locator("ol.stories h2.headline a").all_inner_texts()
    assert story in {f"Weltpolitik Bericht {i}" for i in range(6)}
    page.get_by_role("link", name="Every article, newest first").click()
    page.wait_for_url("**/?language=de&view=articles")
    assert headlines(page) == [f"Weltpolitik Bericht {i}" for i in range(6)]
    shot(page, "front-page-filtered", full=False)

    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(server.url("/"))
    page.goto(server.url("/?view=articles"))
    page.select_option("select[name=source]", str(server.ids["tech"]))
    page.wait_for_url(f"**/?view=articles&source={server.ids['tech']}")
    assert len(headlines(page)) == 12
    assert page.locator("h1").inner_text() == "Latest from Tech Daily"

    # full-text search: phrases and OR
    page.fill("input[name=q]", '"number 1" OR "number 10" OR "number 11"')
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**q=*")
    assert sorted(headlines(page)) == [
        "Chip export report number 1",
        "Chip export report number 10",
        "Chip export report number 11",
    ]
    page.select_option("select[name=topic]", "Policy")
    page.wait_for_url("**topic=Policy*")
    assert sorted(headlines(page)) == [
        "Chip export report number 1",
        "Chip export report number 11",
    ]
    assert page.dialogs == [] and page.errors == []


def test_api_docs_render_without_internet(server: Server, page: Any) -> None:
    """Swagger UI's assets come from newsdesk itself (the tests cannot reach a CDN)."""
    page.goto(server.url("/api/docs"))
    page.locator(".opblock").first.wait_for(timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/articles" in paths
    assert page.errors == []


INERT_CHECK = """() => ({
  xss: window.__xss === undefined ? null : window.__xss,
  scripts: Array.from(document.scripts).map(s => s.src),
  imgs: document.images.length,
  handlers: Array.from(document.querySelectorAll('*')).filter(
      el => Array.from(el.attributes).some(a => a.name.startsWith('on'))).length,
  bold: document.querySelectorAll('main :not(.card) > b').length,
})"""


def test_hostile_feed_text_stays_inert(server: Server, page: Any) -> None:
    pages = [
        "/",
        f"/articles/{server.planted}",
        f"/sources/{server.ids['xss']}",
        "/sources",
        "/status",
        "/?topic=%3Cb%20onmouseover%3D%22window.__xss%3D3%22%3ETopic%3C%2Fb%3E",
        "/?view=articles",
    ]
    # every story page: headlines and outlet names (the hostile outlet reprints story 7,
    # and the planted headline is clustered too) come from strangers' feeds
    stories = httpx.get(server.url("/api/v1/stories?since=2000-01-01&limit=100")).json()
    pages += [s["page"] for s in stories["items"]]
    assert len(stories["items"]) >= 2
    for path in pages:
        page.goto(server.url(path))
        page.mouse.move(10, 10)
        page.hover("h1")
        state = page.evaluate(INERT_CHECK)
        assert state == {
            "xss": None,
            "scripts": [server.url("/static/app.js")],
            "imgs": 0,
            "handlers": 0,
            "bold": 0,
        }, path
    page.goto(server.url(f"/articles/{server.planted}"))
    assert page.locator("h1").inner_text() == XSS_TITLE  # shown as text, verbatim
    # its text revision: what changed and when, the added line's markup shown as text
    revisions = page.locator("section.revisions")
    assert "text edited" in revisions.inner_text()
    assert revisions.locator("ins").first.inner_text() == HOSTILE_EDIT
    story = page.locator("#story-link")
    if story.count():  # the planted article's story: its headline, as text
        story.click()
        page.wait_for_url("**/stories/*")
        assert XSS_TITLE in page.locator("main").inner_text()
        assert page.evaluate(INERT_CHECK)["imgs"] == 0
    shot(page, "hostile-headline-as-text", full=False)
    assert page.dialogs == [] and page.errors == []


# Text and elements sticking out to the right of a phone's screen (wide tables scroll
# inside their .scroll box, which is fine).
WIDEST = """() => {
  const limit = document.documentElement.clientWidth + 1, out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const range = document.createRange();
    range.selectNodeContents(node);
    if (range.getBoundingClientRect().right > limit && !node.parentElement.closest('.scroll'))
      out.push(node.parentElement.tagName + ': ' + node.textContent.slice(0, 40));
  }
  return out.slice(0, 5);
}"""


def test_source_status_and_phone_screens(server: Server, page: Any, browser: Any) -> None:
    page.goto(server.url(f"/sources/{server.ids['tech']}"))
    assert page.locator("svg.chart rect.bar").count() == 30
    heights = page.locator("svg.chart rect.bar").evaluate_all(
        "els => els.map(e => parseFloat(e.getAttribute('height')))"
    )
    assert sum(h > 0 for h in heights) >= 3  # items spread over several days
    assert "ok" in page.locator("section[aria-labelledby=health-h]").inner_text()
    shot(page, "source-page")

    page.goto(server.url(f"/sources/{server.ids['broken']}"))
    assert "http_404" in page.locator("section[aria-labelledby=health-h]").inner_text()

    page.goto(server.url("/status"))
    text = page.locator("main").inner_text()
    assert "pending pages (queue)" in text and "http_404" in text
    shot(page, "status-page")
    page.goto(server.url("/sources"))
    shot(page, "sources-page")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    try:
        tab = phone.new_page()
        tab.goto(server.url("/"))
        assert tab.evaluate(WIDEST) == [], "wider than the phone"
        shot(tab, "front-page-phone", full=False)
        paths = [f"/articles/{server.planted}", "/articles/2", f"/sources/{server.ids['tech']}"]
        top = httpx.get(server.url("/api/v1/stories?limit=1")).json()["items"]
        paths += [s["page"] for s in top]
        for path in [*paths, "/status", "/sources"]:
            tab.goto(server.url(path))
            assert tab.evaluate(WIDEST) == [], path
            assert tab.evaluate("document.documentElement.scrollWidth") <= 390, path
    finally:
        phone.close()
    assert page.dialogs == [] and page.errors == []

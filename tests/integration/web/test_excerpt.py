"""The excerpt function on real pages: capped, and no boilerplate ever leaks into it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsdesk.errors import ExtractError
from newsdesk.extract import extract_article
from newsdesk.web.excerpt import excerpt, is_boilerplate, plain_text
from tests.support.site import benchmark_pages

CHROME = re.compile(
    r"denial of responsibility|automatic aggregator|all trademarks|leave a comment|"
    r"dmca|getty images|share this|^reference\b|advertisement",
    re.IGNORECASE,
)


def words(text: str) -> int:
    return len(text.split())


def test_aggregator_page_keeps_the_story_and_drops_its_furniture(shared_data: Path) -> None:
    text = (shared_data / "aggregator-example" / "page.txt").read_text(encoding="utf-8")
    title = text.splitlines()[0]
    short = excerpt(text, title=title)
    assert short.startswith("Renowned European Union internal market commissioner")
    assert 20 <= words(short) <= 60
    assert not CHROME.search(short)
    assert title not in short
    # even with a budget larger than the page, only the story comes out
    whole = excerpt(text, max_words=2000, title=title)
    assert whole.endswith("advanced semiconductor equipment.")
    for furniture in (
        "Angel Garcia | Bloomberg | Getty Images",
        "Reference",
        "Denial of responsibility",
        "DMCA compliant image",
        "Leave a Comment",
    ):
        assert furniture not in whole


@pytest.mark.parametrize(
    "line",
    [
        "Angel Garcia | Bloomberg | Getty Images",
        "Photo: Reuters",
        "(Image credit: AFP via Getty Images)",
        "DMCA compliant image",
        "Leave a Comment",
        "Share this article",
        "Facebook Twitter Email",
        "Reference",
        "Advertisement",
        "Denial of responsibility! VigourTimes is an automatic aggregator of Global media.",
        "© 2026 Example Media. All rights reserved.",
        "Sign up for our newsletter",
        "5 min read",
    ],
)
def test_furniture_lines(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "The EU also strives to enhance its own semiconductor industry across the bloc.",
        "Reuters reported that the talks would resume on Monday.",
        "Getty Images shares rose 4% after the merger was announced.",
        "東京電力は2日、福島第1原発の処理水の放出を再開したと発表した。",
    ],
)
def test_story_lines_are_kept(line: str) -> None:
    assert not is_boilerplate(line)


def test_cap_counts_words_and_cjk_characters() -> None:
    text = " ".join(f"word{i}" for i in range(100))
    assert words(excerpt(text, max_words=10)) == 10
    assert excerpt(text, max_words=10).endswith("…")
    sentences = "One two three four. Five six seven eight. Nine ten eleven twelve."
    assert excerpt(sentences, max_words=9) == "One two three four. Five six seven eight."
    japanese = "政府は半導体の輸出管理を強化すると発表した。" * 20
    cut = excerpt(japanese, max_words=30)
    assert 0 < len(cut) <= 61 and cut.endswith("。")
    assert excerpt("", max_words=10) == "" and excerpt("text here", max_words=0) == ""


def test_plain_text_strips_markup_and_scripts() -> None:
    html = "<p>Hello <b>world</b> &amp; friends.</p><script>alert(1)</script><p>Second<br>line</p>"
    assert plain_text(html) == "Hello world & friends.\nSecond\nline"
    assert plain_text('<img src=x onerror="alert(1)">Caption') == "Caption"
    assert plain_text("x < y and AT&T") == "x < y and AT&T"


def test_benchmark_pages_give_clean_capped_excerpts(shared_data: Path) -> None:
    checked = 0
    for _page_id, url, html in list(benchmark_pages(shared_data))[::3]:
        try:
            article = extract_article(html, url=url)
        except ExtractError:
            continue
        if words(article.text) < 150:
            continue
        short = excerpt(article.text, title=article.title)
        checked += 1
        assert short, url
        assert words(short) <= 60, url
        assert not CHROME.search(short), (url, short)
        # made of the page's own words, in order: the start of a kept paragraph
        assert short.rstrip("…").split()[0] in article.text, url
        assert len(short) < len(article.text) / 2, url
    assert checked >= 50

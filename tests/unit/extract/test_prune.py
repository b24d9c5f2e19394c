"""extract.prune: tree changes made before trafilatura runs, alone and via extract_article."""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement, fromstring

from newsdesk.extract import article as article_module
from newsdesk.extract import extract_article
from newsdesk.extract.parse import parse_html
from newsdesk.extract.prune import PRUNE_XPATHS, keep_tails
from tests.unit.extract.test_article import PARAGRAPHS


def page(body: str) -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Council expands riverside park</h1>{body}</article></body></html>"
    )


def paragraphs(middle: str = "") -> str:
    first, second, *rest = (f"<p>{p}</p>" for p in PARAGRAPHS)
    return first + second + middle + "".join(rest)


def pruned(html: str) -> HtmlElement:
    tree: HtmlElement = fromstring(html)
    for expression in PRUNE_XPATHS:
        for element in tree.xpath(expression):
            element.drop_tree()
    return tree


def test_keep_tails_copies_only_when_needed_and_never_changes_the_tree() -> None:
    clean = fromstring("<div><p>One <em>two</em> three</p></div>")
    assert keep_tails(clean) is clean
    tree = fromstring("<div><p><span id='more-12'></span>Text after the anchor</p></div>")
    before = etree.tostring(tree)
    fixed = keep_tails(tree)
    assert fixed is not tree
    assert etree.tostring(tree) == before
    assert etree.tostring(fixed) == b"<div><p>Text after the anchor</p></div>"


def test_keep_tails_leaves_elements_with_content_or_blank_tails() -> None:
    tree = fromstring("<div><p><b>Bold</b> text</p><div></div>\n<span></span></div>")
    assert keep_tails(tree) is tree


def test_a_paragraph_after_an_empty_anchor_is_kept() -> None:
    # trafilatura's precision mode deletes empty elements with the text that follows them.
    # Long enough (> recheck_below words) that no plain run is made to make up for it.
    first, second, third, fourth = PARAGRAPHS
    lead = "".join(f"<p>{p}</p>" for p in PARAGRAPHS * 2)
    body = lead + f"<p>{first}</p><p>{second}</p><p><span id='more-5662'></span>{third}</p>"
    body += f"<p><em></em>{fourth}</p>"
    assert extract_article(page(body)).text.splitlines() == PARAGRAPHS * 3


def test_call_to_action_boxes_and_buttons_go() -> None:
    html = page(
        paragraphs(
            "<div class='nrplus-cta-wrap'><p>If you enjoyed this article, we have a proposition"
            " for you: join our membership programme today.</p></div>"
            "<span class='sw-ctt-btn'>Click To Tweet</span>"
        )
    )
    text = pruned(html).text_content()
    assert "proposition" not in text and "Click To Tweet" not in text
    assert extract_article(html).text.splitlines() == PARAGRAPHS


def test_read_more_teaser_links_go_but_read_more_blocks_stay() -> None:
    # A read-more block is as often the collapsed rest of the story.
    html = page(
        "<div class='entry-content entry-content-read-more'>"
        + paragraphs(
            "<a class='read-more-big' href='/x'><span class='read-more-big__container'>Also on"
            " our site: journalists threatened with arrest as the interim government purges"
            " the opposition</span></a>"
        )
        + "<div class='read-more-wrap'><p>The rest of the story, hidden until clicked.</p>"
        "</div></div>"
    )
    text = pruned(html).text_content()
    assert "journalists threatened" not in text
    assert all(p in text for p in PARAGRAPHS)
    assert "The rest of the story" in text


def test_hover_cards_go_but_their_trigger_link_stays() -> None:
    card = (
        "<span class='rollover'><a href='/people/omar'>Ilhan Omar</a>"
        "<span class='card'><span><img src='omar.jpg'><a href='/a'>Hillicon Valley: senators"
        " call for a coordinator</a> <a href='/b'>Progressives oppose the stopgap</a>"
        "</span></span></span>"
    )
    html = page(paragraphs(f"<p>A man pleaded guilty to threatening Rep. {card} last year.</p>"))
    text = " ".join(pruned(html).text_content().split())
    assert "threatening Rep. Ilhan Omar last year." in text
    assert "Hillicon" not in text


def test_an_image_with_links_outside_a_paragraph_is_not_a_hover_card() -> None:
    html = page(paragraphs("<div><span><img src='a.jpg'><a href='/a'>A</a> <a href='/b'>B</a>"))
    assert "A B" in " ".join(pruned(html).text_content().split())


def test_a_span_wrapping_a_whole_paragraph_is_not_a_hover_card() -> None:
    wrapped = (
        "<p><span style='font-weight: 400'>Officials <a href='/a'>said</a> the plan, shown"
        " <img src='smile.png'> here, was <a href='/b'>approved</a> on Monday.</span></p>"
    )
    text = " ".join(pruned(page(paragraphs(wrapped))).text_content().split())
    assert "Officials said the plan, shown here, was approved on Monday." in text


def test_the_shared_tree_is_left_alone() -> None:
    # The pipeline reads the tree again after extraction: pruning and tail keeping work on
    # copies (trafilatura's own, or keep_tails').
    card = "<span><img src='a.jpg'><a href='/a'>One</a> <a href='/b'>Two</a></span>"
    html = page(
        paragraphs(
            f"<p>Text {card} more.</p><div class='x-cta'>Join now</div>"
            "<p><span id='more-1'></span>After the anchor.</p>"
        )
    )
    tree = parse_html(html)
    assert tree is not None
    before = etree.tostring(tree)
    for precise in (True, False):
        article_module._trafilatura(tree, None, precise=precise)
    assert etree.tostring(tree) == before

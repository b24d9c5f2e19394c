"""What we change in a page's tree before trafilatura reads it (pure).

Two kinds of change, each measured on the benchmark's tune half (``docs/design-extract.md``):

- :data:`PRUNE_XPATHS`: page chrome that trafilatura's own class/id vocabulary misses, given to
  trafilatura as ``prune_xpath`` so that it removes them from its own copy of the tree (ours
  stays unchanged, and costs no extra copy).
- :func:`keep_tails`: trafilatura's precision mode deletes empty elements *together with the
  text that follows them* (``prune_html``: ``keep_tail`` is off in that mode). A paragraph that
  starts after an empty anchor (WordPress puts ``<span id="more-123"></span>`` where a post's
  teaser ends) or an empty ``<em></em>`` then loses its text. We remove such empty elements
  first, keeping what follows them.
"""

from __future__ import annotations

import copy

from lxml.html import HtmlElement

__all__ = ["PRUNE_XPATHS", "keep_tails"]

# Class tokens are compared whole, after turning "-" and "_" into spaces: "nrplus-cta-wrap"
# has the token "cta" and "sw-ctt-btn" has "btn", but "octane" or "btnx" have neither.
_TOKENS = "concat(' ', translate(@class, '_-', '  '), ' ')"

PRUNE_XPATHS: tuple[str, ...] = (
    # One pass over the class attributes (each expression costs a walk of the tree):
    # - calls to action ("cta": subscribe / join / visit boxes) and buttons ("btn": "Click To
    #   Tweet", "Visit Website"): controls and pitches, not story;
    # - a "read more" teaser link spliced into the story ("Also on <site>: <headline>"). Only
    #   links and spans: a read-more *block* is as often the collapsed rest of the story.
    # Walking the class attributes, cheap substring tests first, is twice as fast as walking
    # the elements; the token tests only run on what the substring tests let through.
    "//@class[contains(., 'cta') or contains(., 'btn') or starts-with(., 'read')]/parent::*"
    f"[contains({_TOKENS}, ' cta ') or contains({_TOKENS}, ' btn ')"
    " or ((self::a or self::span)"
    " and (starts-with(@class, 'read-more') or starts-with(@class, 'readmore')))]",
    # Hover cards inside running text: an inline element in a paragraph that carries an image
    # and two or more links, and no text of its own, is a person/product card that shows on
    # hover ("Ilhan Omar" followed by her photo and three headlines), not prose. Only the
    # innermost such element goes, so the paragraph and the link that triggers the card stay;
    # a span wrapping a whole paragraph has text of its own and stays too.
    "//p//span[.//img and count(.//a) >= 2 and not(text()[normalize-space()])]"
    "[not(.//span[.//img and count(.//a) >= 2 and not(text()[normalize-space()])])]",
)

# The elements trafilatura's prune_html deletes when empty (trafilatura.settings.CUT_EMPTY_ELEMS
# in 2.3.1); only these lose their tail.
_CUT_WHEN_EMPTY = (
    "article",
    "b",
    "blockquote",
    "dd",
    "div",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "i",
    "li",
    "main",
    "p",
    "pre",
    "q",
    "section",
    "span",
    "strong",
)


def _empty_with_tail(element: HtmlElement) -> bool:
    tail = element.tail
    return element.text is None and len(element) == 0 and bool(tail) and not tail.isspace()


def keep_tails(tree: HtmlElement) -> HtmlElement:
    """``tree``, or when it has empty elements followed by text, a copy without them.

    The text that followed each removed element joins its neighbour's text, as the browser
    shows it. ``tree`` itself is never changed (callers share it).
    """
    if not any(_empty_with_tail(element) for element in tree.iter(_CUT_WHEN_EMPTY)):
        return tree
    fixed: HtmlElement = copy.deepcopy(tree)
    for element in [e for e in fixed.iter(_CUT_WHEN_EMPTY) if _empty_with_tail(e)]:
        element.drop_tree()
    return fixed

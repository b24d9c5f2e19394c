"""Page text -> lxml tree, parsed the way trafilatura parses it, once per page.

The tree is shared by the metadata readers and every trafilatura run (trafilatura prunes
a copy of a tree it is given, never the tree itself), so it must be the tree trafilatura
would build from the same text: this follows ``trafilatura.utils.load_html`` (2.3.1) for
``str`` input step by step, only faster where the page is clean (the usual case).

Pure: a string in, a tree (or None) out. A parser is built per call: lxml parsers are not
safe to share between threads, and building one costs microseconds.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, fromstring

__all__ = ["parse_html"]

# lxml refuses str input that carries an XML encoding declaration (XHTML pages).
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Characters XML (hence libxml2) does not allow; trafilatura deletes them before parsing.
_INVALID_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# One substring test per character is a few times faster than a regex pass over a page of
# hundreds of KB, and pages almost never hold any of them.
_INVALID_XML_CHAR_LIST = (
    *(chr(code) for code in range(0x20) if chr(code) not in "\t\n\r"),
    "\ufffe",
    "\uffff",
)
_DOCTYPE_TAG = re.compile("^< ?! ?DOCTYPE[^>]*/[^<>]*>", re.IGNORECASE)
_FAULTY_HTML = re.compile(r"(<html.*?)\s*/>", re.IGNORECASE)


def _parser() -> HTMLParser:
    return HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )


def _repair(text: str, beginning: str) -> str:
    """What libxml2 chokes on: invalid characters, a ``/``-closed doctype or ``<html/>``."""
    if any(char in text for char in _INVALID_XML_CHAR_LIST):
        text = _INVALID_XML_CHARS.sub("", text)
    if "doctype" in beginning:
        first, _, rest = text.partition("\n")
        text = _DOCTYPE_TAG.sub("", first, count=1) + "\n" + rest
    for line in text[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            text = _FAULTY_HTML.sub(r"\1>", text, count=1)
            break
    return text


def _from_bytes(text: str) -> HtmlElement | None:
    try:
        tree: HtmlElement = fromstring(text.encode("utf-8", "surrogatepass"), parser=_parser())
    except (etree.LxmlError, ValueError, TypeError):
        return None
    return tree


def parse_html(text: str) -> HtmlElement | None:
    """The document tree of ``text``; None when it does not parse as an HTML document."""
    text = _XML_DECLARATION.sub("", text, count=1)
    beginning = text[:50].lower()
    text = _repair(text, beginning)
    tree: HtmlElement | None = None
    tried_bytes = False
    try:
        tree = fromstring(text, parser=_parser())
    except ValueError:
        # "Unicode strings with encoding declaration are not supported."
        tree, tried_bytes = _from_bytes(text), True
    except (etree.LxmlError, TypeError):
        tree = None
    if (tree is None or len(tree) < 1) and not tried_bytes:
        tree = _from_bytes(text)
    # Not HTML at all (no "html" near the start and next to no structure).
    if tree is not None and "html" not in beginning and len(tree) < 2:
        return None
    return tree

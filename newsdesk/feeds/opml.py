"""OPML subscription lists: read (nested outlines flattened) and write."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from newsdesk.errors import ParseError
from newsdesk.feeds.decode import decode_body
from newsdesk.feeds.text import plain_text
from newsdesk.feeds.xmlprep import RECOVER_PARSER, SAFE_PARSER, prepare_xml

__all__ = ["OpmlOutline", "parse_opml", "write_opml"]


@dataclass(frozen=True, slots=True)
class OpmlOutline:
    """One subscribed feed. ``category`` is the text of the enclosing outline, if any;
    ``country`` and ``language`` come from custom attributes of those names."""

    xml_url: str
    title: str = ""
    html_url: str | None = None
    category: str | None = None
    country: str | None = None
    language: str | None = None


def _attr(element: Any, *names: str) -> str | None:
    for name in names:
        value = element.get(name)
        if value and value.strip():
            return str(value).strip()
    return None


def parse_opml(body: bytes) -> list[OpmlOutline]:
    """The feed outlines of an OPML document, in document order, nested ones flattened.

    An outline counts as a feed when it has an http(s) ``xmlUrl``; duplicates (same xmlUrl) keep
    their first occurrence. Raises UnsafeXML for entity declarations and ParseError for
    documents that are not OPML.
    """
    if not body.strip():
        raise ParseError("empty OPML document")
    prepared = prepare_xml(decode_body(body).text)
    try:
        root = etree.fromstring(prepared, SAFE_PARSER)
    except etree.XMLSyntaxError:
        root = etree.fromstring(prepared, RECOVER_PARSER)
    if root is None or not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise ParseError("not an OPML document (no <opml> root element)")
    body_element = root.find("body")
    outlines: list[OpmlOutline] = []
    seen: set[str] = set()
    if body_element is not None:
        _walk(body_element, None, outlines, seen)
    return outlines


def _walk(parent: Any, category: str | None, out: list[OpmlOutline], seen: set[str]) -> None:
    for element in parent:
        if not isinstance(element.tag, str) or element.tag.lower() != "outline":
            continue
        text = plain_text(_attr(element, "text", "title"))
        xml_url = _attr(element, "xmlUrl", "xmlurl", "url")
        # Only web feeds: readers store virtual folders and scripts here too (Liferea).
        if xml_url and xml_url.lower().startswith(("http://", "https://")) and xml_url not in seen:
            seen.add(xml_url)
            out.append(
                OpmlOutline(
                    xml_url=xml_url,
                    title=plain_text(_attr(element, "title", "text")),
                    html_url=_attr(element, "htmlUrl", "htmlurl"),
                    category=category or _attr(element, "category"),
                    country=_attr(element, "country"),
                    language=_attr(element, "language"),
                )
            )
        if len(element):
            _walk(element, text or category, out, seen)


def write_opml(outlines: Iterable[OpmlOutline], *, title: str) -> bytes:
    """An OPML 2.0 document (UTF-8 bytes) grouping ``outlines`` by category, in order."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    body = etree.SubElement(root, "body")
    groups: dict[str, Any] = {}
    for outline in outlines:
        parent = body
        if outline.category:
            parent = groups.get(outline.category)
            if parent is None:
                parent = etree.SubElement(body, "outline", text=outline.category)
                groups[outline.category] = parent
        attrs = {"type": "rss", "text": outline.title or outline.xml_url}
        if outline.title:
            attrs["title"] = outline.title
        attrs["xmlUrl"] = outline.xml_url
        if outline.html_url:
            attrs["htmlUrl"] = outline.html_url
        if outline.country:
            attrs["country"] = outline.country
        if outline.language:
            attrs["language"] = outline.language
        etree.SubElement(parent, "outline", attrs)
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return result

"""What a page declares about itself: JSON-LD, microdata, OpenGraph, ``<meta>``, ``<link>``.

Pure: a parsed lxml tree in, a :class:`Declared` value out. Nothing here guesses from the
page's layout; that is the text extractor's job (see :mod:`newsdesk.extract.article`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from newsdesk.normalize import jsondata

__all__ = ["Declared", "declared_metadata", "element_text", "is_article_type"]

# schema.org types whose ``articleBody`` is the story text.
_ARTICLE_TYPE = re.compile(r"(?:Article|BlogPosting|Posting|Report)$")
_MAX_JSONLD_CHARS = 2_000_000
_MAX_NODES = 5_000
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "tr",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "dd",
        "dt",
        "hr",
    ]
)
# Not article text, whatever element they sit in: a declared articleBody element often wraps
# the tag list (<footer>), the author box (<aside>), sharing widgets and hidden templates.
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "aside",
        "footer",
        "nav",
        "button",
        "form",
    }
)


@dataclass(frozen=True, slots=True)
class Declared:
    """Metadata as the page states it, raw strings still (dates not parsed)."""

    article_body: str | None = None  # JSON-LD articleBody (longest of the article nodes)
    microdata_body: str | None = None  # text of the element with itemprop=articleBody
    title: str | None = None
    headings: tuple[str, ...] = ()  # text of the first few <h1>
    authors: tuple[str, ...] = ()
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    image: str | None = None
    description: str | None = None


def is_article_type(value: object) -> bool:
    """True for an ``@type`` (string or list) naming an article-like schema.org type."""
    types = value if isinstance(value, list) else [value]
    return any(isinstance(t, str) and _ARTICLE_TYPE.search(t) is not None for t in types)


def _walk(node: object, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every JSON object inside ``node`` (through lists and ``@graph``), bounded in depth."""
    if depth > 20:
        return
    if isinstance(node, list):
        for item in node[:_MAX_NODES]:
            yield from _walk(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in node:
                yield from _walk(node[key], depth + 1)


def _jsonld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "").strip().lower()
        if kind != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw or len(raw) > _MAX_JSONLD_CHARS:
            continue
        # Pages often wrap JSON-LD in HTML comments or CDATA, or leave a trailing ';'.
        raw = re.sub(r"^\s*(?:<!--|/\*\s*<!\[CDATA\[\s*\*/)|(?:-->|/\*\s*\]\]>\s*\*/)\s*$", "", raw)
        raw = raw.rstrip().rstrip(";")
        try:
            data = jsondata.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        objects.extend(_walk(data))
        if len(objects) > _MAX_NODES:
            break
    return objects


def _text(value: object) -> str | None:
    """A plain string from a JSON-LD value (string, list of strings, ``{"name": ...}``)."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, list):
        for item in value:
            found = _text(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        for key in ("name", "@value", "url", "@id"):
            found = _text(value.get(key))
            if found:
                return found
    return None


def _names(value: object) -> tuple[str, ...]:
    """Author names from a JSON-LD ``author`` (string, object, or list of either)."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items[:50]:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, list):
            name = name[0] if name else None
        if isinstance(name, str) and name.strip() and not _looks_like_url(name):
            names.append(" ".join(name.split()))
    return tuple(dict.fromkeys(names))


def _image(value: object) -> str | None:
    if isinstance(value, list):
        for item in value:
            found = _image(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        return _text(value.get("url")) or _text(value.get("contentUrl")) or _text(value.get("@id"))
    return _text(value)


def _looks_like_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "//", "/"))


def _hidden(node: HtmlElement) -> bool:
    if node.get("hidden") is not None or node.get("aria-hidden") == "true":
        return True
    style = node.get("style")
    return style is not None and _HIDDEN_STYLE.search(style) is not None


def element_text(element: HtmlElement) -> str:
    """Visible text of ``element`` with block elements on their own lines."""
    parts: list[str] = []

    def visit(node: HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIP_TAGS or not tag or _hidden(node):
            if node.tail:
                parts.append(node.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            visit(child)
        if block:
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    tail = element.tail
    element.tail = None
    try:
        visit(element)
    finally:
        element.tail = tail
    return clean_lines("".join(parts))


def clean_lines(text: str) -> str:
    """Collapse runs of whitespace inside lines and drop empty lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _body_text(value: object) -> str | None:
    """JSON-LD articleBody as plain text (some sites put HTML or entities in it)."""
    text = _text(value)
    if text is None:
        return None
    if "<" in text and re.search(r"<\s*/?\s*[a-zA-Z][^>]*>", text):
        try:
            fragment = etree.fromstring(f"<div>{text}</div>", etree.HTMLParser())
        except (etree.ParserError, ValueError):
            fragment = None
        if fragment is not None:
            text = element_text(fragment)
    elif "&" in text:
        text = html.unescape(text)
    text = clean_lines(text)
    return text or None


def _first(*values: str | None) -> str | None:
    for value in values:
        if value is not None:
            value = " ".join(value.split())
            if value:
                return value
    return None


def declared_metadata(tree: HtmlElement) -> Declared:
    """Collect what ``tree`` declares; the first source that states a field wins.

    Precedence per field: JSON-LD article node, OpenGraph / ``article:*``, other ``<meta>``,
    then plain HTML (``<title>``, ``<link rel=canonical>``, ``<html lang>``).
    """
    meta: dict[str, str] = {}
    meta_all: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        content = element.get("content")
        key = key.strip().lower()
        if not key or content is None or not content.strip():
            continue
        meta.setdefault(key, content.strip())
        meta_all.setdefault(key, []).append(content.strip())

    article: dict[str, Any] = {}
    body: str | None = None
    site_name: str | None = None
    for obj in _jsonld_objects(tree):
        type_ = obj.get("@type")
        if is_article_type(type_):
            candidate = _body_text(obj.get("articleBody"))
            if candidate and (body is None or len(candidate) > len(body)):
                body = candidate
            if not article or (candidate and candidate == body):
                article = obj
        elif type_ in ("WebSite", "Organization", "NewsMediaOrganization") and site_name is None:
            site_name = _text(obj.get("name"))
    publisher = article.get("publisher")

    microdata: str | None = None
    # XPath filters inside libxml2; ElementPath would build a proxy for every element.
    for element in tree.xpath(".//*[@itemprop]"):
        if "articleBody" in (element.get("itemprop") or "").split():
            microdata = element_text(element) or None
            break

    title_el = tree.find(".//title")
    html_title = title_el.text_content() if title_el is not None else None
    canonical: str | None = None
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            canonical = link.get("href")
            break
    root = tree.getroottree().getroot()
    html_lang = root.get("lang") or root.get("xml:lang") if root is not None else None

    authors = _names(article.get("author"))
    if not authors:
        authors = tuple(
            dict.fromkeys(
                " ".join(a.split())
                for key in (
                    "author",
                    "article:author",
                    "parsely-author",
                    "sailthru.author",
                    "dc.creator",
                    "citation_author",
                )
                for a in meta_all.get(key, [])
                if not _looks_like_url(a)
            )
        )

    headings = tuple(
        " ".join(h.text_content().split()) for _, h in zip(range(3), tree.iter("h1"), strict=False)
    )

    return Declared(
        article_body=body,
        headings=tuple(h for h in headings if h),
        microdata_body=microdata,
        title=_first(
            _text(article.get("headline")),
            meta.get("og:title"),
            meta.get("twitter:title"),
            html_title,
        ),
        authors=authors,
        published=_first(
            _text(article.get("datePublished")),
            meta.get("article:published_time"),
            meta.get("og:article:published_time"),
            meta.get("datepublished"),
            meta.get("parsely-pub-date"),
            meta.get("sailthru.date"),
            meta.get("pubdate"),
            meta.get("publishdate"),
            meta.get("date"),
            meta.get("dc.date.issued"),
            meta.get("dc.date"),
            meta.get("citation_publication_date"),
            _text(article.get("dateCreated")),
        ),
        modified=_first(
            _text(article.get("dateModified")),
            meta.get("article:modified_time"),
            meta.get("og:updated_time"),
            meta.get("datemodified"),
            meta.get("last-modified"),
        ),
        language=_first(
            _text(article.get("inLanguage")),
            html_lang,
            meta.get("og:locale"),
            meta.get("content-language"),
            meta.get("language"),
        ),
        canonical_url=_first(canonical, meta.get("og:url"), _text(article.get("url"))),
        site_name=_first(
            meta.get("og:site_name"),
            _text(publisher) if isinstance(publisher, dict) else None,
            site_name,
            meta.get("application-name"),
        ),
        image=_first(
            meta.get("og:image"),
            meta.get("og:image:url"),
            meta.get("og:image:secure_url"),
            _image(article.get("image")),
            meta.get("twitter:image"),
        ),
        description=_first(
            meta.get("og:description"),
            _text(article.get("description")),
            meta.get("description"),
            meta.get("twitter:description"),
        ),
    )

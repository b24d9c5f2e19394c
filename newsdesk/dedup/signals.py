"""Attribution hints: what a page says about where its text came from.

Pure: page HTML (or none) and the extracted text in, :class:`AttributionHints` out. The hints
are read, not judged: :mod:`newsdesk.dedup.decide` weighs them against the copies found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from newsdesk.dedup.wires import WireRegistry, default_registry
from newsdesk.errors import InvalidURL
from newsdesk.normalize import canonicalize_url, jsondata

__all__ = ["AttributionHints", "attribution_hints"]

_MAX_HTML = 5_000_000
_MAX_JSONLD = 2_000_000
_CREDIT_TEXT = re.compile(
    r"(?:originally\s+(?:appeared|published|posted)|first\s+(?:appeared|published)|"
    r"republished\s+(?:from|with)|reprinted\s+(?:from|with)|"
    r"^\s*(?:source|via|credit|read\s+(?:the\s+)?(?:original|full\s+(?:story|article)))\s*:?)",
    re.IGNORECASE,
)
#: A word every match of _CREDIT_TEXT holds (casefolded): most texts hold none, and looking
#: for them is much cheaper than the pattern.
_CREDIT_WORDS = (
    "originally",
    "first",
    "republished",
    "reprinted",
    "source",
    "via",
    "credit",
    "read",
)
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"')\]]+")
_NAME_CREDIT = re.compile(
    r"(?:originally\s+(?:appeared|published)\s+(?:on|in|at|by)|^\s*source\s*:)\s*"
    r"(?P<name>[A-Z][\w.&' -]{1,60}?)\s*(?:[.,;]|$)",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class AttributionHints:
    """Where a page says its text came from. URLs are canonical (``canonicalize_url``);
    unusable ones are dropped. ``wire_credit`` is the credited wire's name from the wire list
    (:mod:`newsdesk.dedup.wires`). ``credited_urls`` are links given as the source in the
    text ("This article originally appeared on ...", "Source: ..."); ``credited_names``
    are outlets named that way without a link."""

    canonical_url: str | None = None
    original_source_url: str | None = None
    syndication_source_url: str | None = None
    jsonld_is_based_on: str | None = None
    jsonld_publisher: str | None = None
    jsonld_source_org: str | None = None
    wire_credit: str | None = None
    credited_urls: tuple[str, ...] = ()
    credited_names: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str | list[str] | None]:
        """A JSON-ready dict (for a store column); :meth:`from_dict` reads it back."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in ((f, getattr(self, f)) for f in self.__slots__)
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> AttributionHints:
        """The hints stored by :meth:`as_dict`; unknown keys are ignored."""
        values: dict[str, object] = {}
        for name in cls.__slots__:
            value = data.get(name)
            if name in ("credited_urls", "credited_names"):
                values[name] = tuple(str(v) for v in value) if isinstance(value, list) else ()
            else:
                values[name] = value if isinstance(value, str) else None
        return cls(**values)  # type: ignore[arg-type]

    def pointers(self) -> tuple[tuple[str, str], ...]:
        """Every URL the page names as a source, with the name of the signal, strongest
        first: ``(url, "original-source meta")`` ... The page's own canonical URL is among
        them; callers compare it with the page's address to see whether it points away."""
        found: list[tuple[str, str]] = []
        for url, why in (
            (self.original_source_url, "original-source meta"),
            (self.syndication_source_url, "syndication-source meta"),
            (self.jsonld_is_based_on, "JSON-LD isBasedOn"),
            (self.canonical_url, "rel=canonical"),
        ):
            if url:
                found.append((url, why))
        found.extend((url, "credit link") for url in self.credited_urls)
        return tuple(found)


def _canonical(url: object, base: str | None) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return None
    try:
        return canonicalize_url(url.strip(), base=base)
    except InvalidURL:
        return None


def _parse(html: str | bytes) -> HtmlElement | None:
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    html = html[:_MAX_HTML]
    if not html.strip():
        return None
    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    return tree if isinstance(tree, HtmlElement) else None


def _walk(node: object, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 12:
        return
    if isinstance(node, list):
        for item in node[:500]:
            yield from _walk(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in node:
                yield from _walk(node[key], depth + 1)


def _jsonld(tree: HtmlElement) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip().rstrip(";")
        if not raw or len(raw) > _MAX_JSONLD:
            continue
        try:
            found.extend(_walk(jsondata.loads(raw, strict=False)))
        except (ValueError, RecursionError):
            continue
    return found


def _ld_url(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id")
    return value if isinstance(value, str) else None


def _ld_name(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _meta(tree: HtmlElement, *names: str) -> str | None:
    wanted = {n.lower() for n in names}
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        if key in wanted and (meta.get("content") or "").strip():
            return str(meta.get("content")).strip()
    return None


def _link(tree: HtmlElement, rel: str) -> str | None:
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if rel in rels and (link.get("href") or "").strip():
            return str(link.get("href")).strip()
    return None


def _gives_source(text: str) -> bool:
    """Whether ``text`` says it gives its source ("originally appeared on", "Source:")."""
    folded = text.casefold()
    return any(word in folded for word in _CREDIT_WORDS) and bool(_CREDIT_TEXT.search(text))


def _credit_links(tree: HtmlElement, base: str | None) -> list[str]:
    """Links whose paragraph says they are the source ("originally appeared on", "Source:")."""
    urls: list[str] = []
    credits: dict[HtmlElement, bool] = {}  # a parent's verdict, read once for all its links
    for anchor in tree.iter("a"):
        parent = anchor.getparent()
        scope = parent if parent is not None else anchor
        credit = credits.get(scope)
        if credit is None:
            context = " ".join(scope.text_content().split())
            credit = credits[scope] = len(context) <= 400 and _gives_source(context)
        if not credit:
            continue
        url = _canonical(anchor.get("href"), base)
        if url and url not in urls:
            urls.append(url)
    return urls


def attribution_hints(
    html: str | bytes | HtmlElement | None,
    *,
    url: str | None,
    text: str,
    authors: Sequence[str] = (),
    registry: WireRegistry | None = None,
) -> AttributionHints:
    """The :class:`AttributionHints` of one article.

    ``html`` is the whole page when there is one, or its parsed tree (``<link
    rel=canonical>``, ``<meta name="original-source">``, ``<meta name="syndication-source">``,
    JSON-LD ``isBasedOn``,
    ``publisher`` and ``sourceOrganization``, author meta tags, credit links); ``text`` is the
    extracted article text (dateline and byline credits, "originally appeared on" and
    "Source:" lines with a URL or an outlet name); ``authors`` the byline. ``url`` resolves
    relative links. ``registry`` is the wire list (default: the built-in one). Never raises
    on bad markup: what cannot be read is left out.
    """
    wires = registry or default_registry()
    if isinstance(html, HtmlElement):  # parsed already (the extractor's tree)
        tree: HtmlElement | None = html
    else:
        tree = _parse(html) if html else None
    canonical = original = syndication = based_on = publisher = source_org = None
    byline = list(authors)
    credited: list[str] = []
    if tree is not None:
        canonical = _canonical(_link(tree, "canonical"), url)
        original = _canonical(_meta(tree, "original-source") or _link(tree, "original-source"), url)
        syndication = _canonical(_meta(tree, "syndication-source"), url)
        for node in _jsonld(tree):
            based_on = based_on or _canonical(_ld_url(node.get("isBasedOn")), url)
            publisher = publisher or _ld_name(node.get("publisher"))
            source_org = source_org or _ld_name(node.get("sourceOrganization"))
            author = _ld_name(node.get("author"))
            if author:
                byline.append(author)
        for value in (_meta(tree, "author", "article:author", "byl", "dc.creator"),):
            if value and not value.startswith("http"):
                byline.append(value)
        credited.extend(_credit_links(tree, url))
    for line in text.splitlines():
        if _gives_source(line):
            for found in _URL_IN_TEXT.findall(line):
                link = _canonical(found.rstrip(".,;"), url)
                if link and link not in credited:
                    credited.append(link)
    names = tuple(dict.fromkeys(m.group("name").strip() for m in _NAME_CREDIT.finditer(text)))
    wire = wires.credit_in(text, byline)
    if wire is None:
        for name in (source_org, *names):
            wire = wires.wire_named(name)
            if wire is not None:
                break
    return AttributionHints(
        canonical_url=canonical,
        original_source_url=original,
        syndication_source_url=syndication,
        jsonld_is_based_on=based_on,
        jsonld_publisher=publisher,
        jsonld_source_org=source_org,
        wire_credit=wire.name if wire else None,
        credited_urls=tuple(credited),
        credited_names=names,
    )

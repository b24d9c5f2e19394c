"""Make decoded XML safe and uniform before any parser sees it.

Refuses entity declarations (billion laughs, external entities) instead of expanding
them, drops the DOCTYPE (nothing is ever loaded from it), rewrites the XML declaration
to UTF-8 and turns HTML named entities (``&eacute;``), which RSS 0.91 borrowed from a
DTD we no longer load, into numeric references every XML parser understands.
"""

from __future__ import annotations

import re
from html.entities import name2codepoint

from lxml import etree

from newsdesk.errors import UnsafeXML

__all__ = ["RECOVER_PARSER", "SAFE_PARSER", "prepare_xml"]

_DECL = re.compile(r"<\?xml\b[^>]*>", re.I)
_DOCTYPE = re.compile(r"<!DOCTYPE\b(?:[^\[>]*)(?:\[(?P<subset>.*?)\]\s*)?>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ROOT_START = re.compile(r"<[A-Za-z_]")
_ENTITY_DECL = re.compile(r"<!ENTITY", re.I)
_NAMED_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_PROLOG_SCAN = 4096  # a DOCTYPE must come before the root element

# Parsers for our own reads: never resolve entities, never touch the network, refuse
# pathological trees instead of allocating for them.
SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)
RECOVER_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)


def _named_to_numeric(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    codepoint = name2codepoint.get(name)
    return f"&#{codepoint};" if codepoint is not None else f"&amp;{name};"


def prepare_xml(text: str) -> bytes:
    """Return ``text`` as safe UTF-8 XML bytes.

    Raises UnsafeXML when the document declares entities (internal or external).
    """
    start = text.find("<")
    if start > 0:
        text = text[start:]
    head = text[:_PROLOG_SCAN]
    doctype = _DOCTYPE.search(head)
    if doctype is None and "<!DOCTYPE" in head.upper() and "[" in head:
        # An internal subset longer than the scan window: look at the whole prolog.
        doctype = _DOCTYPE.search(text)
    if doctype is not None:
        subset = doctype.group("subset") or ""
        if _ENTITY_DECL.search(subset):
            count = len(_ENTITY_DECL.findall(subset))
            raise UnsafeXML(
                f"document declares {count} XML entit{'y' if count == 1 else 'ies'} in its "
                "DOCTYPE; entity declarations are refused (expansion bombs, external files)"
            )
        text = text[: doctype.start()] + text[doctype.end() :]
    elif _ENTITY_DECL.search(head):
        raise UnsafeXML("document declares XML entities outside a readable DOCTYPE; refused")
    # One declaration, saying UTF-8 (duplicates and lies about the charset are dropped).
    root = _ROOT_START.search(text)
    cut = root.start() if root else len(text)
    # Comments go first: one may quote a declaration ("<?xml ... ?>") we must not cut.
    prolog = _DECL.sub("", _COMMENT.sub("", text[:cut]))
    text = (prolog + text[cut:]).lstrip()
    if "&" in text:
        text = _NAMED_ENTITY.sub(_named_to_numeric, text)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + text.encode("utf-8", "replace")

"""Make decoded XML safe and uniform before any parser sees it.

Refuses entity declarations (billion laughs, external entities) instead of expanding
them, drops the DOCTYPE (nothing is ever loaded from it), rewrites the XML declaration
to UTF-8, turns HTML named entities (``&eacute;``), which RSS 0.91 borrowed from a
DTD we no longer load, into numeric references every XML parser understands, and
references to characters XML forbids (``&#xD800;``) into U+FFFD (a surrogate pair
written as two references into the character it encodes).
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
# A numeric character reference that may name a character XML forbids: a control below
# U+0020 other than tab, LF and CR; U+D000-DFFF or U+F000-FFFF (surrogates, U+FFFE/FFFF);
# past U+FFFFF. A superset checked exactly by _valid_char_refs, narrow enough that the
# common references (&#8217;, &#xA;) are not even matched.
_REF = (
    r"&#(?:[xX](0*(?:[0-8BCEFbcef]|1[0-9A-Fa-f]|[dDfF][0-9A-Fa-f]{3}|[0-9A-Fa-f]{6,16}))"
    r"|(0*(?:[0-8]|1[124-9]|2[0-9]|3[01]|5[5-7][0-9]{3}|655[0-9]{2}|[0-9]{7,20})));"
)
#: Such a reference, and one right after it (the other half of a surrogate pair).
_CHAR_REF = re.compile(f"{_REF}(?:{_REF})?")
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


def _code(hexa: str | None, decimal: str | None) -> int:
    return int(hexa, 16) if hexa is not None else int(decimal or "0")


def _valid_ref(code: int) -> str:
    allowed = (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )
    return f"&#{code};" if allowed else "&#xFFFD;"


def _valid_char_refs(match: re.Match[str]) -> str:
    """Numeric references that XML forbids (a UTF-16 surrogate, a C0 control, U+FFFE,
    beyond U+10FFFF) as U+FFFD; a surrogate pair written as two references (an emoji
    split by a UTF-16 encoder, "&#xD83D;&#xDE00;") as the one character it encodes.
    libxml2 recovers from most bad references, but a surrogate made it give up the whole
    document, every other item with it."""
    first = _code(match.group(1), match.group(2))
    if match.group(3) is None and match.group(4) is None:
        return _valid_ref(first)
    second = _code(match.group(3), match.group(4))
    if 0xD800 <= first <= 0xDBFF and 0xDC00 <= second <= 0xDFFF:
        return _valid_ref(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
    return _valid_ref(first) + _valid_ref(second)


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
        if "&#" in text:
            text = _CHAR_REF.sub(_valid_char_refs, text)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + text.encode("utf-8", "replace")

"""Page bytes -> text: BOM, then the declared charset, then UTF-8, then detection.

Pure: bytes in, ``(text, encoding)`` out.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

__all__ = ["decode_html", "looks_like_html"]

# The declared charset lives in the first few KB (HTML spec: the prescan reads 1024 bytes;
# real pages often put it later, after long comments or scripts).
_PRESCAN_BYTES = 16_384
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels that pages declare but mean something wider (WHATWG encoding standard).
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "utf8": "utf-8",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
}
_DETECT_BYTES = 200_000

_HTML_MARKER = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|meta|title|p|div|article|main|section|span|br|h[1-6]|a\s)",
    re.IGNORECASE,
)


def _codec(label: str) -> str | None:
    name = label.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _is_utf8_text(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode page bytes; returns ``(text, encoding_used)``. Never raises.

    Order: byte-order mark, ``<meta charset>`` / ``http-equiv`` declaration (if the bytes
    actually decode with it), strict UTF-8, charset detection, and finally cp1252 with
    replacement characters.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name
    match = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    if match is not None:
        declared = _codec(match.group(1).decode("ascii", errors="ignore"))
        # A page declaring UTF-16 in ASCII-compatible bytes is lying (HTML spec says: UTF-8).
        # Bytes that are valid UTF-8 with non-ASCII content are UTF-8 whatever a legacy
        # single-byte declaration says (a stale template header, a CMS migration).
        if declared is not None and declared != "utf-8" and _is_utf8_text(data):
            return data.decode("utf-8"), "utf-8"
        if declared is not None and not declared.startswith("utf-16"):
            try:
                return data.decode(declared), declared
            except UnicodeDecodeError:
                pass  # wrong declaration: fall through to UTF-8 and detection
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[:_DETECT_BYTES]).best()
    if best is not None:
        name = _codec(best.encoding) or "cp1252"
        return data.decode(name, errors="replace"), name
    return data.decode("cp1252", errors="replace"), "cp1252"


def looks_like_html(text: str) -> bool:
    """True if the start of ``text`` has an HTML tag and no NUL bytes (binary)."""
    head = text[:100_000]
    if "\x00" in head:
        return False
    return _HTML_MARKER.search(head) is not None

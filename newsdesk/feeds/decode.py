"""Bytes to clean text: BOM, declared charsets, detection and mojibake repair.

The parsers downstream only ever see clean UTF-8. Every guess made here is recorded as a
warning so a feed that lies about its charset can be spotted in the source's history.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["Decoded", "declared_charset", "decode_body", "has_mojibake"]

_XML_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']?([A-Za-z0-9._:-]+)""")
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
# Characters XML 1.0 forbids; lxml stops at them, so they are dropped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# UTF-8 read as cp1252/latin-1: a lead byte (Ã Â Ð Ñ â ...) followed by a continuation byte
# shown as a cp1252 or C1 character. Two or more of these almost never occur in real text.
_MOJIBAKE = re.compile(
    "[ÂÃÅÆÐÑØÙâãäåæçèé][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
    "\u20ac\u2122]"
)
_MOJIBAKE_LEADS = ("Ã", "Â", "â€", "Ð", "Ñ")
_CP1252_SPECIALS = {
    bytes([b]).decode("cp1252"): b
    for b in range(0x80, 0xA0)
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_CONT = "[\u0080-\u00bf" + "".join(_CP1252_SPECIALS) + "]"
# A lead byte and its continuation bytes, each shown as one cp1252 (or C1) character.
_MOJIBAKE_RUN = re.compile(
    f"(?:[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}})+"
)
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_SYMBOL_IN_WORD = re.compile(
    "[A-Za-z\u00c0-\u00ff][\u00a1-\u00b6\u00b8-\u00bf\u00d7\u00f7][a-z\u00df-\u00ff]"
)
_ACCENTED_WORD = re.compile(r"[^\W\d_]*[^\x00-\x7f\W\d_][^\W\d_]*")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels browsers treat as windows-1252; feeds that say latin-1 almost always mean it.
_AS_CP1252 = {"iso8859-1", "latin-1", "ascii", "cp1252"}


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from a feed body, the codec used and what was repaired."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    # Bytes that are not UTF-8 inside otherwise-UTF-8 text are read as cp1252 (mixed docs).
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace").replace("\ufffd", ""), error.end


codecs.register_error("newsdesk-cp1252", _cp1252_fallback)


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset named by the HTTP header, else by the XML declaration or HTML meta."""
    if content_type:
        match = _HTTP_CHARSET.search(content_type)
        if match:
            return match.group(1)
    head = body[:1024]
    found = _XML_DECL_ENCODING.match(head) or _META_CHARSET.search(head)
    return found.group(1).decode("ascii", "replace") if found else None


def has_mojibake(text: str) -> int:
    """How many UTF-8-read-as-cp1252 sequences (``Ã©``, ``â€™``, ``Ð¯``) ``text`` holds."""
    return len(_MOJIBAKE.findall(text))


def decode_body(body: bytes, *, content_type: str | None = None) -> Decoded:
    """Decode a feed body to text.

    Order of evidence: a byte-order mark; bytes that are valid UTF-8 (valid non-ASCII
    UTF-8 is almost never an accident); the declared charset (HTTP header, XML
    declaration, HTML meta); detection with charset-normalizer. Double-encoded UTF-8 is
    repaired with ftfy when that clearly reduces the damage. Never raises.
    """
    notes: list[str] = []
    text, encoding = _decode(body, content_type, notes)
    text = _repair_mojibake(text, notes)
    if _XML_ILLEGAL.search(text):
        text = _XML_ILLEGAL.sub("", text)
        notes.append("removed control characters not allowed in XML")
    return Decoded(text=text, encoding=encoding, warnings=tuple(notes))


def _decode(body: bytes, content_type: str | None, notes: list[str]) -> tuple[str, str]:
    for bom, name in _BOMS:
        if body.startswith(bom):
            rest = body[len(bom) :]
            try:
                text = rest.decode(name)
            except UnicodeDecodeError:
                fallback = "newsdesk-cp1252" if name == "utf-8" else "replace"
                text = rest.decode(name, errors=fallback)
                notes.append(f"invalid {name} bytes after a {name} byte-order mark")
            return text, name.replace("-le", "").replace("-be", "")
    if body[:2] == b"<\x00":  # UTF-16 without a BOM
        return body.decode("utf-16-le", errors="replace"), "utf-16"
    if body[:2] == b"\x00<":
        return body.decode("utf-16-be", errors="replace"), "utf-16"

    label = declared_charset(body, content_type)
    declared = _codec_name(label)
    if label and declared is None:
        notes.append(f"unknown charset {label!r} declared")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if declared not in (None, "utf-8") and not body.isascii():
            notes.append(f"charset declared {label} but was utf-8")
        return text, "utf-8"

    if declared and declared.startswith("utf-16"):
        return body.decode(declared, errors="replace"), "utf-16"
    if declared and declared != "utf-8":
        if declared in _AS_CP1252:
            return body.decode("cp1252", errors="newsdesk-cp1252"), "windows-1252"
        try:
            return body.decode(declared), declared
        except UnicodeDecodeError:
            notes.append(f"bytes invalid in declared charset {label}")
    return _detect(body, label, notes)


def _detect(body: bytes, label: str | None, notes: list[str]) -> tuple[str, str]:
    valid_multibyte = len(re.findall(rb"[\xc2-\xf4][\x80-\xbf]+", body))
    invalid = len(body.decode("utf-8", errors="replace").split("\ufffd")) - 1
    if valid_multibyte > 2 * invalid:
        # Mostly UTF-8 with a few stray legacy bytes: keep the UTF-8, read strays as cp1252.
        notes.append(
            f"charset declared {label or 'nothing'} but was mostly utf-8 ({invalid} bad bytes)"
        )
        return body.decode("utf-8", errors="newsdesk-cp1252"), "utf-8"
    if _looks_western(body):
        encoding: str | None = "cp1252"
    else:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        encoding = _codec_name(best.encoding) if best is not None else None
    if encoding is None or encoding == "utf-8":
        encoding = "windows-1252"
    if encoding in _AS_CP1252:
        encoding = "windows-1252"
    notes.append(
        f"charset declared {label} but was {encoding}"
        if label
        else f"charset undeclared, detected {encoding}"
    )
    return body.decode(encoding, errors="replace"), encoding


def _looks_western(body: bytes) -> bool:
    """Whether legacy bytes read sensibly as windows-1252 (West European text).

    Detection libraries guess poorly between single-byte charsets on short texts
    (French came out as cp1257), so the commonest case is checked first: no bytes
    undefined in cp1252; accented letters a minority in the words that hold any (West
    European words keep most letters ASCII, ``très``; Cyrillic read as cp1252 gives words
    of accented letters only, ``Ïðèâåò``); no symbols inside words (Polish cp1250 read as
    cp1252 gives ``ma³y``).
    """
    if _CP1252_UNDEFINED.search(body):
        return False
    text = body.decode("cp1252")
    words = _ACCENTED_WORD.findall(text)
    letters = sum(len(word) for word in words)
    accented = sum(1 for word in words for ch in word if not ch.isascii())
    if accented * 2 > letters:
        return False
    return _SYMBOL_IN_WORD.search(text) is None


def _sloppy_cp1252(text: str) -> bytes | None:
    """The bytes ``text`` came from when UTF-8 was misread as cp1252 (C1 controls kept)."""
    out = bytearray()
    for ch in text:
        code = ord(ch)
        if code < 0x100:
            out.append(code)
        else:
            byte = _CP1252_SPECIALS.get(ch)
            if byte is None:
                return None
            out.append(byte)
    return bytes(out)


def _unmojibake(match: re.Match[str]) -> str:
    raw = _sloppy_cp1252(match.group(0))
    if raw is None:
        return match.group(0)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return match.group(0)


def _repair_mojibake(text: str, notes: list[str]) -> str:
    """Undo UTF-8 that was read as cp1252 and saved again as UTF-8 (double encoding).

    Each suspicious run is mapped back to bytes and kept only if they are valid UTF-8;
    the repair is accepted only when it removes nearly all the damage, so a document
    that legitimately quotes "Ã©" once is left alone. (ftfy.fix_encoding does the same
    on these files but took 80% of the parse time.)
    """
    # Cheap substring probes first: double-encoded Latin, punctuation and Cyrillic always
    # show one of these leads. (CJK mojibake is not repaired.)
    if not any(lead in text for lead in _MOJIBAKE_LEADS) or _MOJIBAKE.search(text) is None:
        return text
    before = has_mojibake(text)
    if before < 2:
        return text
    fixed = _MOJIBAKE_RUN.sub(_unmojibake, text)
    if has_mojibake(fixed) * 4 <= before:
        notes.append("repaired double-encoded UTF-8")
        return fixed
    return text

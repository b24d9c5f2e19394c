"""JSON text -> Python values whose strings are all valid Unicode.

A JSON escape can encode half of a UTF-16 surrogate pair on its own (``"\\ud83d"``: an
emoji cut in two by a truncating or UTF-16-minded encoder). Python's decoder keeps such a
lone surrogate, and a string holding one can be neither encoded as UTF-8 nor stored: one
bad title in a JSON Feed made every poll of the feed fail, its good items with it. Here a
lone surrogate becomes U+FFFD; a proper pair is joined by the decoder as usual.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["loads", "without_lone_surrogates"]

_SURROGATE = re.compile("[\ud800-\udfff]")
# The escape of a surrogate in JSON text (\ud800-\udfff), or a raw one already in a str.
_MAY_HOLD_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}|[\ud800-\udfff]")


def without_lone_surrogates(text: str) -> str:
    """``text`` with each lone UTF-16 surrogate (which no UTF-8 encoder takes) as U+FFFD."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return without_lone_surrogates(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


def loads(text: str, *, strict: bool = True) -> Any:
    """``json.loads(text, strict=strict)`` with lone surrogates replaced by U+FFFD.

    Raises what ``json.loads`` raises: ValueError (``json.JSONDecodeError``) for invalid
    JSON, RecursionError for nesting too deep to decode.
    """
    data = json.loads(text, strict=strict)
    if _MAY_HOLD_SURROGATE.search(text) is None:  # nearly always: nothing to walk
        return data
    return _clean(data)

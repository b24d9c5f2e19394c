"""jsondata.loads: JSON whose strings are all valid Unicode."""

from __future__ import annotations

import json

import pytest

from newsdesk.normalize import jsondata


def test_lone_surrogates_become_replacement_characters_everywhere() -> None:
    text = r'{"t": "a \ud800 b", "pair": "\ud83d\ude00", "l": [["\udc00"]], "\ud800k": 1}'
    assert jsondata.loads(text) == {
        "t": "a \ufffd b",
        "pair": "\U0001f600",
        "l": [["\ufffd"]],
        "\ufffdk": 1,
    }
    assert json.dumps(jsondata.loads(text), ensure_ascii=False).encode("utf-8")  # storable


def test_json_without_surrogates_is_read_as_is() -> None:
    text = '{"a": [1, 2.5, null, true], "b": "caf\\u00e9 \\u2019"}'
    assert jsondata.loads(text) == json.loads(text)


def test_errors_are_those_of_json() -> None:
    with pytest.raises(json.JSONDecodeError):
        jsondata.loads('{"a": ')
    assert jsondata.loads('{"a": "tab\there"}', strict=False) == {"a": "tab\there"}
    with pytest.raises(json.JSONDecodeError):
        jsondata.loads('{"a": "tab\there"}')

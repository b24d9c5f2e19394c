"""entry_keys and content_hash."""

from __future__ import annotations

import hashlib

import pytest

from newsdesk.model import FeedItem
from newsdesk.normalize import content_hash, entry_keys, is_junk_guid
from newsdesk.normalize.identity import MAX_GUID_LENGTH

URL = "https://example.com/a"


def _item(guid: str | None = None, title: str = "Title", summary: str = "") -> FeedItem:
    return FeedItem(guid=guid, url=URL, title=title, summary=summary)


@pytest.mark.parametrize(
    ("guid", "junk"),
    [
        (None, True),
        ("", True),
        ("   ", True),
        ("0", True),
        ("-1", True),
        ("null", True),
        ("NULL", True),
        ("None", True),
        ("undefined", True),
        ("7", True),
        ("123", True),
        (" 42 ", True),
        ("1234", False),
        ("tag:example.com,2024:1", False),
        ("https://example.com/a", False),
        ("a3f9c2", False),
        ("١٢٣", False),  # non-ASCII digits are a real (if odd) identifier
    ],
)
def test_is_junk_guid(guid: str | None, junk: bool) -> None:
    assert is_junk_guid(guid) is junk


def test_keys_in_priority_order() -> None:
    keys = entry_keys(_item("tag:x,2024:1"), canonical_url=URL)
    assert [key.split(":", 1)[0] for key in keys] == ["guid", "url", "text"]
    assert keys[0] == "guid:tag:x,2024:1"
    assert keys[1] == f"url:{URL}"


@pytest.mark.parametrize("guid", [None, "", "0", "null", "12"])
def test_junk_guid_is_skipped(guid: str | None) -> None:
    keys = entry_keys(_item(guid), canonical_url=URL)
    assert keys[0] == f"url:{URL}"
    assert not any(key.startswith("guid:") for key in keys)


def test_guid_equal_to_url_is_kept() -> None:
    assert entry_keys(_item(URL), canonical_url=URL)[0] == f"guid:{URL}"


def test_guid_is_trimmed() -> None:
    assert entry_keys(_item("  abc-1  "), canonical_url=None)[0] == "guid:abc-1"


def test_overlong_guid_is_hashed() -> None:
    guid = "x" * (MAX_GUID_LENGTH + 1)
    key = entry_keys(_item(guid), canonical_url=None)[0]
    assert key == "guid:sha256:" + hashlib.sha256(guid.encode()).hexdigest()


def test_no_url_key_without_canonical_url() -> None:
    keys = entry_keys(_item("abcd"), canonical_url=None)
    assert [key.split(":", 1)[0] for key in keys] == ["guid", "text"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Chip  Export Rules", "New rules."), ("chip export rules", "new   rules.")),
        (("Ｃｈｉｐ rules", ""), ("chip rules", "")),
        (("T", "s" * 200 + "TAIL ONE"), ("T", "s" * 200 + "tail two")),
    ],
)
def test_text_key_ignores_case_space_width_and_late_summary(
    a: tuple[str, str], b: tuple[str, str]
) -> None:
    key_a = entry_keys(_item(None, *a), canonical_url=None)
    key_b = entry_keys(_item(None, *b), canonical_url=None)
    assert key_a == key_b
    assert key_a[0].startswith("text:")


def test_text_key_differs_for_different_titles() -> None:
    a = entry_keys(_item(None, "Live updates", "Day 1"), canonical_url=None)
    b = entry_keys(_item(None, "Live updates", "Day 2"), canonical_url=None)
    assert a != b


def test_empty_entry_has_no_keys() -> None:
    assert entry_keys(FeedItem(guid="0", url=None, title="  "), canonical_url=None) == ()


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Hello  World\n", "hello world", True),
        ("ＡＢＣ", "abc", True),
        ("Straße", "STRASSE", True),
        ("hello world", "hello, world", False),
        ("", "   ", True),
    ],
)
def test_content_hash(a: str, b: str, same: bool) -> None:
    assert (content_hash(a) == content_hash(b)) is same
    assert len(content_hash(a)) == 64


def test_content_hash_survives_lone_surrogates() -> None:
    assert len(content_hash("bad \ud800 text")) == 64

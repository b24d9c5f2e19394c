"""Autodiscovery, text cleaning, dates and decoding helpers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdesk.feeds import COMMON_FEED_PATHS, discover_feed_links
from newsdesk.feeds.decode import decode_body, has_mojibake
from newsdesk.feeds.text import plain_text, to_utc


def test_discovery_in_page_order_with_base_and_types() -> None:
    page = """<html><head><base href="https://cdn.example/site/">
    <!-- <link rel="alternate" type="application/rss+xml" href="/commented-out"> -->
    <link rel="alternate" type="application/atom+xml" href="atom.xml" title="Atom">
    <link type='application/rss+xml' rel='alternate home' href='https://other.example/rss'>
    <link rel="alternate" type="application/feed+json" href="/feed.json">
    <link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/1">
    <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
    <link rel="stylesheet" type="application/rss+xml" href="/not-alternate">
    <LINK REL="alternate" TYPE="application/rss+xml" HREF="atom.xml">
    </head></html>"""
    assert discover_feed_links(page, base_url="https://www.example/page") == (
        "https://cdn.example/site/atom.xml",
        "https://other.example/rss",
        "https://cdn.example/feed.json",
        "https://cdn.example/wp-json/wp/v2/posts/1",
    )


def test_discovery_accepts_bytes_and_finds_nothing_gracefully() -> None:
    assert discover_feed_links(b"<html><body>plain</body></html>", base_url="https://a.b/") == ()
    assert discover_feed_links(b"\xff\xfe garbage", base_url="https://a.b/") == ()


def test_common_paths() -> None:
    for path in ("/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml"):
        assert path in COMMON_FEED_PATHS
    assert "/feeds/posts/default" in COMMON_FEED_PATHS
    assert "/?feed=rss2" in COMMON_FEED_PATHS
    assert all(p.startswith("/") for p in COMMON_FEED_PATHS)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Hello\n\t world  ", "Hello world"),
        ("<p>A <b>bold</b> move</p><p>Next</p>", "A bold move Next"),
        ("Fish &amp; Chips &eacute;t&eacute;", "Fish & Chips été"),
        ("Double &amp;eacute; escaped", "Double é escaped"),
        ("&lt;i&gt;Escaped&lt;/i&gt; markup", "Escaped markup"),
        ("<![CDATA[Inside]]>", "Inside"),
        ("zero\u200bwidth", "zerowidth"),
        ("<script>alert(1)</script>Text", "Text"),
        ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
        (None, ""),
    ],
)
def test_plain_text(raw: str | None, clean: str) -> None:
    assert plain_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("2024-05-01T14:00:00+02:00", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("Wed, 01 May 2024 12:00:00 GMT", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("Wed, 01 May 2024 08:00:00 EDT", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("May 1, 2024 12:00 PM", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_to_utc(raw: str | None, expected: datetime | None) -> None:
    assert to_utc(raw) == expected


def test_decode_prefers_valid_utf8_and_reports_lies() -> None:
    decoded = decode_body("Grüße".encode(), content_type="text/xml; charset=iso-8859-1")
    assert (decoded.text, decoded.encoding) == ("Grüße", "utf-8")
    assert decoded.warnings == ("charset declared iso-8859-1 but was utf-8",)


def test_decode_mixed_utf8_with_stray_latin1_bytes() -> None:
    body = "<t>café crème brûlée déjà vu</t>".encode() + b"<u>na\xefve</u>"
    decoded = decode_body(body)
    assert decoded.text.endswith("<u>naïve</u>")
    assert "crème brûlée" in decoded.text
    assert "\ufffd" not in decoded.text


def test_decode_drops_xml_illegal_controls() -> None:
    decoded = decode_body(b"<t>a\x00b\x1bc</t>")
    assert decoded.text == "<t>abc</t>"


def test_mojibake_detector() -> None:
    assert has_mojibake("ActualitÃ©s Ã\u00a0la une â€™") >= 3
    assert has_mojibake("Actualités à la une ’ Ñoño Ångström") == 0

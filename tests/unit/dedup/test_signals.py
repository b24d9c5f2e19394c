"""attribution_hints: what a page says about its source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.dedup.signals import AttributionHints, attribution_hints

URL = "https://copy.example/news/story"


def page(head: str = "", body: str = "<p>Text.</p>") -> str:
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


@pytest.mark.parametrize(
    ("html", "field", "expected"),
    [
        (
            page('<link rel="canonical" href="https://orig.example/a?utm_source=x">'),
            "canonical_url",
            "https://orig.example/a",
        ),
        (page('<link rel="canonical" href="/news/story">'), "canonical_url", URL),
        (
            page('<meta name="original-source" content="https://orig.example/a">'),
            "original_source_url",
            "https://orig.example/a",
        ),
        (
            page('<meta name="syndication-source" content="https://orig.example/a">'),
            "syndication_source_url",
            "https://orig.example/a",
        ),
        (
            page(
                '<script type="application/ld+json">'
                + json.dumps(
                    {
                        "@type": "NewsArticle",
                        "isBasedOn": {"@id": "https://orig.example/a"},
                        "publisher": {"name": "Copy Times"},
                        "sourceOrganization": {"name": "Reuters"},
                    }
                )
                + "</script>"
            ),
            "jsonld_is_based_on",
            "https://orig.example/a",
        ),
        (
            page(
                body='<p>This article originally appeared on <a href="https://orig.example/a">Orig</a>.</p>'
            ),
            "credited_urls",
            ("https://orig.example/a",),
        ),
        (
            page(body='<p>More at <a href="https://other.example/">Other</a>.</p>'),
            "credited_urls",
            (),
        ),
        (
            page('<meta name="author" content="Associated Press">'),
            "wire_credit",
            "Associated Press",
        ),
        (page('<link rel="canonical" href="javascript:alert(1)">'), "canonical_url", None),
        ("", "canonical_url", None),
        (b"\xff\xfe<html>", "canonical_url", None),
    ],
)
def test_page_hints(html: str | bytes, field: str, expected: object) -> None:
    hints = attribution_hints(html, url=URL, text="Some text.")
    assert getattr(hints, field) == expected


def test_jsonld_publisher_and_source_org() -> None:
    ld = {
        "@graph": [
            {
                "@type": "NewsArticle",
                "publisher": {"name": "Copy Times"},
                "sourceOrganization": {"name": "Reuters"},
            }
        ]
    }
    html = page(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    hints = attribution_hints(html, url=URL, text="Body.")
    assert hints.jsonld_publisher == "Copy Times"
    assert hints.jsonld_source_org == "Reuters"
    assert hints.wire_credit == "Reuters"


@pytest.mark.parametrize(
    ("text", "urls", "names", "wire"),
    [
        ("LONDON (Reuters) - Text.", (), (), "Reuters"),
        ("Text.\nSource: https://orig.example/a", ("https://orig.example/a",), (), None),
        ("Text.\nThis story originally appeared on The Orig Post.", (), ("The Orig Post",), None),
        ("Plain text without any credit.", (), (), None),
    ],
)
def test_text_hints(
    text: str, urls: tuple[str, ...], names: tuple[str, ...], wire: str | None
) -> None:
    hints = attribution_hints(None, url=URL, text=text)
    assert hints.credited_urls == urls
    assert hints.credited_names == names
    assert hints.wire_credit == wire


def test_pointers_order() -> None:
    hints = AttributionHints(
        canonical_url="https://c.example/",
        original_source_url="https://o.example/",
        credited_urls=("https://l.example/",),
    )
    assert [why for _, why in hints.pointers()] == [
        "original-source meta",
        "rel=canonical",
        "credit link",
    ]


def test_aggregator_page_has_no_credit(shared_data: Path) -> None:
    text = (shared_data / "aggregator-example" / "page.txt").read_text(encoding="utf-8")
    hints = attribution_hints(None, url="https://vigourtimes.com/eu-japan", text=text)
    # "Reference" stands alone, with no link; the photo credit names Bloomberg but is not a
    # credit of the text; the footer promises a link that is not there.
    assert hints.credited_urls == ()
    assert hints.wire_credit is None
    assert hints.pointers() == ()


def test_hints_round_trip_through_a_dict() -> None:
    hints = AttributionHints(
        canonical_url="https://o.example/a",
        wire_credit="AFP",
        credited_urls=("https://x.example/",),
    )
    stored = json.loads(json.dumps(hints.as_dict()))
    assert AttributionHints.from_dict(stored) == hints
    assert AttributionHints.from_dict({}) == AttributionHints()

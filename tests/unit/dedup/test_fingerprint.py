"""fingerprint: boilerplate, tokens, signatures, band keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.dedup.fingerprint import (
    Fingerprint,
    FingerprintOptions,
    band_keys,
    exact_keys,
    fingerprint,
    shingle_set,
    signature_from_bytes,
    strip_boilerplate,
    text_hash,
    tokens,
)

ARTICLE = """The city council voted on Tuesday to extend the night bus network to the eastern
suburbs, after a two-year campaign by residents who said the last service left too early.

The extension, which will cost 4.2 million euros a year, adds six routes and runs until
3 a.m. on weekdays. Council member Ana Ruiz said the vote was "a promise kept".

Opponents argued that the money would be better spent on daytime frequency, and the
transport union asked for guarantees on drivers' hours before the new timetable starts
in March."""


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("Advertisement", True),
        ("Share this article", True),
        ("Subscribe to our newsletter for daily updates", True),
        ("Leave a Comment", True),
        ("DMCA compliant image", True),
        ("Reference", True),
        ("Copyright 2024 Example Media. All rights reserved.", True),
        ("Angel Garcia | Bloomberg | Getty Images", True),
        ("Denial of responsibility! X is an automatic aggregator of Global media.", True),
        ("Read more: the latest headlines", True),
        ("Continue reading: https://example.com/a", True),
        ("Source: https://example.com/a", True),
        ("The council voted to extend the night bus network.", False),
        ("Sources close to the minister said the plan was dead.", False),
        ("Read the room, the coach told his players before the final.", False),
    ],
)
def test_strip_boilerplate_lines(line: str, dropped: bool) -> None:
    assert (strip_boilerplate(f"Body text here.\n{line}") == "Body text here.") is dropped


def test_strip_boilerplate_drops_repeated_lines() -> None:
    assert strip_boilerplate("A line.\nA line.\nB line.") == "A line.\nB line."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, World! 42", ["hello", "world", "42"]),
        ("ＦＵＬＬ width", ["full", "width"]),
        ("東京都 news", ["東", "京", "都", "news"]),
        ("l'été dernier", ["l", "été", "dernier"]),
        ("", []),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_signatures_are_fixed_size_bytes_and_deterministic() -> None:
    fp = fingerprint(ARTICLE)
    assert isinstance(fp, Fingerprint)
    assert len(fp.full) == len(fp.lead) == len(fp.words) == 128 * 4
    assert fp == fingerprint(ARTICLE)
    assert signature_from_bytes(fp.full).shape == (128,)


def test_band_keys_are_63_bit_ints_in_three_families() -> None:
    opts = FingerprintOptions()
    keys = band_keys(fingerprint(ARTICLE), options=opts)
    assert len(keys) == opts.full_bands + opts.lead_bands + opts.words_bands
    assert all(0 <= k < 2**63 for k in keys)
    assert len(set(keys)) == len(keys)


def test_short_text_has_no_band_keys() -> None:
    fp = fingerprint("Breaking news: more soon.")
    assert fp.full == b"" and band_keys(fp) == ()


def test_template_boilerplate_does_not_change_the_fingerprint() -> None:
    framed = f"Advertisement\nShare this article\n{ARTICLE}\nCopyright 2024 Example Media."
    assert fingerprint(framed).full == fingerprint(ARTICLE).full
    assert text_hash(framed) == text_hash(ARTICLE)


def test_near_copies_share_band_keys_and_unrelated_texts_do_not() -> None:
    edited = ARTICLE.replace("six routes", "seven routes").replace("Tuesday", "Monday")
    truncated = ARTICLE.split("\n\n")[0]
    other = "The museum reopened its east wing after a long renovation, " * 4
    keys = set(band_keys(fingerprint(ARTICLE)))
    assert keys & set(band_keys(fingerprint(edited)))
    assert keys & set(band_keys(fingerprint(truncated)))
    assert not keys & set(band_keys(fingerprint(other)))


def test_exact_keys() -> None:
    assert exact_keys() == ()
    keys = exact_keys(canonical_url="https://a.example/x", guid="g1", text_digest="ab")
    assert len(keys) == 3 and len(set(keys)) == 3
    assert exact_keys(canonical_url="https://a.example/x") == keys[:1]


def test_shingle_set_counts_distinct_five_word_shingles() -> None:
    assert len(shingle_set("one two three four five six")) == 2
    assert len(shingle_set("one two three")) == 1


def test_aggregator_page_boilerplate_is_stripped(shared_data: Path) -> None:
    page = (shared_data / "aggregator-example" / "page.txt").read_text(encoding="utf-8")
    body = strip_boilerplate(page)
    for furniture in ("Denial of responsibility", "DMCA", "Leave a Comment", "Getty Images"):
        assert furniture not in body
    assert "\nReference\n" not in f"\n{body}\n"
    # The footer does not count toward similarity: the page and its body alone fingerprint alike.
    article_only = page.split("\nReference\n")[0]
    assert fingerprint(page).full == fingerprint(article_only).full

"""Word counts across scripts: each Chinese or Japanese character is a word."""

from __future__ import annotations

import pytest

from newsdesk.normalize.words import word_count, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The cat sat, on_the mat.", 6),
        ("台湾TSMC、熊本に工場", 8),  # 台 湾 TSMC 熊 本 に 工 場: kana and ideographs one each
        ("ｶﾀｶﾅ", 4),  # half-width katakana
        ("삼성전자 공장 착공", 3),  # Korean puts spaces between words
        ("", 0),
        (None, 0),
    ],
)
def test_word_count(text: str | None, expected: int) -> None:
    assert word_count(text) == expected


def test_words_keep_order_and_case() -> None:
    assert words("TSMCは2026年") == ["TSMC", "は", "2026", "年"]

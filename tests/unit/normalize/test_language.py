"""normalize_language and detect_language."""

from __future__ import annotations

import pytest

from newsdesk.normalize import detect_language, normalize_language


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-US", "en"),
        ("en-us", "en"),
        ("ja_JP", "ja"),
        ("ja-JP", "ja"),
        ("zh-Hant-TW", "zh"),
        ("zh_CN", "zh"),
        ("ko-KR", "ko"),
        ("pt_BR.UTF-8", "pt"),
        ("de_DE@euro", "de"),
        (" fr-FR ", "fr"),
        ("jpn", "ja"),
        ("ger", "de"),
        ("deu", "de"),
        ("zho", "zh"),
        ("kor", "ko"),
        ("cmn-Hans", "zh"),
        ("iw", "he"),
        ("in", "id"),
        ("English", "en"),
        ("日本語", "ja"),
        ("한국어", "ko"),
        ("Deutsch", "de"),
        (None, None),
        ("", None),
        ("   ", None),
        ("und", None),
        ("mul", None),
        ("zxx", None),
        ("x-klingon", None),
        ("i-default", None),
        ("xx", None),
        ("qqq", None),
        ("e", None),
        ("english-ish", None),
        ("12", None),
        ("en" * 500, None),
    ],
)
def test_normalize_language(tag: str | None, expected: str | None) -> None:
    assert normalize_language(tag) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The government announced new export controls on advanced semiconductors and "
            "chipmaking equipment on Tuesday, widening restrictions first imposed last year.",
            "en",
        ),
        (
            "政府は先端半導体の輸出規制を強化する方針を固めた。経済産業省が近く発表する。",
            "ja",
        ),
        (
            "정부는 반도체 수출 규제를 강화하기로 했다고 산업통상자원부가 밝혔다.",
            "ko",
        ),
        (
            "中国商务部宣布对部分半导体材料实施出口管制，以维护国家安全和利益。",
            "zh",
        ),
        (
            "Die Bundesregierung hat neue Exportkontrollen für Halbleiter angekündigt, wie das "
            "Wirtschaftsministerium am Dienstag in Berlin mitteilte.",
            "de",
        ),
        (
            "La Commission européenne a présenté mardi un nouveau règlement sur les semi-"
            "conducteurs afin de renforcer la production en Europe.",
            "fr",
        ),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "hello world", "OK", "12345 67890 !!!", "半導体", "https://example.com/"],
)
def test_detect_language_needs_enough_text(text: str) -> None:
    assert detect_language(text) is None

"""tokenize, extract_features: terms, names and numbers without NLP models."""

from __future__ import annotations

import pytest

from newsdesk.stories.text import extract_features, stem, tokenize


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("The cats are on the roof", "en", ["cat", "roof"]),
        ("Stocks fall 1,000 points", "en", ["stock", "fall", "1000", "point"]),
        ("Magnitude 7,1 quake", "de", ["magnitude", "7.1", "quake"]),
        ("Magnitude 7.1 quake", "en", ["magnitude", "7.1", "quake"]),
        ("Die Regierung und der Kanzler", "de", ["regierung", "kanzler"]),
        ("Le président et la ministre", "fr", ["président", "ministre"]),
        ("Obama's speech", "en", ["obama", "speech"]),
        ("東京都知事", "ja", ["東京", "京都", "都知", "知事"]),
        # CJK has no spaces: Latin words and digits inside it are terms of their own.
        ("台湾TSMC熊本2026年", "ja", ["台湾", "tsmc", "熊本", "2026", "年"]),
        ("英伟达Nvidia发布１２款", "zh", ["英伟", "伟达", "nvidia", "发布", "12", "款"]),
        # Half-width katakana reads as the usual full-width forms; Korean particles glued
        # to a noun do not hide it (bigrams, like CJK).
        ("ｿﾆｰｸﾞﾙｰﾌﾟ", "ja", ["ソニ", "ニー", "ーグ", "グル", "ルー", "ープ"]),
        ("삼성전자는", "ko", ["삼성", "성전", "전자", "자는"]),
        ("", "en", []),
        ("--- !!! ...", None, []),
    ],
)
def test_tokenize(text: str, language: str | None, expected: list[str]) -> None:
    assert tokenize(text, language) == expected


@pytest.mark.parametrize(
    ("word", "language", "expected"),
    [
        ("cities", "en", "city"),
        ("talks", "en", "talk"),
        ("business", "en", "business"),
        ("virus", "en", "virus"),
        ("crisis", "en", "crisis"),
        ("talks", "de", "talks"),
    ],
)
def test_stem(word: str, language: str, expected: str) -> None:
    assert stem(word, language) == expected


def test_names_skip_stopwords_and_count_title_double() -> None:
    features = extract_features(
        "Klitschko stops Thompson",
        "Wladimir Klitschko beat Tony Thompson in Bern. The fight lasted six rounds.",
        "en",
        title_weight=3.0,
        lead_words=100,
    )
    assert features.names["klitschko"] == 3  # twice for the title, once in the text
    assert {"wladimir", "tony", "thompson", "bern"} <= features.names.keys()
    assert "the" not in features.names
    assert features.title_names == {"klitschko", "thompson"}


def test_title_case_headline_names_drop_stopwords() -> None:
    features = extract_features(
        "EBay Asks Shareholders To Vote Against Carl Icahn", "", "en",
        title_weight=2.0, lead_words=50,
    )  # fmt: skip
    assert {"ebay", "carl", "icahn", "shareholder"} <= features.names.keys()
    assert "to" not in features.names


def test_numbers_and_lead_cut() -> None:
    text = "Ships 2,500 units in 2024. " + "filler " * 500 + "Secret 777"
    features = extract_features("Shipping", text, "en", title_weight=2.0, lead_words=20)
    assert {"2500", "2024"} <= features.numbers
    assert "777" not in features.numbers
    assert "secret" not in features.terms
    assert features.terms["shipping"] == 2.0


def test_body_repeating_the_title_is_not_counted_twice() -> None:
    title = "Fire damages Wasilla Bible Church"
    features = extract_features(title, title + " Arson is suspected.", "en",
                                title_weight=2.0, lead_words=100)  # fmt: skip
    assert features.terms["fire"] == 2.0
    assert features.terms["arson"] == 1.0


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("Quake hits Iran", "Published: November 28, 2005 A powerful quake", {"11-28"}),
        ("", "on Sunday, 27 NOVEMBER, 2005 at 16: 12", {"11-27"}),
        ("", "Published on 18th September 2013, then the 5th of May", {"09-18", "05-05"}),
        ("", "MAR. 14, 2013, 8: 12 PM and Sept 3", {"03-14", "09-03"}),
        ("", "First Posted 23: 37: 00 11 / 28 / 05", {"11-28"}),
        # Month and day could be swapped: both readings; an impossible one is dropped.
        ("", "05/04/10", {"05-04", "04-05"}),
        ("", "2013-09-18 and 13/31/2013", {"09-18"}),
        ("Fire on Dec. 31", "", {"12-31"}),
        # Not dates: a lowercase "may", a month alone, a day out of range, a score.
        ("", "it may 5 times; in March; March 42; won 6-3", set()),
    ],
)
def test_dates_written_in_the_text(title: str, text: str, expected: set[str]) -> None:
    features = extract_features(title, text, "en", title_weight=2.0, lead_words=100)
    assert features.dates == expected


@pytest.mark.parametrize(
    ("title", "text", "language", "expected"),
    [
        ("台湾TSMC、熊本第2工場の建設を開始", "2026年12月5日に着工した。", "ja", {"12-05"}),
        ("台积电熊本二厂开工", "于2026年１２月５日正式开工。", "zh", {"12-05"}),
        ("TSMC 2공장 착공", "TSMC는 2026년 12월 5일 착공했다.", "ko", {"12-05"}),
        ("TSMC beginnt am 5. Dezember", "Seit dem 1. März", "de", {"12-05", "03-01"}),
        ("TSMC lance le chantier", "Le 1er décembre 2026, et le 5 août", "fr", {"12-01", "08-05"}),
        ("TSMC inicia obras", "el 5 de diciembre de 2026", "es", {"12-05"}),
        ("TSMC avvia i lavori", "il 5 dicembre 2026", "it", {"12-05"}),
        ("TSMC inicia obras", "em 5 de dezembro de 2026", "pt", {"12-05"}),
        ("TSMC begint", "op 5 december 2026", "nl", {"12-05"}),
        # Language unknown: every language's month names are read.
        ("", "le 5 décembre et el 6 de enero", None, {"12-05", "01-06"}),
        # English text reads no foreign month names ("5 Mars bars"), still no "may 5".
        ("", "ate 5 Mars bars; it may 5 times", "en", set()),
        # Not dates: a month number out of range, a day without a month.
        ("", "13月5日と５日", "ja", set()),
    ],
)
def test_dates_written_in_other_languages(
    title: str, text: str, language: str | None, expected: set[str]
) -> None:
    features = extract_features(title, text, language, title_weight=2.0, lead_words=100)
    assert features.dates == expected


def test_names_and_numbers_inside_cjk_text() -> None:
    features = extract_features(
        "台湾TSMC、熊本第2工場の建設を開始",
        "TSMCは2026年12月5日、投資額1兆2000億円の第2工場に着工した。",
        "ja",
        title_weight=2.0,
        lead_words=100,
    )
    assert features.names == {"tsmc": 3}  # twice in the title, once in the lead
    # The year and the amount's digits are numbers, the amount a key of its own; the month
    # ("12月"), a single digit and the CJK runs are not.
    assert features.numbers == {"2026", "2000", "~1.2e+12"}


@pytest.mark.parametrize(
    ("text", "language", "amount"),
    [
        ("subsidies of up to 732 billion yen", "en", "~7.32e+11"),
        ("Zuschüsse bis 732 Milliarden Yen", "de", "~7.32e+11"),
        ("des subventions de 732 milliards de yens", "fr", "~7.32e+11"),
        ("補助金は最大7320億円", "ja", "~7.32e+11"),
        ("补贴7320亿日元", "zh", "~7.32e+11"),
        ("보조금 7320억원", "ko", "~7.32e+11"),
        # One amount in two parts; "billion" is 10^12 in German.
        ("投資額は1兆2000億円", "ja", "~1.2e+12"),
        ("an investment of 1.2 trillion yen", "en", "~1.2e+12"),
        ("eine Investition von 1,2 Billionen Yen", "de", "~1.2e+12"),
        ("5 mil millones de euros", "es", "~5e+09"),
        ("$2.6 million", None, "~2.6e+06"),
    ],
)
def test_amounts_meet_across_languages(text: str, language: str | None, amount: str) -> None:
    numbers = extract_features("", text, language, title_weight=2.0, lead_words=100).numbers
    assert amount in numbers
    assert sum(1 for n in numbers if n.startswith("~")) == 1

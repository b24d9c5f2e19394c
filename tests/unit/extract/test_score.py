"""The benchmark metric on hand-made cases whose values are worked out by hand."""

from __future__ import annotations

import pytest

from newsdesk.extract.score import PageScore, aggregate, score_page, shingles, tokens


def test_tokens_are_unicode_word_runs_with_case_kept() -> None:
    assert tokens("Hello, wörld! 日本語 テキスト 42_x") == [
        "Hello",
        "wörld",
        "日本語",
        "テキスト",
        "42_x",
    ]


def test_short_text_is_one_shorter_shingle_and_empty_text_none() -> None:
    assert shingles("a b") == {("a", "b"): 1}
    assert shingles(" ,.; ") == {}


def test_both_empty_scores_one_and_stays_out_of_both_means() -> None:
    page = score_page("", "")
    assert (page.precision, page.recall) == (1.0, 1.0)
    assert not page.predicted and not page.expected
    assert aggregate([page, score_page("a b c d", "a b c d")]).f1 == 1.0


def test_exact_match_scores_one() -> None:
    text = "The quick brown fox jumps over the lazy dog.\nSecond line here."
    page = score_page(text, text)
    assert page == PageScore(1.0, 0.0, 0.0)
    assert aggregate([page]).f1 == 1.0


def test_disjoint_scores_zero() -> None:
    page = score_page("one two three four five", "six seven eight nine ten")
    assert page.precision == 0.0 and page.recall == 0.0
    assert aggregate([page]).f1 == 0.0


def test_case_matters() -> None:
    assert score_page("Hello world", "hello world").precision == 0.0


def test_partial_page_by_hand() -> None:
    # predicted shingles: (a b c d), (b c d e); expected: (a b c d), (b c d x)
    # tp=1 fp=1 fn=1 -> each 1/3; precision = recall = 1/2
    page = score_page("a b c d e", "a b c d x")
    assert page.tp == pytest.approx(1 / 3)
    assert page.fp == pytest.approx(1 / 3)
    assert page.fn == pytest.approx(1 / 3)
    assert page.precision == pytest.approx(0.5)
    assert page.recall == pytest.approx(0.5)


def test_shingles_are_a_multiset() -> None:
    # predicted: abcd x2, bcda, cdab, dabc (5); expected: abcd x1 -> tp=1 fp=4 fn=0
    page = score_page("a b c d a b c d", "a b c d")
    assert page.precision == pytest.approx(0.2)
    assert page.recall == pytest.approx(1.0)


def test_aggregate_by_hand() -> None:
    pages = [
        score_page("a b c d e", "a b c d x"),  # P 0.5, R 0.5
        score_page("a b c d", "a b c d"),  # P 1, R 1
        score_page("", "a b c d"),  # nothing predicted: out of the precision mean, R 0
    ]
    scores = aggregate(pages)
    assert scores.pages == 3
    assert scores.precision == pytest.approx(0.75)
    assert scores.recall == pytest.approx(0.5)
    assert scores.f1 == pytest.approx(2 * 0.75 * 0.5 / 1.25)  # 0.6: of the means, not per page


def test_extra_prediction_on_an_empty_reference_is_out_of_the_recall_mean() -> None:
    scores = aggregate([score_page("a b c d", ""), score_page("e f g h", "e f g h")])
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(1.0)

"""The logistic model: probability and the dependency-free fit."""

from __future__ import annotations

import pytest

from newsdesk.stories.learned import COEFFICIENTS, FEATURES, fit_logistic, probability


def test_coefficients_match_features() -> None:
    assert len(COEFFICIENTS) == len(FEATURES) + 1


@pytest.mark.parametrize(
    ("features", "coefficients", "expected"),
    [
        ((0.0,), (1.0, 0.0), 0.5),
        ((1.0,), (1000.0, 0.0), 1.0),
        ((1.0,), (-1000.0, 0.0), 0.0),
        ((2.0, 1.0), (1.0, -2.0, 0.0), 0.5),
    ],
)
def test_probability(features: tuple[float, ...], coefficients: tuple[float, ...],
                     expected: float) -> None:  # fmt: skip
    assert probability(features, coefficients) == pytest.approx(expected)


def test_fit_learns_the_direction_of_each_feature() -> None:
    samples = [(x / 10, 1.0 - x / 10) for x in range(11)] * 3
    labels = [1 if x > 5 else 0 for x in range(11)] * 3
    beta = fit_logistic(samples, labels, l2=0.1)
    assert beta[0] > 0 > beta[1]
    assert probability((0.9, 0.1), beta) > 0.9
    assert probability((0.1, 0.9), beta) < 0.1


@pytest.mark.parametrize(
    ("samples", "labels"),
    [([], []), ([(1.0,)], [1, 0]), ([(1.0,), (1.0, 2.0)], [1, 0])],
)
def test_fit_rejects_bad_input(samples: list[tuple[float, ...]], labels: list[int]) -> None:
    with pytest.raises(ValueError):
        fit_logistic(samples, labels)


def test_embedding_coefficients_match_features() -> None:
    from newsdesk.stories.learned import (
        EMBEDDING_COEFFICIENTS,
        EMBEDDING_FEATURES,
        EMBEDDING_TITLE_COEFFICIENTS,
    )

    width = len(FEATURES) + len(EMBEDDING_FEATURES) + 1
    assert len(EMBEDDING_COEFFICIENTS) == len(EMBEDDING_TITLE_COEFFICIENTS) == width

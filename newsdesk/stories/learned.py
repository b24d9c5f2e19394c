"""The learned join-or-new decision: a logistic regression over the similarity features.

``FEATURES`` names the inputs the clusterer computes for an (article, story) pair;
``COEFFICIENTS`` are the weights fitted on the DEV sets by :func:`fit_logistic` (see
:mod:`newsdesk.stories.train` to re-derive them; the figures are in
docs/design-stories.md). Everything here is pure and dependency-free: the fit is
Newton's method (IRLS) with a small L2 penalty, a few seconds in plain Python for the
~30k pairs the DEV sets give.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "COEFFICIENTS",
    "EMBEDDING_COEFFICIENTS",
    "EMBEDDING_FEATURES",
    "EMBEDDING_TITLE_COEFFICIENTS",
    "FEATURES",
    "TITLE_COEFFICIENTS",
    "fit_logistic",
    "probability",
]

#: Feature names, in the order of the vectors (the bias is the last coefficient).
FEATURES: tuple[str, ...] = (
    "cosine",  # TF-IDF cosine of the article (title + lead) and the story centroid
    "title_cosine",  # TF-IDF cosine of the titles
    "names",  # IDF-weighted share of the article's names found in the story
    "numbers",  # IDF-weighted share of the article's numbers found in the story
    # Time only ever adds to lexical evidence, and fades: a story seen days ago is judged
    # on its words alone (as an undated one is), never refused for its age.
    "cosine_recent_hour",  # cosine / (1 + hours since the story's last article); 0 undated
    "cosine_recent_day",  # cosine / (1 + days since the story's last article); 0 undated
    "log_size",  # ln(1 + articles in the story)
    "title_only",  # 1 when the article has no text beyond its title
    "title_only_cosine",  # cosine x title_only: headlines score lower than full texts
    "rank_gap",  # cosine minus the best other candidate's cosine
    "title_names",  # IDF-weighted share of the title's names found in the story
    "names_cosine",  # IDF-weighted cosine of the article's names and the story's
    "story_names",  # share of the story's name mass (count x idf) the article mentions
    "salient",  # share of the article's three heaviest names found in the story
    "story_salient",  # share of the story's three heaviest names the article mentions
    "closest_member",  # highest TF-IDF cosine with one of the story's latest articles
    "year_conflict",  # share of the article's years the story never mentions (both have some)
    # Both sides name their main people/places and neither holds the other's (two
    # look-alike events); 0 when either names no one.
    "name_conflict",  # (1 - salient) x (1 - story_salient)
    # When the event happened: "on September 18", "09/18/2013" (a day either way).
    "dates",  # share of the article's written dates the story writes too
)

#: Appended to :data:`FEATURES` when ``ClusterOptions.embeddings`` is on (sentence
#: embeddings of title + lead, :mod:`newsdesk.stories.embedding`).
EMBEDDING_FEATURES: tuple[str, ...] = (
    "embedding_cosine",  # cosine of the article's embedding and the story's mean embedding
    "embedding_closest",  # highest cosine with one of the story's latest members
)

#: Fitted on the articles with text and the undated headlines of the DEV sets (ECB+, 772
#: articles, 51 of them a headline only); last is the bias. ECB+ has no dates, so the two
#: time weights are 0: undated evidence only. These are model parameters derived from DEV
#: (re-derive with :mod:`newsdesk.stories.train`), not data.
COEFFICIENTS: tuple[float, ...] = (
    1.0105, -0.4493, 0.7964, 2.4438, 0.0000, 0.0000, -0.2071, 0.7062, 0.1464,
    7.4267, 0.4767, 1.6912, 1.9156, 0.0066, 0.4310, 1.4240, -0.8504, -0.8992,
    3.0588,
    -2.8109,
)  # fmt: skip

#: Fitted on the dated headline-only articles of the DEV sets (UCI, 2,176 headlines),
#: streamed as they are and with their clock run 5, 20 and 100 times faster
#: (:data:`newsdesk.stories.train.SPEED_UPS`): titles share few words, so recency (only
#: ever a bonus on the cosine) matters, but how much depends on how many other headlines
#: arrive in the same hour, and the UCI sample holds only 1 % of them. An undated headline
#: has no recency evidence and is judged by :data:`COEFFICIENTS` instead.
TITLE_COEFFICIENTS: tuple[float, ...] = (
    -6.6051, -5.9727, 0.9918, 0.2465, 30.2452, 1.7320, -0.4391, 0.0000, -6.6051,
    1.7987, 0.9918, -0.0324, 0.9978, -1.5523, -0.2685, -4.7389, -0.1363, -0.8733,
    0.1217,
    -1.0063,
)  # fmt: skip


#: :data:`COEFFICIENTS` refitted with the :data:`EMBEDDING_FEATURES` appended (same
#: articles; MiniLM on the title and 60 words of lead; ``train.py --embeddings``, with the
#: ``dates`` feature).
EMBEDDING_COEFFICIENTS: tuple[float, ...] = (
    0.5554, -0.6278, 0.7316, 2.4292, 0.0000, 0.0000, -0.2859, 0.8274, 0.1372,
    7.3401, 0.4724, 1.5574, 1.7610, -0.0495, 0.3988, 1.1163, -0.8307, -0.5490,
    3.0477,
    1.3129, 1.0320,
    -3.9938,
)  # fmt: skip

#: :data:`TITLE_COEFFICIENTS` refitted with the :data:`EMBEDDING_FEATURES` (same articles,
#: same four stream speeds).
EMBEDDING_TITLE_COEFFICIENTS: tuple[float, ...] = (
    -7.1991, -6.6198, 0.4891, 0.2266, 28.6121, 0.7743, -0.8975, 0.0000, -7.1991,
    1.8092, 0.4891, 0.1706, 0.3696, -1.0202, -0.1826, -5.4660, -0.0670, -0.6663,
    0.4045,
    1.5538, 3.9351,
    -1.8005,
)  # fmt: skip


def probability(features: Sequence[float], coefficients: Sequence[float]) -> float:
    """The logistic model's probability that the article belongs to the story."""
    z = coefficients[-1]
    for value, weight in zip(features, coefficients, strict=False):
        z += value * weight
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the system is small and SPD)."""
    n = len(vector)
    a = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        if abs(a[col][col]) < 1e-12:
            continue
        for row in range(col + 1, n):
            factor = a[row][col] / a[col][col]
            if factor:
                for k in range(col, n + 1):
                    a[row][k] -= factor * a[col][k]
    solution = [0.0] * n
    for row in range(n - 1, -1, -1):
        if abs(a[row][row]) < 1e-12:
            continue
        total = a[row][n] - sum(a[row][k] * solution[k] for k in range(row + 1, n))
        solution[row] = total / a[row][row]
    return solution


def fit_logistic(
    samples: Sequence[Sequence[float]],
    labels: Sequence[int],
    *,
    l2: float = 1.0,
    iterations: int = 25,
    positive_weight: float = 1.0,
) -> tuple[float, ...]:
    """Coefficients (features..., bias) maximising the penalised log-likelihood.

    ``l2`` penalises the feature weights (not the bias); ``positive_weight`` scales the
    positive samples' weight. Raises ValueError on empty or ragged input.
    """
    if not samples or len(samples) != len(labels):
        raise ValueError("need as many labels as samples, and at least one")
    width = len(samples[0])
    if any(len(row) != width for row in samples):
        raise ValueError("samples have different lengths")
    rows = [[*row, 1.0] for row in samples]
    n = width + 1
    beta = [0.0] * n
    for _ in range(iterations):
        gradient = [0.0] * n
        hessian = [[0.0] * n for _ in range(n)]
        for row, label in zip(rows, labels, strict=True):
            p = probability(row[:-1], beta)
            weight = positive_weight if label else 1.0
            error = (label - p) * weight
            curvature = max(p * (1.0 - p), 1e-9) * weight
            for i in range(n):
                gradient[i] += error * row[i]
                ci = curvature * row[i]
                hrow = hessian[i]
                for j in range(i, n):
                    hrow[j] += ci * row[j]
        for i in range(n):
            for j in range(i):
                hessian[i][j] = hessian[j][i]
        for i in range(width):
            gradient[i] -= l2 * beta[i]
            hessian[i][i] += l2
        step = _solve(hessian, gradient)
        beta = [b + s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-7:
            break
    return tuple(beta)

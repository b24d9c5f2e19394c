"""Re-derive the learned coefficients from labelled JSONL sets, and check them on halves.

Run: ``python -m newsdesk.stories.train [--embeddings] PATH [PATH ...]`` (the
story-clusters DEV files). ``--embeddings`` fits the coefficient sets used with
``ClusterOptions(embeddings=True)`` (needs the ``embeddings`` extra).

Pairs come from a teacher-forced stream (:meth:`StoryClusterer.observe`): each article
is scored against the candidates the index returns, labelled 1 for its gold story and 0
for the others, and then put in its gold story. Each set is split in two halves by group
(ECB+ topic parity; UCI first/second half of the dates): the model fitted on one half is
scored on the other, then the final model is fitted on everything. Prints the
coefficients to paste into :data:`newsdesk.stories.learned.COEFFICIENTS`.

A dated set is streamed once per factor of :data:`SPEED_UPS`, its clock run that much
faster (:func:`~newsdesk.stories.evaluate.speed_up`): the UCI sample holds a hundredth of
an aggregator's headlines, and fitted on it alone the headline model learned that a
headline of the same hour is the same story — true in the sample, not in a real stream.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from newsdesk.stories.cluster import StoryClusterer
from newsdesk.stories.embedding import (
    CachedEmbedder,
    Embedder,
    embedding_text,
    load_embedder,
)
from newsdesk.stories.evaluate import LabelledArticle, evaluate_articles, load_jsonl, speed_up
from newsdesk.stories.learned import EMBEDDING_FEATURES, FEATURES, fit_logistic
from newsdesk.stories.model import ClusterOptions

__all__ = ["collect_pairs", "halves", "main"]


#: Only each article's most similar candidates (by cosine) are used: the model has to
#: tell apart the look-alike stories, not the unrelated ones the index also returns.
HARD_CANDIDATES = 3
#: A dated set is also streamed with its clock this many times faster (the same stories
#: among that many times more articles an hour).
SPEED_UPS = (1.0, 5.0, 20.0, 100.0)


def collect_pairs(
    articles: Sequence[LabelledArticle],
    options: ClusterOptions | None = None,
    *,
    top: int = HARD_CANDIDATES,
    clusterer: StoryClusterer | None = None,
    embedder: Embedder | None = None,
) -> tuple[list[tuple[float, ...]], list[int]]:
    """Feature vectors and labels of the (article, candidate story) pairs of the stream:
    for each article its ``top`` candidates by cosine. ``clusterer`` continues an earlier
    call's stream (a fresh one by default, with ``embedder``)."""
    if clusterer is None:
        clusterer = StoryClusterer(options, embedder=embedder)
    samples: list[tuple[float, ...]] = []
    labels: list[int] = []
    for article in articles:
        candidates = clusterer.observe(article.view, article.cluster)
        candidates.sort(key=lambda item: -item[1][0])
        for story_id, features in candidates[:top]:
            samples.append(features)
            labels.append(1 if story_id == article.cluster else 0)
    return samples, labels


def halves(
    articles: Sequence[LabelledArticle],
) -> tuple[list[LabelledArticle], list[LabelledArticle]]:
    """Two halves by group: numeric groups (topics) by parity, others (dates) by order."""
    groups = sorted({a.group for a in articles})
    if all(g.isdigit() for g in groups):
        first = {g for g in groups if int(g) % 2 == 1}
    else:
        first = set(groups[: len(groups) // 2])
    return (
        [a for a in articles if a.group in first],
        [a for a in articles if a.group not in first],
    )


_TITLE_ONLY = FEATURES.index("title_only")


def _fit(
    sets: Sequence[Sequence[LabelledArticle]],
    options: ClusterOptions,
    embedder: Embedder | None = None,
) -> ClusterOptions:
    """``options`` with both coefficient vectors fitted on ``sets``: one on the pairs of
    dated headline-only articles (the clusterer's headline model), one on all the others
    (articles with text, and undated headlines); each keeps the current default when its
    kind is absent. With ``options.embeddings`` the embedding coefficient sets are the
    ones fitted."""
    groups: dict[bool, tuple[list[tuple[float, ...]], list[int]]] = {
        False: ([], []),
        True: ([], []),
    }
    for given in sets:
        dated = any(a.view.published is not None for a in given)
        for factor in SPEED_UPS if dated else (1.0,):
            clusterer = StoryClusterer(options, embedder=embedder)
            for article in speed_up(given, factor):
                x, y = collect_pairs([article], options, clusterer=clusterer)
                headline = article.view.published is not None
                for features, label in zip(x, y, strict=True):
                    samples, labels = groups[headline and features[_TITLE_ONLY] == 1.0]
                    samples.append(features)
                    labels.append(label)
    fitted = options
    text_samples, text_labels = groups[False]
    if text_samples:
        text = fit_logistic(text_samples, text_labels)
        if options.embeddings:
            fitted = replace(fitted, embedding_coefficients=text)
        else:
            fitted = replace(fitted, coefficients=text)
    title_samples, title_labels = groups[True]
    if title_samples:
        title = fit_logistic(title_samples, title_labels)
        if options.embeddings:
            fitted = replace(fitted, embedding_title_coefficients=title)
        else:
            fitted = replace(fitted, title_coefficients=title)
    return fitted


def _show(name: str, coefficients: Sequence[float]) -> str:
    names = (*FEATURES, *EMBEDDING_FEATURES)
    pairs = ", ".join(f"{f}={v:.4f}" for f, v in zip(names, coefficients[:-1], strict=False))
    values = ", ".join(f"{c + 0.0:.4f}" for c in coefficients)
    return f"  {pairs}, bias={coefficients[-1]:.4f}\n{name} = ({values})"


def _line(
    name: str,
    articles: Sequence[LabelledArticle],
    options: ClusterOptions,
    embedder: Embedder | None = None,
) -> str:
    r = evaluate_articles(articles, options=options, embedder=embedder)
    return (
        f"  {name:<28} pairwise F1 {r.pairwise_f1:.4f} (P {r.pairwise_precision:.3f} "
        f"R {r.pairwise_recall:.3f})  BCubed F1 {r.bcubed_f1:.4f}  stories {r.stories}  "
        f"{r.articles_per_second:.0f}/s"
    )


def main(
    argv: Sequence[str] | None = None,
    options: ClusterOptions | None = None,
    *,
    embedder: Embedder | None = None,
) -> int:
    """Fit on the files named in ``argv`` and print half-by-half checks and coefficients.
    ``--embeddings`` (or ``options.embeddings``) fits the embedding coefficient sets, with
    ``embedder`` or the model of ``options.embedding_model``."""
    args = list(sys.argv[1:] if argv is None else argv)
    base = options or ClusterOptions()
    if "--embeddings" in args:
        args.remove("--embeddings")
        base = replace(base, embeddings=True)
    paths = [Path(p) for p in args]
    if not paths:
        print(__doc__)
        return 2
    sets = [load_jsonl(path) for path in paths]
    if base.embeddings:
        # Every pass streams the same articles: embed each text once, in batches.
        cached = CachedEmbedder(embedder or load_embedder(base.embedding_model))
        cached.prime(
            embedding_text(a.view.title, a.view.text, base.embedding_words)
            for articles in sets
            for a in articles
        )
        embedder = cached
    split = [halves(articles) for articles in sets]
    for fit_index, other_index in ((0, 1), (1, 0)):
        checked = _fit([pair[fit_index] for pair in split], base, embedder)
        label = "AB"[fit_index]
        print(f"fitted on halves {label}, scored on the other half and on its own half:")
        for path, pair in zip(paths, split, strict=True):
            held_out = f"{path.stem} {'AB'[other_index]} (held out)"
            print(_line(held_out, pair[other_index], checked, embedder))
            print(_line(f"{path.stem} {label} (fitted)", pair[fit_index], checked, embedder))
    final = _fit(sets, base, embedder)
    print("fitted on everything:")
    for path, articles in zip(paths, sets, strict=True):
        print(_line(path.stem, articles, final, embedder))
    prefix = "EMBEDDING_" if base.embeddings else ""
    text, title = (
        (final.embedding_coefficients, final.embedding_title_coefficients)
        if base.embeddings
        else (final.coefficients, final.title_coefficients)
    )
    if text:
        print(_show(f"{prefix}COEFFICIENTS", text))
    if title:
        print(_show(f"{prefix}TITLE_COEFFICIENTS", title))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

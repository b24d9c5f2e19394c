"""Score the story clusterer on a labelled JSONL stream (the story-clusters sets).

Each line holds ``id``, ``cluster`` (gold story), ``title``, ``text``, optional ``date``
(``YYYY-MM-DD HH:MM:SS`` UTC), optional ``order`` (stream position; file order otherwise),
``lang`` and ``url``. Articles are fed to :class:`StoryClusterer` one at a time in stream
order, with no look-ahead. This is the one module of :mod:`newsdesk.stories` that reads
files and the clock; the metrics themselves are pure functions.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsdesk.normalize import normalize_language
from newsdesk.stories.cluster import StoryClusterer
from newsdesk.stories.embedding import Embedder
from newsdesk.stories.model import ArticleView, ClusterOptions

__all__ = [
    "ClusteringReport",
    "LabelledArticle",
    "bcubed",
    "cluster_stream",
    "evaluate_articles",
    "evaluate_jsonl",
    "load_jsonl",
    "pairwise",
    "speed_up",
]


@dataclass(frozen=True, slots=True)
class LabelledArticle:
    """An article of an evaluation set with its gold story (``cluster``) and ``group``
    (ECB+ topic, UCI date) used to split the set into halves."""

    view: ArticleView
    cluster: str
    group: str


@dataclass(frozen=True, slots=True)
class ClusteringReport:
    """Scores of one clustering run; ``as_dict`` has the keys ``eval clustering --json``
    prints. ``assignments`` maps article id to predicted story id."""

    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    stories: int
    articles: int
    articles_per_second: float
    assignments: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, float | int]:
        return {
            "pairwise_f1": self.pairwise_f1,
            "bcubed_f1": self.bcubed_f1,
            "pairwise_precision": self.pairwise_precision,
            "pairwise_recall": self.pairwise_recall,
            "bcubed_precision": self.bcubed_precision,
            "bcubed_recall": self.bcubed_recall,
            "stories": self.stories,
            "articles_per_second": self.articles_per_second,
        }


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _pairs(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pairwise(predicted: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1 of ``predicted`` against ``gold`` (item -> cluster).

    With no predicted (gold) pairs at all precision (recall) is 1.0. Raises ValueError
    when the two cover different items.
    """
    if predicted.keys() != gold.keys():
        raise ValueError("predicted and gold clusterings cover different items")
    cells = Counter((predicted[item], gold[item]) for item in gold)
    together = _pairs(cells.values())
    predicted_pairs = _pairs(Counter(predicted.values()).values())
    gold_pairs = _pairs(Counter(gold.values()).values())
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / gold_pairs if gold_pairs else 1.0
    return precision, recall, _f1(precision, recall)


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """BCubed precision, recall, F1 (item-averaged). Raises ValueError like
    :func:`pairwise`; an empty clustering scores 1.0."""
    if predicted.keys() != gold.keys():
        raise ValueError("predicted and gold clusterings cover different items")
    if not gold:
        return 1.0, 1.0, 1.0
    cells = Counter((predicted[item], gold[item]) for item in gold)
    predicted_sizes = Counter(predicted.values())
    gold_sizes = Counter(gold.values())
    precision = sum(n * n / predicted_sizes[p] for (p, _g), n in cells.items()) / len(gold)
    recall = sum(n * n / gold_sizes[g] for (_p, g), n in cells.items()) / len(gold)
    return precision, recall, _f1(precision, recall)


def _parse_date(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace(" ", "T"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def load_jsonl(path: Path) -> list[LabelledArticle]:
    """The articles of a story-clusters JSONL file in stream order (``order``, then file
    order). Raises OSError, ValueError (bad JSON or date) or KeyError (missing field)."""
    rows: list[tuple[float, int, LabelledArticle]] = []
    with path.open(encoding="utf-8") as handle:
        for position, line in enumerate(handle):
            if not line.strip():
                continue
            row = json.loads(line)
            published = _parse_date(row.get("date"))
            group = str(row["topic"]) if "topic" in row else (str(row.get("date", ""))[:10])
            view = ArticleView(
                id=str(row["id"]),
                title=str(row.get("title") or ""),
                text=str(row.get("text") or ""),
                published=published,
                language=normalize_language(row.get("lang")),
                source=row.get("hostname") or row.get("publisher"),
            )
            order = row.get("order")
            rows.append(
                (
                    float(order) if order is not None else float(position),
                    position,
                    LabelledArticle(view, str(row["cluster"]), group),
                )
            )
    rows.sort(key=lambda item: (item[0], item[1]))
    return [article for _order, _position, article in rows]


def speed_up(articles: Sequence[LabelledArticle], factor: float) -> list[LabelledArticle]:
    """``articles`` with their clock run ``factor`` times faster from the first date: the
    same stories among ``factor`` times more articles an hour. The UCI sample holds 1 % of
    an aggregator's headlines (a median of 6 an hour), so in it a headline of the same
    hour is nearly always the same story; a real stream is far denser. Undated articles
    are left as they are. Raises ValueError for a factor that is not positive."""
    if factor <= 0:
        raise ValueError(f"speed-up factor must be positive, not {factor}")
    dates = [a.view.published for a in articles if a.view.published is not None]
    if not dates or factor == 1:
        return list(articles)
    start = min(dates)
    return [
        a
        if a.view.published is None
        else replace(a, view=replace(a.view, published=start + (a.view.published - start) / factor))
        for a in articles
    ]


def cluster_stream(
    articles: Sequence[LabelledArticle],
    options: ClusterOptions | None = None,
    *,
    embedder: Embedder | None = None,
) -> tuple[dict[str, str], float]:
    """Predicted story per article id (after all merges) and the CPU seconds spent
    clustering (process time: what one core does, whatever else the machine runs;
    embedding the articles included, loading the model not)."""
    clusterer = StoryClusterer(options, embedder=embedder)
    story_of: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    started = time.process_time()
    for article in articles:
        assignment = clusterer.add(article.view)
        members.setdefault(assignment.story_id, []).append(article.view.id)
        for gone in assignment.merged:
            moved = members.pop(gone, [])
            members[assignment.story_id].extend(moved)
    elapsed = time.process_time() - started
    for story_id, ids in members.items():
        for article_id in ids:
            story_of[article_id] = story_id
    return story_of, elapsed


def evaluate_articles(
    articles: Sequence[LabelledArticle],
    *,
    options: ClusterOptions | None = None,
    embedder: Embedder | None = None,
) -> ClusteringReport:
    """Cluster ``articles`` in order and score the result against their gold stories
    (``embedder``: see :class:`StoryClusterer`)."""
    predicted, elapsed = cluster_stream(articles, options, embedder=embedder)
    gold = {article.view.id: article.cluster for article in articles}
    pp, pr, pf = pairwise(predicted, gold)
    bp, br, bf = bcubed(predicted, gold)
    return ClusteringReport(
        pairwise_precision=pp,
        pairwise_recall=pr,
        pairwise_f1=pf,
        bcubed_precision=bp,
        bcubed_recall=br,
        bcubed_f1=bf,
        stories=len(set(predicted.values())),
        articles=len(articles),
        articles_per_second=len(articles) / elapsed if elapsed > 0 else 0.0,
        assignments=tuple(sorted(predicted.items())),
    )


def evaluate_jsonl(
    path: Path,
    *,
    options: ClusterOptions | None = None,
    embedder: Embedder | None = None,
    speed: float = 1.0,
) -> ClusteringReport:
    """Score the clusterer on the JSONL file at ``path`` (see the module docstring), its
    clock sped up ``speed`` times (:func:`speed_up`). Raises OSError, ValueError or
    KeyError from :func:`load_jsonl`, ValueError for a speed that is not positive,
    ConfigError when embeddings are asked for without the extra."""
    articles = speed_up(load_jsonl(Path(path)), speed)
    return evaluate_articles(articles, options=options, embedder=embedder)

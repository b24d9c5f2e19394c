"""Score an extractor on a directory in the extraction benchmark's layout.

The directory holds ``html/<id>.html.gz`` (gzip-compressed UTF-8 pages) and
``ground-truth.json.gz`` (``{id: {"articleBody": str, "url": str}}``). This module is the
one place in :mod:`newsdesk.extract` that reads files; the scoring itself is
:mod:`newsdesk.extract.score` and stays pure.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from newsdesk.errors import ExtractError
from newsdesk.extract.article import extract_article
from newsdesk.extract.score import PageScore, Scores, aggregate, score_page
from newsdesk.model import ExtractedArticle

__all__ = [
    "BenchmarkPage",
    "EvalReport",
    "Extractor",
    "evaluate_directory",
    "load_benchmark",
    "split_of",
]

Extractor = Callable[..., ExtractedArticle]


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Benchmark figures for one extractor over one directory (or a subset of it).

    ``failures`` counts pages where the extractor raised :class:`ExtractError` (scored as
    empty output). ``page_scores`` maps page id to its score, for split or diff reports.
    """

    precision: float
    recall: float
    f1: float
    pages: int
    pages_per_second: float
    failures: int = 0
    page_scores: tuple[tuple[str, PageScore], ...] = ()

    def subset(self, ids: Iterable[str]) -> Scores:
        """Figures over the pages whose ids are in ``ids``."""
        wanted = set(ids)
        return aggregate(score for page, score in self.page_scores if page in wanted)


@dataclass(frozen=True, slots=True)
class BenchmarkPage:
    """One page of a benchmark directory: its id, URL, reference text and HTML file."""

    id: str
    url: str | None
    expected: str
    path: Path


def split_of(page_id: str) -> str:
    """``"tune"`` or ``"holdout"``: a fixed split by the parity of sha256(id)'s first byte."""
    return "tune" if hashlib.sha256(page_id.encode()).digest()[0] % 2 == 0 else "holdout"


def load_benchmark(path: Path) -> list[BenchmarkPage]:
    """The pages of a benchmark directory, sorted by id. Raises FileNotFoundError/ValueError."""
    with gzip.open(path / "ground-truth.json.gz", "rt", encoding="utf-8") as handle:
        truth = json.load(handle)
    if not isinstance(truth, dict):
        raise ValueError(f"{path}: ground truth is not a JSON object")
    pages = []
    for page_id in sorted(truth):
        item = truth[page_id]
        pages.append(
            BenchmarkPage(
                id=page_id,
                url=item.get("url") or None,
                expected=item.get("articleBody") or "",
                path=path / "html" / f"{page_id}.html.gz",
            )
        )
    return pages


def evaluate_directory(
    path: Path,
    extractor: Extractor = extract_article,
    *,
    ids: Iterable[str] | None = None,
) -> EvalReport:
    """Run ``extractor(html_bytes, url=...)`` on every page under ``path`` and score it.

    ``ids`` restricts the run to some pages. Timing covers extraction only (not reading or
    decompressing files, nor scoring). Raises FileNotFoundError if the layout is wrong.
    """
    pages = load_benchmark(path)
    if ids is not None:
        wanted = set(ids)
        pages = [page for page in pages if page.id in wanted]
    results: list[tuple[str, PageScore]] = []
    failures = 0
    elapsed = 0.0
    for page in pages:
        data = gzip.decompress(page.path.read_bytes())
        started = time.perf_counter()
        try:
            predicted = extractor(data, url=page.url).text
        except ExtractError:
            predicted = ""
            failures += 1
        elapsed += time.perf_counter() - started
        results.append((page.id, score_page(predicted, page.expected)))
    scores = aggregate(score for _, score in results)
    return EvalReport(
        precision=scores.precision,
        recall=scores.recall,
        f1=scores.f1,
        pages=scores.pages,
        pages_per_second=len(pages) / elapsed if elapsed > 0 else 0.0,
        failures=failures,
        page_scores=tuple(results),
    )

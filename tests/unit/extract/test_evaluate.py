"""evaluate_directory on a tiny benchmark-layout directory built in tmp_path."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsdesk.errors import ExtractError
from newsdesk.extract.evaluate import evaluate_directory, split_of
from newsdesk.model import ExtractedArticle


def make_benchmark(root: Path, pages: dict[str, tuple[str, str]]) -> Path:
    (root / "html").mkdir(parents=True)
    truth = {}
    for page_id, (html, expected) in pages.items():
        (root / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode()))
        truth[page_id] = {"articleBody": expected, "url": f"https://example.org/{page_id}"}
    (root / "ground-truth.json.gz").write_bytes(gzip.compress(json.dumps(truth).encode()))
    return root


def fake_extractor(html: bytes | str, *, url: str | None = None) -> ExtractedArticle:
    text = html.decode() if isinstance(html, bytes) else html
    if text == "fail":
        raise ExtractError("nothing")
    assert url is not None and url.startswith("https://example.org/")
    return ExtractedArticle(text=text)


def test_scores_every_page_and_counts_failures(tmp_path: Path) -> None:
    root = make_benchmark(
        tmp_path,
        {
            "a": ("one two three four", "one two three four"),  # P 1, R 1
            "b": ("a b c d e", "a b c d x"),  # P 0.5, R 0.5
            "c": ("fail", "w x y z"),  # no prediction: R 0, out of the precision mean
        },
    )
    report = evaluate_directory(root, fake_extractor)
    assert report.pages == 3
    assert report.failures == 1
    assert report.precision == pytest.approx(0.75)
    assert report.recall == pytest.approx(0.5)
    assert report.f1 == pytest.approx(0.6)
    assert report.pages_per_second > 0
    assert report.subset(["a"]).f1 == 1.0


def test_ids_restrict_the_run(tmp_path: Path) -> None:
    root = make_benchmark(tmp_path, {"a": ("p q r s", "p q r s"), "b": ("x", "y")})
    assert evaluate_directory(root, fake_extractor, ids=["a"]).pages == 1


def test_split_is_fixed() -> None:
    assert {split_of(str(i)) for i in range(20)} == {"tune", "holdout"}
    assert split_of("a") == split_of("a")


def test_missing_layout_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        evaluate_directory(tmp_path)

"""Clustering metrics and the JSONL evaluation entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.stories.evaluate import bcubed, evaluate_jsonl, load_jsonl, pairwise, speed_up

GOLD = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "z"}


@pytest.mark.parametrize(
    ("predicted", "expected_pairwise", "expected_bcubed_precision"),
    [
        (dict(GOLD), (1.0, 1.0, 1.0), 1.0),
        ({"a": "1", "b": "1", "c": "2", "d": "3", "e": "4"}, (1.0, 1 / 3, 0.5), 1.0),
        ({k: "all" for k in GOLD}, (0.3, 1.0, 0.3 / 1.3 * 2), (3 * 3 / 5 + 2 * 1 / 5) / 5),
        ({k: k for k in GOLD}, (1.0, 0.0, 0.0), 1.0),
    ],
)
def test_pairwise_and_bcubed(predicted: dict[str, str],
                             expected_pairwise: tuple[float, float, float],
                             expected_bcubed_precision: float) -> None:  # fmt: skip
    assert pairwise(predicted, GOLD) == pytest.approx(expected_pairwise)
    precision, recall, _f1 = bcubed(predicted, GOLD)
    assert precision == pytest.approx(expected_bcubed_precision)
    assert 0.0 < recall <= 1.0


def test_metrics_reject_mismatched_items() -> None:
    with pytest.raises(ValueError):
        pairwise({"a": "1"}, {"b": "1"})
    with pytest.raises(ValueError):
        bcubed({"a": "1"}, {"b": "1"})
    assert bcubed({}, {}) == (1.0, 1.0, 1.0)


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_evaluate_jsonl_streams_in_order(tmp_path: Path) -> None:
    quake = "Magnitude 7.1 earthquake strikes Hokkaido, Japan; tsunami warning issued"
    rows: list[dict[str, object]] = [
        {"id": "2", "cluster": "q", "title": quake, "text": "", "order": 1, "lang": "eng",
         "date": "2014-03-10 17:02:05"},
        {"id": "1", "cluster": "q", "title": quake, "text": "", "order": 0, "lang": "eng",
         "date": "2014-03-10 17:02:02"},
        {"id": "3", "cluster": "i", "title": "Apple unveils iPad Pro with M5 chip",
         "text": "", "order": 2, "lang": "eng", "date": "2014-03-10 18:00:00"},
    ]  # fmt: skip
    path = _write(tmp_path / "set.jsonl", rows)
    assert [a.view.id for a in load_jsonl(path)] == ["1", "2", "3"]
    assert load_jsonl(path)[0].view.language == "en"
    report = evaluate_jsonl(path)
    figures = report.as_dict()
    assert figures["pairwise_f1"] == 1.0
    assert figures["bcubed_f1"] == 1.0
    assert figures["stories"] == 2
    assert dict(report.assignments) == {"1": "1", "2": "1", "3": "3"}


def test_load_jsonl_errors(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        load_jsonl(_write(tmp_path / "a.jsonl", [{"id": "1", "title": "x"}]))
    with pytest.raises(ValueError):
        load_jsonl(_write(tmp_path / "b.jsonl", [{"id": "1", "cluster": "c", "date": "soon"}]))


def test_speed_up_runs_the_clock_faster_from_the_first_date(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"id": "1", "cluster": "a", "title": "A", "date": "2014-03-10 10:00:00"},
        {"id": "2", "cluster": "a", "title": "B", "date": "2014-03-10 20:00:00"},
        {"id": "3", "cluster": "b", "title": "C"},
    ]
    articles = load_jsonl(_write(tmp_path / "set.jsonl", rows))
    faster = speed_up(articles, 20)
    assert [a.view.id for a in faster] == ["1", "2", "3"]
    first, second, undated = (a.view.published for a in faster)
    assert first == articles[0].view.published
    assert first is not None and second is not None
    assert (second - first).total_seconds() == 30 * 60  # 10 hours / 20
    assert undated is None
    assert [a.cluster for a in faster] == ["a", "a", "b"]
    assert speed_up(articles, 1) == articles
    with pytest.raises(ValueError):
        speed_up(articles, 0)

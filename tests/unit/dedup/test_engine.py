"""Deduplicator over the in-memory index, and the evaluation metrics."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsdesk.dedup.decide import DocId
from newsdesk.dedup.engine import Deduplicator
from newsdesk.dedup.evaluate import MemoryDocs, evaluate_jsonl
from newsdesk.dedup.index import MemoryIndex
from tests.unit.dedup.test_decide import ORIGINAL, OTHER_REPORT, SPUN, view

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def run(*docs: object) -> MemoryDocs:
    store = MemoryDocs()
    engine = Deduplicator(MemoryIndex[DocId](), store.get)
    for doc in docs:
        store.put(doc)  # type: ignore[arg-type]
        store.apply(engine.process(doc))  # type: ignore[arg-type]
    return store


def test_copies_join_the_original_and_reports_stay_apart() -> None:
    store = run(
        view("o", ORIGINAL, published=T0),
        view("t", "Advertisement\n" + ORIGINAL, published=T0 + timedelta(hours=1)),
        view("s", SPUN, published=T0 + timedelta(hours=2)),
        view("r", OTHER_REPORT, published=T0 + timedelta(hours=3)),
    )
    assert {d: store.primary(d) for d in "otsr"} == {"o": "o", "t": "o", "s": "o", "r": "r"}
    assert store.decisions["t"].confidence > store.decisions["s"].confidence > 0
    assert store.decisions["s"].kind_guess == "spun"


def test_late_original_takes_over_the_group() -> None:
    store = run(
        view("c1", ORIGINAL, published=T0 + timedelta(hours=2)),
        view("c2", ORIGINAL + "\nShare this article", published=T0 + timedelta(hours=3)),
        view("o", ORIGINAL, published=T0),
    )
    assert {d: store.primary(d) for d in ("c1", "c2", "o")} == {"c1": "o", "c2": "o", "o": "o"}
    assert store.decisions["c1"].copy_of == "o"
    assert "published 2 h earlier" in store.decisions["o"].reasons[-1]


def test_processing_is_deterministic() -> None:
    docs = [view("a", ORIGINAL, published=T0), view("b", SPUN, published=T0)]
    assert run(*docs).decisions == run(*docs).decisions


def test_evaluate_jsonl_metrics(tmp_path: Path) -> None:
    rows = [
        dict(
            id="o",
            url="https://o.example/1",
            source="o.example",
            published="2024-05-01T12:00:00Z",
            title="Fire",
            text=ORIGINAL,
            copy_of=None,
            kind="original",
            story="fire",
        ),
        dict(
            id="v",
            url="https://v.example/1",
            source="v.example",
            published="2024-05-01T13:00:00Z",
            title="Fire",
            text=ORIGINAL,
            copy_of="o",
            kind="verbatim",
            story="fire",
        ),
        dict(
            id="s",
            url="https://s.example/1",
            source="s.example",
            published="2024-05-01T14:00:00Z",
            title="Fire",
            text=SPUN,
            copy_of="o",
            kind="spun",
            story="fire",
        ),
        dict(
            id="r",
            url="https://r.example/1",
            source="r.example",
            published="2024-05-01T15:00:00Z",
            title="Fire",
            text=OTHER_REPORT,
            copy_of=None,
            kind="original",
            story="fire",
        ),
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = evaluate_jsonl(path)
    assert report.as_dict() == {
        "copy_precision": 1.0,
        "copy_recall": 1.0,
        "recall_by_kind": {"spun": 1.0, "verbatim": 1.0},
        "same_story_false_copy_rate": 0.0,
        "primary_accuracy": 1.0,
    }
    assert "primary source accuracy" in report.format_text()


def test_evaluate_jsonl_names_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        evaluate_jsonl(path)


def test_devset_command_needs_an_output_path(capsys: pytest.CaptureFixture[str]) -> None:
    from newsdesk.dedup.devset import main

    assert main([]) == 2
    assert "usage" in capsys.readouterr().err

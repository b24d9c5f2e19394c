"""Text work made ahead (in the extraction worker) decides exactly as work made inline."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

from newsdesk.dedup.decide import DocId
from newsdesk.dedup.engine import Deduplicator, prepare_text
from newsdesk.dedup.evaluate import MemoryDocs
from newsdesk.dedup.index import MemoryIndex
from tests.unit.dedup.test_decide import ORIGINAL, OTHER_REPORT, SPUN, view

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
DOCS = [
    view("o", ORIGINAL, published=T0),
    view("t", "Advertisement\n" + ORIGINAL, published=T0 + timedelta(hours=1)),
    view("s", SPUN, published=T0 + timedelta(hours=2)),
    view("r", OTHER_REPORT, published=T0 + timedelta(hours=3)),
]


def decide_all(*, ahead: bool, wrong_text: bool = False) -> MemoryDocs:
    store = MemoryDocs()
    engine = Deduplicator(MemoryIndex[DocId](), store.get)
    for doc in DOCS:
        store.put(doc)
        prepared = None
        if ahead:
            text = OTHER_REPORT if wrong_text and doc.id == "t" else doc.text
            # through pickle, as it comes back from the worker process
            prepared = pickle.loads(pickle.dumps(prepare_text(text)))
        store.apply(engine.process(doc, prepared=prepared))
    return store


def test_prepared_ahead_gives_the_same_decisions() -> None:
    inline = decide_all(ahead=False)
    assert inline.primary("t") == "o"  # the case is not trivial
    assert decide_all(ahead=True).decisions == inline.decisions


def test_prepared_work_of_another_text_is_not_used() -> None:
    assert decide_all(ahead=True, wrong_text=True).decisions == decide_all(ahead=False).decisions


def test_prepare_text_is_fingerprint_and_text_features_in_one_pass() -> None:
    from newsdesk.dedup.fingerprint import fingerprint
    from newsdesk.dedup.similarity import text_features

    for text in (ORIGINAL, SPUN, OTHER_REPORT, "Advertisement\n" + ORIGINAL, "Too short.", ""):
        prepared = prepare_text(text)
        assert prepared.fingerprint == fingerprint(text)
        assert prepared.features == text_features(text)

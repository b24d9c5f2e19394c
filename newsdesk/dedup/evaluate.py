"""``newsdesk eval dedup FILE``: score copy detection on a labelled JSON Lines file.

One article per line, in arrival order: ``id``, ``url``, ``source`` (the outlet's domain),
``published`` (ISO 8601), ``title``, ``text``, optional ``html`` (the whole page) and
``authors`` (a list), and the labels ``copy_of`` (id of the article it copies, or null),
``kind`` (``original``, ``verbatim``, ``templated``, ``truncated``, ``wire``, ``spun``)
and ``story`` (articles on one event share it, copies or not).

The articles go through the real code (:func:`newsdesk.dedup.signals.attribution_hints`,
:class:`newsdesk.dedup.engine.Deduplicator` over a :class:`MemoryIndex`), and the final copy
groups (articles sharing a primary) are compared with the labelled ones (articles linked by
``copy_of``; the root of each labelled group is its primary source):

``copy_precision``, ``copy_recall``
    over pairs of articles: are the two in one copy group?
``recall_by_kind``
    per kind, the share of labelled copies put in one group with the article they copy;
``same_story_false_copy_rate``
    the share of same-story pairs from different labelled groups put in one group;
``primary_accuracy``
    the share of articles in labelled groups of two or more whose primary is the root.

This module and :mod:`newsdesk.dedup.devset` are the only ones in the package doing I/O.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsdesk.dedup.decide import CopyDecision, DocId, DocView
from newsdesk.dedup.engine import Deduplicator, DedupOutcome, EngineOptions
from newsdesk.dedup.index import MemoryIndex
from newsdesk.dedup.signals import attribution_hints
from newsdesk.dedup.wires import WireRegistry

__all__ = ["DedupReport", "MemoryDocs", "evaluate_jsonl", "evaluate_rows", "run_rows"]

COPY_KINDS = ("verbatim", "templated", "truncated", "wire", "spun")


@dataclass(frozen=True, slots=True)
class DedupReport:
    """The scores of one labelled set (see the module docstring). ``decisions`` holds the
    final decision per article, for inspection."""

    copy_precision: float
    copy_recall: float
    recall_by_kind: dict[str, float]
    same_story_false_copy_rate: float
    primary_accuracy: float
    articles: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, CopyDecision] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """Exactly the keys ``copy_precision``, ``copy_recall``, ``recall_by_kind``,
        ``same_story_false_copy_rate``, ``primary_accuracy`` (rounded to 4 places)."""
        return {
            "copy_precision": round(self.copy_precision, 4),
            "copy_recall": round(self.copy_recall, 4),
            "recall_by_kind": {k: round(v, 4) for k, v in sorted(self.recall_by_kind.items())},
            "same_story_false_copy_rate": round(self.same_story_false_copy_rate, 4),
            "primary_accuracy": round(self.primary_accuracy, 4),
        }

    def format_text(self) -> str:
        """The report as lines for a terminal."""
        lines = [
            f"articles                    {self.articles}",
            f"copy precision (pairwise)   {self.copy_precision:.4f}",
            f"copy recall (pairwise)      {self.copy_recall:.4f}",
        ]
        for kind, value in sorted(self.recall_by_kind.items()):
            lines.append(f"  recall {kind:<19} {value:.4f}  (n={self.counts.get(kind, 0)})")
        lines.append(f"same-story false copies    {self.same_story_false_copy_rate:.4f}")
        lines.append(f"primary source accuracy    {self.primary_accuracy:.4f}")
        return "\n".join(lines)


class MemoryDocs:
    """An in-memory stand-in for the store's article rows: ``get`` is the engine's lookup,
    ``apply`` records an outcome the way the store will (decision, revisions, repoint)."""

    def __init__(self) -> None:
        self.docs: dict[DocId, DocView] = {}
        self.decisions: dict[DocId, CopyDecision] = {}
        self._members: defaultdict[DocId, set[DocId]] = defaultdict(set)

    def get(self, doc_id: DocId) -> DocView | None:
        return self.docs.get(doc_id)

    def put(self, doc: DocView) -> None:
        self.docs[doc.id] = doc

    def _record(self, decision: CopyDecision) -> None:
        view = self.docs[decision.doc_id]
        self._members[view.group_primary].discard(view.id)
        self.docs[view.id] = replace(view, copy_of=decision.copy_of, primary_id=decision.primary_id)
        self._members[decision.primary_id].add(view.id)
        self.decisions[view.id] = decision

    def apply(self, outcome: DedupOutcome) -> None:
        self._record(outcome.decision)
        for decision in outcome.revised:
            self._record(decision)
        for old, new in outcome.repoints:
            for member in sorted(self._members.pop(old, set()), key=str):
                view = self.docs[member]
                self.docs[member] = replace(view, primary_id=new)
                self._members[new].add(member)
                previous = self.decisions.get(member)
                if previous is not None:
                    self.decisions[member] = replace(previous, primary_id=new)

    def primary(self, doc_id: DocId) -> DocId:
        return self.docs[doc_id].group_primary


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None  # an unreadable time counts as unknown, as a missing one does
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _view(row: Mapping[str, Any], wires: WireRegistry | None) -> DocView:
    text = str(row.get("text") or "")
    url = row.get("url")
    authors = tuple(str(a) for a in row.get("authors") or ())
    hints = attribution_hints(row.get("html"), url=url, text=text, authors=authors, registry=wires)
    return DocView(
        id=str(row["id"]),
        url=url,
        source=row.get("source"),
        text=text,
        published=_parse_time(row.get("published")),
        title=str(row.get("title") or ""),
        guid=row.get("guid"),
        hints=hints,
    )


def run_rows(
    rows: Iterable[Mapping[str, Any]],
    *,
    wires: WireRegistry | None = None,
    options: EngineOptions | None = None,
) -> MemoryDocs:
    """Feeds ``rows`` (in arrival order) through the deduplicator; returns the final state."""
    docs = MemoryDocs()
    engine = Deduplicator(MemoryIndex[DocId](), docs.get, wires=wires, options=options)
    for row in rows:
        view = _view(row, wires)
        docs.put(view)
        docs.apply(engine.process(view))
    return docs


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def evaluate_rows(
    rows: list[Mapping[str, Any]],
    *,
    wires: WireRegistry | None = None,
    options: EngineOptions | None = None,
) -> DedupReport:
    """Scores labelled ``rows`` (see the module docstring)."""
    docs = run_rows(rows, wires=wires, options=options)
    labels = {str(r["id"]): r for r in rows}

    def root(doc_id: str) -> str:
        seen = {doc_id}
        parent = labels[doc_id].get("copy_of")
        while parent is not None and str(parent) in labels and str(parent) not in seen:
            doc_id = str(parent)
            seen.add(doc_id)
            parent = labels[doc_id].get("copy_of")
        return doc_id

    gold = {doc_id: root(doc_id) for doc_id in labels}
    pred = {doc_id: str(docs.primary(doc_id)) for doc_id in labels}
    joint = Counter((gold[d], pred[d]) for d in labels)
    true_pairs = sum(_pairs(n) for n in joint.values())
    gold_pairs = sum(_pairs(n) for n in Counter(gold.values()).values())
    pred_pairs = sum(_pairs(n) for n in Counter(pred.values()).values())

    hits: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for doc_id, row in labels.items():
        kind, target = row.get("kind"), row.get("copy_of")
        if target is None or str(target) not in labels:
            continue
        counts[str(kind)] += 1
        hits[str(kind)] += pred[doc_id] == pred[str(target)]

    by_story: defaultdict[str, list[str]] = defaultdict(list)
    for doc_id, row in labels.items():
        if row.get("story") is not None:
            by_story[str(row["story"])].append(doc_id)
    story_pairs = story_false = 0
    for members in by_story.values():
        cells = Counter((gold[d], pred[d]) for d in members)
        golds = Counter(gold[d] for d in members)
        preds = Counter(pred[d] for d in members)
        different_gold = _pairs(len(members)) - sum(_pairs(n) for n in golds.values())
        same_pred = sum(_pairs(n) for n in preds.values()) - sum(_pairs(n) for n in cells.values())
        story_pairs += different_gold
        story_false += same_pred

    sizes = Counter(gold.values())
    grouped = [d for d in labels if sizes[gold[d]] >= 2]
    primary_right = sum(pred[d] == gold[d] for d in grouped)
    return DedupReport(
        copy_precision=true_pairs / pred_pairs if pred_pairs else 1.0,
        copy_recall=true_pairs / gold_pairs if gold_pairs else 1.0,
        recall_by_kind={k: hits[k] / counts[k] for k in counts},
        same_story_false_copy_rate=story_false / story_pairs if story_pairs else 0.0,
        primary_accuracy=primary_right / len(grouped) if grouped else 1.0,
        articles=len(labels),
        counts=dict(counts),
        decisions={str(k): v for k, v in docs.decisions.items()},
    )


def evaluate_jsonl(
    path: str | Path,
    *,
    wires: WireRegistry | None = None,
    options: EngineOptions | None = None,
) -> DedupReport:
    """Reads the labelled JSON Lines file at ``path`` and scores it. Raises ``OSError`` when
    it cannot be read and ``ValueError`` (naming the line) for a malformed line."""
    rows: list[Mapping[str, Any]] = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict) or "id" not in row:
                    raise ValueError("not an object with an id")
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: {exc}") from exc
            rows.append(row)
    return evaluate_rows(rows, wires=wires, options=options)

"""The deduplicator: articles in arrival order in, one :class:`CopyDecision` each out.

Pure and deterministic: the candidate index and the document lookup are injected, so the
same code runs over the in-memory index in tests and evaluation and over the store's
``band_key -> article ids`` table in the pipeline. For each article:

1. fingerprint the text (:mod:`newsdesk.dedup.fingerprint`) and build its keys: canonical
   URL, GUID, text hash, LSH bands; the URLs the page credits are looked up too;
2. ask the index for candidates (at most ``EngineOptions.max_candidates``) and verify each
   on the texts (:mod:`newsdesk.dedup.similarity`, :func:`newsdesk.dedup.decide.match`);
3. decide copy relation and primary source (:func:`newsdesk.dedup.decide.decide`);
4. add the article's keys to the index.

The caller stores the outcome: the article's decision; for each group whose primary lost
that role (the new article took over, or bridged two groups), a repoint ``(old, new)``
(every article whose primary was ``old`` now has ``new``) and the revised decision of the
former primary.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from newsdesk.dedup.decide import (
    Candidate,
    CopyDecision,
    DecideOptions,
    DocId,
    DocView,
    canonical_or_none,
    decide,
    match,
)
from newsdesk.dedup.fingerprint import (
    Fingerprint,
    FingerprintOptions,
    band_keys,
    exact_keys,
    fingerprint_words,
    shingle_hashes,
    strip_boilerplate,
    tokens,
)
from newsdesk.dedup.index import FingerprintIndex
from newsdesk.dedup.similarity import (
    Similarity,
    TextFeatures,
    clean_text_features,
    compare,
)
from newsdesk.dedup.wires import WireRegistry, default_registry

__all__ = [
    "DedupOutcome",
    "Deduplicator",
    "EngineOptions",
    "PreparedText",
    "apply_outcome",
    "index_keys",
    "prepare_text",
]


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """``max_candidates``: candidates verified per article (the per-article cost bound);
    ``feature_cache``: how many texts' features are kept between articles."""

    fingerprint: FingerprintOptions = field(default_factory=FingerprintOptions)
    decide: DecideOptions = field(default_factory=DecideOptions)
    max_candidates: int = 200
    feature_cache: int = 4096


@dataclass(frozen=True, slots=True)
class DedupOutcome:
    """What processing one article changed. ``keys`` are the index keys the article was
    added under (the store persists them as ``band_key -> article id`` rows)."""

    decision: CopyDecision
    revised: tuple[CopyDecision, ...] = ()
    repoints: tuple[tuple[DocId, DocId], ...] = ()
    keys: tuple[int, ...] = ()
    fingerprint: Fingerprint | None = None


@dataclass(frozen=True, slots=True)
class PreparedText:
    """The work on an article's text alone that :meth:`Deduplicator.process` needs: its
    MinHash fingerprint and comparison features. Made by :func:`prepare_text`, which is
    pure and picklable in and out, so it can run ahead in another process (the pipeline
    does it in the extraction worker) and leave only the index and store work to the one
    thread that decides."""

    text_digest: bytes
    fingerprint: Fingerprint
    features: TextFeatures


def prepare_text(text: str, *, options: FingerprintOptions | None = None) -> PreparedText:
    """The :class:`PreparedText` of ``text`` under fingerprint ``options``."""
    opts = options or FingerprintOptions()
    # the same as fingerprint() and text_features(), with the text cleaned, cut into words
    # and shingled once for both
    clean = strip_boilerplate(text)
    words = tokens(clean)
    full = shingle_hashes(words, k=opts.shingle_words)
    return PreparedText(
        _digest(text),
        fingerprint_words(words, full, options=opts),
        clean_text_features(clean, words, frozenset(full.tolist())),
    )


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def index_keys(
    doc: DocView, fp: Fingerprint, *, options: FingerprintOptions | None = None
) -> tuple[int, ...]:
    """The keys ``doc`` is indexed under: exact identity keys, then LSH band keys."""
    digest = fp.hash if fp.tokens >= (options or FingerprintOptions()).min_tokens else None
    return (
        *exact_keys(canonical_url=canonical_or_none(doc.url), guid=doc.guid, text_digest=digest),
        *band_keys(fp, options=options),
    )


class Deduplicator:
    """Processes articles in arrival order against ``index`` and ``lookup``.

    ``lookup(id)`` returns the stored :class:`DocView` (with its current ``copy_of`` and
    ``primary_id``) or None when it is gone. The caller must store each outcome before the
    next article is processed. The only state kept here is a bounded cache of text
    features, which changes speed, never results.
    """

    def __init__(
        self,
        index: FingerprintIndex[DocId],
        lookup: Callable[[DocId], DocView | None],
        *,
        wires: WireRegistry | None = None,
        options: EngineOptions | None = None,
    ) -> None:
        self.index = index
        self.lookup = lookup
        self.wires = wires or default_registry()
        self.options = options or EngineOptions()
        self._features: OrderedDict[DocId, tuple[TextFeatures, str]] = OrderedDict()

    def _features_of(self, doc: DocView) -> tuple[TextFeatures, str]:
        cached = self._features.get(doc.id)
        if cached is not None:
            self._features.move_to_end(doc.id)
            return cached
        prepared = prepare_text(doc.text, options=self.options.fingerprint)
        value = (prepared.features, prepared.fingerprint.hash)
        self._features[doc.id] = value
        if len(self._features) > self.options.feature_cache:
            self._features.popitem(last=False)
        return value

    def process(self, doc: DocView, *, prepared: PreparedText | None = None) -> DedupOutcome:
        """Decide ``doc`` and add it to the index; see the module docstring.

        ``prepared`` is :func:`prepare_text` of ``doc.text`` made ahead under this engine's
        fingerprint options; it is used only when it was made of that very text."""
        opts = self.options
        if prepared is None or prepared.text_digest != _digest(doc.text):
            prepared = prepare_text(doc.text, options=opts.fingerprint)
        fp = prepared.fingerprint
        keys = index_keys(doc, fp, options=opts.fingerprint)
        own = canonical_or_none(doc.url)
        credited = tuple(url for url, _why in doc.hints.pointers() if url != own)
        query = (*keys, *(k for url in credited for k in exact_keys(canonical_url=url)))
        found = sorted(self.index.candidates(query) - {doc.id}, key=str)[: opts.max_candidates]
        features = prepared.features
        self._features[doc.id] = (features, fp.hash)
        short = fp.tokens < opts.fingerprint.min_tokens
        candidates: list[Candidate] = []
        for other_id in found:
            other = self.lookup(other_id)
            if other is None:
                continue
            other_features, other_hash = self._features_of(other)
            similarity = compare(features, other_features)
            relation = match(
                doc,
                other,
                similarity,
                same_text=not short and other_hash == fp.hash,
                credited=_names_as_source(doc, other) or _names_as_source(other, doc),
                content_words=(features.content_words, other_features.content_words),
                options=opts.decide,
            )
            if relation is not None:
                candidates.append(relation)
        decision = decide(
            doc, candidates, lookup=self.lookup, wires=self.wires, options=opts.decide
        )
        self.index.add(doc.id, keys)
        revised: list[CopyDecision] = []
        for old_id in decision.supersedes:
            old = self.lookup(old_id)
            if old is None:
                continue
            old_features, _ = self._features_of(old)
            relation = next((c for c in candidates if c.doc.id == old.id), None)
            kind = "spun" if relation is not None and relation.kind == "spun" else None
            target = decision.primary_id
            link = relation.why if relation else "in one copy group"
            if target == doc.id:
                why = f"copy of {doc.id}: {link}"
            else:
                why = f"copy of {target}: groups joined by {doc.id} ({link})"
            revised.append(
                CopyDecision(
                    old.id,
                    target,
                    decision.primary_id,
                    relation.confidence if relation else decision.confidence,
                    kind or _guess(compare(features, old_features)),
                    (why, decision.reasons[-1]),
                    primary_source=decision.primary_source,
                )
            )
        return DedupOutcome(
            decision,
            tuple(revised),
            tuple((old_id, decision.primary_id) for old_id in decision.supersedes),
            keys=keys,
            fingerprint=fp,
        )


def _names_as_source(page: DocView, source: DocView) -> str | None:
    """The signal by which ``page`` gives ``source``'s URL as its source, if any."""
    target = canonical_or_none(source.url)
    own = canonical_or_none(page.url)
    if target is None or target == own:
        return None
    return next((why for url, why in page.hints.pointers() if url == target), None)


def _guess(sim: Similarity) -> str:
    if sim.jaccard >= 0.95:
        return "verbatim"
    return "truncated" if sim.size_ratio < 0.7 and sim.containment >= 0.8 else "templated"


def apply_outcome(view: DocView, decision: CopyDecision) -> DocView:
    """``view`` with ``decision`` recorded on it (what a store does on its row)."""
    return replace(view, copy_of=decision.copy_of, primary_id=decision.primary_id)

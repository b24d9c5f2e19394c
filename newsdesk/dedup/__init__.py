"""Copy detection: fingerprints, copies, primary source. Pure (values in, values out),
except :mod:`newsdesk.dedup.evaluate` and :mod:`newsdesk.dedup.devset`, which read files.

The pipeline calls :meth:`Deduplicator.process` once per article, in arrival order, with
the store's ``band_key -> article ids`` table as the :class:`FingerprintIndex` and the
store's article lookup; it stores the returned :class:`DedupOutcome`. See
``docs/design-dedup.md``.
"""

from newsdesk.dedup.decide import (
    Candidate,
    CopyDecision,
    DecideOptions,
    DocId,
    DocView,
    decide,
    match,
    prefer,
)
from newsdesk.dedup.engine import (
    Deduplicator,
    DedupOutcome,
    EngineOptions,
    apply_outcome,
    index_keys,
)
from newsdesk.dedup.fingerprint import (
    FINGERPRINT_VERSION,
    Fingerprint,
    FingerprintOptions,
    band_keys,
    exact_keys,
    fingerprint,
    strip_boilerplate,
    text_hash,
)
from newsdesk.dedup.index import CompactIndex, FingerprintIndex, MemoryIndex
from newsdesk.dedup.signals import AttributionHints, attribution_hints
from newsdesk.dedup.similarity import Similarity, TextFeatures, compare, text_features
from newsdesk.dedup.wires import (
    WireRegistry,
    WireService,
    default_registry,
    load_registry,
    registry_from_json,
)

__all__ = [
    "FINGERPRINT_VERSION",
    "AttributionHints",
    "Candidate",
    "CompactIndex",
    "CopyDecision",
    "DecideOptions",
    "DedupOutcome",
    "Deduplicator",
    "DocId",
    "DocView",
    "EngineOptions",
    "Fingerprint",
    "FingerprintIndex",
    "FingerprintOptions",
    "MemoryIndex",
    "Similarity",
    "TextFeatures",
    "WireRegistry",
    "WireService",
    "apply_outcome",
    "attribution_hints",
    "band_keys",
    "compare",
    "decide",
    "default_registry",
    "exact_keys",
    "fingerprint",
    "index_keys",
    "load_registry",
    "match",
    "prefer",
    "registry_from_json",
    "strip_boilerplate",
    "text_features",
    "text_hash",
]

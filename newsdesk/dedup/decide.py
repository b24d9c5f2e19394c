"""Is an article a copy, of what, and who is the primary source of its copy group?

Pure. :func:`match` turns the similarity of two texts into a copy relation (or none);
:func:`decide` takes an article and its verified candidates and returns one
:class:`CopyDecision` with the reasons in words. Thresholds are in :class:`DecideOptions`;
their defaults were chosen on the development set (``docs/design-dedup.md``).

How the primary source of a group is chosen (:func:`prefer`), first decisive rule first:

1. **credit**: one article credits the other: a wire credit in the byline or dateline naming
   the other's wire, ``rel=canonical`` / ``original-source`` / ``syndication-source`` /
   JSON-LD ``isBasedOn`` or an "originally appeared on" / "Source:" link pointing at the
   other's URL or site;
2. **time**: the earlier publication time, when both are known and differ by at least
   ``DecideOptions.same_time``;
3. **wire service**: one is published by a known wire (``newsdesk.dedup.wires``);
4. **re-publisher**: one is a known re-publisher (portal, automatic aggregator), the other not;
5. **arrival**: otherwise the article seen first stays primary.

Time comes before the wire and re-publisher lists on purpose: a wire's later update or a
portal that happens to be the first publisher must not take a group by reputation alone;
an explicit credit is what beats the clock (a partner's clock may run early).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from newsdesk.dedup.signals import AttributionHints
from newsdesk.dedup.similarity import Similarity
from newsdesk.dedup.wires import WireRegistry, default_registry
from newsdesk.errors import InvalidURL
from newsdesk.normalize import canonicalize_url, domain_or_none

__all__ = [
    "Candidate",
    "CopyDecision",
    "DecideOptions",
    "DocId",
    "DocView",
    "canonical_or_none",
    "decide",
    "describe_source",
    "match",
    "prefer",
    "time_gap",
]

DocId = int | str


@dataclass(frozen=True, slots=True)
class DocView:
    """An article as copy detection sees it.

    ``source`` is the outlet's registered domain; ``published`` is UTC-aware or None.
    ``copy_of`` and ``primary_id`` are the decision stored for it so far (None for an article
    not yet decided, or one that is its own primary: ``primary_id`` None means "itself").
    """

    id: DocId
    url: str | None
    source: str | None
    text: str
    published: datetime | None = None
    title: str = ""
    guid: str | None = None
    hints: AttributionHints = field(default_factory=AttributionHints)
    copy_of: DocId | None = None
    primary_id: DocId | None = None

    @property
    def group_primary(self) -> DocId:
        """The primary source of this article's copy group (itself when none is recorded)."""
        return self.id if self.primary_id is None else self.primary_id


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored article verified as a copy relation of the article being decided.

    ``kind`` is ``exact`` (same canonical URL, GUID or normalised text), ``near`` (shared
    shingles), ``credited`` (one names the other as its source, and the texts align) or
    ``spun`` (aligned content words); ``confidence`` is in (0, 1]."""

    doc: DocView
    similarity: Similarity
    kind: str
    confidence: float
    why: str


@dataclass(frozen=True, slots=True)
class CopyDecision:
    """What copy detection says about one article.

    ``copy_of``: the stored article it copies (None for an original). ``primary_id``: the
    primary source of its copy group (itself for an original). ``primary_source``: the name
    of the primary source (a wire's name, or the primary's domain), which may name a wire
    that is not in the store. ``confidence``: how sure the copy relation is (1.0 exact,
    0.75-1.0 near duplicates, 0.5-0.75 spun copies; 0.0 for an original).
    ``kind_guess``: ``original``, ``verbatim``, ``templated``, ``truncated``, ``wire`` or
    ``spun``. ``supersedes``: former primaries of groups that this article joined or bridged and
    that lost the primary role (every article whose primary was one of them now has
    ``primary_id``).
    ``reasons``: human-readable, e.g. ``"primary source: Reuters — byline credit;
    published 2 h earlier"``.
    """

    doc_id: DocId
    copy_of: DocId | None
    primary_id: DocId
    confidence: float
    kind_guess: str
    reasons: tuple[str, ...]
    primary_source: str | None = None
    supersedes: tuple[DocId, ...] = ()


@dataclass(frozen=True, slots=True)
class DecideOptions:
    """Thresholds of the copy decision.

    ``near_containment``: share of the shorter text's 5-word shingles found in the other for
    a near duplicate (the ECB+ labelling rule uses 0.5 too). ``min_shared_shingles``: fewer
    shared shingles than this never make a near duplicate. ``spun_aligned``: aligned
    content-word share (both directions, see :mod:`newsdesk.dedup.similarity`) for a spun
    copy, and ``spun_coverage`` the share of sentences that must align at least half their
    words; below ``spun_strong`` the aligned share must also exceed the shingle containment
    by ``spun_gap``: a spun copy changed its wording everywhere, while a text that keeps
    some sentences whole and rewrote the others is a partial reprint, judged by its
    containment alone (the ECB+ labelling rule). ``spun_kept``: the share of words a spun
    copy must keep in place or swap one for a few (``Similarity.kept``): a spinner changes
    words inside each sentence, while two outlets rewriting one wire story merge, split and
    extend sentences (measured on the dev set, seeds 7, 11, 23, 42: such rewrites keep at
    most 0.77, spun copies at least 0.82). ``spun_min_words``: both texts need this many
    content words for the spun rule.
    ``identity_containment``: a shared canonical URL or GUID makes an exact copy only when
    the texts share at least this much (containment), or either has fewer than
    ``identity_min_words`` content words: a live page or a reused GUID that now carries
    another report is not a copy of what it carried before. ``credited_aligned``: the aligned share
    (of the shorter text) enough for a page that names the other as its source.
    ``same_time``: publication times closer than this are a tie.
    """

    near_containment: float = 0.5
    min_shared_shingles: int = 8
    spun_aligned: float = 0.55
    spun_coverage: float = 0.6
    spun_gap: float = 0.35
    spun_strong: float = 0.75
    spun_kept: float = 0.8
    spun_min_words: int = 40
    identity_containment: float = 0.2
    identity_min_words: int = 10
    credited_aligned: float = 0.5
    same_time: timedelta = timedelta(minutes=1)


def canonical_or_none(url: str | None) -> str | None:
    """The canonical form of ``url``, or None when there is none or it is unusable."""
    if not url:
        return None
    try:
        return canonicalize_url(url)
    except InvalidURL:
        return None


def match(
    doc: DocView,
    other: DocView,
    similarity: Similarity,
    *,
    same_text: bool = False,
    credited: str | None = None,
    content_words: tuple[int, int] = (0, 0),
    options: DecideOptions | None = None,
) -> Candidate | None:
    """The copy relation between ``doc`` and ``other`` given their ``similarity``, or None.

    ``same_text`` says the boilerplate-free texts hash alike; ``credited`` names the signal
    by which one page gives the other's URL as its source (rel=canonical, original-source
    meta, a "Source:" link ...): such a pair is a copy when the texts share at least
    ``credited_aligned`` of their content words, however reworded. ``content_words`` are
    the two texts' content-word counts (for the spun rule's minimum, and to tell a page
    whose text was replaced from a short one)."""
    opts = options or DecideOptions()
    replaced = (
        min(content_words) >= opts.identity_min_words
        and similarity.containment < opts.identity_containment
    )
    url, other_url = canonical_or_none(doc.url), canonical_or_none(other.url)
    if url is not None and url == other_url and not replaced:
        return Candidate(other, similarity, "exact", 1.0, "same canonical URL")
    if doc.guid and doc.guid == other.guid and not replaced:
        return Candidate(other, similarity, "exact", 1.0, "same GUID")
    if same_text:
        return Candidate(other, similarity, "exact", 1.0, "same text")
    if (
        similarity.containment >= opts.near_containment
        and similarity.shared_shingles >= opts.min_shared_shingles
    ):
        confidence = round(0.75 + 0.25 * similarity.containment, 3)
        why = f"{similarity.containment:.0%} of the shorter text's 5-word shingles shared"
        return Candidate(other, similarity, "near", confidence, why)
    if credited is not None and similarity.aligned_shorter >= opts.credited_aligned:
        share = similarity.aligned_shorter
        why = f"credited by {credited}; {share:.0%} of the shorter text's content words align"
        return Candidate(other, similarity, "credited", 0.9, why)
    reworded = similarity.aligned - similarity.containment >= opts.spun_gap
    if (
        similarity.aligned >= opts.spun_aligned
        and similarity.coverage >= opts.spun_coverage
        and (reworded or similarity.aligned >= opts.spun_strong)
        and similarity.kept >= opts.spun_kept
        and min(content_words) >= opts.spun_min_words
    ):
        span = (similarity.aligned - opts.spun_aligned) / max(1e-9, 1.0 - opts.spun_aligned)
        confidence = round(0.5 + 0.25 * min(1.0, span), 3)
        why = (
            f"reworded: {similarity.aligned:.0%} of content words align sentence by sentence,"
            f" {similarity.distinctive:.0%} of names and numbers shared"
        )
        return Candidate(other, similarity, "spun", confidence, why)
    return None


def _credit(by: DocView, target: DocView, wires: WireRegistry) -> str | None:
    """How ``by`` credits ``target`` as its source, or None."""
    target_url = canonical_or_none(target.url)
    target_domain = target.source or domain_or_none(target.url)
    own_domain = by.source or domain_or_none(by.url)
    hints = by.hints
    if hints.wire_credit:
        wire = wires.wire_named(hints.wire_credit)
        if wire is not None and target_domain in wire.domains and own_domain not in wire.domains:
            return f"{wire.name} byline credit"
    for url, why in hints.pointers():
        if target_url is not None and url == target_url and url != canonical_or_none(by.url):
            return why
        pointed = domain_or_none(url)
        if pointed and pointed == target_domain and pointed != own_domain:
            return why
    for name in (*hints.credited_names, hints.jsonld_source_org):
        if name and target_domain and _names_site(name, target_domain):
            return "credited by name"
    return None


def _names_site(name: str, domain: str) -> bool:
    label = domain.split(".")[0]
    squashed = "".join(ch for ch in name.casefold() if ch.isalnum())
    return len(label) >= 3 and (squashed == label or squashed == domain.replace(".", ""))


def time_gap(delta: timedelta) -> str:
    """A time difference as the reasons phrase it: "45 min", "1.5 h", "3 h", "4 days"."""
    seconds = abs(delta.total_seconds())
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} days"
    if seconds >= 3600:
        hours = seconds / 3600
        return f"{hours:.0f} h" if hours >= 2 else f"{hours:.1f} h"
    return f"{max(1, round(seconds / 60))} min"


def describe_source(doc: DocView, wires: WireRegistry | None = None) -> str:
    """A display name for ``doc``'s outlet: the wire's name, or its domain."""
    registry = wires or default_registry()
    wire = registry.wire_for_domain(doc.source)
    if wire is not None:
        return wire.name
    return doc.source or domain_or_none(doc.url) or str(doc.id)


def prefer(
    incumbent: DocView,
    challenger: DocView,
    *,
    wires: WireRegistry | None = None,
    options: DecideOptions | None = None,
) -> tuple[DocView, tuple[str, ...]]:
    """Which of two copies is the primary source, and why (see the module docstring).

    ``incumbent`` is the group's current primary, ``challenger`` the newly seen copy;
    ties go to the incumbent. Returns the winner and its reasons."""
    registry = wires or default_registry()
    opts = options or DecideOptions()
    reasons: list[str] = []
    winner: DocView | None = None
    by_challenger = _credit(challenger, incumbent, registry)
    by_incumbent = _credit(incumbent, challenger, registry)
    if by_challenger and not by_incumbent:
        winner, reasons = incumbent, [by_challenger]
    elif by_incumbent and not by_challenger:
        winner, reasons = challenger, [by_incumbent]
    a, b = incumbent.published, challenger.published
    if a is not None and b is not None and abs(a - b) >= opts.same_time:
        earlier = incumbent if a < b else challenger
        if winner is None:
            winner = earlier
        if earlier is winner:
            reasons.append(f"published {time_gap(a - b)} earlier")
        else:
            reasons.append(f"although published {time_gap(a - b)} later")
    if winner is None:
        wire_a = registry.wire_for_domain(incumbent.source)
        wire_b = registry.wire_for_domain(challenger.source)
        if wire_a and not wire_b:
            winner, reasons = incumbent, ["wire service"]
        elif wire_b and not wire_a:
            winner, reasons = challenger, ["wire service"]
    if winner is None:
        repub_a = registry.is_republisher(incumbent.source)
        repub_b = registry.is_republisher(challenger.source)
        if repub_b and not repub_a:
            winner, reasons = incumbent, [f"{challenger.source} is a re-publisher"]
        elif repub_a and not repub_b:
            winner, reasons = challenger, [f"{incumbent.source} is a re-publisher"]
    if winner is None:
        winner = incumbent
        reasons.append("seen first")
    return winner, tuple(reasons)


def decide(
    doc: DocView,
    candidates: Sequence[Candidate],
    *,
    lookup: Callable[[DocId], DocView | None],
    wires: WireRegistry | None = None,
    options: DecideOptions | None = None,
) -> CopyDecision:
    """The :class:`CopyDecision` for ``doc`` given its verified ``candidates``.

    The strongest candidate (highest confidence, then containment, then aligned share)
    says which copy group ``doc`` joins; near or exact candidates from other groups merge
    those groups in. ``lookup`` fetches the groups' primaries, which :func:`prefer` weighs
    against each other and against ``doc``. With no candidate ``doc`` is an original, whose
    ``primary_source`` still names a wire it credits (a reprint whose wire copy is not
    stored)."""
    registry = wires or default_registry()
    if not candidates:
        credited = registry.wire_named(doc.hints.wire_credit)
        own = registry.wire_for_domain(doc.source)
        if credited is not None and credited is not own:
            return CopyDecision(
                doc.id,
                None,
                doc.id,
                0.0,
                "wire",
                (f"primary source: {credited.name} — byline credit; its copy is not known",),
                primary_source=credited.name,
            )
        return CopyDecision(
            doc.id,
            None,
            doc.id,
            0.0,
            "original",
            ("no copy found",),
            primary_source=describe_source(doc, registry),
        )
    ranked = sorted(candidates, key=_rank, reverse=True)
    best = ranked[0]
    # The best candidate's group is joined; a near or exact copy of members of other groups
    # bridges them, and the groups merge. A spun match merges another group only when it is
    # that group's primary and was published after ``doc`` (a reworded copy of ``doc`` seen
    # before it); merging through any spun match cost more precision than it gained.
    primaries: list[DocView] = []
    for candidate in ranked:
        if (
            candidate is not best
            and candidate.kind == "spun"
            and not _later_primary(candidate, doc)
        ):
            continue
        group = candidate.doc.group_primary
        if all(view.id != group for view in primaries):
            primaries.append(lookup(group) or candidate.doc)
    current = primaries[0]
    for other in primaries[1:]:
        current, _ = prefer(current, other, wires=registry, options=options)
    winner, why = prefer(current, doc, wires=registry, options=options)
    superseded = tuple(view.id for view in primaries if view.id != winner.id)
    kind = _kind_guess(doc, best, registry)
    name = describe_source(winner, registry)
    reason = f"primary source: {name} — {'; '.join(why)}"
    if winner is doc:
        return CopyDecision(
            doc.id,
            None,
            doc.id,
            best.confidence,
            "original",
            (f"original of {best.doc.id} ({best.why})", reason),
            primary_source=name,
            supersedes=superseded,
        )
    return CopyDecision(
        doc.id,
        best.doc.id,
        winner.id,
        best.confidence,
        kind,
        (f"copy of {best.doc.id}: {best.why}", reason),
        primary_source=name,
        supersedes=superseded,
    )


def _later_primary(candidate: Candidate, doc: DocView) -> bool:
    other = candidate.doc
    return (
        other.group_primary == other.id
        and other.published is not None
        and doc.published is not None
        and other.published > doc.published
    )


def _rank(candidate: Candidate) -> tuple[float, float, float, str]:
    sim = candidate.similarity
    return (candidate.confidence, sim.containment, sim.aligned, str(candidate.doc.id))


def _kind_guess(doc: DocView, best: Candidate, wires: WireRegistry) -> str:
    if best.kind == "spun":
        return "spun"
    if wires.wire_named(doc.hints.wire_credit) is not None:
        return "wire"
    sim = best.similarity
    if best.kind == "exact" or sim.jaccard >= 0.95:
        return "verbatim"
    if sim.size_ratio < 0.7 and sim.containment >= 0.8:
        return "truncated"
    return "templated"

"""Where an article comes from, told to a reader: its copy group's primary source, the
article it was copied from, the other copies, and whether an outlet re-publishes others'
articles without credit.

Pure: the stored decision (:class:`newsdesk.model.Article`'s ``copy_*`` fields), the group's
members (:meth:`newsdesk.store.base.Store.copy_groups`) and a source lookup in, a
:class:`Provenance` out.

Stored reasons were written when the article was decided; a later article may have become
the group's primary since (an original seen after its copies). So the time relation is
always worked out afresh from the current primary's publication time, and the recorded
credit ("Reuters byline credit", "original-source meta" ...) is kept only while the
recorded primary is still the group's primary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsdesk.dedup.decide import time_gap
from newsdesk.model import Article, Source
from newsdesk.store.base import CopyMember, CopyShare
from newsdesk.web.present import host_of, outlet_link, outlet_name

__all__ = [
    "COPIES_SHOWN",
    "UNCREDITED_MIN_EXTRACTED",
    "UNCREDITED_SHARE",
    "ArticleRef",
    "CopyFlag",
    "Provenance",
    "copy_flag",
    "provenance",
    "reader_reason",
]

#: Copies named under a list row ("+12 copies: A, B, C …"); the count is always complete.
COPIES_SHOWN = 5

#: A source is flagged as a re-publisher that does not credit when at least this share of
#: its extracted articles are copies crediting nobody ...
UNCREDITED_SHARE = 0.5
#: ... out of at least this many extracted articles. Below that a share is noise (one
#: uncredited copy among two articles is 50 %); at half or more of everything it publishes
#: being others' text without a word of credit, re-publishing is what the outlet does, and a
#: reader should know. A wire partner that prints a byline, an aggregator that links the
#: original or sets rel=canonical to it, credits, and is not flagged.
UNCREDITED_MIN_EXTRACTED = 5

# Minimum gap for "published earlier": the dedup rule's DecideOptions.same_time default.
_SAME_TIME = timedelta(minutes=1)

# The reasons newsdesk.dedup.decide records, in a reader's words (credit signals first).
_PHRASES = (
    ("original-source meta", "the page names it as the original source"),
    ("syndication-source meta", "the page names it as the syndication source"),
    ("JSON-LD isBasedOn", "the page's metadata names it as the source"),
    ("rel=canonical", "the page's canonical link points to it"),
    ("credit link", "the page links to it as the source"),
    ("credited by name", "the page credits it by name"),
    ("wire service", "a wire service"),
    ("seen first", "seen first"),
    ("its copy is not known", "its own copy is not stored here"),
)


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """Another article of the group (or a credited wire that is not stored: ``id`` None).
    ``link`` is that article on its outlet's own site."""

    id: int | None
    source_id: int | None
    outlet: str
    link: str | None
    published: datetime | None


@dataclass(frozen=True, slots=True)
class Provenance:
    """The copy decision of one article as a reader sees it.

    ``primary`` is the group's primary source (this article itself when ``is_primary``);
    ``why`` the reasons in a reader's words ("byline credit; published 2 h earlier");
    ``line`` the sentence to print ("Primary source: Reuters — byline credit; ..."), empty
    for an original. ``copied_from`` is the article it copies when that is not the primary.
    ``copies`` are the group's other copies (not this article, not the primary), oldest
    first, at most the number asked for; ``copies_total`` counts them all.
    """

    kind: str | None
    confidence: float | None
    reasons: tuple[str, ...]
    is_primary: bool
    primary: ArticleRef | None
    why: str
    line: str
    copied_from: ArticleRef | None
    copies: tuple[ArticleRef, ...]
    copies_total: int


@dataclass(frozen=True, slots=True)
class CopyFlag:
    """A source's share of uncredited copies and whether it crosses the flag's threshold."""

    extracted: int
    copies: int
    uncredited: int
    share: float
    flagged: bool


def copy_flag(share: CopyShare | None) -> CopyFlag:
    """The flag for one source's :class:`CopyShare` (none stored: nothing extracted)."""
    if share is None or share.extracted == 0:
        return CopyFlag(extracted=0, copies=0, uncredited=0, share=0.0, flagged=False)
    ratio = share.uncredited / share.extracted
    return CopyFlag(
        extracted=share.extracted,
        copies=share.copies,
        uncredited=share.uncredited,
        share=round(ratio, 3),
        flagged=share.extracted >= UNCREDITED_MIN_EXTRACTED and ratio >= UNCREDITED_SHARE,
    )


def _is_time(part: str) -> bool:
    return part.startswith(("published ", "although published "))


def reader_reason(part: str) -> str:
    """One recorded reason (``"Reuters byline credit"``, ``"rel=canonical"`` ...) in a
    reader's words; unknown ones are returned as they are."""
    part = part.strip()
    if part.endswith("byline credit"):
        return "byline credit"
    if part.endswith(" is a re-publisher"):
        return part.removesuffix(" is a re-publisher") + " re-publishes others' articles"
    for recorded, said in _PHRASES:
        if part == recorded:
            return said
    return part


def _recorded(reasons: Sequence[str]) -> tuple[str | None, list[str]]:
    """(primary's name, reason parts) of the ``primary source: NAME — WHY`` reason."""
    for reason in reasons:
        if reason.startswith("primary source: ") and " — " in reason:
            name, _, why = reason.removeprefix("primary source: ").partition(" — ")
            return name, [p.strip() for p in why.split(";") if p.strip()]
    return None, []


def _timing(this: datetime | None, primary: datetime | None) -> str | None:
    if this is None or primary is None or abs(this - primary) < _SAME_TIME:
        return None
    if primary < this:
        return f"published {time_gap(this - primary)} earlier"
    return f"although published {time_gap(primary - this)} later"


def _ref(member: CopyMember, source_of: Callable[[int], Source | None]) -> ArticleRef:
    source = source_of(member.source_id)
    return ArticleRef(
        id=member.id,
        source_id=member.source_id,
        outlet=outlet_name(source) if source is not None else host_of(member.url),
        link=outlet_link(member.url, member.canonical_url),
        published=member.published,
    )


def provenance(
    article: Article,
    members: Sequence[CopyMember],
    source_of: Callable[[int], Source | None],
    *,
    copies_shown: int = COPIES_SHOWN,
) -> Provenance | None:
    """The :class:`Provenance` of ``article`` given its group's ``members`` (from
    ``Store.copy_groups``; may be empty when the group's other articles are gone); None for
    an article not decided yet."""
    if article.primary_id is None:
        return None
    own = next((m for m in members if m.id == article.id), None)
    recorded_name = own.primary_source if own else None
    by_id = {m.id: m for m in members}
    primary_member = by_id.get(article.primary_id)
    is_primary = article.primary_id == article.id
    name, parts = _recorded(article.copy_reasons)
    primary: ArticleRef | None
    why_parts: list[str] = []
    if is_primary and article.copy_kind == "wire" and name:
        # An original crediting a wire whose own copy is not stored: the wire is the source.
        primary = ArticleRef(None, None, name, None, None)
        is_primary = False
        why_parts = [reader_reason(p) for p in parts]
    elif is_primary:
        source = source_of(article.source_id)
        primary = ArticleRef(
            article.id,
            article.source_id,
            outlet_name(source, article),
            outlet_link(article.url, article.canonical_url),
            article.published,
        )
    elif primary_member is not None:
        primary = _ref(primary_member, source_of)
        # The recorded credit holds while the recorded primary is still the group's.
        current = primary_member.primary_source
        if name is not None and (recorded_name is None or recorded_name == current):
            why_parts = [reader_reason(p) for p in parts if not _is_time(p)]
        timing = _timing(article.published, primary_member.published)
        if timing:
            why_parts.append(timing)
    else:
        # The primary is gone: name it as recorded, without a link.
        primary = ArticleRef(None, None, recorded_name or name or "unknown", None, None)
        why_parts = [reader_reason(p) for p in parts if not _is_time(p)]
    why = "; ".join(dict.fromkeys(p for p in why_parts if p))
    line = ""
    if not is_primary and primary is not None:
        line = f"Primary source: {primary.outlet}" + (f" — {why}" if why else "")
    copied_from = None
    if article.copy_of is not None and article.copy_of != article.primary_id:
        source_member = by_id.get(article.copy_of)
        if source_member is not None:
            copied_from = _ref(source_member, source_of)
    others = [m for m in members if m.id not in (article.id, article.primary_id)]
    return Provenance(
        kind=article.copy_kind,
        confidence=article.copy_confidence,
        reasons=article.copy_reasons,
        is_primary=is_primary,
        primary=primary,
        why=why,
        line=line,
        copied_from=copied_from,
        copies=tuple(_ref(m, source_of) for m in others[: max(0, copies_shown)]),
        copies_total=len(others),
    )

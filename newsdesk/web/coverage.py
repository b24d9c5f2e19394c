"""A story as a reader sees it: who covered it, the primary source first, copies folded under
the article they copy, where it was covered and where not yet.

Pure: the story's stored record, its articles (as :class:`ArticleView` with the
:class:`Article` they came from), headline histories and the followed sources in; a
:class:`StoryCoverage` out.

The story's **primary source** is its earliest original (an article that copies no stored
article), by time (published, else first seen) then id — the outlet that reported it first;
:meth:`newsdesk.store.base.Store.story_leads` picks the same article for the front page.
A copy (``copy_of`` set) is folded under the original its copy group leads when that
original is in the story, else under the article it copies, else it stands alone marked
as a copy. Copies are never coverage: they add no outlet, country or language to the
breakdown, and a country reached only by a copy is still a gap (said so).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from newsdesk.model import Article, Source
from newsdesk.store.base import StoryRecord, TextRevision, TitleRevision
from newsdesk.web.present import (
    PASSAGE_WORDS,
    ArticleView,
    ChangeView,
    RevisionView,
    TextRevisionView,
    revisions,
    text_revisions,
    timeline,
)

__all__ = [
    "CoverageItem",
    "Gaps",
    "StoryCard",
    "StoryCoverage",
    "followed",
    "language_code",
    "story_card",
    "story_coverage",
    "story_headline",
]


def language_code(language: str | None) -> str | None:
    """The primary subtag, lower-cased (``en-GB`` -> ``en``): how coverage is compared."""
    code = (language or "").strip().split("-")[0].split("_")[0].lower()
    return code or None


def story_headline(record: StoryRecord) -> str:
    return record.headline.strip() or f"Story {record.id}"


@dataclass(frozen=True, slots=True)
class CoverageItem:
    """One outlet's article in a story. ``copies``: the story's articles copying it,
    oldest first; ``is_copy``: this item is itself a copy whose original is not in the
    story; ``revisions``: its headlines with times when it changed (else empty);
    ``text_revisions``: the changes of its text (else empty); ``changes``: both as one
    timeline, oldest first."""

    view: ArticleView
    is_primary: bool
    is_copy: bool
    copies: tuple[ArticleView, ...]
    revisions: tuple[RevisionView, ...]
    text_revisions: tuple[TextRevisionView, ...] = ()
    changes: tuple[ChangeView, ...] = ()


@dataclass(frozen=True, slots=True)
class Gaps:
    """Followed countries and languages (those of the enabled sources) with no coverage of
    the story yet; ``*_copies_only``: those among them reached by a copy only."""

    countries: tuple[str, ...]
    languages: tuple[str, ...]
    countries_copies_only: tuple[str, ...]
    languages_copies_only: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoryCoverage:
    record: StoryRecord
    headline: str
    items: tuple[CoverageItem, ...]  # the primary first, then the others by time
    primary: CoverageItem | None
    outlets: int
    countries: tuple[tuple[str, int], ...]  # (code, articles), most first
    languages: tuple[tuple[str, int], ...]
    copies: int  # copies folded (not coverage)
    gaps: Gaps
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True, slots=True)
class StoryCard:
    """A story on the front page: its primary source and a few other outlets' articles."""

    record: StoryRecord
    headline: str
    primary: ArticleView | None
    others: tuple[ArticleView, ...]
    outlets: int
    countries: tuple[str, ...]
    languages: tuple[str, ...]


def followed(sources: Iterable[Source]) -> tuple[frozenset[str], frozenset[str]]:
    """(countries, languages) of the enabled sources, as coverage compares them."""
    countries: set[str] = set()
    languages: set[str] = set()
    for source in sources:
        if not source.enabled:
            continue
        if source.country and source.country.strip():
            countries.add(source.country.strip().upper())
        code = language_code(source.language)
        if code:
            languages.add(code)
    return frozenset(countries), frozenset(languages)


def _sort_key(view: ArticleView) -> tuple[int, float, int]:
    return (0, view.time.timestamp(), view.id) if view.time else (1, 0.0, view.id)


def story_coverage(
    record: StoryRecord,
    pairs: Sequence[tuple[Article, ArticleView]],
    *,
    histories: Mapping[int, Sequence[TitleRevision]],
    followed_countries: Iterable[str],
    followed_languages: Iterable[str],
    text_histories: Mapping[int, Sequence[TextRevision]] | None = None,
    passage_words: int = PASSAGE_WORDS,
) -> StoryCoverage:
    """The coverage of ``record`` from its articles (each with its view), in any order.

    ``histories``: title histories of the articles whose headline changed (others may be
    missing); ``text_histories``: likewise, text revisions of those whose text changed
    (their passages cut to ``passage_words``); ``followed_*``: from :func:`followed`."""
    by_id = {a.id: (a, v) for a, v in pairs}
    originals = {a.id for a, _ in pairs if a.copy_of is None}
    anchor_of: dict[int, int] = {}
    for article, _ in pairs:
        if article.copy_of is None:
            continue
        anchor: int | None = None
        if article.primary_id in originals:
            anchor = article.primary_id
        else:  # walk the copy chain to an original in the story
            seen: set[int] = set()
            step: int | None = article.copy_of
            while step is not None and step not in seen:
                if step in originals:
                    anchor = step
                    break
                seen.add(step)
                step = by_id[step][0].copy_of if step in by_id else None
        if anchor is not None and anchor != article.id:
            anchor_of[article.id] = anchor
    folded: dict[int, list[ArticleView]] = {}
    for copy_id, anchor in anchor_of.items():
        folded.setdefault(anchor, []).append(by_id[copy_id][1])
    heads = sorted((v for a, v in pairs if a.id not in anchor_of), key=_sort_key)
    primary_view = next((v for v in heads if v.id in originals), None)
    ordered = ([primary_view] if primary_view else []) + [v for v in heads if v is not primary_view]
    items = []
    for view in ordered:
        history = histories.get(view.id, ())
        changed = revisions(list(history)) if view.revised else []
        headlines = changed if len(changed) > 1 else []
        edits = text_revisions(
            (text_histories or {}).get(view.id, ()) if view.edited else (), words=passage_words
        )
        items.append(
            CoverageItem(
                view=view,
                is_primary=view is primary_view,
                is_copy=view.id not in originals,
                copies=tuple(sorted(folded.get(view.id, ()), key=_sort_key)),
                revisions=tuple(headlines),
                text_revisions=tuple(edits),
                changes=tuple(timeline(headlines, edits)),
            )
        )
    coverage = [i.view for i in items if not i.is_copy]
    copy_views = [v for a, v in pairs if a.id not in originals]
    countries = Counter(v.country.upper() for v in coverage if v.country)
    languages = Counter(c for c in (language_code(v.language) for v in coverage) if c)
    copy_countries = {v.country.upper() for v in copy_views if v.country}
    copy_languages = {c for c in (language_code(v.language) for v in copy_views) if c}
    gap_countries = sorted(set(followed_countries) - set(countries))
    gap_languages = sorted(set(followed_languages) - set(languages))
    times = [v.time for v in coverage if v.time] or [v.time for _, v in pairs if v.time]
    return StoryCoverage(
        record=record,
        headline=story_headline(record),
        items=tuple(items),
        primary=items[0] if items and items[0].is_primary else None,
        outlets=len({v.source_id for v in coverage}),
        countries=tuple(sorted(countries.items(), key=lambda kv: (-kv[1], kv[0]))),
        languages=tuple(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
        copies=len(anchor_of) + sum(i.is_copy for i in items),
        gaps=Gaps(
            countries=tuple(gap_countries),
            languages=tuple(gap_languages),
            countries_copies_only=tuple(c for c in gap_countries if c in copy_countries),
            languages_copies_only=tuple(c for c in gap_languages if c in copy_languages),
        ),
        first=min(times) if times else record.first_seen,
        last=max(times) if times else record.last_update,
    )


def story_card(
    record: StoryRecord,
    leads: Sequence[ArticleView],
    *,
    others: int = 3,
    lead_is_primary: bool = True,
) -> StoryCard:
    """The front page's row for ``record`` from :meth:`Store.story_leads`' articles (the
    primary source first; with ``lead_is_primary=False`` every lead is an "other")."""
    primary = leads[0] if leads and lead_is_primary else None
    rest = [v for v in leads if v is not primary]
    rest = [v for v in rest if primary is None or v.source_id != primary.source_id]
    return StoryCard(
        record=record,
        headline=story_headline(record),
        primary=primary,
        others=tuple(rest[: max(0, others)]),
        outlets=len(record.outlets),
        countries=record.countries,
        languages=tuple(dict.fromkeys(c for c in map(language_code, record.languages) if c)),
    )

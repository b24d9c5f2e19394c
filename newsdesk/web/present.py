"""What the pages, the API and the feeds show of an article or a source: one view each.

The publishing rules live here, once: an article is shown as its headline, a capped
excerpt (never the full text) and a link to the outlet's own URL (``canonical_url`` only
when it stays on the outlet's site, and only ``http``/``https`` — a feed's
``javascript:`` link is dropped). Cursors for keyset pagination are encoded here too.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newsdesk.errors import InvalidURL
from newsdesk.model import Article, Source
from newsdesk.normalize import same_site
from newsdesk.store.base import ArticleCursor, StoryCursor, TextRevision, TitleRevision
from newsdesk.web.excerpt import excerpt, plain_text

if TYPE_CHECKING:
    from newsdesk.web.provenance import Provenance

__all__ = [
    "PASSAGES_SHOWN",
    "PASSAGE_WORDS",
    "ArticleView",
    "BadCursor",
    "ChangeView",
    "DiffPart",
    "RevisionView",
    "TextRevisionView",
    "article_excerpt",
    "article_view",
    "decode_cursor",
    "decode_story_cursor",
    "encode_cursor",
    "encode_story_cursor",
    "host_of",
    "outlet_link",
    "outlet_name",
    "outlet_url",
    "revisions",
    "safe_http_url",
    "source_home",
    "text_revisions",
    "timeline",
]

PASSAGES_SHOWN = 3
"""Sentences added (and removed) shown per text revision at most."""
PASSAGE_WORDS = 25
"""Words shown of one such sentence at most (the excerpt's rules: never the full text)."""


class BadCursor(ValueError):
    """A pagination cursor that this server did not make."""


@dataclass(frozen=True, slots=True)
class ArticleView:
    id: int
    source_id: int
    title: str
    excerpt: str
    link: str | None
    time: datetime | None
    published: datetime | None
    first_seen: datetime | None
    language: str | None
    country: str | None
    outlet: str
    authors: tuple[str, ...]
    topics: tuple[str, ...]
    revised: bool  # the headline changed after it was first seen
    provenance: Provenance | None = None  # None: copy detection has not decided it yet
    edited: bool = False  # the text changed after it was first extracted


@dataclass(frozen=True, slots=True)
class DiffPart:
    op: str  # "same", "del" or "ins"
    text: str


@dataclass(frozen=True, slots=True)
class RevisionView:
    title: str
    seen_at: datetime
    diff: tuple[DiffPart, ...]  # against the previous headline; empty for the first


@dataclass(frozen=True, slots=True)
class TextRevisionView(TextRevision):
    """A text revision as pages and the API show it: the word counts, and at most
    :data:`PASSAGES_SHOWN` sentences added and removed, each cut to a few words
    (``more_added``/``more_removed``: how many more the revision has)."""

    more_added: int = 0
    more_removed: int = 0

    @property
    def summary(self) -> str:
        """``+12 / −3 words``."""
        return f"+{self.words_added} / \u2212{self.words_removed} words"


@dataclass(frozen=True, slots=True)
class ChangeView:
    """One entry of an article's "what changed and when": a headline (``headline``) or a
    text revision (``text``)."""

    seen_at: datetime
    headline: RevisionView | None = None
    text: TextRevisionView | None = None

    @property
    def kind(self) -> str:
        return "headline" if self.headline is not None else "text"


def safe_http_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url.strip()


def outlet_url(article: Article) -> str | None:
    """The link to the original: the page's canonical URL when it stays on the outlet's
    site, else the URL the feed gave."""
    return outlet_link(article.url, article.canonical_url)


@functools.lru_cache(maxsize=8192)
def outlet_link(url: str | None, canonical_url: str | None) -> str | None:
    """:func:`outlet_url` from an article's two URLs (remembered: a page shows dozens of
    links, each parsed twice, and the same articles are shown again and again)."""
    url = safe_http_url(url)
    canonical = safe_http_url(canonical_url)
    if canonical and url and _same_site(_host(canonical), _host(url)):
        return canonical
    return url or None


def host_of(url: str) -> str:
    """The host of ``url``, or ``url`` itself when it has none (a name to show)."""
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@functools.lru_cache(maxsize=4096)
def _same_site(a: str, b: str) -> bool:
    # Hosts repeat on every page (one outlet, many articles): the public-suffix lookup is
    # done once per pair.
    if a == b:
        return True
    try:
        return same_site(a, b)
    except InvalidURL:
        return False


def source_home(source: Source) -> str | None:
    return safe_http_url(source.site_url)


def outlet_name(source: Source | None, article: Article | None = None) -> str:
    if source is not None and source.title:
        return source.title
    if article is not None and article.site_name:
        return article.site_name
    url = source.url if source is not None else (article.url if article else "")
    return host_of(url)


def article_excerpt(article: Article, *, words: int) -> str:
    """The excerpt: from the extracted text, else the feed's summary, else the page's
    description; boilerplate removed and capped at ``words``."""
    for text in (article.text, plain_text(article.summary), plain_text(article.description or "")):
        found = excerpt(text, max_words=words, title=article.title) if text else ""
        if found:
            return found
    return ""


def article_view(
    article: Article,
    source: Source | None,
    *,
    words: int,
    excerpt_text: str | None = None,
    provenance: Provenance | None = None,
    edited: bool = False,
) -> ArticleView:
    """What every page, feed and API answer shows of ``article``. ``excerpt_text``: an
    excerpt already made (cached) for it, else one is made from the article;
    ``provenance``: its copy group as :func:`newsdesk.web.provenance.provenance` tells it;
    ``edited``: its text has revisions."""
    titles = [t for t in article.titles if t]
    return ArticleView(
        id=article.id,
        source_id=article.source_id,
        title=article.title.strip() or outlet_url(article) or f"Article {article.id}",
        excerpt=(
            excerpt_text if excerpt_text is not None else article_excerpt(article, words=words)
        ),
        link=outlet_url(article),
        time=article.published or article.first_seen,
        published=article.published,
        first_seen=article.first_seen,
        language=article.language or (source.language if source else None),
        country=source.country if source else None,
        outlet=outlet_name(source, article),
        authors=article.authors,
        topics=tuple(dict.fromkeys(c.strip() for c in article.categories if c.strip())),
        revised=len(set(titles)) > 1,
        provenance=provenance,
        edited=edited,
    )


def revisions(history: list[TitleRevision]) -> list[RevisionView]:
    """Each headline with a word diff against the one before (identical repeats dropped)."""
    out: list[RevisionView] = []
    previous: str | None = None
    for rev in history:
        if rev.title == previous:
            continue
        parts: list[DiffPart] = []
        if previous is not None:
            old, new = previous.split(), rev.title.split()
            matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
            for op, a0, a1, b0, b1 in matcher.get_opcodes():
                if op == "equal":
                    parts.append(DiffPart("same", " ".join(old[a0:a1])))
                    continue
                if a1 > a0:
                    parts.append(DiffPart("del", " ".join(old[a0:a1])))
                if b1 > b0:
                    parts.append(DiffPart("ins", " ".join(new[b0:b1])))
        out.append(RevisionView(title=rev.title, seen_at=rev.seen_at, diff=tuple(parts)))
        previous = rev.title
    return out


def text_revisions(
    history: Sequence[TextRevision], *, words: int = PASSAGE_WORDS
) -> list[TextRevisionView]:
    """Each text revision with its passages capped: at most :data:`PASSAGES_SHOWN` a side,
    each at most ``words`` words (and :data:`PASSAGE_WORDS`), by :func:`excerpt`'s rules
    (page furniture dropped, CJK counted by half words); none when ``words`` is below 1
    (an installation showing no excerpts shows no passages either)."""
    cap = min(words, PASSAGE_WORDS)

    def shown(passages: Sequence[str]) -> tuple[tuple[str, ...], int]:
        kept: list[str] = []
        for passage in passages if cap >= 1 else ():
            if len(kept) == PASSAGES_SHOWN:
                break
            cut = excerpt(passage, max_words=cap)
            if cut:
                kept.append(cut)
        return tuple(kept), max(0, len(passages) - len(kept))

    out = []
    for rev in history:
        added, more_added = shown(rev.added)
        removed, more_removed = shown(rev.removed)
        out.append(
            TextRevisionView(
                seen_at=rev.seen_at,
                words_before=rev.words_before,
                words_after=rev.words_after,
                words_added=rev.words_added,
                words_removed=rev.words_removed,
                added=added,
                removed=removed,
                more_added=more_added,
                more_removed=more_removed,
            )
        )
    return out


def timeline(
    headlines: Sequence[RevisionView], texts: Sequence[TextRevisionView]
) -> list[ChangeView]:
    """Headline and text revisions as one timeline, oldest first: every headline when it
    changed (the first included, as what it changed from), and every text revision."""
    entries = [ChangeView(seen_at=h.seen_at, headline=h) for h in headlines]
    if len(entries) < 2:
        entries = []
    entries += [ChangeView(seen_at=t.seen_at, text=t) for t in texts]
    return sorted(entries, key=lambda e: (e.seen_at, e.kind != "headline"))


def encode_cursor(cursor: ArticleCursor) -> str:
    raw = f"{cursor.time.astimezone(UTC).isoformat()}|{cursor.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> ArticleCursor:
    """The cursor back; raises :class:`BadCursor` for anything this server did not make."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        when, _, ident = raw.partition("|")
        time = datetime.fromisoformat(when)
        if time.tzinfo is None:
            raise ValueError("naive time")
        return ArticleCursor(time=time.astimezone(UTC), id=int(ident))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor(f"invalid cursor {text[:40]!r}") from exc


def encode_story_cursor(cursor: StoryCursor) -> str:
    """A position in the story ranking; the score is written exactly (``repr``)."""
    at = cursor.at.astimezone(UTC).isoformat()
    last = cursor.last_update.astimezone(UTC).isoformat()
    raw = f"s|{at}|{cursor.score!r}|{last}|{cursor.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_story_cursor(text: str) -> StoryCursor:
    """The story cursor back; raises :class:`BadCursor` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        kind, at_text, score, last_text, ident = raw.split("|")
        if kind != "s":
            raise ValueError("not a story cursor")
        at, last = datetime.fromisoformat(at_text), datetime.fromisoformat(last_text)
        if at.tzinfo is None or last.tzinfo is None:
            raise ValueError("naive time")
        return StoryCursor(
            at=at.astimezone(UTC),
            score=float(score),
            last_update=last.astimezone(UTC),
            id=int(ident),
        )
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor(f"invalid cursor {text[:40]!r}") from exc

"""What pages and the API show of revisions: capped passages, one timeline, valid examples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsdesk.store.base import TextRevision, TitleRevision
from newsdesk.web.api.schemas import (
    ARTICLE_DETAIL_EXAMPLE,
    ArticleDetail,
    change_out,
    text_revision_out,
)
from newsdesk.web.api.stories import STORY_DETAIL_EXAMPLE, StoryDetail
from newsdesk.web.present import PASSAGES_SHOWN, revisions, text_revisions, timeline

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
LONG = " ".join(f"word{i}" for i in range(200)) + "."


def text_revision(at: timedelta, **kwargs: object) -> TextRevision:
    values: dict[str, object] = {
        "seen_at": T0 + at,
        "words_before": 100,
        "words_after": 110,
        "words_added": 12,
        "words_removed": 2,
        "added": ("Two firefighters were treated for smoke inhalation.",),
        "removed": ("No one was injured.",),
        **kwargs,
    }
    return TextRevision(**values)  # type: ignore[arg-type]


def test_passages_are_few_and_short() -> None:
    (view,) = text_revisions(
        [text_revision(timedelta(hours=2), added=(LONG,) * 5 + ("Advertisement",), removed=())],
        words=60,
    )
    assert len(view.added) == PASSAGES_SHOWN and view.more_added == 3
    assert all(len(p.split()) <= 25 for p in view.added)
    assert view.added[0].startswith("word0 word1") and view.added[0].endswith("…")
    assert view.removed == () and view.more_removed == 0
    assert view.summary == "+12 / \u22122 words"
    (short,) = text_revisions([text_revision(timedelta(hours=2))], words=4)
    assert short.added == ("Two firefighters were treated…",)
    (none,) = text_revisions([text_revision(timedelta(hours=2))], words=0)
    assert none.added == none.removed == () and none.more_added == none.more_removed == 1
    assert none.summary == "+12 / \u22122 words"
    # page furniture is not a passage worth showing
    (furniture,) = text_revisions(
        [text_revision(timedelta(hours=2), added=("Advertisement", "Share this article"))]
    )
    assert furniture.added == () and furniture.more_added == 2


def test_headlines_and_text_revisions_make_one_timeline() -> None:
    heads = revisions(
        [
            TitleRevision("Fire at warehouse", T0),
            TitleRevision("Fire at warehouse under control", T0 + timedelta(hours=3)),
        ]
    )
    texts = text_revisions([text_revision(timedelta(hours=2)), text_revision(timedelta(hours=24))])
    entries = timeline(heads, texts)
    assert [(e.kind, e.seen_at - T0) for e in entries] == [
        ("headline", timedelta(0)),
        ("text", timedelta(hours=2)),
        ("headline", timedelta(hours=3)),
        ("text", timedelta(hours=24)),
    ]
    assert [change_out(e).summary for e in entries] == [
        "headline: Fire at warehouse",
        "text: +12 / \u22122 words",
        "headline: Fire at warehouse under control",
        "text: +12 / \u22122 words",
    ]
    # one headline is no headline change; no text revision, no entry
    assert timeline(heads[:1], texts[:1]) == [e for e in entries if e.kind == "text"][:1]
    assert timeline(heads[:1], []) == []
    assert text_revision_out(texts[0]).added == list(texts[0].added)


def test_the_documented_examples_are_valid_answers() -> None:
    detail = ArticleDetail.model_validate(ARTICLE_DETAIL_EXAMPLE)
    assert detail.edited and detail.text_revisions[0].words_added == 23
    assert [c.kind for c in detail.changes] == ["headline", "headline", "text"]
    story = StoryDetail.model_validate(STORY_DETAIL_EXAMPLE)
    assert story.items[0].text_revisions == [] and story.items[0].changes == []

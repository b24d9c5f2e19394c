"""Story clustering's store methods, on every backend: the clusterer's input, assignments
with merges and links, the saved state, resets, and the story reads the web layer uses
(see newsdesk/store/stories.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from newsdesk.dedup import CopyDecision, DedupOutcome
from newsdesk.errors import StoreError
from newsdesk.model import ExtractedArticle, FeedItem
from newsdesk.store import EntryWrite
from newsdesk.store.schema import cluster_snapshots, cluster_stories
from newsdesk.store.sql import SqlStore
from newsdesk.store.stories import SNAPSHOT_NAME, pack_state
from newsdesk.stories import (
    ArticleView,
    Assignment,
    ClusterOptions,
    CrossLink,
    StoryClusterer,
    StoryState,
)
from newsdesk.storydesk import StoryDesk

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def article(
    store: SqlStore,
    host: str,
    path: str,
    *,
    title: str = "",
    published: datetime | None = None,
    country: str | None = None,
    language: str | None = "en",
    now: datetime = NOW,
) -> int:
    source = store.add_source(f"https://{host}/feed.xml", now=now, country=country)
    url = f"https://{host}/{path}"
    item = FeedItem(guid=None, url=url, title=title or f"Title {path}", published=published)
    result = store.upsert_entries(
        source.id, [EntryWrite(item=item, keys=(f"url:{url}",), canonical_url=url)], now=now
    )
    (article_id,) = result.new_ids
    store.save_extraction(
        article_id,
        ExtractedArticle(text=f"Body of {path}.", language=language),
        now=now,
        raw_html=None,
        canonical_url=url,
    )
    return article_id


def mark_copy(store: SqlStore, copy: int, original: int) -> None:
    decision = CopyDecision(copy, original, original, 0.9, "verbatim", ("test",), "example")
    assert store.save_copy_decision(DedupOutcome(decision))


def state(
    story_id: int,
    headline_article: int,
    *,
    headline: str = "Headline",
    language: str | None = "en",
    languages: tuple[str, ...] = ("en",),
    links: tuple[CrossLink, ...] = (),
    status: str = "active",
) -> StoryState:
    return StoryState(
        id=str(story_id),
        headline=headline,
        headline_article_id=str(headline_article),
        size=1,
        first_seen=NOW,
        last_update=NOW,
        language=language,
        languages=languages,
        links=links,
        status=status,
    )


def assign(
    store: SqlStore,
    article_id: int,
    story_id: int,
    *,
    merged: tuple[int, ...] = (),
    states: tuple[StoryState, ...] | None = None,
    score: float = 0.8,
) -> int | None:
    assignment = Assignment(
        str(article_id),
        str(story_id),
        score,
        article_id == story_id,
        merged=tuple(str(m) for m in merged),
    )
    if states is None:
        states = (state(story_id, story_id),)
    return store.save_story_assignment(assignment, states, now=NOW)


def test_story_input_reads_the_article_and_its_original(store: SqlStore) -> None:
    assert store.story_input(999) is None
    published = NOW - timedelta(hours=3)
    a = article(
        store, "news.example.co.uk", "a", title="Dam breaks", published=published, country="GB"
    )
    b = article(store, "copier.example.org", "b", language=None)
    given = store.story_input(a)
    assert given is not None
    assert given.view == ArticleView(
        id=str(a),
        title="Dam breaks",
        text="Body of a.",
        published=published,
        language="en",
        source="example.co.uk",
        country="GB",
        is_primary=False,
    )
    assert (given.copy_of, given.original_story_id, given.story_id) == (None, None, None)
    assign(store, a, a)
    original = CopyDecision(a, None, a, 0.0, "original", ("original",), "example")
    assert store.save_copy_decision(DedupOutcome(original))
    mark_copy(store, b, a)
    copy = store.story_input(b)
    assert copy is not None
    assert copy.view.published == NOW  # no date: first seen
    assert copy.view.language is None and copy.view.country is None
    assert (copy.copy_of, copy.original_story_id, copy.story_id) == (a, a, None)
    assert store.story_input(a).view.is_primary  # type: ignore[union-attr]


def test_assignments_are_numbered_and_stories_recounted(store: SqlStore) -> None:
    a = article(store, "a.example.com", "1", country="US", published=NOW - timedelta(hours=5))
    b = article(store, "b.example.net", "2", country="FR", published=NOW - timedelta(hours=1))
    c = article(store, "c.example.org", "3", country="us")
    assert assign(store, a, a, states=(state(a, a, headline="First"),)) == 1
    assert assign(store, b, a, states=(state(a, b, headline="Better"),)) == 2
    assert assign(store, b, a) == 2  # a replay keeps the article's number
    mark_copy(store, c, a)
    assert assign(store, c, a, states=(), score=1.0) == 3  # a copy joins, unscored
    story = store.story(a)
    assert story is not None
    assert story.headline == "Headline" and story.headline_article_id == a
    assert (story.size, story.copies) == (3, 1)
    assert story.outlets == tuple(sorted({store.get_article(i).source_id for i in (a, b)}))  # type: ignore[union-attr]
    assert story.countries == ("FR", "US")  # the copy's country adds nothing
    assert story.first_seen == NOW - timedelta(hours=5)
    assert story.last_update == NOW - timedelta(hours=1)
    assert story.status == "active" and story.merged_into is None
    assert store.story_assignments_after(1) == [(2, b), (3, c)]
    assert store.story_assignments_after(3) == []
    assert store.last_story_seq() == 3
    assert store.article_stories([a, b, c, 12345]) == {a: a, b: a, c: a}
    gone = Assignment("12345", "12345", 0.0, True)
    assert store.save_story_assignment(gone, (), now=NOW) is None


def test_a_merge_moves_the_articles_and_leaves_a_redirect(store: SqlStore) -> None:
    a, b, c, d = (article(store, f"s{i}.example.com", str(i)) for i in range(4))
    assign(store, a, a)
    assign(store, b, b)
    assign(store, c, c)
    assign(store, d, c, merged=(b,))  # b into c
    assign(store, a, a)
    e = article(store, "s9.example.com", "9")
    assign(store, e, a, merged=(c,))  # c (holding b) into a
    assert store.article_stories([a, b, c, d, e]) == dict.fromkeys((a, b, c, d, e), a)
    merged_c, merged_b, survivor = store.story(c), store.story(b), store.story(a)
    assert merged_c is not None and merged_b is not None and survivor is not None
    assert (merged_c.status, merged_c.merged_into, merged_c.size) == ("merged", a, 0)
    assert (merged_b.status, merged_b.merged_into) == ("merged", a)  # one step to the survivor
    assert survivor.size == 5 and len(survivor.outlets) == 5


def test_a_story_left_empty_is_deleted(store: SqlStore) -> None:
    a, b = article(store, "a.example.com", "1"), article(store, "b.example.com", "2")
    assign(store, a, a)
    assign(store, b, b)
    assign(store, b, a)  # a replay decided otherwise: b's own story is left empty
    assert store.story(b) is None
    assert store.story(a).size == 2  # type: ignore[union-attr]


def test_cross_lingual_links_are_kept_both_ways(store: SqlStore) -> None:
    en = article(store, "a.example.com", "en")
    de = article(store, "b.example.de", "de", language="de")
    assign(store, de, de, states=(state(de, de, language="de", languages=("de",)),))
    link = CrossLink(story_id=str(de), language="de", confidence=0.7)
    assign(store, en, en, states=(state(en, en, languages=("de", "en"), links=(link,)),))
    story_en, story_de = store.story(en), store.story(de)
    assert story_en is not None and story_de is not None
    assert [(x.story_id, x.language, x.confidence) for x in story_en.links] == [(de, "de", 0.7)]
    assert [(x.story_id, x.language) for x in story_de.links] == [(en, "en")]
    assert story_en.languages == ("de", "en")
    # the link is gone from the state: gone from the store, both ways
    assign(store, en, en, states=(state(en, en),))
    assert store.story(en).links == () and store.story(de).links == ()  # type: ignore[union-attr]


def test_top_stories_rank_breadth_and_recency_with_copies_once(store: SqlStore) -> None:
    def story_of(n: int, hours_ago: float, *, prefix: str, language: str = "en") -> int:
        when = NOW - timedelta(hours=hours_ago)
        ids = [
            article(
                store,
                f"{prefix}{i}.example.com",
                f"{prefix}{i}",
                published=when,
                country=f"C{i}",
                language=language,
            )
            for i in range(n)
        ]
        head = state(ids[0], ids[0], language=language, languages=(language,))
        for i in ids:
            assign(store, i, ids[0], states=(head,))
        return ids[0]

    broad_old = story_of(4, 30, prefix="old")  # breadth 8, two half-lives and a half
    narrow_new = story_of(2, 0, prefix="new")  # breadth 4, fresh
    middle = story_of(3, 6, prefix="mid")  # breadth 6, half a half-life
    german = story_of(3, 1, prefix="de", language="de")
    # Five copies of the narrow story's first article, from five more countries: no breadth.
    for i in range(5):
        copy = article(store, f"copy{i}.example.com", f"c{i}", country=f"K{i}")
        mark_copy(store, copy, narrow_new)
        assign(store, copy, narrow_new, states=())
    assert store.story(narrow_new).outlets.__len__() == 2  # type: ignore[union-attr]

    ranked = [s.id for s in store.top_stories(now=NOW, since=NOW - timedelta(days=3))]
    assert ranked == [german, middle, narrow_new, broad_old]
    assert [s.id for s in store.top_stories(now=NOW)] == [german, middle, narrow_new, broad_old]
    assert [s.id for s in store.top_stories(now=NOW, since=NOW - timedelta(hours=12))] == [
        german,
        middle,
        narrow_new,
    ]
    assert [s.id for s in store.top_stories(now=NOW, language="EN", limit=2)] == [
        middle,
        narrow_new,
    ]
    assert [s.id for s in store.top_stories(now=NOW, country="c2")] == [german, middle, broad_old]
    assert [s.id for s in store.top_stories(now=NOW, country="K1")] == []  # copies only
    assign(store, narrow_new, middle, merged=(narrow_new,))
    assert narrow_new not in [s.id for s in store.top_stories(now=NOW)]


def test_story_articles_pages_newest_first(store: SqlStore) -> None:
    ids = [
        article(store, f"s{i}.example.com", str(i), published=NOW - timedelta(hours=i))
        for i in range(5)
    ]
    for i in ids:
        assign(store, i, ids[0])
    first = store.story_articles(ids[0], limit=2)
    assert [a.id for a in first.articles] == ids[:2]
    assert first.next is not None
    rest = store.story_articles(ids[0], limit=10, after=first.next)
    assert [a.id for a in rest.articles] == ids[2:] and rest.next is None
    assert store.story_articles(999).articles == ()


def test_cluster_state_round_trip_and_unassigned_articles(store: SqlStore) -> None:
    assert store.load_cluster_state() is None
    data = {"version": 1, "stories": [{"id": "1", "terms": {"dam": 2.5}}], "now": None}
    store.save_cluster_state(data, seq=7, now=NOW)
    store.save_cluster_state({**data, "now": 3.5}, seq=9, now=NOW + timedelta(minutes=1))
    saved = store.load_cluster_state()
    assert saved is not None
    assert saved.data == {**data, "now": 3.5, "order": ["1"]} and saved.seq == 9
    assert saved.saved_at == NOW + timedelta(minutes=1)

    early = article(store, "a.example.com", "1", now=NOW - timedelta(days=2))
    late = article(store, "b.example.com", "2")
    assert store.unassigned_articles() == [early, late]
    assert store.unassigned_articles(after_id=early) == [late]
    assert store.unassigned_articles(arrived_since=NOW - timedelta(days=1)) == [late]
    assert store.unassigned_articles(extracted_since=NOW + timedelta(seconds=1)) == []
    assign(store, late, late)
    assert store.unassigned_articles() == [early]


def test_cluster_state_saves_only_the_changed_stories(store: SqlStore) -> None:
    def story(story_id: str, size: int) -> dict[str, Any]:
        return {"id": story_id, "size": size}

    whole = {"version": 2, "now": 1.0, "order": ["1", "2", "3"]}
    store.save_cluster_state(
        {**whole, "stories": [story("1", 1), story("2", 1), story("3", 1)]}, seq=3, now=NOW
    )
    # "2" grew and absorbed "3"; "4" is new; "1" is unchanged and not sent again.
    part = {"version": 2, "now": 2.0, "order": ["1", "2", "4"], "partial": True}
    store.save_cluster_state(
        {**part, "stories": [story("2", 3), story("4", 1)], "gone": ["3"]}, seq=5, now=NOW
    )
    saved = store.load_cluster_state()
    assert saved is not None and saved.seq == 5
    assert saved.data == {
        "version": 2,
        "now": 2.0,
        "order": ["1", "2", "4"],
        "stories": [story("1", 1), story("2", 3), story("4", 1)],
    }
    with store._engine.connect() as conn:
        rows = conn.execute(sa.select(cluster_stories.c.story_id)).scalars().all()
    assert sorted(rows) == ["1", "2", "4"]  # the gone story's row is deleted
    with pytest.raises(StoreError, match="order"):
        store.save_cluster_state({"version": 2, "partial": True, "stories": []}, seq=6, now=NOW)
    # A story the order names but no row holds: the state cannot be read back whole.
    store.save_cluster_state({**part, "order": ["1", "9"], "stories": []}, seq=6, now=NOW)
    with pytest.raises(StoreError, match="lacks its story '9'"):
        store.load_cluster_state()
    # A whole snapshot replaces every row.
    store.save_cluster_state({**whole, "order": ["7"], "stories": [story("7", 2)]}, seq=7, now=NOW)
    saved = store.load_cluster_state()
    assert saved is not None and saved.data["stories"] == [story("7", 2)]


def test_cluster_state_saved_whole_in_one_blob_is_still_read(store: SqlStore) -> None:
    # Before revision 0010 the stories were inside the snapshot row's JSON.
    data = {"version": 2, "now": 1.0, "stories": [{"id": "1", "size": 2}]}
    encoding, body = pack_state(data)
    with store._engine.begin() as conn:
        conn.execute(
            sa.insert(cluster_snapshots).values(
                name=SNAPSHOT_NAME, seq=4, encoding=encoding, body=body, saved_at=NOW
            )
        )
    saved = store.load_cluster_state()
    assert saved is not None and saved.data == data and saved.seq == 4


def test_reset_stories_everything_or_since_a_date(store: SqlStore) -> None:
    old = article(store, "a.example.com", "1", now=NOW - timedelta(days=3))
    new = article(store, "b.example.com", "2")
    lone = article(store, "c.example.com", "3")
    assign(store, old, old)
    assign(store, new, old, states=(state(old, new, headline="New headline"),))
    assign(store, lone, lone)
    store.save_cluster_state({"version": 1}, seq=3, now=NOW)

    assert store.reset_stories(now=NOW, since=NOW - timedelta(days=1)) == 2
    kept = store.story(old)
    assert kept is not None and kept.size == 1
    assert kept.headline_article_id == old and kept.headline == "Title 1"
    assert store.story(lone) is None
    assert store.load_cluster_state() is None
    assert store.article_stories([old, new, lone]) == {old: old}
    assert store.story_assignments_after(0) == [(1, old)]

    assert store.reset_stories(now=NOW) == 1
    assert store.story(old) is None and store.article_stories([old]) == {}
    assert store.unassigned_articles() == [old, new, lone]
    assert assign(store, new, new) == 1  # numbering starts again


def test_mark_dormant_stories(store: SqlStore) -> None:
    a = article(store, "a.example.com", "1", published=NOW - timedelta(days=5))
    b = article(store, "b.example.com", "2", published=NOW)
    assign(store, a, a)
    assign(store, b, b)
    assert store.mark_dormant_stories(before=NOW - timedelta(days=3)) == 1
    assert store.story(a).status == "dormant"  # type: ignore[union-attr]
    assert store.story(b).status == "active"  # type: ignore[union-attr]
    assign(store, a, a)  # the clusterer revived it
    assert store.story(a).status == "active"  # type: ignore[union-attr]


def test_deleting_articles_recounts_their_stories(store: SqlStore) -> None:
    """A takedown or a removed source leaves no story counting, or headlined by, an
    article that is gone; a story left empty goes."""
    a = article(store, "a.example.com", "1", country="US", title="Kept")
    b = article(store, "b.example.net", "2", country="FR", title="Taken down")
    assign(store, a, a)
    assign(store, b, a, states=(state(a, b, headline="Taken down"),))
    assert store.story(a).size == 2  # type: ignore[union-attr]
    assert store.delete_article(b, now=NOW, reason="takedown")
    story = store.story(a)
    assert story is not None
    assert (story.size, story.countries) == (1, ("US",))
    assert (story.headline_article_id, story.headline) == (a, "Kept")
    source = store.get_article(a)
    assert source is not None and store.remove_source(source.source_id)
    assert store.story(a) is None


def test_the_story_desk_saves_whole_then_changed_stories_and_resumes(store: SqlStore) -> None:
    titles = [
        "Earthquake of magnitude 7.1 strikes off Hokkaido",
        "Apple unveils new iPad Pro with M5 chip",
        "Magnitude 7.1 earthquake strikes Hokkaido, tsunami warning",
        "Parliament votes on the budget",
    ]
    ids = [article(store, f"o{n}.example.com", str(n), title=t) for n, t in enumerate(titles)]
    desk = StoryDesk.open(store, ClusterOptions(), clock=lambda: NOW)
    for article_id in ids[:2]:
        desk.assign(article_id)
    assert desk.snapshot(force=True)
    with store._engine.connect() as conn:
        before = {r.story_id: bytes(r.body) for r in conn.execute(sa.select(cluster_stories))}
    for article_id in ids[2:]:
        desk.assign(article_id)
    assert desk.snapshot()
    with store._engine.connect() as conn:
        after = {r.story_id: bytes(r.body) for r in conn.execute(sa.select(cluster_stories))}
    # The second save rewrote the stories that changed and added the new one only.
    unchanged = [sid for sid in before if before[sid] == after.get(sid)]
    assert len(after) == len(desk.clusterer) and len(unchanged) >= 1
    saved = store.load_cluster_state()
    assert saved is not None
    restored = StoryClusterer.restore(saved.data, ClusterOptions())
    assert orjson.dumps(restored.snapshot()) == orjson.dumps(desk.clusterer.snapshot())

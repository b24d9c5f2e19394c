"""Copy detection's store methods, on every backend: the band-key index, the article view
the Deduplicator reads and the decisions it writes (see newsdesk/store/copies.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from newsdesk.dedup import (
    AttributionHints,
    CopyDecision,
    Deduplicator,
    DedupOutcome,
    DocView,
)
from newsdesk.model import ExtractedArticle, FeedItem
from newsdesk.store import EntryWrite
from newsdesk.store.copies import add_keys
from newsdesk.store.sql import SqlStore
from tests.unit.dedup.test_decide import ORIGINAL, OTHER_REPORT

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BIG = 2**63 - 1  # band keys are 63-bit


def article(
    store: SqlStore,
    url: str,
    text: str,
    *,
    published: datetime | None = None,
    guid: str | None = None,
) -> int:
    source = store.add_source(f"https://{url.split('/')[2]}/feed.xml", now=NOW)
    item = FeedItem(guid=guid, url=url, title="T " + url, published=published)
    result = store.upsert_entries(
        source.id, [EntryWrite(item=item, keys=(f"url:{url}",), canonical_url=url)], now=NOW
    )
    (article_id,) = result.new_ids
    store.save_extraction(
        article_id, ExtractedArticle(text=text), now=NOW, raw_html=None, canonical_url=url
    )
    return article_id


def count_keys(store: SqlStore) -> int:
    with store._engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM dedup_keys")).scalar_one())


def decision(doc: int, copy_of: int | None, primary: int, *reasons: str) -> CopyDecision:
    return CopyDecision(
        doc,
        copy_of,
        primary,
        0.0 if copy_of is None else 0.9,
        "original" if copy_of is None else "templated",
        reasons or ("original",),
        primary_source="example.com",
    )


def test_index_add_and_candidates(store: SqlStore) -> None:
    a = article(store, "https://a.example.com/1", "one")
    b = article(store, "https://b.example.com/2", "two")
    index = store.fingerprint_index()
    index.add(a, [1, 2, BIG])
    index.add(b, [2, 3])
    index.add(b, [2, 3])  # idempotent
    assert index.candidates([2]) == {a, b}
    assert index.candidates([BIG, 3]) == {a, b}
    assert index.candidates([1]) == {a}
    assert index.candidates([99]) == set()
    assert index.candidates([]) == set()
    assert count_keys(store) == 5
    index.add(10_000, [7])  # an article that is gone is not indexed
    assert index.candidates([7]) == set()
    store.delete_article(a, now=NOW, reason="test")  # keys go with the article
    assert index.candidates([1, 2, BIG]) == {b}


def test_index_without_write_through_adds_nothing(store: SqlStore) -> None:
    a = article(store, "https://a.example.com/1", "one")
    store.fingerprint_index(write_through=False).add(a, [1, 2])
    assert count_keys(store) == 0


def test_index_caps_the_postings_of_a_key(store: SqlStore) -> None:
    ids = [article(store, f"https://s{i}.example.com/{i}", "x") for i in range(4)]
    with store._write() as conn:
        for n, i in enumerate(ids):
            add_keys(conn, i, [5, 6 + n], max_postings=2)
    index = store.fingerprint_index()
    assert index.candidates([5]) == set(ids[:2])
    assert index.candidates([9]) == {ids[3]}


def test_dedup_view_reads_the_article(store: SqlStore) -> None:
    assert store.dedup_view(12345) is None
    published = NOW - timedelta(hours=2)
    a = article(store, "https://news.example.co.uk/a", "Body text.", published=published, guid="g")
    view = store.dedup_view(a)
    assert view == DocView(
        id=a,
        url="https://news.example.co.uk/a",
        source="example.co.uk",
        text="Body text.",
        published=published,
        title="T https://news.example.co.uk/a",
        guid="g",
    )


def test_save_copy_decision_writes_decision_hints_and_keys(store: SqlStore) -> None:
    a = article(store, "https://a.example.com/1", ORIGINAL)
    b = article(store, "https://b.example.com/2", ORIGINAL)
    hints = AttributionHints(canonical_url="https://a.example.com/1", credited_names=("A",))
    assert store.save_copy_decision(DedupOutcome(decision(a, None, a), keys=(1, 2)))
    assert store.save_copy_decision(
        DedupOutcome(decision(b, a, a, "copy of 1: all", "primary: a"), keys=(2, 3)),
        hints=hints,
    )
    original, copy = store.get_article(a), store.get_article(b)
    assert original is not None and copy is not None
    assert (original.copy_of, original.primary_id, original.copy_kind) == (None, a, "original")
    assert (copy.copy_of, copy.primary_id, copy.copy_kind) == (a, a, "templated")
    assert copy.copy_confidence == 0.9
    assert copy.copy_reasons == ("copy of 1: all", "primary: a")
    view_a, view_b = store.dedup_view(a), store.dedup_view(b)
    assert view_a is not None and view_b is not None
    assert view_a.primary_id is None and view_a.group_primary == a  # its own primary
    assert (view_b.copy_of, view_b.primary_id, view_b.hints) == (a, a, hints)
    assert store.fingerprint_index().candidates([2]) == {a, b}
    assert store.list_articles(limit=5)[0].copy_reasons  # every reader gets the fields
    assert not store.save_copy_decision(DedupOutcome(decision(777, None, 777), keys=(4,)))
    assert count_keys(store) == 4


def test_save_copy_decision_repoints_a_group_in_one_go(store: SqlStore) -> None:
    c1 = article(store, "https://c1.example.com/1", "x")
    c2 = article(store, "https://c2.example.com/2", "x")
    o = article(store, "https://o.example.com/3", "x")
    store.save_copy_decision(DedupOutcome(decision(c1, None, c1)))
    store.save_copy_decision(DedupOutcome(decision(c2, c1, c1, "copy")))
    store.save_copy_decision(
        DedupOutcome(
            decision(o, None, o),
            revised=(decision(c1, o, o, "copy of o"),),
            repoints=((c1, o),),
        )
    )
    got = {i: store.get_article(i) for i in (c1, c2, o)}
    assert {i: a.primary_id for i, a in got.items() if a} == {c1: o, c2: o, o: o}
    got_c1, got_c2 = got[c1], got[c2]
    assert got_c1 is not None and got_c1.copy_of == o
    assert got_c2 is not None and got_c2.copy_of == c1


def test_deduplicator_over_the_store(store: SqlStore) -> None:
    engine = Deduplicator(
        store.fingerprint_index(write_through=False), lambda i: store.dedup_view(int(i))
    )
    ids = [
        article(store, "https://one.example.com/a", ORIGINAL, published=NOW),
        article(
            store, "https://two.example.org/b", "Advertisement\n" + ORIGINAL, published=later(1)
        ),
        article(store, "https://three.example.net/c", OTHER_REPORT, published=later(2)),
    ]
    for i in ids:
        view = store.dedup_view(i)
        assert view is not None
        assert store.save_copy_decision(engine.process(view))
    first, copy, other = (store.get_article(i) for i in ids)
    assert first is not None and copy is not None and other is not None
    assert copy.copy_of == ids[0] and copy.primary_id == ids[0] and copy.copy_reasons
    assert first.copy_of is None and first.primary_id == ids[0]
    assert other.copy_of is None and other.primary_id == ids[2]
    # every article is indexed under its keys, written with its decision
    with store._engine.connect() as conn:
        indexed = set(conn.execute(sa.text("SELECT DISTINCT article_id FROM dedup_keys")).scalars())
    assert indexed == set(ids)


def later(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)


def test_folded_queries_groups_and_shares_on_every_backend(store: SqlStore) -> None:
    """The reading side of copies (web lists, article pages, source flags) on each backend:
    a group is listed once, by its primary; its members read back oldest first; a source's
    uncredited copies are counted."""
    from newsdesk.store.base import ArticleQuery

    hour = timedelta(hours=1)
    original = article(store, "https://orig.example/a", ORIGINAL, published=NOW)
    copy1 = article(store, "https://copy.example/a", ORIGINAL, published=NOW + hour)
    copy2 = article(store, "https://copy.example/b", ORIGINAL, published=NOW + 2 * hour)
    other = article(store, "https://other.example/a", OTHER_REPORT, published=NOW + 3 * hour)
    for doc, copy_of in ((original, None), (copy1, original), (copy2, copy1), (other, None)):
        primary = other if doc == other else original
        assert store.save_copy_decision(
            DedupOutcome(decision(doc, copy_of, primary)), hints=AttributionHints()
        )

    def ids(**query: object) -> list[int]:
        page = store.query_articles(ArticleQuery(**query), limit=10)  # type: ignore[arg-type]
        return [a.id for a in page.articles]

    assert ids() == [other, copy2, copy1, original]
    assert ids(fold_copies=True) == [other, original]

    def source_of(article_id: int) -> int:
        found = store.get_article(article_id)
        assert found is not None
        return found.source_id

    # the original filtered out: the group shows by its earliest matching copy
    copy_source = source_of(copy1)
    assert ids(fold_copies=True, source_ids=(copy_source,)) == [copy1]

    groups = store.copy_groups([original, other])
    assert [m.id for m in groups[original]] == [original, copy1, copy2]
    assert [m.id for m in groups[other]] == [other]

    shares = store.copy_shares()
    assert (shares[copy_source].extracted, shares[copy_source].copies) == (2, 2)
    assert shares[copy_source].uncredited == 2
    orig_source = source_of(original)
    assert (shares[orig_source].copies, shares[orig_source].uncredited) == (0, 0)


def test_deleting_a_primary_elects_the_earliest_remaining_copy(store: SqlStore) -> None:
    """A takedown of the original leaves no copy pointing at nothing: the earliest copy
    becomes the group's primary (an original now), later copies follow it."""
    hour = timedelta(hours=1)
    original = article(store, "https://orig.example/a", ORIGINAL, published=NOW)
    first = article(store, "https://copy.example/a", ORIGINAL, published=NOW + hour)
    second = article(store, "https://copy2.example/a", ORIGINAL, published=NOW + 2 * hour)
    for doc, copy_of in ((original, None), (first, original), (second, original)):
        assert store.save_copy_decision(DedupOutcome(decision(doc, copy_of, original)))
    assert store.delete_article(original, now=NOW, reason="takedown")

    first_view, second_view = store.dedup_view(first), store.dedup_view(second)
    assert first_view is not None and second_view is not None
    assert (first_view.copy_of, first_view.group_primary) == (None, first)
    assert (second_view.copy_of, second_view.group_primary) == (first, first)
    group = store.copy_groups([first])[first]
    assert [m.id for m in group] == [first, second]


def test_deleting_a_copy_in_a_chain_relinks_to_what_it_copied(store: SqlStore) -> None:
    hour = timedelta(hours=1)
    original = article(store, "https://orig.example/a", ORIGINAL, published=NOW)
    middle = article(store, "https://mid.example/a", ORIGINAL, published=NOW + hour)
    last = article(store, "https://last.example/a", ORIGINAL, published=NOW + 2 * hour)
    for doc, copy_of in ((original, None), (middle, original), (last, middle)):
        assert store.save_copy_decision(DedupOutcome(decision(doc, copy_of, original)))
    # removing the middle article's whole source takes the same path
    middle_article = store.get_article(middle)
    assert middle_article is not None
    assert store.remove_source(middle_article.source_id)
    view = store.dedup_view(last)
    assert view is not None and (view.copy_of, view.group_primary) == (original, original)

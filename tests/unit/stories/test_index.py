"""DocumentFrequency, vector helpers and the inverted index over live stories."""

from __future__ import annotations

import math

from newsdesk.stories.index import InvertedIndex
from newsdesk.stories.vectors import DocumentFrequency, sublinear, unit


def test_idf_orders_rare_above_common() -> None:
    df = DocumentFrequency()
    for terms in (["a", "b"], ["a", "c"], ["a", "a", "d"]):
        df.add(terms)
    assert df.documents == 3
    assert df.df("a") == 3  # counted once per document
    assert df.idf("zzz") > df.idf("b") > df.idf("a")


def test_prior_keeps_shared_terms_heavy_on_a_cold_start() -> None:
    cold = DocumentFrequency(prior=100)
    cold.add(["quake", "hokkaido"])
    cold.add(["quake", "tsunami"])
    assert cold.idf("quake") > 3.0
    assert DocumentFrequency().idf("x") == math.log(2)


def test_prune_forgets_the_rarest_terms_down_to_three_quarters() -> None:
    df = DocumentFrequency()
    for n in range(10):
        df.add(["every", f"once{n}", *(["twice"] if n < 2 else []), *(["thrice"] if n < 3 else [])])
    assert len(df.counts) == 13
    assert df.prune(13) == 0  # not over the limit
    idf_every = df.idf("every")
    assert df.prune(12) == 10  # three quarters of 12 is 9: all ten count-1 terms go
    assert df.counts == {"every": 10, "twice": 2, "thrice": 3}
    assert df.documents == 10 and df.idf("every") == idf_every
    assert df.idf("once3") == df.idf("never seen")
    assert df.prune(2) == 2  # ties go together: only the most frequent is left
    assert df.counts == {"every": 10}


def test_sublinear_and_unit() -> None:
    assert sublinear({"a": 1.0, "b": math.e, "c": 0.5}) == {"a": 1.0, "b": 2.0, "c": 0.5}
    vector = unit({"a": 3.0, "b": 4.0})
    assert vector == {"a": 0.6, "b": 0.8}
    assert unit({}) == {}


def test_index_set_keys_replaces_and_lookup_sums() -> None:
    index = InvertedIndex()
    index.set_keys("s1", ["quake", "japan"])
    index.set_keys("s2", ["quake", "chile"])
    assert index.lookup([("quake", 1.0), ("japan", 2.0)], max_posting=10) == {
        "s1": 3.0,
        "s2": 1.0,
    }
    index.set_keys("s1", ["tsunami"])
    assert index.lookup([("japan", 1.0)], max_posting=10) == {}
    assert index.lookup([("tsunami", 1.0)], max_posting=10) == {"s1": 1.0}
    assert index.stats() == (2, 3, 3)


def test_index_skips_overlong_postings_and_removes() -> None:
    index = InvertedIndex()
    for number in range(5):
        index.set_keys(f"s{number}", ["common", f"rare{number}"])
    hits = index.lookup([("common", 1.0), ("rare3", 1.0)], max_posting=3)
    assert hits == {"s3": 1.0}
    index.remove("s3")
    index.remove("unknown")
    assert index.lookup([("rare3", 1.0)], max_posting=3) == {}
    assert len(index) == 4

"""Dedup benchmark: per-article cost as the index grows, memory, and MinHash vs SimHash.

Run: ``.venv/bin/python bench/dedup.py [--sizes 10000,100000,1000000] [--compare]``

1. Scaling. A :class:`CompactIndex` is filled with synthetic fingerprints (random band keys,
   as many per article as the real ones have) for each size; then the same real articles
   (the extraction benchmark's texts, or generated text without ../shared/data) go through
   ``Deduplicator.process`` against it. Reported: microseconds per article at each size and
   the ratio to the smallest size (target: 1M / 10k < 2), index bytes per million articles,
   and the size of the same postings in a SQLite ``WITHOUT ROWID`` table (measured on the
   smallest size, scaled per million).
2. ``--compare`` (needs ../shared/data): MinHash LSH (our band keys) against 64-bit SimHash
   on the development set: the share of labelled copy pairs that become candidates, per
   kind, and the share of same-story non-copy pairs that do (the verifier's load).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.dedup import DocView, EngineOptions
from newsdesk.dedup.engine import Deduplicator
from newsdesk.dedup.fingerprint import (
    FingerprintOptions,
    band_keys,
    fingerprint,
    strip_boilerplate,
    tokens,
)
from newsdesk.dedup.index import CompactIndex

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _texts(count: int) -> list[str]:
    truth = DATA / "extraction-benchmark" / "ground-truth.json.gz"
    if truth.exists():
        import gzip

        with gzip.open(truth, "rt", encoding="utf-8") as handle:
            bodies = [v["articleBody"] for v in json.load(handle).values()]
        return [b for b in bodies if len(b.split()) > 80][:count]
    rng = random.Random(1)
    vocab = [f"w{i}" for i in range(20000)]
    return [" ".join(rng.choice(vocab) for _ in range(400)) for _ in range(count)]


def _keys_per_article() -> int:
    opts = FingerprintOptions()
    return 3 + opts.full_bands + opts.lead_bands + opts.words_bands


def scaling(sizes: list[int], articles: int) -> dict[str, Any]:
    texts = _texts(articles)
    per_article = _keys_per_article()
    results: dict[str, Any] = {"keys_per_article": per_article, "articles_timed": len(texts)}
    rng = np.random.default_rng(7)
    for size in sizes:
        index = CompactIndex(merge_every=10**9)
        keys = rng.integers(0, 2**63 - 1, size=size * per_article, dtype=np.int64)
        ids = np.repeat(np.arange(size, dtype=np.int64), per_article)
        started = time.perf_counter()
        index.add_bulk(keys, ids)
        load_s = time.perf_counter() - started
        del keys, ids
        docs: dict[Any, DocView] = {}
        engine = Deduplicator(index, docs.get, options=EngineOptions())
        views = [
            DocView(id=size + n, url=f"https://s{n}.example/a", source=f"s{n}.example", text=t)
            for n, t in enumerate(texts)
        ]
        # Warm-up (caches, first-call costs), then three timed passes; the fastest counts.
        for view in views[:20]:
            engine.process(view)
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            for view in views:
                docs[view.id] = view
                engine.process(view)
            best = min(best, (time.perf_counter() - started) / len(views))
        results[str(size)] = {
            "us_per_article": round(best * 1e6, 1),
            "index_bytes_per_million": int(index.nbytes / size * 1_000_000),
            "load_seconds": round(load_s, 2),
        }
        print(f"{size:>9} indexed: {best * 1e6:8.0f} us/article", flush=True)
        del index, engine
    base = results[str(sizes[0])]["us_per_article"]
    for size in sizes:
        results[str(size)]["ratio_to_smallest"] = round(
            results[str(size)]["us_per_article"] / base, 3
        )
    results["sqlite_bytes_per_million"] = _sqlite_bytes(min(sizes), per_article)
    return results


def _sqlite_bytes(size: int, per_article: int) -> int:
    rng = np.random.default_rng(3)
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE dedup_keys (band_key INTEGER NOT NULL, article_id INTEGER NOT NULL,"
        " PRIMARY KEY (band_key, article_id)) WITHOUT ROWID"
    )
    keys = rng.integers(0, 2**63 - 1, size=size * per_article, dtype=np.int64).tolist()
    ids = np.repeat(np.arange(size), per_article).tolist()
    db.executemany("INSERT OR IGNORE INTO dedup_keys VALUES (?, ?)", zip(keys, ids, strict=True))
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    return int(pages * page_size / size * 1_000_000)


# --- MinHash vs SimHash on the development set -------------------------------------------


def _simhash(text: str) -> int:
    words = tokens(strip_boilerplate(text))
    weights = Counter(" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4)))
    vector = [0] * 64
    for shingle, weight in weights.items():
        bits = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            vector[bit] += weight if bits >> bit & 1 else -weight
    return sum(1 << bit for bit in range(64) if vector[bit] > 0)


def compare_methods() -> dict[str, Any]:
    from newsdesk.dedup.devset import build_devset

    rows = build_devset(DATA, seed=7)
    by_id = {r["id"]: r for r in rows}

    def root(doc_id: str) -> str:
        while by_id[doc_id]["copy_of"]:
            doc_id = by_id[doc_id]["copy_of"]
        return doc_id

    keys = {r["id"]: set(band_keys(fingerprint(r["text"]))) for r in rows}
    sims = {r["id"]: _simhash(r["text"]) for r in rows}
    pairs: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in rows:
        if r["copy_of"]:
            pairs[r["kind"]].append((r["id"], r["copy_of"]))
    stories: defaultdict[str, list[str]] = defaultdict(list)
    for r in rows:
        stories[r["story"]].append(r["id"])
    for members in stories.values():
        for a, b in itertools.combinations(members, 2):
            if root(a) != root(b):
                pairs["same-story non-copy"].append((a, b))
    out: dict[str, Any] = {}
    for kind, found in sorted(pairs.items()):
        minhash = sum(bool(keys[a] & keys[b]) for a, b in found) / len(found)
        hamming = [bin(sims[a] ^ sims[b]).count("1") for a, b in found]
        out[kind] = {
            "pairs": len(found),
            "minhash_lsh": round(minhash, 3),
            **{
                f"simhash_le{k}": round(sum(h <= k for h in hamming) / len(found), 3)
                for k in (3, 6, 10)
            },
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    if args.compare:
        report["minhash_vs_simhash"] = compare_methods()
        print(json.dumps(report["minhash_vs_simhash"], indent=1), flush=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    report["scaling"] = scaling(sizes, args.articles)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Story clustering bench: per-article cost with 10k, 100k and 1M articles stored.

Run: ``.venv/bin/python bench/stories.py [--rate 100] [--measure 2000]``

The claim: the cost of ``StoryClusterer.add`` does not grow with the number of articles
stored, because the clusterer only holds the stories of the last ``window + dormant``
hours (forgotten after that; the store keeps them) and looks candidates up in an
inverted index over those. What older history leaves behind is the document-frequency
tables, whose size follows the vocabulary — and a news stream's vocabulary keeps growing
(new names, numbers, spellings), so each table is capped at
``ClusterOptions.max_vocabulary`` terms (the rarest forgotten past it).

Stream: synthetic articles recombined from the real texts of ../shared/data/story-clusters
(ECB+ bodies, UCI headlines): each story mixes the sentences of two real articles plus a
name of its own, gets a geometric number of articles (mean ~5) spread over hours, and
articles arrive at ``--rate`` per hour (default 75/h = 1,800/day).

For N stored articles the clusterer is brought to the state it has after N articles:
the articles older than the horizon (``window + dormant`` hours) only count in the
document frequencies (their stories are forgotten by then), so their DF counts are added
in bulk (the real tokeniser on the real pool, scaled to N); the last horizon's worth is
streamed through ``add`` for real. The recombined pool has a fixed vocabulary (~35k
terms), so the bulk history also gets the rare terms a real stream of N articles would
have brought: Heaps' law fitted on the ECB+ texts (V = 58.5 x tokens^0.457, 174 tokens an
article: ~39k terms at 10k articles, ~317k at 1M), as many in the names/numbers table, with
counts 1 (60 %), 2 (20 %) or 3-10. Then ``--measure`` further articles are timed (CPU
time, one core). Then the state is serialised as the store saves it (the snapshot row, one
JSON body per story) twice: whole, and partial — only the stories changed over the last
``story_snapshot_every`` (500) timed articles, what the pipeline writes at each save.
Printed: ms/article for each N, the 1M/10k ratio (target < 2), the live index sizes, the
resident memory the clusterer added (each size runs in a fresh interpreter) and both
snapshots' size and cost.

``--embeddings`` (needs the optional extra) turns on ``ClusterOptions.embeddings``: the
timed articles are embedded by the real MiniLM model, one at a time as ``add`` does; the
streamed warm-up articles get stand-in vectors of the same size (the text's words hashed
into 384 dimensions), because embedding the whole horizon for real would take an hour.
The stand-ins cost the clusterer the same work (a 384-float sum per join, dot products
with each candidate's mean and latest members); its decisions differ somewhat, its cost
per article not. The memory figure then includes the model and PyTorch.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from newsdesk.config import Settings  # noqa: E402
from newsdesk.store.stories import pack_state  # noqa: E402
from newsdesk.stories import ArticleView, ClusterOptions, StoryClusterer  # noqa: E402
from newsdesk.stories.embedding import Embedder, load_embedder  # noqa: E402
from newsdesk.stories.evaluate import load_jsonl  # noqa: E402
from newsdesk.stories.text import extract_features  # noqa: E402
from tests.conftest import shared_data_dir  # noqa: E402

T0 = datetime(2026, 1, 1, tzinfo=UTC)
#: The pipeline saves a snapshot every this many assignments (the setting's default).
SNAPSHOT_EVERY: int = Settings.model_fields["story_snapshot_every"].default
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\w+")


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * 4096 / 1e6


def load_pool() -> tuple[list[list[str]], list[str]]:
    """Sentences of each real article with text, and the real headlines."""
    data = shared_data_dir()
    if data is None:
        raise SystemExit("../shared/data is absent")
    base = data / "story-clusters"
    bodies = [
        [s for s in _SENTENCE.split(a.view.text) if len(s.split()) >= 5]
        for a in load_jsonl(base / "ecbplus" / "ecbplus_dev.jsonl")
    ]
    headlines = [
        a.view.title for a in load_jsonl(base / "uci-news-sample" / "uci_sample_dev.jsonl")
    ]
    return [b for b in bodies if len(b) >= 4], headlines


def stream(rate: float, seed: int = 7) -> Iterator[ArticleView]:
    """An endless stream of synthetic articles at ``rate`` per hour."""
    rng = random.Random(seed)
    bodies, headlines = load_pool()
    open_stories: list[tuple[str, list[str], int]] = []
    number = 0
    story_number = 0
    while True:
        if not open_stories or rng.random() < 0.2:
            story_number += 1
            name = f"Zorbax{story_number}"
            sentences = rng.choice(bodies) + rng.choice(bodies)
            open_stories.append((name, sentences, story_number))
            del open_stories[:-300]
            story = open_stories[-1]
        else:
            story = open_stories[int(len(open_stories) * (1 - rng.random() ** 3)) - 1]
        name, sentences, _sid = story
        picked = rng.sample(sentences, min(4, len(sentences)))
        title = f"{name}: {rng.choice(headlines)}" if rng.random() < 0.3 else picked[0]
        published = T0 + timedelta(hours=number / rate)
        yield ArticleView(
            id=f"a{number}",
            title=title[:200],
            text=f"{name} said. " + " ".join(picked),
            published=published,
            language="en",
            source=f"outlet{rng.randrange(500)}",
            country="US",
        )
        number += 1


class SwitchEmbedder:
    """Stand-in vectors until ``real`` is set, then the real model. A stand-in is the
    text's words hashed into as many dimensions as the model has: texts sharing words
    get close vectors, so the stories grow as they would with the model."""

    def __init__(self, dimensions: int = 384) -> None:
        self.dimensions = dimensions
        self.real: Embedder | None = None

    def __call__(self, texts: Sequence[str]) -> Sequence[Sequence[float]]:
        if self.real is not None:
            return self.real(texts)
        out = []
        for text in texts:
            vector = [0.0] * self.dimensions
            for word in _WORD.findall(text.lower()):
                vector[zlib.crc32(word.encode()) % self.dimensions] += 1.0
            out.append(vector)
        return out


#: Heaps' law of the ECB+ DEV texts (our tokeniser): distinct terms = K x tokens^BETA.
HEAPS_K, HEAPS_BETA, TOKENS_PER_ARTICLE = 58.5, 0.457, 174


def _rare_terms(documents: int, present: int, prefix: str, rng: random.Random) -> dict[str, int]:
    """The terms beyond ``present`` that ``documents`` real articles would have brought."""
    target = int(HEAPS_K * (documents * TOKENS_PER_ARTICLE) ** HEAPS_BETA)
    out: dict[str, int] = {}
    for n in range(max(0, target - present)):
        draw = rng.random()
        out[f"{prefix}{n}"] = 1 if draw < 0.6 else 2 if draw < 0.8 else rng.randint(3, 10)
    return out


def with_history(
    options: ClusterOptions, documents: int, rate: float, embedder: Embedder | None = None
) -> StoryClusterer:
    """A clusterer whose DF tables have counted ``documents`` older articles, in bulk (see
    the module docstring): real tokenisation of 4,000 stream articles, scaled, plus the
    rare terms of Heaps' law."""
    clusterer = StoryClusterer(options, embedder=embedder)
    if documents <= 0:
        return clusterer
    counts: dict[str, int] = {}
    articles = stream(rate, seed=11)
    for _ in range(4000):
        view = next(articles)
        feats = extract_features(
            view.title, view.text, view.language,
            title_weight=options.title_weight, lead_words=options.lead_words,
        )  # fmt: skip
        for term in feats.terms:
            counts[term] = counts.get(term, 0) + 1
    scale = documents / 4000
    terms = {t: max(1, round(c * scale)) for t, c in counts.items()}
    rng = random.Random(13)
    terms.update(_rare_terms(documents, len(terms), "rareterm", rng))
    names = _rare_terms(documents, 0, "rarename", rng)
    snapshot = clusterer.snapshot()
    snapshot["df"] = [["en", documents, terms]]
    snapshot["names_df"] = [documents, names]
    return StoryClusterer.restore(snapshot, options, embedder=embedder)


def _snapshot_cost(clusterer: StoryClusterer, *, partial: bool) -> tuple[float, float]:
    """CPU ms and MB of one snapshot serialised as the store saves it: the snapshot row
    and one JSON body per story (``partial``: the stories changed since the last save)."""
    started = time.process_time()
    data = clusterer.snapshot(partial=partial)
    bodies = [orjson.dumps(story) for story in data.pop("stories")]
    size = len(pack_state(data)[1]) + sum(map(len, bodies))
    return 1000 * (time.process_time() - started), size / 1e6


def run(stored: int, rate: float, measure: int, options: ClusterOptions) -> dict[str, float]:
    horizon = int((options.window_hours + options.dormant_hours) * rate)
    streamed = min(stored, horizon)
    articles = stream(rate)
    first = next(articles)  # loads the pool before the memory baseline
    before = _rss_mb()
    switch = SwitchEmbedder() if options.embeddings else None
    real = load_embedder(options.embedding_model) if options.embeddings else None
    clusterer = with_history(options, stored - streamed, rate, switch)
    clusterer.add(first)
    started = time.process_time()
    for _ in range(streamed - 1):
        clusterer.add(next(articles))
    warm = time.process_time() - started
    if switch is not None:
        switch.real = real
    started = time.process_time()
    new = 0
    for n in range(measure):
        if n == measure - SNAPSHOT_EVERY:  # the desk's last save
            clusterer.mark_saved()
        new += clusterer.add(next(articles)).is_new
    elapsed = time.process_time() - started
    stats = clusterer.index_stats()
    snapshot_ms, snapshot_mb = _snapshot_cost(clusterer, partial=False)
    partial_ms, partial_mb = _snapshot_cost(clusterer, partial=True)
    return {
        "snapshot_ms": snapshot_ms,
        "snapshot_mb": snapshot_mb,
        "partial_snapshot_ms": partial_ms,
        "partial_snapshot_mb": partial_mb,
        "stored": stored,
        "streamed": streamed,
        "ms_per_article": 1000 * elapsed / measure,
        "warm_ms_per_article": 1000 * warm / max(streamed, 1),
        "new_share": new / measure,
        "rss_mb": _rss_mb() - before,
        **{k: float(v) for k, v in stats.items()},
    }


def _child(
    stored: int, rate: float, measure: int, embeddings: bool, vocabulary: int
) -> dict[str, float]:
    """Run one size in a fresh interpreter, so its memory figure is its own."""
    command = [sys.executable, __file__, "--sizes", str(stored), "--rate", str(rate),
               "--measure", str(measure), "--max-vocabulary", str(vocabulary),
               "--json"]  # fmt: skip
    if embeddings:
        command.append("--embeddings")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=75.0, help="articles per hour")
    parser.add_argument("--measure", type=int, default=1500, help="articles timed per size")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--json", action="store_true", help="one size, one JSON line")
    parser.add_argument(
        "--embeddings", action="store_true", help="embedding features on (optional extra)"
    )
    parser.add_argument(
        "--max-vocabulary",
        type=int,
        default=ClusterOptions().max_vocabulary,
        help="terms per frequency table (ClusterOptions.max_vocabulary; 10**9: no cap)",
    )
    args = parser.parse_args()
    options = ClusterOptions(embeddings=args.embeddings, max_vocabulary=args.max_vocabulary)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.json:
        print(json.dumps(run(sizes[0], args.rate, args.measure, options)))
        return 0
    horizon = int((options.window_hours + options.dormant_hours) * args.rate)
    print(
        f"rate {args.rate:g}/h, horizon {horizon:,} articles, {args.measure:,} timed per size, "
        f"at most {args.max_vocabulary:,} terms per frequency table"
    )
    results = []
    for stored in sizes:
        result = _child(stored, args.rate, args.measure, args.embeddings, args.max_vocabulary)
        results.append(result)
        print(
            f"stored {stored:>9,}: {result['ms_per_article']:.2f} ms/article "
            f"({1000 / result['ms_per_article']:.0f}/s; streamed {int(result['streamed']):,} at "
            f"{result['warm_ms_per_article']:.2f} ms), new stories {result['new_share']:.0%}, "
            f"live stories {int(result['stories']):,}, index keys {int(result['keys']):,}, "
            f"postings {int(result['postings']):,}, DF vocabulary {int(result['vocabulary']):,}, "
            f"+{result['rss_mb']:.0f} MB RSS, snapshot {result['snapshot_mb']:.1f} MB in "
            f"{result['snapshot_ms']:.0f} ms ({result['snapshot_ms'] / SNAPSHOT_EVERY:.2f} "
            f"ms/article saved every {SNAPSHOT_EVERY}); changed stories only "
            f"{result['partial_snapshot_mb']:.1f} MB in {result['partial_snapshot_ms']:.0f} ms "
            f"({result['partial_snapshot_ms'] / SNAPSHOT_EVERY:.2f} ms/article)",
            flush=True,
        )
    if len(results) >= 2:
        ratio = results[-1]["ms_per_article"] / results[0]["ms_per_article"]
        largest, smallest = int(results[-1]["stored"]), int(results[0]["stored"])
        print(f"ratio {largest:,} / {smallest:,}: {ratio:.2f} (target < 2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

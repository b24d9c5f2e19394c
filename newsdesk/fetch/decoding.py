"""Content-Encoding decoders that never produce much more than a byte budget.

httpx's own decoders inflate each network chunk in one call, so a 64 KiB gzip bomb chunk
becomes ~64 MB in memory before anyone can count it. These decoders take the remaining
budget and return at most ``budget + 1`` bytes per call for gzip, deflate and brotli, and a
bounded overshoot for zstd, so the caller can stop at the cap with TooLarge.
"""

from __future__ import annotations

import zlib
from typing import Protocol

import brotli
import zstandard

__all__ = ["ACCEPT_ENCODING", "BodyDecoder", "DecodeFailed", "decoder_for"]

ACCEPT_ENCODING = "gzip, br, zstd, deflate"

# zstd can encode 128 KiB of output in a 4-byte RLE block: feed it small slices of input.
_ZSTD_MAX_RATIO = 32_768


class DecodeFailed(Exception):
    """The body is not valid for its Content-Encoding."""


class BodyDecoder(Protocol):
    def decode(self, data: bytes, budget: int) -> bytes:
        """Decode ``data``; may stop early once more than ``budget`` bytes came out."""

    def flush(self) -> bytes:
        """Whatever remains at the end of the body."""


class _Identity:
    def decode(self, data: bytes, budget: int) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


class _Zlib:
    """gzip (with multiple members) and deflate (zlib-wrapped or raw)."""

    def __init__(self, *, gzip: bool) -> None:
        self._gzip = gzip
        self._wbits = zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(self._wbits)
        self._first = True

    def decode(self, data: bytes, budget: int) -> bytes:
        out = bytearray()
        pending = data
        while pending:
            try:
                chunk = self._obj.decompress(pending, max(1, budget - len(out) + 1))
            except zlib.error as exc:
                if self._first and not self._gzip:
                    # Servers often send raw deflate under "deflate"; retry as raw.
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._first = False
                    continue
                raise DecodeFailed(str(exc)) from exc
            self._first = False
            out += chunk
            if len(out) > budget:
                break
            if self._obj.eof:
                pending = self._obj.unused_data
                if pending and self._gzip:
                    self._obj = zlib.decompressobj(self._wbits)
                    continue
                break
            pending = self._obj.unconsumed_tail
        return bytes(out)

    def flush(self) -> bytes:
        try:
            return self._obj.flush()
        except zlib.error as exc:
            raise DecodeFailed(str(exc)) from exc


class _Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def decode(self, data: bytes, budget: int) -> bytes:
        try:
            out = bytearray(self._obj.process(data, output_buffer_limit=budget + 1))
            while len(out) <= budget and not self._obj.can_accept_more_data():
                out += self._obj.process(b"", output_buffer_limit=budget - len(out) + 1)
        except brotli.error as exc:
            raise DecodeFailed(str(exc)) from exc
        return bytes(out)

    def flush(self) -> bytes:
        return b""


class _Zstd:
    def __init__(self) -> None:
        self._dctx = zstandard.ZstdDecompressor()
        self._obj = self._dctx.decompressobj()

    def decode(self, data: bytes, budget: int) -> bytes:
        out = bytearray()
        view = memoryview(data)
        while view and len(out) <= budget:
            step = 64 + max(0, budget - len(out)) // _ZSTD_MAX_RATIO
            piece, view = view[:step], view[step:]
            try:
                out += self._obj.decompress(piece.tobytes())
                while self._obj.eof and self._obj.unused_data:  # concatenated frames
                    rest = self._obj.unused_data
                    self._obj = self._dctx.decompressobj()
                    out += self._obj.decompress(rest)
            except zstandard.ZstdError as exc:
                raise DecodeFailed(str(exc)) from exc
        return bytes(out)

    def flush(self) -> bytes:
        return b""


def decoder_for(content_encoding: str | None) -> BodyDecoder:
    """A decoder for a Content-Encoding value. Unknown codings pass bytes through.

    Only a single coding is decoded (what every real server sends); a stacked value such
    as ``gzip, br`` raises DecodeFailed rather than being half-decoded.
    """
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return _Identity()
    if len(codings) > 1:
        raise DecodeFailed(f"stacked content codings {content_encoding!r}")
    coding = codings[0]
    if coding in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if coding == "deflate":
        return _Zlib(gzip=False)
    if coding == "br":
        return _Brotli()
    if coding == "zstd":
        return _Zstd()
    return _Identity()

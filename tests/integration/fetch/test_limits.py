"""Size caps after decompression, and the total timeout against a trickling server."""

from __future__ import annotations

import time

import pytest

from newsdesk.errors import FetchTimeout, TooLarge
from newsdesk.fetch import Fetcher
from tests.integration.fetch.conftest import options
from tests.support.trickster import Trickster


async def test_50_mb_body_stopped_at_1_mb(server: Trickster) -> None:
    started = time.monotonic()
    async with Fetcher(options()) as fetcher:
        with pytest.raises(TooLarge):
            await fetcher.get(server.url("/big?mb=50"), max_bytes=1_000_000)
    assert time.monotonic() - started < 3
    # The server could push a few socket buffers more than we read, never the 50 MB.
    assert server.bytes_sent["/big"] < 10_000_000


async def test_content_length_rejected_before_reading(server: Trickster) -> None:
    async with Fetcher(options()) as fetcher:
        with pytest.raises(TooLarge, match="Content-Length"):
            await fetcher.get(server.url("/big?mb=50&length=1"), max_bytes=1_000_000)
    assert server.bytes_sent.get("/big", 0) < 10_000_000


async def test_gzip_bomb_stopped_at_cap(server: Trickster) -> None:
    started = time.monotonic()
    async with Fetcher(options()) as fetcher:
        with pytest.raises(TooLarge, match="after decoding"):
            await fetcher.get(server.url("/bomb"), max_bytes=1_000_000)
    assert time.monotonic() - started < 3


async def test_body_exactly_at_cap_is_accepted(server: Trickster) -> None:
    async with Fetcher(options()) as fetcher:
        result = await fetcher.get(server.url("/big?mb=1"), max_bytes=1_000_000)
    assert len(result.body) == 1_000_000


async def test_trickle_ends_in_total_timeout(server: Trickster) -> None:
    server.trickle_interval = 0.2  # every read succeeds well inside read_timeout
    started = time.monotonic()
    async with Fetcher(options(total_timeout=1.0, read_timeout=2.0, retries=0)) as fetcher:
        with pytest.raises(FetchTimeout):
            await fetcher.get(server.url("/trickle"), max_bytes=1_000_000)
    assert 0.9 <= time.monotonic() - started < 2.0


async def test_timeouts_are_retried(server: Trickster) -> None:
    async with Fetcher(options(total_timeout=0.3, retries=1)) as fetcher:
        with pytest.raises(FetchTimeout):
            await fetcher.get(server.url("/trickle"), max_bytes=1_000_000)
    assert server.paths() == ["/trickle", "/trickle"]

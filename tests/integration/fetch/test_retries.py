"""Retries: backoff on 5xx, Retry-After honoured when short, handed back when long."""

from __future__ import annotations

import pytest

from newsdesk.errors import ConnectFailure, HTTPStatusError
from newsdesk.fetch import Fetcher
from tests.integration.fetch.conftest import options
from tests.support.trickster import FEED, Trickster


class RecordingSleep:
    """Records requested sleeps and returns at once (keeps Retry-After tests fast)."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


async def test_429_short_retry_after_is_waited_then_success(server: Trickster) -> None:
    sleep = RecordingSleep()
    async with Fetcher(options(max_retry_after=5.0), sleep=sleep) as fetcher:
        result = await fetcher.get(
            server.url("/flaky/a?fail=1&status=429&retry_after=1"), max_bytes=1_000_000
        )
    assert result.body == FEED
    assert result.attempts == 2
    assert sleep.calls == [1.0]


async def test_429_long_retry_after_is_raised_for_the_scheduler(server: Trickster) -> None:
    sleep = RecordingSleep()
    async with Fetcher(options(max_retry_after=5.0), sleep=sleep) as fetcher:
        with pytest.raises(HTTPStatusError) as caught:
            await fetcher.get(server.url("/status/429?retry_after=3600"), max_bytes=1000)
    assert caught.value.status == 429
    assert caught.value.retry_after == 3600.0
    assert sleep.calls == []
    assert len(server.requests) == 1


async def test_503_http_date_retry_after(server: Trickster) -> None:
    sleep = RecordingSleep()
    async with Fetcher(options(), sleep=sleep) as fetcher:
        with pytest.raises(HTTPStatusError) as caught:
            await fetcher.get(
                server.url("/status/503?retry_after=Fri, 01 Jan 2100 00:00:00 GMT"),
                max_bytes=1000,
            )
    assert caught.value.retry_after is not None and caught.value.retry_after > 1e9


async def test_503_retried_then_success(server: Trickster) -> None:
    async with Fetcher(options(retries=2, retry_backoff=0.01)) as fetcher:
        result = await fetcher.get(server.url("/flaky/b?fail=2&status=503"), max_bytes=1_000_000)
    assert result.status == 200
    assert result.attempts == 3


async def test_500_exhausts_retries_with_growing_backoff(server: Trickster) -> None:
    sleep = RecordingSleep()
    async with Fetcher(options(retries=3, retry_backoff=1.0), sleep=sleep) as fetcher:
        with pytest.raises(HTTPStatusError) as caught:
            await fetcher.get(server.url("/status/500"), max_bytes=1000)
    assert caught.value.status == 500
    assert len(server.requests) == 4
    assert len(sleep.calls) == 3
    for n, delay in enumerate(sleep.calls):  # base * 2**n, jittered within [half, full]
        assert 0.5 * 2**n <= delay <= 2**n


async def test_501_not_retried(server: Trickster) -> None:
    async with Fetcher(options(retries=3)) as fetcher:
        with pytest.raises(HTTPStatusError):
            await fetcher.get(server.url("/status/501"), max_bytes=1000)
    assert len(server.requests) == 1


async def test_connection_refused_is_retried_then_connect_failure() -> None:
    sleep = RecordingSleep()
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: nobody listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with Fetcher(options(retries=2), sleep=sleep) as fetcher:
        with pytest.raises(ConnectFailure):
            await fetcher.get(f"http://127.0.0.1:{port}/feed", max_bytes=1000)
    assert len(sleep.calls) == 2

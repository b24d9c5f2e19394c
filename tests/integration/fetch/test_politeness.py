"""Politeness measured from the server side: per-domain delay and concurrency, global cap."""

from __future__ import annotations

import asyncio

import pytest

from newsdesk.fetch import Fetcher, politeness_key
from tests.integration.fetch.conftest import options
from tests.support.trickster import Trickster, static_resolver

HOSTS = ["a.example.co.uk", "b.example.co.uk", "other.example.org"] + [
    f"d{i}.example{i}.net" for i in range(6)
]
RESOLVER = static_resolver({host: ["127.0.0.1"] for host in HOSTS})
DELAY = 0.3


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("a.example.co.uk", "example.co.uk"),
        ("News.BBC.co.uk.", "bbc.co.uk"),
        ("www.example.com", "example.com"),
        ("example.com", "example.com"),
        ("localhost", "localhost"),
        ("127.0.0.1", "127.0.0.1"),
        ("[::1]", "::1"),
    ],
)
def test_politeness_key(host: str, domain: str) -> None:
    assert politeness_key(host) == domain


async def _starts(server: Trickster, urls: list[str], **changes: float) -> list[float]:
    opts = options(**{"per_host_delay": DELAY, **changes})
    async with Fetcher(opts, resolver=RESOLVER) as fetcher:
        await asyncio.gather(*(fetcher.get(url, max_bytes=10_000) for url in urls))
    return sorted(seen.at for seen in server.requests)


async def test_same_host_requests_start_a_delay_apart(server: Trickster) -> None:
    starts = await _starts(server, [server.url("/slow?1"), server.url("/slow?2")])
    assert starts[1] - starts[0] >= DELAY - 0.02


async def test_subdomains_share_one_budget(server: Trickster) -> None:
    urls = [server.url("/feed", "a.example.co.uk"), server.url("/feed", "b.example.co.uk")]
    starts = await _starts(server, urls)
    assert starts[1] - starts[0] >= DELAY - 0.02


async def test_different_domains_do_not_wait(server: Trickster) -> None:
    urls = [server.url("/feed", "a.example.co.uk"), server.url("/feed", "other.example.org")]
    starts = await _starts(server, urls)
    assert starts[1] - starts[0] < DELAY / 2


async def test_global_concurrency_respected(server: Trickster) -> None:
    server.slow_delay = 0.2
    urls = [server.url("/slow", f"d{i}.example{i}.net") for i in range(6)]
    await _starts(server, urls, per_host_delay=0.0, global_concurrency=2)
    assert server.max_in_flight == 2
    assert len(server.requests) == 6


async def test_per_domain_concurrency_respected(server: Trickster) -> None:
    server.slow_delay = 0.2
    urls = [server.url(f"/slow?{i}", "a.example.co.uk") for i in range(3)]
    await _starts(server, urls, per_host_delay=0.0, per_host_concurrency=1)
    assert server.max_in_flight == 1

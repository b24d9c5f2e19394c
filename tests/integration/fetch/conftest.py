"""Fixtures for the fetcher tests: a Trickster server and fast, loopback-friendly options."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest

from newsdesk.fetch import FetchOptions
from tests.support.trickster import Trickster

UA = "newsdesk/0.1 (+https://github.com/newsdesk/newsdesk)"

# Loopback is private, so these tests must opt in to allow_private_networks; the SSRF
# tests switch it back off. Timeouts and backoff are small to keep the folder fast.
FAST = FetchOptions(
    user_agent=UA,
    connect_timeout=2.0,
    read_timeout=2.0,
    total_timeout=5.0,
    max_redirects=5,
    retries=2,
    retry_backoff=0.01,
    max_retry_after=2.0,
    global_concurrency=8,
    per_host_concurrency=4,
    per_host_delay=0.0,
    respect_robots=True,
    allow_private_networks=True,
)


def options(**changes: Any) -> FetchOptions:
    return dataclasses.replace(FAST, **changes)


@pytest.fixture
async def server() -> AsyncIterator[Trickster]:
    async with Trickster() as trickster:
        yield trickster

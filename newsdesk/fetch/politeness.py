"""Politeness: how many requests may run, and how often one site may be asked.

Budgets are per *registered domain* (``a.example.co.uk`` and ``b.example.co.uk`` share
``example.co.uk``), computed offline from the public suffix list bundled with tldextract.
Each domain has a concurrency limit and a minimum delay between request starts; on top,
one global concurrency limit. A request first waits for its domain, then for its start
time, and only then takes a global slot, so a site's delay never holds a global slot.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from newsdesk.errors import InvalidURL
from newsdesk.normalize.urls import registered_domain

__all__ = ["Politeness", "politeness_key"]


@lru_cache(maxsize=4096)
def politeness_key(host: str) -> str:
    """The budget a host draws on: its registered domain (``news.bbc.co.uk`` ->
    ``bbc.co.uk``); a host that is no usable domain is its own budget."""
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        return registered_domain(host)
    except InvalidURL:
        return host


@dataclass(slots=True)
class _Domain:
    semaphore: asyncio.Semaphore
    next_start: float = field(default=float("-inf"))


class Politeness:
    """Concurrency and pacing limits shared by every request of one Fetcher.

    ``clock`` is a monotonic clock in seconds and ``sleep`` its matching sleep; both are
    injectable for tests.
    """

    def __init__(
        self,
        *,
        global_concurrency: int,
        per_domain_concurrency: int,
        per_domain_delay: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._global = asyncio.Semaphore(max(1, global_concurrency))
        self._per_domain_concurrency = max(1, per_domain_concurrency)
        self._delay = max(0.0, per_domain_delay)
        self._clock = clock
        self._sleep = sleep
        self._domains: dict[str, _Domain] = {}

    def _domain(self, domain: str) -> _Domain:
        state = self._domains.get(domain)
        if state is None:
            state = _Domain(asyncio.Semaphore(self._per_domain_concurrency))
            self._domains[domain] = state
        return state

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold a request slot for ``host`` for the duration of the block."""
        state = self._domain(politeness_key(host))
        async with state.semaphore:
            # Reserve the next start time before sleeping (no await in between), so
            # concurrent waiters line up one delay apart.
            now = self._clock()
            start = max(now, state.next_start)
            state.next_start = start + self._delay
            if start > now:
                await self._sleep(start - now)
            async with self._global:
                yield

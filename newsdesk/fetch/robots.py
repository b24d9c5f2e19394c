"""robots.txt rules per origin, fetched once and kept for a while (RFC 9309).

The cache does no I/O itself: the fetcher hands it a ``load`` coroutine that fetches
``/robots.txt`` and returns what came back. Outcomes (RFC 9309 section 2.3.1):
a 2xx body is parsed with protego; a 4xx (other than 429) means "no rules, allow all";
a 5xx, a 429 or an unreachable server means "disallow all" until the entry expires.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from protego import Protego

__all__ = ["ALLOW_ALL", "DISALLOW_ALL", "RobotsCache", "RobotsRules"]

ROBOTS_TTL = 3600.0
ROBOTS_MAX_BYTES = 512_000  # RFC 9309: parse at least 500 KiB


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """Parsed rules, or a blanket answer when there was nothing to parse."""

    parser: Protego | None
    allow_all: bool
    reason: str

    def allows(self, url: str, user_agent: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, user_agent))

    @classmethod
    def parse(cls, body: bytes) -> RobotsRules:
        text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
        return cls(Protego.parse(text), allow_all=True, reason="robots.txt")


ALLOW_ALL = RobotsRules(None, allow_all=True, reason="no robots.txt")
DISALLOW_ALL = RobotsRules(None, allow_all=False, reason="robots.txt unreachable")


class RobotsCache:
    """Rules per origin (``https://host:port``), loaded once per ``ttl`` seconds.

    Concurrent lookups of one origin share a single load.
    """

    def __init__(self, *, ttl: float = ROBOTS_TTL, clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[str, tuple[float, RobotsRules]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules(self, origin: str, load: Callable[[], Awaitable[RobotsRules]]) -> RobotsRules:
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            entry = self._entries.get(origin)
            if entry is not None and entry[0] > self._clock():
                return entry[1]
            rules = await load()
            self._entries[origin] = (self._clock() + self._ttl, rules)
            return rules

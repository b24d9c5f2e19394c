"""A micro-cache for public GET answers: the same URL asked again within a few seconds is
answered from memory.

A news front page is read far more often than it changes; holding each answer for
``ttl`` seconds (default 5, the ``page_cache_seconds`` setting) bounds the database work per
URL to one query every few seconds whatever the load, at the price of new articles showing
up to ``ttl`` seconds late. Only complete ``200`` answers to ``GET`` requests without
credentials are kept, keyed by path, query string and the request headers that change the
answer (``Accept``, ``Accept-Encoding``, ``If-None-Match`` is handled by the app's ETags on
top). Bodies over ``max_body`` bytes and paths under ``skip`` (the operator's status page)
are never kept; at most ``max_entries`` answers are held, the least recently used going
first. A plain ASGI wrapper, like the security headers.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MicroCache"]

_VARY = (b"accept", b"accept-encoding")
_PRIVATE = (b"authorization", b"cookie")


@dataclass(frozen=True, slots=True)
class _Entry:
    expires: float
    start: Message
    body: bytes


class MicroCache:
    """ASGI middleware; see the module docstring. ``clock`` is monotonic seconds."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        ttl: float = 5.0,
        max_entries: int = 512,
        max_body: int = 1_000_000,
        skip: tuple[str, ...] = ("/status", "/api/v1/status", "/healthz"),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.ttl = ttl
        self.max_entries = max_entries
        self.max_body = max_body
        self.skip = skip
        self.clock = clock
        self._entries: OrderedDict[tuple[bytes, ...], _Entry] = OrderedDict()

    def _key(self, scope: Scope) -> tuple[bytes, ...] | None:
        if scope["type"] != "http" or scope["method"] != "GET" or self.ttl <= 0:
            return None
        path: str = scope["path"]
        if path.startswith(self.skip):
            return None
        headers = dict(scope["headers"])
        if any(name in headers for name in _PRIVATE):
            return None
        if b"if-none-match" in headers or b"if-modified-since" in headers:
            return None  # conditional requests go to the app, which answers 304 cheaply
        return (
            path.encode(),
            scope.get("query_string", b""),
            *(headers.get(name, b"") for name in _VARY),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        now = self.clock()
        entry = self._entries.get(key)
        if entry is not None and entry.expires > now:
            self._entries.move_to_end(key)
            headers = [*entry.start["headers"], (b"x-cache", b"hit")]
            await send({**entry.start, "headers": headers})
            await send({"type": "http.response.body", "body": entry.body})
            return
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        keep = True

        async def record(message: Message) -> None:
            nonlocal start, size, keep
            if message["type"] == "http.response.start":
                start = message
                keep = message["status"] == 200 and not any(
                    name == b"set-cookie" for name, _ in message.get("headers", [])
                )
            elif message["type"] == "http.response.body" and keep:
                size += len(message.get("body", b""))
                if size > self.max_body:
                    keep = False
                    chunks.clear()
                else:
                    chunks.append(message.get("body", b""))
                if keep and not message.get("more_body", False) and start is not None:
                    self._store(key, start, b"".join(chunks))
            await send(message)

        await self.app(scope, receive, record)

    def _store(self, key: tuple[bytes, ...], start: Message, body: bytes) -> None:
        self._entries[key] = _Entry(self.clock() + self.ttl, start, body)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
